// Protected-mode and V86-mode interrupt delivery through the IDT (SDM vol.3 §6.10-6.14).
import { fatal, FATAL_UNIMPLEMENTED } from "./fatal";

export function deliver_pm(vector: u32, error: u32, has_error: bool, src: i32): void {
  fatal(FATAL_UNIMPLEMENTED);
}
