// The decoder: prefixes, opcode, ModRM/SIB/displacement and immediates, driven by the
// per-opcode decode info that tools/gen-tables.mjs generates from the instruction table
// (core-as/cpu/table/). After decode() the handler finds everything in these globals and never
// fetches; decode() is also what the decoder-length test runs against iced-x86.
//
// Prefixes (SDM vol.2 §2.1.1): 66 operand size, 67 address size, segment overrides, F0 lock,
// F2/F3 repeat. An instruction longer than 15 bytes is #GP(0) (SDM vol.2 §2.3.11).
import { MODE, MODE_CODE32, FETCH_BUF, EIP } from "../state";
import { prefill, fetch_fault } from "./fetch";
import { FW_START, FW_LEN, FW_HOST } from "./fetch_window";
import { reg32, reg16, S_DS, S_SS } from "./regs";
import { FAULTED, raise, EXC_GP } from "./fault";
import { DECODE_INFO, DI_MODRM, DI_MODRM_REG, DI_PREFIX, DI_IMM_MASK, DI_IMM_SHIFT, IMM_NONE, IMM_B, IMM_W, IMM_Z, IMM_AP, IMM_ENTER, IMM_MOFFS, IMM_GRP3B, IMM_GRP3Z } from "./gen/decode_info";

export let O32: bool = false; // operand size is 32
export let A32: bool = false; // address size is 32
export let SEG: i32 = S_DS; // segment of the memory operand (override or default)
export let SEG_OVR: i32 = -1; // segment override prefix, -1 if none
export let REP: i32 = 0; // 0, 0xF2 (repne) or 0xF3 (rep/repe)
export let LOCK: bool = false;
export let OP: i32 = 0; // 0x000..0x0FF one-byte, 0x100..0x1FF the 0F map
export let MOD: i32 = 0; // modrm.mod
export let REG: i32 = 0; // modrm.reg (the opcode extension for groups)
export let RM: i32 = 0; // modrm.rm
export let EA: u32 = 0; // effective address offset (masked to the address size)
export let IMM: u32 = 0; // first immediate (zero-extended; Jb/Ib users sign-extend)
export let IMM2: u32 = 0; // second immediate (enter's Ib, far pointer's selector)
// True when the prefix globals above differ from their defaults (set by a prefix, or by a
// change of the code size: update_mode() calls prefixes_reset()).
let PREFIXES_SET: bool = true;
export function prefixes_reset(): void { PREFIXES_SET = true; }
export let EA_BASE_ESP: bool = false; // the memory operand's base register is ESP (POP r/m needs it)

@inline export function is_mem(): bool { return MOD != 3; }

// The decoder reads from a pointer into a window of 16 code bytes: on the fast path the code
// page itself (through the fetch window); near the end of a page or of the CS limit a copy
// made by prefill(), which stops before the first byte that cannot be fetched. Decoding has
// no side effects, so it reads without checks and looks once at the end: if the instruction
// is longer than the bytes that were available, the fault of the first missing byte (#GP or
// #PF) is raised then, as the CPU would when it fetches it.

// 16-bit addressing (SDM vol.2 table 2-1): bases by rm. Returns the pointer after the
// displacement.
@inline function ea16(p: usize): usize {
  EA_BASE_ESP = false;
  let base: u32 = 0;
  let seg = S_DS;
  switch (RM) {
    case 0: base = reg16(3) + reg16(6); break; // bx+si
    case 1: base = reg16(3) + reg16(7); break; // bx+di
    case 2: base = reg16(5) + reg16(6); seg = S_SS; break; // bp+si
    case 3: base = reg16(5) + reg16(7); seg = S_SS; break; // bp+di
    case 4: base = reg16(6); break; // si
    case 5: base = reg16(7); break; // di
    case 6:
      if (MOD == 0) { base = load<u16>(p); p += 2; break; } // disp16 alone
      base = reg16(5); seg = S_SS; break; // bp
    default: base = reg16(3); break; // bx
  }
  if (MOD == 1) { base += <u32><i32>load<i8>(p); p += 1; }
  else if (MOD == 2) { base += load<u16>(p); p += 2; }
  EA = base & 0xffff;
  SEG = SEG_OVR >= 0 ? SEG_OVR : seg;
  return p;
}

// 32-bit addressing with SIB (SDM vol.2 tables 2-2 and 2-3)
@inline function ea32(p: usize): usize {
  EA_BASE_ESP = false;
  let base: u32 = 0;
  let seg = S_DS;
  const rm = RM;
  if (rm == 4) {
    const sib = <u32>load<u8>(p);
    p += 1;
    const index = (sib >> 3) & 7;
    const b = sib & 7;
    if (index != 4) base = reg32(index) << (sib >> 6);
    if (b == 5 && MOD == 0) { base += load<u32>(p); p += 4; }
    else {
      base += reg32(b);
      if (b == 4 || b == 5) seg = S_SS;
      EA_BASE_ESP = b == 4;
    }
  } else if (rm == 5 && MOD == 0) {
    base = load<u32>(p);
    p += 4;
  } else {
    base = reg32(rm);
    if (rm == 5) seg = S_SS;
  }
  if (MOD == 1) { base += <u32><i32>load<i8>(p); p += 1; }
  else if (MOD == 2) { base += load<u32>(p); p += 4; }
  EA = base;
  SEG = SEG_OVR >= 0 ? SEG_OVR : seg;
  return p;
}

// Read prefixes, opcode, ModRM and immediates for the instruction at eip and set EIP to the
// next instruction. Returns false after raising a fault (fetch, or longer than 15 bytes).
@inline export function decode(eip: u32): bool {
  const d = eip - FW_START;
  let base: usize;
  let avail: u32 = 16;
  if (d < FW_LEN && FW_LEN - d >= 16) {
    base = FW_HOST + d;
  } else {
    avail = prefill(eip);
    base = FETCH_BUF;
    memory.fill(FETCH_BUF + avail, 0, 24 - avail); // deterministic padding past the window
  }
  let p = base;
  const c32 = (load<u32>(MODE) & MODE_CODE32) != 0;
  if (PREFIXES_SET) {
    // most instructions have no prefix: the defaults are only restored after one that had
    O32 = c32;
    A32 = c32;
    SEG_OVR = -1;
    REP = 0;
    LOCK = false;
    PREFIXES_SET = false;
  }
  let op = <u32>load<u8>(p);
  p += 1;
  let info = <u32>load<u8>(DECODE_INFO + op);
  while (info & DI_PREFIX) {
    PREFIXES_SET = true;
    switch (op) {
      case 0x66: O32 = !c32; break;
      case 0x67: A32 = !c32; break;
      case 0xf0: LOCK = true; break;
      case 0xf2: case 0xf3: REP = op; break;
      case 0x26: SEG_OVR = 0; break;
      case 0x2e: SEG_OVR = 1; break;
      case 0x36: SEG_OVR = 2; break;
      case 0x3e: SEG_OVR = 3; break;
      case 0x64: SEG_OVR = 4; break;
      default: SEG_OVR = 5; break; // 0x65
    }
    if (p - base >= 15) {
      // 15 prefixes: the instruction is too long (or its bytes cannot be fetched)
      if (avail < 16) { fetch_fault(eip + avail); return false; }
      raise(EXC_GP, 0, true);
      return false;
    }
    op = <u32>load<u8>(p);
    p += 1;
    info = <u32>load<u8>(DECODE_INFO + op);
  }
  if (op == 0x0f) {
    op = 0x100 | <u32>load<u8>(p);
    p += 1;
    info = <u32>load<u8>(DECODE_INFO + op);
  }
  OP = op;
  SEG = SEG_OVR >= 0 ? SEG_OVR : S_DS;
  if (info & DI_MODRM) {
    const m = <u32>load<u8>(p);
    p += 1;
    MOD = m >> 6;
    REG = (m >> 3) & 7;
    RM = m & 7;
    if (info & DI_MODRM_REG) MOD = 3; // mov to/from CRn/DRn: mod is ignored (SDM vol.2 MOV)
    else if (MOD != 3) {
      if (A32) p = ea32(p); else p = ea16(p);
    }
  }
  switch ((info & DI_IMM_MASK) >> DI_IMM_SHIFT) {
    case IMM_NONE: break;
    case IMM_B: IMM = load<u8>(p); p += 1; break;
    case IMM_W: IMM = load<u16>(p); p += 2; break;
    case IMM_Z: if (O32) { IMM = load<u32>(p); p += 4; } else { IMM = load<u16>(p); p += 2; } break;
    case IMM_AP:
      if (O32) { IMM = load<u32>(p); p += 4; } else { IMM = load<u16>(p); p += 2; }
      IMM2 = load<u16>(p); p += 2;
      break;
    case IMM_ENTER: IMM = load<u16>(p); IMM2 = load<u8>(p + 2); p += 3; break;
    case IMM_MOFFS: if (A32) { EA = load<u32>(p); p += 4; } else { EA = load<u16>(p); p += 2; } break;
    case IMM_GRP3B: if (REG < 2) { IMM = load<u8>(p); p += 1; } break;
    case IMM_GRP3Z:
      if (REG < 2) { if (O32) { IMM = load<u32>(p); p += 4; } else { IMM = load<u16>(p); p += 2; } }
      break;
    default: break;
  }
  const len = <u32>(p - base);
  if (len > avail) { fetch_fault(eip + avail); return false; }
  if (len > 15) { raise(EXC_GP, 0, true); return false; }
  store<u32>(EIP, eip + len);
  return true;
}

