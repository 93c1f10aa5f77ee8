// General registers at REGS in the Intel encoding order, and the cached mode bits.
import { REGS, MODE, MODE_CODE32, MODE_STACK32, MODE_PE, MODE_VM, MODE_PG, CPL, SEG_BASE, SEG_SEL } from "../state";

export const R_EAX = 0;
export const R_ECX = 1;
export const R_EDX = 2;
export const R_EBX = 3;
export const R_ESP = 4;
export const R_EBP = 5;
export const R_ESI = 6;
export const R_EDI = 7;

export const S_ES = 0;
export const S_CS = 1;
export const S_SS = 2;
export const S_DS = 3;
export const S_FS = 4;
export const S_GS = 5;
export const S_LDTR = 6;
export const S_TR = 7;

@inline export function reg32(r: i32): u32 { return load<u32>(REGS + (r << 2)); }
@inline export function set_reg32(r: i32, v: u32): void { store<u32>(REGS + (r << 2), v); }
@inline export function reg16(r: i32): u32 { return load<u16>(REGS + (r << 2)); }
@inline export function set_reg16(r: i32, v: u32): void { store<u16>(REGS + (r << 2), v); }
// r = 0..3: AL CL DL BL, 4..7: AH CH DH BH
@inline export function reg8(r: i32): u32 { return load<u8>(REGS + ((r & 3) << 2) + (r >> 2)); }
@inline export function set_reg8(r: i32, v: u32): void { store<u8>(REGS + ((r & 3) << 2) + (r >> 2), v); }

// Register of a given operand size (8, 16, 32). Size is a constant at every call site, so
// the branches fold away after inlining.
@inline export function reg(size: i32, r: i32): u32 {
  if (size == 8) return reg8(r);
  if (size == 16) return reg16(r);
  return reg32(r);
}
@inline export function set_reg(size: i32, r: i32, v: u32): void {
  if (size == 8) set_reg8(r, v);
  else if (size == 16) set_reg16(r, v);
  else set_reg32(r, v);
}

@inline export function mode(): u32 { return load<u32>(MODE); }
@inline export function code32(): bool { return (load<u32>(MODE) & MODE_CODE32) != 0; }
@inline export function stack32(): bool { return (load<u32>(MODE) & MODE_STACK32) != 0; }
@inline export function protected_mode(): bool { return (load<u32>(MODE) & MODE_PE) != 0; }
@inline export function v86_mode(): bool { return (load<u32>(MODE) & MODE_VM) != 0; }
// protected mode and not virtual-8086: descriptors are used for segment loads
@inline export function pm_not_v86(): bool { return (load<u32>(MODE) & (MODE_PE | MODE_VM)) == MODE_PE; }
@inline export function paging(): bool { return (load<u32>(MODE) & MODE_PG) != 0; }
@inline export function cpl(): u32 { return load<u32>(CPL); }
@inline export function seg_base(s: i32): u32 { return load<u32>(SEG_BASE + (s << 2)); }
@inline export function seg_sel(s: i32): u32 { return load<u32>(SEG_SEL + (s << 2)); }

// Size-dependent helpers for operand sizes 8/16/32.
@inline export function size_mask(size: i32): u32 { return size == 32 ? 0xffffffff : ((<u32>1 << size) - 1); }
@inline export function sign_bit(size: i32): u32 { return <u32>1 << (size - 1); }
@inline export function sign_extend(size: i32, v: u32): u32 {
  if (size == 8) return <u32><i32><i8>v;
  if (size == 16) return <u32><i32><i16>v;
  return v;
}
