// Segment register loads. Real and V86 mode are simple (segments.ts); protected-mode loads read
// the descriptor from the GDT/LDT and apply the checks of SDM vol.3 §5.
import { MODE, MODE_PE, MODE_VM } from "../state";
import { seg_load_real, seg_load_v86 } from "./segments";
import { fatal, FATAL_UNIMPLEMENTED } from "./fatal";

export function load_seg(s: i32, sel: u32): bool {
  const m = load<u32>(MODE);
  if ((m & MODE_PE) == 0) { seg_load_real(s, sel); return true; }
  if ((m & MODE_VM) != 0) { seg_load_v86(s, sel); return true; }
  return load_seg_pm(s, sel);
}

export function load_seg_pm(s: i32, sel: u32): bool {
  fatal(FATAL_UNIMPLEMENTED);
  return false;
}
