// A quick look at a CD image before booting it: does it have the El Torito boot record the
// BIOS will look for (bios/eltorito.ts)? Lets the command refuse a CD that cannot boot with a
// message instead of a "No bootable device" screen.
import { BlockDevice, readFrom } from "./blockdev.js";

/** Why the CD cannot be booted, or "" if its boot record and catalog look right. */
export function elToritoProblem(cd: BlockDevice): string {
  const read = (sector: number) => { const s = new Uint8Array(2048); cd.read(sector * 2048, s); return s; };
  if (cd.size < 18 * 2048) return TOO_SMALL;
  const first = examine(cd.size, read(17));
  return typeof first === "string" ? first : examineCatalog(read(first.catalog));
}

/** elToritoProblem for any device, asynchronous ones (HTTP) included. */
export async function elToritoProblemAsync(cd: BlockDevice): Promise<string> {
  const read = async (sector: number) => { const s = new Uint8Array(2048); await readFrom(cd, sector * 2048, s); return s; };
  if (cd.size < 18 * 2048) return TOO_SMALL;
  const first = examine(cd.size, await read(17));
  return typeof first === "string" ? first : examineCatalog(await read(first.catalog));
}

const TOO_SMALL = "too small to hold a boot record (sector 17)";

// The boot record volume descriptor (sector 17): a problem, or where the boot catalog is
function examine(size: number, s: Uint8Array): string | { catalog: number } {
  const text = (o: number, n: number) => String.fromCharCode(...s.subarray(o, o + n));
  if (s[0] !== 0 || text(1, 5) !== "CD001" || text(7, 23) !== "EL TORITO SPECIFICATION") return "no El Torito boot record (sector 17)";
  const catalog = new DataView(s.buffer).getUint32(0x47, true);
  if ((catalog + 1) * 2048 > size) return `the boot catalog (sector ${catalog}) is past the end of the image`;
  return { catalog };
}

function examineCatalog(s: Uint8Array): string {
  if (s.at(0) !== 1 || s[0x1e] !== 0x55 || s[0x1f] !== 0xaa) return "the boot catalog has no validation entry";
  if (s[0x20] !== 0x88) return "the boot catalog's initial entry is not bootable";
  return "";
}
