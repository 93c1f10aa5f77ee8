// I/O permission (SDM vol.1 §19.5): in protected mode with CPL > IOPL, and always in V86 mode,
// each byte port of an access must be allowed by the TSS I/O permission bitmap, else #GP(0).
import { MODE, MODE_PE } from "../state";
import { fatal, FATAL_UNIMPLEMENTED } from "./fatal";

export function io_permitted(port: u32, bytes: i32): bool {
  if ((load<u32>(MODE) & MODE_PE) == 0) return true;
  fatal(FATAL_UNIMPLEMENTED);
  return false;
}
