// Instruction fetch. NEXT_EIP is the fetch cursor while an instruction is decoded; bytes come
// from the fetch window (cpu/fetch_window.ts) when they can, otherwise from the slow path,
// which checks the CS limit (#GP(0)), translates through the TLB (#PF) and rebuilds the window.
// Because bytes are read from guest memory every time, self-modifying code needs no special
// case in the interpreter.
import { SEG_BASE, SEG_MIN, SEG_MAX, CPL } from "../state";
import { FW_START, FW_LEN, FW_HOST, set_fetch_window } from "./fetch_window";
import { lin_read8_slow } from "./memory";
import { tlb_entry, TLB_MMIO, TLB_VALID } from "./tlb";
import { FAULTED, raise, EXC_GP, set_probing, PROBE_FAILED } from "./fault";
import { FETCH_BUF } from "../state";
import { S_CS } from "./regs";

export let NEXT_EIP: u32 = 0;

@inline export function set_next_eip(v: u32): void { NEXT_EIP = v; }

function fetch8_slow(): u32 {
  const eip = NEXT_EIP;
  const min = load<u32>(SEG_MIN + (S_CS << 2));
  const max = load<u32>(SEG_MAX + (S_CS << 2));
  if (eip < min || eip > max) { raise(EXC_GP, 0, true); return 0; }
  const lin = load<u32>(SEG_BASE + (S_CS << 2)) + eip;
  const v = lin_read8_slow(lin, load<u32>(CPL) == 3); // fills the TLB (or faults)
  if (FAULTED) return 0;
  NEXT_EIP = eip + 1;
  const e = tlb_entry(lin);
  if ((e & TLB_VALID) != 0 && (e & TLB_MMIO) == 0) {
    // window: the rest of this page, clipped to the CS limit
    let len: u32 = 0x1000 - (lin & 0xfff);
    const room = max - eip; // valid EIPs after this one
    if (room < len - 1) len = room + 1;
    set_fetch_window(eip, len, (e & 0xfffff000) ^ lin);
  }
  return v;
}

@inline export function fetch8(): u32 {
  const eip = NEXT_EIP;
  const d = eip - FW_START;
  if (d < FW_LEN) {
    NEXT_EIP = eip + 1;
    return load<u8>(FW_HOST + d);
  }
  return fetch8_slow();
}

@inline export function fetch16(): u32 {
  const eip = NEXT_EIP;
  const d = eip - FW_START;
  if (d + 1 < FW_LEN && d < FW_LEN) {
    NEXT_EIP = eip + 2;
    return load<u16>(FW_HOST + d);
  }
  const lo = fetch8_slow();
  return lo | (fetch8() << 8);
}

@inline export function fetch32(): u32 {
  const eip = NEXT_EIP;
  const d = eip - FW_START;
  if (d + 3 < FW_LEN && d < FW_LEN) {
    NEXT_EIP = eip + 4;
    return load<u32>(FW_HOST + d);
  }
  const lo = fetch16();
  return lo | (fetch16() << 16);
}

// Fill FETCH_BUF with up to 16 bytes of code from eip without raising anything: stops at the
// first byte that would fault (CS limit or page). Returns how many bytes were read. Used by
// the decoder near the end of a page or of the CS limit; the byte after the last one read is
// fetched again with fetch_fault() only if the instruction really needs it.
export function prefill(eip: u32): u32 {
  let n: u32 = 0;
  set_probing(true);
  for (; n < 16; n++) {
    NEXT_EIP = eip + n;
    const b = fetch8();
    if (PROBE_FAILED) break;
    store<u8>(FETCH_BUF + n, b);
  }
  set_probing(false);
  NEXT_EIP = eip;
  return n;
}

// Raise the fault for fetching the byte at eip (it is known not to be fetchable).
export function fetch_fault(eip: u32): void {
  NEXT_EIP = eip;
  fetch8_slow();
}
