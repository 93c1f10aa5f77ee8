// Stack access through SS with SP or ESP by SS.B (SDM vol.3 §6.2). On a fault the step loop
// restores ESP to its value at the start of the instruction, so pushes may commit ESP as
// they go.
import { MODE, MODE_STACK32 } from "../state";
import { reg32, set_reg32, set_reg16, R_ESP, S_SS } from "./regs";
import { read, write } from "./memory";
import { FAULTED } from "./fault";

@inline export function stack_is32(): bool { return (load<u32>(MODE) & MODE_STACK32) != 0; }

@inline export function get_sp(): u32 {
  return stack_is32() ? reg32(R_ESP) : reg32(R_ESP) & 0xffff;
}

@inline export function set_sp(v: u32): void {
  if (stack_is32()) set_reg32(R_ESP, v);
  else set_reg16(R_ESP, v);
}

@inline export function add_sp(n: u32): void {
  set_sp(get_sp() + n);
}

// push a value of `size` bits (16 or 32)
export function push(size: i32, v: u32): void {
  let sp = get_sp() - <u32>(size >> 3);
  if (!stack_is32()) sp &= 0xffff;
  write(size, S_SS, sp, v);
  if (FAULTED) return;
  set_sp(sp);
}

export function push16(v: u32): void { push(16, v); }
export function push32(v: u32): void { push(32, v); }

// read the value `offset` bytes above the stack top without popping it
export function peek(size: i32, offset: u32): u32 {
  let sp = get_sp() + offset;
  if (!stack_is32()) sp &= 0xffff;
  return read(size, S_SS, sp);
}

export function pop(size: i32): u32 {
  const v = peek(size, 0);
  if (FAULTED) return 0;
  add_sp(<u32>(size >> 3));
  return v;
}
