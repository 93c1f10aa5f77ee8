// Decimal adjust instructions (SDM vol.2 DAA DAS AAA AAS AAM AAD). Flags the manuals leave
// undefined: OF is cleared; for AAA/AAS SF ZF PF follow the final AL; for AAM/AAD CF AF OF
// are cleared.
import { reg8, set_reg8, reg16, set_reg16, R_EAX } from "../regs";
import { raise, EXC_DE } from "../fault";
import { get_eflags, lazy_result, F_CF, F_AF } from "../flags";

export function daa(): void {
  const f = get_eflags();
  const old_al = reg8(0);
  const old_cf = (f & F_CF) != 0;
  let al = old_al;
  let cf: u32 = 0;
  let af: u32 = 0;
  if ((al & 0xf) > 9 || (f & F_AF) != 0) {
    cf = (old_cf || al + 6 > 0xff) ? F_CF : 0;
    al = (al + 6) & 0xff;
    af = F_AF;
  }
  if (old_al > 0x99 || old_cf) {
    al = (al + 0x60) & 0xff;
    cf = F_CF;
  } else cf = 0;
  set_reg8(0, al);
  lazy_result(8, al, cf | af);
}

export function das(): void {
  const f = get_eflags();
  const old_al = reg8(0);
  const old_cf = (f & F_CF) != 0;
  let al = old_al;
  let cf: u32 = 0;
  let af: u32 = 0;
  if ((al & 0xf) > 9 || (f & F_AF) != 0) {
    cf = (old_cf || al < 6) ? F_CF : 0;
    al = (al - 6) & 0xff;
    af = F_AF;
  }
  if (old_al > 0x99 || old_cf) {
    al = (al - 0x60) & 0xff;
    cf = F_CF;
  }
  set_reg8(0, al);
  lazy_result(8, al, cf | af);
}

export function aaa(): void {
  const f = get_eflags();
  let ax = reg16(R_EAX);
  let fl: u32 = 0;
  if ((ax & 0xf) > 9 || (f & F_AF) != 0) {
    ax = (ax + 0x106) & 0xffff;
    fl = F_AF | F_CF;
  }
  ax &= 0xff0f;
  set_reg16(R_EAX, ax);
  lazy_result(8, ax & 0xff, fl);
}

export function aas(): void {
  const f = get_eflags();
  let ax = reg16(R_EAX);
  let fl: u32 = 0;
  if ((ax & 0xf) > 9 || (f & F_AF) != 0) {
    ax = (ax - 6) & 0xffff;
    ax = (ax - 0x100) & 0xffff;
    fl = F_AF | F_CF;
  }
  ax &= 0xff0f;
  set_reg16(R_EAX, ax);
  lazy_result(8, ax & 0xff, fl);
}

export function aam(base: u32): void {
  if (base == 0) { raise(EXC_DE, 0, false); return; }
  const al = reg8(0);
  const r = al % base;
  set_reg16(R_EAX, ((al / base) << 8) | r);
  lazy_result(8, r, 0);
}

export function aad(base: u32): void {
  const al = (reg8(0) + reg8(4) * base) & 0xff;
  set_reg16(R_EAX, al);
  lazy_result(8, al, 0);
}
