// VGA register behaviour against the formulas of the IBM VGA technical reference (graphics
// controller write modes 0-3 and read modes 0/1, sequencer addressing, DAC indexes, CRTC start
// address and line compare, attribute pel panning) and the Bochs VBE interface. The expected
// values are computed here from those formulas, for random register settings.
import { describe, it, expect } from "vitest";
import { bareMachine, real16, flat32 } from "../helpers.js";
import { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const out = (m: Machine, port: number, v: number) => m.core.port_out(port, 1, v);
const inp = (m: Machine, port: number) => m.core.port_in(port, 1);
const seqW = (m: Machine, i: number, v: number) => { out(m, 0x3c4, i); out(m, 0x3c5, v); };
const gcW = (m: Machine, i: number, v: number) => { out(m, 0x3ce, i); out(m, 0x3cf, v); };
const crW = (m: Machine, i: number, v: number) => { out(m, 0x3d4, i); out(m, 0x3d5, v); };
const arW = (m: Machine, i: number, v: number) => { inp(m, 0x3da); out(m, 0x3c0, i); out(m, 0x3c0, v); out(m, 0x3c0, 0x20); };
const plane = (m: Machine, p: number, a: number) => m.u8[S.VGA_MEM + p * 0x10000 + a];
const setPlane = (m: Machine, p: number, a: number, v: number) => { m.u8[S.VGA_MEM + p * 0x10000 + a] = v; };
const dispiW = (m: Machine, i: number, v: number) => { m.core.port_out(0x1ce, 2, i); m.core.port_out(0x1cf, 2, v); };
const dispiR = (m: Machine, i: number) => { m.core.port_out(0x1ce, 2, i); return m.core.port_in(0x1cf, 2); };

// A small deterministic generator, so a failure can be reproduced.
function rng(seed: number) { let s = seed >>> 0; return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s >>> 24; }; }

/** Guest code at 0000:1000 in real mode: each op reads (loading the latches; the byte read is
 * stored at 0000:2000 + k) or writes a byte at seg:addr. */
type Op = { w: number; v: number } | { r: number };
function guest(m: Machine, seg: number, ops: Op[]): number[] {
  real16(m);
  const code: number[] = [0xb8, seg & 0xff, seg >> 8, 0x8e, 0xc0];
  let k = 0;
  for (const op of ops) {
    if ("w" in op) code.push(0x26, 0xc6, 0x06, op.w & 0xff, op.w >> 8, op.v & 0xff);
    else { const d = 0x2000 + k++; code.push(0x26, 0xa0, op.r & 0xff, op.r >> 8, 0xa2, d & 0xff, d >> 8); }
  }
  code.push(0xf4);
  m.ram().set(code, 0x1000);
  m.w32(S.EIP, 0x1000);
  m.w32(S.HALTED, 0);
  expect(m.run(100000)).toBe(S.EXIT_HALT);
  return Array.from(m.ram().subarray(0x2000, 0x2000 + k));
}

// ---- the reference formulas (IBM VGA technical reference, graphics controller registers)
const ror = (v: number, n: number) => ((v >> n) | (v << (8 - n))) & 0xff;
function logical(op: number, d: number, latch: number): number {
  return op === 1 ? d & latch : op === 2 ? d | latch : op === 3 ? d ^ latch : d;
}
/** The byte plane p holds after a CPU write of v in write mode `mode`. */
function writeResult(mode: number, p: number, v: number, latch: number, sr: number, esr: number, gr3: number, mask: number): number {
  const rot = gr3 & 7, op = (gr3 >> 3) & 3;
  const srByte = (sr >> p) & 1 ? 0xff : 0;
  let d: number;
  switch (mode) {
    case 0: d = (esr >> p) & 1 ? srByte : ror(v, rot); break;
    case 1: return latch;
    case 2: d = (v >> p) & 1 ? 0xff : 0; break;
    default: d = srByte; mask &= ror(v, rot); break;
  }
  d = logical(op, d, latch);
  return (d & mask) | (latch & ~mask & 0xff);
}
/** Read mode 1: bit set where the pixel's colour equals the colour compare in the planes
 * colour don't care selects. */
function compareResult(latches: number[], cc: number, dc: number): number {
  let r = 0xff;
  for (let p = 0; p < 4; p++) if ((dc >> p) & 1) r &= ~(latches[p] ^ ((cc >> p) & 1 ? 0xff : 0)) & 0xff;
  return r;
}

function planar(m: Machine): void {
  seqW(m, 4, 0x06);
  gcW(m, 5, 0x00);
  gcW(m, 6, 0x05);
}

describe("VGA graphics controller against the reference formulas", () => {
  it("write modes 0-3: set/reset, enable set/reset, rotate, logical operation, bit mask, map mask, latches", async () => {
    const m = await bareMachine();
    planar(m);
    const r = rng(12345);
    for (let t = 0; t < 400; t++) {
      const mode = t & 3;
      const a = 0x100 + t;
      const latches = [r(), r(), r(), r()];
      latches.forEach((v, p) => setPlane(m, p, a, v));
      const sr = r() & 15, esr = r() & 15, gr3 = r() & 0x1f, mask = r(), mapMask = r() & 15, v = r();
      gcW(m, 0, sr); gcW(m, 1, esr); gcW(m, 3, gr3); gcW(m, 8, mask); gcW(m, 5, mode);
      seqW(m, 2, mapMask);
      guest(m, 0xa000, [{ r: a }, { w: a, v }]);
      for (let p = 0; p < 4; p++) {
        const want = (mapMask >> p) & 1 ? writeResult(mode, p, v, latches[p], sr, esr, gr3, mask) : latches[p];
        expect(plane(m, p, a), `trial ${t} mode ${mode} plane ${p}`).toBe(want);
      }
    }
  });

  it("read mode 0 returns the plane read map select chooses; read mode 1 the colour compare", async () => {
    const m = await bareMachine();
    planar(m);
    const r = rng(777);
    for (let t = 0; t < 200; t++) {
      const a = 0x800 + t;
      const latches = [r(), r(), r(), r()];
      latches.forEach((v, p) => setPlane(m, p, a, v));
      const map = r() & 3, cc = r() & 15, dc = r() & 15;
      gcW(m, 4, map); gcW(m, 2, cc); gcW(m, 7, dc);
      gcW(m, 5, 0x00);
      const [r0] = guest(m, 0xa000, [{ r: a }]);
      expect(r0).toBe(latches[map]);
      gcW(m, 5, 0x08);
      const [r1] = guest(m, 0xa000, [{ r: a }]);
      expect(r1, `trial ${t}`).toBe(compareResult(latches, cc, dc));
    }
  });

  it("the latches hold the last read: write mode 1 copies a whole address across all planes", async () => {
    const m = await bareMachine();
    planar(m);
    [0x12, 0x34, 0x56, 0x78].forEach((v, p) => setPlane(m, p, 0x40, v));
    seqW(m, 2, 0x0f);
    gcW(m, 5, 0x01);
    guest(m, 0xa000, [{ r: 0x40 }, { w: 0x9000, v: 0 }, { w: 0x9001, v: 0xff }]);
    for (let p = 0; p < 4; p++) { expect(plane(m, p, 0x9000)).toBe([0x12, 0x34, 0x56, 0x78][p]); expect(plane(m, p, 0x9001)).toBe(plane(m, p, 0x9000)); }
  });
});

describe("VGA memory organisation", () => {
  it("chain 4 sends byte n to plane n & 3 at n & ~3; planar reads them back plane by plane", async () => {
    const m = await bareMachine();
    seqW(m, 4, 0x0e); gcW(m, 5, 0x40); gcW(m, 6, 0x05); seqW(m, 2, 0x0f);
    guest(m, 0xa000, Array.from({ length: 12 }, (_, i) => ({ w: 0x1230 + i, v: 0xa0 + i })));
    for (let i = 0; i < 12; i++) expect(plane(m, (0x1230 + i) & 3, (0x1230 + i) & ~3)).toBe(0xa0 + i);
    planar(m);
    for (let p = 0; p < 4; p++) {
      gcW(m, 4, p);
      expect(guest(m, 0xa000, [{ r: 0x1230 }, { r: 0x1234 }, { r: 0x1238 }])).toEqual([0xa0 + p, 0xa4 + p, 0xa8 + p]);
    }
  });

  it("the memory map select windows: A0000 128K, A0000 64K, B0000 32K, B8000 32K", async () => {
    const m = await bareMachine();
    planar(m);
    seqW(m, 2, 0x01);
    gcW(m, 5, 0x00); gcW(m, 8, 0xff); gcW(m, 1, 0); gcW(m, 3, 0); gcW(m, 4, 0);
    const cases: [number, number, number, boolean][] = [
      // GR6 map, segment, offset, visible
      [0, 0xb000, 0x0010, true], [1, 0xa000, 0x0020, true], [1, 0xb000, 0x0030, false],
      [2, 0xb000, 0x0040, true], [2, 0xa000, 0x0050, false], [2, 0xb800, 0x0060, false],
      [3, 0xb800, 0x0070, true], [3, 0xb000, 0x0080, false],
    ];
    for (const [map, seg, off, visible] of cases) {
      gcW(m, 6, 0x01 | (map << 2));
      const v = 0x11 + off;
      const [back] = guest(m, seg, [{ w: off, v }, { r: off }]);
      const planeOff = map === 0 && seg === 0xb000 ? off + 0x10000 : off;
      if (visible) { expect(back).toBe(v); expect(plane(m, 0, planeOff & 0xffff)).toBe(v); }
      else expect(back).toBe(0xff);
    }
  });
});

describe("VGA DAC indexes", () => {
  it("write and read indexes auto-increment per three components and wrap from 255 to 0", async () => {
    const m = await bareMachine();
    out(m, 0x3c8, 254);
    expect(inp(m, 0x3c7) & 3).toBe(0); // DAC state: write mode
    for (const v of [1, 2, 3, 4, 5, 6, 7, 8, 9]) out(m, 0x3c9, v);
    expect(inp(m, 0x3c8)).toBe(1); // 254, 255, 0 written: the next is 1
    out(m, 0x3c7, 255);
    expect(inp(m, 0x3c7) & 3).toBe(3);
    expect([0, 1, 2, 3, 4, 5].map(() => inp(m, 0x3c9))).toEqual([4, 5, 6, 7, 8, 9]);
    out(m, 0x3c7, 254);
    expect([inp(m, 0x3c9), inp(m, 0x3c9), inp(m, 0x3c9)]).toEqual([1, 2, 3]);
    // a partial write cycle is abandoned when a new index is written
    out(m, 0x3c8, 10); out(m, 0x3c9, 0x3f); out(m, 0x3c8, 11); out(m, 0x3c9, 1); out(m, 0x3c9, 2); out(m, 0x3c9, 3);
    out(m, 0x3c7, 11);
    expect([inp(m, 0x3c9), inp(m, 0x3c9), inp(m, 0x3c9)]).toEqual([1, 2, 3]);
  });

  it("the pel mask ANDs the pixel value before the DAC", async () => {
    const m = await bareMachine();
    m.core.vga_set_mode(0x13, 1);
    out(m, 0x3c8, 0x05); out(m, 0x3c9, 63); out(m, 0x3c9, 0); out(m, 0x3c9, 0);
    out(m, 0x3c8, 0x85); out(m, 0x3c9, 0); out(m, 0x3c9, 63); out(m, 0x3c9, 0);
    setPlane(m, 0, 0, 0x85);
    m.core.vga_invalidate();
    expect(Array.from(m.screenPixels().data.subarray(0, 4))).toEqual([0, 255, 0, 255]);
    out(m, 0x3c6, 0x7f);
    expect(Array.from(m.screenPixels().data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
  });
});

describe("CRTC start address, line compare and pel panning in a 256-colour mode", () => {
  // Mode 13h with plane p at offset o holding (o / 4 + 3p) & 255 and a grey DAC (entry i = i & 63)
  async function mode13(): Promise<Machine> {
    const m = await bareMachine();
    m.core.vga_set_mode(0x13, 1);
    out(m, 0x3c8, 0);
    for (let i = 0; i < 256; i++) for (let c = 0; c < 3; c++) out(m, 0x3c9, i & 63);
    for (let p = 0; p < 4; p++) for (let o = 0; o < 0x10000; o++) setPlane(m, p, o, ((o >> 2) + 3 * p) & 255);
    m.core.vga_invalidate();
    return m;
  }
  const grey = (v: number) => (((v & 63) << 2) | ((v & 63) >> 4));
  // the pixel the CRTC shows at (x, y) when line y starts at CRTC address a (doubleword mode)
  const expected = (a: number, x: number) => grey((((((a + (x >> 2)) << 2) & 0xffff) >> 2) + 3 * (x & 3)) & 255);
  const px = (m: Machine, x: number, y: number) => m.screenPixels().data[(y * 320 + x) * 4];

  it("the start address moves the picture; the line compare restarts at address 0 below it", async () => {
    const m = await mode13();
    const start = 0x1234;
    crW(m, 0x0c, start >> 8); crW(m, 0x0d, start & 0xff);
    // split after scan line 99 (line compare bits 8 and 9 in CR07 bit 4 and CR09 bit 6 cleared):
    // 400 scan lines, two per row, so from row 50
    crW(m, 0x18, 99); crW(m, 0x07, 0x0f); crW(m, 0x09, 0x01);
    const p = m.screenPixels();
    expect([p.width, p.height]).toEqual([320, 200]);
    for (const y of [0, 1, 49, 50, 51, 199]) {
      const a = y < 50 ? start + y * 80 : (y - 50) * 80;
      for (const x of [0, 1, 2, 3, 4, 161, 319]) expect(px(m, x, y), `(${x},${y})`).toBe(expected(a, x));
    }
  });

  it("pel panning (AR13) shifts a 256-colour line by half its value in pixels", async () => {
    const m = await mode13();
    arW(m, 0x13, 2);
    for (const x of [0, 1, 5, 318]) expect(px(m, x, 10), `x ${x}`).toBe(expected(10 * 80, x + 1));
  });
});

describe("rendering only what changed", () => {
  it("a byte written in mode 13h redraws only its line; a DAC write redraws everything", async () => {
    const m = await bareMachine();
    m.core.vga_set_mode(0x13, 1);
    m.screenPixels();
    expect(m.screenPixels().dirty).toEqual({ y0: 0, y1: 0 });
    guest(m, 0xa000, [{ w: 37 * 320 + 100, v: 9 }]);
    expect(m.screenPixels().dirty).toEqual({ y0: 37, y1: 38 });
    out(m, 0x3c8, 9); out(m, 0x3c9, 63); out(m, 0x3c9, 63); out(m, 0x3c9, 63);
    const p = m.screenPixels();
    expect(p.dirty).toEqual({ y0: 0, y1: 200 });
    expect(Array.from(p.data.subarray((37 * 320 + 100) * 4, (37 * 320 + 100) * 4 + 4))).toEqual([255, 255, 255, 255]);
  });
});

describe("Bochs VBE (DISPI)", () => {
  it("ID, capabilities, VRAM size, virtual width and offsets kept inside VRAM", async () => {
    const m = await bareMachine();
    expect(dispiR(m, 0)).toBe(0xb0c5);
    dispiW(m, 0, 0xb0c4); expect(dispiR(m, 0)).toBe(0xb0c4);
    dispiW(m, 0, 0x1234); expect(dispiR(m, 0)).toBe(0xb0c4);
    expect(dispiR(m, 10)).toBe(256); // 16 MiB in 64 KiB units
    dispiW(m, 4, 0x02); // GETCAPS
    expect([dispiR(m, 1), dispiR(m, 2), dispiR(m, 3)]).toEqual([2560, 1600, 32]);
    dispiW(m, 4, 0);
    dispiW(m, 1, 800); dispiW(m, 2, 600); dispiW(m, 3, 32);
    dispiW(m, 4, 0x41);
    expect([dispiR(m, 6), dispiR(m, 7)]).toEqual([800, Math.floor(16 * 1048576 / (800 * 4))]);
    dispiW(m, 6, 1024);
    expect([dispiR(m, 6), dispiR(m, 7)]).toEqual([1024, 4096]);
    dispiW(m, 9, 5000); // beyond the virtual height: kept so the window stays in VRAM
    expect(dispiR(m, 9)).toBe(4096 - 600);
    // resolution writes are ignored while enabled
    dispiW(m, 1, 640); expect(dispiR(m, 1)).toBe(800);
  });

  it("the bank window at A0000 and the LFB at BAR0 reach the same VRAM; pixels render as 0x00RRGGBB", async () => {
    const m = await bareMachine(8);
    dispiW(m, 1, 320); dispiW(m, 2, 200); dispiW(m, 3, 32); dispiW(m, 4, 0x01);
    dispiW(m, 5, 1); // bank 1: VRAM 10000h-1FFFFh
    guest(m, 0xa000, [{ w: 0x0000, v: 0x11 }, { w: 0x0001, v: 0x22 }, { w: 0x0002, v: 0x33 }]);
    expect(Array.from(m.u8.subarray(S.VRAM + 0x10000, S.VRAM + 0x10003))).toEqual([0x11, 0x22, 0x33]);
    // pixel 0x10000 / 4 = 16384: line 51, x 64
    const p = m.screenPixels();
    expect(Array.from(p.data.subarray(16384 * 4, 16384 * 4 + 4))).toEqual([0x33, 0x22, 0x11, 0xff]);
    // map BAR0 at F0000000 with memory decoding on, through the configuration ports
    m.core.port_out(0xcf8, 4, 0x80001010); m.core.port_out(0xcfc, 4, 0xf0000000);
    m.core.port_out(0xcf8, 4, 0x80001004); m.core.port_out(0xcfc, 2, 0x0003);
    m.core.port_out(0xcf8, 4, 0x80001010);
    expect(m.core.port_in(0xcfc, 4) >>> 0).toBe(0xf0000008);
    // a 32-bit store through the LFB from flat protected mode would need a GDT here; the
    // real-mode test programs do that (vga_programs.test.ts). A BAR over RAM is not decoded:
    m.core.port_out(0xcf8, 4, 0x80001010); m.core.port_out(0xcfc, 4, 0x00000000);
    m.core.port_out(0xcf8, 4, 0x80001010);
    expect(m.core.port_in(0xcfc, 4)).toBe(0x00000008);
  });

  it("15, 16, 24 and 8 bpp pixels, virtual width and X/Y offsets (panning)", async () => {
    const m = await bareMachine();
    const w5 = (v: number) => (v << 3) | (v >> 2), w6 = (v: number) => (v << 2) | (v >> 4);
    // each depth: the bytes of pixel value v and the RGB the VBE 3.0 mode information's masks give it
    const depths: [number, number, (v: number) => number[], (v: number) => number[]][] = [
      [15, 2, (v) => [v & 0xff, (v >> 8) & 0x7f], (v) => [w5((v >> 10) & 31), w5((v >> 5) & 31), w5(v & 31)]],
      [16, 2, (v) => [v & 0xff, v >> 8], (v) => [w5(v >> 11), w6((v >> 5) & 63), w5(v & 31)]],
      [24, 3, (v) => [v & 0xff, (v >> 8) & 0xff, v >> 16], (v) => [v >> 16, (v >> 8) & 0xff, v & 0xff]],
    ];
    for (const [bpp, bytes, enc, rgb] of depths) {
      dispiW(m, 4, 0);
      dispiW(m, 1, 64); dispiW(m, 2, 32); dispiW(m, 3, bpp);
      dispiW(m, 4, 0x01);
      dispiW(m, 6, 100); // virtual width 100 pixels
      dispiW(m, 8, 7); dispiW(m, 9, 3); // the window starts at (7, 3)
      const vals: number[] = [];
      for (let y = 0; y < 32; y++) for (let x = 0; x < 64; x++) {
        const v = ((x * 2654435761) ^ (y * 40503)) & (bpp === 24 ? 0xffffff : 0xffff);
        vals.push(v);
        m.u8.set(enc(v), S.VRAM + ((y + 3) * 100 + x + 7) * bytes);
      }
      m.core.vga_invalidate();
      const p = m.screenPixels();
      expect([p.width, p.height]).toEqual([64, 32]);
      for (let i = 0; i < 64 * 32; i += 37) expect(Array.from(p.data.subarray(i * 4, i * 4 + 3)), `${bpp} bpp pixel ${i}`).toEqual(rgb(vals[i]));
    }
    // 8 bpp through the DAC; with the 8-bit DAC (ENABLE bit 5) the components are used as they are
    dispiW(m, 4, 0); dispiW(m, 1, 8); dispiW(m, 2, 8); dispiW(m, 3, 8); dispiW(m, 4, 0x21);
    m.core.port_out(0x3c8, 1, 200); for (const c of [0x80, 0x40, 0xff]) m.core.port_out(0x3c9, 1, c);
    m.u8[S.VRAM] = 200;
    m.core.vga_invalidate();
    expect(Array.from(m.screenPixels().data.subarray(0, 3))).toEqual([0x80, 0x40, 0xff]);
  });

  it("LFB writes go straight to VRAM and are seen by every render, also the second write to a page", async () => {
    const m = await bareMachine(8);
    dispiW(m, 1, 320); dispiW(m, 2, 200); dispiW(m, 3, 32); dispiW(m, 4, 0x41);
    m.core.port_out(0xcf8, 4, 0x80001010); m.core.port_out(0xcfc, 4, 0xe0000000);
    m.core.port_out(0xcf8, 4, 0x80001004); m.core.port_out(0xcfc, 2, 0x0003);
    m.screenPixels();
    flat32(m);
    const store = (off: number, v: number) => {
      // mov dword [0xE0000000 + off], v ; hlt
      const a = 0xe0000000 + off;
      m.ram().set([0xc7, 0x05, a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, a >>> 24, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24, 0xf4], 0x1000);
      m.w32(S.EIP, 0x1000); m.w32(S.HALTED, 0);
      expect(m.run(10)).toBe(S.EXIT_HALT);
    };
    const pixel = (p: { data: Uint8ClampedArray }, x: number, y: number) => Array.from(p.data.subarray((y * 320 + x) * 4, (y * 320 + x) * 4 + 4));
    for (const [x, y, v] of [[5, 10, 0x00112233], [6, 11, 0x00445566], [7, 10, 0x00778899]]) {
      store((y * 320 + x) * 4, v);
      expect(m.u32[(S.VRAM + (y * 320 + x) * 4) / 4]).toBe(v);
      const p = m.screenPixels();
      // the 4 KiB page holding the pixel: about three lines around it, never the whole screen
      expect(p.dirty.y0 <= y && y < p.dirty.y1 && p.dirty.y1 - p.dirty.y0 <= 5, JSON.stringify(p.dirty)).toBe(true);
      expect(pixel(p, x, y)).toEqual([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff, 0xff]);
    }
  });
});
