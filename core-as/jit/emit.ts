// The JIT's instruction emitters (docs/jit.md): the Wasm locals and per-block state shared
// with compile.ts, exits and loop back-edges, the deferred lazy-flags record and the cmp + jcc
// fusion, and the inline register forms. Memory forms are in emit_mem.ts.
import {
  REGS, EIP, LF_OP, LF_SIZE, LF_SRC1, LF_SRC2, LF_RES, LF_MASK, EFLAGS, JIT_EXIT_BRANCH,
  JIT_EXIT_BUDGET, JIT_LAST_EXIT,
} from "../state";
import { OP, MOD, REG, RM, O32, A32, LOCK, IMM, REP } from "../cpu/decode";
import {
  LOP_ADD, LOP_SUB, LOP_LOGIC, LOP_RESULT, F_ARITH, F_CF, F_OF, F_AF, F_PF, F_ZF, F_SF,
} from "../cpu/flags";
import {
  b, uleb, i32c, lget, lset, ltee, load_abs, store_abs_tail, store_const, IF, END, BR, RETURN, CALL,
  I32_LOAD8_U, I32_STORE8, I32_SHL, I32_SHR_U, I32_ROTL, I32_ROTR, I32_SHR_S, I64_EXTEND_I32_S, I64_MUL,
  I32_WRAP_I64, I64_NE, SELECT, LOCAL_TEE, LOCAL_GET, I32_EQ, I32_EQZ, I32_LT_U, I32_LE_U,
  I32_LT_S, I32_LE_S, I32_GT_S, I32_ADD, I32_SUB, I32_AND, I32_OR, I32_XOR, VOID,
} from "./wasm";
import { inline_word } from "./emit_word";
import {
  ea_value, inline_mem, inline_mem_byte, inline_moffs, inline_push_mem, inline_incdec_mem, is_mem_byte_form, is_mem_form, parse_ea, reg8_addr,
} from "./emit_mem";

export const L_BUDGET: u32 = 0; // param: instructions the call may run
export const L_IDX: u32 = 1; // param: the region block to start at, then the next one (dispatch)
export const L_DONE: u32 = 2;
export const L_A: u32 = 3;
export const L_B: u32 = 4;
export const L_R: u32 = 5;
export const L_T: u32 = 6;
export const L_EA: u32 = 7; // effective address (offset), then the linear address
export const L_H: u32 = 8; // host address of an inline memory operand
export const L_E: u32 = 9; // TLB entry
export const L_P: u32 = 10; // i64: a 64-bit product

// imported functions
export const F_INSN: u32 = 0; // jit_insn(done, eip) -> 0 sequential, 1 branched, 2 exit
export const F_COND: u32 = 1; // jit_cond(cc) -> 0/1 from the lazy flags
export const F_CF_: u32 = 2; // jit_cf() -> CF

export const MAX_INSNS: u32 = 64;

// What the last inline instruction left in locals a/b/r for a Jcc that follows it.
export const K_NONE = 0;
export const K_SUB = 1; // sub/cmp: a - b
export const K_LOGIC = 2; // and/or/xor/test: r
export const K_INCDEC = 3; // inc/dec, imul: r decides ZF and SF; CF is concrete in EFLAGS
export const K_ADD = 4; // add: r = a + b (CF = r < a)
export let last_kind = K_NONE;

export let max_eip: u32 = 0;

// The region being compiled (compile.ts): the EIPs its blocks start at, block 0 being the
// entry, and which of them follow a call (where an inline ret may land).
export const MAX_BLOCKS: i32 = 32;
export const BLK_START = new StaticArray<u32>(MAX_BLOCKS);
export const BLK_RET = new StaticArray<bool>(MAX_BLOCKS);
export let nblocks: i32 = 0;
// the longest block: a transition between blocks needs this much budget left
export let region_max: u32 = 0;
export function set_region(n: i32, longest: u32): void { nblocks = n; region_max = longest; }

// Index of the region block starting at eip, or -1.
export function block_index(eip: u32): i32 {
  for (let i = 0; i < nblocks; i++) if (unchecked(BLK_START[i]) == eip) return i;
  return -1;
}
export let depth: u32 = 0; // open Wasm blocks inside the loop

// ---- emit helpers

export function reg_get(r: i32): void { load_abs(REGS + (<u32>r << 2)); }
// value in local l -> register r
export function reg_set_local(r: i32, l: u32): void { i32c(0); lget(l); store_abs_tail(REGS + (<u32>r << 2)); }
export function store_local(addr: u32, l: u32): void { i32c(0); lget(l); store_abs_tail(addr); }

// return done + k
export function ret_done(k: u32): void { lget(L_DONE); if (k != 0) { i32c(<i32>k); b(I32_ADD); } b(RETURN); }

// Leave the block at EIP = dest after k instructions of this iteration.
export function exit_to(dest: u32, k: u32, why: u32): void {
  store_const(EIP, dest);
  store_const(JIT_LAST_EXIT, why);
  ret_done(k);
}

// Control goes to dest after all n instructions of the block: to that block if it is in the
// region and the budget allows all of it (SIGNAL cannot be set here: only helpers can set it,
// and a helper that sees it ends the block), otherwise leave.
export function goto_dest(dest: u32, n: u32): void {
  const j = block_index(dest);
  if (j >= 0) transition(j, n);
  else exit_to(dest, n, JIT_EXIT_BRANCH);
}

// Go on with region block j after n more instructions. The dispatcher at the top of the loop
// (compile.ts) branches to block j's code; the budget check makes every cycle through the
// region stop at its budget, as the interpreter would at the chunk's end.
export function transition(j: i32, n: u32): void {
  lget(L_DONE); i32c(<i32>n); b(I32_ADD); ltee(L_DONE); i32c(<i32>region_max); b(I32_ADD); lget(L_BUDGET); b(I32_LE_S);
  b(IF); b(VOID); depth++;
  i32c(j); lset(L_IDX);
  b(BR); uleb(depth);
  b(END); depth--;
  exit_to(unchecked(BLK_START[j]), 0, JIT_EXIT_BUDGET);
}

// After a branch whose target is only known at run time (in local l, or EIP in memory when l
// is -1): go on in the region if it is the entry or a return point (at most 8 compares).
export function dispatch_on(l: i32, n: u32): void {
  let c = 0;
  for (let j = 0; j < nblocks && c < 8; j++) {
    if (j != 0 && !unchecked(BLK_RET[j])) continue;
    c++;
    if (l < 0) load_abs(EIP); else lget(<u32>l);
    i32c(<i32>unchecked(BLK_START[j])); b(I32_EQ);
    b(IF); b(VOID); depth++;
    transition(j, n);
    b(END); depth--;
  }
}

// The same for block j = the next one in the module, whose code follows: no dispatch needed.
export function fall_into(j: i32, n: u32): void {
  lget(L_DONE); i32c(<i32>n); b(I32_ADD); ltee(L_DONE); i32c(<i32>region_max); b(I32_ADD); lget(L_BUDGET); b(I32_GT_S);
  b(IF); b(VOID); depth++;
  exit_to(unchecked(BLK_START[j]), 0, JIT_EXIT_BUDGET);
  b(END); depth--;
}

// Record lazy flags from locals a, b, r (flags.ts set_lazy, 32-bit operands). The stores are
// deferred: a following inline register instruction that writes the whole record again makes
// them dead (cmp after add, dec after cmp); anything else first calls flush_flags(), which
// stores the record while a, b, r still hold it. Everything that may read the flags or leave
// the block flushes: helper calls, jit_cond/jit_cf, inline memory and stack forms (whose slow
// path is a helper), branches and exits.
export let pend_op: i32 = -1;
export let pend_mask: u32 = 0;
export let pend_zero_src = false; // imul's record has no operands (lazy_result)
export let pend_size: u32 = 31; // LF_SIZE: the sign bit, 31 or 7
export function lazy_flags(op: i32, mask: u32): void {
  pend_op = op;
  pend_mask = mask;
  pend_zero_src = false;
  pend_size = 31;
}
export function flush_flags(): void {
  if (pend_op < 0) return;
  store_const(LF_OP, <u32>pend_op);
  store_const(LF_SIZE, pend_size);
  if (pend_zero_src) { store_const(LF_SRC1, 0); store_const(LF_SRC2, 0); }
  else { store_local(LF_SRC1, L_A); store_local(LF_SRC2, L_B); }
  store_local(LF_RES, L_R);
  store_const(LF_MASK, pend_mask);
  pend_op = -1;
}

// Push the condition cc (0..15, the low nibble of Jcc) as 0/1, fused with the preceding inline
// flag-setting instruction where its operands decide it (as flags.ts condition() does).
export function cond(cc: i32): void {
  const c = cc >> 1;
  // after a byte or word operation the locals hold 8- or 16-bit values: equality and unsigned
  // order carry over, the sign (S, L, LE) does not
  if (pend_size != 31 && (c == 4 || c == 6 || c == 7)) {
    flush_flags();
    i32c(cc); b(CALL); uleb(F_COND);
    return;
  }
  if (last_kind == K_SUB && c != 0 && c != 5) {
    if (c == 4) { lget(L_R); i32c(0); b(I32_LT_S); }
    else {
      lget(L_A); lget(L_B);
      if (c == 1) b(I32_LT_U);
      else if (c == 2) b(I32_EQ);
      else if (c == 3) b(I32_LE_U);
      else if (c == 6) b(I32_LT_S);
      else b(I32_LE_S);
    }
  } else if (last_kind == K_LOGIC && c != 5) {
    if (c <= 1) i32c(0);
    else if (c <= 3) { lget(L_R); b(I32_EQZ); }
    else if (c == 4 || c == 6) { lget(L_R); i32c(0); b(I32_LT_S); }
    else { lget(L_R); i32c(0); b(I32_LE_S); }
  } else if (last_kind == K_ADD && (c == 1 || c == 2 || c == 4)) {
    if (c == 1) { lget(L_R); lget(L_A); b(I32_LT_U); }
    else if (c == 2) { lget(L_R); b(I32_EQZ); }
    else { lget(L_R); i32c(0); b(I32_LT_S); }
  } else if (last_kind == K_INCDEC && (c == 2 || c == 4)) {
    lget(L_R);
    if (c == 2) b(I32_EQZ); else { i32c(0); b(I32_LT_S); }
  } else {
    flush_flags(); // jit_cond reads the record from memory
    i32c(cc); b(CALL); uleb(F_COND);
    return;
  }
  if (cc & 1) b(I32_EQZ);
}

// ALU op numbers (ModRM.reg of 80-83 and bits 3-5 of 00-3F): add or adc sbb and sub xor cmp
export function alu_inline(op: i32): bool { return op == 0 || op == 1 || op == 4 || op == 5 || op == 6 || op == 7; }

// a op b from locals a, b into r, with the lazy record; op is an alu_inline() op.
export function alu_body(op: i32): void {
  lget(L_A); lget(L_B);
  if (op == 0) b(I32_ADD);
  else if (op == 1) b(I32_OR);
  else if (op == 4) b(I32_AND);
  else if (op == 6) b(I32_XOR);
  else b(I32_SUB);
  lset(L_R);
  const lop = op == 0 ? LOP_ADD : (op == 5 || op == 7) ? LOP_SUB : LOP_LOGIC;
  lazy_flags(lop, F_ARITH);
  last_kind = lop == LOP_SUB ? K_SUB : lop == LOP_LOGIC ? K_LOGIC : K_ADD;
}

// Byte forms of add/or/and/sub/xor/cmp/test with register and immediate operands (alu.ts
// alu(8, ...)): operands are the 8-bit values, the result is masked, LF_SIZE is 7. A Jcc after
// one fuses where the zero-extended values decide it (cond()).
export function reg8_get(r: i32): void { i32c(0); b(I32_LOAD8_U); b(0); uleb(reg8_addr(r)); }
export function reg8_set_from(r: i32, l: u32): void { i32c(0); lget(l); b(I32_STORE8); b(0); uleb(reg8_addr(r)); }
export function inline_byte(): bool {
  if (LOCK) return false;
  const op = OP;
  if ((op == 0x88 || op == 0x8a) && MOD == 3) { // mov Eb,Gb / mov Gb,Eb
    reg8_get(op == 0x88 ? REG : RM); lset(L_T); reg8_set_from(op == 0x88 ? RM : REG, L_T);
    return true;
  }
  if (op >= 0x190 && op <= 0x19f && MOD == 3) { // setcc Eb: the flags stay as they are
    cond(op & 15); lset(L_T); reg8_set_from(RM, L_T);
    return true;
  }
  if (op == 0xf6 && MOD == 3 && REG == 0) { // test Eb, Ib
    reg8_get(RM); lset(L_A); i32c(<i32>(IMM & 0xff)); lset(L_B);
    alu_body(4);
    lget(L_R); i32c(0xff); b(I32_AND); lset(L_R);
    pend_size = 7;
    return true;
  }
  let aop: i32 = -1;
  let dst: i32 = -1; // -1: test/cmp, nothing written
  if (op < 0x40 && ((op & 7) == 0 || (op & 7) == 2 || (op & 7) == 4)) {
    aop = op >> 3;
    if (!alu_inline(aop)) return false;
    const form = op & 7;
    if (form == 0) { if (MOD != 3) return false; reg8_get(RM); lset(L_A); reg8_get(REG); lset(L_B); dst = RM; }
    else if (form == 2) { if (MOD != 3) return false; reg8_get(REG); lset(L_A); reg8_get(RM); lset(L_B); dst = REG; }
    else { reg8_get(0); lset(L_A); i32c(<i32>(IMM & 0xff)); lset(L_B); dst = 0; }
  } else if (op == 0x80 && MOD == 3) {
    aop = REG;
    if (!alu_inline(aop)) return false;
    reg8_get(RM); lset(L_A); i32c(<i32>(IMM & 0xff)); lset(L_B); dst = RM;
  } else if ((op == 0x84 && MOD == 3) || op == 0xa8) {
    aop = 4; // and, without writing
    if (op == 0x84) { reg8_get(RM); lset(L_A); reg8_get(REG); lset(L_B); }
    else { reg8_get(0); lset(L_A); i32c(<i32>(IMM & 0xff)); lset(L_B); }
  } else return false;
  alu_body(aop);
  lget(L_R); i32c(0xff); b(I32_AND); lset(L_R);
  pend_size = 7;
  if (aop != 7 && dst >= 0) reg8_set_from(dst, L_R);
  return true;
}

// rol/ror r32, c (shift.ts: only CF and OF change, SF ZF AF PF keep their values): CF and OF
// become concrete in EFLAGS and leave the lazy mask, the rest of the record stays as it is.
function inline_rotate(c: u32): bool {
  if (c == 0) return true; // no change, not even to the flags
  // (the result goes to L_T: L_A, L_B and L_R may hold a pending flags record)
  const rol = REG == 0;
  reg_get(RM); i32c(<i32>c); b(rol ? I32_ROTL : I32_ROTR); lset(L_T);
  i32c(0);
  load_abs(EFLAGS); i32c(<i32>~(F_CF | F_OF)); b(I32_AND);
  if (rol) { // CF = bit 0 of the result, OF = its MSB xor CF
    lget(L_T); i32c(1); b(I32_AND); b(I32_OR);
    lget(L_T); i32c(31); b(I32_SHR_U); lget(L_T); b(I32_XOR); i32c(1); b(I32_AND); i32c(11); b(I32_SHL); b(I32_OR);
  } else { // CF = the MSB of the result, OF = its two top bits differ
    lget(L_T); i32c(31); b(I32_SHR_U); b(I32_OR);
    lget(L_T); i32c(1); b(I32_SHL); lget(L_T); b(I32_XOR); i32c(31); b(I32_SHR_U); i32c(11); b(I32_SHL); b(I32_OR);
  }
  store_abs_tail(EFLAGS);
  if (pend_op >= 0) pend_mask &= ~(F_CF | F_OF);
  else { i32c(0); load_abs(LF_MASK); i32c(<i32>~(F_CF | F_OF)); b(I32_AND); store_abs_tail(LF_MASK); }
  reg_set_local(RM, L_T);
  last_kind = K_NONE; // (CF and OF no longer follow from the locals)
  return true;
}

// The eager flags of shl/shr/sar (shift.ts shift()): CF from local b, OF from the result in
// local r (left: its sign xor CF; shr: its two top bits differ; sar: 0), AF cleared. `sign` is
// the operand's sign bit (31 or 15).
export function shift_flags(left: bool, sar: bool, sign: u32): void {
  i32c(0);
  load_abs(EFLAGS); i32c(<i32>~(F_CF | F_OF | F_AF)); b(I32_AND); lget(L_B); b(I32_OR);
  if (left) { lget(L_R); i32c(<i32>sign); b(I32_SHR_U); lget(L_B); b(I32_XOR); i32c(1); b(I32_AND); i32c(11); b(I32_SHL); b(I32_OR); }
  else if (!sar) {
    lget(L_R); i32c(1); b(I32_SHL); lget(L_R); b(I32_XOR); i32c(<i32>sign); b(I32_SHR_U);
    if (sign != 31) { i32c(1); b(I32_AND); }
    i32c(11); b(I32_SHL); b(I32_OR);
  }
  store_abs_tail(EFLAGS);
}

// INC and DEC keep CF (alu.ts incdec): make it concrete in EFLAGS before their record (which
// leaves CF out) replaces the current one. From the locals of the previous inline instruction
// when they decide it; after inc/dec/imul/shifts it is concrete already.
export function keep_cf(): void {
  if (last_kind == K_INCDEC) return;
  i32c(0);
  load_abs(EFLAGS); i32c(<i32>~F_CF); b(I32_AND);
  if (last_kind == K_SUB) { lget(L_A); lget(L_B); b(I32_LT_U); }
  else if (last_kind == K_ADD) { lget(L_R); lget(L_A); b(I32_LT_U); }
  else if (last_kind == K_LOGIC) i32c(0);
  else { flush_flags(); b(CALL); uleb(F_CF_); } // (jit_cf reads the record from memory)
  b(I32_OR);
  store_abs_tail(EFLAGS);
}

// the value on the stack, `bits` wide, sign-extended to 32 bits
export function sign_extend(bits: i32): void { i32c(32 - bits); b(I32_SHL); i32c(32 - bits); b(I32_SHR_S); }

// Try to emit the instruction just decoded inline. Returns false if it needs the helper.
// Only 32-bit operand size without LOCK; the register forms cannot fault, the memory forms
// fall back to the helper (mem_begin/mem_end).
export function inline_simple(k: u32, eip_k: u32, code: usize): bool {
  if (inline_byte()) return true;
  const op = OP;
  if (MOD != 3 && is_mem_byte_form(op)) {
    if (!A32 || REP != 0 || LOCK) return false;
    parse_ea(code);
    return inline_mem_byte(k, eip_k);
  }
  if (op >= 0xa0 && op <= 0xa3) return inline_moffs(k, eip_k);
  if (op == 0x90 && !LOCK) return true; // nop, pause (F3 90): nothing to do
  if (!O32) return inline_word(k, eip_k, code);
  if (LOCK) return false;
  if (op == 0xff && MOD != 3 && REG <= 1) { parse_ea(code); return inline_incdec_mem(k, eip_k); }
  if (op == 0xff && MOD != 3 && REG == 6) { parse_ea(code); return inline_push_mem(k, eip_k); }
  if (MOD != 3 && (op == 0x8d || is_mem_form(op))) {
    if (!A32 || REP != 0) return false;
    parse_ea(code);
    if (op == 0x8d) { // lea: the address only
      if (MOD == 3) return false;
      i32c(0); ea_value(); store_abs_tail(REGS + (<u32>REG << 2));
      return true;
    }
    return inline_mem(k, eip_k);
  }
  if (op >= 0xb8 && op <= 0xbf) { // mov r32, imm32
    i32c(0); i32c(<i32>IMM); store_abs_tail(REGS + (<u32>(op & 7) << 2));
    return true;
  }
  if (op == 0xc7 && MOD == 3 && REG == 0) { // mov Ev, Iz (register)
    i32c(0); i32c(<i32>IMM); store_abs_tail(REGS + (<u32>RM << 2));
    return true;
  }
  if (op == 0xf7 && MOD == 3 && REG != 1 && REG <= 3) { // test Ev,Iz / not Ev / neg Ev
    if (REG == 0) {
      reg_get(RM); lset(L_A); i32c(<i32>IMM); lset(L_B);
      alu_body(4);
    } else if (REG == 2) { // not: no flags
      i32c(0); reg_get(RM); i32c(-1); b(I32_XOR); store_abs_tail(REGS + (<u32>RM << 2));
    } else { // neg: the flags of 0 - x (SDM vol.2 NEG: CF = source != 0)
      i32c(0); lset(L_A); reg_get(RM); lset(L_B);
      alu_body(5);
      reg_set_local(RM, L_R);
    }
    return true;
  }
  if ((op == 0x1b6 || op == 0x1b7 || op == 0x1be || op == 0x1bf) && MOD == 3) { // movzx/movsx Gv, Eb/Ew
    i32c(0);
    if (op == 0x1b6 || op == 0x1be) reg8_get(RM);
    else { reg_get(RM); i32c(0xffff); b(I32_AND); }
    if (op >= 0x1be) sign_extend(op == 0x1be ? 8 : 16);
    store_abs_tail(REGS + (<u32>REG << 2));
    return true;
  }
  if ((op == 0x89 || op == 0x8b) && MOD == 3) { // mov Ev,Gv / mov Gv,Ev
    const dst = op == 0x89 ? RM : REG;
    const src = op == 0x89 ? REG : RM;
    i32c(0); reg_get(src); store_abs_tail(REGS + (<u32>dst << 2));
    return true;
  }
  if (op < 0x40 && (op & 7) <= 5 && (op & 6) != 6) {
    const aop = op >> 3;
    if (!alu_inline(aop)) return false;
    const form = op & 7;
    let dst: i32 = 0;
    if (form == 1) { if (MOD != 3) return false; dst = RM; reg_get(RM); lset(L_A); reg_get(REG); lset(L_B); }
    else if (form == 3) { if (MOD != 3) return false; dst = REG; reg_get(REG); lset(L_A); reg_get(RM); lset(L_B); }
    else if (form == 5) { dst = 0; reg_get(0); lset(L_A); i32c(<i32>IMM); lset(L_B); }
    else return false; // byte forms
    alu_body(aop);
    if (aop != 7) reg_set_local(dst, L_R);
    return true;
  }
  if ((op == 0x81 || op == 0x83) && MOD == 3) {
    if (!alu_inline(REG)) return false;
    const imm: u32 = op == 0x83 ? <u32><i32><i8>IMM : IMM;
    reg_get(RM); lset(L_A); i32c(<i32>imm); lset(L_B);
    alu_body(REG);
    if (REG != 7) reg_set_local(RM, L_R);
    return true;
  }
  if ((op == 0x85 && MOD == 3) || op == 0xa9) { // test Ev,Gv / test eAX,imm
    if (op == 0x85) { reg_get(RM); lset(L_A); reg_get(REG); lset(L_B); }
    else { reg_get(0); lset(L_A); i32c(<i32>IMM); lset(L_B); }
    lget(L_A); lget(L_B); b(I32_AND); lset(L_R);
    lazy_flags(LOP_LOGIC, F_ARITH);
    last_kind = K_LOGIC;
    return true;
  }
  if ((op == 0x69 || op == 0x6b || op == 0x1af) && MOD == 3) { // imul Gv,Ev,imm / imul Gv,Ev
    // muldiv.ts imul_trunc: CF = OF = the signed product does not fit; PF ZF SF lazy from the
    // low half (lazy_result), AF cleared
    if (op == 0x1af) { reg_get(REG); lset(L_A); reg_get(RM); lset(L_B); }
    else { reg_get(RM); lset(L_A); i32c(<i32>(op == 0x6b ? <u32><i32><i8>IMM : IMM)); lset(L_B); }
    lget(L_A); b(I64_EXTEND_I32_S); lget(L_B); b(I64_EXTEND_I32_S); b(I64_MUL);
    b(LOCAL_TEE); uleb(L_P);
    b(I32_WRAP_I64); lset(L_R);
    i32c(0);
    load_abs(EFLAGS); i32c(<i32>~(F_CF | F_OF | F_AF)); b(I32_AND);
    i32c(<i32>(F_CF | F_OF)); i32c(0);
    b(LOCAL_GET); uleb(L_P); lget(L_R); b(I64_EXTEND_I32_S); b(I64_NE);
    b(SELECT); b(I32_OR);
    store_abs_tail(EFLAGS);
    lazy_flags(LOP_RESULT, F_PF | F_ZF | F_SF);
    pend_zero_src = true;
    reg_set_local(REG, L_R);
    last_kind = K_INCDEC;
    return true;
  }
  if ((op == 0xc1 || op == 0xd1) && MOD == 3 && REG >= 4) { // shl/shr/sal/sar r32, imm8 or 1
    // shift.ts shift(): CF and OF eager, AF cleared, PF ZF SF lazy from the result; a masked
    // count of 0 changes nothing
    const c: u32 = op == 0xd1 ? 1 : IMM & 31;
    if (c == 0) return true;
    const sar = REG == 7;
    const left = REG == 4 || REG == 6;
    reg_get(RM); lset(L_A);
    lget(L_A); i32c(<i32>c); b(left ? I32_SHL : sar ? I32_SHR_S : I32_SHR_U); lset(L_R);
    lget(L_A); i32c(<i32>(left ? 32 - c : c - 1)); b(sar ? I32_SHR_S : I32_SHR_U); i32c(1); b(I32_AND); lset(L_B);
    shift_flags(left, sar, 31);
    lazy_flags(LOP_RESULT, F_PF | F_ZF | F_SF);
    pend_zero_src = true;
    reg_set_local(RM, L_R);
    last_kind = K_INCDEC;
    return true;
  }
  if (op == 0xd3 && MOD == 3 && (REG == 4 || REG == 5 || REG == 7)) { // shl/shr/sar r32, cl
    // as with an immediate count, but the count is known only at run time: with a count of 0
    // nothing changes (not even the flags), so the record is stored inside the branch
    flush_flags();
    const sar = REG == 7;
    const left = REG == 4;
    reg_get(1); i32c(31); b(I32_AND); lset(L_T);
    lget(L_T);
    b(IF); b(VOID); depth++;
    reg_get(RM); lset(L_A);
    lget(L_A); lget(L_T); b(left ? I32_SHL : sar ? I32_SHR_S : I32_SHR_U); lset(L_R);
    lget(L_A);
    if (left) { i32c(32); lget(L_T); b(I32_SUB); } else { lget(L_T); i32c(1); b(I32_SUB); }
    b(sar ? I32_SHR_S : I32_SHR_U); i32c(1); b(I32_AND); lset(L_B);
    shift_flags(left, sar, 31);
    lazy_flags(LOP_RESULT, F_PF | F_ZF | F_SF);
    pend_zero_src = true;
    flush_flags();
    reg_set_local(RM, L_R);
    b(END); depth--;
    last_kind = K_NONE;
    return true;
  }
  if ((op == 0xc1 || op == 0xd1) && MOD == 3 && REG <= 1) return inline_rotate(op == 0xd1 ? 1 : IMM & 31);
  if (op >= 0x140 && op <= 0x14f && MOD == 3) { // cmovcc Gv, Ev: the flags stay as they are
    i32c(0); reg_get(RM); reg_get(REG); cond(op & 15); b(SELECT); store_abs_tail(REGS + (<u32>REG << 2));
    return true;
  }
  if (op >= 0x40 && op <= 0x4f) { // inc/dec r32: CF is made concrete and kept (alu.ts incdec)
    const r = op & 7;
    const dec = op >= 0x48;
    keep_cf();
    reg_get(r); lset(L_A); i32c(1); lset(L_B);
    lget(L_A); i32c(1); b(dec ? I32_SUB : I32_ADD); lset(L_R);
    lazy_flags(dec ? LOP_SUB : LOP_ADD, F_ARITH & ~F_CF);
    reg_set_local(r, L_R);
    last_kind = K_INCDEC;
    return true;
  }
  return false;
}

