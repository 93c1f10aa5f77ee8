// A minimal WebAssembly binary writer for the JIT: bytes go to JIT_BUF in linear memory, where
// the host picks them up (host/jit.ts). Sizes that are only known afterwards (sections, the
// function body) are written as 5-byte LEB128 placeholders and patched: the binary format
// allows redundant continuation bytes in a u32 LEB (WebAssembly core spec §5.2.2).
import { JIT_BUF, JIT_BUF_SIZE } from "../state";

export let POS: u32 = 0;
// Set when a block would not fit in JIT_BUF; the compiler then gives up on that block.
export let OVERFLOW: bool = false;

export function wasm_reset(): void { POS = 0; OVERFLOW = false; }

@inline export function b(v: u32): void {
  if (POS >= <u32>JIT_BUF_SIZE - 16) { OVERFLOW = true; return; }
  store<u8>(JIT_BUF + POS, v);
  POS++;
}

export function uleb(v: u32): void {
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v != 0) byte |= 0x80;
    b(byte);
  } while (v != 0);
}

export function sleb(v: i32): void {
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v == 0 && (byte & 0x40) == 0) || (v == -1 && (byte & 0x40) != 0);
    b(done ? byte : byte | 0x80);
    if (done) break;
  }
}

// A 5-byte u32 placeholder; returns its position for patch().
export function placeholder(): u32 {
  const at = POS;
  for (let i = 0; i < 5; i++) b(0x80);
  return at;
}

// Write the number of bytes since placeholder `at` (+5) into it.
export function patch(at: u32): void {
  if (OVERFLOW) return;
  let v = POS - at - 5;
  for (let i: u32 = 0; i < 5; i++) {
    store<u8>(JIT_BUF + at + i, (v & 0x7f) | (i < 4 ? 0x80 : 0));
    v >>>= 7;
  }
}

export function name(s0: u32, s1: u32): void {
  // one- or two-letter ASCII names (import and export names)
  if (s1 == 0) { b(1); b(s0); } else { b(2); b(s0); b(s1); }
}

// ---- opcodes (WebAssembly core spec §5.4)
export const BLOCK = 0x02;
export const LOOP = 0x03;
export const IF = 0x04;
export const ELSE = 0x05;
export const END = 0x0b;
export const BR = 0x0c;
export const BR_IF = 0x0d;
export const BR_TABLE = 0x0e;
export const RETURN = 0x0f;
export const CALL = 0x10;
export const DROP = 0x1a;
export const SELECT = 0x1b;
export const LOCAL_GET = 0x20;
export const LOCAL_SET = 0x21;
export const LOCAL_TEE = 0x22;
export const I32_LOAD = 0x28;
export const I32_LOAD8_U = 0x2d;
export const I32_LOAD16_U = 0x2f;
export const I32_STORE = 0x36;
export const I32_STORE8 = 0x3a;
export const I32_STORE16 = 0x3b;
export const I32_CONST = 0x41;
export const I32_EQZ = 0x45;
export const I32_EQ = 0x46;
export const I32_NE = 0x47;
export const I32_LT_S = 0x48;
export const I32_LT_U = 0x49;
export const I32_GT_S = 0x4a;
export const I32_GT_U = 0x4b;
export const I32_LE_S = 0x4c;
export const I32_LE_U = 0x4d;
export const I32_GE_S = 0x4e;
export const I32_GE_U = 0x4f;
export const I32_POPCNT = 0x69;
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_AND = 0x71;
export const I32_OR = 0x72;
export const I32_XOR = 0x73;
export const I32_SHL = 0x74;
export const I32_SHR_S = 0x75;
export const I32_SHR_U = 0x76;
export const I32_ROTL = 0x77;
export const I32_ROTR = 0x78;
export const I64_NE = 0x52;
export const I64_MUL = 0x7e;
export const I32_WRAP_I64 = 0xa7;
export const I64_EXTEND_I32_S = 0xac;
export const VOID = 0x40;
export const T_I64 = 0x7e;
export const T_I32 = 0x7f;

@inline export function i32c(v: i32): void { b(I32_CONST); sleb(v); }
@inline export function lget(l: u32): void { b(LOCAL_GET); uleb(l); }
@inline export function lset(l: u32): void { b(LOCAL_SET); uleb(l); }
@inline export function ltee(l: u32): void { b(LOCAL_TEE); uleb(l); }

// Load/store of a u32 at a constant address in the state block: i32.const 0 + offset.
export function load_abs(addr: u32): void { i32c(0); b(I32_LOAD); b(2); uleb(addr); }
// value must already be on the stack below... so callers push the address 0 first:
// i32c(0); <value>; store_abs_tail(addr)
export function store_abs_tail(addr: u32): void { b(I32_STORE); b(2); uleb(addr); }
export function store8_abs_tail(addr: u32): void { b(I32_STORE8); b(0); uleb(addr); }
export function store16_abs_tail(addr: u32): void { b(I32_STORE16); b(1); uleb(addr); }
export function load8_abs(addr: u32): void { i32c(0); b(I32_LOAD8_U); b(0); uleb(addr); }
export function load16_abs(addr: u32): void { i32c(0); b(I32_LOAD16_U); b(1); uleb(addr); }
// store a constant at a constant address
export function store_const(addr: u32, v: u32): void { i32c(0); i32c(<i32>v); store_abs_tail(addr); }
