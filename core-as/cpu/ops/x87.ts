// The x87 escapes D8..DF and FWAIT on a machine without an FPU (see core-as/cpu/table/x87.mjs).
// SDM vol.3 §2.5 and table 2-2: an escape raises #NM when CR0.EM or CR0.TS is set (so an OS
// can emulate the FPU or switch its state lazily); WAIT/FWAIT raises #NM only when both TS and
// MP are set. Otherwise nothing happens, as with no coprocessor fitted: no memory operand is
// accessed and no state changes.
import { CR0 } from "../../state";
import { raise, EXC_NM } from "../fault";

const CR0_MP: u32 = 0x2;
const CR0_EM: u32 = 0x4;
const CR0_TS: u32 = 0x8;

export function fpu_esc(): void {
  if ((load<u32>(CR0) & (CR0_EM | CR0_TS)) != 0) raise(EXC_NM, 0, false);
}

export function fpu_wait(): void {
  if ((load<u32>(CR0) & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP)) raise(EXC_NM, 0, false);
}
