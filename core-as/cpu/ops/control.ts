// Near and far jumps, calls and returns, conditional jumps, LOOP/JCXZ, INT/INTO/INT3/INT1,
// BOUND, HLT (SDM vol.2). Far transfers in protected mode go to far.ts, which does the
// descriptor, gate and task checks; here are the near forms and the real/V86-mode far forms.
import { EIP, HALTED, SEG_LIMIT, MODE, MODE_PE, CPL } from "../../state";
import { IMM, IMM2, O32, A32, SEG, EA, REG } from "../decode";
import { readE } from "../operand";
import { reg32, set_reg32, reg16, set_reg16, seg_sel, pm_not_v86, R_ECX, S_CS } from "../regs";
import { push, pop, peek, add_sp } from "../stack";
import { read, read16, read32 } from "../memory";
import { FAULTED, raise, gp, EXC_BR, EXC_OF } from "../fault";
import { condition, get_zf, get_of } from "../flags";
import { seg_load_real } from "../segments";
import { far_jump_pm, far_call_pm, far_ret_pm, iret_pm, iret_real } from "../far";
import { deliver_soft, SRC_SOFT, SRC_INT3, SRC_INT1 } from "../interrupt";
import { request_exit_check } from "../signal";

// Set EIP to a new value of the current operand size, checking the CS limit (SDM vol.2 JMP:
// #GP(0) if the target is outside the code segment).
@inline function branch(target: u32): void {
  if (!O32) target &= 0xffff;
  if (target > load<u32>(SEG_LIMIT + (S_CS << 2))) { gp(0); return; }
  store<u32>(EIP, target);
}

@inline export function jmp_rel(rel: u32): void { branch(load<u32>(EIP) + rel); }

export function jcc(cc: i32, rel: u32): void {
  if (condition(cc)) branch(load<u32>(EIP) + rel);
}

@inline export function call_rel(size: i32, rel: u32): void {
  const ret = load<u32>(EIP);
  let target = ret + rel;
  if (size == 16) target &= 0xffff;
  if (target > load<u32>(SEG_LIMIT + (S_CS << 2))) { gp(0); return; }
  push(size, ret);
  if (FAULTED) return;
  store<u32>(EIP, target);
}

@inline export function call_E(size: i32): void {
  const target = readE(size);
  if (FAULTED) return;
  if (target > load<u32>(SEG_LIMIT + (S_CS << 2))) { gp(0); return; }
  push(size, load<u32>(EIP));
  if (FAULTED) return;
  store<u32>(EIP, target);
}

@inline export function jmp_E(size: i32): void {
  const target = readE(size);
  if (FAULTED) return;
  branch(target);
}

@inline export function ret_near(size: i32, imm: u32): void {
  const target = peek(size, 0);
  if (FAULTED) return;
  if (target > load<u32>(SEG_LIMIT + (S_CS << 2))) { gp(0); return; }
  add_sp(<u32>(size >> 3) + imm);
  store<u32>(EIP, target);
}

// LOOP (kind 0), LOOPNE (1), LOOPE (2): the counter is CX or ECX by address size.
export function loop(kind: i32, rel: u32): void {
  let c: u32;
  if (A32) { c = reg32(R_ECX) - 1; set_reg32(R_ECX, c); } else { c = (reg16(R_ECX) - 1) & 0xffff; set_reg16(R_ECX, c); }
  let take = c != 0;
  if (kind == 1) take = take && !get_zf();
  else if (kind == 2) take = take && get_zf();
  if (take) branch(load<u32>(EIP) + rel);
}

export function jcxz(rel: u32): void {
  const c = A32 ? reg32(R_ECX) : reg16(R_ECX);
  if (c == 0) branch(load<u32>(EIP) + rel);
}

// ---- far transfers: real and V86 mode here, protected mode in far.ts

function far_jump_real(sel: u32, off: u32): void {
  if (off > load<u32>(SEG_LIMIT + (S_CS << 2))) { gp(0); return; }
  seg_load_real(S_CS, sel);
  store<u32>(EIP, off);
}

function far_call_real(size: i32, sel: u32, off: u32): void {
  if (off > load<u32>(SEG_LIMIT + (S_CS << 2))) { gp(0); return; }
  push(size, seg_sel(S_CS));
  if (FAULTED) return;
  push(size, load<u32>(EIP));
  if (FAULTED) return;
  seg_load_real(S_CS, sel);
  store<u32>(EIP, off);
}

export function jmp_far_A(size: i32): void {
  const off = size == 32 ? IMM : IMM & 0xffff;
  if (pm_not_v86()) far_jump_pm(IMM2 & 0xffff, off, size);
  else far_jump_real(IMM2 & 0xffff, off);
}

export function call_far_A(size: i32): void {
  const off = size == 32 ? IMM : IMM & 0xffff;
  if (pm_not_v86()) far_call_pm(IMM2 & 0xffff, off, size);
  else far_call_real(size, IMM2 & 0xffff, off);
}

// far pointer in memory: offset (16 or 32 bits) then selector
function read_far_ptr(size: i32): bool {
  FAR_OFF = size == 32 ? read32(SEG, EA) : read16(SEG, EA);
  FAR_SEL = read16(SEG, EA + <u32>(size >> 3));
  return !FAULTED;
}
let FAR_OFF: u32 = 0;
let FAR_SEL: u32 = 0;

export function jmp_far_M(size: i32): void {
  if (!read_far_ptr(size)) return;
  if (pm_not_v86()) far_jump_pm(FAR_SEL, FAR_OFF, size);
  else far_jump_real(FAR_SEL, FAR_OFF);
}

export function call_far_M(size: i32): void {
  if (!read_far_ptr(size)) return;
  if (pm_not_v86()) far_call_pm(FAR_SEL, FAR_OFF, size);
  else far_call_real(size, FAR_SEL, FAR_OFF);
}

@inline export function ret_far(size: i32, imm: u32): void {
  if (pm_not_v86()) { far_ret_pm(size, imm); return; }
  const off = peek(size, 0);
  const sel = peek(size, <u32>(size >> 3));
  if (FAULTED) return;
  if (off > load<u32>(SEG_LIMIT + (S_CS << 2))) { gp(0); return; }
  add_sp(<u32>(size >> 2) + imm);
  seg_load_real(S_CS, sel & 0xffff);
  store<u32>(EIP, off);
}

@inline export function iret(size: i32): void {
  if (load<u32>(MODE) & MODE_PE) iret_pm(size); // protected or V86 mode (V86 checks IOPL there)
  else iret_real(size);
  request_exit_check(); // IF may have changed
}

// ---- software interrupts (delivered with EIP after the instruction)

export function int_n(vector: u32, kind: i32): void {
  deliver_soft(vector, kind == 1 ? SRC_INT3 : kind == 2 ? SRC_INT1 : SRC_SOFT);
}

export function into(): void {
  if (get_of()) deliver_soft(EXC_OF, SRC_INT3);
}

// BOUND: #BR if the signed index is outside [lower, upper] (SDM vol.2 BOUND)
@inline export function bound_GM(size: i32): void {
  const r = readG_signed(size);
  const lo = size == 32 ? <i32>read32(SEG, EA) : <i32><i16>read16(SEG, EA);
  const hi = size == 32 ? <i32>read32(SEG, EA + 4) : <i32><i16>read16(SEG, EA + 2);
  if (FAULTED) return;
  if (r < lo || r > hi) raise(EXC_BR, 0, false);
}

@inline function readG_signed(size: i32): i32 {
  return size == 32 ? <i32>reg32(REG) : <i32><i16>reg16(REG);
}

export function hlt(): void {
  if (!privileged_ok()) return;
  store<u32>(HALTED, 1);
  request_exit_check();
}

// HLT is privileged: #GP(0) unless CPL 0 (SDM vol.2 HLT); in real mode CPL is 0.
@inline function privileged_ok(): bool {
  if (load<u32>(CPL) != 0) { gp(0); return false; }
  return true;
}
