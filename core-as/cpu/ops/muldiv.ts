// MUL, IMUL (one, two and three operands), DIV, IDIV (SDM vol.2).
//
// MUL/IMUL set CF = OF = "the upper half is significant"; SF ZF AF PF are undefined: like P6
// hardware (and Bochs) SF ZF PF follow the low half of the product and AF is cleared. DIV/IDIV
// leave all six undefined; they are left unchanged here. A zero divisor or a quotient that
// does not fit is #DE, with nothing changed.
import { readE, readG, writeG } from "../operand";
import { reg8, reg16, reg32, set_reg16, set_reg32, size_mask, sign_extend, R_EAX, R_EDX } from "../regs";
import { FAULTED, raise, EXC_DE } from "../fault";
import { lazy_result, F_CF, F_OF } from "../flags";

@inline function de(): void { raise(EXC_DE, 0, false); }

@inline function mul_flags(size: i32, lo: u32, overflow: bool): void {
  lazy_result(size, lo, overflow ? F_CF | F_OF : 0);
}

@inline export function mul_E(size: i32): void {
  const b = readE(size);
  if (FAULTED) return;
  if (size == 8) {
    const p = reg8(0) * b;
    set_reg16(R_EAX, p);
    mul_flags(8, p & 0xff, (p >> 8) != 0);
  } else if (size == 16) {
    const p = reg16(R_EAX) * b;
    set_reg16(R_EAX, p & 0xffff);
    set_reg16(R_EDX, p >>> 16);
    mul_flags(16, p & 0xffff, (p >>> 16) != 0);
  } else {
    const p = <u64>reg32(R_EAX) * <u64>b;
    const hi = <u32>(p >> 32);
    set_reg32(R_EAX, <u32>p);
    set_reg32(R_EDX, hi);
    mul_flags(32, <u32>p, hi != 0);
  }
}

@inline export function imul_E(size: i32): void {
  const b = readE(size);
  if (FAULTED) return;
  if (size == 8) {
    const p = <i32><i8>reg8(0) * <i32><i8>b;
    set_reg16(R_EAX, <u32>p & 0xffff);
    mul_flags(8, <u32>p & 0xff, p != <i32><i8>p);
  } else if (size == 16) {
    const p = <i32><i16>reg16(R_EAX) * <i32><i16>b;
    set_reg16(R_EAX, <u32>p & 0xffff);
    set_reg16(R_EDX, (<u32>p >>> 16) & 0xffff);
    mul_flags(16, <u32>p & 0xffff, p != <i32><i16>p);
  } else {
    const p = <i64><i32>reg32(R_EAX) * <i64><i32>b;
    set_reg32(R_EAX, <u32>p);
    set_reg32(R_EDX, <u32>(p >> 32));
    mul_flags(32, <u32>p, p != <i64><i32>p);
  }
}

// The truncated signed product a*b at `size` (16 or 32); flags as for one-operand IMUL.
@inline function imul_trunc(size: i32, a: u32, b: u32): u32 {
  if (size == 16) {
    const p = <i32><i16>a * <i32><i16>b;
    const r = <u32>p & 0xffff;
    mul_flags(16, r, p != <i32><i16>p);
    return r;
  }
  const p = <i64><i32>a * <i64><i32>b;
  mul_flags(32, <u32>p, p != <i64><i32>p);
  return <u32>p;
}

@inline export function imul_GE(size: i32): void {
  const b = readE(size);
  if (FAULTED) return;
  writeG(size, imul_trunc(size, readG(size), b));
}

// imm is the immediate already sign-extended to 32 bits (Ib) or zero-extended (Iz).
@inline export function imul_GEI(size: i32, imm: u32): void {
  const a = readE(size);
  if (FAULTED) return;
  writeG(size, imul_trunc(size, a, sign_extend(size, imm & size_mask(size))));
}

@inline export function div_E(size: i32): void {
  const b = readE(size);
  if (FAULTED) return;
  if (b == 0) { de(); return; }
  if (size == 8) {
    const n = reg16(R_EAX);
    const q = n / b;
    if (q > 0xff) { de(); return; }
    set_reg16(R_EAX, ((n % b) << 8) | q);
  } else if (size == 16) {
    const n = (reg16(R_EDX) << 16) | reg16(R_EAX);
    const q = n / b;
    if (q > 0xffff) { de(); return; }
    set_reg16(R_EAX, q);
    set_reg16(R_EDX, n % b);
  } else {
    const n = (<u64>reg32(R_EDX) << 32) | <u64>reg32(R_EAX);
    const q = n / <u64>b;
    if (q > 0xffffffff) { de(); return; }
    set_reg32(R_EAX, <u32>q);
    set_reg32(R_EDX, <u32>(n % <u64>b));
  }
}

@inline export function idiv_E(size: i32): void {
  const b = readE(size);
  if (FAULTED) return;
  if (b == 0) { de(); return; }
  if (size == 8) {
    const n = <i32><i16>reg16(R_EAX);
    const d = <i32><i8>b;
    const q = n / d;
    if (q != <i32><i8>q) { de(); return; }
    set_reg16(R_EAX, ((<u32>(n % d) & 0xff) << 8) | (<u32>q & 0xff));
  } else if (size == 16) {
    const n = <i32>((reg16(R_EDX) << 16) | reg16(R_EAX));
    const d = <i32><i16>b;
    // -2^31 / -1 would trap in Wasm: its quotient is out of range anyway
    if (d == -1 && n == i32.MIN_VALUE) { de(); return; }
    const q = n / d;
    if (q != <i32><i16>q) { de(); return; }
    set_reg16(R_EAX, <u32>q & 0xffff);
    set_reg16(R_EDX, <u32>(n % d) & 0xffff);
  } else {
    const n = <i64>((<u64>reg32(R_EDX) << 32) | <u64>reg32(R_EAX));
    const d = <i64><i32>b;
    if (d == -1 && n == i64.MIN_VALUE) { de(); return; }
    const q = n / d;
    if (q != <i64><i32>q) { de(); return; }
    set_reg32(R_EAX, <u32>q);
    set_reg32(R_EDX, <u32>(n % d));
  }
}
