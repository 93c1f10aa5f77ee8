// ADD OR ADC SBB AND SUB XOR CMP, TEST, INC DEC NEG NOT (SDM vol.2). Results set lazy flags.
import { IMM, OP } from "../decode";
import { readE, writeE, rmwE, writeRMW, readG, writeG } from "../operand";
import { reg, set_reg, size_mask, sign_extend } from "../regs";
import { FAULTED } from "../fault";
import { lazy_arith, set_lazy, get_cf, LOP_ADD, LOP_ADC, LOP_SUB, LOP_SBB, LOP_LOGIC, F_ARITH, F_CF } from "../flags";
import { EFLAGS } from "../../state";

export const ALU_ADD = 0;
export const ALU_OR = 1;
export const ALU_ADC = 2;
export const ALU_SBB = 3;
export const ALU_AND = 4;
export const ALU_SUB = 5;
export const ALU_XOR = 6;
export const ALU_CMP = 7;

// Compute a op b at `size`, record flags, return the (masked) result.
@inline export function alu(size: i32, op: i32, a: u32, b: u32): u32 {
  const m = size_mask(size);
  let r: u32;
  switch (op) {
    case ALU_ADD: r = (a + b) & m; lazy_arith(LOP_ADD, size, a, b, r); break;
    case ALU_OR: r = (a | b) & m; lazy_arith(LOP_LOGIC, size, a, b, r); break;
    case ALU_ADC: {
      const c = get_cf();
      r = (a + b + <u32>c) & m;
      lazy_arith(c ? LOP_ADC : LOP_ADD, size, a, b, r);
      break;
    }
    case ALU_SBB: {
      const c = get_cf();
      r = (a - b - <u32>c) & m;
      lazy_arith(c ? LOP_SBB : LOP_SUB, size, a, b, r);
      break;
    }
    case ALU_AND: r = (a & b) & m; lazy_arith(LOP_LOGIC, size, a, b, r); break;
    case ALU_XOR: r = (a ^ b) & m; lazy_arith(LOP_LOGIC, size, a, b, r); break;
    default: r = (a - b) & m; lazy_arith(LOP_SUB, size, a, b, r); break; // SUB, CMP
  }
  return r;
}

// r/m op= b: CMP only reads the destination, the others read-modify-write it.
@inline function alu_E(size: i32, op: i32, b: u32): void {
  if (op == ALU_CMP) {
    const a = readE(size);
    if (FAULTED) return;
    alu(size, op, a, b);
    return;
  }
  const a = rmwE(size);
  if (FAULTED) return;
  writeRMW(size, alu(size, op, a, b));
}

@inline export function alu_EG(size: i32, op: i32): void { alu_E(size, op, readG(size)); }

@inline export function alu_GE(size: i32, op: i32): void {
  const b = readE(size);
  if (FAULTED) return;
  const r = alu(size, op, readG(size), b);
  if (op != ALU_CMP) writeG(size, r);
}

@inline export function alu_AI(size: i32, op: i32): void {
  const r = alu(size, op, reg(size, 0), IMM);
  if (op != ALU_CMP) set_reg(size, 0, r);
}

@inline export function alu_EI(size: i32, op: i32): void {
  alu_E(size, op, IMM & size_mask(size));
}

// 83 /n: the imm8 is sign-extended to the operand size
@inline export function alu_EIb(size: i32, op: i32): void {
  alu_E(size, op, sign_extend(8, IMM) & size_mask(size));
}

@inline function test(size: i32, a: u32, b: u32): void {
  lazy_arith(LOP_LOGIC, size, a, b, a & b & size_mask(size));
}

@inline export function test_EG(size: i32): void {
  const a = readE(size);
  if (FAULTED) return;
  test(size, a, readG(size));
}

@inline export function test_AI(size: i32): void { test(size, reg(size, 0), IMM); }

@inline export function test_EI(size: i32): void {
  const a = readE(size);
  if (FAULTED) return;
  test(size, a, IMM);
}

@inline export function not_E(size: i32): void {
  const a = rmwE(size);
  if (FAULTED) return;
  writeRMW(size, ~a & size_mask(size));
}

@inline export function neg_E(size: i32): void {
  const a = rmwE(size);
  if (FAULTED) return;
  const r = (0 - a) & size_mask(size);
  lazy_arith(LOP_SUB, size, 0, a, r);
  writeRMW(size, r);
}

// INC and DEC leave CF alone: it is made concrete first and kept out of the lazy mask.
@inline function incdec(size: i32, a: u32, dec: bool): u32 {
  const cf: u32 = get_cf() ? F_CF : 0;
  const r = (dec ? a - 1 : a + 1) & size_mask(size);
  store<u32>(EFLAGS, (load<u32>(EFLAGS) & ~F_CF) | cf);
  set_lazy(dec ? LOP_SUB : LOP_ADD, size, a, 1, r, F_ARITH & ~F_CF);
  return r;
}

@inline export function inc_Z(size: i32): void {
  const r = OP & 7;
  set_reg(size, r, incdec(size, reg(size, r), false));
}

@inline export function dec_Z(size: i32): void {
  const r = OP & 7;
  set_reg(size, r, incdec(size, reg(size, r), true));
}

@inline export function incdec_E(size: i32, dec: bool): void {
  const a = rmwE(size);
  if (FAULTED) return;
  writeRMW(size, incdec(size, a, dec));
}
