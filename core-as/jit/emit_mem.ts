// The JIT's inline memory forms (docs/jit.md): the effective address from the instruction's
// ModRM/SIB bytes, the segment check and TLB fast path in Wasm with the helper as slow path,
// loads, stores and read-modify-write ALU forms, push/pop, call/ret.
import {
  REGS, EIP, SEG_MAX, LF_SRC1, LF_SRC2, LF_RES, JIT_EXIT_BRANCH, JIT_LAST_EXIT, SEG_LIMIT,
  SEG_MIN, SEG_OK, SEG_BASE, TLB, TLB_RMASK_NOW, TLB_WMASK_NOW, MODE, MODE_STACK32, MODE_FLAT, REG_ESP,
} from "../state";
import { OP, REG, O32, A32, LOCK, IMM, SEG, EA, REP } from "../cpu/decode";
import { DECODE_INFO, DI_PREFIX } from "../cpu/gen/decode_info";
import { TLB_VALID } from "../cpu/tlb";
import { LOP_LOGIC, LOP_ADD, LOP_SUB, F_ARITH, F_CF } from "../cpu/flags";
import {
  b, uleb, i32c, lget, lset, ltee, load_abs, store_abs_tail, store_const, IF, END, BR, BR_IF,
  CALL, BLOCK, I32_LOAD, I32_LOAD8_U, I32_LOAD16_U, I32_STORE, I32_STORE8, I32_STORE16, I32_SHL,
  I32_SHR_U, I32_GT_U, I32_NE, I32_LT_U, I32_ADD, I32_SUB, I32_AND, I32_XOR, VOID,
} from "./wasm";
import {
  F_INSN, K_NONE, K_LOGIC, L_A, L_B, L_DONE, L_E, L_EA, L_H, L_R, L_T, alu_body, alu_inline,
  depth, dispatch_on, exit_to, flush_flags, goto_dest, last_kind, lazy_flags, max_eip, pend_op, pend_size,
  reg_get, reg8_get, reg8_set_from, reg_set_local, ret_done, sign_extend, keep_cf, K_INCDEC,
} from "./emit";

// ---- inline memory operands

// The decoded ModRM/SIB of the current instruction, re-read from its bytes (decode() only
// keeps the effective address it computed with the registers of that moment).
export let ea_base: i32 = -1;
export let ea_index: i32 = -1;
export let ea_scale: u32 = 0;
export let ea_disp: u32 = 0;

export function parse_ea(code: usize): void {
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
export function ea_value(): void {
  i32c(<i32>ea_disp);
  if (ea_base >= 0) { reg_get(ea_base); b(I32_ADD); }
  if (ea_index >= 0) { reg_get(ea_index); if (ea_scale != 0) { i32c(<i32>ea_scale); b(I32_SHL); } b(I32_ADD); }
}

// Open the fast path for an access of n bytes at segment seg, offset on the stack: checks the
// segment (memory.ts seg_check) and the TLB entry (memory.ts lin_read*/lin_write* fast path)
// and leaves the host address in L_H. Opens two Wasm blocks: $done (outer) and $slow; any
// failed check branches to $slow. mem_end() closes them with the helper on the slow path.
export function mem_begin(seg: i32, n: u32, write: bool): void {
  lset(L_EA); // (a void block cannot take a value from outside)
  b(BLOCK); b(VOID); depth++;
  b(BLOCK); b(VOID); depth++;
  mem_checks(seg, n, write);
}

// The checks of mem_begin for a further access of the same instruction (offset on the stack),
// inside its $slow block: push [mem] reads, then pushes.
export function mem_check(seg: i32, n: u32, write: bool): void {
  lset(L_EA);
  mem_checks(seg, n, write);
}

function mem_checks(seg: i32, n: u32, write: bool): void {
  // (in a flat model ES, SS and DS pass every check and add nothing: segments.ts update_flat;
  // only a 4-byte access at offset 0xFFFFFFFD.. would fail, and then it crosses a page)
  if ((load<u32>(MODE) & MODE_FLAT) == 0 || !(seg == 0 || seg == 2 || seg == 3)) {
    const acc: u32 = write ? 7 : 5; // read|usable, + write
    load_abs(SEG_OK + (<u32>seg << 2)); i32c(<i32>acc); b(I32_AND); i32c(<i32>acc); b(I32_NE); b(BR_IF); b(0);
    lget(L_EA); load_abs(SEG_MIN + (<u32>seg << 2)); b(I32_LT_U); b(BR_IF); b(0);
    lget(L_EA); load_abs(SEG_MAX + (<u32>seg << 2)); b(I32_GT_U); b(BR_IF); b(0);
    if (n > 1) { load_abs(SEG_MAX + (<u32>seg << 2)); lget(L_EA); b(I32_SUB); i32c(<i32>(n - 1)); b(I32_LT_U); b(BR_IF); b(0); }
    load_abs(SEG_BASE + (<u32>seg << 2)); lget(L_EA); b(I32_ADD); lset(L_EA);
  }
  // TLB entry
  lget(L_EA); i32c(12); b(I32_SHR_U); i32c(2); b(I32_SHL); b(I32_LOAD); b(2); uleb(TLB); ltee(L_E);
  load_abs(write ? TLB_WMASK_NOW : TLB_RMASK_NOW); b(I32_AND); i32c(<i32>TLB_VALID); b(I32_NE); b(BR_IF); b(0);
  if (n > 1) { lget(L_EA); i32c(0xfff); b(I32_AND); i32c(<i32>(0x1000 - n)); b(I32_GT_U); b(BR_IF); b(0); }
  lget(L_E); i32c(<i32>0xfffff000); b(I32_AND); lget(L_EA); b(I32_XOR); lset(L_H);
}

// Close the fast path; the slow path runs instruction k at eip_k through the helper. With
// `reload`, the instruction set the lazy flags and a following Jcc may fuse from locals a, b,
// r: after the helper they are read back from the record it stored (the interpreter records
// the same operands and result, flags.ts set_lazy).
export function mem_end(k: u32, eip_k: u32, reload: bool = false): void {
  b(BR); b(1); // fast path done
  b(END); depth--;
  lget(L_DONE); i32c(<i32>k); b(I32_ADD); i32c(<i32>eip_k); b(CALL); uleb(F_INSN);
  b(IF); b(VOID); ret_done(k + 1); b(END);
  if (reload) {
    load_abs(LF_SRC1); lset(L_A);
    load_abs(LF_SRC2); lset(L_B);
    load_abs(LF_RES); lset(L_R);
  }
  b(END); depth--;
}

export function host_load(n: u32): void {
  lget(L_H);
  if (n == 1) { b(I32_LOAD8_U); b(0); } else if (n == 2) { b(I32_LOAD16_U); b(1); } else { b(I32_LOAD); b(2); }
  b(0);
}
// value in local l -> host memory
export function host_store(n: u32, l: u32): void {
  lget(L_H); lget(l);
  if (n == 1) { b(I32_STORE8); b(0); } else if (n == 2) { b(I32_STORE16); b(1); } else { b(I32_STORE); b(2); }
  b(0);
}

// 8-bit registers: AL CL DL BL are byte 0 of EAX..EBX, AH CH DH BH byte 1 (regs.ts reg8)
export function reg8_addr(r: i32): u32 { return REGS + (<u32>(r & 3) << 2) + <u32>(r >> 2); }

export function is_mem_form(op: i32): bool {
  switch (op) {
    case 0x88: case 0x89: case 0x8a: case 0x8b: case 0xc6: case 0xc7: case 0x1b6: case 0x1b7:
    case 0x1be: case 0x1bf:
    case 0x01: case 0x03: case 0x09: case 0x0b: case 0x21: case 0x23: case 0x29: case 0x2b:
    case 0x31: case 0x33: case 0x39: case 0x3b: case 0x81: case 0x83: case 0x85:
      return true;
    default: return false;
  }
}

// A memory form from is_mem_form (MOD != 3, 32-bit operand and address size).
export function inline_mem(k: u32, eip_k: u32): bool {
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
    case 0x1b6: case 0x1b7: case 0x1be: case 0x1bf: { // movzx/movsx Gv, Eb/Ew
      const n: u32 = (op & 1) == 0 ? 1 : 2;
      mem_begin(seg, n, false);
      i32c(0); host_load(n);
      if (op >= 0x1be) sign_extend(<i32>n * 8);
      store_abs_tail(REGS + (<u32>REG << 2));
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
      last_kind = K_LOGIC;
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
  mem_close(k, eip_k);
  return true;
}

// The end of an inline memory form: the fast path's flags record is stored there (the slow
// path's helper stores its own, which mem_end reads back into the locals for fusion).
function mem_close(k: u32, eip_k: u32): void {
  const flags = pend_op >= 0;
  flush_flags();
  if (!flags) last_kind = K_NONE;
  mem_end(k, eip_k, flags);
}

// Byte ALU forms with a memory operand (32-bit addressing): op Eb,Gb (00 08 20 28 30 38),
// op Gb,Eb (02 0A 22 2A 32 3A), op Eb,Ib (80), test Eb,Gb (84) and test Eb,Ib (F6 /0), as
// alu.ts alu(8, ...).
export function is_mem_byte_form(op: i32): bool {
  if (op < 0x40) return (op & 5) == 0 && alu_inline(op >> 3);
  return op == 0x80 || op == 0x84 || (op == 0xf6 && REG == 0);
}

export function inline_mem_byte(k: u32, eip_k: u32): bool {
  const op = OP;
  const aop = op == 0x80 ? REG : op == 0x84 || op == 0xf6 ? 4 : op >> 3;
  if (!alu_inline(aop)) return false;
  const to_reg = op < 0x40 && (op & 2) != 0;
  const writes = aop != 7 && op != 0x84 && op != 0xf6;
  flush_flags();
  ea_value();
  mem_begin(SEG, 1, writes && !to_reg);
  if (to_reg) { reg8_get(REG); lset(L_A); host_load(1); lset(L_B); }
  else {
    host_load(1); lset(L_A);
    if (op == 0x80 || op == 0xf6) i32c(<i32>(IMM & 0xff)); else reg8_get(REG);
    lset(L_B);
  }
  alu_body(aop);
  lget(L_R); i32c(0xff); b(I32_AND); lset(L_R);
  pend_size = 7;
  if (writes) {
    if (to_reg) { i32c(0); lget(L_R); b(I32_STORE8); b(0); uleb(reg8_addr(REG)); }
    else host_store(1, L_R);
  }
  mem_close(k, eip_k);
  return true;
}

// push Ev (FF /6) with 32-bit operands, address and stack: the read and the push are checked
// before anything is written; either slow path runs the whole instruction through the helper.
export function inline_push_mem(k: u32, eip_k: u32): bool {
  if (!O32 || LOCK || !A32 || (load<u32>(MODE) & MODE_STACK32) == 0) return false;
  flush_flags();
  ea_value();
  mem_begin(SEG, 4, false);
  host_load(4); lset(L_T);
  reg_get(4); i32c(4); b(I32_SUB);
  mem_check(2, 4, true);
  host_store(4, L_T);
  i32c(0); reg_get(4); i32c(4); b(I32_SUB); store_abs_tail(REG_ESP);
  mem_end(k, eip_k);
  return true;
}

// inc/dec dword [mem] (FF /0, /1): read-modify-write keeping CF (emit.ts keep_cf).
export function inline_incdec_mem(k: u32, eip_k: u32): bool {
  if (!A32 || REP != 0) return false;
  const dec = REG == 1;
  keep_cf();
  flush_flags();
  ea_value();
  mem_begin(SEG, 4, true);
  host_load(4); lset(L_A); i32c(1); lset(L_B);
  lget(L_A); i32c(1); b(dec ? I32_SUB : I32_ADD); lset(L_R);
  lazy_flags(dec ? LOP_SUB : LOP_ADD, F_ARITH & ~F_CF);
  host_store(4, L_R);
  mem_close(k, eip_k);
  last_kind = K_INCDEC;
  return true;
}

// mov AL/eAX, moffs and mov moffs, AL/eAX (A0-A3) with 32-bit addressing: the offset is a
// constant (decode() left it in EA).
export function inline_moffs(k: u32, eip_k: u32): bool {
  const op = OP;
  if (LOCK || !A32 || (!O32 && (op & 1) != 0)) return false;
  const n: u32 = (op & 1) != 0 ? 4 : 1;
  const store = op >= 0xa2;
  flush_flags();
  i32c(<i32>EA);
  mem_begin(SEG, n, store);
  if (store) {
    if (n == 4) reg_get(0); else reg8_get(0);
    lset(L_T); host_store(n, L_T);
  } else {
    host_load(n); lset(L_T);
    if (n == 4) reg_set_local(0, L_T); else reg8_set_from(0, L_T);
  }
  mem_end(k, eip_k);
  last_kind = K_NONE;
  return true;
}

// push r32 / pop r32 with a 32-bit stack (stack.ts push/pop): the slot is checked like any
// memory operand; ESP moves only after the access succeeded.
export function inline_stack(k: u32, eip_k: u32): bool {
  const op = OP;
  if (!O32 || LOCK || (load<u32>(MODE) & MODE_STACK32) == 0) return false;
  flush_flags();
  if ((op >= 0x50 && op <= 0x57) || op == 0x68 || op == 0x6a) {
    if (op == 0x68) i32c(<i32>IMM);
    else if (op == 0x6a) i32c(<i32><i8>IMM);
    else reg_get(op & 7); // push esp pushes the old value
    lset(L_T);
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
export function inline_callret(k: u32, eip_k: u32, next: u32, n: u32): bool {
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
    dispatch_on(<i32>L_T, n); // a return into this region goes on in it
    store_const(JIT_LAST_EXIT, JIT_EXIT_BRANCH);
    ret_done(n);
    mem_end(k, eip_k);
    exit_to(next, n, JIT_EXIT_BRANCH); // (the helper returned to the next instruction)
    return true;
  }
  return false;
}

// Relative branch target of the decoded Jcc/JMP at next (its end), masked to the operand size.
