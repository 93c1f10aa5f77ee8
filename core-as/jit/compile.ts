// The block compiler: decodes from a hot entry with the interpreter's own decode() (so the one
// instruction table drives both), and emits a WebAssembly module with one function
//
//   f(budget: i32) -> i32      instructions executed
//
// Each guest instruction becomes either inline Wasm (the simple, common register forms and the
// branches that end the block) or a call of the helper jit_insn (jit/helpers.ts), which runs the
// instruction through the interpreter: decode, dispatch, fault delivery. So every instruction
// works from the start and behaves exactly as interpreted; inline code only covers forms that
// cannot fault. A block is straight-line code inside one page (and inside the fetch window, so
// decoding never touches the TLB), ending at a branch; a branch back to the entry becomes a Wasm
// loop with a budget check at the back-edge.
//
// Locals: 0 budget (param), 1 done (instructions completed in earlier loop iterations),
// 2 a, 3 b, 4 r (operands and result of the last flag-setting inline instruction, which a
// following Jcc reads: the cmp/test + jcc fusion), 5 scratch, 6 effective/linear address,
// 7 host address, 8 TLB entry.
//
// Inline memory operands (32-bit addressing) take the interpreter's fast path in Wasm: the
// segment check against SEG_MIN/SEG_MAX/SEG_OK, the TLB entry against the current mask, no
// page crossing; anything else (a miss, MMIO, a code page, a fault) runs the whole instruction
// through the helper instead. Nothing is written before every check has passed, so the helper
// starts from the state the instruction started with, and faults are exact.
import {
  REGS, EIP, SEG_MAX, LF_OP, LF_SIZE, LF_SRC1, LF_SRC2, LF_RES, LF_MASK, EFLAGS, JIT_PENDING_LEN, JIT_BYTES,
  JIT_EXIT_BRANCH, JIT_EXIT_BUDGET, JIT_LAST_EXIT,
} from "../state";
import { decode, OP, MOD, REG, RM, O32, A32, LOCK, IMM, SEG, REP } from "../cpu/decode";
import { DECODE_INFO, DI_PREFIX } from "../cpu/gen/decode_info";
import { SEG_LIMIT, SEG_MIN, SEG_OK, SEG_BASE, TLB, TLB_RMASK_NOW, TLB_WMASK_NOW, MODE, MODE_STACK32, REG_ESP } from "../state";
import { TLB_VALID } from "../cpu/tlb";
import { FW_START, FW_LEN, FW_HOST, set_fetch_window } from "../cpu/fetch_window";
import { FAULTED, clear_fault } from "../cpu/fault";
import { S_CS } from "../cpu/regs";
import { LOP_ADD, LOP_SUB, LOP_LOGIC, LOP_RESULT, F_ARITH, F_CF, F_OF, F_AF, F_PF, F_ZF, F_SF } from "../cpu/flags";
import {
  POS, OVERFLOW, wasm_reset, b, uleb, placeholder, patch, name, i32c, lget, lset, ltee,
  load_abs, store_abs_tail, store_const,
  LOOP, IF, ELSE, END, BR, BR_IF, RETURN, CALL, BLOCK, I32_LOAD, I32_LOAD8_U, I32_LOAD16_U, I32_STORE,
  I32_STORE8, I32_STORE16, I32_SHL, I32_SHR_U, I32_SHR_S, I32_GT_U, I32_GE_U, I64_EXTEND_I32_S, I64_MUL, I32_WRAP_I64, I64_NE,
  SELECT, LOCAL_TEE, LOCAL_GET, T_I64, I32_EQ, I32_NE, I32_EQZ, I32_LT_U, I32_LE_U, I32_LT_S,
  I32_LE_S, I32_ADD, I32_SUB, I32_AND, I32_OR, I32_XOR, VOID, T_I32,
} from "./wasm";
import { E_INSNS, E_BYTES, E_MAXEIP } from "./cache";


const L_BUDGET: u32 = 0;
const L_DONE: u32 = 1;
const L_A: u32 = 2;
const L_B: u32 = 3;
const L_R: u32 = 4;
const L_T: u32 = 5;
const L_EA: u32 = 6; // effective address (offset), then the linear address
const L_H: u32 = 7; // host address of an inline memory operand
const L_E: u32 = 8; // TLB entry
const L_P: u32 = 9; // i64: a 64-bit product

// imported functions
const F_INSN: u32 = 0; // jit_insn(done, eip) -> 0 sequential, 1 branched, 2 exit
const F_COND: u32 = 1; // jit_cond(cc) -> 0/1 from the lazy flags
const F_CF_: u32 = 2; // jit_cf() -> CF

const MAX_INSNS: u32 = 64;

// What the last inline instruction left in locals a/b/r for a Jcc that follows it.
const K_NONE = 0;
const K_SUB = 1; // sub/cmp: a - b
const K_LOGIC = 2; // and/or/xor/test: r
const K_INCDEC = 3; // inc/dec, imul: r decides ZF and SF; CF is concrete in EFLAGS
const K_ADD = 4; // add: r = a + b (CF = r < a)
let last_kind = K_NONE;

let entry_eip: u32 = 0;
let max_eip: u32 = 0;
let depth: u32 = 0; // open Wasm blocks inside the loop

function header(): void {
  // magic, version
  b(0); b(0x61); b(0x73); b(0x6d); b(1); b(0); b(0); b(0);
  // type section: t0 (i32)->i32, t1 (i32 i32)->i32, t2 ()->i32
  b(1); let at = placeholder();
  b(3);
  b(0x60); b(1); b(T_I32); b(1); b(T_I32);
  b(0x60); b(2); b(T_I32); b(T_I32); b(1); b(T_I32);
  b(0x60); b(0); b(1); b(T_I32);
  patch(at);
  // imports: c.m memory, c.s jit_insn, c.c jit_cond, c.f jit_cf
  b(2); at = placeholder();
  b(4);
  name(0x63, 0); name(0x6d, 0); b(2); b(0); b(0);
  name(0x63, 0); name(0x73, 0); b(0); b(1);
  name(0x63, 0); name(0x63, 0); b(0); b(0);
  name(0x63, 0); name(0x66, 0); b(0); b(2);
  patch(at);
  // function section: one function of type t0
  b(3); b(2); b(1); b(0);
  // export "f" = function 3
  b(7); b(5); b(1); name(0x66, 0); b(0); b(3);
}

// ---- emit helpers

function reg_get(r: i32): void { load_abs(REGS + (<u32>r << 2)); }
// value in local l -> register r
function reg_set_local(r: i32, l: u32): void { i32c(0); lget(l); store_abs_tail(REGS + (<u32>r << 2)); }
function store_local(addr: u32, l: u32): void { i32c(0); lget(l); store_abs_tail(addr); }

// return done + k
function ret_done(k: u32): void { lget(L_DONE); i32c(<i32>k); b(I32_ADD); b(RETURN); }

// Leave the block at EIP = dest after k instructions of this iteration.
function exit_to(dest: u32, k: u32, why: u32): void {
  store_const(EIP, dest);
  store_const(JIT_LAST_EXIT, why);
  ret_done(k);
}

// Control goes to dest after all n instructions of the block: loop if it is the entry and the
// budget allows another iteration (SIGNAL cannot be set here: only helpers can set it, and a
// helper that sees it ends the block), otherwise leave.
function goto_dest(dest: u32, n: u32): void {
  if (dest == entry_eip) {
    lget(L_DONE); i32c(<i32>(2 * n)); b(I32_ADD); lget(L_BUDGET); b(I32_LE_S);
    b(IF); b(VOID); depth++;
    lget(L_DONE); i32c(<i32>n); b(I32_ADD); lset(L_DONE);
    b(BR); uleb(depth);
    b(END); depth--;
    exit_to(dest, n, JIT_EXIT_BUDGET);
  } else exit_to(dest, n, JIT_EXIT_BRANCH);
}

// Record lazy flags from locals a, b, r (flags.ts set_lazy, 32-bit operands). The stores are
// deferred: a following inline register instruction that writes the whole record again makes
// them dead (cmp after add, dec after cmp); anything else first calls flush_flags(), which
// stores the record while a, b, r still hold it. Everything that may read the flags or leave
// the block flushes: helper calls, jit_cond/jit_cf, inline memory and stack forms (whose slow
// path is a helper), branches and exits.
let pend_op: i32 = -1;
let pend_mask: u32 = 0;
let pend_zero_src = false; // imul's record has no operands (lazy_result)
let pend_size: u32 = 31; // LF_SIZE: the sign bit, 31 or 7
function lazy_flags(op: i32, mask: u32): void {
  pend_op = op;
  pend_mask = mask;
  pend_zero_src = false;
  pend_size = 31;
}
function flush_flags(): void {
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
function cond(cc: i32): void {
  const c = cc >> 1;
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
function alu_inline(op: i32): bool { return op == 0 || op == 1 || op == 4 || op == 5 || op == 6 || op == 7; }

// a op b from locals a, b into r, with the lazy record; op is an alu_inline() op.
function alu_body(op: i32): void {
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
// one asks jit_cond (the fusion compares 32-bit operands).
function reg8_get(r: i32): void { i32c(0); b(I32_LOAD8_U); b(0); uleb(reg8_addr(r)); }
function inline_byte(): bool {
  if (LOCK) return false;
  const op = OP;
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
  last_kind = K_NONE;
  if (aop != 7 && dst >= 0) { i32c(0); lget(L_R); b(I32_STORE8); b(0); uleb(reg8_addr(dst)); }
  return true;
}

// Try to emit the instruction just decoded inline. Returns false if it needs the helper.
// Only 32-bit operand size without LOCK; the register forms cannot fault, the memory forms
// fall back to the helper (mem_begin/mem_end).
function inline_simple(k: u32, eip_k: u32, code: usize): bool {
  if (inline_byte()) return true;
  if (!O32 || LOCK) return false;
  const op = OP;
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
    i32c(0);
    load_abs(EFLAGS); i32c(<i32>~(F_CF | F_OF | F_AF)); b(I32_AND); lget(L_B); b(I32_OR);
    if (left) { lget(L_R); i32c(31); b(I32_SHR_U); lget(L_B); b(I32_XOR); i32c(1); b(I32_AND); i32c(11); b(I32_SHL); b(I32_OR); }
    else if (!sar) { lget(L_R); i32c(1); b(I32_SHL); lget(L_R); b(I32_XOR); i32c(31); b(I32_SHR_U); i32c(11); b(I32_SHL); b(I32_OR); }
    store_abs_tail(EFLAGS);
    lazy_flags(LOP_RESULT, F_PF | F_ZF | F_SF);
    pend_zero_src = true;
    reg_set_local(RM, L_R);
    last_kind = K_INCDEC;
    return true;
  }
  if (op >= 0x40 && op <= 0x4f) { // inc/dec r32: CF is made concrete and kept (alu.ts incdec)
    const r = op & 7;
    const dec = op >= 0x48;
    // CF from the flags record of the previous inline instruction when it is known here
    if (last_kind != K_INCDEC) { // (after inc/dec/imul CF is already concrete)
      i32c(0);
      load_abs(EFLAGS); i32c(<i32>~F_CF); b(I32_AND);
      if (last_kind == K_SUB) { lget(L_A); lget(L_B); b(I32_LT_U); }
      else if (last_kind == K_ADD) { lget(L_R); lget(L_A); b(I32_LT_U); }
      else if (last_kind == K_LOGIC) i32c(0);
      else { flush_flags(); b(CALL); uleb(F_CF_); } // (jit_cf reads the record from memory)
      b(I32_OR);
      store_abs_tail(EFLAGS);
    }
    reg_get(r); lset(L_A); i32c(1); lset(L_B);
    lget(L_A); i32c(1); b(dec ? I32_SUB : I32_ADD); lset(L_R);
    lazy_flags(dec ? LOP_SUB : LOP_ADD, F_ARITH & ~F_CF);
    reg_set_local(r, L_R);
    last_kind = K_INCDEC;
    return true;
  }
  return false;
}


// ---- inline memory operands

// The decoded ModRM/SIB of the current instruction, re-read from its bytes (decode() only
// keeps the effective address it computed with the registers of that moment).
let ea_base: i32 = -1;
let ea_index: i32 = -1;
let ea_scale: u32 = 0;
let ea_disp: u32 = 0;

function parse_ea(code: usize): void {
  let p = code;
  while ((load<u8>(DECODE_INFO + <usize>load<u8>(p)) & DI_PREFIX) != 0) p++;
  p += load<u8>(p) == 0x0f ? 2 : 1;
  const m = <u32>load<u8>(p); p++;
  const mod = m >> 6;
  const rm = <i32>(m & 7);
  ea_base = -1; ea_index = -1; ea_scale = 0; ea_disp = 0;
  if (rm == 4) {
    const sib = <u32>load<u8>(p); p++;
    const idx = <i32>((sib >> 3) & 7);
    if (idx != 4) { ea_index = idx; ea_scale = sib >> 6; }
    const bs = <i32>(sib & 7);
    if (bs == 5 && mod == 0) { ea_disp = load<u32>(p); p += 4; } else ea_base = bs;
  } else if (rm == 5 && mod == 0) { ea_disp = load<u32>(p); p += 4; }
  else ea_base = rm;
  if (mod == 1) ea_disp += <u32><i32>load<i8>(p);
  else if (mod == 2) ea_disp += load<u32>(p);
}

// push the effective address (offset in the segment)
function ea_value(): void {
  i32c(<i32>ea_disp);
  if (ea_base >= 0) { reg_get(ea_base); b(I32_ADD); }
  if (ea_index >= 0) { reg_get(ea_index); if (ea_scale != 0) { i32c(<i32>ea_scale); b(I32_SHL); } b(I32_ADD); }
}

// Open the fast path for an access of n bytes at segment seg, offset on the stack: checks the
// segment (memory.ts seg_check) and the TLB entry (memory.ts lin_read*/lin_write* fast path)
// and leaves the host address in L_H. Opens two Wasm blocks: $done (outer) and $slow; any
// failed check branches to $slow. mem_end() closes them with the helper on the slow path.
function mem_begin(seg: i32, n: u32, write: bool): void {
  lset(L_EA); // (a void block cannot take a value from outside)
  b(BLOCK); b(VOID); depth++;
  b(BLOCK); b(VOID); depth++;
  const acc: u32 = write ? 7 : 5; // read|usable, + write
  load_abs(SEG_OK + (<u32>seg << 2)); i32c(<i32>acc); b(I32_AND); i32c(<i32>acc); b(I32_NE); b(BR_IF); b(0);
  lget(L_EA); load_abs(SEG_MIN + (<u32>seg << 2)); b(I32_LT_U); b(BR_IF); b(0);
  lget(L_EA); load_abs(SEG_MAX + (<u32>seg << 2)); b(I32_GT_U); b(BR_IF); b(0);
  if (n > 1) { load_abs(SEG_MAX + (<u32>seg << 2)); lget(L_EA); b(I32_SUB); i32c(<i32>(n - 1)); b(I32_LT_U); b(BR_IF); b(0); }
  // linear address, TLB entry
  load_abs(SEG_BASE + (<u32>seg << 2)); lget(L_EA); b(I32_ADD); lset(L_EA);
  lget(L_EA); i32c(12); b(I32_SHR_U); i32c(2); b(I32_SHL); b(I32_LOAD); b(2); uleb(TLB); ltee(L_E);
  load_abs(write ? TLB_WMASK_NOW : TLB_RMASK_NOW); b(I32_AND); i32c(<i32>TLB_VALID); b(I32_NE); b(BR_IF); b(0);
  if (n > 1) { lget(L_EA); i32c(0xfff); b(I32_AND); i32c(<i32>(0x1000 - n)); b(I32_GT_U); b(BR_IF); b(0); }
  lget(L_E); i32c(<i32>0xfffff000); b(I32_AND); lget(L_EA); b(I32_XOR); lset(L_H);
}

// Close the fast path; the slow path runs instruction k at eip_k through the helper.
function mem_end(k: u32, eip_k: u32): void {
  b(BR); b(1); // fast path done
  b(END); depth--;
  lget(L_DONE); i32c(<i32>k); b(I32_ADD); i32c(<i32>eip_k); b(CALL); uleb(F_INSN);
  b(IF); b(VOID); ret_done(k + 1); b(END);
  b(END); depth--;
}

function host_load(n: u32): void {
  lget(L_H);
  if (n == 1) { b(I32_LOAD8_U); b(0); } else if (n == 2) { b(I32_LOAD16_U); b(1); } else { b(I32_LOAD); b(2); }
  b(0);
}
// value in local l -> host memory
function host_store(n: u32, l: u32): void {
  lget(L_H); lget(l);
  if (n == 1) { b(I32_STORE8); b(0); } else if (n == 2) { b(I32_STORE16); b(1); } else { b(I32_STORE); b(2); }
  b(0);
}

// 8-bit registers: AL CL DL BL are byte 0 of EAX..EBX, AH CH DH BH byte 1 (regs.ts reg8)
function reg8_addr(r: i32): u32 { return REGS + (<u32>(r & 3) << 2) + <u32>(r >> 2); }

function is_mem_form(op: i32): bool {
  switch (op) {
    case 0x88: case 0x89: case 0x8a: case 0x8b: case 0xc6: case 0xc7: case 0x1b6: case 0x1b7:
    case 0x01: case 0x03: case 0x09: case 0x0b: case 0x21: case 0x23: case 0x29: case 0x2b:
    case 0x31: case 0x33: case 0x39: case 0x3b: case 0x81: case 0x83: case 0x85:
      return true;
    default: return false;
  }
}

// A memory form from is_mem_form (MOD != 3, 32-bit operand and address size).
function inline_mem(k: u32, eip_k: u32): bool {
  const op = OP;
  const seg = SEG;
  if ((op == 0x81 || op == 0x83) && !alu_inline(REG)) return false;
  if (op < 0x40 && !alu_inline(op >> 3)) return false;
  flush_flags();
  ea_value();
  switch (op) {
    case 0x8b: // mov Gv, Ev
      mem_begin(seg, 4, false);
      i32c(0); host_load(4); store_abs_tail(REGS + (<u32>REG << 2));
      break;
    case 0x8a: // mov Gb, Eb
      mem_begin(seg, 1, false);
      i32c(0); host_load(1); b(I32_STORE8); b(0); uleb(reg8_addr(REG));
      break;
    case 0x1b6: case 0x1b7: { // movzx Gv, Eb/Ew
      const n: u32 = op == 0x1b6 ? 1 : 2;
      mem_begin(seg, n, false);
      i32c(0); host_load(n); store_abs_tail(REGS + (<u32>REG << 2));
      break;
    }
    case 0x89: // mov Ev, Gv
      mem_begin(seg, 4, true);
      reg_get(REG); lset(L_T); host_store(4, L_T);
      break;
    case 0x88: // mov Eb, Gb
      mem_begin(seg, 1, true);
      i32c(0); b(I32_LOAD8_U); b(0); uleb(reg8_addr(REG)); lset(L_T); host_store(1, L_T);
      break;
    case 0xc7: case 0xc6: { // mov Ev, Iz / mov Eb, Ib
      if (REG != 0) return false; // (not reached: the table has only /0)
      const n: u32 = op == 0xc7 ? 4 : 1;
      mem_begin(seg, n, true);
      i32c(<i32>IMM); lset(L_T); host_store(n, L_T);
      break;
    }
    case 0x85: // test Ev, Gv
      mem_begin(seg, 4, false);
      host_load(4); lset(L_A); reg_get(REG); lset(L_B);
      lget(L_A); lget(L_B); b(I32_AND); lset(L_R);
      lazy_flags(LOP_LOGIC, F_ARITH);
      break;
    case 0x03: case 0x0b: case 0x23: case 0x2b: case 0x33: case 0x3b: { // op Gv, Ev
      const aop = op >> 3;
      mem_begin(seg, 4, false);
      reg_get(REG); lset(L_A); host_load(4); lset(L_B);
      alu_body(aop);
      if (aop != 7) reg_set_local(REG, L_R);
      break;
    }
    default: { // op Ev, Gv (01..39) and op Ev, imm (81, 83): read-modify-write, cmp reads
      const aop = op < 0x40 ? op >> 3 : REG;
      const cmp = aop == 7;
      mem_begin(seg, 4, !cmp);
      host_load(4); lset(L_A);
      if (op < 0x40) { reg_get(REG); lset(L_B); }
      else { i32c(<i32>(op == 0x83 ? <u32><i32><i8>IMM : IMM)); lset(L_B); }
      alu_body(aop);
      if (!cmp) host_store(4, L_R);
      break;
    }
  }
  // the fast path's flags record is stored there (the slow path's helper stores its own), and
  // locals a/b/r mean nothing after the slow path: no fusion after memory forms
  flush_flags();
  last_kind = K_NONE;
  mem_end(k, eip_k);
  return true;
}

// push r32 / pop r32 with a 32-bit stack (stack.ts push/pop): the slot is checked like any
// memory operand; ESP moves only after the access succeeded.
function inline_stack(k: u32, eip_k: u32): bool {
  const op = OP;
  if (!O32 || LOCK || (load<u32>(MODE) & MODE_STACK32) == 0) return false;
  flush_flags();
  if (op >= 0x50 && op <= 0x57) {
    reg_get(op & 7); lset(L_T); // push esp pushes the old value
    reg_get(4); i32c(4); b(I32_SUB);
    mem_begin(2, 4, true);
    host_store(4, L_T);
    i32c(0); reg_get(4); i32c(4); b(I32_SUB); store_abs_tail(REG_ESP);
  } else if (op >= 0x58 && op <= 0x5f && op != 0x5c) {
    reg_get(4);
    mem_begin(2, 4, false);
    i32c(0); reg_get(4); i32c(4); b(I32_ADD); store_abs_tail(REG_ESP);
    i32c(0); host_load(4); store_abs_tail(REGS + (<u32>(op & 7) << 2));
  } else return false;
  mem_end(k, eip_k);
  return true;
}

// call rel32 / ret with 32-bit operands and stack (control.ts call_rel, ret_near): the push or
// pop is an inline stack access; the block ends here. Returns false for other forms.
function inline_callret(k: u32, eip_k: u32, next: u32, n: u32): bool {
  if (!O32 || LOCK || (load<u32>(MODE) & MODE_STACK32) == 0) return false;
  flush_flags();
  if (OP == 0xe8) {
    const target = next + IMM;
    if (target > max_eip) max_eip = target; // the entry check keeps it inside the CS limit
    i32c(<i32>next); lset(L_T);
    reg_get(4); i32c(4); b(I32_SUB);
    mem_begin(2, 4, true);
    host_store(4, L_T);
    i32c(0); reg_get(4); i32c(4); b(I32_SUB); store_abs_tail(REG_ESP);
    mem_end(k, eip_k);
    goto_dest(target, n);
    return true;
  }
  if (OP == 0xc3) {
    reg_get(4);
    mem_begin(2, 4, false);
    host_load(4); lset(L_T);
    // a return address beyond the CS limit is #GP(0): the helper raises it
    lget(L_T); load_abs(SEG_LIMIT + 4); b(I32_GT_U); b(BR_IF); b(0);
    i32c(0); reg_get(4); i32c(4); b(I32_ADD); store_abs_tail(REG_ESP);
    i32c(0); lget(L_T); store_abs_tail(EIP);
    store_const(JIT_LAST_EXIT, JIT_EXIT_BRANCH);
    ret_done(n);
    mem_end(k, eip_k);
    exit_to(next, n, JIT_EXIT_BRANCH); // (the helper returned to the next instruction)
    return true;
  }
  return false;
}

// Relative branch target of the decoded Jcc/JMP at next (its end), masked to the operand size.
function rel_target(next: u32, rel: u32): u32 {
  const t = next + rel;
  return O32 ? t : t & 0xffff;
}

// Compile the block at (eip, host). Returns the module size in JIT_BUF, 0 if nothing was
// compiled. `single` limits the block to one instruction (Machine.step with the JIT forced).
export function compile_block(e: u32, eip: u32, host: u32, lin: u32, single: bool, forced: bool): u32 {
  wasm_reset();
  header();
  // code section with one body
  b(10); const sec = placeholder();
  b(1); const body = placeholder();
  b(2); b(8); b(T_I32); b(1); b(T_I64); // locals 1..8: i32, 9: i64
  b(LOOP); b(VOID);
  depth = 0;
  entry_eip = eip;
  last_kind = K_NONE;
  pend_op = -1;

  // decode through a fetch window over this page from the entry, clipped to the CS limit:
  // decode() then reads straight from the page and never touches the TLB or raises a fault
  const save_start = FW_START, save_len = FW_LEN, save_host = FW_HOST;
  const save_eip = load<u32>(EIP);
  let wlen: u32 = 0x1000 - (lin & 0xfff);
  const room = load<u32>(SEG_MAX + (S_CS << 2)) - eip;
  if (room < wlen - 1) wlen = room + 1;
  set_fetch_window(eip, wlen, host);

  let n: u32 = 0;
  let helpers: u32 = 0; // instructions left to jit_insn
  let cur = eip;
  let ended = false;
  max_eip = eip;
  const limit: u32 = single ? 1 : MAX_INSNS;
  while (n < limit) {
    if ((cur - eip) + 16 > wlen) break; // the decoder might need bytes beyond the window
    if (!decode(cur) || FAULTED) { clear_fault(); break; }
    const next = load<u32>(EIP);
    const last_byte = next - 1;
    if (last_byte > max_eip) max_eip = last_byte;
    const k = n;
    n++;
    const op = OP;
    // block-ending relative branches, inline
    if (((op >= 0x70 && op <= 0x7f) || (op >= 0x180 && op <= 0x18f) || op == 0xeb || op == 0xe9) && !LOCK) {
      const rel: u32 = (op <= 0x7f || op == 0xeb) ? <u32><i32><i8>IMM : (O32 ? IMM : <u32><i32><i16>IMM);
      const target = rel_target(next, rel);
      if (target > max_eip) max_eip = target;
      if (op == 0xeb || op == 0xe9) { flush_flags(); goto_dest(target, n); }
      else {
        cond(op & 15);
        flush_flags(); // (the condition is on the stack; the stores leave it there)
        b(IF); b(VOID); depth++;
        goto_dest(target, n);
        b(ELSE);
        goto_dest(next, n);
        b(END); depth--;
      }
      ended = true;
      break;
    }
    if ((op == 0xe8 || op == 0xc3) && inline_callret(k, cur, next, n)) { ended = true; break; }
    const code = host + (cur - eip);
    if (inline_simple(k, cur, code)) { cur = next; continue; }
    if (inline_stack(k, cur)) { last_kind = K_NONE; cur = next; continue; }
    last_kind = K_NONE;
    // through the interpreter
    helpers++;
    flush_flags();
    lget(L_DONE); i32c(<i32>k); b(I32_ADD); i32c(<i32>cur); b(CALL); uleb(F_INSN);
    if (is_block_end(op)) {
      // a transfer the helper executed: EIP in memory is where control went
      ltee(L_T); i32c(2); b(I32_EQ);
      b(IF); b(VOID); depth++; ret_done(n); b(END); depth--;
      lget(L_T);
      b(IF); b(VOID); depth++;
      load_abs(EIP); i32c(<i32>eip); b(I32_EQ);
      lget(L_DONE); i32c(<i32>(2 * n)); b(I32_ADD); lget(L_BUDGET); b(I32_LE_S); b(I32_AND);
      b(IF); b(VOID); depth++;
      lget(L_DONE); i32c(<i32>n); b(I32_ADD); lset(L_DONE);
      b(BR); uleb(depth);
      b(END); depth--;
      store_const(JIT_LAST_EXIT, JIT_EXIT_BRANCH);
      ret_done(n);
      b(END); depth--;
      exit_to(next, n, JIT_EXIT_BRANCH);
      ended = true;
      break;
    }
    // any other instruction: leave if it branched, faulted or needs the run loop
    b(IF); b(VOID); depth++; ret_done(n); b(END); depth--;
    cur = next;
  }
  if (!ended) { flush_flags(); exit_to(cur, n, JIT_EXIT_BRANCH); }
  b(END); // loop
  b(0x00); // unreachable: every path returns
  b(END); // function
  patch(body);
  patch(sec);

  set_fetch_window(save_start, save_len, save_host);
  store<u32>(EIP, save_eip);
  if (n == 0 || OVERFLOW) return 0;
  // A block that is mostly helper calls runs no faster than the interpreter (each helper
  // decodes and dispatches as the interpreter does) but costs a compile and an entry: leave
  // it interpreted unless everything is to be compiled.
  if (!forced && helpers * 4 > n * 3) return 0;
  store<u32>(e + E_INSNS, n);
  store<u32>(e + E_BYTES, cur - eip);
  store<u32>(e + E_MAXEIP, max_eip);
  store<u32>(JIT_PENDING_LEN, POS);
  store<u64>(JIT_BYTES, load<u64>(JIT_BYTES) + <u64>POS);
  return POS;
}

// Instructions after which the block ends because they transfer control: near/far calls,
// returns, jumps, interrupts, loops, hlt. (Anything else that branches is caught by the
// helper's return value.)
function is_block_end(op: i32): bool {
  switch (op) {
    case 0xe8: case 0xc2: case 0xc3: case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xce: case 0xcf:
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xea: case 0x9a: case 0xf4:
      return true;
    case 0xff: return REG >= 2 && REG <= 5;
    default: return false;
  }
}
