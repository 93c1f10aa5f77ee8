// The JIT's inline forms with a 16-bit operand size (the 66h prefix in 32-bit code): moves
// between registers, immediates and memory, and shifts by an immediate. Word-sized data is
// common in 32-bit code too (the kernel's decompressor keeps its LZMA probabilities in u16).
import { REGS, EFLAGS } from "../state";
import { OP, MOD, REG, RM, LOCK, IMM, SEG, A32, REP } from "../cpu/decode";
import { LOP_RESULT, F_CF, F_OF, F_AF, F_PF, F_ZF, F_SF } from "../cpu/flags";
import {
  b, uleb, i32c, lget, lset, load_abs, store_abs_tail, I32_LOAD16_U, I32_STORE16, I32_SHL,
  I32_SHR_U, I32_SHR_S, I32_AND, I32_OR, I32_XOR,
} from "./wasm";
import {
  K_INCDEC, L_A, L_B, L_R, L_T, flush_flags, last_kind, lazy_flags, pend_size,
  pend_zero_src, shift_flags, sign_extend,
} from "./emit";
import { ea_value, host_load, host_store, mem_begin, mem_end, parse_ea } from "./emit_mem";

// the low 16 bits of register r (regs.ts reg16: the first two bytes of its u32)
function reg16_get(r: i32): void { i32c(0); b(I32_LOAD16_U); b(1); uleb(REGS + (<u32>r << 2)); }
function reg16_set_from(r: i32, l: u32): void { i32c(0); lget(l); b(I32_STORE16); b(1); uleb(REGS + (<u32>r << 2)); }

// An instruction decoded with a 16-bit operand size; false when it needs the helper.
export function inline_word(k: u32, eip_k: u32, code: usize): bool {
  if (LOCK) return false;
  const op = OP;
  if (op >= 0xb8 && op <= 0xbf) { // mov r16, imm16
    i32c(<i32>(IMM & 0xffff)); lset(L_T); reg16_set_from(op & 7, L_T);
    return true;
  }
  if (op != 0x89 && op != 0x8b && op != 0xc7 && op != 0xc1) return false;
  if (MOD == 3) {
    if (op == 0xc1) return shift16(RM, REG, IMM & 31);
    if (op == 0xc7) { if (REG != 0) return false; i32c(<i32>(IMM & 0xffff)); lset(L_T); reg16_set_from(RM, L_T); return true; }
    reg16_get(op == 0x89 ? REG : RM); lset(L_T); reg16_set_from(op == 0x89 ? RM : REG, L_T);
    return true;
  }
  if (op == 0xc1 || !A32 || REP != 0) return false;
  if (op == 0xc7 && REG != 0) return false;
  parse_ea(code);
  flush_flags();
  ea_value();
  if (op == 0x8b) { // mov r16, [mem]
    mem_begin(SEG, 2, false);
    host_load(2); lset(L_T); reg16_set_from(REG, L_T);
  } else { // mov [mem], r16 / mov [mem], imm16
    mem_begin(SEG, 2, true);
    if (op == 0x89) reg16_get(REG); else i32c(<i32>(IMM & 0xffff));
    lset(L_T); host_store(2, L_T);
  }
  mem_end(k, eip_k);
  return true;
}

// shl/shr/sar r16, c (shift.ts shift() with size 16): CF and OF eager, AF cleared, PF ZF SF
// lazy from the result. Counts of 16 and more (rare) are left to the helper.
function shift16(r: i32, sub: i32, c: u32): bool {
  if (sub != 4 && sub != 5 && sub != 7) return false;
  if (c == 0) return true; // no change, not even to the flags
  if (c >= 16) return false;
  const left = sub == 4;
  const sar = sub == 7;
  reg16_get(r); if (sar) sign_extend(16); lset(L_A);
  lget(L_A); i32c(<i32>c); b(left ? I32_SHL : sar ? I32_SHR_S : I32_SHR_U); i32c(0xffff); b(I32_AND); lset(L_R);
  lget(L_A); i32c(<i32>(left ? 16 - c : c - 1)); b(I32_SHR_U); i32c(1); b(I32_AND); lset(L_B); // CF
  shift_flags(left, sar, 15);
  lazy_flags(LOP_RESULT, F_PF | F_ZF | F_SF);
  pend_zero_src = true;
  pend_size = 15;
  reg16_set_from(r, L_R);
  last_kind = K_INCDEC;
  return true;
}
