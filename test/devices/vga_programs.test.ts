// Guest programs (test/vga/*.asm, boot sectors assembled into the committed .bin files) draw
// known patterns through the built-in BIOS and the VGA/VBE registers; the rendered framebuffer
// is compared pixel by pixel with images computed here from the same pattern formulas, never
// from earlier output of tab86.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { createNodeMachine, defaultBiosPath } from "../../host/node.js";
import { runMachine } from "../../host/run.js";
import type { Machine } from "../../host/machine.js";

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

  it("VBE 640x480x32 through the linear framebuffer, display start on the second page", async () => {
    const m = await boot("vbe32");
    const ram = new DataView(m.ram().buffer, m.ram().byteOffset);
    // 4F00h, 4F01h, 4F02h, 4F07h set and get all returned 004Fh
    for (let i = 0; i < 5; i++) expect(ram.getUint16(0x7000 + i * 2, true)).toBe(0x004f);
    expect(ram.getUint16(0x700a, true)).toBe(480); // DX: the first displayed line
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
    const f14 = 0xf3000 + 0x41 * 14, f16 = 0xf1000 + 0x41 * 16;
    expect(Array.from(m.ram().subarray(f14, f14 + 14))).toEqual(Array.from(m.ram().subarray(f16 + 2, f16 + 16)));
    expect([ram.getUint16(0x7010, true), m.ram()[0x7012]]).toEqual([8, 49]);
    expect(m.ram()[0x484]).toBe(49);
    const lines = m.screenText().split("\n");
    expect(lines.length).toBe(50);
    expect(lines[49]).toBe("row 49 of 50");
    expect(m.screenPixels().height).toBe(400);
  });
});
