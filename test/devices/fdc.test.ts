// The 82077AA floppy controller driven through its ports as a guest driver does: reset and the
// four SENSE INTERRUPT STATUS, SPECIFY, seeks with their interrupt, DMA transfers through an
// 8237A programmed through its ports, PIO transfers through the FIFO. Expected bytes: Intel
// 82077AA data sheet (command set, status registers ST0-ST3, the C/H/R/N result table).
// Virtual time moves by running `jmp $` (10 ns per instruction).
import { describe, it, expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { Machine, ConfigError } from "../../host/machine.js";
import { bareMachine, real16, ROOT } from "../helpers.js";
import * as S from "../../core-as/state.js";

const outb = (m: Machine, port: number, v: number) => m.core.port_out(port, 1, v);
const inb = (m: Machine, port: number) => m.core.port_in(port, 1);
const irq6 = (m: Machine) => m.core.test_irq_level(6);
const MSR = 0x3f4, FIFO = 0x3f5;

/** A synthetic image: each byte identifies its sector (LBA) and position. */
function image(size: number): Uint8Array {
  const img = new Uint8Array(size);
  for (let lba = 0; lba < size / 512; lba++) {
    const base = lba * 512;
    img[base] = lba & 0xff;
    img[base + 1] = lba >> 8;
    for (let i = 2; i < 512; i++) img[base + i] = (lba * 7 + i) & 0xff;
  }
  return img;
}
const lba144 = (c: number, h: number, r: number) => (c * 2 + h) * 18 + r - 1;
const sector = (img: Uint8Array, lba: number) => Array.from(img.subarray(lba * 512, lba * 512 + 512));

async function machine(): Promise<Machine> {
  const m = await bareMachine(2);
  real16(m);
  m.ram().set([0xeb, 0xfe], 0x1000); // jmp $
  m.w32(S.EIP, 0x1000);
  return m;
}

/** Run until IRQ 6 is asserted (at most maxMs of virtual time); returns the ms it took. */
function waitIrq(m: Machine, maxMs = 1000): number {
  for (let t = 0; t < maxMs * 10; t++) {
    if (irq6(m)) return t / 10;
    m.run(10_000); // 100 us
  }
  throw new Error("no IRQ 6");
}

function cmd(m: Machine, ...bytes: number[]): void {
  for (const b of bytes) {
    expect(inb(m, MSR) & 0xc0).toBe(0x80); // RQM, CPU -> controller
    outb(m, FIFO, b);
  }
}

function results(m: Machine): number[] {
  const r: number[] = [];
  while ((inb(m, MSR) & 0xd0) === 0xd0 && r.length < 16) r.push(inb(m, FIFO));
  expect(inb(m, MSR)).toBe(0x80);
  return r;
}

function senseInt(m: Machine): number[] {
  cmd(m, 0x08);
  return results(m);
}

/** The 8237A as a BIOS programs it: cascade on, channel 2 mode/address/page/count, unmask. */
function dma2(m: Machine, toMemory: boolean, addr: number, bytes: number): void {
  outb(m, 0xd6, 0xc0); outb(m, 0xd4, 0x00); // channel 4 cascade, unmasked
  outb(m, 0x0a, 0x06); // mask channel 2
  outb(m, 0x0c, 0);
  outb(m, 0x0b, toMemory ? 0x46 : 0x4a); // single, write to memory / read from memory, ch 2
  outb(m, 0x04, addr & 0xff); outb(m, 0x04, (addr >> 8) & 0xff);
  outb(m, 0x81, addr >>> 16);
  outb(m, 0x05, (bytes - 1) & 0xff); outb(m, 0x05, (bytes - 1) >> 8);
  outb(m, 0x0a, 0x02); // unmask
}

/** A 1.44M synthetic disk in A:, 500 kb/s, SPECIFY (3 ms steps, DMA), head on cylinder cyl. */
async function ready144(cyl = 0, opts: { wp?: boolean; pio?: boolean } = {}) {
  const m = await machine();
  const img = image(1474560);
  m.insertFloppy(0, img, opts.wp ?? false);
  outb(m, 0x3f2, 0x1c); // motor A, DMA/IRQ on, drive 0
  outb(m, 0x3f7, 0); // 500 kb/s
  cmd(m, 0x03, 0xdf, opts.pio ? 0x03 : 0x02);
  cmd(m, 0x07, 0x00);
  waitIrq(m);
  expect(senseInt(m)).toEqual([0x20, 0]);
  if (cyl) {
    cmd(m, 0x0f, 0x00, cyl);
    waitIrq(m);
    expect(senseInt(m)).toEqual([0x20, cyl]);
  }
  return { m, img };
}

describe("82077AA floppy controller", () => {
  it("resets through DOR and DSR, with four SENSE INTERRUPT STATUS after each", async () => {
    const m = await machine();
    m.insertFloppy(0, image(1474560));
    expect(inb(m, MSR)).toBe(0x80);
    outb(m, 0x3f2, 0x08); // reset held
    expect(inb(m, MSR)).toBe(0x00);
    expect(irq6(m)).toBe(0);
    outb(m, 0x3f2, 0x0c); // out of reset: interrupt
    expect(irq6(m)).toBe(1);
    expect(inb(m, MSR)).toBe(0x80);
    expect(senseInt(m)).toEqual([0xc0, 0]);
    expect(senseInt(m)).toEqual([0xc1, 0]);
    expect(senseInt(m)).toEqual([0xc2, 0]);
    expect(senseInt(m)).toEqual([0xc3, 0]);
    expect(irq6(m)).toBe(0);
    expect(senseInt(m)).toEqual([0x80]); // nothing pending: invalid
    outb(m, 0x3f4, 0x80); // DSR software reset
    expect(irq6(m)).toBe(1);
    for (let d = 0; d < 4; d++) expect(senseInt(m)).toEqual([0xc0 | d, 0]);
    // with DMA gate off the INT output is disabled
    outb(m, 0x3f2, 0x00);
    outb(m, 0x3f2, 0x04);
    expect(irq6(m)).toBe(0);
    outb(m, 0x3f2, 0x0c);
    expect(irq6(m)).toBe(1);
  });

  it("answers VERSION, LOCK, DUMPREG and rejects invalid opcodes", async () => {
    const m = await machine();
    cmd(m, 0x10);
    expect(results(m)).toEqual([0x90]);
    cmd(m, 0x1f);
    expect(results(m)).toEqual([0x80]);
    cmd(m, 0x03, 0xaf, 0x1e); // SPECIFY: SRT A, HUT F, HLT 0F, DMA
    expect(inb(m, MSR)).toBe(0x80); // no result phase
    cmd(m, 0x13, 0x00, 0x57, 0x05); // CONFIGURE: EIS, FIFO on (EFIFO 0), polling off, thr 7; PRETRK 5
    cmd(m, 0x12, 0x80 | 0x08); // PERPENDICULAR: OW, drive 1
    cmd(m, 0x94);
    expect(results(m)).toEqual([0x10]);
    cmd(m, 0x0e);
    expect(results(m)).toEqual([0, 0, 0, 0, 0xaf, 0x1e, 0, 0x80 | 0x08, 0x57, 0x05]);
    // locked: a reset keeps CONFIGURE
    outb(m, 0x3f4, 0x80);
    cmd(m, 0x0e);
    expect(results(m)[8]).toBe(0x57);
    cmd(m, 0x14);
    expect(results(m)).toEqual([0x00]);
    outb(m, 0x3f4, 0x80);
    cmd(m, 0x0e);
    expect(results(m)[8]).toBe(0x20); // defaults: FIFO disabled, polling on
  });

  it("recalibrates and seeks with a completion interrupt after the step time", async () => {
    const { m } = await ready144(0);
    cmd(m, 0x04, 0x00);
    expect(results(m)).toEqual([0x38]); // ST3: T0, bits 5 and 3 set, drive 0
    cmd(m, 0x0f, 0x04, 40); // head 1, cylinder 40
    expect(inb(m, MSR)).toBe(0x81); // drive 0 busy, the controller is free
    const ms = waitIrq(m);
    expect(ms).toBeGreaterThan(100); // 40 steps of 3 ms
    expect(ms).toBeLessThan(140);
    expect(senseInt(m)).toEqual([0x24, 40]);
    expect(inb(m, MSR)).toBe(0x80);
    cmd(m, 0x04, 0x04);
    expect(results(m)).toEqual([0x2c]);
    cmd(m, 0xcf, 0x00, 5); // relative seek up 5
    waitIrq(m);
    expect(senseInt(m)).toEqual([0x20, 45]);
    cmd(m, 0x8f, 0x00, 3); // down 3
    waitIrq(m);
    expect(senseInt(m)).toEqual([0x20, 42]);
    cmd(m, 0x07, 0x00);
    waitIrq(m);
    expect(senseInt(m)).toEqual([0x20, 0]);
    // recalibrating a drive that is not installed: no track 0 signal
    cmd(m, 0x07, 0x02);
    waitIrq(m);
    expect(senseInt(m)).toEqual([0x72, 0]);
  });

  it("reads sectors through DMA channel 2 and reports the next sector", async () => {
    const { m, img } = await ready144(2);
    dma2(m, true, 0x20000, 3 * 512);
    cmd(m, 0x46, 0x04, 2, 1, 5, 2, 18, 0x1b, 0xff); // READ DATA MFM, head 1, C2 H1 R5 N2 EOT18
    expect(inb(m, MSR)).toBe(0x10); // execution, DMA
    const ms = waitIrq(m);
    expect(ms).toBeGreaterThan(30); // 3 sectors of 11 ms
    expect(results(m)).toEqual([0x04, 0x00, 0x00, 2, 1, 8, 2]);
    expect(irq6(m)).toBe(0);
    const ram = m.ram();
    for (let k = 0; k < 3; k++) expect(Array.from(ram.subarray(0x20000 + k * 512, 0x20200 + k * 512))).toEqual(sector(img, lba144(2, 1, 5 + k)));
    expect(ram[0x20600]).toBe(0);
    expect(inb(m, 0x08) & 0x04).toBe(0x04); // DMA terminal count on channel 2
  });

  it("ends at EOT: EN without terminal count, normal with it", async () => {
    const { m, img } = await ready144(3);
    dma2(m, true, 0x30000, 4 * 512);
    cmd(m, 0x46, 0x00, 3, 0, 17, 2, 18, 0x1b, 0xff);
    waitIrq(m);
    expect(results(m)).toEqual([0x40, 0x80, 0x00, 4, 0, 1, 2]); // end of cylinder, C+1 R=1
    expect(Array.from(m.ram().subarray(0x30200, 0x30400))).toEqual(sector(img, lba144(3, 0, 18)));
    dma2(m, true, 0x30000, 2 * 512);
    cmd(m, 0x46, 0x00, 3, 0, 17, 2, 18, 0x1b, 0xff);
    waitIrq(m);
    expect(results(m)).toEqual([0x00, 0x00, 0x00, 4, 0, 1, 2]);
  });

  it("continues on head 1 with MT, and ends after head 1", async () => {
    const { m, img } = await ready144(5);
    dma2(m, true, 0x40000, 3 * 512);
    cmd(m, 0xc6, 0x00, 5, 0, 17, 2, 18, 0x1b, 0xff); // MT MFM READ, C5 H0 R17
    waitIrq(m);
    expect(results(m)).toEqual([0x04, 0x00, 0x00, 5, 1, 2, 2]);
    const ram = m.ram();
    expect(Array.from(ram.subarray(0x40000, 0x40200))).toEqual(sector(img, lba144(5, 0, 17)));
    expect(Array.from(ram.subarray(0x40200, 0x40400))).toEqual(sector(img, lba144(5, 0, 18)));
    expect(Array.from(ram.subarray(0x40400, 0x40600))).toEqual(sector(img, lba144(5, 1, 1)));
    dma2(m, true, 0x40000, 4 * 512);
    cmd(m, 0xc6, 0x04, 5, 1, 18, 2, 18, 0x1b, 0xff); // MT, head 1, last sector: then EN
    waitIrq(m);
    expect(results(m)).toEqual([0x44, 0x80, 0x00, 6, 0, 1, 2]);
  });

  it("writes through DMA, and refuses a write-protected disk", async () => {
    const { m } = await ready144(1);
    const data = Array.from({ length: 1024 }, (_, i) => (i * 13 + 5) & 0xff);
    m.ram().set(data, 0x50000);
    dma2(m, false, 0x50000, 1024);
    cmd(m, 0x45, 0x00, 1, 0, 3, 2, 18, 0x1b, 0xff);
    waitIrq(m);
    expect(results(m)).toEqual([0x00, 0x00, 0x00, 1, 0, 5, 2]);
    const out = m.floppyImage(0);
    expect(out.length).toBe(1474560);
    expect(Array.from(out.subarray(lba144(1, 0, 3) * 512, lba144(1, 0, 5) * 512))).toEqual(data);
    expect(out[lba144(1, 0, 5) * 512]).toBe(lba144(1, 0, 5) & 0xff);

    const p = await ready144(1, { wp: true });
    dma2(p.m, false, 0x50000, 512);
    cmd(p.m, 0x45, 0x00, 1, 0, 3, 2, 18, 0x1b, 0xff);
    waitIrq(p.m);
    expect(results(p.m)).toEqual([0x40, 0x02, 0x00, 1, 0, 3, 2]); // NW
    cmd(p.m, 0x04, 0x00);
    expect(results(p.m)[0] & 0x40).toBe(0x40); // ST3 write protected
    expect(Buffer.compare(p.m.floppyImage(0), p.img)).toBe(0);
  });

  it("reads an ID from the track under the head", async () => {
    const { m } = await ready144(7);
    cmd(m, 0x4a, 0x04);
    waitIrq(m);
    const r = results(m);
    expect(r.slice(0, 5)).toEqual([0x04, 0x00, 0x00, 7, 1]);
    expect(r[5]).toBeGreaterThanOrEqual(1);
    expect(r[5]).toBeLessThanOrEqual(18);
    expect(r[6]).toBe(2);
    // at 250 kb/s no address mark is found on a 1.44M disk
    outb(m, 0x3f7, 2);
    cmd(m, 0x4a, 0x04);
    waitIrq(m);
    expect(results(m).slice(0, 3)).toEqual([0x44, 0x01, 0x00]);
  });

  it("formats a track from the DMA'd ID fields with the filler byte", async () => {
    const { m, img } = await ready144(3);
    const ids: number[] = [];
    for (let r = 1; r <= 18; r++) ids.push(3, 1, r, 2);
    m.ram().set(ids, 0x60000);
    dma2(m, false, 0x60000, ids.length);
    cmd(m, 0x4d, 0x04, 2, 18, 0x54, 0xe5); // FORMAT, head 1, N2, SC18, GPL, filler E5
    waitIrq(m);
    expect(results(m).slice(0, 3)).toEqual([0x04, 0x00, 0x00]);
    const out = m.floppyImage(0);
    const t0 = lba144(3, 1, 1) * 512;
    expect(out.subarray(t0, t0 + 18 * 512).every((b) => b === 0xe5)).toBe(true);
    expect(Array.from(out.subarray(t0 - 512, t0))).toEqual(sector(img, lba144(3, 1, 1) - 1));
    expect(Array.from(out.subarray(t0 + 18 * 512, t0 + 19 * 512))).toEqual(sector(img, lba144(3, 1, 1) + 18));
  });

  it("reports sector not found, wrong cylinder, and no disk", async () => {
    const { m } = await ready144(2);
    dma2(m, true, 0x20000, 512);
    cmd(m, 0x46, 0x00, 2, 0, 19, 2, 19, 0x1b, 0xff); // R19 does not exist
    expect(waitIrq(m)).toBeGreaterThan(390); // two index pulses
    expect(results(m)).toEqual([0x40, 0x04, 0x00, 2, 0, 19, 2]);
    cmd(m, 0x46, 0x00, 3, 0, 1, 2, 18, 0x1b, 0xff); // C3 while the head is on 2
    waitIrq(m);
    expect(results(m)).toEqual([0x40, 0x04, 0x10, 3, 0, 1, 2]);
    // drive B: with no disk
    m.insertFloppy(1, image(737280));
    m.ejectFloppy(1);
    cmd(m, 0x46, 0x01, 0, 0, 1, 2, 9, 0x1b, 0xff);
    waitIrq(m);
    expect(results(m).slice(0, 3)).toEqual([0x49, 0x00, 0x00]);
  });

  it("raises the disk change line until a step with a disk in", async () => {
    const m = await machine();
    m.insertFloppy(0, image(1474560));
    outb(m, 0x3f2, 0x1c);
    cmd(m, 0x03, 0xdf, 0x02);
    expect(inb(m, 0x3f7) & 0x80).toBe(0x80);
    cmd(m, 0x07, 0x00); // already on track 0: no step
    waitIrq(m); senseInt(m);
    expect(inb(m, 0x3f7) & 0x80).toBe(0x80);
    cmd(m, 0x0f, 0x00, 1);
    waitIrq(m); senseInt(m);
    expect(inb(m, 0x3f7) & 0x80).toBe(0x00);
    m.ejectFloppy(0);
    expect(inb(m, 0x3f7) & 0x80).toBe(0x80);
    cmd(m, 0x0f, 0x00, 0); // no disk: the line stays
    waitIrq(m); senseInt(m);
    expect(inb(m, 0x3f7) & 0x80).toBe(0x80);
    m.insertFloppy(0, image(737280));
    cmd(m, 0x0f, 0x00, 2);
    waitIrq(m); senseInt(m);
    expect(inb(m, 0x3f7) & 0x80).toBe(0x00);
  });

  it("transfers through the FIFO in non-DMA mode", async () => {
    const { m, img } = await ready144(4, { pio: true });
    cmd(m, 0x46, 0x00, 4, 0, 9, 2, 10, 0x1b, 0xff); // R9..EOT 10
    const got: number[] = [];
    for (let k = 0; k < 2; k++) {
      waitIrq(m);
      expect(inb(m, MSR)).toBe(0xf0); // RQM DIO NDMA CB
      for (let i = 0; i < 512; i++) got.push(inb(m, FIFO));
    }
    waitIrq(m);
    expect(results(m)).toEqual([0x40, 0x80, 0x00, 5, 0, 1, 2]); // no TC in PIO: EN at EOT
    expect(got).toEqual([...sector(img, lba144(4, 0, 9)), ...sector(img, lba144(4, 0, 10))]);
    // PIO write of one sector
    cmd(m, 0x45, 0x00, 4, 0, 1, 2, 1, 0x1b, 0xff);
    waitIrq(m);
    expect(inb(m, MSR)).toBe(0xb0); // RQM NDMA CB, CPU -> controller
    for (let i = 0; i < 512; i++) outb(m, FIFO, 0x5a);
    waitIrq(m);
    expect(results(m)).toEqual([0x40, 0x80, 0x00, 5, 0, 1, 2]);
    expect(m.floppyImage(0).subarray(lba144(4, 0, 1) * 512, lba144(4, 0, 2) * 512).every((b) => b === 0x5a)).toBe(true);
  });

  it("verifies sectors with EC and reads deleted data as the data sheet says", async () => {
    const { m } = await ready144(0);
    cmd(m, 0x56, 0x80, 0, 0, 1, 2, 18, 0x1b, 3); // VERIFY EC: 3 sectors
    waitIrq(m);
    expect(results(m)).toEqual([0x00, 0x00, 0x00, 0, 0, 4, 2]);
    dma2(m, true, 0x20000, 1024);
    cmd(m, 0x4c, 0x00, 0, 0, 2, 2, 18, 0x1b, 0xff); // READ DELETED, SK=0, normal data
    waitIrq(m);
    expect(results(m)).toEqual([0x00, 0x00, 0x40, 0, 0, 2, 2]); // CM, address not incremented
  });

  it("takes geometry from the image size and sets the CMOS drive types", async () => {
    const m = await machine();
    expect(() => m.insertFloppy(0, new Uint8Array(1000000))).toThrow(ConfigError);
    m.insertFloppy(0, image(1474560));
    m.insertFloppy(1, image(737280));
    expect(m.core.cmos_get(0x10)).toBe(0x43);
    expect(m.core.cmos_get(0x14) & 0xc1).toBe(0x41);
    // 720K: 250 kb/s, 9 sectors
    outb(m, 0x3f2, 0x2d); // motor B, drive 1
    outb(m, 0x3f7, 2);
    cmd(m, 0x03, 0xdf, 0x02);
    cmd(m, 0x07, 0x01);
    waitIrq(m); senseInt(m);
    dma2(m, true, 0x20000, 512);
    cmd(m, 0x46, 0x01, 0, 0, 9, 2, 9, 0x1b, 0xff);
    waitIrq(m);
    expect(results(m)).toEqual([0x01, 0x00, 0x00, 1, 0, 1, 2]);
    expect(m.ram()[0x20000]).toBe(8);
  });


  it("serves a real-mode guest driver: reset, recalibrate and a DMA read, woken by IRQ 6", async () => {
    // test/devices/fdc.test.ts guest (nasm, org 0x1000): IRQ 6 handler at vector 0x0E sets a
    // flag; master PIC at 08h with only IRQ 6 unmasked; DOR reset and four SENSE INTERRUPT
    // STATUS; 500 kb/s; SPECIFY DF 02; RECALIBRATE + SENSE; DMA channel 2 write-to-memory
    // 0x8000, 512 bytes; READ DATA E6 00 00 00 01 02 12 1B FF; every result byte is stored
    // from 0x6000 on; the driver waits with sti/hlt and ends with cli/hlt.
    const m = await machine();
    const img = image(1474560);
    m.insertFloppy(0, img);
    const code = "fa31c08ed88ec08ed0bc0070bf0060c7063800ed10c7063a000000b011e620b008e621b004e621b001e621b0bfe621fbbaf203b008eeb01ceee87e00b90400b008e88900e89500e2f6baf70330c0eeb003e87900b0dfe87400b002e86f00b007e86a00b000e86500e84f00b008e85d00e86900b0c0e6d630c0e6d4b006e60ae60cb046e60b30c0e604b080e60430c0e681b0ffe605b001e605b002e60abeb110b90900ace82600e2fae80e00e82d00faf4e60000000102121bfffa803efa10007504fbf4ebf4c606fa1000fbc350baf403ec24c03c8075f95842eec3baf403ec24d03cd0750642ecaa4aebf3c3502ec606fa1001b020e62058cf00";
    m.ram().set(code.match(/../g)!.map((h) => parseInt(h, 16)), 0x1000);
    m.w32(S.EIP, 0x1000);
    let halts = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const r = m.run(1_000_000);
      if (r === S.EXIT_HALT) {
        if (m.haltUntil === 0n) break;
        halts++;
        m.core.idle_until(m.haltUntil);
      }
    }
    expect(halts).toBeGreaterThan(0);
    expect(Array.from(m.ram().subarray(0x6000, 0x6000 + 17))).toEqual([
      0xc0, 0, 0xc1, 0, 0xc2, 0, 0xc3, 0, // reset statuses
      0x20, 0, // recalibrate
      0x00, 0x00, 0x00, 0, 0, 2, 2, // READ DATA result
    ]);
    expect(Array.from(m.ram().subarray(0x8000, 0x8200))).toEqual(sector(img, 0));
  });


  it("seeks implicitly with CONFIGURE EIS, and formats through the FIFO without DMA", async () => {
    const { m, img } = await ready144(0);
    cmd(m, 0x13, 0x00, 0x60, 0x00); // EIS, FIFO disabled, polling on
    dma2(m, true, 0x20000, 512);
    cmd(m, 0x46, 0x00, 10, 0, 4, 2, 18, 0x1b, 0xff); // C10 with the head on 0
    waitIrq(m);
    expect(results(m)).toEqual([0x00, 0x00, 0x00, 10, 0, 5, 2]);
    expect(Array.from(m.ram().subarray(0x20000, 0x20200))).toEqual(sector(img, lba144(10, 0, 4)));
    cmd(m, 0x0e);
    expect(results(m).slice(0, 4)).toEqual([10, 0, 0, 0]);
    // PIO format of cylinder 10 head 0 (the head is there now)
    cmd(m, 0x03, 0xdf, 0x03);
    cmd(m, 0x4d, 0x00, 2, 18, 0x54, 0xf6);
    for (let r = 1; r <= 18; r++) {
      waitIrq(m);
      expect(inb(m, MSR)).toBe(0xb0);
      for (const b of [10, 0, r, 2]) outb(m, FIFO, b);
    }
    waitIrq(m);
    expect(results(m).slice(0, 3)).toEqual([0x00, 0x00, 0x00]);
    const out = m.floppyImage(0);
    const t0 = lba144(10, 0, 1) * 512;
    expect(out.subarray(t0, t0 + 18 * 512).every((b) => b === 0xf6)).toBe(true);
  });

  it("reports an overrun when DMA is not set up, and no result interrupt with the gate off", async () => {
    const { m } = await ready144(0);
    outb(m, 0x0a, 0x06); // channel 2 masked
    cmd(m, 0x46, 0x00, 0, 0, 1, 2, 18, 0x1b, 0xff);
    waitIrq(m);
    expect(results(m)).toEqual([0x40, 0x10, 0x00, 0, 0, 1, 2]); // OR
    outb(m, 0x3f2, 0x14); // DMA gate off: INT (and DRQ) disabled
    cmd(m, 0x4a, 0x00);
    m.run(5_000_000);
    expect(irq6(m)).toBe(0);
    expect(inb(m, MSR)).toBe(0xd0); // the result is there all the same
    outb(m, 0x3f2, 0x1c);
    expect(irq6(m)).toBe(1);
    expect(results(m)[0]).toBe(0x00);
  });


  it("reads a 360K disk at 300 kb/s (as in a 1.2M drive) or 250, and a 2.88M disk only at 1 Mb/s", async () => {
    const m = await machine();
    const img = image(368640);
    m.insertFloppy(0, img);
    m.insertFloppy(1, image(2949120));
    expect(m.core.cmos_get(0x10)).toBe(0x15);
    outb(m, 0x3f2, 0x1c);
    cmd(m, 0x03, 0xdf, 0x02);
    for (const [rate, st0, st1] of [[1, 0x00, 0x00], [2, 0x00, 0x00], [0, 0x40, 0x01], [3, 0x40, 0x01]]) {
      outb(m, 0x3f7, rate);
      cmd(m, 0x4a, 0x00);
      waitIrq(m);
      expect(results(m).slice(0, 2)).toEqual([st0, st1]);
    }
    outb(m, 0x3f7, 1);
    cmd(m, 0x0f, 0x00, 39);
    waitIrq(m); senseInt(m);
    dma2(m, true, 0x20000, 1024);
    cmd(m, 0xc6, 0x00, 39, 0, 9, 2, 9, 0x1b, 0xff);
    waitIrq(m);
    expect(results(m)).toEqual([0x04, 0x00, 0x00, 39, 1, 2, 2]);
    expect(Array.from(m.ram().subarray(0x20200, 0x20400))).toEqual(sector(img, 39 * 18 + 9));
    outb(m, 0x3f2, 0x2d); // drive B: 2.88M
    outb(m, 0x3f7, 3);
    cmd(m, 0x4a, 0x01);
    waitIrq(m);
    expect(results(m).slice(0, 2)).toEqual([0x01, 0x00]);
    outb(m, 0x3f7, 0);
    cmd(m, 0x4a, 0x01);
    waitIrq(m);
    expect(results(m).slice(0, 2)).toEqual([0x41, 0x01]);
  });

  const fd = `${ROOT}../shared/images/freedos-boot-1440k.img`;
  it.skipIf(!existsSync(fd))("reads the boot sector of a real 1.44M image", async () => {
    const m = await machine();
    const img = new Uint8Array(readFileSync(fd));
    m.insertFloppy(0, img, true);
    outb(m, 0x3f2, 0x1c);
    outb(m, 0x3f7, 0);
    cmd(m, 0x03, 0xdf, 0x02);
    dma2(m, true, 0x7c00, 512);
    cmd(m, 0xe6, 0x00, 0, 0, 1, 2, 18, 0x1b, 0xff);
    waitIrq(m);
    expect(results(m)).toEqual([0x00, 0x00, 0x00, 0, 0, 2, 2]);
    expect(Array.from(m.ram().subarray(0x7c00, 0x7e00))).toEqual(Array.from(img.subarray(0, 512)));
    expect(m.ram()[0x7dfe]).toBe(0x55);
    expect(m.ram()[0x7dff]).toBe(0xaa);
  });
});
