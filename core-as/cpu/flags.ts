// EFLAGS with lazily evaluated arithmetic flags (the Bochs approach, cpu/lazy_flags.h):
// a flag-setting instruction records its operation, size, operands and result; CF PF AF ZF SF
// OF are only computed when something reads them. LF_MASK says which of the six are lazy; the
// others (and every system flag) are in EFLAGS.
import { EFLAGS, LF_MASK, LF_OP, LF_SIZE, LF_RES, LF_SRC1, LF_SRC2 } from "../state";

export const F_CF: u32 = 0x1;
export const F_PF: u32 = 0x4;
export const F_AF: u32 = 0x10;
export const F_ZF: u32 = 0x40;
export const F_SF: u32 = 0x80;
export const F_TF: u32 = 0x100;
export const F_IF: u32 = 0x200;
export const F_DF: u32 = 0x400;
export const F_OF: u32 = 0x800;
export const F_IOPL: u32 = 0x3000;
export const F_NT: u32 = 0x4000;
export const F_RF: u32 = 0x10000;
export const F_VM: u32 = 0x20000;
export const F_AC: u32 = 0x40000;
export const F_VIF: u32 = 0x80000;
export const F_VIP: u32 = 0x100000;
export const F_ID: u32 = 0x200000;
export const F_ARITH: u32 = F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF;
// bits a P6 lets software change (bit 1 always reads 1; 3, 5, 15, 22..31 read 0)
export const F_WRITABLE: u32 = 0x3f7fd5;

// Lazy operations
export const LOP_ADD = 0; // CF = carry out; with carry-in use LOP_ADC
export const LOP_ADC = 1; // add with carry-in 1
export const LOP_SUB = 2;
export const LOP_SBB = 3; // sub with borrow-in 1
export const LOP_LOGIC = 4; // CF = OF = AF = 0
export const LOP_RESULT = 5; // only PF/ZF/SF are lazy (shifts, mul: CF/OF/AF set eagerly)

// Record a flag-setting result. size is 8, 16 or 32 (a constant after inlining).
@inline export function set_lazy(op: i32, size: i32, src1: u32, src2: u32, res: u32, mask: u32): void {
  store<u32>(LF_OP, op);
  store<u32>(LF_SIZE, size - 1);
  store<u32>(LF_SRC1, src1);
  store<u32>(LF_SRC2, src2);
  store<u32>(LF_RES, res);
  store<u32>(LF_MASK, mask);
}

// An arithmetic result whose six flags are all lazy.
@inline export function lazy_arith(op: i32, size: i32, src1: u32, src2: u32, res: u32): void {
  set_lazy(op, size, src1, src2, res, F_ARITH);
}

// A result where the caller sets CF/OF/AF eagerly (given in `eager`) and PF ZF SF stay lazy.
@inline export function lazy_result(size: i32, res: u32, eager: u32): void {
  store<u32>(EFLAGS, (load<u32>(EFLAGS) & ~(F_CF | F_OF | F_AF)) | eager);
  set_lazy(LOP_RESULT, size, 0, 0, res, F_PF | F_ZF | F_SF);
}

@inline function lf_mask_value(bit: u32): u32 {
  return bit == 31 ? 0xffffffff : ((<u32>2 << bit) - 1);
}

function lazy_cf(): u32 {
  const bit = load<u32>(LF_SIZE);
  const m = lf_mask_value(bit);
  const a = load<u32>(LF_SRC1) & m;
  const b = load<u32>(LF_SRC2) & m;
  const r = load<u32>(LF_RES) & m;
  switch (load<u32>(LF_OP)) {
    case LOP_ADD: return <u32>(r < a);
    case LOP_ADC: return <u32>(r <= a);
    case LOP_SUB: return <u32>(a < b);
    case LOP_SBB: return <u32>(a <= b);
    default: return 0;
  }
}

function lazy_of(): u32 {
  const bit = load<u32>(LF_SIZE);
  const a = load<u32>(LF_SRC1);
  const b = load<u32>(LF_SRC2);
  const r = load<u32>(LF_RES);
  switch (load<u32>(LF_OP)) {
    case LOP_ADD: case LOP_ADC: return (((a ^ r) & (b ^ r)) >>> bit) & 1;
    case LOP_SUB: case LOP_SBB: return (((a ^ b) & (a ^ r)) >>> bit) & 1;
    default: return 0;
  }
}

function lazy_af(): u32 {
  const op = load<u32>(LF_OP);
  if (op >= <u32>LOP_LOGIC) return 0;
  return (load<u32>(LF_SRC1) ^ load<u32>(LF_SRC2) ^ load<u32>(LF_RES)) & F_AF;
}

// parity of the low byte: PF = 1 when it has an even number of set bits
@inline export function parity(v: u32): u32 {
  return (~popcnt<u32>(v & 0xff)) & 1;
}

// Compute every lazy flag into EFLAGS and return the full EFLAGS value.
export function get_eflags(): u32 {
  let f = load<u32>(EFLAGS);
  const lazy = load<u32>(LF_MASK);
  if (lazy == 0) return f;
  const bit = load<u32>(LF_SIZE);
  const r = load<u32>(LF_RES) & lf_mask_value(bit);
  f &= ~lazy;
  let v: u32 = 0;
  if (lazy & F_CF) v |= lazy_cf();
  if (lazy & F_PF) v |= parity(r) << 2;
  if (lazy & F_AF) v |= lazy_af();
  if (lazy & F_ZF) v |= <u32>(r == 0) << 6;
  if (lazy & F_SF) v |= ((r >>> bit) & 1) << 7;
  if (lazy & F_OF) v |= lazy_of() << 11;
  f |= v & lazy;
  store<u32>(EFLAGS, f);
  store<u32>(LF_MASK, 0);
  return f;
}

// Replace EFLAGS entirely (all flags become concrete). Callers apply privilege masks first.
@inline export function set_eflags_raw(f: u32): void {
  store<u32>(EFLAGS, (f & F_WRITABLE) | 2);
  store<u32>(LF_MASK, 0);
}

// Fast single-flag reads for conditions.
export function get_cf(): bool {
  if (load<u32>(LF_MASK) & F_CF) return lazy_cf() != 0;
  return (load<u32>(EFLAGS) & F_CF) != 0;
}

export function get_zf(): bool {
  if (load<u32>(LF_MASK) & F_ZF) {
    const bit = load<u32>(LF_SIZE);
    return (load<u32>(LF_RES) & lf_mask_value(bit)) == 0;
  }
  return (load<u32>(EFLAGS) & F_ZF) != 0;
}

export function get_sf(): bool {
  if (load<u32>(LF_MASK) & F_SF) return ((load<u32>(LF_RES) >>> load<u32>(LF_SIZE)) & 1) != 0;
  return (load<u32>(EFLAGS) & F_SF) != 0;
}

export function get_of(): bool {
  if (load<u32>(LF_MASK) & F_OF) return lazy_of() != 0;
  return (load<u32>(EFLAGS) & F_OF) != 0;
}

export function get_pf(): bool {
  if (load<u32>(LF_MASK) & F_PF) return parity(load<u32>(LF_RES)) != 0;
  return (load<u32>(EFLAGS) & F_PF) != 0;
}

export function get_af(): bool {
  if (load<u32>(LF_MASK) & F_AF) return lazy_af() != 0;
  return (load<u32>(EFLAGS) & F_AF) != 0;
}

// Make the given flags concrete (so an instruction can keep some and overwrite others).
@inline export function materialize(): u32 {
  return get_eflags();
}

// Set/clear one concrete arithmetic flag (materializes the lazy state first).
export function set_flag(flag: u32, on: bool): void {
  let f = get_eflags();
  f = on ? f | flag : f & ~flag;
  store<u32>(EFLAGS, f);
}

// The 16 conditions of Jcc/SETcc/CMOVcc (low nibble of the opcode), SDM vol.2 appendix B.1.4.
// After CMP/SUB (all six flags lazy) the condition is a comparison of the operands, and after
// a logic operation (TEST/AND/OR/XOR: CF = OF = 0) one of the result: both are decided here
// without computing any flag.
export function condition(cc: i32): bool {
  if (load<u32>(LF_MASK) == F_ARITH) {
    const op = load<u32>(LF_OP);
    const bit = load<u32>(LF_SIZE);
    const shift = 31 - bit; // moves the operand's sign bit to bit 31
    if (op == LOP_SUB && cc >= 2) {
      const a = load<u32>(LF_SRC1) << shift;
      const b = load<u32>(LF_SRC2) << shift;
      let r: bool;
      switch (cc >> 1) {
        case 1: r = a < b; break; // b
        case 2: r = a == b; break; // z
        case 3: r = a <= b; break; // be
        case 4: r = <i32>(a - b) < 0; break; // s
        case 5: r = parity(load<u32>(LF_RES)) != 0; break; // p
        case 6: r = <i32>a < <i32>b; break; // l
        default: r = <i32>a <= <i32>b; break; // le
      }
      return (cc & 1) ? !r : r;
    }
    if (op == LOP_LOGIC) {
      const v = <i32>(load<u32>(LF_RES) << shift);
      let r: bool;
      switch (cc >> 1) {
        case 0: r = false; break; // o
        case 1: r = false; break; // b
        case 2: r = v == 0; break; // z
        case 3: r = v == 0; break; // be
        case 4: r = v < 0; break; // s
        case 5: r = parity(load<u32>(LF_RES)) != 0; break; // p
        case 6: r = v < 0; break; // l: SF != OF with OF = 0
        default: r = v <= 0; break; // le
      }
      return (cc & 1) ? !r : r;
    }
  }
  let r: bool;
  switch (cc >> 1) {
    case 0: r = get_of(); break;
    case 1: r = get_cf(); break;
    case 2: r = get_zf(); break;
    case 3: r = get_cf() || get_zf(); break;
    case 4: r = get_sf(); break;
    case 5: r = get_pf(); break;
    case 6: r = get_sf() != get_of(); break;
    default: r = get_zf() || (get_sf() != get_of()); break;
  }
  return (cc & 1) ? !r : r;
}
