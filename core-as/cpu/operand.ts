// Operand access for handlers, after decode(): the r/m operand (register or memory at SEG:EA),
// the reg operand, and read-modify-write access. Sizes are 8/16/32 and constant per call site.
import { MOD, RM, REG, SEG, EA } from "./decode";
import { reg, set_reg } from "./regs";
import { read, write, probe_write } from "./memory";

@inline export function readE(size: i32): u32 {
  if (MOD == 3) return reg(size, RM);
  return read(size, SEG, EA);
}

@inline export function writeE(size: i32, v: u32): void {
  if (MOD == 3) set_reg(size, RM, v);
  else write(size, SEG, EA, v);
}

// Read the r/m operand of an instruction that will write it back: a memory operand is checked
// for writing first (segment and page), so the final writeE cannot fault.
@inline export function rmwE(size: i32): u32 {
  if (MOD == 3) return reg(size, RM);
  if (!probe_write(size, SEG, EA)) return 0;
  return read(size, SEG, EA);
}

@inline export function readG(size: i32): u32 { return reg(size, REG); }
@inline export function writeG(size: i32, v: u32): void { set_reg(size, REG, v); }
