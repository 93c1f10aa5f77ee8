// PUSH POP PUSHA POPA ENTER LEAVE (SDM vol.2). PUSHF/POPF are in ops/flags_sys.ts, segment
// register pushes and pops here (pops load through load_seg, which does the mode's checks).
import { OP, IMM, IMM2, MOD, RM, SEG, EA, EA_BASE_ESP } from "../decode";
import { readE, writeE } from "../operand";
import { reg, set_reg, reg32, set_reg32, reg16, set_reg16, seg_sel, R_ESP, R_EBP, S_SS } from "../regs";
import { push, pop, peek, get_sp, set_sp, stack_is32 } from "../stack";
import { read, write } from "../memory";
import { FAULTED } from "../fault";
import { load_seg } from "../descriptors";
import { INHIBIT } from "../../state";
import { request_exit_check } from "../signal";

@inline export function push_Z(size: i32): void {
  // PUSH ESP pushes the value before the push (SDM vol.2 PUSH, IA-32 behaviour)
  push(size, reg(size, OP & 7));
}

@inline export function pop_Z(size: i32): void {
  const v = pop(size);
  if (FAULTED) return;
  set_reg(size, OP & 7, v); // POP ESP: the popped value wins over the increment
}

@inline export function push_I(size: i32, v: u32): void { push(size, v); }

@inline export function push_E(size: i32): void {
  const v = readE(size);
  if (FAULTED) return;
  push(size, v);
}

// POP r/m: ESP is incremented before the destination address is used when it is ESP-based
// (SDM vol.2 POP: "If the destination operand uses ESP as a base register, the value is
// computed after the POP increments ESP"). The decoder computed EA with the old ESP, so adjust.
@inline export function pop_E(size: i32): void {
  const v = peek(size, 0);
  if (FAULTED) return;
  const n = <u32>(size >> 3);
  if (MOD == 3) {
    set_sp(get_sp() + n);
    set_reg(size, RM, v);
    return;
  }
  const old_sp = reg32(R_ESP);
  set_sp(get_sp() + n);
  // an ESP-based address sees the incremented ESP
  let ea = EA;
  if (EA_BASE_ESP) ea = EA + (reg32(R_ESP) - old_sp);
  write(size, SEG, ea, v);
}


@inline export function push_S(size: i32, s: i32): void {
  // A 32-bit push of a segment register moves the stack by 4 but writes only the selector's
  // 16 bits, leaving the upper half of the slot as it was (SDM vol.2 PUSH, the 16-bit move
  // case, which is what Intel processors do).
  if (size == 32) {
    let sp = get_sp() - 4;
    if (!stack_is32()) sp &= 0xffff;
    write(16, S_SS, sp, seg_sel(s));
    if (FAULTED) return;
    set_sp(sp);
  } else push(16, seg_sel(s));
}

@inline export function pop_S(size: i32, s: i32): void {
  const v = peek(size, 0);
  if (FAULTED) return;
  if (!load_seg(s, v & 0xffff)) return;
  set_sp(get_sp() + <u32>(size >> 3));
  if (s == S_SS) { store<u32>(INHIBIT, 1); request_exit_check(); }
}

@inline export function pusha(size: i32): void {
  const sp0 = reg(size, R_ESP);
  for (let r = 0; r < 8; r++) {
    push(size, r == R_ESP ? sp0 : reg(size, r));
    if (FAULTED) return;
  }
}

@inline export function popa(size: i32): void {
  const n = <u32>(size >> 3);
  // read all eight first, then commit (ESP's slot is skipped)
  let v0: u32 = 0, v1: u32 = 0, v2: u32 = 0, v3: u32 = 0, v5: u32 = 0, v6: u32 = 0, v7: u32 = 0;
  v7 = peek(size, 0); v6 = peek(size, n); v5 = peek(size, 2 * n);
  v3 = peek(size, 4 * n); v2 = peek(size, 5 * n); v1 = peek(size, 6 * n); v0 = peek(size, 7 * n);
  if (FAULTED) return;
  set_reg(size, 7, v7); set_reg(size, 6, v6); set_reg(size, 5, v5);
  set_reg(size, 3, v3); set_reg(size, 2, v2); set_reg(size, 1, v1); set_reg(size, 0, v0);
  set_sp(get_sp() + 8 * n);
}

// ENTER imm16, level (SDM vol.2 ENTER): level is taken mod 32; frame pointers are copied from
// the old frame for nesting levels > 0.
export function enter(size: i32): void {
  const alloc = IMM & 0xffff;
  const level = IMM2 & 31;
  const n = <u32>(size >> 3);
  const s32 = stack_is32();
  const bp = s32 ? reg32(R_EBP) : reg16(R_EBP);
  push(size, size == 32 ? reg32(R_EBP) : reg16(R_EBP));
  if (FAULTED) return;
  const frame = get_sp();
  if (level > 0) {
    let p = bp;
    for (let i: u32 = 1; i < level; i++) {
      p -= n;
      const v = read(size, S_SS, s32 ? p : p & 0xffff);
      if (FAULTED) return;
      push(size, v);
      if (FAULTED) return;
    }
    push(size, frame);
    if (FAULTED) return;
  }
  let sp = get_sp() - alloc;
  if (!s32) sp &= 0xffff;
  // the new stack top must be writable (SDM: #SS if it would exceed the limit)
  write(8, S_SS, sp, read(8, S_SS, sp));
  if (FAULTED) return;
  if (size == 32) set_reg32(R_EBP, frame); else set_reg16(R_EBP, frame);
  set_sp(sp);
}

@inline export function leave(size: i32): void {
  const s32 = stack_is32();
  const bp = s32 ? reg32(R_EBP) : reg16(R_EBP);
  const v = read(size, S_SS, bp);
  if (FAULTED) return;
  set_sp(bp + <u32>(size >> 3));
  if (size == 32) set_reg32(R_EBP, v); else set_reg16(R_EBP, v);
}
