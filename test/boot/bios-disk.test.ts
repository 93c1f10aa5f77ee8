// INT 13h for hard disks and CD-ROM drives, and hard-disk boot: biostest4.asm is the first
// three sectors of a 10 MiB test disk; it calls the BIOS and records the results in low memory.
// Expected values: IBM PC/AT technical reference (INT 13h fixed disk), Phoenix EDD 3.0
// (41h-48h), and the usual LBA-assisted translation (16 heads x 63 sectors for a disk below
// 504 MiB, cylinders = sectors / 1008).
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { createNodeMachine, defaultBiosPath } from "../../host/node.js";
import { MemoryDisk, Overlay } from "../../host/blockdev.js";
import { runMachine } from "../../host/run.js";
import type { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const CF = 0x01;
const SECTORS = 20480; // 10 MiB
const hdByte = (lba: number, i: number) => (lba * 7 + i * 3 + (lba >> 8)) & 0xff;
const cdByte = (lba: number, i: number) => (lba * 11 + i) & 0xff;
let m: Machine;
let ram: DataView;
let base: Uint8Array, overlay: Overlay;

beforeAll(async () => {
  m = await createNodeMachine({ memMiB: 16, rom: new Uint8Array(readFileSync(defaultBiosPath())), deterministic: true, stopOnTripleFault: true });
  base = new Uint8Array(SECTORS * 512);
  for (let lba = 0; lba < SECTORS; lba++) for (let i = 0; i < 512; i++) base[lba * 512 + i] = hdByte(lba, i);
  base.set(readFileSync(new URL("biostest4.bin", import.meta.url)), 0);
  overlay = new Overlay(new MemoryDisk(base, true));
  m.attachDisk(0, "hd", overlay);
  const cd = new Uint8Array(20 * 2048);
  for (let lba = 0; lba < 20; lba++) for (let i = 0; i < 2048; i++) cd[lba * 2048 + i] = cdByte(lba, i);
  m.attachDisk(2, "cd", new MemoryDisk(cd, true));
  m.w32(S.BIOS_BOOT_ORDER, 3); // the hard disk
  const r = await runMachine(m, { until: /!/, timeoutMs: 20000 });
  expect(r.end).toBe("matched");
  ram = new DataView(m.ram().buffer, m.ram().byteOffset);
});

const rec = (n: number) => {
  const o = 0x500 + n * 10;
  return { ax: ram.getUint16(o, true), bx: ram.getUint16(o + 2, true), cx: ram.getUint16(o + 4, true), dx: ram.getUint16(o + 6, true), cf: ram.getUint16(o + 8, true) & CF };
};
const ah = (n: number) => rec(n).ax >> 8;
const bytes = (addr: number, n: number) => m.ram().slice(addr, addr + n);
const hdSector = (lba: number) => Uint8Array.from({ length: 512 }, (_, i) => hdByte(lba, i));

describe("hard-disk boot", () => {
  it("loads the MBR at 0000:7C00 and starts it with DL = 80h; the BDA counts one disk", () => {
    expect(m.ram()[0xfe3]).toBe(0x80);
    expect(m.ram()[0xfe2]).toBe(1);
  });
});

describe("INT 13h on a hard disk", () => {
  it("08h reports the translated geometry: 20 cylinders, 16 heads, 63 sectors, one drive", () => {
    const r = rec(0);
    expect(r.cf).toBe(0);
    expect(r.ax >> 8).toBe(0);
    expect(r.cx).toBe((19 << 8) | 63); // CH = last cylinder, CL = sectors per track
    expect(r.dx).toBe((15 << 8) | 1); // DH = last head, DL = drives
  });
  it("15h says fixed disk with CX:DX sectors reachable through CHS", () => {
    const r = rec(1);
    expect(r.ax >> 8).toBe(3);
    expect((r.cx << 16) | r.dx).toBe(20 * 16 * 63);
  });
  it("41h reports EDD 3.0 with the fixed-disk access and parameter subsets", () => {
    const r = rec(2);
    expect(r.cf).toBe(0);
    expect(r.bx).toBe(0xaa55);
    expect(r.ax >> 8).toBe(0x30);
    expect(r.cx).toBe(0x0005);
  });
  it("48h fills the EDD 3.0 result buffer with the size, geometry and device path", () => {
    expect(rec(3).cf).toBe(0);
    const b = new DataView(m.ram().buffer, m.ram().byteOffset + 0x1000);
    expect(b.getUint16(0, true)).toBe(0x42);
    expect(b.getUint16(2, true) & 2).toBe(2); // CHS information valid
    expect([b.getUint32(4, true), b.getUint32(8, true), b.getUint32(12, true)]).toEqual([20, 16, 63]);
    expect(b.getBigUint64(16, true)).toBe(BigInt(SECTORS));
    expect(b.getUint16(24, true)).toBe(512);
    expect(b.getUint32(26, true)).toBe(0xffffffff); // no DPTE
    expect(b.getUint16(0x1e, true)).toBe(0xbedd);
    expect(String.fromCharCode(...bytes(0x1000 + 0x24, 4))).toBe("PCI ");
    expect(String.fromCharCode(...bytes(0x1000 + 0x28, 8))).toBe("ATA     ");
    let sum = 0;
    for (const v of bytes(0x1000 + 0x1e, 0x42 - 0x1e)) sum += v;
    expect(sum & 0xff).toBe(0);
  });
  it("42h reads by LBA, 43h writes, and the write reads back (in the overlay, not the image)", () => {
    expect(ah(4)).toBe(0);
    expect(bytes(0x2000, 512)).toEqual(hdSector(5));
    expect(bytes(0x2200, 512)).toEqual(hdSector(6));
    expect(ah(5)).toBe(0);
    expect(ah(6)).toBe(0);
    expect(bytes(0x3000, 512)).toEqual(hdSector(5));
    const back = new Uint8Array(512);
    overlay.read(100 * 512, back);
    expect(back).toEqual(hdSector(5));
    expect(base.subarray(100 * 512, 101 * 512)).toEqual(hdSector(100));
  });
  it("42h past the last sector is 04h with CF and the packet's count set to 0", () => {
    expect(ah(7)).toBe(0x04);
    expect(rec(7).cf).toBe(CF);
    expect(ram.getUint16(0xfe0, true)).toBe(0);
  });
  it("02h reads by CHS through the translation: C1 H2 S3 is LBA 1136", () => {
    expect(rec(8).ax).toBe(0x0001);
    expect(rec(8).cf).toBe(0);
    expect(bytes(0x4000, 512)).toEqual(hdSector((1 * 16 + 2) * 63 + 2));
  });
  it("an undefined function is 01h, and 01h returns that status", () => {
    expect(ah(9)).toBe(0x01);
    expect(rec(9).cf).toBe(CF);
    expect(ah(10)).toBe(0x01);
  });
  it("a drive that does not exist is 01h", () => {
    expect(ah(19)).toBe(0x01);
    expect(rec(19).cf).toBe(CF);
  });
});

describe("INT 13h on the CD-ROM drive (E0h)", () => {
  it("42h reads 2048-byte sectors", () => {
    expect(ah(11)).toBe(0);
    expect(bytes(0x5000, 2048)).toEqual(Uint8Array.from({ length: 2048 }, (_, i) => cdByte(3, i)));
  });
  it("48h reports 2048-byte sectors and the medium's size; 41h adds the removable subset", () => {
    const b = new DataView(m.ram().buffer, m.ram().byteOffset + 0x1100);
    expect(b.getUint16(0, true)).toBe(0x1a);
    expect(b.getUint16(24, true)).toBe(2048);
    expect(b.getBigUint64(16, true)).toBe(20n);
    expect(rec(13).cx).toBe(0x0007);
  });
  it("43h is write protected (03h)", () => {
    expect(ah(14)).toBe(0x03);
    expect(rec(14).cf).toBe(CF);
  });
  it("a locked drive refuses to eject (B1h) until unlocked", () => {
    expect(rec(15).ax).toBe(0x0001); // locked: AL = 1
    expect(ah(16)).toBe(0xb1);
    expect(rec(17).ax).toBe(0x0000);
    expect(ah(18)).toBe(0);
    expect(rec(18).cf).toBe(0);
  });
});
