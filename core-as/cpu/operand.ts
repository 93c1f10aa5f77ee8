// Operand access for handlers, after decode(): the r/m operand (register or memory at SEG:EA),
// the reg operand, and read-modify-write access. Sizes are 8/16/32 and constant per call site.
import { MOD, RM, REG, SEG, EA } from "./decode";
import { reg, set_reg } from "./regs";
import { read, write, probe_write, seg_check, lin_addr, ACC_READ, ACC_WRITE, SEG_USABLE } from "./memory";
import { tlb_entry, TLB_WMASK, TLB_VALID } from "./tlb";

@inline export function readE(size: i32): u32 {
  if (MOD == 3) return reg(size, RM);
  return read(size, SEG, EA);
}

@inline export function writeE(size: i32, v: u32): void {
  if (MOD == 3) set_reg(size, RM, v);
  else write(size, SEG, EA, v);
}

// Read-modify-write: rmwE reads the r/m operand of an instruction that will write it back
// with writeRMW. A memory operand is checked for writing first (segment and page), so the
// write cannot fault. When the TLB allows a direct write (the common case), the host address
// is kept in RMW_HOST and both accesses go straight to it.
let RMW_HOST: usize = 0;

@inline export function rmwE(size: i32): u32 {
  if (MOD == 3) return reg(size, RM);
  const n = <u32>(size >> 3);
  if (!seg_check(SEG, EA, n, ACC_READ | ACC_WRITE | SEG_USABLE)) return 0;
  const lin = lin_addr(SEG, EA);
  const e = tlb_entry(lin);
  if ((e & TLB_WMASK) == TLB_VALID && (lin & 0xfff) <= 0x1000 - n) {
    const host = <usize>((e & 0xfffff000) ^ lin);
    RMW_HOST = host;
    if (size == 8) return load<u8>(host);
    if (size == 16) return load<u16>(host);
    return load<u32>(host);
  }
  RMW_HOST = 0;
  if (!probe_write(size, SEG, EA)) return 0;
  return read(size, SEG, EA);
}

// Write back the operand read by rmwE in the same instruction.
@inline export function writeRMW(size: i32, v: u32): void {
  if (MOD == 3) { set_reg(size, RM, v); return; }
  const host = RMW_HOST;
  if (host != 0) {
    if (size == 8) store<u8>(host, v);
    else if (size == 16) store<u16>(host, v);
    else store<u32>(host, v);
  } else write(size, SEG, EA, v);
}

@inline export function readG(size: i32): u32 { return reg(size, REG); }
@inline export function writeG(size: i32, v: u32): void { set_reg(size, REG, v); }
