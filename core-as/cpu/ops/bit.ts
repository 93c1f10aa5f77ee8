// BT BTS BTR BTC and BSF BSR (SDM vol.2).
//
// BT* copy the selected bit to CF; OF SF AF PF are undefined and left unchanged (ZF too, as
// P6 hardware does). With a register bit offset and a memory operand the operand is a bit
// string: the signed offset selects the word/dword at EA + (offset >> log2(size)) * (size/8).
// With an immediate offset, or a register operand, the offset is taken modulo the size.
import { MOD, RM, SEG, EA, A32, IMM } from "../decode";
import { readE, readG, writeG } from "../operand";
import { reg, set_reg, size_mask } from "../regs";
import { read, write, probe_write } from "../memory";
import { FAULTED } from "../fault";
import { get_eflags, parity, F_CF, F_ZF, F_ARITH } from "../flags";
import { EFLAGS } from "../../state";

export const BT_TEST = 0;
export const BT_SET = 1;
export const BT_RESET = 2;
export const BT_COMPLEMENT = 3;

@inline function set_cf(cf: u32): void {
  store<u32>(EFLAGS, (get_eflags() & ~F_CF) | cf);
}

@inline function bit_op(op: i32, v: u32, mask: u32): u32 {
  if (op == BT_SET) return v | mask;
  if (op == BT_RESET) return v & ~mask;
  return v ^ mask;
}

// Test (and modify) bit `bit` (already reduced modulo size) of the operand at SEG:off, or of
// the r/m register.
@inline function bt_apply(size: i32, op: i32, off: u32, bit: u32): void {
  const mask: u32 = <u32>1 << bit;
  if (MOD == 3) {
    const v = reg(size, RM);
    if (op != BT_TEST) set_reg(size, RM, bit_op(op, v, mask));
    set_cf((v >>> bit) & 1);
    return;
  }
  if (op == BT_TEST) {
    const v = read(size, SEG, off);
    if (FAULTED) return;
    set_cf((v >>> bit) & 1);
    return;
  }
  if (!probe_write(size, SEG, off)) return;
  const v = read(size, SEG, off);
  if (FAULTED) return;
  write(size, SEG, off, bit_op(op, v, mask));
  set_cf((v >>> bit) & 1);
}

@inline export function bt_EG(size: i32, op: i32): void {
  const o = readG(size);
  const bit = o & <u32>(size - 1);
  if (MOD == 3) { bt_apply(size, op, 0, bit); return; }
  // signed offset: whole operands before or after EA
  let disp: u32;
  if (size == 16) disp = <u32>((<i32><i16>o) >> 4) << 1;
  else disp = <u32>((<i32>o) >> 5) << 2;
  let off = EA + disp;
  if (!A32) off &= 0xffff;
  bt_apply(size, op, off, bit);
}

@inline export function bt_EI(size: i32, op: i32): void {
  bt_apply(size, op, EA, IMM & <u32>(size - 1));
}

// BSF/BSR: a zero source sets ZF and leaves the destination unchanged (what the hardware
// does; the manuals call the destination undefined). Otherwise ZF is cleared and, like P6
// hardware, CF OF AF SF are cleared and PF follows the index.
@inline function scan_flags(zero: bool, idx: u32): void {
  const f = get_eflags();
  if (zero) store<u32>(EFLAGS, f | F_ZF);
  else store<u32>(EFLAGS, (f & ~F_ARITH) | (parity(idx) << 2));
}

@inline export function bsf_GE(size: i32): void {
  const v = readE(size) & size_mask(size);
  if (FAULTED) return;
  if (v == 0) { scan_flags(true, 0); return; }
  const idx = <u32>ctz<u32>(v);
  writeG(size, idx);
  scan_flags(false, idx);
}

@inline export function bsr_GE(size: i32): void {
  const v = readE(size) & size_mask(size);
  if (FAULTED) return;
  if (v == 0) { scan_flags(true, 0); return; }
  const idx = <u32>(31 - clz<u32>(v));
  writeG(size, idx);
  scan_flags(false, idx);
}
