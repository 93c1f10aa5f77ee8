// The x87 FPU instructions (escape opcodes D8-DF and FWAIT; table: core-as/cpu/table/x87.mjs).
// Arithmetic is in cpu/fpu/f80.ts, conversions in cpu/fpu/convert.ts, transcendentals in
// cpu/fpu/trans.ts, the register stack and status word in cpu/fpu/stack.ts; state in state.ts
// (FPU_*).
//
// Every escape first checks CR0 (SDM vol.3 §2.5, table 2-2): EM or TS raise #NM. A "waiting"
// instruction (all but FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE and the 287 no-ops)
// then reports a pending unmasked exception (SW.ES, SDM vol.1 §8.7): #MF with CR0.NE=1;
// otherwise the PC's legacy path (SDM vol.1 §8.7.2, D.2.1): FERR# drives IRQ 13 and the
// instruction waits (it is restarted until the interrupt handler clears the exception or
// writes port 0xF0, which makes the CPU ignore it: IGNNE#). The last instruction/data
// pointers and opcode are recorded by every instruction but the control instructions.
//
// With FPU_FITTED false the machine would be a P6 without an FPU: the escapes only check
// EM/TS, like a 386 with no coprocessor fitted (and CPUID must then not report one).
import {
  CR0, EIP, INSN_EIP, SEG_SEL, EFLAGS, MODE, MODE_PE, MODE_VM, CPL,
  FPU_CW, FPU_SW, FPU_TOP, FPU_FULL, FPU_FIP, FPU_FCS, FPU_FOP, FPU_FDP, FPU_FDS,
  FPU_IGNNE, FPU_FERR, FPU_REGS,
} from "../../state";
import { raise, FAULTED, EXC_NM, EXC_MF, EXC_UD } from "../fault";
import { OP, MOD, REG, RM, SEG, EA, O32 } from "../decode";
import { read16, read32, write16, write32, seg_check, lin_addr, lin_probe_write, ACC_WRITE, SEG_USABLE } from "../memory";
import { set_reg16, S_CS } from "../regs";
import { get_eflags, condition, F_ZF, F_PF, F_CF, F_OF, F_SF, F_AF } from "../flags";
import { irq_set } from "../../bus/irq";
import {
  fpu_env, set_prec, FX, R_SE, R_M, MASKS, FE_IE, FE_DE, FE_OE, FE_UE, FE_PE,
  kind, K_ZERO, K_FIN, K_INF, K_SNAN, K_BAD, f_add, f_mul, f_div, f_sqrt, f_compare,
  f_rndint, raise_fx, clear_fx, INDEF_SE, INDEF_M, set_den_in,
} from "../fpu/f80";
import { f_sub, f_scale, f_xtract, X_SE, X_M, f_prem, PREM_CC, PREM_CC_MASK } from "../fpu/arith2";
import { load_real, load_int, load_bcd, L_SE, L_M, L_DEN, store_real, store_int, store_bcd, BCD_LO, BCD_HI } from "../fpu/convert";
import {
  st_se, st_m, st_empty, st_set, st_free, fpu_push, fpu_pop, phys, reg_addr, status_word,
  set_status_word, set_cc, fpu_commit_flags, commit_result, set_c1_rounding, stack_fault, st_set_indefinite,
  tag_word, set_tag_word, SW_C0, SW_C1, SW_C2, SW_C3, SW_CC, SW_ES, SW_B,
} from "../fpu/stack";
import { f_trans } from "../fpu/trans";

// The FPU is fitted (every x87 instruction matches the hardware vectors); CPUID reports it
// (ops/system.ts CPUID_HAS_FPU). False would make the machine a P6 without one.
export const FPU_FITTED: bool = true;

const CR0_MP: u32 = 0x2;
const CR0_EM: u32 = 0x4;
const CR0_TS: u32 = 0x8;
const CR0_NE: u32 = 0x20;

@inline function fitted(): bool { return FPU_FITTED; }

// ---------------------------------------------------------------- prologue, epilogue

// Report a pending unmasked exception at a waiting instruction. Returns true when the
// instruction may go on (legacy mode with IGNNE# asserted).
function fpu_error(): bool {
  if ((load<u32>(CR0) & CR0_NE) != 0) { raise(EXC_MF, 0, false); return false; }
  if (load<u32>(FPU_IGNNE) != 0) return true;
  if (load<u32>(FPU_FERR) == 0) {
    store<u32>(FPU_FERR, 1);
    irq_set(13, true);
  }
  store<u32>(EIP, load<u32>(INSN_EIP)); // frozen: the instruction starts again
  return false;
}

// #NM and pending-exception checks; false when the instruction must not execute.
@inline function begin(): bool {
  if ((load<u32>(CR0) & (CR0_EM | CR0_TS)) != 0) { raise(EXC_NM, 0, false); return false; }
  if ((load<u32>(FPU_SW) & SW_ES) != 0) return fpu_error();
  return true;
}
// the non-waiting (control) instructions
@inline function begin_nowait(): bool {
  if ((load<u32>(CR0) & (CR0_EM | CR0_TS)) != 0) { raise(EXC_NM, 0, false); return false; }
  return true;
}

// Record the last instruction (and, for a memory operand, data) pointer and the opcode.
function last(mem: bool): void {
  store<u32>(FPU_FIP, load<u32>(INSN_EIP));
  store<u32>(FPU_FCS, load<u32>(SEG_SEL + (S_CS << 2)));
  store<u32>(FPU_FOP, ((<u32>OP & 7) << 8) | (<u32>MOD << 6) | (<u32>REG << 3) | <u32>RM);
  if (mem) {
    store<u32>(FPU_FDP, EA);
    store<u32>(FPU_FDS, load<u32>(SEG_SEL + (<u32>SEG << 2)));
  }
}

// ES cleared (FNCLEX, FNINIT, loads of the status word): FERR# goes away, and with it IGNNE#
function error_cleared(): void {
  if ((load<u32>(FPU_SW) & SW_ES) == 0) {
    store<u32>(FPU_FERR, 0);
    store<u32>(FPU_IGNNE, 0);
  }
}

// OUT to port 0xF0 (bus/sysports.ts): the PC's coprocessor-error latch is cleared: IRQ 13
// drops, and while FERR# stays asserted the CPU ignores it (IGNNE#).
export function fpu_port_f0(): void {
  irq_set(13, false);
  if (load<u32>(FPU_FERR) != 0) store<u32>(FPU_IGNNE, 1);
}

// Power-on and RESET state (SDM vol.3 §9.1.1 table 9-1): CW 0040, SW 0, all tags valid (5555:
// zero), registers +0, pointers 0.
export function fpu_reset(): void {
  memory.fill(FPU_REGS, 0, 0x80);
  store<u32>(FPU_CW, 0x40);
  store<u32>(FPU_SW, 0);
  store<u32>(FPU_TOP, 0);
  store<u32>(FPU_FULL, 0xff);
  store<u32>(FPU_FIP, 0);
  store<u32>(FPU_FCS, 0);
  store<u32>(FPU_FOP, 0);
  store<u32>(FPU_FDP, 0);
  store<u32>(FPU_FDS, 0);
  store<u32>(FPU_FERR, 0);
  store<u32>(FPU_IGNNE, 0);
}

// the operation environment from the control word
@inline function env(): void { fpu_env(load<u32>(FPU_CW)); }
@inline function env64(): void { fpu_env(load<u32>(FPU_CW)); set_prec(64); }

// ---------------------------------------------------------------- memory operands

let MLO: u64 = 0; // a loaded 64-bit memory operand
let MHI: u32 = 0; // bits 64-79 of an 80-bit one

function read64(off: u32): u64 {
  const lo = read32(SEG, off);
  const hi = read32(SEG, off + 4);
  return <u64>lo | (<u64>hi << 32);
}
function read80(off: u32): void {
  MLO = read64(off);
  MHI = read16(SEG, off + 8);
}
// Check that n bytes at SEG:off can be written (segment and both end pages), so a store of
// several pieces cannot fault halfway.
function probe_store(off: u32, n: u32): bool {
  if (!seg_check(SEG, off, n, ACC_WRITE | SEG_USABLE)) return false;
  const lin = lin_addr(SEG, off);
  const user = load<u32>(CPL) == 3;
  lin_probe_write(lin, 1, user);
  if (FAULTED) return false;
  lin_probe_write(lin + n - 1, 1, user);
  return !FAULTED;
}
function write64(off: u32, v: u64): void {
  write32(SEG, off, <u32>v);
  write32(SEG, off + 4, <u32>(v >> 32));
}
function write80(off: u32, se: u32, m: u64): void {
  write64(off, m);
  write16(SEG, off + 8, se);
}

// Load the memory operand of an arithmetic/compare form: kind 0 m32real, 1 m32int, 2 m64real,
// 3 m16int (the order of D8, DA, DC, DE). Returns false after a fault.
function load_operand(k: i32): bool {
  if (k == 0) load_real(<u64>read32(SEG, EA), 32);
  else if (k == 1) load_int(<i64><i32>read32(SEG, EA));
  else if (k == 2) { const v = read64(EA); if (FAULTED) return false; load_real(v, 64); }
  else load_int(<i64><i16>read16(SEG, EA));
  return !FAULTED;
}

// ---------------------------------------------------------------- no FPU / reserved

// Without an FPU: EM/TS give #NM, otherwise nothing happens (no memory access).
@inline function absent(): void {
  if ((load<u32>(CR0) & (CR0_EM | CR0_TS)) != 0) raise(EXC_NM, 0, false);
}

// A reserved encoding in the escape space: #NM if EM/TS say so, else #UD.
export function fpu_ud(): void {
  if (!fitted()) { absent(); return; }
  if ((load<u32>(CR0) & (CR0_EM | CR0_TS)) != 0) { raise(EXC_NM, 0, false); return; }
  raise(EXC_UD, 0, false);
}

// FWAIT: #NM only with TS and MP (SDM vol.3 table 2-2), then a pending exception.
export function fpu_wait(): void {
  if ((load<u32>(CR0) & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP)) { raise(EXC_NM, 0, false); return; }
  if (!fitted()) return;
  if ((load<u32>(FPU_SW) & SW_ES) != 0) fpu_error();
}


// ---------------------------------------------------------------- arithmetic

// x op y for ModRM.reg op: 0 add, 1 mul, 4 sub (x - y), 5 subr (y - x), 6 div (x / y),
// 7 divr (y / x); x is ST0
function arith(op: i32, xse: u32, xm: u64, yse: u32, ym: u64): void {
  switch (op) {
    case 0: f_add(xse, xm, yse, ym); break;
    case 1: f_mul(xse, xm, yse, ym); break;
    case 4: f_sub(xse, xm, yse, ym); break;
    case 5: f_sub(yse, ym, xse, xm); break;
    case 6: f_div(xse, xm, yse, ym); break;
    default: f_div(yse, ym, xse, xm); break;
  }
}

// Store an arithmetic result to ST(d) if no unmasked IE/DE/ZE, with C1 from the rounding.
function deliver(d: u32): bool {
  if (commit_result()) {
    st_set(d, R_SE, R_M);
    return true;
  }
  return false;
}

// Compare x with y and set C3 C2 C0 (C1 = 0), also when an exception is unmasked (then
// unordered for an invalid operand: what the hardware the vectors come from does; the SDM says
// Intel's leave the condition codes alone then). Returns whether the instruction may pop.
function compare_cc(xse: u32, xm: u64, yse: u32, ym: u64, quiet: bool): bool {
  const c = f_compare(xse, xm, yse, ym, quiet);
  const ok = fpu_commit_flags();
  const cc: u32 = c < 0 ? SW_C0 : c == 0 ? SW_C3 : c == 1 ? 0 : SW_C3 | SW_C2 | SW_C0;
  set_cc(cc, SW_CC);
  return ok;
}

// D8/DA/DC/DE with a memory operand: ST0 = ST0 op m (ModRM.reg 2/3: FCOM/FCOMP)
export function fpu_arith_m(k: i32): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  if (!load_operand(k)) return;
  env();
  set_den_in(L_DEN);
  const op = REG;
  if (st_empty(0)) {
    const masked = stack_fault(false);
    if (op == 2 || op == 3) set_cc(SW_C3 | SW_C2 | SW_C0, SW_C3 | SW_C2 | SW_C0);
    if (masked) {
      if (op != 2 && op != 3) st_set_indefinite(0);
      if (op == 3) fpu_pop();
    }
    last(true);
    return;
  }
  if (op == 2 || op == 3) {
    if (compare_cc(st_se(0), st_m(0), L_SE, L_M, false) && op == 3) fpu_pop();
  } else {
    arith(op, st_se(0), st_m(0), L_SE, L_M);
    deliver(0);
  }
  last(true);
}

// D8 mod 3: ST0 = ST0 op ST(i)
export function fpu_arith_st0(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env();
  const i = <u32>RM;
  if (st_empty(0) || st_empty(i)) {
    if (stack_fault(false)) st_set_indefinite(0);
  } else {
    arith(REG, st_se(0), st_m(0), st_se(i), st_m(i));
    deliver(0);
  }
  last(false);
}

// DC/DE mod 3: ST(i) = ST0 op ST(i) (FADD/FMUL) or per the reversed forms, and DE pops.
// In these encodings ModRM.reg 4 is FSUBR ST(i),ST0 (ST0 - ST(i)) and 5 FSUB (ST(i) - ST0):
// with x = ST0 and y = ST(i) that is the same op numbering as D8.
export function fpu_arith_sti(pop: bool): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env();
  const i = <u32>RM;
  if (st_empty(0) || st_empty(i)) {
    if (stack_fault(false)) {
      st_set_indefinite(i);
      if (pop) fpu_pop();
    }
  } else {
    arith(REG, st_se(0), st_m(0), st_se(i), st_m(i));
    if (deliver(i) && pop) fpu_pop();
  }
  last(false);
}

// FCOM/FCOMP/FCOMPP/FUCOM* with ST(i): compare ST0 with ST(i), then pop `pops` times
export function fpu_fcom_st(quiet: bool, pops: i32): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env();
  const i = pops == 2 ? 1 : <u32>RM;
  if (st_empty(0) || st_empty(i)) {
    const masked = stack_fault(false);
    set_cc(SW_C3 | SW_C2 | SW_C0, SW_C3 | SW_C2 | SW_C0);
    if (masked) for (let n = 0; n < pops; n++) fpu_pop();
  } else if (compare_cc(st_se(0), st_m(0), st_se(i), st_m(i), quiet)) {
    for (let n = 0; n < pops; n++) fpu_pop();
  }
  last(false);
}

// FCOMI/FCOMIP/FUCOMI/FUCOMIP: compare ST0 with ST(i) into ZF PF CF (OF SF AF cleared)
export function fpu_fcomi(quiet: bool, pop: bool): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env();
  const i = <u32>RM;
  let fl: u32 = 0;
  let ok = true;
  if (st_empty(0) || st_empty(i)) {
    ok = stack_fault(false);
    fl = F_ZF | F_PF | F_CF;
  } else {
    const c = f_compare(st_se(0), st_m(0), st_se(i), st_m(i), quiet);
    ok = fpu_commit_flags();
    fl = c < 0 ? F_CF : c == 0 ? F_ZF : c == 1 ? 0 : F_ZF | F_PF | F_CF;
  }
  const f = get_eflags() & ~(F_ZF | F_PF | F_CF | F_OF | F_SF | F_AF);
  store<u32>(EFLAGS, f | fl);
  if (ok && pop) fpu_pop();
  last(false);
}

// FICOM/FICOMP and FCOM/FCOMP with memory are fpu_arith_m (reg 2/3)

// FTST: compare ST0 with +0.0
export function fpu_ftst(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env();
  if (st_empty(0)) {
    stack_fault(false);
    set_cc(SW_C3 | SW_C2 | SW_C0, SW_C3 | SW_C2 | SW_C0);
  } else compare_cc(st_se(0), st_m(0), 0, 0, false);
  last(false);
}

// FXAM: classify ST0 (C3 C2 C0), C1 = sign
export function fpu_fxam(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  const se = st_se(0), m = st_m(0);
  let cc: u32;
  if (st_empty(0)) cc = SW_C3 | SW_C0;
  else {
    const k = kind(se, m);
    if (k == K_BAD) cc = 0;
    else if (k == K_ZERO) cc = SW_C3;
    else if (k == K_INF) cc = SW_C2 | SW_C0;
    else if (k == K_FIN) cc = (se & 0x7fff) == 0 ? SW_C3 | SW_C2 : SW_C2;
    else cc = SW_C0; // NaN
  }
  if ((se & 0x8000) != 0) cc |= SW_C1;
  set_cc(cc, SW_CC);
  last(false);
}

// FSQRT, FRNDINT and the other one-operand arithmetic on ST0
export function fpu_fsqrt(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env();
  if (st_empty(0)) { if (stack_fault(false)) st_set_indefinite(0); }
  else { f_sqrt(st_se(0), st_m(0)); deliver(0); }
  last(false);
}
export function fpu_frndint(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env64();
  if (st_empty(0)) { if (stack_fault(false)) st_set_indefinite(0); }
  else { f_rndint(st_se(0), st_m(0)); deliver(0); }
  last(false);
}

// FSCALE: ST0 = ST0 * 2^trunc(ST1)
export function fpu_fscale(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env64();
  if (st_empty(0) || st_empty(1)) { if (stack_fault(false)) st_set_indefinite(0); }
  else { f_scale(st_se(0), st_m(0), st_se(1), st_m(1)); deliver(0); }
  last(false);
}

// FXTRACT: ST0 = exponent, then push the significand
export function fpu_fxtract(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env64();
  if (st_empty(0)) {
    if (stack_fault(false)) {
      st_set_indefinite(0);
      if (st_empty(7)) { fpu_push(); st_set_indefinite(0); } // (both results are the indefinite)
    }
  } else if (!st_empty(7)) {
    if (stack_fault(true)) { st_set_indefinite(0); fpu_push(); st_set_indefinite(0); }
  } else {
    f_xtract(st_se(0), st_m(0));
    // f_xtract leaves the significand in R_* and the exponent in X_SE/X_M
    if (fpu_commit_flags()) {
      const sse = R_SE, sm = R_M;
      st_set(0, X_SE, X_M);
      fpu_push();
      st_set(0, sse, sm);
    }
    set_cc(0, SW_C1);
  }
  last(false);
}

// FPREM (ieee = false) / FPREM1: partial remainder of ST0 by ST1; C2 = incomplete, else
// C0 C3 C1 = quotient bits 2 1 0
export function fpu_fprem(ieee: bool): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env64();
  if (st_empty(0) || st_empty(1)) {
    if (stack_fault(false)) st_set_indefinite(0);
    set_cc(0, SW_C1 | SW_C2);
  } else {
    f_prem(st_se(0), st_m(0), st_se(1), st_m(1), ieee);
    if (fpu_commit_flags()) {
      st_set(0, R_SE, R_M);
      set_cc(PREM_CC, PREM_CC_MASK);
    } else set_cc(0, SW_C1 | SW_C2);
  }
  last(false);
}

// The transcendental instructions (cpu/fpu/trans.ts): which = ModRM low bits of D9 F0-FF
export function fpu_trans(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env64();
  f_trans(<u32>(0xf0 | (REG << 3) | RM));
  last(false);
}

// FCHS / FABS
export function fpu_fchs(abs: bool): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  if (st_empty(0)) { if (stack_fault(false)) st_set_indefinite(0); }
  else {
    const se = st_se(0);
    st_set(0, abs ? se & 0x7fff : se ^ 0x8000, st_m(0));
    set_cc(0, SW_C1);
  }
  last(false);
}

// ---------------------------------------------------------------- loads

// Push a value (checks for stack overflow): masked overflow pushes the indefinite. `stops`:
// the exceptions that, unmasked, prevent the push.
function push_value(se: u32, m: u64, stops: u32 = FE_IE | FE_DE): void {
  if (!st_empty(7)) {
    if (stack_fault(true)) { fpu_push(); st_set_indefinite(0); }
    return;
  }
  const unmasked = FX & ~MASKS;
  fpu_commit_flags();
  if ((unmasked & stops) != 0) { set_cc(0, SW_C1); return; }
  fpu_push();
  st_set(0, se, m);
  set_cc(0, SW_C1);
}

// FLD m32/m64: SNaN is an invalid operation (loaded quieted), a denormal raises DE
export function fpu_fld_real(bits: i32): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  let v: u64;
  if (bits == 32) v = <u64>read32(SEG, EA);
  else v = read64(EA);
  if (FAULTED) return;
  env();
  load_real(v, bits);
  let se = L_SE, m = L_M;
  if (st_empty(7)) {
    const k = kind(se, m);
    if (k == K_SNAN) { raise_fx(FE_IE); m |= 0x4000000000000000; }
    if (L_DEN) raise_fx(FE_DE);
  }
  // an unmasked denormal-operand exception does not stop a load (only an invalid one does)
  push_value(se, m, FE_IE);
  last(true);
}

// FLD m80: loaded as is, no exceptions
export function fpu_fld_m80(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  read80(EA);
  if (FAULTED) return;
  env();
  push_value(MHI, MLO);
  last(true);
}

// FILD m16/m32/m64 (exact)
export function fpu_fild(bits: i32): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  let v: i64;
  if (bits == 16) v = <i64><i16>read16(SEG, EA);
  else if (bits == 32) v = <i64><i32>read32(SEG, EA);
  else v = <i64>read64(EA);
  if (FAULTED) return;
  env();
  load_int(v);
  push_value(L_SE, L_M);
  last(true);
}

// FBLD m80bcd
export function fpu_fbld(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  read80(EA);
  if (FAULTED) return;
  env();
  load_bcd(MLO, MHI);
  push_value(L_SE, L_M);
  last(true);
}

// FLD ST(i)
export function fpu_fld_st(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env();
  const i = <u32>RM;
  if (st_empty(i)) {
    // the source is empty: stack underflow (an indefinite is pushed if masked)
    if (stack_fault(false)) { fpu_push(); st_set_indefinite(0); }
  } else push_value(st_se(i), st_m(i));
  last(false);
}

// The constants (D9 E8-EE), rounded to 64 bits in the current rounding mode: 1, log2(10),
// log2(e), pi, log10(2), ln(2), +0. Held with 66 bits (the hardware's internal constants).
export function fpu_fldconst(n: i32): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  env();
  let se: u32 = 0, m: u64 = 0, x: u32 = 0; // x: two more bits (1 = below half, 2 = above)
  switch (n) {
    case 0: se = 0x3fff; m = 0x8000000000000000; break;
    case 1: se = 0x4000; m = 0xd49a784bcd1b8afe; x = 1; break; // log2(10) = ...8afe|49
    case 2: se = 0x3fff; m = 0xb8aa3b295c17f0bb; x = 3; break; // log2(e) = ...f0bb|be
    case 3: se = 0x4000; m = 0xc90fdaa22168c234; x = 3; break; // pi = ...c234|c4
    case 4: se = 0x3ffd; m = 0x9a209a84fbcff798; x = 2; break; // log10(2) = ...f798|8f
    case 5: se = 0x3ffe; m = 0xb17217f7d1cf79ab; x = 3; break; // ln(2) = ...79ab|c9
    default: break;
  }
  // correctly rounded: nearest rounds up when the rest is above one half (no constant is a
  // tie), up when anything is left; no precision exception
  const rc = (load<u32>(FPU_CW) >> 10) & 3;
  if (x != 0 && ((rc == 0 && x >= 2) || rc == 2)) m++;
  push_value(se, m);
  last(false);
}

// ---------------------------------------------------------------- stores

// FST/FSTP m32/m64
export function fpu_fst_real(bits: i32, pop: bool): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  if (!probe_store(EA, <u32>(bits >> 3))) return;
  env();
  let v: u64;
  if (st_empty(0)) {
    if (!stack_fault(false)) { last(true); return; }
    v = store_real(INDEF_SE, INDEF_M, bits);
  } else {
    v = store_real(st_se(0), st_m(0), bits);
    // unmasked overflow/underflow: nothing is stored, and no precision exception either
    if ((FX & ~MASKS & (FE_OE | FE_UE)) != 0) clear_fx(FE_PE);
    const stored = fpu_commit_flags() && (FX & ~MASKS & (FE_OE | FE_UE)) == 0;
    if (!stored) { set_cc(0, SW_C1); last(true); return; }
    set_c1_rounding();
  }
  if (bits == 32) write32(SEG, EA, <u32>v);
  else write64(EA, v);
  if (pop) fpu_pop();
  last(true);
}

// FSTP m80: stored as is
export function fpu_fstp_m80(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  if (!probe_store(EA, 10)) return;
  if (st_empty(0)) {
    if (!stack_fault(false)) { last(true); return; }
    write80(EA, INDEF_SE, INDEF_M);
  } else {
    write80(EA, st_se(0), st_m(0));
    set_cc(0, SW_C1);
  }
  fpu_pop();
  last(true);
}

// FIST/FISTP m16/m32/m64
export function fpu_fist(bits: i32, pop: bool): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  if (!probe_store(EA, <u32>(bits >> 3))) return;
  env();
  let v: u64;
  if (st_empty(0)) {
    if (!stack_fault(false)) { last(true); return; }
    v = <u64>1 << (<u64>(bits - 1));
  } else {
    v = store_int(st_se(0), st_m(0), bits);
    if (!fpu_commit_flags()) { set_cc(0, SW_C1); last(true); return; }
    set_c1_rounding();
  }
  if (bits == 16) write16(SEG, EA, <u32>v);
  else if (bits == 32) write32(SEG, EA, <u32>v);
  else write64(EA, v);
  if (pop) fpu_pop();
  last(true);
}

// FBSTP m80bcd
export function fpu_fbstp(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  if (!probe_store(EA, 10)) return;
  env();
  if (st_empty(0)) {
    if (!stack_fault(false)) { last(true); return; }
    store_bcd(INDEF_SE, INDEF_M);
  } else {
    store_bcd(st_se(0), st_m(0));
    if (!fpu_commit_flags()) { set_cc(0, SW_C1); last(true); return; }
    set_c1_rounding();
  }
  write64(EA, BCD_LO);
  write16(SEG, EA + 8, BCD_HI);
  fpu_pop();
  last(true);
}

// FST/FSTP ST(i) (and the FSTP1/8/9 aliases)
export function fpu_fst_st(pop: bool): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  const i = <u32>RM;
  if (st_empty(0)) {
    if (stack_fault(false)) {
      st_set_indefinite(i);
      if (pop) fpu_pop();
    }
  } else {
    st_set(i, st_se(0), st_m(0));
    set_cc(0, SW_C1);
    if (pop) fpu_pop();
  }
  last(false);
}

// FXCH ST(i) (and the FXCH4/7 aliases): an empty register reads as the indefinite (masked)
export function fpu_fxch(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  const i = <u32>RM;
  const e0 = st_empty(0), ei = st_empty(i);
  if (e0 || ei) {
    if (stack_fault(false)) {
      const ase = e0 ? INDEF_SE : st_se(0), am = e0 ? INDEF_M : st_m(0);
      const bse = ei ? INDEF_SE : st_se(i), bm = ei ? INDEF_M : st_m(i);
      st_set(0, bse, bm);
      st_set(i, ase, am);
    }
  } else {
    const ase = st_se(0), am = st_m(0);
    st_set(0, st_se(i), st_m(i));
    st_set(i, ase, am);
    set_cc(0, SW_C1);
  }
  last(false);
}

// FCMOVcc ST0, ST(i): cc is the Jcc condition number
export function fpu_fcmov(cc: i32): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  const i = <u32>RM;
  if (st_empty(0) || st_empty(i)) {
    if (stack_fault(false)) st_set_indefinite(0);
  } else {
    if (condition(cc)) st_set(0, st_se(i), st_m(i));
  }
  last(false);
}

// FFREE ST(i) / FFREEP
export function fpu_ffree(pop: bool): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  st_free(<u32>RM);
  if (pop) fpu_pop();
  last(false);
}

// FINCSTP / FDECSTP: TOP moves, tags unchanged, C1 = 0
export function fpu_fincstp(d: i32): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  store<u32>(FPU_TOP, (load<u32>(FPU_TOP) + <u32>d) & 7);
  set_cc(0, SW_C1);
  last(false);
}

export function fpu_fnop(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  last(false);
}

// FNENI, FNDISI, FNSETPM (DB E0, E1, E4): 8087/287 control, no-ops since the 387
export function fpu_fnop287(): void {
  if (!fitted()) { absent(); return; }
  begin_nowait();
}

// ---------------------------------------------------------------- control

export function fpu_fninit(): void {
  if (!fitted()) { absent(); return; }
  if (!begin_nowait()) return;
  fpu_init_state();
}

// The state FNINIT leaves (SDM vol.2 FINIT/FNINIT): CW 037F (all exceptions masked, extended
// precision, round to nearest), SW 0, all registers empty, pointers 0. The BIOS POST calls it
// too, as a PC BIOS initialises the coprocessor before booting.
export function fpu_init_state(): void {
  store<u32>(FPU_CW, 0x37f);
  store<u32>(FPU_SW, 0);
  store<u32>(FPU_TOP, 0);
  store<u32>(FPU_FULL, 0);
  store<u32>(FPU_FIP, 0);
  store<u32>(FPU_FCS, 0);
  store<u32>(FPU_FOP, 0);
  store<u32>(FPU_FDP, 0);
  store<u32>(FPU_FDS, 0);
  error_cleared();
}

export function fpu_fnclex(): void {
  if (!fitted()) { absent(); return; }
  if (!begin_nowait()) return;
  store<u32>(FPU_SW, load<u32>(FPU_SW) & ~(0xff | SW_B));
  error_cleared();
}

// After the control word or the status word changed: ES and B say whether any flag is unmasked.
function update_es(): void {
  let sw = load<u32>(FPU_SW);
  if ((sw & ~load<u32>(FPU_CW) & 0x3f) != 0) sw |= SW_ES | SW_B;
  else sw &= ~(SW_ES | SW_B);
  store<u32>(FPU_SW, sw);
  error_cleared();
}

// The control word as loaded: the reserved bits 13-15 and 7 read as 0, bit 6 as 1; bit 12 (the
// 287's infinity control) is kept but means nothing.
@inline function cw_value(v: u32): u32 { return (v & 0x1f3f) | 0x40; }

export function fpu_fldcw(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  const v = read16(SEG, EA);
  if (FAULTED) return;
  store<u32>(FPU_CW, cw_value(v));
  update_es();
}

export function fpu_fnstcw(): void {
  if (!fitted()) { absent(); return; }
  if (!begin_nowait()) return;
  write16(SEG, EA, load<u32>(FPU_CW));
}

export function fpu_fnstsw(): void {
  if (!fitted()) { absent(); return; }
  if (!begin_nowait()) return;
  write16(SEG, EA, status_word());
}

export function fpu_fnstsw_ax(): void {
  if (!fitted()) { absent(); return; }
  if (!begin_nowait()) return;
  set_reg16(0, status_word());
}

// ---- FSTENV/FLDENV/FSAVE/FRSTOR (SDM vol.1 §8.1.10, figures 8-9 to 8-12): 14 bytes with a
// 16-bit operand size, 28 with 32; the real-mode formats (real and virtual-8086 mode) hold
// 20/32-bit linear instruction and data pointers beside the opcode.

@inline function real_format(): bool { return (load<u32>(MODE) & (MODE_PE | MODE_VM)) != MODE_PE; }
@inline function env_size(): u32 { return O32 ? 28 : 14; }

function store_env(off: u32): void {
  const sw = status_word();
  const tw = tag_word();
  const cw = load<u32>(FPU_CW);
  const fip = load<u32>(FPU_FIP), fcs = load<u32>(FPU_FCS), fop = load<u32>(FPU_FOP) & 0x7ff;
  const fdp = load<u32>(FPU_FDP), fds = load<u32>(FPU_FDS);
  if (O32) {
    write32(SEG, off, cw | 0xffff0000);
    write32(SEG, off + 4, sw | 0xffff0000);
    write32(SEG, off + 8, tw | 0xffff0000);
    if (real_format()) {
      const ip = fip + (fcs << 4), dp = fdp + (fds << 4);
      write32(SEG, off + 12, (ip & 0xffff) | 0xffff0000);
      write32(SEG, off + 16, ((ip >> 4) & 0x0ffff000) | fop);
      write32(SEG, off + 20, (dp & 0xffff) | 0xffff0000);
      write32(SEG, off + 24, (dp >> 4) & 0x0ffff000);
    } else {
      write32(SEG, off + 12, fip);
      write32(SEG, off + 16, fcs | (fop << 16));
      write32(SEG, off + 20, fdp);
      write32(SEG, off + 24, fds | 0xffff0000);
    }
  } else {
    write16(SEG, off, cw);
    write16(SEG, off + 2, sw);
    write16(SEG, off + 4, tw);
    if (real_format()) {
      const ip = fip + (fcs << 4), dp = fdp + (fds << 4);
      write16(SEG, off + 6, ip);
      write16(SEG, off + 8, ((ip >> 4) & 0xf000) | fop);
      write16(SEG, off + 10, dp);
      write16(SEG, off + 12, (dp >> 4) & 0xf000);
    } else {
      write16(SEG, off + 6, fip);
      write16(SEG, off + 8, fcs);
      write16(SEG, off + 10, fdp);
      write16(SEG, off + 12, fds);
    }
  }
}

// Read the environment into ENV_* (nothing changes until all reads succeeded)
let ENV_CW: u32 = 0, ENV_SW: u32 = 0, ENV_TW: u32 = 0, ENV_FIP: u32 = 0, ENV_FCS: u32 = 0;
let ENV_FOP: u32 = 0, ENV_FDP: u32 = 0, ENV_FDS: u32 = 0;
function read_env(off: u32): void {
  if (O32) {
    ENV_CW = read32(SEG, off) & 0xffff;
    ENV_SW = read32(SEG, off + 4) & 0xffff;
    ENV_TW = read32(SEG, off + 8) & 0xffff;
    const a = read32(SEG, off + 12), b = read32(SEG, off + 16);
    const c = read32(SEG, off + 20), d = read32(SEG, off + 24);
    if (real_format()) {
      ENV_FIP = (a & 0xffff) | ((b & 0x0ffff000) << 4);
      ENV_FCS = 0;
      ENV_FOP = b & 0x7ff;
      ENV_FDP = (c & 0xffff) | ((d & 0x0ffff000) << 4);
      ENV_FDS = 0;
    } else {
      ENV_FIP = a;
      ENV_FCS = b & 0xffff;
      ENV_FOP = (b >> 16) & 0x7ff;
      ENV_FDP = c;
      ENV_FDS = d & 0xffff;
    }
  } else {
    ENV_CW = read16(SEG, off);
    ENV_SW = read16(SEG, off + 2);
    ENV_TW = read16(SEG, off + 4);
    const a = read16(SEG, off + 6), b = read16(SEG, off + 8);
    const c = read16(SEG, off + 10), d = read16(SEG, off + 12);
    if (real_format()) {
      ENV_FIP = a | ((b & 0xf000) << 4);
      ENV_FCS = 0;
      ENV_FOP = b & 0x7ff;
      ENV_FDP = c | ((d & 0xf000) << 4);
      ENV_FDS = 0;
    } else {
      ENV_FIP = a;
      ENV_FCS = b;
      ENV_FOP = 0;
      ENV_FDP = c;
      ENV_FDS = d;
    }
  }
}
function apply_env(): void {
  store<u32>(FPU_CW, cw_value(ENV_CW));
  set_status_word(ENV_SW);
  set_tag_word(ENV_TW);
  store<u32>(FPU_FIP, ENV_FIP);
  store<u32>(FPU_FCS, ENV_FCS);
  store<u32>(FPU_FOP, ENV_FOP);
  store<u32>(FPU_FDP, ENV_FDP);
  store<u32>(FPU_FDS, ENV_FDS);
  error_cleared();
}

export function fpu_fnstenv(): void {
  if (!fitted()) { absent(); return; }
  if (!begin_nowait()) return;
  if (!probe_store(EA, env_size())) return;
  store_env(EA);
  store<u32>(FPU_CW, load<u32>(FPU_CW) | 0x3f); // all exceptions masked afterwards
  update_es();
}

export function fpu_fldenv(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  read_env(EA);
  if (FAULTED) return;
  apply_env();
}

export function fpu_fnsave(): void {
  if (!fitted()) { absent(); return; }
  if (!begin_nowait()) return;
  const n = env_size();
  if (!probe_store(EA, n + 80)) return;
  store_env(EA);
  for (let i: u32 = 0; i < 8; i++) {
    const a = reg_addr(phys(i));
    write80(EA + n + i * 10, load<u16>(a + 8), load<u64>(a));
  }
  fpu_fninit();
}

export function fpu_frstor(): void {
  if (!fitted()) { absent(); return; }
  if (!begin()) return;
  const n = env_size();
  read_env(EA);
  // read all registers first (into a scratch area), then commit
  for (let i: u32 = 0; i < 8; i++) {
    read80(EA + n + i * 10);
    store<u64>(FRSTOR_TMP + (i << 4), MLO);
    store<u16>(FRSTOR_TMP + (i << 4) + 8, <u16>MHI);
  }
  if (FAULTED) return;
  apply_env();
  for (let i: u32 = 0; i < 8; i++) {
    const a = reg_addr(phys(i));
    store<u64>(a, load<u64>(FRSTOR_TMP + (i << 4)));
    store<u16>(a + 8, load<u16>(FRSTOR_TMP + (i << 4) + 8));
  }
}
const FRSTOR_TMP: usize = memory.data(128, 16);
