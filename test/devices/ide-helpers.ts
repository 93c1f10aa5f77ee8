// Shared set-up for the IDE tests: a machine running `jmp $` (so virtual time and the disk
// request slot move when the test runs it), disks built in memory with a known pattern, and
// the register-level steps a driver takes (ATA/ATAPI-6 §9 protocols).
import { expect } from "vitest";
import { Machine } from "../../host/machine.js";
import { BlockDevice, MemoryDisk } from "../../host/blockdev.js";
import { bareMachine, real16 } from "../helpers.js";
import * as S from "../../core-as/state.js";

export const inb = (m: Machine, port: number) => m.core.port_in(port, 1);
export const outb = (m: Machine, port: number, v: number) => m.core.port_out(port, 1, v);
export const inw = (m: Machine, port: number) => m.core.port_in(port, 2);
export const outw = (m: Machine, port: number, v: number) => m.core.port_out(port, 2, v);

/** Command block base and control port of channel 0 (primary) or 1 (secondary). */
export const BASE = [0x1f0, 0x170];
export const CTRL = [0x3f6, 0x376];
export const BM = 0xc000; // BMIBA as the function powers on (devices/ide.ts)

/** Byte i of sector lba (unit bytes) in the test pattern: the LBA in the first 4 bytes, then a
 * mix of the LBA and the offset, so a misplaced sector or byte shows. */
export function patternByte(lba: number, i: number): number {
  if (i < 4) return Math.floor(lba / 2 ** (8 * i)) & 0xff;
  return (lba * 7 + i * 13 + (i >> 8)) & 0xff;
}

export function patternImage(sectors: number, unit = 512): Uint8Array {
  const img = new Uint8Array(sectors * unit);
  for (let s = 0; s < sectors; s++) for (let i = 0; i < unit; i++) img[s * unit + i] = patternByte(s, i);
  return img;
}

export function patternSector(lba: number, unit = 512): number[] {
  return Array.from({ length: unit }, (_, i) => patternByte(lba, i));
}

/** A disk of any size whose bytes are generated (nothing is allocated for the image); writes
 * are kept per sector so a test can look at them. */
export class PatternDisk implements BlockDevice {
  readonly size: number;
  readonly readOnly = false;
  readonly written = new Map<number, Uint8Array>();
  constructor(size: number, readonly unit = 512) { this.size = size; }
  read(offset: number, dest: Uint8Array): void {
    for (let k = 0; k < dest.length; k++) {
      const o = offset + k, lba = Math.floor(o / this.unit), i = o % this.unit;
      const w = this.written.get(lba);
      dest[k] = w ? w[i] : patternByte(lba, i);
    }
  }
  write(offset: number, src: Uint8Array): void {
    for (let k = 0; k < src.length; k++) {
      const o = offset + k, lba = Math.floor(o / this.unit), i = o % this.unit;
      let w = this.written.get(lba);
      if (!w) { w = new Uint8Array(this.unit); for (let j = 0; j < this.unit; j++) w[j] = patternByte(lba, j); this.written.set(lba, w); }
      w[i] = src[k];
    }
  }
}

export interface Drives { pm?: BlockDevice; ps?: BlockDevice; sm?: BlockDevice | null; ss?: BlockDevice | null }

/** A machine (8 MiB) with hard disks at the primary master/slave and CD drives (sm/ss: a
 * medium, or null for an empty drive) on the secondary channel. */
export async function ideMachine(drives: Drives = {}): Promise<Machine> {
  const m = await bareMachine(8);
  real16(m);
  m.ram().set([0xeb, 0xfe], 0x1000); // jmp $
  m.w32(S.EIP, 0x1000);
  if (drives.pm) m.attachDisk(0, "hd", drives.pm);
  if (drives.ps) m.attachDisk(1, "hd", drives.ps);
  if (drives.sm !== undefined) m.attachDisk(2, "cd", drives.sm);
  if (drives.ss !== undefined) m.attachDisk(3, "cd", drives.ss);
  return m;
}

export const irq = (m: Machine, ch: number) => m.core.test_irq_level(14 + ch);

/** Let 20 us of virtual time pass (2000 instructions at 10 ns), serving disk requests. */
export function settle(m: Machine, insns = 2000): void { m.run(insns); }

/** Run until the channel's IRQ line is asserted; fails after ~1 ms of virtual time. */
export function waitIrq(m: Machine, ch: number): void {
  for (let i = 0; i < 100; i++) {
    if (irq(m, ch)) return;
    m.run(1000);
  }
  throw new Error(`no IRQ ${14 + ch}`);
}

/** Run until BSY is clear (alternate status, so no interrupt is cleared). */
export function waitReady(m: Machine, ch: number): number {
  for (let i = 0; i < 100; i++) {
    const s = inb(m, CTRL[ch]);
    if ((s & 0x80) === 0) return s;
    m.run(1000);
  }
  throw new Error("still busy");
}

export function select(m: Machine, ch: number, devbit: number, extra = 0xe0): void {
  outb(m, BASE[ch] + 6, (extra & 0xef) | (devbit << 4));
}

/** Task file for a 28-bit LBA command on the selected device, then the command. */
export function lba28(m: Machine, ch: number, devbit: number, cmd: number, lba: number, count: number, features = 0): void {
  const b = BASE[ch];
  outb(m, b + 1, features);
  outb(m, b + 2, count & 0xff);
  outb(m, b + 3, lba & 0xff);
  outb(m, b + 4, (lba >> 8) & 0xff);
  outb(m, b + 5, (lba >> 16) & 0xff);
  outb(m, b + 6, 0xe0 | (devbit << 4) | ((lba >> 24) & 0x0f));
  outb(m, b + 7, cmd);
}

/** 48-bit: each register written twice, high-order byte first (ATA-6 §6.20.?). */
export function lba48(m: Machine, ch: number, devbit: number, cmd: number, lba: number, count: number): void {
  const b = BASE[ch];
  const hi = Math.floor(lba / 2 ** 24);
  outb(m, b + 2, (count >> 8) & 0xff); outb(m, b + 2, count & 0xff);
  outb(m, b + 3, hi & 0xff); outb(m, b + 3, lba & 0xff);
  outb(m, b + 4, (hi >> 8) & 0xff); outb(m, b + 4, (lba >> 8) & 0xff);
  outb(m, b + 5, (hi >> 16) & 0xff); outb(m, b + 5, (lba >> 16) & 0xff);
  outb(m, b + 6, 0x40 | (devbit << 4));
  outb(m, b + 7, cmd);
}

/** Read n bytes through the data register (16-bit accesses). */
export function readData(m: Machine, ch: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i += 2) { const w = inw(m, BASE[ch]); out.push(w & 0xff, w >> 8); }
  return out.slice(0, n);
}

export function writeData(m: Machine, ch: number, bytes: ArrayLike<number>): void {
  for (let i = 0; i < bytes.length; i += 2) outw(m, BASE[ch], bytes[i] | ((bytes[i + 1] ?? 0) << 8));
}

/** IDENTIFY (DEVICE or PACKET DEVICE) data as 256 words. */
export function identify(m: Machine, ch: number, devbit: number, cmd = 0xec): number[] {
  select(m, ch, devbit, 0xa0);
  outb(m, BASE[ch] + 7, cmd);
  waitIrq(m, ch);
  expect(inb(m, BASE[ch] + 7) & 0x89).toBe(0x08); // DRQ, no BSY, no ERR
  const b = readData(m, ch, 512);
  return Array.from({ length: 256 }, (_, i) => b[2 * i] | (b[2 * i + 1] << 8));
}

/** An ATA string from IDENTIFY words (two characters per word, the first in the high byte). */
export function idString(w: number[], first: number, words: number): string {
  let s = "";
  for (let i = first; i < first + words; i++) s += String.fromCharCode(w[i] >> 8, w[i] & 0xff);
  return s;
}

/** Write a PRD table at `at` in guest RAM: [address, bytes (65536 = 0), eot]. */
export function prdTable(m: Machine, at: number, entries: [number, number, boolean][]): void {
  entries.forEach(([addr, bytes, eot], i) => {
    m.dv.setUint32(S.RAM + at + i * 8, addr >>> 0, true);
    m.dv.setUint32(S.RAM + at + i * 8 + 4, ((bytes & 0xffff) | (eot ? 0x80000000 : 0)) >>> 0, true);
  });
}

/** Bus master of channel ch: PRD table address, direction (toMemory = a device read), start. */
export function bmSetup(m: Machine, ch: number, table: number, toMemory: boolean): void {
  const b = BM + ch * 8;
  outb(m, b, 0); // stopped
  outb(m, b + 2, 0x06); // clear error and interrupt
  m.core.port_out(b + 4, 4, table);
  outb(m, b, toMemory ? 0x08 : 0x00);
}
export function bmStart(m: Machine, ch: number, toMemory: boolean): void { outb(m, BM + ch * 8, (toMemory ? 0x08 : 0) | 1); }
export function bmStatus(m: Machine, ch: number): number { return inb(m, BM + ch * 8 + 2); }

export { MemoryDisk };
