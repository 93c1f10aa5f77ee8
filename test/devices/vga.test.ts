// The VGA through its ports and its memory window, as a guest drives it. Expected values are
// worked out by hand from the IBM VGA technical reference's register definitions (write modes,
// read mode 1, odd/even addressing, the attribute flip-flop, CRTC protection, the DAC's
// read/write cycles) and the mode 3 register set that vga_init() loads at power-on.
import { describe, it, expect } from "vitest";
import { bareMachine, real16 } from "../helpers.js";
import { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const out = (m: Machine, port: number, v: number) => m.core.port_out(port, 1, v);
const inp = (m: Machine, port: number) => m.core.port_in(port, 1);
const seqW = (m: Machine, i: number, v: number) => { out(m, 0x3c4, i); out(m, 0x3c5, v); };
const seqR = (m: Machine, i: number) => { out(m, 0x3c4, i); return inp(m, 0x3c5); };
const gcW = (m: Machine, i: number, v: number) => { out(m, 0x3ce, i); out(m, 0x3cf, v); };
const gcR = (m: Machine, i: number) => { out(m, 0x3ce, i); return inp(m, 0x3cf); };
const crW = (m: Machine, i: number, v: number) => { out(m, 0x3d4, i); out(m, 0x3d5, v); };
const crR = (m: Machine, i: number) => { out(m, 0x3d4, i); return inp(m, 0x3d5); };
const arW = (m: Machine, i: number, v: number) => { inp(m, 0x3da); out(m, 0x3c0, i); out(m, 0x3c0, v); };
const arR = (m: Machine, i: number) => { inp(m, 0x3da); out(m, 0x3c0, i); return inp(m, 0x3c1); };
const plane = (m: Machine, p: number, addr: number) => m.u8[S.VGA_MEM + p * 0x10000 + addr];
const setPlane = (m: Machine, p: number, addr: number, v: number) => { m.u8[S.VGA_MEM + p * 0x10000 + addr] = v; };

type Op = { w: number; v: number } | { r: number };

/** Run guest code in real mode: ES = seg, then each op is `mov byte es:[w], v` or
 * `mov al, es:[r]` + `mov [0x2000 + k], al` (the k-th read lands at RAM 0x2000 + k). Returns
 * the bytes read. */
function guest(m: Machine, seg: number, ops: Op[]): number[] {
  real16(m);
  const code: number[] = [0xb8, seg & 0xff, seg >> 8, 0x8e, 0xc0]; // mov ax, seg; mov es, ax
  let k = 0;
  for (const op of ops) {
    if ("w" in op) code.push(0x26, 0xc6, 0x06, op.w & 0xff, op.w >> 8, op.v & 0xff);
    else {
      const dst = 0x2000 + k++;
      code.push(0x26, 0xa0, op.r & 0xff, op.r >> 8, 0xa2, dst & 0xff, dst >> 8);
    }
  }
  code.push(0xf4);
  m.ram().set(code, 0x1000);
  m.w32(S.EIP, 0x1000);
  m.w32(S.HALTED, 0); // after the previous call's hlt
  expect(m.run(10000)).toBe(S.EXIT_HALT);
  return Array.from(m.ram().subarray(0x2000, 0x2000 + k));
}

/** Planar 16-colour addressing at A0000 (64 KiB window), as mode 12h sets it up. */
function planar(m: Machine): void {
  seqW(m, 2, 0x0f);
  seqW(m, 4, 0x06);
  gcW(m, 5, 0x00);
  gcW(m, 6, 0x05);
}

describe("VGA registers", () => {
  it("read back with the writable bits of each register", async () => {
    const m = await bareMachine();
    // power-on state is mode 3
    expect(inp(m, 0x3cc)).toBe(0x67);
    expect(seqR(m, 4)).toBe(0x02);
    expect(gcR(m, 6)).toBe(0x0e);
    expect(crR(m, 0x13)).toBe(0x28);
    const cases: [(i: number, v: number) => void, (i: number) => number, number, number][] = [
      [(i, v) => seqW(m, i, v), (i) => seqR(m, i), 0, 0x03],
      [(i, v) => seqW(m, i, v), (i) => seqR(m, i), 1, 0x3d],
      [(i, v) => seqW(m, i, v), (i) => seqR(m, i), 2, 0x0f],
      [(i, v) => seqW(m, i, v), (i) => seqR(m, i), 3, 0x3f],
      [(i, v) => seqW(m, i, v), (i) => seqR(m, i), 4, 0x0e],
      [(i, v) => gcW(m, i, v), (i) => gcR(m, i), 0, 0x0f],
      [(i, v) => gcW(m, i, v), (i) => gcR(m, i), 3, 0x1f],
      [(i, v) => gcW(m, i, v), (i) => gcR(m, i), 4, 0x03],
      [(i, v) => gcW(m, i, v), (i) => gcR(m, i), 5, 0x7b],
      [(i, v) => gcW(m, i, v), (i) => gcR(m, i), 8, 0xff],
      [(i, v) => crW(m, i, v), (i) => crR(m, i), 0x0a, 0x3f],
      [(i, v) => crW(m, i, v), (i) => crR(m, i), 0x0b, 0x7f],
      [(i, v) => crW(m, i, v), (i) => crR(m, i), 0x0c, 0xff],
      [(i, v) => crW(m, i, v), (i) => crR(m, i), 0x18, 0xff],
      [(i, v) => arW(m, i, v), (i) => arR(m, i), 0x05, 0x3f],
      [(i, v) => arW(m, i, v), (i) => arR(m, i), 0x10, 0xef],
      [(i, v) => arW(m, i, v), (i) => arR(m, i), 0x12, 0x3f],
      [(i, v) => arW(m, i, v), (i) => arR(m, i), 0x13, 0x0f],
      [(i, v) => arW(m, i, v), (i) => arR(m, i), 0x14, 0x0f],
    ];
    for (const [w, r, i, mask] of cases) {
      w(i, 0xff);
      expect(r(i), `register ${i.toString(16)}`).toBe(mask);
      w(i, 0x00);
      expect(r(i)).toBe(0);
    }
    // index registers keep only their index bits
    out(m, 0x3c4, 0xff); expect(inp(m, 0x3c4)).toBe(0x07);
    out(m, 0x3ce, 0xff); expect(inp(m, 0x3ce)).toBe(0x0f);
    out(m, 0x3d4, 0xff); expect(inp(m, 0x3d4)).toBe(0x1f);
    // misc output: written at 3C2, read at 3CC; bit 0 moves the CRTC between 3Dx and 3Bx
    out(m, 0x3c2, 0x66);
    expect(inp(m, 0x3cc)).toBe(0x66);
    expect(inp(m, 0x3d5)).toBe(0xff);
    out(m, 0x3b4, 0x0c); out(m, 0x3b5, 0x12);
    expect(inp(m, 0x3b5)).toBe(0x12);
    out(m, 0x3c2, 0x67);
    expect(crR(m, 0x0c)).toBe(0x12);
    // feature control written at 3DA, read at 3CA
    out(m, 0x3da, 0x03);
    expect(inp(m, 0x3ca)).toBe(0x03);
  });

  it("attribute controller flip-flop is reset by reading input status 1", async () => {
    const m = await bareMachine();
    inp(m, 0x3da);
    out(m, 0x3c0, 0x01); // index 1
    out(m, 0x3c0, 0x2a); // data
    out(m, 0x3c0, 0x01); // index again (the flip-flop toggled back)
    expect(inp(m, 0x3c1)).toBe(0x2a);
    out(m, 0x3c0, 0x15); // data for register 1
    expect(inp(m, 0x3c0)).toBe(0x01); // 3C0 reads the index
    out(m, 0x3c0, 0x22); // now an index: register 2 with PAS
    expect(inp(m, 0x3c0)).toBe(0x22);
    // the flip-flop now expects data; reading 3DA makes the next write an index
    inp(m, 0x3da);
    out(m, 0x3c0, 0x21);
    expect(inp(m, 0x3c0)).toBe(0x21);
    expect(inp(m, 0x3c1)).toBe(0x15); // register 2 was not written
    expect(arR(m, 0x02)).toBe(0x02);
    // in monochrome addressing 3BA resets it and 3DA is not decoded
    out(m, 0x3c0, 0x20); // data to register 1
    out(m, 0x3c2, 0x66);
    out(m, 0x3c0, 0x03); // index 3
    inp(m, 0x3da); // not decoded: no reset
    out(m, 0x3c0, 0x07); // data to register 3
    expect(inp(m, 0x3c0)).toBe(0x03);
    expect(inp(m, 0x3c1)).toBe(0x07);
    out(m, 0x3c0, 0x04); // index 4
    inp(m, 0x3ba);
    out(m, 0x3c0, 0x25); // index, not data
    expect(inp(m, 0x3c0)).toBe(0x25);
    expect(inp(m, 0x3c1)).toBe(0x05); // untouched mode 3 palette value
  });

  it("CRTC protect bit guards CR00-CR07 except the line compare bit", async () => {
    const m = await bareMachine();
    expect(crR(m, 0x11) & 0x80).toBe(0x80); // mode 3 sets it
    crW(m, 0x00, 0x12);
    expect(crR(m, 0x00)).toBe(0x5f);
    crW(m, 0x06, 0x00);
    expect(crR(m, 0x06)).toBe(0xbf);
    crW(m, 0x07, 0x00); // only bit 4 (line compare bit 8) is writable
    expect(crR(m, 0x07)).toBe(0x0f);
    crW(m, 0x07, 0xff);
    expect(crR(m, 0x07)).toBe(0x1f);
    crW(m, 0x08, 0x05); // CR08 is not protected
    expect(crR(m, 0x08)).toBe(0x05);
    crW(m, 0x11, 0x0e);
    crW(m, 0x00, 0x12);
    expect(crR(m, 0x00)).toBe(0x12);
  });

  it("DAC: write and read cycles of three 6-bit components with index auto-increment", async () => {
    const m = await bareMachine();
    out(m, 0x3c8, 0x05);
    expect(inp(m, 0x3c7) & 3).toBe(0); // write mode
    for (const v of [0xff, 0x12, 0x3f, 0x01, 0x02, 0x43]) out(m, 0x3c9, v);
    expect(inp(m, 0x3c8)).toBe(0x07);
    out(m, 0x3c7, 0x05);
    expect(inp(m, 0x3c7) & 3).toBe(3); // read mode
    const got = [];
    for (let i = 0; i < 6; i++) got.push(inp(m, 0x3c9));
    expect(got).toEqual([0x3f, 0x12, 0x3f, 0x01, 0x02, 0x03]);
    // a partial write cycle does not change the entry until the third component
    out(m, 0x3c8, 0xff);
    out(m, 0x3c9, 0x10); out(m, 0x3c9, 0x11);
    out(m, 0x3c7, 0xff);
    const before = [inp(m, 0x3c9), inp(m, 0x3c9), inp(m, 0x3c9)];
    expect(before).toEqual([0, 0, 0]);
    out(m, 0x3c8, 0xff);
    for (const v of [1, 2, 3]) out(m, 0x3c9, v);
    expect(inp(m, 0x3c8)).toBe(0x00); // wraps from 255 to 0
    out(m, 0x3c7, 0xff);
    expect([inp(m, 0x3c9), inp(m, 0x3c9), inp(m, 0x3c9)]).toEqual([1, 2, 3]);
    // pel mask
    out(m, 0x3c6, 0x0f);
    expect(inp(m, 0x3c6)).toBe(0x0f);
  });

  it("input status 1: vertical retrace and display enable follow virtual time at 70 Hz", async () => {
    const m = await bareMachine();
    real16(m);
    m.ram().set([0xeb, 0xfe], 0x1000); // jmp $
    m.w32(S.EIP, 0x1000);
    // sample every 2 us (200 instructions of 10 ns) for 40 ms
    let prev = inp(m, 0x3da);
    const rises: number[] = [];
    let de = 0, retraceSamples = 0;
    for (let i = 0; i < 20000; i++) {
      m.run(200);
      const v = inp(m, 0x3da);
      if ((v & 8) && !(prev & 8)) rises.push(Number(m.core.now_ns()));
      if ((v & 1) !== (prev & 1)) de++;
      if (v & 8) retraceSamples++;
      prev = v;
    }
    // 720x400 text: 28.322 MHz / 9 dots, 100 characters x 449 lines = 14.27 ms per frame
    expect(rises.length).toBeGreaterThanOrEqual(2);
    const period = rises[1] - rises[0];
    expect(Math.abs(period - 14268000)).toBeLessThan(5000);
    // retrace lasts 2 lines (CR10 = 0x9C, CR11 low bits 0xE): 63.5 us, about 31 samples a frame
    expect(retraceSamples / rises.length).toBeGreaterThan(20);
    expect(retraceSamples / rises.length).toBeLessThan(45);
    expect(de).toBeGreaterThan(100); // display enable toggles every line
  });

  it("a guest polling for vertical retrace gets out of its loop", async () => {
    const m = await bareMachine();
    real16(m);
    // mov dx, 3DAh; l1: in al, dx; test al, 8; jnz l1; l2: in al, dx; test al, 8; jz l2; hlt
    m.ram().set([0xba, 0xda, 0x03, 0xec, 0xa8, 0x08, 0x75, 0xfb, 0xec, 0xa8, 0x08, 0x74, 0xfb, 0xf4], 0x1000);
    m.w32(S.EIP, 0x1000);
    expect(m.run(10_000_000)).toBe(S.EXIT_HALT);
  });
});

describe("VGA memory", () => {
  it("odd/even text writes at B8000 land in planes 0 (characters) and 1 (attributes)", async () => {
    const m = await bareMachine();
    const p2 = Array.from({ length: 4 }, (_, i) => plane(m, 2, 0xa0 + i));
    const got = guest(m, 0xb800, [{ w: 0, v: 0x48 }, { w: 1, v: 0x1f }, { w: 0xa0, v: 0x78 }, { w: 0xa1, v: 0x2e }, { r: 0 }, { r: 0xa1 }]);
    expect(plane(m, 0, 0)).toBe(0x48);
    expect(plane(m, 1, 0)).toBe(0x1f);
    expect(plane(m, 0, 0xa0)).toBe(0x78);
    expect(plane(m, 1, 0xa0)).toBe(0x2e);
    expect(plane(m, 0, 1)).toBe(0);
    expect(plane(m, 1, 1)).toBe(0);
    expect(Array.from({ length: 4 }, (_, i) => plane(m, 2, 0xa0 + i))).toEqual(p2); // map mask 3
    expect(got).toEqual([0x48, 0x2e]);
    // the B8000 window only: A0000 and B0000 are not decoded in mode 3
    const r = guest(m, 0xa000, [{ w: 0, v: 0x55 }, { r: 0 }]);
    expect(r).toEqual([0xff]);
    expect(plane(m, 0, 0)).toBe(0x48);
  });

  it("write mode 0 with set/reset, rotate, XOR and bit mask", async () => {
    const m = await bareMachine();
    planar(m);
    gcW(m, 0, 0x05); // set/reset: planes 0 and 2
    gcW(m, 1, 0x03); // enable set/reset: planes 0 and 1
    guest(m, 0xa000, [{ w: 0x10, v: 0xa5 }]);
    expect([0, 1, 2, 3].map((p) => plane(m, p, 0x10))).toEqual([0xff, 0x00, 0xa5, 0xa5]);
    // latches 0F F0 33 CC; data 12h rotated right by 4 = 21h, XOR with the latches, bit mask F0
    [0x0f, 0xf0, 0x33, 0xcc].forEach((v, p) => setPlane(m, p, 0x20, v));
    gcW(m, 1, 0x00);
    gcW(m, 3, 0x1c);
    gcW(m, 8, 0xf0);
    guest(m, 0xa000, [{ r: 0x20 }, { w: 0x20, v: 0x12 }]);
    expect([0, 1, 2, 3].map((p) => plane(m, p, 0x20))).toEqual([0x2f, 0xd0, 0x13, 0xec]);
    // the map mask keeps planes out
    seqW(m, 2, 0x0a);
    gcW(m, 3, 0x00);
    gcW(m, 8, 0xff);
    guest(m, 0xa000, [{ w: 0x21, v: 0x77 }]);
    expect([0, 1, 2, 3].map((p) => plane(m, p, 0x21))).toEqual([0x00, 0x77, 0x00, 0x77]);
  });

  it("write mode 1 copies the latches", async () => {
    const m = await bareMachine();
    planar(m);
    [0x2f, 0xd0, 0x13, 0xec].forEach((v, p) => setPlane(m, p, 0x20, v));
    gcW(m, 5, 0x01);
    gcW(m, 8, 0x00); // the bit mask does not apply in write mode 1
    guest(m, 0xa000, [{ r: 0x20 }, { w: 0x30, v: 0x00 }]);
    expect([0, 1, 2, 3].map((p) => plane(m, p, 0x30))).toEqual([0x2f, 0xd0, 0x13, 0xec]);
  });

  it("write mode 2 expands the colour, with OR and the bit mask", async () => {
    const m = await bareMachine();
    planar(m);
    [0x01, 0x02, 0x04, 0x80].forEach((v, p) => setPlane(m, p, 0x40, v));
    gcW(m, 5, 0x02);
    gcW(m, 3, 0x10); // OR
    gcW(m, 8, 0x3c);
    guest(m, 0xa000, [{ r: 0x40 }, { w: 0x40, v: 0x05 }]);
    expect([0, 1, 2, 3].map((p) => plane(m, p, 0x40))).toEqual([0x3d, 0x02, 0x3c, 0x80]);
  });

  it("write mode 3: rotated data AND bit mask selects the bits that get the set/reset colour", async () => {
    const m = await bareMachine();
    planar(m);
    [0x00, 0xff, 0xaa, 0x55].forEach((v, p) => setPlane(m, p, 0x50, v));
    gcW(m, 5, 0x03);
    gcW(m, 0, 0x09); // colour 9: planes 0 and 3
    gcW(m, 8, 0xf0);
    guest(m, 0xa000, [{ r: 0x50 }, { w: 0x50, v: 0x3c }]);
    expect([0, 1, 2, 3].map((p) => plane(m, p, 0x50))).toEqual([0x30, 0xcf, 0x8a, 0x75]);
  });

  it("read mode 0 (read map select) and read mode 1 (colour compare with don't care)", async () => {
    const m = await bareMachine();
    planar(m);
    [0xf0, 0xcc, 0xaa, 0x00].forEach((v, p) => setPlane(m, p, 0x60, v));
    gcW(m, 4, 2);
    expect(guest(m, 0xa000, [{ r: 0x60 }])).toEqual([0xaa]);
    // pixel colours, bit 7 to bit 0: 7 3 5 1 6 2 4 0
    gcW(m, 5, 0x08);
    gcW(m, 2, 0x05);
    gcW(m, 7, 0x0f);
    expect(guest(m, 0xa000, [{ r: 0x60 }])).toEqual([0x20]);
    gcW(m, 7, 0x05); // compare planes 0 and 2 only: colours 5 and 7 match
    expect(guest(m, 0xa000, [{ r: 0x60 }])).toEqual([0xa0]);
    gcW(m, 7, 0x00); // nothing compared: every pixel matches
    expect(guest(m, 0xa000, [{ r: 0x60 }])).toEqual([0xff]);
  });

  it("chain 4 puts byte n in plane n & 3", async () => {
    const m = await bareMachine();
    seqW(m, 2, 0x0f);
    seqW(m, 4, 0x0e);
    gcW(m, 5, 0x40);
    gcW(m, 6, 0x05);
    const r = guest(m, 0xa000, [{ w: 0x100, v: 1 }, { w: 0x101, v: 2 }, { w: 0x102, v: 3 }, { w: 0x107, v: 4 }, { r: 0x102 }]);
    expect([plane(m, 0, 0x100), plane(m, 1, 0x100), plane(m, 2, 0x100), plane(m, 3, 0x104)]).toEqual([1, 2, 3, 4]);
    expect(r).toEqual([3]);
  });
});

describe("VGA text screen", () => {
  it("screenText shows what the guest wrote at B8000, from the CRTC start address", async () => {
    const m = await bareMachine();
    const ops: Op[] = [];
    [..."Hello"].forEach((c, i) => { ops.push({ w: i * 2, v: c.charCodeAt(0) }, { w: i * 2 + 1, v: 0x1f }); });
    [..."World"].forEach((c, i) => { ops.push({ w: 160 + i * 2, v: c.charCodeAt(0) }, { w: 161 + i * 2, v: 0x07 }); });
    ops.push({ w: 24 * 160, v: 0xc9 }, { w: 24 * 160 + 2, v: 0xcd });
    guest(m, 0xb800, ops);
    const text = m.screenText();
    const lines = text.split("\n");
    expect(lines.length).toBe(25);
    expect(lines[0]).toBe("Hello");
    expect(lines[1]).toBe("World");
    expect(lines[24]).toBe("╔═");
    expect(lines.slice(2, 24).every((l) => l === "")).toBe(true);
    // the start address (in characters) scrolls the screen
    crW(m, 0x0c, 0x00);
    crW(m, 0x0d, 80);
    expect(m.screenText().split("\n")[0]).toBe("World");
    expect(m.screenText().split("\n")[23]).toBe("╔═");
    // a wider offset (CR13 = 41 words): row 1 starts at character 82
    crW(m, 0x0d, 0);
    crW(m, 0x13, 41);
    expect(m.screenText().split("\n")[1]).toBe("rld");
  });

  it("geometry follows the registers: 80x50, 40x25; cursor from CR0A-CR0F", async () => {
    const m = await bareMachine();
    expect(m.screenText().split("\n").length).toBe(25);
    let cells = m.screenCells();
    expect([cells.cols, cells.rows]).toEqual([80, 25]);
    expect(cells.cursor).toEqual({ col: 0, row: 0 });
    crW(m, 0x0e, 0x00);
    crW(m, 0x0f, 83);
    m.screenText();
    expect(m.screenCells().cursor).toEqual({ col: 3, row: 1 });
    crW(m, 0x0a, 0x20); // cursor off
    m.screenText();
    expect(m.screenCells().cursor).toEqual({ col: -1, row: -1 });
    crW(m, 0x09, 0x47); // 8-line characters: 400 / 8 = 50 rows
    m.screenText();
    expect(m.screenCells().rows).toBe(50);
    crW(m, 0x12, 0x5d); // 350 scan lines (CR07 bit 1 is the 9th bit): 350 / 8 = 43 rows
    m.screenText();
    expect(m.screenCells().rows).toBe(43);
    expect(m.screenPixels().height).toBe(350);
    crW(m, 0x12, 0x8f);
    crW(m, 0x09, 0x4f);
    crW(m, 0x11, 0x0e); // unprotect
    crW(m, 0x01, 39); // 40 columns
    m.screenText();
    cells = m.screenCells();
    expect([cells.cols, cells.rows]).toEqual([40, 25]);
    const px = m.screenPixels();
    expect([px.width, px.height]).toEqual([360, 400]);
  });

  it("pixels: glyphs from plane 2 in the attribute's colours through the palette and DAC", async () => {
    const m = await bareMachine();
    guest(m, 0xb800, [{ w: 0, v: 0xdb }, { w: 1, v: 0x1e }, { w: 2, v: 0x20 }, { w: 3, v: 0x1e }]); // full block, space: yellow on blue
    crW(m, 0x0a, 0x20); // no cursor
    const px = m.screenPixels();
    expect([px.width, px.height]).toEqual([720, 400]);
    const at = (x: number, y: number) => Array.from(px.data.subarray((y * px.width + x) * 4, (y * px.width + x) * 4 + 4));
    expect(at(3, 5)).toEqual([0xff, 0xff, 0x55, 0xff]); // colour 14: DAC 3F 3F 15
    expect(at(8, 5)).toEqual([0xff, 0xff, 0x55, 0xff]); // 9th column repeats for C0-DF (line graphics)
    expect(at(12, 5)).toEqual([0x00, 0x00, 0xaa, 0xff]); // colour 1: DAC 00 00 2A
    expect(at(100, 100)).toEqual([0, 0, 0, 0xff]);
    // the DAC entry behind colour 1 (palette register 1 = 01h)
    out(m, 0x3c8, 1);
    for (const v of [0x3f, 0x00, 0x00]) out(m, 0x3c9, v);
    expect(Array.from(m.screenPixels().data.subarray((5 * 720 + 12) * 4, (5 * 720 + 12) * 4 + 4))).toEqual([0xff, 0, 0, 0xff]);
  });
});

describe("VGA mode set helper (for the BIOS)", () => {
  it("mode 7 moves the CRTC to 3B4 and the window to B0000; mode 3 back; mode 1 is 40x25", async () => {
    const m = await bareMachine();
    expect(m.core.vga_set_mode(7, 1)).toBe(1);
    expect(inp(m, 0x3cc) & 1).toBe(0);
    expect(gcR(m, 6)).toBe(0x0a);
    guest(m, 0xb000, [{ w: 0, v: 0x4d }, { w: 1, v: 0x07 }, { w: 2, v: 0x37 }]);
    expect(m.screenText().split("\n")[0]).toBe("M7");
    out(m, 0x3b4, 0x0f);
    expect(inp(m, 0x3b5)).toBe(0);
    expect(m.core.vga_set_mode(3, 1)).toBe(1);
    expect(inp(m, 0x3cc)).toBe(0x67);
    expect(m.screenText()).toBe("\n".repeat(24)); // cleared to spaces
    guest(m, 0xb800, [{ w: 0, v: 0x41 }]);
    expect(m.screenText().split("\n")[0]).toBe("A");
    expect(m.core.vga_set_mode(1, 1)).toBe(1);
    m.screenText();
    const c = m.screenCells();
    expect([c.cols, c.rows]).toEqual([40, 25]);
    expect(m.screenPixels().width).toBe(360);
    expect(m.core.vga_set_mode(0x55, 1)).toBe(0);
    expect(m.core.vga_set_mode(0x13, 1)).toBe(1);
    expect(seqR(m, 4)).toBe(0x0e);
  });
});

describe("VGA graphics rendering", () => {
  const pix = (p: { width: number; data: Uint8ClampedArray }, x: number, y: number) => Array.from(p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4));

  it("mode 13h: a byte per pixel through chain 4 and the DAC, 320x200", async () => {
    const m = await bareMachine();
    m.core.vga_set_mode(0x13, 1);
    guest(m, 0xa000, [{ w: 0, v: 1 }, { w: 1, v: 2 }, { w: 320 * 10 + 5, v: 4 }]);
    const p = m.screenPixels();
    expect([p.width, p.height]).toEqual([320, 200]);
    expect(pix(p, 0, 0)).toEqual([0, 0, 0xaa, 0xff]);
    expect(pix(p, 1, 0)).toEqual([0, 0xaa, 0, 0xff]);
    expect(pix(p, 5, 10)).toEqual([0xaa, 0, 0, 0xff]);
    expect(pix(p, 6, 10)).toEqual([0, 0, 0, 0xff]);
    expect(m.screenText()).toBe("");
  });

  it("mode 12h: planar 16 colours, 640x480, drawn with set/reset", async () => {
    const m = await bareMachine();
    m.core.vga_set_mode(0x12, 1);
    gcW(m, 1, 0x0f);
    gcW(m, 0, 0x04); // red
    gcW(m, 8, 0xf0);
    guest(m, 0xa000, [{ w: 80 * 3 + 1, v: 0xff }]);
    const p = m.screenPixels();
    expect([p.width, p.height]).toEqual([640, 480]);
    expect(pix(p, 8, 3)).toEqual([0xaa, 0, 0, 0xff]);
    expect(pix(p, 11, 3)).toEqual([0xaa, 0, 0, 0xff]);
    expect(pix(p, 12, 3)).toEqual([0, 0, 0, 0xff]);
    expect(pix(p, 8, 2)).toEqual([0, 0, 0, 0xff]);
  });
});
