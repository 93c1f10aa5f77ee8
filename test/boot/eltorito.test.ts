// Booting a CD with El Torito diskette emulation: a CD image built here by the El Torito 1.0
// specification (Boot Record Volume Descriptor at sector 17, a boot catalog with a validation
// entry and a bootable initial entry of media type 2, 1.44 MB) carries a diskette image whose
// boot sector is biostest6.asm. The BIOS must start it as drive 00h, serve that drive from the
// image on the CD, and describe the emulation through INT 13h/4B01h.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { createNodeMachine, defaultBiosPath } from "../../host/node.js";
import { MemoryDisk } from "../../host/blockdev.js";
import { runMachine } from "../../host/run.js";
import type { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const CATALOG = 19, IMAGE = 20;
const floppyByte = (lba: number, i: number) => (lba * 13 + i) & 0xff;
let m: Machine;
let ram: DataView;

function cdImage(): Uint8Array {
  const cd = new Uint8Array((IMAGE + 720) * 2048);
  const put = (at: number, s: string) => { for (let i = 0; i < s.length; i++) cd[at + i] = s.charCodeAt(i); };
  const dv = new DataView(cd.buffer);
  // Boot Record Volume Descriptor (§2.0) and the set terminator
  cd[17 * 2048] = 0; put(17 * 2048 + 1, "CD001"); cd[17 * 2048 + 6] = 1;
  put(17 * 2048 + 7, "EL TORITO SPECIFICATION");
  dv.setUint32(17 * 2048 + 0x47, CATALOG, true);
  cd[18 * 2048] = 255; put(18 * 2048 + 1, "CD001"); cd[18 * 2048 + 6] = 1;
  // the catalog: validation entry (§2.1) with its checksum, initial entry (§2.2)
  const c = CATALOG * 2048;
  cd[c] = 1; cd[c + 0x1e] = 0x55; cd[c + 0x1f] = 0xaa;
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum += dv.getUint16(c + i, true);
  dv.setUint16(c + 0x1c, (0x10000 - (sum & 0xffff)) & 0xffff, true);
  cd[c + 0x20] = 0x88; cd[c + 0x21] = 2; dv.setUint16(c + 0x26, 1, true); dv.setUint32(c + 0x28, IMAGE, true);
  // the 1.44 MB diskette: the boot sector, then a pattern
  for (let lba = 1; lba < 2880; lba++) for (let i = 0; i < 512; i++) cd[IMAGE * 2048 + lba * 512 + i] = floppyByte(lba, i);
  cd.set(readFileSync(new URL("biostest6.bin", import.meta.url)), IMAGE * 2048);
  return cd;
}

beforeAll(async () => {
  m = await createNodeMachine({ memMiB: 4, rom: new Uint8Array(readFileSync(defaultBiosPath())), deterministic: true, stopOnTripleFault: true });
  m.attachDisk(2, "cd", new MemoryDisk(cdImage(), true));
  m.w32(S.BIOS_BOOT_ORDER, 4);
  const r = await runMachine(m, { until: /!/, timeoutMs: 20000 });
  expect(r.end).toBe("matched");
  ram = new DataView(m.ram().buffer, m.ram().byteOffset);
});

describe("El Torito diskette emulation", () => {
  it("boots the image's first sector as drive 00h", () => {
    expect(m.ram()[0x5f0]).toBe(0x00);
  });
  it("serves drive 00h from the image on the CD (CHS 0/0/2 is the image's second sector)", () => {
    expect(ram.getUint16(0x500, true)).toBe(0x0001); // AH = 0, AL = 1 sector
    expect(ram.getUint16(0x502, true) & 1).toBe(0);
    expect(m.ram().slice(0x1000, 0x1200)).toEqual(Uint8Array.from({ length: 512 }, (_, i) => floppyByte(1, i)));
  });
  it("08h describes the emulated drive as a 1.44 MB diskette (CMOS type 4, 80x2x18)", () => {
    expect(ram.getUint16(0x508, true) >> 8).toBe(0);
    expect(ram.getUint16(0x5e0, true) & 0xff).toBe(4); // BL: drive type
    expect(ram.getUint16(0x5e2, true)).toBe((79 << 8) | 18); // CH last cylinder, CL sectors
    expect(ram.getUint16(0x5e4, true) >> 8).toBe(1); // DH last head
  });
  it("4B01h returns the specification packet (El Torito §7.4)", () => {
    expect(ram.getUint16(0x504, true) >> 8).toBe(0);
    const p = m.ram().slice(0x600, 0x613);
    const pv = new DataView(p.buffer);
    expect(p[0]).toBe(0x13); // packet size
    expect(p[1] & 0x0f).toBe(2); // 1.44 MB diskette emulation
    expect(p[2]).toBe(0x00); // the emulated drive
    expect(p[3]).toBe(1); // controller index: the secondary IDE channel
    expect(pv.getUint32(4, true)).toBe(IMAGE); // the image's LBA on the CD
    expect(pv.getUint16(8, true) & 1).toBe(0); // master
    expect(pv.getUint16(12, true)).toBe(0x7c0); // load segment
    expect(pv.getUint16(14, true)).toBe(1); // sectors loaded
    expect([p[16], p[17], p[18]]).toEqual([79, 18, 1]); // last cylinder, sectors, last head
  });
});
