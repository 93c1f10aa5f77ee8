// The PIIX3 IDE function and ATA disks driven through their ports as a guest driver does.
// Expected values: ATA/ATAPI-6 (T13/1410D) — §8 command descriptions and their normal/error
// outputs, §8.15 IDENTIFY DEVICE words, §9 protocols (PIO data-in/out, DMA, reset); the PIIX3
// data sheet (290550) for the PCI registers and the bus master; SFF-8038i table 1 for the bus
// master status after a transfer.
import { describe, it, expect } from "vitest";
import { Machine } from "../../host/machine.js";
import { MemoryDisk, BlockDevice } from "../../host/blockdev.js";
import * as S from "../../core-as/state.js";
import {
  inb, outb, inw, BASE, CTRL, BM, patternImage, patternSector, PatternDisk, ideMachine, irq, settle, waitIrq,
  waitReady, select, lba28, lba48, readData, writeData, identify, idString, prdTable, bmSetup, bmStart, bmStatus,
} from "./ide-helpers.js";

const ST = 0x1f7, ALT = 0x3f6, ERR = 0x1f1;
const pciAddr = (fn: number, reg: number) => (0x80000000 | (1 << 11) | (fn << 8) | (reg & 0xfc)) >>> 0;
function cfgRead(m: Machine, reg: number, size = 4): number {
  m.core.port_out(0xcf8, 4, pciAddr(1, reg));
  return m.core.port_in(0xcfc + (reg & 3), size) >>> 0;
}
function cfgWrite(m: Machine, reg: number, v: number, size = 4): void {
  m.core.port_out(0xcf8, 4, pciAddr(1, reg));
  m.core.port_out(0xcfc + (reg & 3), size, v);
}

const disk = (sectors: number, readOnly = false) => new MemoryDisk(patternImage(sectors), readOnly);
const sum8 = (w: number[]) => w.reduce((s, x) => s + (x & 0xff) + (x >> 8), 0) & 0xff;

describe("PIIX3 IDE PCI function 00:01.1", () => {
  it("identifies as 8086:7010, mass storage IDE in legacy mode with bus mastering", async () => {
    const m = await ideMachine();
    expect(cfgRead(m, 0x00).toString(16)).toBe("70108086");
    expect(cfgRead(m, 0x08) >>> 8).toBe(0x010180); // class 01 sub 01 prog-if 80
    expect(cfgRead(m, 0x0e, 1)).toBe(0x00);
    expect(cfgRead(m, 0x20)).toBe(0xc001); // BMIBA: I/O space indicator
    cfgWrite(m, 0x20, 0xffffffff);
    expect(cfgRead(m, 0x20)).toBe(0xfff1); // 16 bytes of I/O, 64 KiB space
    cfgWrite(m, 0x20, 0xc001);
    expect(cfgRead(m, 0x40)).toBe(0x80008000); // IDETIM decode enabled on both channels
    cfgWrite(m, 0x40, 0x0000a307, 2);
    expect(cfgRead(m, 0x40, 2)).toBe(0xa307);
    cfgWrite(m, 0x44, 0x5a, 1);
    expect(cfgRead(m, 0x44, 1)).toBe(0x5a);
  });

  it("the command register gates I/O decode, IDETIM bit 15 each channel", async () => {
    const m = await ideMachine({ pm: disk(2048) });
    expect(inb(m, ST)).toBe(0x50);
    cfgWrite(m, 0x04, 0x0004, 2); // I/O space disabled
    expect(inb(m, ST)).toBe(0xff);
    expect(inb(m, BM + 2)).toBe(0xff);
    cfgWrite(m, 0x04, 0x0005, 2);
    expect(inb(m, ST)).toBe(0x50);
    cfgWrite(m, 0x40, 0x0000, 2); // primary decode off
    expect(inb(m, ST)).toBe(0xff);
  });

  it("BAR4 moves the bus master registers", async () => {
    const m = await ideMachine();
    m.core.port_out(BM + 4, 4, 0x12345678);
    expect(m.core.port_in(BM + 4, 4) >>> 0).toBe(0x12345678 & ~3); // dword aligned
    cfgWrite(m, 0x20, 0xd001);
    expect(m.core.port_in(0xd004, 4) >>> 0).toBe(0x12345678 & ~3);
    expect(m.core.port_in(BM + 4, 4) >>> 0).toBe(0xffffffff); // nothing there any more
  });
});

describe("IDENTIFY DEVICE", () => {
  it("a small disk: CHS within 16 heads x 63 sectors, capacities, feature words, checksum", async () => {
    const sectors = 20480; // 10 MiB: 20 cylinders of 16 x 63, with 320 sectors left over
    const m = await ideMachine({ pm: disk(sectors) });
    const w = identify(m, 0, 0);
    expect(w[0]).toBe(0x0040);
    expect([w[1], w[3], w[6]]).toEqual([20, 16, 63]);
    expect(idString(w, 10, 10)).toBe("TAB86HD0000000000000");
    expect(idString(w, 23, 4)).toBe("1.0     ");
    expect(idString(w, 27, 20).trimEnd()).toBe("tab86 HARDDISK");
    expect(w[47]).toBe(0x8010); // up to 16 sectors per READ/WRITE MULTIPLE block
    expect(w[49] & 0x0300).toBe(0x0300); // LBA and DMA
    expect(w[53] & 0x7).toBe(0x7);
    expect([w[54], w[55], w[56]]).toEqual([20, 16, 63]);
    expect(w[57] | (w[58] << 16)).toBe(20 * 16 * 63);
    expect(w[59] & 0x100).toBe(0); // multiple mode not set yet
    expect(w[60] | (w[61] << 16)).toBe(sectors);
    expect(w[63] & 0x7).toBe(0x7); // MWDMA 0-2
    expect(w[64] & 0x3).toBe(0x3); // PIO 3 and 4
    expect(w[80] & 0x40).toBe(0x40); // ATA/ATAPI-6
    expect(w[83] & 0xc000).toBe(0x4000);
    expect(w[83] & 0x3400).toBe(0x3400); // 48-bit, FLUSH CACHE, FLUSH CACHE EXT
    expect(w[86] & 0x3400).toBe(0x3400);
    expect(w[82] & 0x0060).toBe(0x0060); // write cache, look-ahead supported
    expect(w[85] & 0x0060).toBe(0x0060); // and enabled
    expect(w[88] & 0x3f).toBe(0x3f); // UDMA 0-5
    expect(w[93] & 0x6000).toBe(0x6000); // 80-conductor cable detected
    expect(w[100] + w[101] * 0x10000 + w[102] * 2 ** 32 + w[103] * 2 ** 48).toBe(sectors);
    expect(w[255] & 0xff).toBe(0xa5);
    expect(sum8(w)).toBe(0);
    expect(inb(m, ST)).toBe(0x50); // all 512 bytes read: ready, no DRQ
  });

  it("a 200 GB disk: 16383/16/63, the LBA28 capacity saturates at 0FFFFFFFh, LBA48 holds the size", async () => {
    const sectors = 400_000_000; // 204.8 GB: more than 2^28 sectors
    const m = await ideMachine({ pm: new PatternDisk(sectors * 512) });
    const w = identify(m, 0, 0);
    expect([w[1], w[3], w[6]]).toEqual([16383, 16, 63]);
    expect(w[57] | (w[58] << 16)).toBe(16514064);
    expect((w[60] | (w[61] << 16)) >>> 0).toBe(0x0fffffff);
    expect(w[100] + w[101] * 0x10000 + w[102] * 2 ** 32 + w[103] * 2 ** 48).toBe(sectors);
    expect(sum8(w)).toBe(0);
  });

  it("SET FEATURES selects one transfer mode (words 63/88), switches the write cache, aborts unknown subcommands", async () => {
    const m = await ideMachine({ pm: disk(2048) });
    const setf = (sub: number, count = 0) => { lba28(m, 0, 0, 0xef, 0, count, sub); waitIrq(m, 0); return [inb(m, ST), inb(m, ERR)]; };
    expect(setf(0x03, 0x42)).toEqual([0x50, 0]); // UDMA 2
    let w = identify(m, 0, 0);
    expect(w[88] >> 8).toBe(0x04);
    expect(w[63] >> 8).toBe(0);
    expect(setf(0x03, 0x22)).toEqual([0x50, 0]); // MWDMA 2: the UDMA selection goes
    w = identify(m, 0, 0);
    expect(w[63] >> 8).toBe(0x04);
    expect(w[88] >> 8).toBe(0);
    expect(setf(0x03, 0x47)).toEqual([0x51, 0x04]); // UDMA 7 does not exist
    expect(setf(0x82)).toEqual([0x50, 0]); // write cache off
    expect(identify(m, 0, 0)[85] & 0x20).toBe(0);
    expect(setf(0x55)).toEqual([0x50, 0]); // look-ahead off
    expect(identify(m, 0, 0)[85] & 0x40).toBe(0);
    expect(setf(0x02)).toEqual([0x50, 0]);
    expect(identify(m, 0, 0)[85] & 0x20).toBe(0x20);
    expect(setf(0x99)).toEqual([0x51, 0x04]);
  });
});

describe("PIO transfers", () => {
  it("READ SECTORS: BSY first, then DRQ with an interrupt per sector; no interrupt after the last", async () => {
    const m = await ideMachine({ pm: disk(2048) });
    lba28(m, 0, 0, 0x20, 5, 2);
    expect(inb(m, ALT) & 0x80).toBe(0x80); // the guest sees BSY before anything else
    expect(irq(m, 0)).toBe(0);
    waitIrq(m, 0);
    expect(inb(m, ALT)).toBe(0x58);
    expect(irq(m, 0)).toBe(1); // alternate status leaves the interrupt pending
    expect(inb(m, ST)).toBe(0x58);
    expect(irq(m, 0)).toBe(0); // status clears it
    expect(readData(m, 0, 512)).toEqual(patternSector(5));
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x58);
    expect(readData(m, 0, 512)).toEqual(patternSector(6));
    expect(inb(m, ALT)).toBe(0x50);
    settle(m);
    expect(irq(m, 0)).toBe(0);
  });

  it("a sector count of 0 means 256 sectors; 32-bit data accesses move two words", async () => {
    const m = await ideMachine({ pm: disk(2048) });
    lba28(m, 0, 0, 0x20, 1000, 0);
    for (let s = 0; s < 256; s++) {
      waitIrq(m, 0);
      expect(inb(m, ST)).toBe(0x58);
      const got: number[] = [];
      for (let i = 0; i < 128; i++) { const d = m.core.port_in(0x1f0, 4) >>> 0; got.push(d & 0xff, (d >> 8) & 0xff, (d >> 16) & 0xff, d >>> 24); }
      if (s === 0 || s === 255) expect(got).toEqual(patternSector(1000 + s));
    }
    expect(inb(m, ST)).toBe(0x50);
  });

  it("WRITE SECTORS: DRQ at once without an interrupt, then an interrupt per sector; the bytes reach the disk", async () => {
    const d = disk(2048);
    const m = await ideMachine({ pm: d });
    lba28(m, 0, 0, 0x30, 77, 2);
    expect(inb(m, ALT)).toBe(0x58);
    expect(irq(m, 0)).toBe(0);
    const a = Array.from({ length: 512 }, (_, i) => (i * 3) & 0xff), b = Array.from({ length: 512 }, (_, i) => (255 - i) & 0xff);
    writeData(m, 0, a);
    expect(inb(m, ALT) & 0x88).toBe(0x80); // BSY while the sector goes
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x58);
    writeData(m, 0, b);
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x50);
    expect(Array.from(d.bytes.subarray(77 * 512, 78 * 512))).toEqual(a);
    expect(Array.from(d.bytes.subarray(78 * 512, 79 * 512))).toEqual(b);
    expect(Array.from(d.bytes.subarray(79 * 512, 80 * 512))).toEqual(patternSector(79));
  });

  it("WRITE SECTORS of 256 sectors: an interrupt per sector across the 64 KiB buffer flushes", async () => {
    const d = disk(2048);
    const m = await ideMachine({ pm: d });
    lba28(m, 0, 0, 0x30, 500, 0);
    for (let s = 0; s < 256; s++) {
      if (s > 0) { waitIrq(m, 0); expect(inb(m, ST)).toBe(0x58); }
      writeData(m, 0, new Array(512).fill(s & 0xff));
    }
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x50);
    for (const s of [0, 127, 128, 255]) expect(Array.from(d.bytes.subarray((500 + s) * 512, (501 + s) * 512))).toEqual(new Array(512).fill(s));
    expect(Array.from(d.bytes.subarray(756 * 512, 757 * 512))).toEqual(patternSector(756));
  });

  it("READ/WRITE MULTIPLE move SET MULTIPLE MODE blocks; without it they abort", async () => {
    const d = disk(4096);
    const m = await ideMachine({ pm: d });
    lba28(m, 0, 0, 0xc4, 0, 8);
    waitIrq(m, 0);
    expect([inb(m, ST), inb(m, ERR)]).toEqual([0x51, 0x04]);
    lba28(m, 0, 0, 0xc6, 0, 3); // not a power of two
    waitIrq(m, 0);
    expect([inb(m, ST), inb(m, ERR)]).toEqual([0x51, 0x04]);
    lba28(m, 0, 0, 0xc6, 0, 4);
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x50);
    expect(identify(m, 0, 0)[59]).toBe(0x0104);
    lba28(m, 0, 0, 0xc4, 100, 10); // blocks of 4, 4, 2 sectors
    for (const n of [4, 4, 2]) {
      waitIrq(m, 0);
      expect(inb(m, ST)).toBe(0x58);
      const data = readData(m, 0, n * 512);
      expect(data.slice(0, 512)).toEqual(patternSector(100 + (n === 2 ? 8 : data[0] - 100)));
    }
    expect(inb(m, ST)).toBe(0x50);
    // WRITE MULTIPLE EXT: 6 sectors in blocks of 4 and 2, one interrupt per block
    lba48(m, 0, 0, 0x39, 3000, 6);
    expect(inb(m, ALT)).toBe(0x58);
    writeData(m, 0, new Array(4 * 512).fill(0xa1));
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x58);
    writeData(m, 0, new Array(2 * 512).fill(0xb2));
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x50);
    expect(d.bytes[3000 * 512]).toBe(0xa1);
    expect(d.bytes[3004 * 512 - 1]).toBe(0xa1);
    expect(d.bytes[3004 * 512]).toBe(0xb2);
    expect(d.bytes[3006 * 512 - 1]).toBe(0xb2);
    expect(d.bytes[3006 * 512]).toBe(patternSector(3006)[0]);
  });

  it("READ SECTORS EXT and WRITE SECTORS EXT above LBA 2^28 (a 200 GB generated disk)", async () => {
    const d = new PatternDisk(400_000_000 * 512);
    const m = await ideMachine({ pm: d });
    const lba = 0x12345678 + 0x100000000; // needs the high-order bytes
    lba48(m, 0, 0, 0x24, lba % 400_000_000, 1);
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x58);
    expect(readData(m, 0, 512)).toEqual(patternSector(lba % 400_000_000));
    const target = 300_000_001; // > 2^28
    lba48(m, 0, 0, 0x34, target, 1);
    writeData(m, 0, new Array(512).fill(0x5c));
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x50);
    expect(Array.from(d.written.get(target)!)).toEqual(new Array(512).fill(0x5c));
  });

  it("CHS addressing goes through INITIALIZE DEVICE PARAMETERS' translation", async () => {
    const m = await ideMachine({ pm: disk(20480) });
    // default 16/63: C=2 H=3 S=4 -> (2*16+3)*63+3
    outb(m, 0x1f2, 1); outb(m, 0x1f3, 4); outb(m, 0x1f4, 2); outb(m, 0x1f5, 0); outb(m, 0x1f6, 0xa3); outb(m, 0x1f7, 0x20);
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x58);
    expect(readData(m, 0, 512)).toEqual(patternSector((2 * 16 + 3) * 63 + 3));
    // 4 heads x 17 sectors
    outb(m, 0x1f2, 17); outb(m, 0x1f6, 0xa3); outb(m, 0x1f7, 0x91);
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x50);
    const w = identify(m, 0, 0);
    expect([w[54], w[55], w[56]]).toEqual([Math.floor(20480 / 68), 4, 17]);
    outb(m, 0x1f2, 1); outb(m, 0x1f3, 17); outb(m, 0x1f4, 1); outb(m, 0x1f5, 0); outb(m, 0x1f6, 0xa2); outb(m, 0x1f7, 0x20);
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x58);
    expect(readData(m, 0, 512)).toEqual(patternSector((1 * 4 + 2) * 17 + 16));
    // head 4 does not exist in this translation: IDNF
    outb(m, 0x1f2, 1); outb(m, 0x1f3, 1); outb(m, 0x1f6, 0xa4); outb(m, 0x1f7, 0x20);
    waitIrq(m, 0);
    expect([inb(m, ST), inb(m, ERR)]).toEqual([0x51, 0x10]);
  });

  it("48-bit registers are two deep: HOB reads the previous byte, a register write clears HOB", async () => {
    const m = await ideMachine({ pm: disk(2048) });
    outb(m, 0x1f3, 0x11); outb(m, 0x1f3, 0x22);
    outb(m, 0x1f2, 0x33); outb(m, 0x1f2, 0x44);
    expect(inb(m, 0x1f3)).toBe(0x22);
    outb(m, ALT, 0x80);
    expect(inb(m, 0x1f3)).toBe(0x11);
    expect(inb(m, 0x1f2)).toBe(0x33);
    outb(m, 0x1f4, 0x55); // clears HOB
    expect(inb(m, 0x1f3)).toBe(0x22);
  });
});

describe("bus master DMA", () => {
  it("READ DMA into two PRD regions: interrupt set, active clear when the table matches the transfer", async () => {
    const m = await ideMachine({ pm: disk(2048) });
    prdTable(m, 0x8000, [[0x20000, 1024, false], [0x31000, 512, true]]);
    bmSetup(m, 0, 0x8000, true);
    lba28(m, 0, 0, 0xc8, 40, 3);
    bmStart(m, 0, true);
    waitIrq(m, 0);
    expect(bmStatus(m, 0) & 0x07).toBe(0x04);
    expect(inb(m, ST)).toBe(0x50);
    const ram = m.ram();
    expect(Array.from(ram.subarray(0x20000, 0x20200))).toEqual(patternSector(40));
    expect(Array.from(ram.subarray(0x20200, 0x20400))).toEqual(patternSector(41));
    expect(Array.from(ram.subarray(0x31000, 0x31200))).toEqual(patternSector(42));
    outb(m, BM + 2, 0x04); // write one to clear
    expect(bmStatus(m, 0) & 0x04).toBe(0);
  });

  it("starting the bus master after the command works too; a larger table leaves active set", async () => {
    const m = await ideMachine({ pm: disk(2048) });
    prdTable(m, 0x8000, [[0x20000, 0, true]]); // 64 KiB region
    bmSetup(m, 0, 0x8000, true);
    lba28(m, 0, 0, 0xc8, 7, 1);
    settle(m);
    expect(irq(m, 0)).toBe(0);
    expect(inb(m, ALT)).toBe(0x58); // DMA request pending
    bmStart(m, 0, true);
    waitIrq(m, 0);
    expect(bmStatus(m, 0) & 0x07).toBe(0x05); // interrupt and still active (SFF-8038i)
    expect(Array.from(m.ram().subarray(0x20000, 0x20200))).toEqual(patternSector(7));
  });

  it("READ DMA EXT of 300 sectors crosses the 64 KiB chunks and PRD boundaries in order", async () => {
    const m = await ideMachine({ pm: disk(4096) });
    prdTable(m, 0x8000, [[0x100000, 0, false], [0x200000, 0, false], [0x300000, 300 * 512 - 0x20000, true]]);
    bmSetup(m, 0, 0x8000, true);
    lba48(m, 0, 0, 0x25, 1000, 300);
    bmStart(m, 0, true);
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x50);
    expect(bmStatus(m, 0) & 7).toBe(4);
    const ram = m.ram();
    const at = (k: number) => (k < 128 ? 0x100000 + k * 512 : k < 256 ? 0x200000 + (k - 128) * 512 : 0x300000 + (k - 256) * 512);
    for (const k of [0, 127, 128, 255, 256, 299]) expect(Array.from(ram.subarray(at(k), at(k) + 512))).toEqual(patternSector(1000 + k));
  });

  it("an undersized PRD table: the bus master stops (active and interrupt clear) and the device waits", async () => {
    const m = await ideMachine({ pm: disk(2048) });
    prdTable(m, 0x8000, [[0x20000, 512, true]]);
    bmSetup(m, 0, 0x8000, true);
    lba28(m, 0, 0, 0xc8, 0, 2);
    bmStart(m, 0, true);
    settle(m, 20000);
    expect(irq(m, 0)).toBe(0);
    expect(bmStatus(m, 0) & 0x07).toBe(0x00); // SFF-8038i: the region was smaller than the transfer
    expect(inb(m, ALT) & 0x88).toBe(0x08); // still asking for DMA
    expect(Array.from(m.ram().subarray(0x20000, 0x20200))).toEqual(patternSector(0));
    // the driver resets the channel
    outb(m, ALT, 0x04); outb(m, ALT, 0x00);
    expect(waitReady(m, 0)).toBe(0x50);
  });

  it("WRITE DMA takes the data from guest RAM", async () => {
    const d = disk(2048);
    const m = await ideMachine({ pm: d });
    const src = Array.from({ length: 1024 }, (_, i) => (i * 5 + 1) & 0xff);
    m.ram().set(src.slice(0, 600), 0x40000);
    m.ram().set(src.slice(600), 0x50000);
    prdTable(m, 0x8000, [[0x40000, 600, false], [0x50000, 424, true]]);
    bmSetup(m, 0, 0x8000, false);
    lba28(m, 0, 0, 0xca, 300, 2);
    bmStart(m, 0, false);
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x50);
    expect(bmStatus(m, 0) & 7).toBe(4);
    expect(Array.from(d.bytes.subarray(300 * 512, 302 * 512))).toEqual(src);
  });

  it("a PRD outside guest RAM: nothing is written there, the data reads as FFh, the error bit is set", async () => {
    const d = disk(2048);
    const m = await ideMachine({ pm: d });
    const memSize = m.r32(S.MEM_SIZE);
    prdTable(m, 0x8000, [[memSize - 256, 512, true]]);
    bmSetup(m, 0, 0x8000, false);
    m.ram().fill(0x3c, memSize - 256);
    lba28(m, 0, 0, 0xca, 9, 1);
    bmStart(m, 0, false);
    waitIrq(m, 0);
    expect(bmStatus(m, 0) & 0x02).toBe(0x02);
    expect(Array.from(d.bytes.subarray(9 * 512, 9 * 512 + 256))).toEqual(new Array(256).fill(0x3c));
    expect(Array.from(d.bytes.subarray(9 * 512 + 256, 10 * 512))).toEqual(new Array(256).fill(0xff));
    // a read into the same place: only the RAM half is written, the rest is dropped
    const before = m.u8.slice(S.RAM + memSize, S.RAM + memSize + 256);
    outb(m, BM + 2, 0x06);
    bmSetup(m, 0, 0x8000, true);
    lba28(m, 0, 0, 0xc8, 1, 1);
    bmStart(m, 0, true);
    waitIrq(m, 0);
    expect(bmStatus(m, 0) & 0x02).toBe(0x02);
    expect(Array.from(m.ram().subarray(memSize - 256, memSize))).toEqual(patternSector(1).slice(0, 256));
    expect(m.u8.slice(S.RAM + memSize, S.RAM + memSize + 256)).toEqual(before);
  });

  it("the bus master does nothing while PCI bus mastering is disabled", async () => {
    const m = await ideMachine({ pm: disk(2048) });
    cfgWrite(m, 0x04, 0x0001, 2);
    prdTable(m, 0x8000, [[0x20000, 512, true]]);
    bmSetup(m, 0, 0x8000, true);
    lba28(m, 0, 0, 0xc8, 3, 1);
    bmStart(m, 0, true);
    settle(m, 10000);
    expect(irq(m, 0)).toBe(0);
    expect(m.ram()[0x20000]).toBe(0);
  });
});

describe("errors, reset, interrupts, absent devices", () => {
  it("an LBA past the end: IDNF with ERR, the first missing sector in the task file, an interrupt", async () => {
    const m = await ideMachine({ pm: disk(1000) });
    lba28(m, 0, 0, 0x20, 998, 4);
    waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x51);
    expect(inb(m, ERR)).toBe(0x10);
    expect(inb(m, 0x1f3) | (inb(m, 0x1f4) << 8) | (inb(m, 0x1f5) << 16)).toBe(1000);
    lba48(m, 0, 0, 0x25, 5000, 1);
    waitIrq(m, 0);
    expect([inb(m, ST), inb(m, ERR)]).toEqual([0x51, 0x10]);
    lba28(m, 0, 0, 0x40, 999, 2); // READ VERIFY across the end
    waitIrq(m, 0);
    expect([inb(m, ST), inb(m, ERR)]).toEqual([0x51, 0x10]);
    lba28(m, 0, 0, 0x40, 0, 200); // in range
    waitIrq(m, 0);
    expect([inb(m, ST), inb(m, ERR)]).toEqual([0x50, 0x00]);
  });

  it("an unknown command, PACKET and IDENTIFY PACKET DEVICE abort on a disk", async () => {
    const m = await ideMachine({ pm: disk(1000) });
    for (const c of [0xfe, 0xa0, 0xa1, 0x08, 0x00]) {
      select(m, 0, 0);
      outb(m, ST, c);
      waitIrq(m, 0);
      expect([inb(m, ST), inb(m, ERR)]).toEqual([0x51, 0x04]);
    }
  });

  it("a write to a read-only image aborts; a failing backend gives UNC on a read", async () => {
    const ro = disk(1000, true);
    const broken: BlockDevice = { size: 1000 * 512, readOnly: false, read() { throw new Error("EIO"); }, write() {} };
    const m = await ideMachine({ pm: ro, ps: broken });
    lba28(m, 0, 0, 0x30, 10, 1);
    writeData(m, 0, new Array(512).fill(1));
    waitIrq(m, 0);
    expect([inb(m, ST), inb(m, ERR)]).toEqual([0x51, 0x04]);
    expect(ro.bytes[10 * 512]).toBe(patternSector(10)[0]);
    lba28(m, 0, 1, 0x20, 10, 1);
    waitIrq(m, 0);
    expect([inb(m, ST), inb(m, ERR)]).toEqual([0x51, 0x40]);
  });

  it("software reset: BSY while SRST is set, then the signatures (ATA 01/01/00/00, ATAPI 01/01/14/EB)", async () => {
    const m = await ideMachine({ pm: disk(1000), sm: new MemoryDisk(patternImage(16, 2048)) });
    outb(m, 0x1f2, 0x99); outb(m, 0x1f4, 0x77);
    outb(m, ALT, 0x04);
    expect(inb(m, ALT) & 0x80).toBe(0x80);
    outb(m, ALT, 0x00);
    expect(waitReady(m, 0)).toBe(0x50);
    expect([inb(m, 0x1f1), inb(m, 0x1f2), inb(m, 0x1f3), inb(m, 0x1f4), inb(m, 0x1f5), inb(m, 0x1f6) & 0x10]).toEqual([0x01, 1, 1, 0x00, 0x00, 0]);
    outb(m, CTRL[1], 0x04); outb(m, CTRL[1], 0x00);
    expect(waitReady(m, 1)).toBe(0x00); // a packet device: DRDY clear after reset
    expect([inb(m, 0x171), inb(m, 0x172), inb(m, 0x173), inb(m, 0x174), inb(m, 0x175)]).toEqual([0x01, 1, 1, 0x14, 0xeb]);
    settle(m);
    expect(irq(m, 0)).toBe(0); // no interrupt after a software reset
    expect(irq(m, 1)).toBe(0);
  });

  it("EXECUTE DEVICE DIAGNOSTIC: signature, error 01h, an interrupt from device 0", async () => {
    const m = await ideMachine({ pm: disk(1000), ps: disk(1000) });
    select(m, 0, 1);
    outb(m, ST, 0x90);
    waitIrq(m, 0);
    expect(inb(m, 0x1f6) & 0x10).toBe(0); // device 0 selected by the signature
    expect([inb(m, ST), inb(m, ERR), inb(m, 0x1f2), inb(m, 0x1f3), inb(m, 0x1f4), inb(m, 0x1f5)]).toEqual([0x50, 0x01, 1, 1, 0, 0]);
  });

  it("nIEN keeps the interrupt off the line; clearing it lets the pending one through", async () => {
    const m = await ideMachine({ pm: disk(1000) });
    outb(m, ALT, 0x02);
    lba28(m, 0, 0, 0xe7, 0, 0); // FLUSH CACHE
    settle(m, 5000);
    expect(irq(m, 0)).toBe(0);
    expect(inb(m, ALT)).toBe(0x50); // the command did complete
    expect(bmStatus(m, 0) & 4).toBe(0);
    outb(m, ALT, 0x00);
    expect(irq(m, 0)).toBe(1);
    expect(inb(m, ST)).toBe(0x50);
    expect(irq(m, 0)).toBe(0);
  });

  it("absent devices: an empty channel floats (7Fh with DD7 pulled down), a missing slave reads status 00h", async () => {
    const m = await ideMachine({ pm: disk(1000) });
    for (const r of [1, 2, 3, 4, 5, 6, 7]) expect(inb(m, 0x170 + r)).toBe(0x7f);
    expect(inb(m, 0x376)).toBe(0x7f);
    outb(m, 0x173, 0x55);
    expect(inb(m, 0x173)).toBe(0x7f);
    select(m, 0, 1);
    expect(inb(m, ST)).toBe(0x00);
    expect(inb(m, ALT)).toBe(0x00);
    outb(m, 0x1f3, 0xaa); // device 0 keeps answering the task file for device 1
    expect(inb(m, 0x1f3)).toBe(0xaa);
    outb(m, ST, 0xec); // nobody executes it
    settle(m);
    expect(irq(m, 0)).toBe(0);
    expect(inb(m, ST)).toBe(0x00);
  });

  it("power management: STANDBY/IDLE/CHECK POWER MODE, media access spins up, SLEEP until reset", async () => {
    const m = await ideMachine({ pm: disk(1000) });
    const check = () => { lba28(m, 0, 0, 0xe5, 0, 0x12); waitIrq(m, 0); expect(inb(m, ST)).toBe(0x50); return inb(m, 0x1f2); };
    expect(check()).toBe(0xff);
    lba28(m, 0, 0, 0xe0, 0, 0); waitIrq(m, 0); inb(m, ST);
    expect(check()).toBe(0x00);
    lba28(m, 0, 0, 0xe3, 0, 10); waitIrq(m, 0); inb(m, ST);
    expect(check()).toBe(0x80);
    lba28(m, 0, 0, 0x20, 0, 1); waitIrq(m, 0); inb(m, ST); readData(m, 0, 512);
    expect(check()).toBe(0xff);
    lba28(m, 0, 0, 0xe6, 0, 0); waitIrq(m, 0);
    expect(inb(m, ST)).toBe(0x50);
    lba28(m, 0, 0, 0xe5, 0, 0);
    settle(m, 5000);
    expect(irq(m, 0)).toBe(0); // asleep: no answer
    outb(m, ALT, 0x04); outb(m, ALT, 0x00);
    waitReady(m, 0);
    expect(check()).toBe(0x00); // a reset leaves Sleep for Standby
  });

  it("CMOS disk bytes for the primary master and slave (AMI/Award layout)", async () => {
    const m = await ideMachine({ pm: disk(20480), ps: new PatternDisk(195312500 * 512) });
    const c = (i: number) => m.core.cmos_get(i);
    expect(c(0x12)).toBe(0xff);
    expect([c(0x19), c(0x1a)]).toEqual([47, 47]);
    expect([c(0x1b) | (c(0x1c) << 8), c(0x1d), c(0x23)]).toEqual([20, 16, 63]);
    expect([c(0x24) | (c(0x25) << 8), c(0x26), c(0x2c)]).toEqual([16383, 16, 63]);
    expect(c(0x29) & 0x08).toBe(0x08); // more than 8 heads
    let sum = 0;
    for (let i = 0x10; i <= 0x2d; i++) sum += c(i);
    expect((c(0x2e) << 8) | c(0x2f)).toBe(sum & 0xffff);
  });
});
