// Shifts and rotates (group 2) and the double shifts SHLD/SHRD (SDM vol.2 SAL/SAR/SHL/SHR,
// RCL/RCR/ROL/ROR, SHLD, SHRD).
//
// The count is masked to 5 bits. A masked count of 0 changes nothing, not even flags, but a
// memory operand is still accessed (read with a write check, as the RMW access is issued).
// Flags the manuals leave undefined are set the way P6-family hardware does (the formulas
// Bochs uses for it): OF is computed from the result for every nonzero count, AF is cleared.
import { readG } from "../operand";
import { rmwE, writeRMW, writeE } from "../operand";
import { size_mask, sign_extend } from "../regs";
import { FAULTED } from "../fault";
import { get_eflags, lazy_result, F_CF, F_OF } from "../flags";
import { EFLAGS } from "../../state";

export const SH_ROL = 0;
export const SH_ROR = 1;
export const SH_RCL = 2;
export const SH_RCR = 3;
export const SH_SHL = 4;
export const SH_SHR = 5;
export const SH_SAL = 6;
export const SH_SAR = 7;

// Rotates change only CF and OF; SF ZF AF PF keep their values.
@inline function rot_flags(cf: u32, ovf: u32): void {
  const f = get_eflags();
  store<u32>(EFLAGS, (f & ~(F_CF | F_OF)) | (cf & 1) | ((ovf & 1) << 11));
}

// Compute op(a, c) for a nonzero masked count c (1..31) and set the flags; returns the
// result, or a itself when a rotate through carry wraps to a count of 0 (nothing changes).
@inline function shift(size: i32, op: i32, a: u32, c: u32): u32 {
  const m = size_mask(size);
  const sb = <u32>(size - 1);
  let r: u32 = 0;
  switch (op) {
    case SH_ROL: {
      const t = c & sb; // c mod size (size is a power of two)
      r = t == 0 ? a : ((a << t) | (a >>> (<u32>size - t))) & m;
      // CF = LSB of the result even when the count is a multiple of the size
      const cf = r & 1;
      rot_flags(cf, (r >>> sb) ^ cf);
      return r;
    }
    case SH_ROR: {
      const t = c & sb;
      r = t == 0 ? a : ((a >>> t) | (a << (<u32>size - t))) & m;
      rot_flags(r >>> sb, (r >>> sb) ^ (r >>> (sb - 1)));
      return r;
    }
    case SH_RCL: case SH_RCR: {
      // rotate the (size+1)-bit value CF:a by the count modulo size+1
      const w = <u32>size + 1;
      let t = c;
      if (size == 8) t = c % 9;
      else if (size == 16) t = c % 17;
      if (t == 0) return a;
      const wm: u64 = (<u64>1 << w) - 1;
      const cin: u64 = get_eflags() & F_CF;
      const v: u64 = (cin << <u64>size) | <u64>a;
      let rv: u64;
      if (op == SH_RCL) rv = ((v << <u64>t) | (v >> <u64>(w - t))) & wm;
      else rv = ((v >> <u64>t) | (v << <u64>(w - t))) & wm;
      r = <u32>rv & m;
      const cf = <u32>(rv >> <u64>size) & 1;
      if (op == SH_RCL) rot_flags(cf, (r >>> sb) ^ cf);
      else rot_flags(cf, (r >>> sb) ^ (r >>> (sb - 1)));
      return r;
    }
    case SH_SHR: {
      let cf: u32 = 0;
      if (c < <u32>size) { r = a >>> c; cf = (a >>> (c - 1)) & 1; }
      else if (c == <u32>size) cf = a >>> sb;
      // OF: the original sign for a 1-bit shift (= bit size-2 of the result)
      lazy_result(size, r, cf | ((((r << 1) ^ r) >>> sb) & 1) << 11);
      return r;
    }
    case SH_SAR: {
      const s = <i32>sign_extend(size, a);
      const k = c < <u32>size ? c : sb; // shifting further only repeats the sign
      r = <u32>(s >> k) & m;
      const cf = <u32>(s >> (c < <u32>size ? c - 1 : sb)) & 1;
      lazy_result(size, r, cf);
      return r;
    }
    default: { // SHL, SAL
      let cf: u32 = 0;
      if (c < <u32>size) { r = (a << c) & m; cf = (a >>> (<u32>size - c)) & 1; }
      else if (c == <u32>size) cf = a & 1;
      lazy_result(size, r, cf | ((((r >>> sb) ^ cf) & 1) << 11));
      return r;
    }
  }
}

@inline export function shift_E(size: i32, op: i32, count: u32): void {
  const a = rmwE(size);
  if (FAULTED) return;
  const c = count & 31;
  if (c == 0) return;
  const r = shift(size, op, a, c);
  writeRMW(size, r);
}

// SHLD/SHRD: for 16-bit operands with a count above 16 the manuals leave the result and the
// flags undefined; like P6 hardware the operand is then shifted as the 48-bit value
// dest:src:dest. For every other count that is the same as the 32-bit double shift.
@inline function dshift(size: i32, left: bool, d: u32, s: u32, c: u32): u32 {
  const sb = <u32>(size - 1);
  let r: u32;
  let cf: u32;
  if (size == 32) {
    if (left) {
      r = (d << c) | (s >>> (32 - c));
      cf = (d >>> (32 - c)) & 1;
    } else {
      r = (d >>> c) | (s << (32 - c));
      cf = (d >>> (c - 1)) & 1;
    }
  } else {
    const v: u64 = (<u64>d << 32) | (<u64>s << 16) | <u64>d;
    if (left) {
      r = <u32>(v >> <u64>(32 - c)) & 0xffff;
      cf = <u32>(v >> <u64>(48 - c)) & 1;
    } else {
      r = <u32>(v >> <u64>c) & 0xffff;
      cf = <u32>(v >> <u64>(c - 1)) & 1;
    }
  }
  // OF: a sign change for 1-bit shifts (SDM); the same formulas for longer shifts
  const ovf = left ? ((r >>> sb) ^ cf) & 1 : (((r << 1) ^ r) >>> sb) & 1;
  lazy_result(size, r, cf | (ovf << 11));
  return r;
}

@inline export function shld_E(size: i32, count: u32): void {
  const d = rmwE(size);
  if (FAULTED) return;
  const c = count & 31;
  if (c == 0) return;
  writeRMW(size, dshift(size, true, d, readG(size), c));
}

@inline export function shrd_E(size: i32, count: u32): void {
  const d = rmwE(size);
  if (FAULTED) return;
  const c = count & 31;
  if (c == 0) return;
  writeRMW(size, dshift(size, false, d, readG(size), c));
}
