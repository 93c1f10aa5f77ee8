// A quick look at a CD image before booting it: does it have the El Torito boot record the
// BIOS will look for (bios/eltorito.ts)? Lets the command refuse a CD that cannot boot with a
// message instead of a "No bootable device" screen.
import { BlockDevice } from "./blockdev.js";

/** Why the CD cannot be booted, or "" if its boot record and catalog look right. */
export function elToritoProblem(cd: BlockDevice): string {
  if (cd.size < 18 * 2048) return "too small to hold a boot record (sector 17)";
  const s = new Uint8Array(2048);
  cd.read(17 * 2048, s);
  const text = (o: number, n: number) => String.fromCharCode(...s.subarray(o, o + n));
  if (s[0] !== 0 || text(1, 5) !== "CD001" || text(7, 23) !== "EL TORITO SPECIFICATION") return "no El Torito boot record (sector 17)";
  const catalog = new DataView(s.buffer).getUint32(0x47, true);
  if ((catalog + 1) * 2048 > cd.size) return `the boot catalog (sector ${catalog}) is past the end of the image`;
  cd.read(catalog * 2048, s);
  if (s.at(0) !== 1 || s[0x1e] !== 0x55 || s[0x1f] !== 0xaa) return "the boot catalog has no validation entry";
  if (s[0x20] !== 0x88) return "the boot catalog's initial entry is not bootable";
  return "";
}
