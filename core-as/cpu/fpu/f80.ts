// 80-bit extended-precision arithmetic in integer code (SDM vol.1 ch.4 and 8): the x87's
// rounding, exceptions and special values, bit-exact with the hardware.
//
// Values are passed unpacked as (sign/exponent u32 `se`: sign in bit 15, biased exponent in bits
// 0-14; significand u64 `m` with the explicit integer bit 63), exactly the register format.
// Results go to the globals R_SE/R_M; the exception flags an operation raises accumulate in
// FX (status-word bit positions), and FUP says the result was rounded up in magnitude (C1).
// The operation's environment is set by fpu_env(): rounding control, precision control (24,
// 53 or 64 bits; applies to add, subtract, multiply, divide and square root only) and the
// exception masks (unmasked overflow/underflow deliver the result with its exponent
// re-biased by 24576, SDM vol.1 §8.5.4/8.5.5).
//
// Inside an operation a finite value is normalized: significand with bit 63 set, exponent an
// unbounded i32 (a denormal's exponent goes below 1). Extra bits below the significand are
// carried as a second u64 `x` whose bit 63 is the next bit (round) and the rest sticky.

export const FE_IE: u32 = 0x01;
export const FE_DE: u32 = 0x02;
export const FE_ZE: u32 = 0x04;
export const FE_OE: u32 = 0x08;
export const FE_UE: u32 = 0x10;
export const FE_PE: u32 = 0x20;
export const FE_SF: u32 = 0x40;

export const BIAS: i32 = 16383;
export const EMAX: i32 = 0x7ffe;
const H: u64 = 0x8000000000000000;
export const INDEF_SE: u32 = 0xffff; // the real indefinite: -QNaN 1.1000...
export const INDEF_M: u64 = 0xc000000000000000;

// ---- the operation's environment and results
export let FX: u32 = 0; // exceptions raised
export let FUP: bool = false; // rounded up (C1)
export let RC: u32 = 0; // 0 nearest, 1 down, 2 up, 3 toward zero
export let PREC: i32 = 64; // precision control in bits
export let MASKS: u32 = 0x3f;
export let R_SE: u32 = 0;
export let R_M: u64 = 0;
// The memory operand was a denormal in its own (single/double) format: it is a normal number in
// the register format, but the operation still raises DE (after the NaN checks).
let DEN_IN: bool = false;
@inline export function set_den_in(v: bool): void { DEN_IN = v; }
@inline export function den_in(): bool { return DEN_IN; }
// Raise DE; true when it is unmasked: the operation stops there (SDM vol.1 §8.5.2: nothing is
// computed, the destination is left unchanged).
@inline export function denormal_stop(): bool {
  FX |= FE_DE;
  return (MASKS & FE_DE) == 0;
}

export function fpu_env(cw: u32): void {
  RC = (cw >> 10) & 3;
  const pc = (cw >> 8) & 3;
  PREC = pc == 0 ? 24 : pc == 2 ? 53 : 64; // PC=1 is reserved: double extended (SDM vol.1 §8.1.5.2)
  MASKS = cw & 0x3f;
  FX = 0;
  FUP = false;
  DEN_IN = false;
}
@inline export function set_prec(p: i32): void { PREC = p; }
@inline export function raise_fx(f: u32): void { FX |= f; }
@inline export function clear_fx(f: u32): void { FX &= ~f; }
@inline export function set_fup(v: bool): void { FUP = v; }
@inline export function set_result(se: u32, m: u64): void { R_SE = se; R_M = m; }

// ---- classification
export const K_ZERO: i32 = 0;
export const K_FIN: i32 = 1; // normal, denormal or pseudo-denormal
export const K_INF: i32 = 2;
export const K_QNAN: i32 = 3;
export const K_SNAN: i32 = 4;
export const K_BAD: i32 = 5; // unsupported: unnormal, pseudo-infinity, pseudo-NaN

@inline export function kind(se: u32, m: u64): i32 {
  const e = se & 0x7fff;
  if (e == 0) return m == 0 ? K_ZERO : K_FIN;
  if ((m >> 63) == 0) return K_BAD;
  if (e == 0x7fff) {
    if ((m << 1) == 0) return K_INF;
    return ((m >> 62) & 1) != 0 ? K_QNAN : K_SNAN;
  }
  return K_FIN;
}
@inline export function is_nan_kind(k: i32): bool { return k == K_QNAN || k == K_SNAN; }
@inline export function is_denormal(se: u32, m: u64): bool { return (se & 0x7fff) == 0 && m != 0; }

// Normalized exponent/significand of a finite nonzero value (NE, NM).
export let NE: i32 = 0;
export let NM: u64 = 0;
@inline export function normalize(se: u32, m: u64): void {
  let e = <i32>(se & 0x7fff);
  if (e != 0 && (m >> 63) != 0) { NM = m; NE = e; return; } // already normal
  if (e == 0) e = 1; // denormals and pseudo-denormals have the exponent of the smallest normal
  const s = <i32>clz(m);
  NM = m << s;
  NE = e - s;
}

// ---- 128-bit helpers (results in W_HI/W_LO)
export let W_HI: u64 = 0;
export let W_LO: u64 = 0;

// (hi:lo) >> s, the bits shifted out ORed into bit 0 ("jamming"), s >= 0
export function shr128_jam(hi: u64, lo: u64, s: i32): void {
  if (s == 0) { W_HI = hi; W_LO = lo; return; }
  if (s < 64) {
    const lost = lo << (64 - s);
    W_LO = (hi << (64 - s)) | (lo >> s) | (lost != 0 ? 1 : 0);
    W_HI = hi >> s;
    return;
  }
  if (s == 64) { W_LO = hi | (lo != 0 ? 1 : 0); W_HI = 0; return; }
  if (s < 128) {
    const lost = (hi << (128 - s)) | lo;
    W_LO = (hi >> (s - 64)) | (lost != 0 ? 1 : 0);
    W_HI = 0;
    return;
  }
  W_HI = 0;
  W_LO = (hi | lo) != 0 ? 1 : 0;
}

// 64 x 64 -> 128
export function mul64(a: u64, b: u64): void {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  W_LO = (mid << 32) | (p00 & 0xffffffff);
  W_HI = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

// (u1:u0) / v for a normalized v (bit 63 set) and u1 < v: the quotient, remainder in DIV_REM
// (Knuth's algorithm D with 32-bit digits, as in Hacker's Delight divlu)
export let DIV_REM: u64 = 0;
export function div128(u1: u64, u0: u64, v: u64): u64 {
  const B: u64 = 0x100000000;
  const vn1 = v >> 32, vn0 = v & 0xffffffff;
  const un1 = u0 >> 32, un0 = u0 & 0xffffffff;
  let q1 = u1 / vn1;
  let rhat = u1 - q1 * vn1;
  while (q1 >= B || q1 * vn0 > ((rhat << 32) | un1)) {
    q1--;
    rhat += vn1;
    if (rhat >= B) break;
  }
  const un21 = ((u1 << 32) | un1) - q1 * v;
  let q0 = un21 / vn1;
  rhat = un21 - q0 * vn1;
  while (q0 >= B || q0 * vn0 > ((rhat << 32) | un0)) {
    q0--;
    rhat += vn1;
    if (rhat >= B) break;
  }
  DIV_REM = ((un21 << 32) | un0) - q0 * v;
  return (q1 << 32) | q0;
}

// ---- rounding

// Whether rounding `kept` (the retained bits) with the discarded fraction `rem` (bit 63 = half)
// increments it, in the current rounding mode.
@inline export function round_inc(sign: u32, kept: u64, rem: u64): bool {
  if (rem == 0) return false;
  switch (RC) {
    case 0: return rem > H || (rem == H && (kept & 1) != 0);
    case 1: return sign != 0;
    case 2: return sign == 0;
    default: return false;
  }
}

// Round sign * (m:x) * 2^(e - BIAS - 63) (m normalized, or m == x == 0) to `prec` bits in a
// format whose normal exponents are 1..emax (biased as e), into R_SE/R_M (the significand as
// the extended format holds it, explicit bit 63). Overflow, underflow (tininess detected
// after rounding) and inexact as the x87 does them; `adjust` is the exponent re-bias for
// unmasked overflow/underflow (24576 for the register format).
export function round_to(sign: u32, e: i32, m: u64, x: u64, prec: i32, emax: i32, adjust: i32): void {
  if (m == 0) {
    R_SE = sign << 15;
    R_M = 0;
    return;
  }
  const sh = 64 - prec;
  let kept: u64, rem: u64;
  if (sh == 0) { kept = m; rem = x; }
  else { kept = m >> sh; rem = (m << (64 - sh)) | (x != 0 ? 1 : 0); }
  const inc = round_inc(sign, kept, rem);
  // the rounding with an unbounded exponent
  let ue = e;
  let um: u64;
  const ones: u64 = sh == 0 ? 0xffffffffffffffff : ((<u64>1 << prec) - 1);
  if (inc && kept == ones) { um = H; ue++; }
  else um = (inc ? kept + 1 : kept) << sh;
  if (ue > emax) {
    // overflow
    if ((MASKS & FE_OE) == 0) {
      FX |= FE_OE;
      if (ue - adjust > emax) {
        // too large even re-biased (FSCALE): infinity
        FX |= FE_PE;
        FUP = true;
        R_SE = (sign << 15) | 0x7fff;
        R_M = H;
        return;
      }
      if (rem != 0) FX |= FE_PE;
      FUP = inc;
      R_SE = (sign << 15) | <u32>(ue - adjust);
      R_M = um;
      return;
    }
    FX |= FE_OE | FE_PE;
    const toinf = RC == 0 || (RC == 2 && sign == 0) || (RC == 1 && sign != 0);
    FUP = toinf;
    if (toinf) { R_SE = (sign << 15) | 0x7fff; R_M = H; }
    else { R_SE = (sign << 15) | <u32>emax; R_M = ones << sh; }
    return;
  }
  if (e < 1) {
    const tiny = ue < 1;
    if (tiny && (MASKS & FE_UE) == 0) {
      FX |= FE_UE;
      if (ue + adjust < 1) {
        // too small even re-biased (FSCALE): zero
        FX |= FE_PE;
        FUP = false;
        R_SE = sign << 15;
        R_M = 0;
        return;
      }
      if (rem != 0) FX |= FE_PE;
      FUP = inc;
      R_SE = (sign << 15) | <u32>(ue + adjust);
      R_M = um;
      return;
    }
    // denormalize, then round at the same bit position
    shr128_jam(m, x, 1 - e);
    const dm = W_HI, dx = W_LO;
    let dk: u64, dr: u64;
    if (sh == 0) { dk = dm; dr = dx; }
    else { dk = dm >> sh; dr = (dm << (64 - sh)) | (dx != 0 ? 1 : 0); }
    const dinc = round_inc(sign, dk, dr);
    const rm = (dinc ? dk + 1 : dk) << sh;
    if (dr != 0) {
      FX |= FE_PE;
      if (tiny) FX |= FE_UE;
    }
    FUP = dinc;
    R_SE = (sign << 15) | ((rm >> 63) != 0 ? 1 : 0);
    R_M = rm;
    return;
  }
  if (rem != 0) FX |= FE_PE;
  FUP = inc;
  R_SE = (sign << 15) | <u32>ue;
  R_M = um;
}

@inline export function round_pack(sign: u32, e: i32, m: u64, x: u64): void {
  round_to(sign, e, m, x, PREC, EMAX, 0x6000);
}

// Normalize (hi:lo) (not both zero) and round.
export function norm_round(sign: u32, e: i32, hi: u64, lo: u64): void {
  if (hi == 0) { hi = lo; lo = 0; e -= 64; }
  const s = <i32>clz(hi);
  if (s != 0) {
    hi = (hi << s) | (lo >> (64 - s));
    lo <<= s;
    e -= s;
  }
  round_pack(sign, e, hi, lo);
}

// ---- NaNs and invalid operations

export function set_indefinite(): void { R_SE = INDEF_SE; R_M = INDEF_M; }
export function invalid(): void { FX |= FE_IE; set_indefinite(); }

// The result of an operation with at least one NaN or unsupported operand (SDM vol.1 table
// 4-7): an SNaN or unsupported operand is an invalid operation; unsupported gives the
// indefinite; of two NaNs the one with the larger significand wins (a QNaN over an SNaN), and
// the result is quieted. ka/kb are the kinds.
export function nan_result(ka: i32, ase: u32, am: u64, kb: i32, bse: u32, bm: u64): void {
  if (ka == K_BAD || kb == K_BAD) { invalid(); return; }
  if (ka == K_SNAN || kb == K_SNAN) FX |= FE_IE;
  const an = is_nan_kind(ka), bn = is_nan_kind(kb);
  let useA: bool;
  if (an && bn) {
    if (ka != kb) useA = ka == K_QNAN;
    else {
      const qa = am | 0x4000000000000000, qb = bm | 0x4000000000000000;
      useA = qa > qb || (qa == qb && (ase & 0x8000) == 0);
    }
  } else useA = an;
  if (useA) { R_SE = ase; R_M = am | 0x4000000000000000; }
  else { R_SE = bse; R_M = bm | 0x4000000000000000; }
}

// ---- add / subtract: a + b (callers negate b for subtraction)

// both operands normal numbers (no zero, denormal, infinity, NaN or unsupported encoding)
@inline function both_normal(ase: u32, am: u64, bse: u32, bm: u64): bool {
  return ((ase & 0x7fff) - 1) < 0x7ffe && ((bse & 0x7fff) - 1) < 0x7ffe && ((am & bm) >> 63) != 0;
}

export function f_add(ase: u32, am: u64, bse: u32, bm: u64): void {
  if (both_normal(ase, am, bse, bm) && !DEN_IN) { add_normal(ase, am, bse, bm); return; }
  const ka = kind(ase, am), kb = kind(bse, bm);
  if (ka >= K_QNAN || kb >= K_QNAN) { nan_result(ka, ase, am, kb, bse, bm); return; }
  const as = ase >> 15, bs = bse >> 15;
  if (ka == K_INF && kb == K_INF && as != bs) { invalid(); return; }
  if ((DEN_IN || is_denormal(ase, am) || is_denormal(bse, bm)) && denormal_stop()) return;
  if (ka == K_INF || kb == K_INF) {
    if (ka == K_INF) { R_SE = ase; R_M = am; } else { R_SE = bse; R_M = bm; }
    return;
  }
  if (ka == K_ZERO && kb == K_ZERO) {
    R_SE = (as == bs ? as : (RC == 1 ? 1 : 0)) << 15;
    R_M = 0;
    return;
  }
  if (ka == K_ZERO) { normalize(bse, bm); round_pack(bs, NE, NM, 0); return; }
  if (kb == K_ZERO) { normalize(ase, am); round_pack(as, NE, NM, 0); return; }
  add_normal(ase, am, bse, bm);
}

// a + b for finite nonzero operands (denormals included)
function add_normal(ase: u32, am: u64, bse: u32, bm: u64): void {
  normalize(ase, am);
  let ae = NE, an = NM, sa = ase >> 15;
  normalize(bse, bm);
  let be = NE, bn = NM, sb = bse >> 15;
  if (be > ae || (be == ae && bn > an)) {
    const te = ae; ae = be; be = te;
    const tn = an; an = bn; bn = tn;
    const ts = sa; sa = sb; sb = ts;
  }
  shr128_jam(bn, 0, ae - be);
  const bh = W_HI, bl = W_LO;
  if (sa == sb) {
    let hi = an + bh;
    let lo = bl;
    let e = ae;
    if (hi < an) {
      // carry out: shift right by one, keeping the lost bit sticky
      lo = (lo >> 1) | (hi << 63) | (lo & 1);
      hi = (hi >> 1) | H;
      e++;
    }
    round_pack(sa, e, hi, lo);
    return;
  }
  const lo = 0 - bl;
  const hi = an - bh - (bl != 0 ? 1 : 0);
  if (hi == 0 && lo == 0) {
    R_SE = (RC == 1 ? 1 : 0) << 15;
    R_M = 0;
    return;
  }
  norm_round(sa, ae, hi, lo);
}

// ---- multiply

export function f_mul(ase: u32, am: u64, bse: u32, bm: u64): void {
  if (both_normal(ase, am, bse, bm) && !DEN_IN) { mul_normal(ase, am, bse, bm); return; }
  const ka = kind(ase, am), kb = kind(bse, bm);
  if (ka >= K_QNAN || kb >= K_QNAN) { nan_result(ka, ase, am, kb, bse, bm); return; }
  const sign = (ase ^ bse) >> 15;
  if ((ka == K_INF && kb == K_ZERO) || (ka == K_ZERO && kb == K_INF)) { invalid(); return; }
  if ((DEN_IN || is_denormal(ase, am) || is_denormal(bse, bm)) && denormal_stop()) return;
  if (ka == K_INF || kb == K_INF) { R_SE = (sign << 15) | 0x7fff; R_M = H; return; }
  if (ka == K_ZERO || kb == K_ZERO) { R_SE = sign << 15; R_M = 0; return; }
  mul_normal(ase, am, bse, bm);
}

// a * b for finite nonzero operands
function mul_normal(ase: u32, am: u64, bse: u32, bm: u64): void {
  const sign = (ase ^ bse) >> 15;
  normalize(ase, am);
  const ae = NE, an = NM;
  normalize(bse, bm);
  mul64(an, NM);
  let e = ae + NE - BIAS + 1;
  let hi = W_HI, lo = W_LO;
  if ((hi >> 63) == 0) {
    hi = (hi << 1) | (lo >> 63);
    lo <<= 1;
    e--;
  }
  round_pack(sign, e, hi, lo);
}

// ---- divide: a / b

export function f_div(ase: u32, am: u64, bse: u32, bm: u64): void {
  const ka = kind(ase, am), kb = kind(bse, bm);
  if (ka >= K_QNAN || kb >= K_QNAN) { nan_result(ka, ase, am, kb, bse, bm); return; }
  const sign = (ase ^ bse) >> 15;
  if ((ka == K_INF && kb == K_INF) || (ka == K_ZERO && kb == K_ZERO)) { invalid(); return; }
  // divide by zero comes before the denormal operand (SDM vol.1 §4.9.2)
  if (kb == K_ZERO && ka != K_INF) {
    FX |= FE_ZE;
    R_SE = (sign << 15) | 0x7fff;
    R_M = H;
    return;
  }
  if ((DEN_IN || is_denormal(ase, am) || is_denormal(bse, bm)) && denormal_stop()) return;
  if (ka == K_INF || kb == K_ZERO) {
    R_SE = (sign << 15) | 0x7fff;
    R_M = H;
    return;
  }
  if (ka == K_ZERO || kb == K_INF) { R_SE = sign << 15; R_M = 0; return; }
  normalize(ase, am);
  const ae = NE, an = NM;
  normalize(bse, bm);
  const be = NE, bn = NM;
  let e: i32, q: u64;
  if (an < bn) { q = div128(an, 0, bn); e = ae - be + BIAS - 1; }
  else { q = div128(an >> 1, an << 63, bn); e = ae - be + BIAS; }
  const r = DIV_REM;
  let x: u64 = 0;
  if (r != 0) {
    x = div128(r, 0, bn);
    if (DIV_REM != 0) x |= 1;
  }
  round_pack(sign, e, q, x);
}

// ---- square root

export function f_sqrt(ase: u32, am: u64): void {
  const k = kind(ase, am);
  if (k >= K_QNAN) { nan_result(k, ase, am, K_ZERO, 0, 0); return; }
  if (k == K_ZERO) { R_SE = ase; R_M = 0; return; }
  if ((ase & 0x8000) != 0) { invalid(); return; }
  if (is_denormal(ase, am) && denormal_stop()) return;
  if (k == K_INF) { R_SE = ase; R_M = am; return; }
  normalize(ase, am);
  // value = (NM / 2^63) * 2^(NE - BIAS); make the power even
  const ub = NE - BIAS;
  let nh: u64, nl: u64, e2: i32;
  if ((ub & 1) == 0) { nh = NM >> 1; nl = NM << 63; e2 = ub; }
  else { nh = NM; nl = 0; e2 = ub - 1; }
  // integer square root of N = nh:nl (2^126 <= N < 2^128), two bits at a time
  let root: u64 = 0;
  let rh: u64 = 0, rl: u64 = 0;
  for (let i = 63; i >= 0; i--) {
    // rem = rem * 4 + next two bits of N
    const two: u64 = i >= 32 ? (nh >> (<u64>(2 * i - 64))) & 3 : (nl >> (<u64>(2 * i))) & 3;
    rh = (rh << 2) | (rl >> 62);
    rl = (rl << 2) | two;
    // trial = root * 4 + 1
    const th = root >> 62, tl = (root << 2) | 1;
    if (rh > th || (rh == th && rl >= tl)) {
      const b: u64 = rl < tl ? 1 : 0;
      rl -= tl;
      rh = rh - th - b;
      root = (root << 1) | 1;
    } else root <<= 1;
  }
  // round bit: sqrt(N) - root >= 1/2 iff rem > root (never exactly a half)
  let x: u64 = 0;
  if (rh != 0 || rl > root) x = H | 1;
  else if (rl != 0) x = 1;
  round_pack(0, (e2 >> 1) + BIAS, root, x);
}

// ---- comparison: -1 less, 0 equal, 1 greater, 2 unordered. Raises IE for SNaN/unsupported
// operands, and for QNaNs too unless `quiet` (FUCOM*); DE for denormals.
export function f_compare(ase: u32, am: u64, bse: u32, bm: u64, quiet: bool): i32 {
  const ka = kind(ase, am), kb = kind(bse, bm);
  if (ka >= K_QNAN || kb >= K_QNAN) {
    if (!quiet || ka == K_SNAN || kb == K_SNAN || ka == K_BAD || kb == K_BAD) FX |= FE_IE;
    return 2;
  }
  // (an unmasked DE does not stop a comparison: the condition codes are set all the same)
  if (DEN_IN || is_denormal(ase, am) || is_denormal(bse, bm)) FX |= FE_DE;
  return f_order(ase, am, bse, bm);
}

// the order of two ordered (non-NaN, supported) values
export function f_order(ase: u32, am: u64, bse: u32, bm: u64): i32 {
  const az = (ase & 0x7fff) == 0 && am == 0, bz = (bse & 0x7fff) == 0 && bm == 0;
  if (az && bz) return 0;
  const as = ase >> 15, bs = bse >> 15;
  if (as != bs) return as != 0 ? -1 : 1;
  // same sign: compare magnitudes (denormals compare correctly after normalizing)
  let c: i32;
  if (az) c = -1;
  else if (bz) c = 1;
  else {
    normalize(ase, am);
    const ae = NE, an = NM;
    normalize(bse, bm);
    c = ae != NE ? (ae < NE ? -1 : 1) : an == NM ? 0 : an < NM ? -1 : 1;
  }
  return as != 0 ? -c : c;
}

// ---- round to integer (FRNDINT; also the first step of the integer and BCD stores).
// For finite nonzero input: the integer magnitude in RI_MAG (valid when RI_BIG is false: the
// value is below 2^64), RI_INEXACT and RI_UP (rounded up in magnitude).
export let RI_MAG: u64 = 0;
export let RI_BIG: bool = false;
export let RI_INEXACT: bool = false;
export let RI_UP: bool = false;
export function round_int(se: u32, m: u64): void {
  normalize(se, m);
  const k = NE - BIAS; // value = NM * 2^(k - 63)
  const sign = se >> 15;
  RI_BIG = false;
  RI_INEXACT = false;
  RI_UP = false;
  if (k >= 63) {
    RI_MAG = k == 63 ? NM : 0;
    RI_BIG = k > 63;
    return;
  }
  let ip: u64, rem: u64;
  if (k >= 0) { ip = NM >> (63 - k); rem = NM << (k + 1); }
  else if (k == -1) { ip = 0; rem = NM; }
  else { ip = 0; rem = 1; } // below one half: only the sticky bit matters
  RI_INEXACT = rem != 0;
  RI_UP = round_inc(sign, ip, rem);
  RI_MAG = RI_UP ? ip + 1 : ip;
}

// FRNDINT: round ST0 to an integer in the current rounding mode
export function f_rndint(se: u32, m: u64): void {
  const k = kind(se, m);
  if (k >= K_QNAN) { nan_result(k, se, m, K_ZERO, 0, 0); return; }
  if (k == K_ZERO || k == K_INF) { R_SE = se; R_M = m; return; }
  if (is_denormal(se, m) && denormal_stop()) return;
  const e = <i32>(se & 0x7fff);
  if (e >= BIAS + 63) { R_SE = se; R_M = m; return; } // already an integer
  round_int(se, m);
  if (RI_INEXACT) FX |= FE_PE;
  FUP = RI_UP;
  const sign = se & 0x8000;
  if (RI_MAG == 0) { R_SE = sign; R_M = 0; return; }
  const s = <i32>clz(RI_MAG);
  R_M = RI_MAG << s;
  R_SE = sign | <u32>(BIAS + 63 - s);
}
