// BIOS unit tests: a boot sector (biostest.asm, assembled into biostest.bin) calls INT 13h,
// INT 16h and INT 15h/E820h with good and bad arguments and records the results in low
// memory; the test checks them against the IBM PC/AT BIOS references.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { createNodeMachine, defaultBiosPath } from "../../host/node.js";
import { runMachine } from "../../host/run.js";
import type { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const CF = 0x01, ZF = 0x40;
let m: Machine;
let ram: DataView;

beforeAll(async () => {
  const rom = new Uint8Array(readFileSync(defaultBiosPath()));
  m = await createNodeMachine({ memMiB: 32, rom, deterministic: true, stopOnTripleFault: true });
  const img = new Uint8Array(1474560);
  img.set(readFileSync(new URL("biostest.bin", import.meta.url)), 0);
  for (let i = 512; i < 4 * 512; i++) img[i] = i & 0xff; // sectors 2..4: a pattern
  m.insertFloppy(0, img, true);
  const r = await runMachine(m, { until: /!/, timeoutMs: 20000 });
  expect(r.end).toBe("matched");
  ram = new DataView(m.ram().buffer, m.ram().byteOffset);
});

// result n: AX and FLAGS after call n
const ax = (n: number) => ram.getUint16(0x500 + n * 4, true);
const fl = (n: number) => ram.getUint16(0x502 + n * 4, true);
const ah = (n: number) => ax(n) >> 8;

describe("INT 13h diskette errors", () => {
  it("sector 0 is 04h (sector not found) with CF, and AH=01h returns that status", () => {
    expect(ah(0)).toBe(0x04); expect(fl(0) & CF).toBe(CF);
    expect(ah(1)).toBe(0x04); expect(fl(1) & CF).toBe(CF);
  });
  it("a cylinder, head or sector outside the geometry is 04h", () => {
    for (const n of [2, 3, 4]) { expect(ah(n)).toBe(0x04); expect(fl(n) & CF).toBe(CF); }
  });
  it("a transfer across a 64 KiB DMA boundary is 09h with AL=0", () => {
    expect(ax(5)).toBe(0x0900); expect(fl(5) & CF).toBe(CF);
  });
  it("a good read returns AH=0, AL=sectors, CF clear, and the data", () => {
    expect(ax(6)).toBe(0x0003); expect(fl(6) & CF).toBe(0);
    expect(m.ram()[0x1000]).toBe(0xfa); // the boot sector's first byte (cli)
    expect(m.ram()[0x1000 + 512 + 7]).toBe((512 + 7) & 0xff);
  });
  it("a write to a write-protected disk is 03h", () => {
    expect(ah(7)).toBe(0x03); expect(fl(7) & CF).toBe(CF);
  });
  it("no hard disk and an unknown function are 01h", () => {
    expect(ah(8)).toBe(0x01); expect(fl(8) & CF).toBe(CF);
    expect(ah(9)).toBe(0x01); expect(fl(9) & CF).toBe(CF);
  });
  it("AH=08h reports the 1.44M geometry and a parameter table", () => {
    expect(ax(10)).toBe(0); expect(fl(10) & CF).toBe(0);
    expect(ram.getUint16(0x700, true) & 0xff).toBe(4); // BL: 1.44M drive
    expect(ram.getUint16(0x702, true)).toBe((79 << 8) | 18); // CH max cylinder, CL sectors
    expect(ram.getUint16(0x704, true)).toBe((1 << 8) | 1); // DH max head, DL drives
    // ES:DI: the diskette parameter table in the ROM; byte 4 is the sectors per track
    const lin = ram.getUint16(0x708, true) * 16 + ram.getUint16(0x706, true);
    expect(lin).toBeGreaterThanOrEqual(0xf0000);
    const rom = readFileSync(defaultBiosPath());
    expect(rom[lin - 0xf0000 + 4]).toBe(18);
  });
  it("AH=15h reports a diskette drive with change line; an empty drive is 80h", () => {
    expect(ah(11)).toBe(0x02); expect(fl(11) & CF).toBe(0);
    expect(ah(12)).toBe(0x80); expect(fl(12) & CF).toBe(CF);
  });
});

describe("INT 16h buffering", () => {
  it("AH=05h stores 15 keys and reports the 16th as a full buffer", () => {
    for (let i = 0; i < 15; i++) expect(m.ram()[0x740 + i]).toBe(0);
    expect(m.ram()[0x740 + 15]).toBe(1);
  });
  it("01h peeks (ZF clear), 00h and 10h read in order", () => {
    expect(ax(13)).toBe(0x1e61); expect(fl(13) & ZF).toBe(0);
    expect(ax(14)).toBe(0x1e61);
    expect(ax(15)).toBe(0x1e62);
  });
  it("01h on an empty buffer sets ZF; 02h returns the shift flags", () => {
    expect(fl(16) & ZF).toBe(ZF);
    expect(ax(17) & 0xff).toBe(0);
  });
});

describe("memory map", () => {
  it("E820 lists low RAM, EBDA, BIOS ROM, extended RAM and the ROM at 4 GiB", () => {
    const n = ram.getUint16(0x7fe, true);
    const rows: [bigint, bigint, number][] = [];
    for (let i = 0; i < n; i++) {
      const a = 0x800 + i * 24;
      rows.push([ram.getBigUint64(a, true), ram.getBigUint64(a + 8, true), ram.getUint32(a + 16, true)]);
    }
    expect(rows).toEqual([
      [0n, 0x9fc00n, 1],
      [0x9fc00n, 0x400n, 2],
      [0xf0000n, 0x10000n, 2],
      [0x100000n, BigInt(31 * 1024 * 1024), 1],
      [0xffff0000n, 0x10000n, 2],
    ]);
  });
  it("INT 12h, 15h/88h and E801h agree with the configuration", () => {
    expect(ram.getUint16(0x720, true)).toBe(639);
    expect(ram.getUint16(0x722, true)).toBe(31 * 1024);
    expect(ram.getUint16(0x724, true)).toBe(15 * 1024); // AX: 1-16 MiB in KiB
    expect(ram.getUint16(0x726, true)).toBe(256); // BX: above 16 MiB in 64 KiB blocks
  });
});

describe("INT 1Ah PCI BIOS, INT 10h, INT 11h, INT 15h C0h/86h (biostest2.asm)", () => {
  let m2: Machine;
  let r: DataView;
  beforeAll(async () => {
    const rom = new Uint8Array(readFileSync(defaultBiosPath()));
    m2 = await createNodeMachine({ memMiB: 32, rom, deterministic: true, stopOnTripleFault: true });
    const img = new Uint8Array(737280);
    img.set(readFileSync(new URL("biostest2.bin", import.meta.url)), 0);
    m2.insertFloppy(0, img);
    const res = await runMachine(m2, { until: /!/, timeoutMs: 20000 });
    expect(res.end).toBe("matched");
    r = new DataView(m2.ram().buffer, m2.ram().byteOffset);
  });
  const w = (a: number) => r.getUint16(a, true);
  it("B101h: PCI BIOS 2.10 present with mechanism #1", () => {
    expect(w(0x500)).toBe(0x0001);
    expect(w(0x502)).toBe(0x0210);
    expect(r.getUint32(0x506, true)).toBe(0x20494350);
    expect(w(0x50a) & CF).toBe(0);
  });
  it("B102h finds the host bridge at 00:00.0 and B10Ah reads its IDs; a missing device is 86h", () => {
    expect(w(0x50c) >> 8).toBe(0);
    expect(w(0x50e)).toBe(0);
    expect(r.getUint32(0x510, true)).toBe(0x12378086);
    expect(w(0x514) >> 8).toBe(0x86);
  });
  it("INT 10h: cursor position and shape, mode 3, VGA display combination, 8x16 font", () => {
    expect(w(0x516)).toBe(0x0507);
    expect(w(0x518)).toBe(0x0607);
    expect(w(0x51a)).toBe(0x5003);
    expect(w(0x51c) & 0xff).toBe(0x1a);
    expect(w(0x51e) & 0xff).toBe(0x08);
    expect(w(0x522) * 16 + w(0x520)).toBe(0xf1000);
    expect(w(0x524)).toBe(16);
    expect(w(0x526) & 0xff).toBe(24);
  });
  it("POST leaves the coprocessor as FNINIT does: control word 037F, all registers empty", () => {
    expect(m2.r32(S.FPU_CW)).toBe(0x37f);
    expect(m2.r32(S.FPU_FULL)).toBe(0);
  });
  it("teletype output lands at the cursor on the screen", () => {
    expect(m2.screenText().split("\n")[5]).toBe("       Hi");
  });
  it("INT 11h equipment: one diskette drive, 80x25 colour; INT 15h C0h model FC", () => {
    expect(w(0x528) & 0xc1).toBe(0x01);
    expect(w(0x528) & 0x02).toBe(0x02); // math coprocessor, as CPUID reports
    expect(w(0x528) & 0x30).toBe(0x20);
    expect(w(0x52a) & 0xff).toBe(0xfc);
  });
  it("INT 15h/86h waits: the tick count advances about 0.2 s (3-4 ticks)", () => {
    const d = w(0x52e) - w(0x52c);
    expect(d).toBeGreaterThanOrEqual(3);
    expect(d).toBeLessThanOrEqual(5);
    expect(w(0x530) & CF).toBe(0);
  });
  it("INT 1Ah/04h reads the RTC date (deterministic start 2000-01-01)", () => {
    expect(w(0x532)).toBe(0x2000);
    expect(w(0x534)).toBe(0x0101);
  });
});

describe("the BIOS call instruction", () => {
  it("is #UD when executed from RAM (biostest3.asm)", async () => {
    const rom = new Uint8Array(readFileSync(defaultBiosPath()));
    const m3 = await createNodeMachine({ memMiB: 4, rom, deterministic: true, stopOnTripleFault: true });
    const img = new Uint8Array(368640);
    img.set(readFileSync(new URL("biostest3.bin", import.meta.url)), 0);
    m3.insertFloppy(0, img);
    const res = await runMachine(m3, { until: /!/, timeoutMs: 20000 });
    expect(res.end).toBe("matched");
    expect(res.debugOutput).toBe("U!");
  });
});
