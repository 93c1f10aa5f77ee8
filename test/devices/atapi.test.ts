// The ATAPI CD-ROM drive on the secondary channel, driven through its ports as a guest driver
// does. Expected values: ATA/ATAPI-6 §8.16 (IDENTIFY PACKET DEVICE), §8.21 and §9.10 (PACKET
// protocol: interrupt reason, byte count, status phase); SFF-8020i (INQUIRY, READ CAPACITY,
// READ(10)/(12), READ TOC formats and MSF addresses, MODE SENSE pages, START STOP UNIT,
// PREVENT ALLOW MEDIUM REMOVAL); MMC-2 (GET CONFIGURATION, GET EVENT STATUS NOTIFICATION, READ
// DISC INFORMATION, MECHANISM STATUS); SPC fixed-format sense data and the sense codes.
import { describe, it, expect } from "vitest";
import { Machine } from "../../host/machine.js";
import { MemoryDisk } from "../../host/blockdev.js";
import {
  inb, outb, BASE, CTRL, patternImage, patternSector, ideMachine, irq, settle, waitIrq, waitReady, select,
  writeData, readData, identify, idString, prdTable, bmSetup, bmStart, bmStatus,
} from "./ide-helpers.js";

const CD_SECTORS = 300;
const cd = () => new MemoryDisk(patternImage(CD_SECTORS, 2048));
const B = BASE[1];

interface Result { status: number; error: number; reason: number; data: number[]; phases: number[] }

/** Send a packet to the secondary master and run the protocol to the status phase. */
function packet(m: Machine, cdb: number[], opts: { bcl?: number; dma?: boolean; table?: number } = {}): Result {
  const bcl = opts.bcl ?? 0xfffe;
  select(m, 1, 0, 0xa0);
  outb(m, B + 1, opts.dma ? 1 : 0);
  outb(m, B + 4, bcl & 0xff);
  outb(m, B + 5, bcl >> 8);
  outb(m, B + 7, 0xa0);
  // ready for the packet: DRQ, C/D = 1, I/O = 0, no interrupt
  expect(inb(m, CTRL[1]) & 0x89).toBe(0x08);
  expect(inb(m, B + 2) & 3).toBe(1);
  expect(irq(m, 1)).toBe(0);
  if (opts.dma) { bmSetup(m, 1, opts.table ?? 0x8000, true); bmStart(m, 1, true); }
  const bytes = cdb.concat(new Array(12 - cdb.length).fill(0));
  writeData(m, 1, bytes);
  expect(inb(m, CTRL[1]) & 0x80).toBe(0x80); // BSY while the command runs
  const data: number[] = [], phases: number[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    waitIrq(m, 1);
    const st = inb(m, B + 7);
    const reason = inb(m, B + 2) & 3;
    if ((st & 0x08) !== 0) {
      expect(reason).toBe(2); // data to the host
      const n = inb(m, B + 4) | (inb(m, B + 5) << 8);
      phases.push(n);
      data.push(...readData(m, 1, n));
      continue;
    }
    return { status: st, error: inb(m, B + 1), reason, data, phases };
  }
  throw new Error("no status phase");
}

const good = (r: Result) => { expect([r.status, r.reason]).toEqual([0x40, 3]); return r; };

function sense(m: Machine): [number, number, number] {
  const r = good(packet(m, [0x03, 0, 0, 0, 18, 0]));
  expect(r.data.length).toBe(18);
  expect(r.data[0]).toBe(0x70);
  expect(r.data[7]).toBe(10);
  return [r.data[2] & 0x0f, r.data[12], r.data[13]];
}

/** CHECK CONDITION: ERR in status, the sense key in the error register, the same in REQUEST SENSE. */
function checkCondition(m: Machine, r: Result, key: number, asc: number, ascq = 0): void {
  expect([r.status, r.reason]).toEqual([0x41, 3]);
  expect(r.error >> 4).toBe(key);
  expect(sense(m)).toEqual([key, asc, ascq]);
}

const be32 = (d: number[], i: number) => ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0;
const be16 = (d: number[], i: number) => (d[i] << 8) | d[i + 1];

describe("ATAPI CD-ROM: ATA commands", () => {
  it("IDENTIFY DEVICE and READ SECTORS abort with the packet signature; IDENTIFY PACKET DEVICE answers", async () => {
    const m = await ideMachine({ sm: cd() });
    expect(inb(m, CTRL[1])).toBe(0x00); // DRDY clear until a command
    for (const c of [0xec, 0x20]) {
      select(m, 1, 0);
      outb(m, B + 2, 0x55); outb(m, B + 4, 0); outb(m, B + 5, 0);
      outb(m, B + 7, c);
      waitIrq(m, 1);
      expect(inb(m, B + 7) & 0x01).toBe(0x01);
      expect(inb(m, B + 1) & 0x04).toBe(0x04);
      expect([inb(m, B + 2), inb(m, B + 3), inb(m, B + 4), inb(m, B + 5)]).toEqual([1, 1, 0x14, 0xeb]);
    }
    const w = identify(m, 1, 0, 0xa1);
    expect(w[0]).toBe(0x85c0); // ATAPI, CD-ROM, removable, accelerated DRQ, 12-byte packets
    expect(idString(w, 27, 20).trimEnd()).toBe("tab86 CD-ROM");
    expect(w[49] & 0x0300).toBe(0x0300);
    expect(w[82] & 0x0210).toBe(0x0210); // PACKET and DEVICE RESET
    expect(w[93] & 0x2000).toBe(0x2000);
    expect(w[255] & 0xff).toBe(0xa5);
    expect(w.reduce((s, x) => s + (x & 0xff) + (x >> 8), 0) & 0xff).toBe(0);
  });

  it("DEVICE RESET: the signature, status 00h, no interrupt; it is the one command taken while busy", async () => {
    const m = await ideMachine({ sm: cd() });
    select(m, 1, 0, 0xa0);
    outb(m, B + 7, 0xa0); // waiting for a packet (DRQ)
    outb(m, B + 7, 0x08);
    expect([inb(m, B + 7), inb(m, B + 1), inb(m, B + 2), inb(m, B + 3), inb(m, B + 4), inb(m, B + 5)]).toEqual([0x00, 0x01, 1, 1, 0x14, 0xeb]);
    settle(m);
    expect(irq(m, 1)).toBe(0);
  });
});

describe("ATAPI packet commands", () => {
  it("TEST UNIT READY, INQUIRY, READ CAPACITY", async () => {
    const m = await ideMachine({ sm: cd() });
    good(packet(m, [0x00]));
    const inq = good(packet(m, [0x12, 0, 0, 0, 96, 0])).data;
    expect(inq.length).toBe(36);
    expect(inq.slice(0, 5)).toEqual([0x05, 0x80, 0x00, 0x21, 31]);
    expect(String.fromCharCode(...inq.slice(8, 16))).toBe("TAB86   ");
    expect(String.fromCharCode(...inq.slice(16, 32)).trimEnd()).toBe("CD-ROM");
    expect(good(packet(m, [0x12, 0, 0, 0, 5, 0])).data.length).toBe(5); // allocation length
    const cap = good(packet(m, [0x25])).data;
    expect([be32(cap, 0), be32(cap, 4)]).toEqual([CD_SECTORS - 1, 2048]);
  });

  it("READ(10) by PIO with a byte count limit below the transfer: several DRQ phases of at most the limit", async () => {
    const m = await ideMachine({ sm: cd() });
    const r = good(packet(m, [0x28, 0, 0, 0, 0, 10, 0, 0, 2, 0], { bcl: 1000 }));
    for (const n of r.phases) expect(n).toBeLessThanOrEqual(1000);
    expect(r.phases.length).toBeGreaterThanOrEqual(5);
    expect(r.phases.reduce((a, b) => a + b, 0)).toBe(4096);
    expect(r.data.slice(0, 2048)).toEqual(patternSector(10, 2048));
    expect(r.data.slice(2048)).toEqual(patternSector(11, 2048));
  });

  it("READ(10) of 40 sectors crosses the 64 KiB chunks; an LBA out of range is 05/21/00; length 0 reads nothing", async () => {
    const m = await ideMachine({ sm: cd() });
    const r = good(packet(m, [0x28, 0, 0, 0, 0, 100, 0, 0, 40, 0]));
    expect(r.data.length).toBe(40 * 2048);
    for (const k of [0, 31, 32, 39]) expect(r.data.slice(k * 2048, (k + 1) * 2048)).toEqual(patternSector(100 + k, 2048));
    checkCondition(m, packet(m, [0x28, 0, 0, 0, 1, 40, 0, 0, 5, 0]), 0x05, 0x21); // 296 + 5 > 300
    expect(good(packet(m, [0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0])).data.length).toBe(0);
  });

  it("READ(12) through the bus master", async () => {
    const m = await ideMachine({ sm: cd() });
    prdTable(m, 0x8000, [[0x60000, 4096, false], [0x70000, 2048, true]]);
    const r = packet(m, [0xa8, 0, 0, 0, 0, 200, 0, 0, 0, 3], { dma: true });
    expect([r.status, r.reason]).toEqual([0x40, 3]);
    expect(r.phases.length).toBe(0);
    expect(bmStatus(m, 1) & 7).toBe(4);
    const ram = m.ram();
    expect(Array.from(ram.subarray(0x60000, 0x60800))).toEqual(patternSector(200, 2048));
    expect(Array.from(ram.subarray(0x60800, 0x61000))).toEqual(patternSector(201, 2048));
    expect(Array.from(ram.subarray(0x70000, 0x70800))).toEqual(patternSector(202, 2048));
  });

  it("READ TOC format 0 in LBA and MSF, from track 1 and from the lead-out; format 1", async () => {
    const m = await ideMachine({ sm: cd() });
    let t = good(packet(m, [0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0])).data;
    expect(t).toEqual([0, 18, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0, 0, 0x14, 0xaa, 0, 0, 0, CD_SECTORS >> 8, CD_SECTORS & 0xff]);
    t = good(packet(m, [0x43, 2, 0, 0, 0, 0, 0, 0, 100, 0])).data;
    // MSF: track 1 at 00:02:00; the lead-out at LBA 300 + 150 frames = 00:06:00
    expect(t).toEqual([0, 18, 1, 1, 0, 0x14, 1, 0, 0, 0, 2, 0, 0, 0x14, 0xaa, 0, 0, 0, 6, 0]);
    t = good(packet(m, [0x43, 2, 0, 0, 0, 0, 0xaa, 0, 100, 0])).data;
    expect(t).toEqual([0, 10, 1, 1, 0, 0x14, 0xaa, 0, 0, 0, 6, 0]);
    t = good(packet(m, [0x43, 2, 1, 0, 0, 0, 0, 0, 100, 0])).data;
    expect(t).toEqual([0, 10, 1, 1, 0, 0x14, 1, 0, 0, 0, 2, 0]);
    t = good(packet(m, [0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0x40])).data; // format in byte 9 (SFF-8020i)
    expect(t).toEqual([0, 10, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0]);
    checkCondition(m, packet(m, [0x43, 0, 0, 0, 0, 0, 5, 0, 100, 0]), 0x05, 0x24); // no track 5
    checkCondition(m, packet(m, [0x43, 0, 4, 0, 0, 0, 0, 0, 100, 0]), 0x05, 0x24); // format 4
  });

  it("MODE SENSE(10): pages 01h, 2Ah, 3Fh; saved values and unknown pages are refused", async () => {
    const m = await ideMachine({ sm: cd() });
    let d = good(packet(m, [0x5a, 0, 0x01, 0, 0, 0, 0, 0, 255, 0])).data;
    expect(be16(d, 0)).toBe(d.length - 2);
    expect(d.slice(8, 10)).toEqual([0x01, 0x06]);
    d = good(packet(m, [0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 255, 0])).data;
    expect(d.length).toBe(8 + 20);
    expect(d.slice(8, 10)).toEqual([0x2a, 0x12]);
    expect(d[8 + 6] & 0x29).toBe(0x29); // tray loading, eject, lock supported
    expect(d[8 + 6] & 0x02).toBe(0); // not locked
    good(packet(m, [0x1e, 0, 0, 0, 1, 0]));
    d = good(packet(m, [0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 255, 0])).data;
    expect(d[8 + 6] & 0x02).toBe(0x02); // lock state
    d = good(packet(m, [0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 255, 0])).data;
    expect([d[8], d[16]]).toEqual([0x01, 0x2a]);
    checkCondition(m, packet(m, [0x5a, 0, 0xea, 0, 0, 0, 0, 0, 255, 0]), 0x05, 0x39);
    checkCondition(m, packet(m, [0x5a, 0, 0x0e, 0, 0, 0, 0, 0, 255, 0]), 0x05, 0x24);
  });

  it("GET CONFIGURATION: the CD-ROM profile, the feature list by RT", async () => {
    const m = await ideMachine({ sm: cd() });
    let d = good(packet(m, [0x46, 0, 0, 0, 0, 0, 0, 1, 0, 0])).data;
    expect(be32(d, 0)).toBe(d.length - 4);
    expect(be16(d, 6)).toBe(0x0008); // current profile CD-ROM
    expect(be16(d, 8)).toBe(0x0000); // profile list first
    expect(be16(d, 12)).toBe(0x0008);
    expect(d[14] & 1).toBe(1); // current profile
    const codes: number[] = [];
    for (let q = 8; q < d.length; q += 4 + d[q + 3]) codes.push(be16(d, q));
    expect(codes).toEqual([0x0000, 0x0001, 0x0003, 0x0010, 0x001e]);
    d = good(packet(m, [0x46, 2, 0, 1, 0, 0, 0, 1, 0, 0])).data; // RT 2: feature 0001h only
    expect(d.length).toBe(8 + 8);
    expect([be16(d, 8), be32(d, 12)]).toEqual([0x0001, 2]); // core: ATAPI
  });

  it("GET EVENT STATUS NOTIFICATION reports a media change once; asynchronous requests are refused", async () => {
    const m = await ideMachine({ sm: cd() });
    let d = good(packet(m, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8, 0])).data;
    expect(d).toEqual([0, 6, 0x04, 0x10, 0, 0x02, 0, 0]);
    m.changeCd(2, cd());
    d = good(packet(m, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8, 0])).data;
    expect(d[4]).toBe(2); // new media
    d = good(packet(m, [0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8, 0])).data;
    expect(d[4]).toBe(0);
    // GET EVENT STATUS NOTIFICATION runs past the unit attention (MMC-2); the next command reports it
    checkCondition(m, packet(m, [0x00]), 0x06, 0x28);
    checkCondition(m, packet(m, [0x4a, 0, 0, 0, 0x10, 0, 0, 0, 8, 0]), 0x05, 0x24);
  });

  it("READ DISC INFORMATION, MECHANISM STATUS, SET CD SPEED", async () => {
    const m = await ideMachine({ sm: cd() });
    const d = good(packet(m, [0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0])).data;
    expect(d.length).toBe(34);
    expect(be16(d, 0)).toBe(32);
    expect(d[2] & 0x03).toBe(0x02); // disc complete
    expect(d[2] & 0x0c).toBe(0x0c); // last session complete
    expect(d.slice(3, 7)).toEqual([1, 1, 1, 1]);
    const ms = good(packet(m, [0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8])).data;
    expect(ms).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    good(packet(m, [0xbb, 0, 0xff, 0xff, 0xff, 0xff]));
  });

  it("a medium change: UNIT ATTENTION 06/28 once, then the command works", async () => {
    const m = await ideMachine({ sm: cd() });
    good(packet(m, [0x00]));
    m.changeCd(2, cd());
    checkCondition(m, packet(m, [0x00]), 0x06, 0x28);
    good(packet(m, [0x00]));
    // INQUIRY does not consume the attention; REQUEST SENSE reports it
    m.changeCd(2, cd());
    good(packet(m, [0x12, 0, 0, 0, 36, 0]));
    expect(sense(m)).toEqual([6, 0x28, 0]);
    good(packet(m, [0x00]));
  });

  it("no medium: NOT READY 02/3A for media commands; an emptied drive reports the change first", async () => {
    const m = await ideMachine({ sm: null });
    checkCondition(m, packet(m, [0x00]), 0x02, 0x3a);
    checkCondition(m, packet(m, [0x25]), 0x02, 0x3a);
    checkCondition(m, packet(m, [0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]), 0x02, 0x3a);
    good(packet(m, [0x12, 0, 0, 0, 36, 0])); // INQUIRY works without a medium
    const m2 = await ideMachine({ sm: cd() });
    m2.changeCd(2, null);
    checkCondition(m2, packet(m2, [0x00]), 0x06, 0x28);
    checkCondition(m2, packet(m2, [0x00]), 0x02, 0x3a);
  });

  it("unknown commands are ILLEGAL REQUEST 05/20 with ABRT; a good command clears the sense", async () => {
    const m = await ideMachine({ sm: cd() });
    const r = packet(m, [0xd8]);
    checkCondition(m, r, 0x05, 0x20);
    expect(r.error).toBe(0x54);
    expect(sense(m)).toEqual([0, 0, 0]);
  });

  it("START STOP UNIT ejects unless PREVENT ALLOW MEDIUM REMOVAL locks the tray; load brings the medium back", async () => {
    const m = await ideMachine({ sm: cd() });
    good(packet(m, [0x1e, 0, 0, 0, 1, 0]));
    checkCondition(m, packet(m, [0x1b, 0, 0, 0, 0x02, 0]), 0x05, 0x53, 0x02);
    good(packet(m, [0x00]));
    good(packet(m, [0x1e, 0, 0, 0, 0, 0]));
    good(packet(m, [0x1b, 0, 0, 0, 0x02, 0]));
    checkCondition(m, packet(m, [0x00]), 0x02, 0x3a);
    good(packet(m, [0x1b, 0, 0, 0, 0x03, 0]));
    good(packet(m, [0x00]));
  });

  it("a slave CD drive alongside a master answers on its own; SRST leaves both with their signatures", async () => {
    const m = await ideMachine({ sm: cd(), ss: cd() });
    select(m, 1, 1, 0xa0);
    outb(m, B + 7, 0xa1);
    waitIrq(m, 1);
    expect(inb(m, B + 7)).toBe(0x48);
    const w = readData(m, 1, 512);
    expect(w[0] | (w[1] << 8)).toBe(0x85c0);
    outb(m, CTRL[1], 0x04); outb(m, CTRL[1], 0);
    waitReady(m, 1);
    select(m, 1, 1, 0xa0);
    expect([inb(m, B + 4), inb(m, B + 5)]).toEqual([0x14, 0xeb]);
  });
});
