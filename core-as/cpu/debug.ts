// Debug-register breakpoints (SDM vol.3 §17.2, §17.3): instruction breakpoints (faults, checked
// before an instruction unless EFLAGS.RF is set) and data write / read-write breakpoints (traps,
// reported after the instruction). I/O breakpoints (RW=10 with CR4.DE) are not implemented.
//
// What DR7 arms is decoded into the globals below by debug_update(), called whenever DR7 (or
// DR0-3) changes. While any breakpoint is armed the run loop takes its one-instruction slow
// path (cpu.ts), which checks instruction breakpoints and delivers the #DB traps. Data
// breakpoints put TLB_DEBUG into the TLB masks so that every data access takes the slow path
// of memory.ts, which calls dbg_data_access(); instruction fetch does not go through it.
import { DR } from "../state";
import { update_tlb_masks, set_tlb_debug } from "./tlb";
import { request_exit_check } from "./signal";

export let DBG_ACTIVE: bool = false; // any breakpoint armed: the run loop goes slow
export let DBG_EXEC: u32 = 0; // bits 0-3: armed instruction breakpoints
export let DBG_DATA: u32 = 0; // bits 0-3: armed data breakpoints (write, or read/write)
let DBG_RW_ANY: u32 = 0; // bits 0-3: data breakpoints that also fire on reads
export let DBG_HIT: u32 = 0; // B0-B3 of data breakpoints hit by the current instruction

// Decode DR7 (L0/G0..L3/G3 enables, RWn and LENn fields).
export function debug_update(): void {
  const dr7 = load<u32>(DR + 7 * 4);
  let exec: u32 = 0;
  let data: u32 = 0;
  let rw: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    if (((dr7 >> (i * 2)) & 3) == 0) continue;
    const kind = (dr7 >> (16 + i * 4)) & 3;
    if (kind == 0) exec |= <u32>1 << i;
    else if (kind == 1) data |= <u32>1 << i;
    else if (kind == 3) { data |= <u32>1 << i; rw |= <u32>1 << i; }
  }
  DBG_EXEC = exec;
  DBG_DATA = data;
  DBG_RW_ANY = rw;
  DBG_ACTIVE = (exec | data) != 0;
  set_tlb_debug(data != 0);
  update_tlb_masks();
  if (DBG_ACTIVE) request_exit_check();
}

// Length in bytes of breakpoint i (LEN 00: 1, 01: 2, 11: 4; 10 is undefined on a P6: 4)
@inline function bp_len(i: u32): u32 {
  const l = (load<u32>(DR + 7 * 4) >> (18 + i * 4)) & 3;
  return l == 0 ? 1 : l == 1 ? 2 : 4;
}

// B0-B3 bits of the instruction breakpoints at linear address lin.
export function dbg_exec_hits(lin: u32): u32 {
  let hits: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    if ((DBG_EXEC & (<u32>1 << i)) != 0 && load<u32>(DR + (i << 2)) == lin) hits |= <u32>1 << i;
  }
  return hits;
}

// A data access of `size` bytes at lin (called by the memory slow paths while data breakpoints
// are armed): records the breakpoints whose (aligned) range it overlaps.
export function dbg_data_access(lin: u32, size: u32, write: bool): void {
  for (let i: u32 = 0; i < 4; i++) {
    const bit = <u32>1 << i;
    if ((DBG_DATA & bit) == 0) continue;
    if (!write && (DBG_RW_ANY & bit) == 0) continue;
    const len = bp_len(i);
    const a = load<u32>(DR + (i << 2)) & ~(len - 1);
    // overlap of [lin, lin+size-1] and [a, a+len-1]
    if (lin - a < len || a - lin < size) DBG_HIT |= bit;
  }
}

export function dbg_clear_hits(): void { DBG_HIT = 0; }
