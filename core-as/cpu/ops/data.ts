// MOV and friends, conversions, exchanges, CMOVcc/SETcc, flag instructions (SDM vol.2).
import { IMM, OP, EA, SEG, MOD, REG, RM, A32, O32 } from "../decode";
import { readE, writeE, rmwE, writeRMW, readG, writeG } from "../operand";
import { reg, set_reg, reg8, set_reg8, reg16, reg32, set_reg16, set_reg32, size_mask, sign_extend, R_EAX, R_EDX, R_EBX, R_ECX } from "../regs";
import { read, write, read8, read32, write32, probe_write } from "../memory";
import { FAULTED } from "../fault";
import { alu, ALU_ADD, ALU_CMP } from "./alu";
import { condition, get_eflags, get_cf, set_eflags_raw, lazy_arith, LOP_SUB, F_CF, F_DF, F_ZF, F_ARITH } from "../flags";
import { EFLAGS, LF_MASK } from "../../state";

@inline export function mov_EG(size: i32): void { writeE(size, readG(size)); }

@inline export function mov_GE(size: i32): void {
  const v = readE(size);
  if (FAULTED) return;
  writeG(size, v);
}

// moffs forms: EA was set by the decoder to the offset
@inline export function mov_AO(size: i32): void {
  const v = read(size, SEG, EA);
  if (FAULTED) return;
  set_reg(size, R_EAX, v);
}
@inline export function mov_OA(size: i32): void { write(size, SEG, EA, reg(size, R_EAX)); }

@inline export function mov_ZI(size: i32): void {
  if (size == 8) set_reg8(OP & 7, IMM);
  else set_reg(size, OP & 7, IMM);
}

@inline export function mov_EI(size: i32): void { writeE(size, IMM & size_mask(size)); }

@inline export function lea_GM(size: i32): void { writeG(size, EA & size_mask(size)); }

@inline export function movzx_GE(size: i32, src: i32): void {
  const v = readE(src);
  if (FAULTED) return;
  writeG(size, v);
}

@inline export function movsx_GE(size: i32, src: i32): void {
  const v = readE(src);
  if (FAULTED) return;
  writeG(size, sign_extend(src, v) & size_mask(size));
}

@inline export function xchg_EG(size: i32): void {
  const a = rmwE(size);
  if (FAULTED) return;
  const b = readG(size);
  writeRMW(size, b);
  writeG(size, a);
}

export function nop(): void {}
export function nop_E(): void {} // hint NOP: the operand is decoded but not accessed

@inline export function xchg_ZA(size: i32): void {
  const r = OP & 7;
  const a = reg(size, r);
  set_reg(size, r, reg(size, R_EAX));
  set_reg(size, R_EAX, a);
}

@inline export function xadd_EG(size: i32): void {
  const a = rmwE(size);
  if (FAULTED) return;
  const b = readG(size);
  const r = alu(size, ALU_ADD, a, b);
  writeG(size, a);
  writeRMW(size, r);
}

// CMPXCHG always writes the destination (the old value when unequal), SDM vol.2 CMPXCHG.
@inline export function cmpxchg_EG(size: i32): void {
  const d = rmwE(size);
  if (FAULTED) return;
  const acc = reg(size, R_EAX);
  alu(size, ALU_CMP, acc, d);
  if (acc == d) writeRMW(size, readG(size));
  else {
    writeRMW(size, d);
    set_reg(size, R_EAX, d);
  }
}

export function cmpxchg8b_M(): void {
  if (!probe_write(32, SEG, EA) || !probe_write(32, SEG, EA + 4)) return;
  const lo = read32(SEG, EA);
  const hi = read32(SEG, EA + 4);
  if (FAULTED) return;
  let f = get_eflags();
  if (lo == reg32(R_EAX) && hi == reg32(R_EDX)) {
    write32(SEG, EA, reg32(R_EBX));
    write32(SEG, EA + 4, reg32(R_ECX));
    f |= F_ZF;
  } else {
    write32(SEG, EA, lo);
    write32(SEG, EA + 4, hi);
    set_reg32(R_EAX, lo);
    set_reg32(R_EDX, hi);
    f &= ~F_ZF;
  }
  store<u32>(EFLAGS, f);
}

// With a 16-bit operand the result is undefined (SDM vol.2 BSWAP); Intel and AMD hardware
// clear the low word, and so does this.
export function bswap_Z(): void {
  const r = OP & 7;
  if (O32) set_reg32(r, bswap<u32>(reg32(r)));
  else set_reg16(r, 0);
}

@inline export function cbw(size: i32): void {
  if (size == 16) set_reg16(R_EAX, sign_extend(8, reg8(0)) & 0xffff);
  else set_reg32(R_EAX, sign_extend(16, reg16(0)));
}

@inline export function cwd(size: i32): void {
  if (size == 16) set_reg16(R_EDX, (reg16(0) & 0x8000) != 0 ? 0xffff : 0);
  else set_reg32(R_EDX, (reg32(0) & 0x80000000) != 0 ? 0xffffffff : 0);
}

// SALC (undocumented, D6): AL = CF ? 0xFF : 0
export function salc(): void { set_reg8(0, get_cf() ? 0xff : 0); }

export function xlat(): void {
  const off = (A32 ? reg32(R_EBX) : reg16(R_EBX)) + reg8(0);
  const v = read8(SEG, A32 ? off : off & 0xffff);
  if (FAULTED) return;
  set_reg8(0, v);
}

// SAHF loads SF ZF AF PF CF from AH; LAHF stores them (bit 1 reads as 1), SDM vol.2.
export function sahf(): void {
  const f = get_eflags();
  store<u32>(EFLAGS, (f & ~0xd5) | (reg8(4) & 0xd5) | 2);
}
export function lahf(): void { set_reg8(4, (get_eflags() & 0xd5) | 2); }

export function cmc(): void { store<u32>(EFLAGS, get_eflags() ^ F_CF); }
export function clc(): void { store<u32>(EFLAGS, get_eflags() & ~F_CF); }
export function stc(): void { store<u32>(EFLAGS, get_eflags() | F_CF); }
export function cld(): void { store<u32>(EFLAGS, load<u32>(EFLAGS) & ~F_DF); }
export function std(): void { store<u32>(EFLAGS, load<u32>(EFLAGS) | F_DF); }

@inline export function cmov_GE(size: i32, cc: i32): void {
  // the source is read (and may fault) whether or not the condition holds (SDM vol.2 CMOVcc)
  const v = readE(size);
  if (FAULTED) return;
  if (condition(cc)) writeG(size, v);
}

export function setcc_E(cc: i32): void { writeE(8, condition(cc) ? 1 : 0); }
