// FSUB (a - b without disturbing NaN signs), FSCALE, FXTRACT, FPREM/FPREM1 (SDM vol.2).
import {
  FX, R_SE, R_M, BIAS, FE_IE, FE_DE, FE_ZE, K_ZERO, K_FIN, K_INF, K_QNAN, K_BAD,
  kind, is_denormal, normalize, NE, NM, nan_result, invalid, f_add, round_to, EMAX,
  set_result, raise_fx, den_in, denormal_stop,
} from "./f80";
import { SW_C0, SW_C1, SW_C2, SW_C3 } from "./stack";

// a - b
export function f_sub(ase: u32, am: u64, bse: u32, bm: u64): void {
  const ka = kind(ase, am), kb = kind(bse, bm);
  if (ka >= K_QNAN || kb >= K_QNAN) { nan_result(ka, ase, am, kb, bse, bm); return; }
  f_add(ase, am, bse ^ 0x8000, bm);
}

// FSCALE: a * 2^trunc(b) (SDM vol.2 FSCALE, table 3-45)
export function f_scale(ase: u32, am: u64, bse: u32, bm: u64): void {
  const ka = kind(ase, am), kb = kind(bse, bm);
  if (ka >= K_QNAN || kb >= K_QNAN) { nan_result(ka, ase, am, kb, bse, bm); return; }
  if ((den_in() || is_denormal(ase, am) || is_denormal(bse, bm)) && denormal_stop()) return;
  const bneg = (bse & 0x8000) != 0;
  if (kb == K_INF) {
    if (ka == K_ZERO) { if (!bneg) { invalid(); return; } set_result(ase, am); return; }
    if (ka == K_INF) { if (bneg) { invalid(); return; } set_result(ase, am); return; }
    if (bneg) set_result(ase & 0x8000, 0);
    else set_result(ase | 0x7fff, 0x8000000000000000);
    return;
  }
  if (ka == K_ZERO || ka == K_INF) { set_result(ase, am); return; }
  // n = trunc(b), clamped far beyond any exponent range
  let n: i32 = 0;
  if (kb == K_FIN) {
    normalize(bse, bm);
    const k = NE - BIAS;
    if (k >= 20) n = 1 << 20;
    else if (k >= 0) n = <i32>(NM >> (63 - k));
    if (bneg) n = -n;
  }
  normalize(ase, am);
  round_to(ase >> 15, NE + n, NM, 0, 64, EMAX, 0x6000);
}

// FXTRACT: R_* = the significand (exponent 0, sign of a), X_SE/X_M = the unbiased exponent
export let X_SE: u32 = 0;
export let X_M: u64 = 0;
export function f_xtract(ase: u32, am: u64): void {
  const k = kind(ase, am);
  if (k >= K_QNAN) {
    nan_result(k, ase, am, K_ZERO, 0, 0);
    X_SE = R_SE;
    X_M = R_M;
    return;
  }
  if (k == K_ZERO) {
    raise_fx(FE_ZE);
    X_SE = 0xffff; // -infinity
    X_M = 0x8000000000000000;
    set_result(ase, 0);
    return;
  }
  if (k == K_INF) {
    X_SE = 0x7fff;
    X_M = 0x8000000000000000;
    set_result(ase, am);
    return;
  }
  if (is_denormal(ase, am) && denormal_stop()) return;
  normalize(ase, am);
  set_result((ase & 0x8000) | <u32>BIAS, NM);
  const e = NE - BIAS;
  if (e == 0) { X_SE = 0; X_M = 0; return; }
  const mag: u64 = <u64>(e < 0 ? -e : e);
  const s = <i32>clz(mag);
  X_M = mag << s;
  X_SE = (e < 0 ? 0x8000 : 0) | <u32>(BIAS + 63 - s);
}

// FPREM / FPREM1 (SDM vol.2): the partial remainder of a by b. A reduction is complete when the
// exponent difference D is below 64; otherwise the remainder is reduced by 2^(D-N) multiples
// of b with N = 32 + (D mod 32) (what the hardware the vectors come from does; the manual
// leaves N between 32 and 63 to the implementation) and C2 says it is incomplete.
// PREM_CC: the condition codes, PREM_CC_MASK: which ones the instruction sets.
export let PREM_CC: u32 = 0;
export let PREM_CC_MASK: u32 = 0;
export function f_prem(ase: u32, am: u64, bse: u32, bm: u64, ieee: bool): void {
  PREM_CC = 0;
  // NaN and invalid operands: C1 = C2 = 0, C0 and C3 unchanged
  PREM_CC_MASK = SW_C1 | SW_C2;
  const ka = kind(ase, am), kb = kind(bse, bm);
  if (ka >= K_QNAN || kb >= K_QNAN) { nan_result(ka, ase, am, kb, bse, bm); return; }
  if (ka == K_INF || kb == K_ZERO) { invalid(); return; }
  PREM_CC_MASK = SW_C0 | SW_C1 | SW_C2 | SW_C3;
  if ((is_denormal(ase, am) || is_denormal(bse, bm)) && denormal_stop()) return;
  if (ka == K_ZERO || kb == K_INF) {
    normalize_copy(ase, am);
    return;
  }
  normalize(ase, am);
  const ae = NE, an = NM;
  normalize(bse, bm);
  let be = NE;
  const bn = NM;
  const sign = ase & 0x8000;
  let d = ae - be;
  let partial = false;
  if (d >= 64) {
    partial = true;
    const n = 32 + (d & 31);
    be += d - n;
    d = n;
  }
  if (d < 0) {
    // |a| < |b|: quotient 0, unless FPREM1 rounds a quotient in [1/2, 1) up to 1
    if (ieee && d == -1 && an > bn) {
      // remainder |b| - |a| with the opposite sign
      const r = (bn << 1) - an; // in units of 2^(ae - BIAS - 63)... (2*bn - an) * 2^(be-1)
      PREM_CC = SW_C1;
      result_from(sign ^ 0x8000, ae, r);
      return;
    }
    normalize_copy(ase, am);
    return;
  }
  // long division: d + 1 quotient bits (r may need 65 bits after a shift: `top`)
  let r = an;
  let q: u64 = 0;
  for (let i = 0; i <= d; i++) {
    let top = false;
    if (i > 0) { top = (r >> 63) != 0; r <<= 1; }
    q <<= 1;
    if (top || r >= bn) { r -= bn; q |= 1; }
  }
  let rs = sign;
  if (ieee && !partial && r != 0) {
    // round the quotient to nearest (ties to even): compare 2r with b
    const twice_hi = r >> 63, twice = r << 1;
    if (twice_hi != 0 || twice > bn || (twice == bn && (q & 1) != 0)) {
      r = bn - r;
      q++;
      rs ^= 0x8000;
    }
  }
  if (partial) PREM_CC = SW_C2;
  else {
    PREM_CC = ((q & 4) != 0 ? SW_C0 : 0) | ((q & 2) != 0 ? SW_C3 : 0) | ((q & 1) != 0 ? SW_C1 : 0);
  }
  if (r == 0) { set_result(sign, 0); return; }
  result_from(rs, be, r);
}

// r * 2^(e - BIAS - 63) for a nonzero remainder r, exact (may be denormal)
function result_from(sign: u32, e: i32, r: u64): void {
  const s = <i32>clz(r);
  round_to(sign >> 15, e - s, r << s, 0, 64, EMAX, 0x6000);
}

// a finite value passed through (denormals raise UE/PE as an exact tiny result would)
function normalize_copy(ase: u32, am: u64): void {
  if ((ase & 0x7fff) == 0 && am == 0) { set_result(ase, am); return; }
  if (kind(ase, am) == K_INF) { set_result(ase, am); return; }
  normalize(ase, am);
  round_to(ase >> 15, NE, NM, 0, 64, EMAX, 0x6000);
}

