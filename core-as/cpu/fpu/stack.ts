// The x87 register stack, status and control words (state.ts FPU_*; SDM vol.1 §8.1-8.3).
import { FPU_REGS, FPU_CW, FPU_SW, FPU_TOP, FPU_FULL } from "../../state";
import { FX, FUP, FE_IE, FE_SF, INDEF_SE, INDEF_M } from "./f80";

export const SW_C0: u32 = 0x0100;
export const SW_C1: u32 = 0x0200;
export const SW_C2: u32 = 0x0400;
export const SW_C3: u32 = 0x4000;
export const SW_CC: u32 = 0x4700;
export const SW_ES: u32 = 0x0080;
export const SW_B: u32 = 0x8000;

@inline export function fpu_top(): u32 { return load<u32>(FPU_TOP); }
@inline export function phys(i: u32): u32 { return (load<u32>(FPU_TOP) + i) & 7; }
@inline export function reg_addr(p: u32): usize { return (<usize>FPU_REGS) + ((<usize>p) << 4); }

@inline export function st_se(i: u32): u32 { return load<u16>(reg_addr(phys(i)) + 8); }
@inline export function st_m(i: u32): u64 { return load<u64>(reg_addr(phys(i))); }
@inline export function st_empty(i: u32): bool { return ((load<u32>(FPU_FULL) >> phys(i)) & 1) == 0; }

// Write ST(i) and mark it full.
@inline export function st_set(i: u32, se: u32, m: u64): void {
  const p = phys(i);
  const a = reg_addr(p);
  store<u64>(a, m);
  store<u16>(a + 8, <u16>se);
  store<u32>(FPU_FULL, load<u32>(FPU_FULL) | (1 << p));
}
@inline export function st_free(i: u32): void {
  store<u32>(FPU_FULL, load<u32>(FPU_FULL) & ~(<u32>1 << phys(i)));
}
@inline export function fpu_push(): void { store<u32>(FPU_TOP, (load<u32>(FPU_TOP) - 1) & 7); }
// Pop: ST0 becomes empty (its contents stay, as on the hardware), TOP moves up.
@inline export function fpu_pop(): void {
  st_free(0);
  store<u32>(FPU_TOP, (load<u32>(FPU_TOP) + 1) & 7);
}

// The status word as FSTSW gives it (TOP merged in).
@inline export function status_word(): u32 { return load<u32>(FPU_SW) | (load<u32>(FPU_TOP) << 11); }
export function set_status_word(v: u32): void {
  store<u32>(FPU_TOP, (v >> 11) & 7);
  store<u32>(FPU_SW, v & 0xc7ff);
}

// Set the condition codes C0-C3 to `cc` (SW bit positions) within `mask`.
@inline export function set_cc(cc: u32, mask: u32): void {
  store<u32>(FPU_SW, (load<u32>(FPU_SW) & ~mask) | (cc & mask));
}

// Record the exceptions an operation raised (FX) in the status word; an unmasked one sets the
// error summary ES and B (SDM vol.1 §8.1.3.3). Returns true when the operation may deliver its
// result: no unmasked invalid operation, denormal operand or zero divide (SDM vol.1 §8.5:
// these leave the destination and the stack unchanged).
export function fpu_commit_flags(): bool {
  const fx = FX;
  if (fx == 0) return true;
  const cw = load<u32>(FPU_CW);
  let sw = load<u32>(FPU_SW) | (fx & 0x7f);
  const unmasked = fx & ~cw & 0x3f;
  if (unmasked != 0) sw |= SW_ES | SW_B;
  store<u32>(FPU_SW, sw);
  return (unmasked & 0x07) == 0;
}

// fpu_commit_flags() and C1 from the rounding in one status-word update (the common path of
// an arithmetic result): returns true when the result may be delivered; C1 is then set,
// otherwise cleared.
export function commit_result(): bool {
  const fx = FX;
  let sw = load<u32>(FPU_SW) & ~SW_C1;
  if (fx == 0) { store<u32>(FPU_SW, sw); return true; }
  sw |= fx & 0x7f;
  const unmasked = fx & ~load<u32>(FPU_CW) & 0x3f;
  if (unmasked != 0) sw |= SW_ES | SW_B;
  const ok = (unmasked & 0x07) == 0;
  if (ok && FUP) sw |= SW_C1;
  store<u32>(FPU_SW, sw);
  return ok;
}

// C1 after an arithmetic result: whether it was rounded up.
@inline export function set_c1_rounding(): void {
  set_cc(FUP ? SW_C1 : 0, SW_C1);
}

// A stack fault (SDM vol.1 §8.5.1.1): invalid operation with SF, C1 = 1 for overflow, 0 for
// underflow. Returns true when the invalid operation is masked (the caller then delivers the
// indefinite); unmasked, ES is set and nothing else changes.
export function stack_fault(overflow: bool): bool {
  const cw = load<u32>(FPU_CW);
  let sw = (load<u32>(FPU_SW) & ~SW_C1) | FE_IE | FE_SF | (overflow ? SW_C1 : 0);
  const masked = (cw & FE_IE) != 0;
  if (!masked) sw |= SW_ES | SW_B;
  store<u32>(FPU_SW, sw);
  return masked;
}

@inline export function st_set_indefinite(i: u32): void { st_set(i, INDEF_SE, INDEF_M); }

// The tag of a register's contents (SDM vol.1 §8.1.7): 0 valid, 1 zero, 2 special.
export function tag_of(se: u32, m: u64): u32 {
  const e = se & 0x7fff;
  if (e == 0) return m == 0 ? 1 : 2;
  if (e == 0x7fff || (m >> 63) == 0) return 2;
  return 0;
}

// The full tag word (by physical register) as FSTENV/FSAVE store it.
export function tag_word(): u32 {
  const full = load<u32>(FPU_FULL);
  let tw: u32 = 0;
  for (let p: u32 = 0; p < 8; p++) {
    let t: u32 = 3;
    if ((full >> p) & 1) {
      const a = reg_addr(p);
      t = tag_of(load<u16>(a + 8), load<u64>(a));
    }
    tw |= t << (p * 2);
  }
  return tw;
}

// Load a tag word (FLDENV/FRSTOR): only empty (11) or not matters.
export function set_tag_word(tw: u32): void {
  let full: u32 = 0;
  for (let p: u32 = 0; p < 8; p++) if (((tw >> (p * 2)) & 3) != 3) full |= 1 << p;
  store<u32>(FPU_FULL, full);
}
