// The transcendental instructions (D9 F0-FF): F2XM1 FYL2X FPTAN FPATAN FYL2XP1 FSINCOS FSIN
// FCOS (SDM vol.2; special values from their tables). The functions are evaluated with
// 128-bit significands (series after argument reduction, error far below the 64-bit result's
// last place) and rounded once, in the current rounding mode; the hardware is within one unit
// in the last place of that.
//
// FSIN/FCOS/FSINCOS/FPTAN reduce the argument modulo pi/2 with the 66-bit approximation of pi
// the x87 uses (0xC90FDAA22168C234C): for large arguments the results follow the hardware,
// not the exact function. Arguments of magnitude 2^63 and above are out of range (C2 = 1,
// nothing else changes).
import {
  FX, R_SE, R_M, BIAS, EMAX, FE_IE, FE_ZE, FE_PE, FE_DE, FE_UE, K_ZERO, K_FIN, K_INF, K_QNAN, K_BAD,
  kind, is_denormal, normalize, NE, NM, nan_result, invalid, round_to, set_result, raise_fx,
  set_fup, denormal_stop, mul64, W_HI, W_LO, div128, DIV_REM, INDEF_SE, INDEF_M,
} from "./f80";
import {
  st_se, st_m, st_empty, st_set, fpu_push, fpu_pop, stack_fault, st_set_indefinite, set_cc,
  fpu_commit_flags, set_c1_rounding, SW_C1, SW_C2,
} from "./stack";

// ---------------------------------------------------------------- 128-bit floating point
// A value in a slot: significand (hi:lo) with bit 127 set (or zero), exponent e (the value is
// (hi:lo) * 2^(e - 127)), sign s. Slots live in a scratch area (no allocation).

const BFA: usize = memory.data(32 * 24, 16);
@inline function S(i: i32): usize { return BFA + (<usize>i << 5); }
@inline function hi(p: usize): u64 { return load<u64>(p); }
@inline function lo(p: usize): u64 { return load<u64>(p, 8); }
@inline function ex(p: usize): i32 { return load<i32>(p, 16); }
@inline function sg(p: usize): u32 { return load<u32>(p, 20); }
@inline function is_zero(p: usize): bool { return (hi(p) | lo(p)) == 0; }

function put(p: usize, s: u32, e: i32, h: u64, l: u64): void {
  // normalize
  if (h == 0) {
    if (l == 0) { store<u64>(p, 0); store<u64>(p, 0, 8); store<i32>(p, 0, 16); store<u32>(p, s, 20); return; }
    h = l; l = 0; e -= 64;
  }
  const z = <i32>clz(h);
  if (z != 0) { h = (h << z) | (l >> (64 - z)); l <<= z; e -= z; }
  store<u64>(p, h);
  store<u64>(p, l, 8);
  store<i32>(p, e, 16);
  store<u32>(p, s, 20);
}
@inline function copy(d: usize, a: usize): void { put(d, sg(a), ex(a), hi(a), lo(a)); }
@inline function set_neg(p: usize, neg: bool): void { store<u32>(p, neg ? 1 : 0, 20); }

// a register value
function from_f80(d: usize, se: u32, m: u64): void {
  if ((se & 0x7fff) == 0 && m == 0) { put(d, se >> 15, 0, 0, 0); return; }
  normalize(se, m);
  put(d, se >> 15, NE - BIAS, NM, 0);
}
function from_int(d: usize, v: i32): void {
  put(d, v < 0 ? 1 : 0, 63, <u64>(v < 0 ? -v : v), 0);
}
// round to the register format (R_SE/R_M, flags)
function round_out(p: usize): void {
  if (is_zero(p)) { set_result(sg(p) << 15, 0); return; }
  round_to(sg(p), ex(p) + BIAS, hi(p), lo(p) | 1, 64, EMAX, 0x6000);
}
// An exact result (the logarithm of a power of two): the hardware reports it as inexact all
// the same (PE, and UE when it is tiny), without rounding it.
function round_exact(p: usize): void {
  if (is_zero(p)) { set_result(sg(p) << 15, 0); return; }
  round_to(sg(p), ex(p) + BIAS, hi(p), lo(p), 64, EMAX, 0x6000);
  if ((FX & FE_UE) == 0 && (R_SE & 0x7fff) == 0) raise_fx(FE_UE);
  raise_fx(FE_PE);
}

function bf_mul(d: usize, a: usize, b: usize): void {
  const s = sg(a) ^ sg(b);
  if (is_zero(a) || is_zero(b)) { put(d, s, 0, 0, 0); return; }
  const ah = hi(a), al = lo(a), bh = hi(b), bl = lo(b);
  mul64(al, bl); const p0h = W_HI;
  mul64(al, bh); const p1l = W_LO, p1h = W_HI;
  mul64(ah, bl); const p2l = W_LO, p2h = W_HI;
  mul64(ah, bh); const p3l = W_LO, p3h = W_HI;
  // w1 = p0h + p1l + p2l (carries into w2)
  let w1 = p0h + p1l;
  let c: u64 = w1 < p1l ? 1 : 0;
  w1 += p2l;
  c += w1 < p2l ? 1 : 0;
  let w2 = p1h + c;
  let c2: u64 = w2 < c ? 1 : 0;
  w2 += p2h;
  c2 += w2 < p2h ? 1 : 0;
  w2 += p3l;
  c2 += w2 < p3l ? 1 : 0;
  const w3 = p3h + c2;
  const e = ex(a) + ex(b);
  if ((w3 >> 63) != 0) put(d, s, e + 1, w3, w2);
  else put(d, s, e, (w3 << 1) | (w2 >> 63), (w2 << 1) | (w1 >> 63));
}

// d = a + b
function bf_add(d: usize, a: usize, b: usize): void {
  if (is_zero(b)) { copy(d, a); return; }
  if (is_zero(a)) { copy(d, b); return; }
  let xa = a, xb = b;
  // |xa| >= |xb|
  if (ex(b) > ex(a) || (ex(b) == ex(a) && (hi(b) > hi(a) || (hi(b) == hi(a) && lo(b) > lo(a))))) { xa = b; xb = a; }
  const sh = ex(xa) - ex(xb);
  // the smaller operand aligned, the bits shifted out jammed into bit 0 (so a tiny term still
  // moves the sum off an exact value, in the right direction)
  let bh = hi(xb), bl = lo(xb);
  if (sh >= 128) { bh = 0; bl = 1; }
  else if (sh >= 64) {
    const lost = sh == 64 ? bl : (bl | (bh << (128 - sh)));
    bl = (sh == 64 ? bh : bh >> (sh - 64)) | (lost != 0 ? 1 : 0);
    bh = 0;
  } else if (sh > 0) {
    const lost = bl << (64 - sh);
    bl = (bl >> sh) | (bh << (64 - sh)) | (lost != 0 ? 1 : 0);
    bh >>= sh;
  }
  const ah = hi(xa), al = lo(xa);
  const s = sg(xa);
  if (sg(xa) == sg(xb)) {
    const l = al + bl;
    const c: u64 = l < al ? 1 : 0;
    const h1 = ah + bh;
    const c1: u64 = h1 < ah ? 1 : 0;
    const h = h1 + c;
    const carry = c1 | (h < c ? 1 : 0);
    if (carry != 0) put(d, s, ex(xa) + 1, (h >> 1) | 0x8000000000000000, (l >> 1) | (h << 63));
    else put(d, s, ex(xa), h, l);
  } else {
    const l = al - bl;
    const br: u64 = al < bl ? 1 : 0;
    const h = ah - bh - br;
    put(d, s, ex(xa), h, l);
  }
}
function bf_sub(d: usize, a: usize, b: usize): void {
  store<u32>(b, sg(b) ^ 1, 20);
  bf_add(d, a, b);
  if (d != b) store<u32>(b, sg(b) ^ 1, 20);
}

// d = a / b (b nonzero): 128 quotient bits by shift and subtract
function bf_div(d: usize, a: usize, b: usize): void {
  const s = sg(a) ^ sg(b);
  if (is_zero(a)) { put(d, s, 0, 0, 0); return; }
  let rh = hi(a), rl = lo(a);
  const vh = hi(b), vl = lo(b);
  let qh: u64 = 0, ql: u64 = 0;
  for (let i = 0; i < 128; i++) {
    let top = false;
    if (i > 0) {
      top = (rh >> 63) != 0;
      rh = (rh << 1) | (rl >> 63);
      rl <<= 1;
    }
    qh = (qh << 1) | (ql >> 63);
    ql <<= 1;
    if (top || rh > vh || (rh == vh && rl >= vl)) {
      const br: u64 = rl < vl ? 1 : 0;
      rl -= vl;
      rh = rh - vh - br;
      ql |= 1;
    }
  }
  put(d, s, ex(a) - ex(b), qh, ql);
}

// d = a / k for a small positive integer k: (hi:lo) * 2^64 / k in 32-bit digits, normalized
function bf_div_small(d: usize, a: usize, k: u32): void {
  const kk = <u64>k;
  const h = hi(a), l = lo(a);
  let r: u64 = 0;
  let t = (r << 32) | (h >> 32); const q5 = t / kk; r = t % kk;
  t = (r << 32) | (h & 0xffffffff); const q4 = t / kk; r = t % kk;
  t = (r << 32) | (l >> 32); const q3 = t / kk; r = t % kk;
  t = (r << 32) | (l & 0xffffffff); const q2 = t / kk; r = t % kk;
  t = r << 32; const q1 = t / kk; r = t % kk;
  t = r << 32; const q0 = t / kk;
  const QH = (q5 << 32) | q4, QM = (q3 << 32) | q2, QL = (q1 << 32) | q0;
  if (QH == 0) { put(d, sg(a), ex(a) - 64, QM, QL); return; }
  const z = <i32>clz(QH);
  let H = QH, L = QM;
  if (z != 0) { H = (QH << z) | (QM >> (64 - z)); L = (QM << z) | (QL >> (64 - z)); }
  put(d, sg(a), ex(a) - z, H, L);
}

function set_const(d: usize, h: u64, l: u64, e: i32): void { put(d, 0, e, h, l); }
function set_one(d: usize): void { put(d, 0, 0, 0x8000000000000000, 0); }

// the constants (128 bits)
function c_pi(d: usize): void { set_const(d, 0xc90fdaa22168c234, 0xc4c6628b80dc1cd1, 1); }
function c_ln2(d: usize): void { set_const(d, 0xb17217f7d1cf79ab, 0xc9e3b39803f2f6af, -1); }
function c_log2e(d: usize): void { set_const(d, 0xb8aa3b295c17f0bb, 0xbe87fed0691d3e88, 0); }

// slot numbers
const T0 = 0, T1 = 1, T2 = 2, T3 = 3, T4 = 4, T5 = 5, T6 = 6, T7 = 7, T8 = 8, T9 = 9;

// ---------------------------------------------------------------- series

// sin(r) into d (|r| <= 0.8): r - r^3/3! + r^5/5! ...
function bf_sin(d: usize, r: usize): void {
  bf_mul(S(T7), r, r); // r^2
  copy(S(T8), r); // term
  copy(d, r); // sum
  for (let k: u32 = 1; k < 40; k++) {
    bf_mul(S(T8), S(T8), S(T7));
    bf_div_small(S(T8), S(T8), (2 * k) * (2 * k + 1));
    set_neg(S(T8), !(sg(S(T8)) != 0)); // alternate
    bf_add(d, d, S(T8));
    if (is_zero(S(T8)) || ex(S(T8)) < ex(d) - 130) break;
  }
}
// cos(r) into d: 1 - r^2/2! + r^4/4! ...
function bf_cos(d: usize, r: usize): void {
  bf_mul(S(T7), r, r);
  set_one(S(T8));
  set_one(d);
  for (let k: u32 = 1; k < 40; k++) {
    bf_mul(S(T8), S(T8), S(T7));
    bf_div_small(S(T8), S(T8), (2 * k - 1) * (2 * k));
    set_neg(S(T8), !(sg(S(T8)) != 0));
    bf_add(d, d, S(T8));
    if (is_zero(S(T8)) || ex(S(T8)) < ex(d) - 130) break;
  }
}
// e^y - 1 into d (|y| <= 0.7): y + y^2/2! + ...
function bf_expm1(d: usize, y: usize): void {
  copy(S(T8), y);
  copy(d, y);
  for (let k: u32 = 2; k < 60; k++) {
    bf_mul(S(T8), S(T8), y);
    bf_div_small(S(T8), S(T8), k);
    bf_add(d, d, S(T8));
    if (is_zero(S(T8)) || ex(S(T8)) < ex(d) - 130) break;
  }
}
// atanh(t) into d (|t| <= 0.18): t + t^3/3 + t^5/5 ...
function bf_atanh(d: usize, t: usize): void {
  bf_mul(S(T7), t, t);
  copy(S(T8), t); // power
  copy(d, t);
  for (let k: u32 = 1; k < 60; k++) {
    bf_mul(S(T8), S(T8), S(T7));
    bf_div_small(S(T9), S(T8), 2 * k + 1);
    bf_add(d, d, S(T9));
    if (is_zero(S(T9)) || ex(S(T9)) < ex(d) - 130) break;
  }
}
// atan(w) into d (|w| <= 0.42): w - w^3/3 + w^5/5 ...
function bf_atan_small(d: usize, w: usize): void {
  bf_mul(S(T7), w, w);
  copy(S(T8), w);
  copy(d, w);
  for (let k: u32 = 1; k < 80; k++) {
    bf_mul(S(T8), S(T8), S(T7));
    set_neg(S(T8), !(sg(S(T8)) != 0));
    bf_div_small(S(T9), S(T8), 2 * k + 1);
    bf_add(d, d, S(T9));
    if (is_zero(S(T9)) || ex(S(T9)) < ex(d) - 130) break;
  }
}

// log2 of a positive value in slot x (not T3-T9) into d
function bf_log2(d: usize, x: usize): void {
  let e = ex(x);
  // m in [sqrt(1/2), sqrt(2)): compare with sqrt(2) = 1.6A09E667F3BCC908...
  let me: i32 = 0;
  if (hi(x) > 0xb504f333f9de6484 || (hi(x) == 0xb504f333f9de6484 && lo(x) > 0x597d89b3754abe9f)) { me = -1; e += 1; }
  put(S(T3), 0, me, hi(x), lo(x)); // m
  set_one(S(T4));
  bf_sub(S(T5), S(T3), S(T4)); // m - 1
  bf_add(S(T6), S(T3), S(T4)); // m + 1
  bf_div(S(T5), S(T5), S(T6)); // t
  bf_atanh(S(T6), S(T5));
  put(S(T6), sg(S(T6)), ex(S(T6)) + 1, hi(S(T6)), lo(S(T6))); // 2 atanh(t) = ln m
  c_log2e(S(T4));
  bf_mul(S(T6), S(T6), S(T4)); // log2 m
  from_int(S(T4), e);
  bf_add(d, S(T4), S(T6));
}

// ---------------------------------------------------------------- argument reduction

// Reduce x (|x| < 2^63, finite nonzero, in slot-free form se/m) modulo P/2, P the x87's
// 66-bit pi: RED_Q = quadrant (0..3), the reduced argument in slot d (|r| <= P/4 + tiny).
let RED_Q: i32 = 0;
const K_HI: u64 = 0x3; // K = P/2 in units of 2^-65: (0xC90FDAA22168C234 << 2) | 3 (66 bits)
const K_MID: u64 = 0x243f6a8885a308d3; // bits 0..63 of K: 0xC90FDAA22168C234 << 2 | 3, low 64 bits
function reduce(d: usize, se: u32, m: u64): void {
  normalize(se, m);
  const k = NE - BIAS; // |x| = NM * 2^(k - 63)
  const neg = (se & 0x8000) != 0;
  if (k < -1) {
    // |x| < 1/2: nothing to reduce
    RED_Q = 0;
    put(d, neg ? 1 : 0, k, NM, 0);
    return;
  }
  // X = |x| * 2^65 as a 128-bit integer (k <= 62: shift by k + 2 <= 64)
  const sh = k + 2;
  let xh: u64, xl: u64;
  if (sh == 64) { xh = NM; xl = 0; }
  else { xh = NM >> (64 - sh); xl = NM << sh; }
  // q = round(X / K): estimate with the top 64 bits of K (K >> 2 = 0xC90FDAA22168C234)
  const kd: u64 = 0xc90fdaa22168c234;
  // (X >> 2) / kd
  const x2h = xh >> 2, x2l = (xl >> 2) | (xh << 62);
  let q = div128(x2h, x2l, kd);
  // r = X - q*K (mod 2^128), K = K_HI:K_MID
  mul64(q, K_MID);
  let ph = W_HI + q * K_HI, pl = W_LO;
  let rl = xl - pl;
  let rh = xh - ph - (xl < pl ? 1 : 0);
  // bring r into [-K/2, K/2]: r is in [0, 2K) roughly; as signed 128-bit
  // K/2 = K >> 1
  const kh2 = K_HI >> 1, kl2 = (K_MID >> 1) | (K_HI << 63);
  for (let i = 0; i < 4; i++) {
    const negr = <i64>rh < 0;
    if (negr) {
      // r < -K/2 ? add K
      // -r > K/2
      const nl = 0 - rl, nh = 0 - rh - (rl != 0 ? 1 : 0);
      if (nh > kh2 || (nh == kh2 && nl > kl2)) {
        const l2 = rl + K_MID;
        rh = rh + K_HI + (l2 < rl ? 1 : 0);
        rl = l2;
        q--;
        continue;
      }
    } else if (rh > kh2 || (rh == kh2 && rl > kl2)) {
      const l2 = rl - K_MID;
      rh = rh - K_HI - (rl < K_MID ? 1 : 0);
      rl = l2;
      q++;
      continue;
    }
    break;
  }
  let rneg = <i64>rh < 0;
  if (rneg) { const nl = 0 - rl; rh = 0 - rh - (rl != 0 ? 1 : 0); rl = nl; }
  // r * 2^-65, sign: negative x flips everything
  RED_Q = <i32>(q & 3);
  if (neg) { RED_Q = (4 - RED_Q) & 3; rneg = !rneg; }
  put(d, rneg ? 1 : 0, 127 - 65, rh, rl);
}

// sin (want_cos false) or cos of the reduced argument in slot r with quadrant q into d
function sin_cos_q(d: usize, r: usize, q: i32, want_cos: bool): void {
  // sin(r + q*pi/2): q=0 sin r, 1 cos r, 2 -sin r, 3 -cos r; cos(r + q pi/2) = sin(r + (q+1) pi/2)
  const qq = want_cos ? (q + 1) & 3 : q;
  if ((qq & 1) == 0) bf_sin(d, r); else bf_cos(d, r);
  if (qq >= 2) set_neg(d, sg(d) == 0);
}

// ---------------------------------------------------------------- the instructions

const ONE_SE: u32 = 0x3fff;
const ONE_M: u64 = 0x8000000000000000;

// deliver R_* to ST(i) (if no unmasked IE/DE/ZE) with C1 from the rounding
function deliver(i: u32): bool {
  if (fpu_commit_flags()) {
    st_set(i, R_SE, R_M);
    set_c1_rounding();
    return true;
  }
  set_cc(0, SW_C1);
  return false;
}

// FSIN FCOS FSINCOS FPTAN
function trig(op: u32): void {
  const two = op == 0xfb || op == 0xf2; // FSINCOS, FPTAN push a second result
  if (st_empty(0)) {
    if (stack_fault(false)) {
      st_set_indefinite(0);
      if (two) { fpu_push(); st_set_indefinite(0); }
    }
    set_cc(0, SW_C2);
    return;
  }
  if (two && !st_empty(7)) {
    if (stack_fault(true)) { st_set_indefinite(0); fpu_push(); st_set_indefinite(0); }
    set_cc(0, SW_C2);
    return;
  }
  const se = st_se(0), m = st_m(0);
  const k = kind(se, m);
  if (k >= K_QNAN || k == K_INF) {
    if (k == K_INF) invalid(); else nan_result(k, se, m, K_ZERO, 0, 0);
    set_cc(0, SW_C2);
    if (!fpu_commit_flags()) { set_cc(0, SW_C1); return; }
    const rse = R_SE, rm = R_M;
    st_set(0, rse, rm);
    if (two) { fpu_push(); st_set(0, rse, rm); }
    set_cc(0, SW_C1);
    return;
  }
  if (k == K_FIN && (se & 0x7fff) >= <u32>(BIAS + 63)) {
    set_cc(SW_C2, SW_C2 | SW_C1); // out of range: nothing else changes
    return;
  }
  set_cc(0, SW_C2);
  if (is_denormal(se, m) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
  if (k == K_ZERO) {
    // sin 0 = 0, cos 0 = 1, tan 0 = 0 (exact)
    if (op == 0xff) { set_result(ONE_SE, ONE_M); deliver(0); return; }
    set_result(se, 0);
    if (!deliver(0)) return;
    if (op == 0xf2) { fpu_push(); st_set(0, ONE_SE, ONE_M); }
    else if (op == 0xfb) { fpu_push(); st_set(0, ONE_SE, ONE_M); }
    return;
  }
  reduce(S(T0), se, m);
  const q = RED_Q;
  if (op == 0xfe || op == 0xff) {
    sin_cos_q(S(T1), S(T0), q, op == 0xff);
    round_out(S(T1));
    deliver(0);
    return;
  }
  if (op == 0xfb) {
    // ST0 = sin, then push cos: the flags of both roundings
    sin_cos_q(S(T1), S(T0), q, false);
    sin_cos_q(S(T2), S(T0), q, true);
    round_out(S(T2));
    const cse = R_SE, cm = R_M;
    round_out(S(T1));
    const sse = R_SE, sm = R_M;
    if (!fpu_commit_flags()) { set_cc(0, SW_C1); return; }
    st_set(0, sse, sm);
    fpu_push();
    st_set(0, cse, cm);
    set_c1_rounding(); // (the sine's rounding)
    return;
  }
  // FPTAN: tan then push 1.0
  sin_cos_q(S(T1), S(T0), q, false);
  sin_cos_q(S(T2), S(T0), q, true);
  bf_div(S(T3), S(T1), S(T2));
  round_out(S(T3));
  if (!deliver(0)) return;
  fpu_push();
  st_set(0, ONE_SE, ONE_M);
}

// F2XM1: 2^x - 1 for |x| <= 1 (outside: ST0 is left as it is, with PE, as the hardware the
// vectors come from does; the manual leaves the result undefined)
function f2xm1(): void {
  if (st_empty(0)) { if (stack_fault(false)) st_set_indefinite(0); return; }
  const se = st_se(0), m = st_m(0);
  const k = kind(se, m);
  if (k >= K_QNAN) { nan_result(k, se, m, K_ZERO, 0, 0); deliver(0); return; }
  if (k == K_INF) {
    if ((se & 0x8000) != 0) set_result(0xbfff, ONE_M); else set_result(se, m);
    deliver(0);
    return;
  }
  if (k == K_ZERO) { set_result(se, m); deliver(0); return; }
  if (is_denormal(se, m) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
  const e = <i32>(se & 0x7fff);
  if (e > BIAS || (e == BIAS && m != ONE_M)) {
    raise_fx(FE_PE);
    set_fup(false);
    set_result(se, m);
    deliver(0);
    return;
  }
  if (e == BIAS) {
    // 2^1 - 1 = 1, 2^-1 - 1 = -1/2 (the hardware reports them inexact)
    raise_fx(FE_PE);
    if ((se & 0x8000) != 0) set_result(0xbffe, ONE_M); else set_result(se, m);
    deliver(0);
    return;
  }
  // y = x ln 2, e^y - 1
  from_f80(S(T0), se, m);
  c_ln2(S(T1));
  bf_mul(S(T0), S(T0), S(T1));
  bf_expm1(S(T2), S(T0));
  round_out(S(T2));
  deliver(0);
}

// FYL2X (p1 = false): ST1 = ST1 * log2(ST0); FYL2XP1: ST1 = ST1 * log2(ST0 + 1); then pop
function fyl2x(p1: bool): void {
  if (st_empty(0) || st_empty(1)) {
    if (stack_fault(false)) { st_set_indefinite(1); fpu_pop(); }
    return;
  }
  const xse = st_se(0), xm = st_m(0), yse = st_se(1), ym = st_m(1);
  const kx = kind(xse, xm), ky = kind(yse, ym);
  if (kx >= K_QNAN || ky >= K_QNAN) {
    nan_result(kx, xse, xm, ky, yse, ym);
    if (deliver(1)) fpu_pop();
    return;
  }
  const xneg = (xse & 0x8000) != 0, yneg = (yse & 0x8000) != 0;
  const ys = yse & 0x8000;
  if (!p1) {
    // special values, SDM vol.2 FYL2X table
    if (xneg && kx != K_ZERO) { invalid(); if (deliver(1)) fpu_pop(); return; }
    if (kx == K_ZERO) {
      if (ky == K_ZERO) { invalid(); if (deliver(1)) fpu_pop(); return; }
      if (ky == K_FIN) raise_fx(FE_ZE); // (before a denormal y)
      // -inf for +y, +inf for -y
      set_result((yneg ? 0 : 0x8000) | 0x7fff, ONE_M);
      if (deliver(1)) fpu_pop();
      return;
    }
    const xone = kx == K_FIN && xse == ONE_SE && xm == ONE_M;
    if (kx == K_INF) {
      if (ky == K_ZERO) { invalid(); if (deliver(1)) fpu_pop(); return; }
      if (is_denormal(yse, ym) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
      set_result(ys | 0x7fff, ONE_M);
      if (deliver(1)) fpu_pop();
      return;
    }
    if (ky == K_INF) {
      if (xone) { invalid(); if (deliver(1)) fpu_pop(); return; }
      if (is_denormal(xse, xm) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
      // log2 x < 0 flips the sign
      const below = (xse & 0x7fff) < <u32>BIAS;
      set_result((below ? ys ^ 0x8000 : ys) | 0x7fff, ONE_M);
      if (deliver(1)) fpu_pop();
      return;
    }
    if ((is_denormal(xse, xm) || is_denormal(yse, ym)) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
    if (ky == K_ZERO || xone) {
      // +-0: the sign is that of y times the sign of log2 x (x = 1: log2 x = +0)
      const below = !xone && (xse & 0x7fff) < <u32>BIAS;
      set_result(below ? ys ^ 0x8000 : ys, 0);
      if (deliver(1)) fpu_pop();
      return;
    }
    from_f80(S(T2), xse, xm);
    bf_log2(S(T0), S(T2));
    from_f80(S(T1), yse, ym);
    bf_mul(S(T2), S(T0), S(T1));
    if (exact_log(xm)) round_exact(S(T2)); else round_out(S(T2));
    if (deliver(1)) fpu_pop();
    return;
  }
  // FYL2XP1 (SDM vol.2 table): x in (-(1 - sqrt(2)/2), 1 - sqrt(2)/2); computed for any x > -1
  if (kx == K_INF && !xneg) {
    // log2(1 + inf) = inf: as FYL2X with x = +inf
    if (ky == K_ZERO) { invalid(); if (deliver(1)) fpu_pop(); return; }
    if (is_denormal(yse, ym) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
    set_result((yse & 0x8000) | 0x7fff, ONE_M);
    if (deliver(1)) fpu_pop();
    return;
  }
  if (kx == K_INF || (xneg && kx == K_FIN && (xse & 0x7fff) >= <u32>BIAS)) {
    invalid(); // x <= -1 (or infinite): log2 of a non-positive number
    if (deliver(1)) fpu_pop();
    return;
  }
  if (kx == K_ZERO) {
    if (ky == K_INF) { invalid(); if (deliver(1)) fpu_pop(); return; }
    if (is_denormal(yse, ym) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
    set_result((xse ^ yse) & 0x8000, 0);
    if (deliver(1)) fpu_pop();
    return;
  }
  if (is_denormal(xse, xm) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
  if (ky == K_INF) {
    set_result(((xse ^ yse) & 0x8000) | 0x7fff, ONE_M);
    if (deliver(1)) fpu_pop();
    return;
  }
  if (is_denormal(yse, ym) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
  if (ky == K_ZERO) {
    set_result((xse ^ yse) & 0x8000, 0);
    if (deliver(1)) fpu_pop();
    return;
  }
  // 1 + x a power of two: the logarithm is an exact integer
  from_f80(S(T0), xse, xm);
  set_one(S(T1));
  bf_add(S(T1), S(T1), S(T0));
  if (lo(S(T1)) == 0 && hi(S(T1)) == 0x8000000000000000) {
    from_int(S(T2), ex(S(T1)));
    from_f80(S(T1), yse, ym);
    bf_mul(S(T2), S(T2), S(T1));
    round_exact(S(T2));
    if (deliver(1)) fpu_pop();
    return;
  }
  if ((xse & 0x7fff) >= 0x3ffd) {
    // |x| >= 1/4 (beyond the documented range): the logarithm of 1 + x itself
    bf_log2(S(T2), S(T1));
    from_f80(S(T1), yse, ym);
    bf_mul(S(T2), S(T2), S(T1));
    round_out(S(T2));
    if (deliver(1)) fpu_pop();
    return;
  }
  // log2(1 + x) = 2 atanh(x / (2 + x)) / ln 2
  put(S(T1), 0, 1, 0x8000000000000000, 0); // 2
  bf_add(S(T1), S(T1), S(T0));
  bf_div(S(T2), S(T0), S(T1));
  bf_atanh(S(T3), S(T2));
  put(S(T3), sg(S(T3)), ex(S(T3)) + 1, hi(S(T3)), lo(S(T3)));
  c_log2e(S(T4));
  bf_mul(S(T3), S(T3), S(T4));
  from_f80(S(T1), yse, ym);
  bf_mul(S(T2), S(T3), S(T1));
  round_out(S(T2));
  if (deliver(1)) fpu_pop();
}
// log2 of a power of two is exact
@inline function exact_log(m: u64): bool { return m == ONE_M; }

// FPATAN: ST1 = arctan(ST1 / ST0) with the quadrant of (ST0, ST1); pop
function fpatan(): void {
  if (st_empty(0) || st_empty(1)) {
    if (stack_fault(false)) { st_set_indefinite(1); fpu_pop(); }
    return;
  }
  const xse = st_se(0), xm = st_m(0), yse = st_se(1), ym = st_m(1);
  const kx = kind(xse, xm), ky = kind(yse, ym);
  if (kx >= K_QNAN || ky >= K_QNAN) {
    nan_result(kx, xse, xm, ky, yse, ym);
    if (deliver(1)) fpu_pop();
    return;
  }
  if ((is_denormal(xse, xm) || is_denormal(yse, ym)) && denormal_stop()) { fpu_commit_flags(); set_cc(0, SW_C1); return; }
  const xneg = (xse & 0x8000) != 0;
  const ys = (yse >> 15) & 1;
  // angle in slot T5 as a multiple: special values give exact fractions of pi
  if (ky == K_ZERO || kx == K_INF || ky == K_INF) {
    // results: 0, pi, pi/2, pi/4, 3pi/4
    let num: i32 = 0; // in quarters of pi
    if (ky == K_INF) {
      if (kx == K_INF) num = xneg ? 3 : 1;
      else num = 2;
    } else if (ky == K_ZERO) {
      num = xneg ? 4 : 0; // y = +-0: 0 or pi (x = -0 counts as negative)
    } else {
      // x = +-inf, y finite nonzero
      num = xneg ? 4 : 0;
    }
    if (num == 0) { set_result(ys << 15, 0); if (deliver(1)) fpu_pop(); return; }
    c_pi(S(T5));
    from_int(S(T6), num);
    bf_mul(S(T5), S(T5), S(T6));
    put(S(T5), ys, ex(S(T5)) - 2, hi(S(T5)), lo(S(T5)));
    round_out(S(T5));
    if (deliver(1)) fpu_pop();
    return;
  }
  if (kx == K_ZERO) {
    // +-pi/2
    c_pi(S(T5));
    put(S(T5), ys, ex(S(T5)) - 1, hi(S(T5)), lo(S(T5)));
    round_out(S(T5));
    if (deliver(1)) fpu_pop();
    return;
  }
  from_f80(S(T0), xse & 0x7fff, xm); // |x|
  from_f80(S(T1), yse & 0x7fff, ym); // |y|
  const swap = ex(S(T1)) > ex(S(T0)) || (ex(S(T1)) == ex(S(T0)) && (hi(S(T1)) > hi(S(T0))));
  if (swap) bf_div(S(T2), S(T0), S(T1)); else bf_div(S(T2), S(T1), S(T0)); // z in [0, 1]
  // z > tan(pi/8) = 0.41421356...: atan z = pi/4 + atan((z - 1)/(z + 1))
  const big = ex(S(T2)) >= -1 || (ex(S(T2)) == -2 && hi(S(T2)) > 0xd413cccfe7799211);
  if (big) {
    set_one(S(T3));
    bf_sub(S(T4), S(T2), S(T3));
    bf_add(S(T6), S(T2), S(T3));
    bf_div(S(T4), S(T4), S(T6));
    bf_atan_small(S(T5), S(T4));
    c_pi(S(T6));
    put(S(T6), 0, ex(S(T6)) - 2, hi(S(T6)), lo(S(T6))); // pi/4
    bf_add(S(T5), S(T5), S(T6));
  } else bf_atan_small(S(T5), S(T2));
  if (swap) {
    // pi/2 - a
    c_pi(S(T6));
    put(S(T6), 0, ex(S(T6)) - 1, hi(S(T6)), lo(S(T6)));
    bf_sub(S(T5), S(T6), S(T5));
  }
  if (xneg) {
    c_pi(S(T6));
    bf_sub(S(T5), S(T6), S(T5));
  }
  set_neg(S(T5), ys != 0);
  round_out(S(T5));
  if (deliver(1)) fpu_pop();
}

export function f_trans(op: u32): void {
  switch (op) {
    case 0xf0: f2xm1(); break;
    case 0xf1: fyl2x(false); break;
    case 0xf9: fyl2x(true); break;
    case 0xf3: fpatan(); break;
    default: trig(op); break;
  }
}

