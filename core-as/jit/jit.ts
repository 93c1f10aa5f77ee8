// The JIT's run-time side: finding compiled code for the current EIP, counting entries until a
// block is hot, handing a new module to the host (EXIT_JIT), entering compiled code through
// call_indirect, and the helpers compiled code imports (docs/jit.md).
import {
  EIP, ICOUNT, INSN_EIP, INSN_ESP, REG_ESP, SEG_BASE, SEG_LIMIT, MODE, CPL, HALTED, RAM, ROM, ROM_MAX,
  JIT_CONFIG, JIT_COMPILED, JIT_ENTRIES, JIT_INSNS, JIT_EXITS, JIT_PENDING_LEN, JIT_PENDING_SLOT,
  JIT_SLOTS, JIT_SLOT_SERIALS, JIT_SLOT_BASE, JIT_SLOT_COUNT, JIT_SLOTS_MAX, JIT_EXIT_BRANCH, JIT_EXIT_HELPER, JIT_LAST_EXIT,
} from "../state";
import { decode } from "../cpu/decode";
import { prefill } from "../cpu/fetch";
import { dispatch } from "../cpu/gen/dispatch";
import { FAULTED, set_probing } from "../cpu/fault";
import { lin_read8_slow } from "../cpu/memory";
import { handle_fault } from "../cpu/interrupt";
import { SIGNAL } from "../cpu/signal";
import { condition, get_cf } from "../cpu/flags";
import { tlb_entry, TLB_RMASK, TLB_VALID } from "../cpu/tlb";
import { CODE_CONTEXT_CHANGED, clear_code_context_changed, FW_START, FW_LEN, set_fetch_window } from "../cpu/fetch_window";
import { CHUNK_DONE } from "../time";
import {
  entry_addr, drop_entry, take_slot, protect_code_page, page_compilable, jit_flush_all, JIT_INVALIDATED, clear_invalidated,
  E_HOST, E_EIP, E_MODE, E_SLOT, E_HITS, E_INSNS, E_MAXEIP, E_SERIAL, NO_SLOT, JIT_GEN,
  slot_current, next_serial, add_region_entry,
} from "./cache";
import { BLK_START, nblocks } from "./emit";
import { compile_block } from "./compile";

export const JIT_ON: u32 = 1;
export const JIT_FORCE: u32 = 2;
// Entries into a block before it is compiled. Blocks are looked up only where control arrives
// by a branch, so this counts loop iterations and calls, not instructions. Compiling a block
// costs the host about 0.1 ms (WebAssembly.Module + Instance), the time of some 10,000
// interpreted instructions, so only code that keeps running is worth it.
const HOT_THRESHOLD: u32 = 500;
const KEY_SINGLE: u32 = 0x40;

// CHUNK_DONE when the running block was entered (helpers keep the clock exact with it).
let JIT_BASE: i32 = 0;
// A helper's instruction ended in a triple fault.
export let JIT_TF: bool = false;
let PENDING_ENTRY: u32 = 0;

@inline export function jit_enabled(): bool { return (load<u32>(JIT_CONFIG) & JIT_ON) != 0; }

// What compiled code depends on besides its bytes: code and stack size, PE/VM/PG, flat data
// segments, CPL 3; and
// the cache generation (bits 8-31, jit/cache.ts).
@inline function mode_key(single: bool): u32 {
  return (load<u32>(MODE) & 0x3f) | (load<u32>(CPL) == 3 ? 0x80 : 0) | (single ? KEY_SINGLE : 0) | (JIT_GEN << 8);
}

// Run compiled code for CS:EIP if there is some (and it fits in `budget` instructions).
// Returns the instructions it executed (> 0); 0 when the interpreter should execute the next
// instruction; -1 when a module for this entry is waiting in JIT_BUF for the host (EXIT_JIT).
// With may_compile false, only runs what is already compiled.
export function jit_try(budget: i32, single: bool, may_compile: bool): i32 {
  const eip = load<u32>(EIP);
  const lin = load<u32>(SEG_BASE + 4) + eip;
  let te = tlb_entry(lin);
  if ((te & TLB_RMASK) != TLB_VALID) {
    // not filled yet (the first arrival at a branch target): fill it as the fetch of this very
    // instruction is about to, without raising anything (a failing fetch is the interpreter's)
    if (!may_compile || eip > load<u32>(SEG_LIMIT + 4)) return 0;
    set_probing(true);
    lin_read8_slow(lin, load<u32>(CPL) == 3);
    set_probing(false);
    te = tlb_entry(lin);
    if ((te & TLB_RMASK) != TLB_VALID) return 0; // MMIO, not present, or not readable here
  }
  const host = (te & 0xfffff000) ^ lin;
  // only RAM and ROM: their writes are all seen (tlb_fill, phys_write*, DMA); VRAM is not
  if (host < <u32>RAM && (host < <u32>ROM || host >= <u32>(ROM + ROM_MAX))) return 0;
  const key = mode_key(single);
  // two ways per set (jit/cache.ts)
  let e = entry_addr(host, eip);
  if (!entry_is(e, host, eip, key)) {
    const e2 = e ^ 32;
    if (entry_is(e2, host, eip, key)) e = e2;
    else {
      if (!may_compile) return 0;
      // replace the way entered less often; a live entry first loses one count per
      // newcomer, so a cold branch target does not push out a hot block, and code that
      // arrives more often than the way's owner takes over. (Halving instead let two hot
      // loops that share a set keep each other from ever reaching the threshold.)
      if (entry_live(e) && (!entry_live(e2) || load<u32>(e2 + E_HITS) < load<u32>(e + E_HITS))) e = e2;
      if (entry_live(e)) {
        const left = load<u32>(e + E_HITS) - 1;
        store<u32>(e + E_HITS, left);
        if (left != 0 && threshold() > 1) return 0;
      }
      if (load<u32>(e + E_HOST) != 0) drop_entry(e);
      store<u32>(e + E_HOST, host);
      store<u32>(e + E_EIP, eip);
      store<u32>(e + E_MODE, key);
      store<u32>(e + E_SLOT, 0);
      store<u32>(e + E_HITS, 1);
      if (threshold() > 1) return 0;
      return compile(e, eip, host, lin, single);
    }
  }
  let slot = load<u32>(e + E_SLOT);
  if (slot == NO_SLOT) return 0;
  const hits = load<u32>(e + E_HITS) + 1;
  store<u32>(e + E_HITS, hits);
  if (slot != 0 && !slot_current(e, slot)) { slot = 0; store<u32>(e + E_SLOT, 0); } // its region was dropped
  if (slot != 0) {
    const insns = load<u32>(e + E_INSNS);
    if (<i32>(insns & 0xffff) > budget) return 0;
    // the block's code and inline branch targets must be inside the CS limit (else the
    // interpreter raises the #GP where the CPU would)
    if (load<u32>(e + E_MAXEIP) > load<u32>(SEG_LIMIT + 4)) return 0;
    // the fetch window over this page, so that instructions the helper runs decode straight
    // from it (as compile_block did; the TLB entry was just checked for this CPL)
    if (eip - FW_START >= FW_LEN) {
      const off = lin & 0xfff;
      if (eip >= off) {
        const room = load<u32>(SEG_LIMIT + 4) - (eip - off); // (CS: no expand-down)
        set_fetch_window(eip - off, room < 0xfff ? room + 1 : 0x1000, host - off);
      }
    }
    JIT_BASE = CHUNK_DONE;
    JIT_TF = false;
    const r = call_indirect<i32>(slot, budget, insns >>> 16);
    CHUNK_DONE = JIT_BASE; // helpers moved it; the caller adds r
    store<u64>(JIT_ENTRIES, load<u64>(JIT_ENTRIES) + 1);
    store<u64>(JIT_INSNS, load<u64>(JIT_INSNS) + <u64>r);
    const why = JIT_EXITS + (load<u32>(JIT_LAST_EXIT) << 2);
    store<u32>(why, load<u32>(why) + 1);
    return r;
  }
  if (!may_compile || hits < threshold()) return 0;
  return compile(e, eip, host, lin, single);
}

@inline function entry_is(e: u32, host: u32, eip: u32, key: u32): bool {
  return load<u32>(e + E_HOST) == host && load<u32>(e + E_EIP) == eip && load<u32>(e + E_MODE) == key;
}

// An entry of the current generation (older ones are free to take).
@inline function entry_live(e: u32): bool {
  return load<u32>(e + E_HOST) != 0 && (load<u32>(e + E_MODE) >>> 8) == JIT_GEN;
}

@inline function threshold(): u32 {
  return (load<u32>(JIT_CONFIG) & JIT_FORCE) != 0 ? 1 : HOT_THRESHOLD;
}

function compile(e: u32, eip: u32, host: u32, lin: u32, single: bool): i32 {
  if (!page_compilable(host, load<u64>(ICOUNT))) { store<u32>(e + E_SLOT, NO_SLOT); return 0; }
  const len = compile_block(e, eip, host, lin, single, threshold() == 1);
  if (len == 0) { store<u32>(e + E_SLOT, NO_SLOT); return 0; }
  const slot = take_slot(e);
  if (slot == 0) { store<u32>(e + E_SLOT, NO_SLOT); return 0; }
  protect_code_page(host);
  store<u32>(JIT_PENDING_SLOT, slot);
  PENDING_ENTRY = e;
  return -1;
}

// ---- exported API for the host (host/jit.ts)

// Table slots [base, base + count) are the JIT's; on = 0 off, 1 on, 3 forced.
export function jit_configure(config: u32, base: u32, count: u32): void {
  store<u32>(JIT_CONFIG, config);
  store<u32>(JIT_SLOT_BASE, base);
  store<u32>(JIT_SLOT_COUNT, count < <u32>JIT_SLOTS_MAX ? count : JIT_SLOTS_MAX);
  jit_flush_all();
}

// The host compiled the module in JIT_BUF (ok) or could not (then the block stays interpreted).
export function jit_installed(ok: bool): void {
  const e = PENDING_ENTRY;
  store<u32>(JIT_PENDING_LEN, 0);
  PENDING_ENTRY = 0;
  if (e == 0) return;
  const slot = load<u32>(JIT_PENDING_SLOT);
  if (ok) {
    const ser = next_serial();
    store<u32>(JIT_SLOT_SERIALS + ((slot - load<u32>(JIT_SLOT_BASE)) << 2), ser);
    store<u32>(e + E_SLOT, slot);
    store<u32>(e + E_SERIAL, ser);
    store<u32>(JIT_COMPILED, load<u32>(JIT_COMPILED) + 1);
    // the region's other blocks are entries into the same module
    const host = load<u32>(e + E_HOST), eip = load<u32>(e + E_EIP);
    const key = load<u32>(e + E_MODE), insns = load<u32>(e + E_INSNS), maxeip = load<u32>(e + E_MAXEIP);
    const hits = load<u32>(e + E_HITS);
    for (let j = 1; j < nblocks; j++) {
      const t = unchecked(BLK_START[j]);
      add_region_entry(host + (t - eip), t, key, slot, ser, (insns & 0xffff) | (<u32>j << 16), maxeip, hits);
    }
  } else {
    store<u32>(JIT_SLOTS + ((slot - load<u32>(JIT_SLOT_BASE)) << 2), 0);
    store<u32>(e + E_SLOT, NO_SLOT);
  }
}

// Forget all compiled code (the host wrote guest memory).
export function jit_flush(): void { jit_flush_all(); }

// Machine.step() with the JIT forced: compile the one-instruction block at CS:EIP now (returns
// 1 when a module is waiting for the host), so that step() then runs it compiled.
export function jit_prepare_step(): i32 {
  if (!jit_enabled()) return 0;
  // fill the TLB for the code as the instruction's own fetch is about to (a failed probe
  // leaves it to the interpreter, which raises the fault)
  prefill(load<u32>(EIP));
  return jit_try(1, true, true) < 0 ? 1 : 0;
}

// ---- helpers imported by compiled code (names in host/jit.ts)

// Run the instruction at eip through the interpreter; n = instructions the block completed
// before it. Returns 0 when execution continues with the next instruction, 1 when it branched,
// 2 when the block must end: a fault was delivered, SIGNAL is set (interrupt window, device
// request, hlt), the code context changed (CS, paging, TLB, A20, mode) or compiled code was
// invalidated (a write to a code page, possibly this block's own).
export function jit_insn(n: i32, eip: u32): i32 {
  CHUNK_DONE = JIT_BASE + n + 1; // as the run loop counts: clock_now() and RDTSC see this one
  store<u32>(EIP, eip);
  store<u32>(INSN_EIP, eip);
  store<u32>(INSN_ESP, load<u32>(REG_ESP));
  clear_code_context_changed();
  clear_invalidated();
  let r = 0;
  if (decode(eip)) {
    const next = load<u32>(EIP);
    dispatch();
    if (load<u32>(EIP) != next) r = 1;
  }
  if (FAULTED) {
    if (handle_fault()) JIT_TF = true;
    r = 2;
  }
  if (SIGNAL != 0 || CODE_CONTEXT_CHANGED || JIT_INVALIDATED || load<u32>(HALTED) != 0) r = 2;
  store<u32>(JIT_LAST_EXIT, r == 2 ? JIT_EXIT_HELPER : JIT_EXIT_BRANCH);
  return r;
}

// Condition cc (Jcc's low nibble) from the lazy flags, when compiled code cannot fuse it.
export function jit_cond(cc: i32): i32 { return condition(cc) ? 1 : 0; }

// CF, for INC/DEC (which keep it).
export function jit_cf(): i32 { return get_cf() ? 1 : 0; }
