// I/O permission (SDM vol.1 §19.5): in protected mode with CPL > IOPL, and always in V86 mode,
// each byte port of an access must be allowed by the TSS I/O permission bitmap, else #GP(0).
import { MODE, MODE_PE, MODE_VM, CPL, EFLAGS, SEG_BASE, SEG_LIMIT, SEG_ATTR } from "../state";
import { S_TR } from "./regs";
import { sys_read16 } from "./memory";
import { FAULTED, gp } from "./fault";

export function io_permitted(port: u32, bytes: i32): bool {
  const m = load<u32>(MODE);
  if ((m & MODE_PE) == 0) return true;
  if ((m & MODE_VM) == 0 && load<u32>(CPL) <= ((load<u32>(EFLAGS) >> 12) & 3)) return true;
  return io_bitmap_allows(port, bytes);
}

// The bitmap lives in a 32-bit TSS at the offset in its word at 0x66; bits beyond the TSS limit
// count as set. The processor always reads two bytes (a bit run may cross a byte boundary),
// so both must lie inside the limit (SDM vol.1 §19.5.2).
function io_bitmap_allows(port: u32, bytes: i32): bool {
  const type = load<u32>(SEG_ATTR + (S_TR << 2)) & 0xf;
  const limit = load<u32>(SEG_LIMIT + (S_TR << 2));
  if ((type != 9 && type != 11) || limit < 0x67) { gp(0); return false; }
  const base = load<u32>(SEG_BASE + (S_TR << 2));
  const map = sys_read16(base + 0x66);
  if (FAULTED) return false;
  const off = map + (port >> 3);
  if (off + 1 > limit) { gp(0); return false; }
  const bits = sys_read16(base + off);
  if (FAULTED) return false;
  const mask: u32 = ((<u32>1 << <u32>bytes) - 1) << (port & 7);
  if ((bits & mask) != 0) { gp(0); return false; }
  return true;
}
