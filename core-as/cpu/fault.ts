// Faults are return values, never `throw` (which would abort the Wasm module). raise() records
// the exception and sets FAULTED; every memory access and fetch returns a dummy value after a
// fault, and each instruction checks FAULTED before it commits any state (the convention every
// handler follows: read and check everything first, then write). The step loop then rewinds
// EIP/ESP to the instruction start and delivers the exception (cpu/interrupt.ts).
import { EXC_VECTOR, EXC_ERROR, EXC_HAS_ERROR } from "../state";

export let FAULTED: bool = false;

export const EXC_DE = 0;
export const EXC_DB = 1;
export const EXC_NMI = 2;
export const EXC_BP = 3;
export const EXC_OF = 4;
export const EXC_BR = 5;
export const EXC_UD = 6;
export const EXC_NM = 7;
export const EXC_DF = 8;
export const EXC_TS = 10;
export const EXC_NP = 11;
export const EXC_SS = 12;
export const EXC_GP = 13;
export const EXC_PF = 14;
export const EXC_MF = 16;
export const EXC_AC = 17;
export const EXC_MC = 18;

// While PROBING, a fault is only noted in PROBE_FAILED (nothing architectural changes): the
// decoder uses this to read ahead near the end of a page without raising #PF for bytes the
// instruction may not need.
export let PROBING: bool = false;
export let PROBE_FAILED: bool = false;
export function set_probing(on: bool): void { PROBING = on; PROBE_FAILED = false; }

export function raise(vector: i32, error: u32, has_error: bool): void {
  if (PROBING) { PROBE_FAILED = true; return; }
  if (FAULTED) return; // the first fault of an instruction is the one delivered
  FAULTED = true;
  store<u32>(EXC_VECTOR, vector);
  store<u32>(EXC_ERROR, error);
  store<u32>(EXC_HAS_ERROR, has_error ? 1 : 0);
}

@inline export function clear_fault(): void {
  FAULTED = false;
}

export function gp(error: u32): void { raise(EXC_GP, error, true); }
export function ss_fault(error: u32): void { raise(EXC_SS, error, true); }
export function np(error: u32): void { raise(EXC_NP, error, true); }
export function ts(error: u32): void { raise(EXC_TS, error, true); }
export function ud(): void { raise(EXC_UD, 0, false); }
