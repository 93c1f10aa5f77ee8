// Interrupt and exception delivery (SDM vol.3 chapter 6) and the double/triple fault rules.
// Real mode uses the IVT at IDTR (SDM vol.3 §20.1.4); protected and V86 mode go through
// interrupt_pm.ts (gates, privilege changes, task gates).
import { EIP, REG_ESP, IDTR_BASE, IDTR_LIMIT, EXC_VECTOR, EXC_ERROR, EXC_HAS_ERROR, INSN_EIP, INSN_ESP, MODE, MODE_PE, HALTED } from "../state";
import { FAULTED, clear_fault, gp, EXC_DF } from "./fault";
import { push, } from "./stack";
import { seg_sel, S_CS } from "./regs";
import { sys_read16 } from "./memory";
import { seg_load_real } from "./segments";
import { get_eflags, F_IF, F_TF, F_AC, F_RF } from "./flags";
import { EFLAGS } from "../state";
import { deliver_pm } from "./interrupt_pm";

// Where an interrupt comes from: it decides the privilege check on the gate (software INT n
// is checked against the gate DPL; exceptions and external interrupts are not) and the EXT
// bit of error codes raised while delivering it.
export const SRC_EXC = 0; // exception raised by the CPU
export const SRC_SOFT = 1; // INT n
export const SRC_INT3 = 2; // INT3 and INTO: software, but not IOPL-sensitive in V86 mode
export const SRC_INT1 = 3; // ICEBP (F1): like an exception, no DPL check
export const SRC_EXT = 4; // external interrupt (INTR) or NMI

// Real-address mode: push FLAGS, CS, IP; clear IF, TF, AC; jump through the IVT.
function deliver_real(vector: u32): void {
  const limit = load<u32>(IDTR_LIMIT);
  if (vector * 4 + 3 > limit) { gp(vector * 8 + 2); return; }
  const base = load<u32>(IDTR_BASE);
  const ip = sys_read16(base + vector * 4);
  const cs = sys_read16(base + vector * 4 + 2);
  if (FAULTED) return;
  const flags = get_eflags();
  push(16, flags & 0xffff);
  push(16, seg_sel(S_CS));
  push(16, load<u32>(EIP) & 0xffff);
  if (FAULTED) return;
  store<u32>(EFLAGS, flags & ~(F_IF | F_TF | F_AC | F_RF));
  seg_load_real(S_CS, cs);
  store<u32>(EIP, ip);
}

// Set by every delivery: the run loop's slow path uses it to know that an instruction ended in
// an interrupt or exception (no single-step or data-breakpoint trap follows it then).
export let DELIVERED: bool = false;
export function clear_delivered(): void { DELIVERED = false; }

export function deliver(vector: u32, error: u32, has_error: bool, src: i32): void {
  DELIVERED = true;
  store<u32>(HALTED, 0);
  if ((load<u32>(MODE) & MODE_PE) == 0) deliver_real(vector);
  else deliver_pm(vector, error, has_error, src);
}

// A software interrupt instruction: EIP already points after it.
export function deliver_soft(vector: u32, src: i32): void {
  deliver(vector, 0, false, src);
}

// Exception classes for the double-fault rule (SDM vol.3 §6.15, table 6-5).
function contributory(v: u32): bool {
  return v == 0 || (v >= 10 && v <= 13);
}

// Deliver the pending exception recorded by raise(): the instruction is rewound (faults
// report the address of the faulting instruction), and a fault while delivering is combined
// by the double-fault rules; a fault while delivering #DF is a triple fault (returns true).
export function handle_fault(): bool {
  let vec = load<u32>(EXC_VECTOR);
  let err = load<u32>(EXC_ERROR);
  let has = load<u32>(EXC_HAS_ERROR) != 0;
  clear_fault();
  store<u32>(EIP, load<u32>(INSN_EIP));
  store<u32>(REG_ESP, load<u32>(INSN_ESP));
  for (;;) {
    deliver(vec, err, has, SRC_EXC);
    if (!FAULTED) return false;
    const second = load<u32>(EXC_VECTOR);
    clear_fault();
    store<u32>(EIP, load<u32>(INSN_EIP));
    store<u32>(REG_ESP, load<u32>(INSN_ESP));
    if (vec == EXC_DF) return true; // triple fault: shutdown
    const df = (contributory(vec) && contributory(second)) || (vec == 14 && (contributory(second) || second == 14));
    if (df) { vec = EXC_DF; err = 0; has = true; }
    else { vec = second; err = load<u32>(EXC_ERROR); has = load<u32>(EXC_HAS_ERROR) != 0; }
  }
  return false;
}
