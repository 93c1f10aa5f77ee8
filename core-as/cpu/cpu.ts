// The CPU's reset, single step and run loop.
//
// run(budget) executes up to `budget` instructions and returns an exit reason (state.ts).
// The inner loop is step() plus one test of SIGNAL; everything that needs attention between
// instructions (interrupts, halts, resets, device requests, single-step traps) sets SIGNAL and
// is handled in the outer loop, so the common path stays short.
import {
  REGS, EIP, EFLAGS, LF_MASK, CR0, CR2, CR3, CR4, DR, GDTR_BASE, GDTR_LIMIT, IDTR_BASE, IDTR_LIMIT,
  HALTED, INHIBIT, INSN_EIP, INSN_ESP, REG_ESP, REG_EDX, ICOUNT, INTR, NMI, RESET_REQ, EXIT_REASON,
  EXIT_BUDGET, EXIT_HALT, EXIT_RESET, EXIT_TRIPLE_FAULT, EXIT_FATAL, EXIT_DEBUG_FULL, EXIT_DISK, EXIT_JIT, DISK_REQ_STATE, CONFIG_FLAGS,
  DEBUG_HEAD, DEBUG_TAIL, DEBUG_RING_SIZE, TRIPLE_FAULTS, TRACE, TRACE_HEAD, TRACE_LEN, SEG_BASE,
  MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_APIC_BASE, TSC_OFFSET, CPUID_SIG, MODE,
  MSR_MISC_ENABLE, MSR_PAT, MTRR_DEF_TYPE, HALT_UNTIL, EXC_NESTING, MTRR_VAR, TRACE_ENTRY, SEG_SEL,
  FETCH_BUF, EXIT_GUEST_EXIT, GUEST_EXIT_REQ, PORT_TRACE_HEAD, PORT_TRACE_TAIL, PORT_TRACE_SIZE, MODE_CODE32,
} from "../state";
import { FW_START, FW_LEN, FW_HOST } from "./fetch_window";
import { DBG_ACTIVE, DBG_EXEC, DBG_HIT, debug_update, dbg_exec_hits, dbg_clear_hits } from "./debug";
import { DELIVERED, clear_delivered } from "./interrupt";
import { FAULTED, clear_fault } from "./fault";
import { FATAL, clear_fatal } from "./fatal";
import { SIGNAL, clear_signal, request_exit_check } from "./signal";
import { decode, OP, REG } from "./decode";
import { dispatch } from "./gen/dispatch";
import { handle_fault, deliver, SRC_EXT } from "./interrupt";
import { seg_set_cache, update_mode, set_cpl } from "./segments";
import { tlb_flush_all } from "./tlb";
import { get_eflags, F_IF, F_TF, F_RF } from "./flags";
import { S_CS } from "./regs";
import { pic_acknowledge } from "../bus/irq";
import { CHUNK_DONE, clock_deadline_reached, clock_next_deadline, run_due_events, insns_until_deadline } from "../time";
import { set_a20 } from "../bus/sysports";
import { fpu_reset } from "./ops/x87";
import { jit_try, jit_enabled, JIT_TF } from "../jit/jit";

// CPU signature reported in EDX at reset and by CPUID leaf 1: family 6, model 1, stepping 9
// (a Pentium Pro: a P6 without MMX, which is what this CPU implements).
export const CPU_SIGNATURE: u32 = 0x619;

// Power-on / reset state, SDM vol.3 §9.1.1 table 9-1.
export function cpu_reset(): void {
  memory.fill(REGS, 0, 32);
  store<u32>(REG_EDX, CPU_SIGNATURE);
  store<u32>(CPUID_SIG, CPU_SIGNATURE);
  store<u32>(EIP, 0xfff0);
  store<u32>(EFLAGS, 2);
  store<u32>(LF_MASK, 0);
  store<u32>(CR0, 0x60000010);
  store<u32>(CR2, 0);
  store<u32>(CR3, 0);
  store<u32>(CR4, 0);
  for (let i = 0; i < 8; i++) store<u32>(DR + i * 4, 0);
  store<u32>(DR + 6 * 4, 0xffff0ff0);
  store<u32>(DR + 7 * 4, 0x400);
  store<u32>(GDTR_BASE, 0);
  store<u32>(GDTR_LIMIT, 0xffff);
  store<u32>(IDTR_BASE, 0);
  store<u32>(IDTR_LIMIT, 0xffff);
  store<u32>(MSR_SYSENTER_CS, 0);
  store<u32>(MSR_SYSENTER_ESP, 0);
  store<u32>(MSR_SYSENTER_EIP, 0);
  store<u32>(MSR_APIC_BASE, 0xfee00900); // BSP, APIC enabled at the default base
  store<u64>(TSC_OFFSET, 0 - load<u64>(ICOUNT));
  store<u32>(MSR_MISC_ENABLE, 0);
  store<u64>(MSR_PAT, 0x0007040600070406);
  store<u32>(MTRR_DEF_TYPE, 0);
  memory.fill(MTRR_VAR, 0, 0x100); // variable and fixed ranges
  store<u32>(MODE, 0);
  store<u32>(HALTED, 0);
  store<u32>(INHIBIT, 0);
  store<u32>(EXC_NESTING, 0);
  store<u32>(RESET_REQ, 0);
  fpu_reset();
  // CS: selector F000, base FFFF0000 so the first fetch is at FFFFFFF0 (the ROM at 4 GiB)
  seg_set_cache(1, 0xf000, 0xffff0000, 0xffff, 0x93 | 0x08); // present, code, readable, accessed
  for (let s = 0; s < 8; s++) {
    if (s == S_CS) continue;
    // data segments: present, writable, accessed; LDTR: LDT type; TR: busy 16-bit TSS
    const attr: u32 = s == 6 ? 0x82 : s == 7 ? 0x8b : 0x93;
    seg_set_cache(s, 0, 0, 0xffff, attr);
  }
  TRACE_ON = (load<u32>(CONFIG_FLAGS) & 2) != 0;
  set_cpl(0);
  update_mode();
  debug_update();
  tlb_flush_all(true);
  set_a20(true);
  clear_fault();
  clear_fatal();
  request_exit_check();
}

// Remember recent instructions for the diagnostic dump (when CONFIG_FLAGS bit 1 asks for it,
// --trace-cpu: it costs a copy of the code bytes per instruction). Called after decode() and
// before the instruction runs, so the code bytes are where the decoder read them: in the
// fetch window, or in FETCH_BUF when prefill() copied them (state.ts TRACE_ENTRY).
export let TRACE_ON: bool = false;
function trace(eip: u32, ok: bool): void {
  const h = load<u32>(TRACE_HEAD);
  const e = TRACE + (h & (TRACE_LEN - 1)) * TRACE_ENTRY;
  store<u32>(e, load<u32>(SEG_BASE + (S_CS << 2)) + eip);
  store<u32>(e + 4, eip);
  store<u16>(e + 8, <u16>load<u32>(SEG_SEL + (S_CS << 2)));
  store<u8>(e + 10, ok ? <u8>(load<u32>(EIP) - eip) : 0);
  store<u8>(e + 11, (load<u32>(MODE) & MODE_CODE32) != 0 ? 32 : 16);
  store<u32>(e + 12, 0);
  const d = eip - FW_START;
  const src: usize = d < FW_LEN && FW_LEN - d >= 16 ? FW_HOST + d : FETCH_BUF;
  store<u64>(e + 16, load<u64>(src));
  store<u64>(e + 24, load<u64>(src + 8));
  store<u32>(TRACE_HEAD, h + 1);
}

// Execute one instruction (or deliver the exception it raised), without counting it: the
// callers add to ICOUNT. Returns true on a triple fault.
@inline function execute(): bool {
  const eip = load<u32>(EIP);
  store<u32>(INSN_EIP, eip);
  store<u32>(INSN_ESP, load<u32>(REG_ESP));
  const ok = decode(eip);
  if (TRACE_ON) trace(eip, ok);
  if (ok) { NEXT_SEQ = load<u32>(EIP); dispatch(); }
  if (FAULTED) return handle_fault();
  return false;
}

// EIP after the last decode: an instruction after which EIP differs from it branched (or
// faulted), and the run loop looks for compiled code there.
let NEXT_SEQ: u32 = 0;

@inline function count(n: i32): void {
  store<u64>(ICOUNT, load<u64>(ICOUNT) + <u64>n);
}

export function step(): bool {
  if (jit_enabled()) {
    // with the JIT forced, Machine.step() compiled a one-instruction block here first
    CHUNK_DONE = 0;
    const n = jit_try(1, true, false);
    CHUNK_DONE = 0;
    if (n > 0) { count(n); return JIT_TF; }
  }
  const r = execute();
  count(1);
  return r;
}

function triple_fault(): i32 {
  store<u32>(TRIPLE_FAULTS, load<u32>(TRIPLE_FAULTS) + 1);
  if (load<u32>(CONFIG_FLAGS) & 1) return EXIT_TRIPLE_FAULT;
  cpu_reset();
  return EXIT_RESET;
}

// Deliver an external interrupt if one is pending and allowed. Returns true if one was taken.
function check_interrupts(): bool {
  if (load<u32>(INHIBIT) != 0) return false;
  if (load<u32>(NMI) != 0) {
    store<u32>(NMI, 0);
    store<u32>(INSN_EIP, load<u32>(EIP));
    store<u32>(INSN_ESP, load<u32>(REG_ESP));
    deliver(2, 0, false, SRC_EXT);
    return true;
  }
  if (load<u32>(INTR) != 0 && (load<u32>(EFLAGS) & F_IF) != 0) {
    const vector = pic_acknowledge();
    if (vector < 0) return false;
    store<u32>(INSN_EIP, load<u32>(EIP));
    store<u32>(INSN_ESP, load<u32>(REG_ESP));
    deliver(<u32>vector, 0, false, SRC_EXT);
    return true;
  }
  return false;
}

export function run(budget: i32): i32 {
  let left = budget;
  while (left > 0) {
    if (SIGNAL) {
      clear_signal();
      if (FATAL) return EXIT_FATAL;
      if (load<u32>(RESET_REQ) != 0) { cpu_reset(); return EXIT_RESET; }
      if (load<u32>(DEBUG_HEAD) - load<u32>(DEBUG_TAIL) > <u32>(DEBUG_RING_SIZE / 2)) { request_exit_check(); return EXIT_DEBUG_FULL; }
      if (load<u32>(PORT_TRACE_HEAD) - load<u32>(PORT_TRACE_TAIL) >= <u32>(PORT_TRACE_SIZE / 2)) { request_exit_check(); return EXIT_DEBUG_FULL; }
      // the guest wrote the exit port (bus/portwatch.ts): the host ends the run
      if (load<u32>(GUEST_EXIT_REQ) != 0) { store<u32>(GUEST_EXIT_REQ, 0); return EXIT_GUEST_EXIT; }
      // a device or BIOS service posted a disk request (bus/disk.ts): the host serves it first
      if (load<u32>(DISK_REQ_STATE) == 1) { request_exit_check(); return EXIT_DISK; }
      if (clock_deadline_reached()) run_due_events();
      if (check_interrupts()) {
        if (FAULTED && handle_fault()) return triple_fault();
      }
      if (load<u32>(HALTED) != 0) {
        // nothing to run until an interrupt: tell the host how long it may sleep
        const next = clock_next_deadline();
        const can_wake = (load<u32>(EFLAGS) & F_IF) != 0 || next != 0;
        store<u64>(HALT_UNTIL, can_wake ? next : 0);
        if (load<u32>(INTR) != 0 && (load<u32>(EFLAGS) & F_IF) != 0) { request_exit_check(); continue; }
        request_exit_check();
        return EXIT_HALT;
      }
      // Single-step trap (TF set at the start of an instruction), the interrupt shadow, RF and
      // armed breakpoints need the slow path for exactly one more instruction.
      const fl = load<u32>(EFLAGS);
      const inhibit = load<u32>(INHIBIT) != 0;
      if ((fl & (F_TF | F_RF)) != 0 || inhibit || DBG_ACTIVE) {
        store<u32>(INHIBIT, 0);
        if (step_debug(fl)) return triple_fault();
        left--;
        request_exit_check();
        continue;
      }
      if (left <= 0) break;
    }
    if (clock_deadline_reached()) run_due_events();
    // the hot loop, up to the next device event at most
    let chunk = insns_until_deadline();
    if (chunk > left) chunk = left;
    // CHUNK_DONE is a global so that clock_now() sees instructions of the running chunk
    let tf = false;
    // the JIT looks for compiled code where control arrives by a branch (and at the start)
    const jit = jit_enabled();
    let look = jit;
    let jit_pending = false;
    CHUNK_DONE = 0;
    do {
      // (a block runs to its budget without looking at SIGNAL, so only enter one while it is
      // clear: an event run just before this chunk may have raised an interrupt)
      if (look && SIGNAL == 0) {
        const r = jit_try(chunk - CHUNK_DONE, false, true);
        if (r > 0) {
          CHUNK_DONE += r;
          if (JIT_TF) { tf = true; break; }
          continue; // look again where the block left off
        }
        if (r < 0) { jit_pending = true; break; } // a module for the host to compile
      }
      CHUNK_DONE++;
      tf = execute();
      look = jit && load<u32>(EIP) != NEXT_SEQ;
    } while (!tf && CHUNK_DONE < chunk && SIGNAL == 0);
    const done = CHUNK_DONE;
    CHUNK_DONE = 0;
    count(done);
    if (tf) return triple_fault();
    if (jit_pending) return EXIT_JIT;
    left -= done;
    if (load<u32>(HALTED) != 0) request_exit_check();
  }
  return EXIT_BUDGET;
}

import { SRC_EXC } from "./interrupt";

// One instruction with the debug checks (SDM vol.3 §17.3): an instruction breakpoint is a
// fault before the instruction unless EFLAGS.RF is set (RF is cleared as the instruction
// starts; an IRET may set it again for the next one); data breakpoints and the single-step
// trap (TF set at the start, DR6.BS) are one #DB trap after it, unless the instruction ended
// in an interrupt or exception. `fl` is EFLAGS at the start. Returns true on a triple fault.
function step_debug(fl: u32): bool {
  if ((fl & F_RF) != 0) store<u32>(EFLAGS, load<u32>(EFLAGS) & ~F_RF);
  else if (DBG_EXEC != 0) {
    const hits = dbg_exec_hits(load<u32>(SEG_BASE + (S_CS << 2)) + load<u32>(EIP));
    if (hits != 0) return debug_exception(hits);
  }
  clear_delivered();
  const eip = load<u32>(EIP);
  store<u32>(INSN_EIP, eip);
  store<u32>(INSN_ESP, load<u32>(REG_ESP));
  let ok = decode(eip);
  if (TRACE_ON) trace(eip, ok);
  dbg_clear_hits(); // instruction fetch is not a data access
  if (ok) dispatch();
  count(1);
  if (FAULTED) return handle_fault();
  if (DELIVERED) return false;
  // MOV SS / POP SS hold debug traps back until after the next instruction (SDM vol.3 §6.8.3)
  if (load<u32>(INHIBIT) != 0 && (OP == 0x17 || (OP == 0x8e && REG == 2))) return false;
  let dr6: u32 = DBG_HIT;
  if ((fl & F_TF) != 0) dr6 |= 0x4000;
  if (dr6 == 0) return false;
  return debug_exception(dr6);
}

// Deliver #DB at the current EIP with the given DR6 bits set.
function debug_exception(bits: u32): bool {
  store<u32>(DR + 6 * 4, load<u32>(DR + 6 * 4) | bits);
  store<u32>(INSN_EIP, load<u32>(EIP));
  store<u32>(INSN_ESP, load<u32>(REG_ESP));
  deliver(1, 0, false, SRC_EXC);
  if (FAULTED) return handle_fault();
  return false;
}
