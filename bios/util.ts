// Helpers shared by the BIOS services: the caller's registers (in the state block), its FLAGS
// image on the stack, guest memory through the CPU's linear accessors (paging applies, so
// this works when the caller runs in virtual-8086 mode under a memory manager), the BDA.
import { REGS, SEG_BASE } from "../core-as/state";
import { lin_read8, lin_read16, lin_read32, lin_write8, lin_write16, lin_write32 } from "../core-as/cpu/memory";
import { seg_load_real, seg_load_v86 } from "../core-as/cpu/segments";
import { v86_mode } from "../core-as/cpu/regs";
import { set_flag, F_CF, F_ZF } from "../core-as/cpu/flags";

// 8-bit registers: AL CL DL BL AH CH DH BH = 0..7 (Intel encoding)
export const AL = 0; export const CL = 1; export const DL = 2; export const BL = 3;
export const AH = 4; export const CH = 5; export const DH = 6; export const BH = 7;
// 16/32-bit registers
export const AX = 0; export const CX = 1; export const DX = 2; export const BX = 3;
export const SP = 4; export const BP = 5; export const SI = 6; export const DI = 7;
// segment registers
export const ES = 0; export const CS = 1; export const SS = 2; export const DS = 3;

@inline export function r8(r: i32): u32 { return load<u8>(REGS + ((r & 3) << 2) + (r >> 2)); }
@inline export function w8(r: i32, v: u32): void { store<u8>(REGS + ((r & 3) << 2) + (r >> 2), <u8>v); }
@inline export function r16(r: i32): u32 { return load<u16>(REGS + (r << 2)); }
@inline export function w16(r: i32, v: u32): void { store<u16>(REGS + (r << 2), <u16>v); }
@inline export function r32(r: i32): u32 { return load<u32>(REGS + (r << 2)); }
@inline export function w32(r: i32, v: u32): void { store<u32>(REGS + (r << 2), v); }
@inline export function sbase(s: i32): u32 { return load<u32>(SEG_BASE + (s << 2)); }

// Load a segment register as the caller's mode does (real or virtual-8086).
export function set_sreg(s: i32, sel: u32): void {
  if (v86_mode()) seg_load_v86(s, sel); else seg_load_real(s, sel);
}

// Linear address of seg:off (16-bit offsets, as real and V86 mode callers use).
@inline export function seg_lin(s: i32, off: u32): u32 { return sbase(s) + (off & 0xffff); }

@inline export function m8(lin: u32): u32 { return lin_read8(lin); }
@inline export function m16(lin: u32): u32 { return lin_read16(lin); }
@inline export function m32(lin: u32): u32 { return lin_read32(lin); }
@inline export function s8(lin: u32, v: u32): void { lin_write8(lin, v & 0xff); }
@inline export function s16(lin: u32, v: u32): void { lin_write16(lin, v & 0xffff); }
@inline export function s32(lin: u32, v: u32): void { lin_write32(lin, v); }

// BIOS data area (segment 40h)
@inline export function bda8(off: u32): u32 { return lin_read8(0x400 + off); }
@inline export function bda16(off: u32): u32 { return lin_read16(0x400 + off); }
@inline export function bda32(off: u32): u32 { return lin_read32(0x400 + off); }
@inline export function set_bda8(off: u32, v: u32): void { lin_write8(0x400 + off, v & 0xff); }
@inline export function set_bda16(off: u32, v: u32): void { lin_write16(0x400 + off, v & 0xffff); }
@inline export function set_bda32(off: u32, v: u32): void { lin_write32(0x400 + off, v); }

// The FLAGS word the INT pushed: at SS:SP+4 when the stub's first instruction traps.
function frame_flags(): u32 { return sbase(SS) + ((r16(SP) + 4) & 0xffff); }
export function ret_flag(flag: u32, on: bool): void {
  const a = frame_flags();
  const f = lin_read16(a);
  lin_write16(a, on ? f | flag : f & ~flag);
}
@inline export function ret_cf(on: bool): void { ret_flag(F_CF, on); }
@inline export function ret_zf(on: bool): void { ret_flag(F_ZF, on); }
export function ret_if(): bool { return (lin_read16(frame_flags()) & 0x200) != 0; }

// The service cannot finish yet: the stub waits for an interrupt and calls it again.
export function bios_wait(): void { set_flag(F_CF, true); }

// Success / failure with AH = status, in the INT 13h/15h style.
export function ok_ah(): void { w8(AH, 0); ret_cf(false); }
export function fail_ah(code: u32): void { w8(AH, code); ret_cf(true); }
