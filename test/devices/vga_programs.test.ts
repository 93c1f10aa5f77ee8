// Guest programs (test/vga/*.asm, boot sectors assembled into the committed .bin files) draw
// known patterns through the built-in BIOS and the VGA/VBE registers; the rendered framebuffer
// is compared pixel by pixel with images computed here from the same pattern formulas, never
// from earlier output of tab86.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { createNodeMachine, defaultBiosPath } from "../../host/node.js";
import { runMachine } from "../../host/run.js";
import type { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

async function boot(name: string): Promise<Machine> {
  const rom = new Uint8Array(readFileSync(defaultBiosPath()));
  const m = await createNodeMachine({ memMiB: 16, rom, deterministic: true, stopOnTripleFault: true });
  const img = new Uint8Array(1474560);
  img.set(readFileSync(new URL(`../vga/${name}.bin`, import.meta.url)), 0);
  m.insertFloppy(0, img, true);
  const r = await runMachine(m, { until: /DONE/, timeoutMs: 60000 });
  expect(r.end, m.dump()).toBe("matched");
  return m;
}

// The VGA DAC's 6-bit components shown as 8 bits: the two high bits repeated below.
const six = (v: number) => ((v & 63) << 2) | ((v & 63) >> 4);
// SET_DAC in boot.inc: entry i = (i >> 2, (i * 5) & 63, 63 - (i >> 2))
const dac = (i: number): [number, number, number] => [six(i >> 2), six((i * 5) & 63), six(63 - (i >> 2))];

/** Compare the screen with expect(x, y) = [r, g, b]; returns the number of differing pixels
 * and the first few, for the failure message. */
function compare(m: Machine, width: number, height: number, expected: (x: number, y: number) => [number, number, number]) {
  const p = m.screenPixels();
  expect([p.width, p.height]).toEqual([width, height]);
  let bad = 0;
  const first: string[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const [r, g, b] = expected(x, y);
      if (p.data[o] !== r || p.data[o + 1] !== g || p.data[o + 2] !== b || p.data[o + 3] !== 255) {
        if (bad++ < 4) first.push(`(${x},${y}) got ${p.data[o]},${p.data[o + 1]},${p.data[o + 2]} expected ${r},${g},${b}`);
      }
    }
  }
  return { bad, first: first.join("; ") };
}

describe("VGA test programs", () => {
  it("mode 13h: 320x200, a byte per pixel through chain 4 and the DAC", async () => {
    const m = await boot("mode13");
    const r = compare(m, 320, 200, (x, y) => dac((x ^ (2 * y)) & 255));
    expect(r.bad, r.first).toBe(0);
  });

  it("mode 12h: 640x480 planar, write mode 2, latches and the bit mask", async () => {
    const m = await boot("mode12");
    const r = compare(m, 640, 480, (x, y) => dac(x & 1 ? y & 15 : ((x >> 3) ^ (y >> 3)) & 15));
    expect(r.bad, r.first).toBe(0);
  });

  it("mode X: 320x240 unchained, map mask plane writes, start address on the second page", async () => {
    const m = await boot("modex");
    const r = compare(m, 320, 240, (x, y) => dac((3 * x + y) & 255));
    expect(r.bad, r.first).toBe(0);
  });

  it("VBE 640x480x32 through the linear framebuffer, display start on the second page (real-mode and protected-mode interface)", async () => {
    const m = await boot("vbe32");
    const ram = new DataView(m.ram().buffer, m.ram().byteOffset);
    // 4F00h, 4F01h, 4F02h, 4F07h set and get all returned 004Fh
    for (let i = 0; i < 5; i++) expect(ram.getUint16(0x7000 + i * 2, true)).toBe(0x004f);
    expect(ram.getUint16(0x700a, true)).toBe(240); // DX: the first displayed line
    // 4F0Ah: the protected-mode table in the ROM (its function 7 moved the display to line 480,
    // which the picture below shows)
    expect(ram.getUint16(0x7012, true)).toBe(0x004f);
    expect([ram.getUint16(0x700e, true), ram.getUint16(0x700c, true), ram.getUint16(0x7010, true)]).toEqual([0xf000, 0x3e00, 0x100]);
    // controller information: "VESA", version 3.0, 16 MiB, a mode list that includes 142h
    expect(ram.getUint32(0x8000, true)).toBe(0x41534556);
    expect(ram.getUint16(0x8004, true)).toBe(0x0300);
    expect(ram.getUint16(0x8012, true)).toBe(256);
    const listOff = ram.getUint16(0x800e, true), listSeg = ram.getUint16(0x8010, true);
    const modes: number[] = [];
    for (let a = listSeg * 16 + listOff; ram.getUint16(a, true) !== 0xffff; a += 2) modes.push(ram.getUint16(a, true));
    expect(modes).toContain(0x142);
    expect(modes).toContain(0x118);
    // mode information of 142h: LFB, 640x480, 2560 bytes a line, 32 bpp direct colour, x:8 r:8 g:8 b:8
    expect(ram.getUint16(0x8200, true) & 0x99).toBe(0x99); // supported, colour, graphics, LFB
    expect(ram.getUint16(0x8210, true)).toBe(2560);
    expect([ram.getUint16(0x8212, true), ram.getUint16(0x8214, true)]).toEqual([640, 480]);
    expect(m.ram()[0x8219]).toBe(32);
    expect(m.ram()[0x821b]).toBe(6);
    expect(Array.from(m.ram().subarray(0x821f, 0x8227))).toEqual([8, 16, 8, 8, 8, 0, 8, 24]);
    expect(ram.getUint32(0x8228, true)).toBe(0xe0000000);
    const r = compare(m, 640, 480, (x, y) => [x & 255, y & 255, (x ^ y) & 255]);
    expect(r.bad, r.first).toBe(0);
  });
});

describe("INT 10h font functions", () => {
  it("1130h BH=2 is the ROM 8x14 font; 1112h loads 8x8 and recomputes the text geometry to 80x50", async () => {
    const m = await boot("font");
    const ram = new DataView(m.ram().buffer, m.ram().byteOffset);
    expect([ram.getUint16(0x7000, true), ram.getUint16(0x7002, true), ram.getUint16(0x7004, true), m.ram()[0x7006]]).toEqual([0xf000, 0x3000, 16, 24]);
    // the 8x14 table in the ROM: 'A' (41h) is the 8x16 glyph without its two top rows
    // (the 64 KiB ROM image is at S.ROM: F000:xxxx is S.ROM + xxxx)
    const f14 = S.ROM + 0x3000 + 0x41 * 14, f16 = S.ROM + 0x1000 + 0x41 * 16;
    expect(m.u8.subarray(f16, f16 + 16).some((b) => b !== 0)).toBe(true);
    expect(Array.from(m.u8.subarray(f14, f14 + 14))).toEqual(Array.from(m.u8.subarray(f16 + 2, f16 + 16)));
    expect([ram.getUint16(0x7010, true), m.ram()[0x7012]]).toEqual([8, 49]);
    expect(m.ram()[0x484]).toBe(49);
    const lines = m.screenText().split("\n");
    expect(lines.length).toBe(50);
    expect(lines[49]).toBe("row 49 of 50");
    expect(m.screenPixels().height).toBe(400);
  });
});

describe("every standard BIOS mode", () => {
  // A boot sector written here: INT 10h AH=00h mode, then INT 10h AH=0Ch pixels, then "D" on
  // port E9h and halt.
  async function drawIn(mode: number, pixels: [number, number, number][]): Promise<Machine> {
    const w16 = (v: number) => [v & 0xff, v >> 8];
    const code: number[] = [0xb8, ...w16(mode), 0xcd, 0x10];
    for (const [x, y, c] of pixels) code.push(0xb4, 0x0c, 0xb0, c, 0xb7, 0x00, 0xb9, ...w16(x), 0xba, ...w16(y), 0xcd, 0x10);
    code.push(0xb0, 0x44, 0xe6, 0xe9, 0xfa, 0xf4);
    const rom = new Uint8Array(readFileSync(defaultBiosPath()));
    const m = await createNodeMachine({ memMiB: 16, rom, deterministic: true, stopOnTripleFault: true });
    const img = new Uint8Array(1474560);
    img.set(code, 0);
    img.set([0x55, 0xaa], 510);
    m.insertFloppy(0, img, true);
    const r = await runMachine(m, { until: /D/, timeoutMs: 30000 });
    expect(r.end).toBe("matched");
    return m;
  }
  // The colour the attribute controller and DAC give colour c, read back through the ports
  // (IBM VGA: colour plane enable, palette register, colour select, pel mask, DAC).
  function colour(m: Machine, c: number, c256: boolean): [number, number, number] {
    const inp = (p: number) => m.core.port_in(p, 1), out = (p: number, v: number) => m.core.port_out(p, 1, v);
    const status1 = inp(0x3cc) & 1 ? 0x3da : 0x3ba; // input status 1 follows the CRTC address
    const ar = (i: number) => { inp(status1); out(0x3c0, i | 0x20); return inp(0x3c1); };
    let idx = c;
    if (!c256) {
      idx = ar(c & ar(0x12) & 15) & 0x3f;
      if (ar(0x10) & 0x80) idx = (idx & 15) | ((ar(0x14) & 3) << 4);
      idx |= (ar(0x14) & 0x0c) << 4;
    }
    idx &= inp(0x3c6);
    out(0x3c7, idx);
    return [six(inp(0x3c9)), six(inp(0x3c9)), six(inp(0x3c9))];
  }
  const cases: [number, number, number, number[]][] = [
    // mode, width, height, colours to draw
    [0x04, 320, 200, [1, 2, 3]], [0x05, 320, 200, [1, 2, 3]], [0x06, 640, 200, [1]],
    [0x0d, 320, 200, [1, 7, 9, 15]], [0x0e, 640, 200, [2, 8, 14]], [0x0f, 640, 350, [1, 4, 5]],
    [0x10, 640, 350, [3, 6, 12]], [0x11, 640, 480, [1]], [0x12, 640, 480, [4, 10, 15]], [0x13, 320, 200, [1, 77, 200]],
  ];
  for (const [mode, w, h, cs] of cases) {
    it(`mode ${mode.toString(16).padStart(2, "0")}h: ${w}x${h}, INT 10h/0Ch pixels in the palette's colours`, async () => {
      // pixels on odd and even lines (the CGA modes interleave them) and at the far corner
      const pts: [number, number, number][] = cs.map((c, i) => [3 + 17 * i, 1 + 2 * i + (i & 1), c]);
      pts.push([w - 1, h - 1, cs[cs.length - 1]]);
      const m = await drawIn(mode, pts);
      const p = m.screenPixels();
      expect([p.width, p.height]).toEqual([w, h]);
      for (const [x, y, c] of [...pts, [5, h - 3, 0] as [number, number, number]]) {
        const o = (y * w + x) * 4;
        expect(Array.from(p.data.subarray(o, o + 3)), `(${x},${y}) colour ${c}`).toEqual(colour(m, c, mode === 0x13));
      }
    });
  }
  it("mode 12h: a colour with bit 7 set is XORed onto the pixel", async () => {
    const m = await drawIn(0x12, [[100, 100, 3], [100, 100, 0x81]]);
    const o = (100 * 640 + 100) * 4;
    expect(Array.from(m.screenPixels().data.subarray(o, o + 3))).toEqual(colour(m, 2, false));
  });
  for (const [mode, w, h, cols] of [[0, 360, 400, 40], [1, 360, 400, 40], [2, 720, 400, 80], [3, 720, 400, 80], [7, 720, 400, 80]]) {
    it(`text mode ${mode}: ${cols}x25 in ${w}x${h}`, async () => {
      const m = await drawIn(mode, []);
      const p = m.screenPixels();
      expect([p.width, p.height]).toEqual([w, h]);
      expect(m.screenCells().cols).toBe(cols);
      expect(m.screenCells().rows).toBe(25);
    });
  }
});

describe("INT 10h palette functions and state save/restore", () => {
  it("1010h/1015h, 1012h/1017h, 1018h/1019h; 1Bh state information; 1C00h-1C02h bring mode 13h and its DAC back after a mode 3 set", async () => {
    const m = await boot("palette");
    const ram = m.ram();
    expect(Array.from(ram.subarray(0x7000, 0x7003))).toEqual([1, 2, 3]);
    expect(Array.from(ram.subarray(0x7010, 0x7016))).toEqual([10, 20, 30, 40, 50, 60]);
    expect(ram[0x7020]).toBe(0x7f);
    const dv = new DataView(ram.buffer, ram.byteOffset);
    expect(dv.getUint16(0x7022, true)).toBeGreaterThanOrEqual(Math.ceil((64 + 64 + 768) / 64));
    expect([ram[0x7024], ram[0x7026]]).toEqual([0x1c, 0x1c]);
    // 1Bh: the static table pointer (its first byte: modes 0-7 supported), mode 13h, 40
    // columns, 256 colours, 200 scan lines, 256 KiB
    expect(ram[0x7028]).toBe(0x1b);
    expect([dv.getUint16(0x7102, true), dv.getUint16(0x7100, true)]).toEqual([0xf000, 0x2810]);
    expect(m.u8[S.ROM + 0x2810]).toBe(0xff);
    expect([ram[0x7104], dv.getUint16(0x7105, true), dv.getUint16(0x7127, true), ram[0x712a], ram[0x7131]]).toEqual([0x13, 40, 256, 0, 3]);
    // restored: mode 13h registers (320x200 graphics) and the DAC, whatever mode 3 loaded
    const p = m.screenPixels();
    expect([p.width, p.height, m.graphicsMode()]).toEqual([320, 200, true]);
    m.core.port_out(0x3c7, 1, 5);
    expect([0, 1, 2].map(() => m.core.port_in(0x3c9, 1))).toEqual([1, 2, 3]);
    expect(ram[0x449]).toBe(0x13);
  });
});
