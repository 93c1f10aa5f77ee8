// Conversions between the register format and the memory formats (SDM vol.1 §4.2, §4.7, §8.2):
// binary32/binary64 reals, 16/32/64-bit integers, 18-digit packed BCD. Loads produce
// (L_SE, L_M); stores take a register value and return the memory bits, raising FX flags.
import {
  FX, R_SE, R_M, K_ZERO, K_INF, K_QNAN, K_SNAN, K_BAD, BIAS, FE_IE, FE_PE,
  kind, normalize, NE, NM, round_to, round_int, RI_MAG, RI_BIG, RI_INEXACT, RI_UP,
  raise_fx, set_fup,
} from "./f80";

export let L_SE: u32 = 0;
export let L_M: u64 = 0;
export let L_DEN: bool = false; // the source was a denormal in its own format

// ---- loads (exact)

// binary32/64 bits -> register format. NaNs keep their signalling state (the caller decides
// whether an SNaN is an invalid operation).
export function load_real(bits: u64, fbits: i32): void {
  const prec = fbits == 32 ? 24 : 53;
  const fracbits = prec - 1;
  const ebits = fbits - prec;
  const emask = (<u32>1 << ebits) - 1;
  const ebias = <i32>(emask >> 1);
  const sign = <u32>(bits >> (<u64>(fbits - 1))) & 1;
  const ef = <u32>(bits >> (<u64>fracbits)) & emask;
  const frac = bits & ((<u64>1 << fracbits) - 1);
  L_DEN = false;
  if (ef == emask) {
    L_SE = (sign << 15) | 0x7fff;
    L_M = 0x8000000000000000 | (frac << (<u64>(64 - prec)));
    return;
  }
  if (ef == 0) {
    if (frac == 0) { L_SE = sign << 15; L_M = 0; return; }
    // denormal: frac * 2^(1 - ebias - fracbits), normalized
    L_DEN = true;
    const s = <i32>clz(frac);
    L_M = frac << s;
    L_SE = (sign << 15) | <u32>(1 - ebias - fracbits + 63 - s + BIAS);
    return;
  }
  L_SE = (sign << 15) | <u32>(<i32>ef - ebias + BIAS);
  L_M = 0x8000000000000000 | (frac << (<u64>(64 - prec)));
}

// two's complement integer (sign-extended to i64) -> register format
export function load_int(v: i64): void {
  L_DEN = false;
  if (v == 0) { L_SE = 0; L_M = 0; return; }
  const sign: u32 = v < 0 ? 0x8000 : 0;
  const mag: u64 = v < 0 ? <u64>(0 - v) : <u64>v;
  const s = <i32>clz(mag);
  L_M = mag << s;
  L_SE = sign | <u32>(BIAS + 63 - s);
}

// 10-byte packed BCD (lo: bytes 0-7, hi: bytes 8-9) -> register format. Digits above 9 are
// not valid BCD (the result is undefined); they are weighted like digits.
export function load_bcd(lo: u64, hi: u32): void {
  let v: u64 = 0;
  for (let i = 17; i >= 0; i--) {
    const d: u64 = i >= 16 ? <u64>((hi >> (<u32>(i - 16) * 4)) & 15) : (lo >> (<u64>i * 4)) & 15;
    v = v * 10 + d;
  }
  load_int(<i64>v);
  if ((hi & 0x8000) != 0) L_SE |= 0x8000;
}

// ---- stores

// register format -> binary32/64 bits, rounded in the current rounding mode (precision control
// does not apply). Unmasked overflow/underflow: the caller stores nothing.
export function store_real(se: u32, m: u64, fbits: i32): u64 {
  const prec = fbits == 32 ? 24 : 53;
  const fracbits = prec - 1;
  const ebits = fbits - prec;
  const emask = (<u64>1 << (<u64>ebits)) - 1;
  const ebias = <i32>(emask >> 1);
  const sbit: u64 = <u64>(se >> 15) << (<u64>(fbits - 1));
  const fmask: u64 = (<u64>1 << fracbits) - 1;
  const k = kind(se, m);
  if (k == K_ZERO) return sbit;
  if (k == K_INF) return sbit | (emask << fracbits);
  if (k == K_BAD) {
    raise_fx(FE_IE);
    return (<u64>1 << (<u64>(fbits - 1))) | (emask << fracbits) | (<u64>1 << (<u64>(fracbits - 1)));
  }
  if (k == K_QNAN || k == K_SNAN) {
    if (k == K_SNAN) raise_fx(FE_IE);
    return sbit | (emask << fracbits) | ((m >> (<u64>(64 - prec))) & fmask) | (<u64>1 << (<u64>(fracbits - 1)));
  }
  normalize(se, m);
  round_to(se >> 15, NE - BIAS + ebias, NM, 0, prec, <i32>emask - 1, fbits == 32 ? 192 : 1536);
  const e = <u64>(R_SE & 0x7fff);
  if (e == 0x7fff) return sbit | (emask << fracbits); // overflow to infinity
  if (R_M == 0) return sbit;
  const frac = (R_M >> (<u64>(64 - prec))) & fmask;
  if (e == 0) return sbit | frac;
  return sbit | ((e & emask) << fracbits) | frac;
}

// register format -> signed integer of `bits` (16, 32, 64), rounded in the current rounding
// mode. Out of range, NaN, infinity or unsupported: invalid operation, the integer indefinite.
export function store_int(se: u32, m: u64, bits: i32): u64 {
  const indef: u64 = <u64>1 << (<u64>(bits - 1));
  const k = kind(se, m);
  if (k == K_ZERO) return 0;
  if (k != 1) { raise_fx(FE_IE); return indef; }
  round_int(se, m);
  const neg = (se & 0x8000) != 0;
  if (RI_BIG || RI_MAG > (neg ? indef : indef - 1)) { raise_fx(FE_IE); return indef; }
  if (RI_INEXACT) raise_fx(FE_PE);
  set_fup(RI_UP);
  const mask: u64 = bits == 64 ? 0xffffffffffffffff : ((<u64>1 << (<u64>bits)) - 1);
  return (neg ? 0 - RI_MAG : RI_MAG) & mask;
}

// register format -> packed BCD (BCD_LO: bytes 0-7, BCD_HI: bytes 8-9). |value| must round to
// less than 10^18; otherwise (and for NaN, infinity, unsupported) the BCD indefinite.
export let BCD_LO: u64 = 0;
export let BCD_HI: u32 = 0;
export function store_bcd(se: u32, m: u64): void {
  const k = kind(se, m);
  const sign: u32 = se & 0x8000;
  if (k == K_ZERO) { BCD_LO = 0; BCD_HI = sign; return; }
  let bad = k != 1;
  if (!bad) {
    round_int(se, m);
    bad = RI_BIG || RI_MAG > 999999999999999999;
  }
  if (bad) {
    raise_fx(FE_IE);
    BCD_LO = 0xc000000000000000;
    BCD_HI = 0xffff;
    return;
  }
  if (RI_INEXACT) raise_fx(FE_PE);
  set_fup(RI_UP);
  let v = RI_MAG;
  let lo: u64 = 0;
  let hi: u32 = 0;
  for (let i = 0; i < 18; i++) {
    const d = v % 10;
    v /= 10;
    if (i < 16) lo |= d << (<u64>i * 4);
    else hi |= <u32>d << (<u32>(i - 16) * 4);
  }
  BCD_LO = lo;
  BCD_HI = hi | sign;
}

