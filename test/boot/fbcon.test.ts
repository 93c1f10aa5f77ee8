// Linux's framebuffer console on the Bochs VBE framebuffer (issue 8): the kernel from `npm run
// images` started with vga=0x318 (VESA 1024x768, 24 bpp: vesafb) and the console on both the
// framebuffer (tty0) and the serial port. The screenshot is read back without knowing the font
// (test/boot/fbcon-check.ts): every text row on the screen must be a line the serial console
// printed, through one consistent glyph <-> character map, in the serial's order and without
// repeats. The serial output is the ground truth; nothing is compared with earlier screenshots.
import { describe, it, expect } from "vitest";
import { join } from "node:path";
import { readImage } from "../../host/node.js";
import { loadKernel } from "../../host/kernel.js";
import { stripControls } from "../../host/run.js";
import { Machine } from "../../host/machine.js";
import { IMAGES, PROMPT, Shell, linuxMachine } from "./linux-shell.js";
import { checkFbcon } from "./fbcon-check.js";

const serialLines = (s: string): string[] => stripControls(s).replace(/\r/g, "").split("\n");

function check(m: Machine, serial: string, what: string) {
  const shot = m.screenshot();
  expect(`${shot.width}x${shot.height}`).toBe("1024x768");
  const r = checkFbcon(shot.width, shot.height, shot.data, serialLines(serial));
  expect(r.errors, `${what}: rows that are not what the serial console printed`).toEqual([]);
  return r;
}

// A screen drawn in the test from a made-up 8x16 font (random bitmaps): what the check accepts
// and the wrong screens it must reject (a row drawn twice, a row half redrawn, a wrong glyph).
function fakeScreen(rows: string[], mutate?: (cells: string[][]) => void): Uint8Array {
  const font = new Map<string, number[]>();
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  const glyph = (ch: string) => {
    if (ch === " ") return new Array(16).fill(0);
    if (!font.has(ch)) font.set(ch, Array.from({ length: 16 }, () => rnd() & 0xff | 1));
    return font.get(ch)!;
  };
  const cells = Array.from({ length: 48 }, (_, r) => Array.from({ length: 128 }, (_, c) => (rows[r] ?? "")[c] ?? " "));
  mutate?.(cells);
  const px = new Uint32Array(1024 * 768).fill(0xff000000);
  for (let r = 0; r < 48; r++) for (let c = 0; c < 128; c++) {
    // a cell "a|b" is a half-drawn cell: the top 8 scan lines of a, the bottom 8 of b
    const [top, bottom] = cells[r][c].length === 3 ? [cells[r][c][0], cells[r][c][2]] : [cells[r][c], cells[r][c]];
    for (let y = 0; y < 16; y++) {
      const bits = glyph(y < 8 ? top : bottom)[y];
      for (let x = 0; x < 8; x++) if (bits & (1 << x)) px[(r * 16 + y) * 1024 + c * 8 + x] = 0xffaaaaaa;
    }
  }
  return new Uint8Array(px.buffer);
}

describe("the framebuffer console check", () => {
  const lines = Array.from({ length: 60 }, (_, i) => `${String(i).padStart(2, "0")} ` +
    Array.from({ length: 90 }, (_, j) => String.fromCharCode(33 + ((i * 7 + j) % 94))).join(""));
  const shown = lines.slice(13); // the last 47 lines, and the cursor row blank
  it("accepts the lines as printed", () => {
    const r = checkFbcon(1024, 768, fakeScreen(shown), ["echo", ...lines, "# "]);
    expect(r.errors).toEqual([]);
    expect(r.matched.map((x) => x.row)).toEqual([...Array(47).keys()]);
    expect(r.glyphs).toBe(94);
  });
  it("rejects a row shown twice, a half-redrawn row and a wrong character", () => {
    const dup = checkFbcon(1024, 768, fakeScreen(shown, (c) => { c[20] = [...c[19]]; }), lines);
    expect(dup.errors).toEqual([expect.stringMatching(/^row 20 .*repeats a line shown above it/)]);
    const half = checkFbcon(1024, 768, fakeScreen(shown, (c) => { c[7] = c[7].map((ch, i) => `${ch}|${c[6][i]}`); }), lines);
    expect(half.errors).toEqual([expect.stringMatching(/^row 7 .*is no line of the serial output/)]);
    const wrong = checkFbcon(1024, 768, fakeScreen(shown, (c) => { c[30][40] = c[30][40] === "A" ? "B" : "A"; }), lines);
    expect(wrong.errors).toEqual([expect.stringMatching(/^row 30 /)]);
  });
});

describe("Linux framebuffer console (vesafb)", () => {
  it("shows on the framebuffer what the serial console printed", async () => {
    const m = await linuxMachine();
    loadKernel(m, {
      kernel: readImage(join(IMAGES, "linux/vmlinuz"), "--kernel"), name: "vmlinuz",
      initrd: [{ name: "initrd.img", data: readImage(join(IMAGES, "linux/initrd.img"), "--initrd") }],
      append: "vga=0x318 console=tty0 console=ttyS0,115200 cryptomgr.notests",
    });
    const sh = new Shell(m);
    const boot = await sh.waitFor(PROMPT, 900);
    expect(boot).toMatch(/vesafb: mode is 1024x768x24/);
    expect(boot).toMatch(/Console: switching to colour frame buffer device 128x48/);

    // The serial prompt can arrive while tty1 is still being drawn (the tty1 shell's greeting
    // scrolls the console while the serial shell's prompt drains out of the UART), and a
    // screenshot then shows a half-scrolled screen, as the guest's own vc buffer is at that
    // instant (docs/devices.md). So let the tty1 shell start, then write to tty1: that takes the
    // console lock, so it returns only after any drawing in progress has finished (and it hides
    // the cursor).
    await sh.run("sleep 1; printf '\\033[?25l' > /dev/tty1");

    // the boot: kernel messages scrolled through the framebuffer console (redrawn row by row),
    // the banner and the tty1 shell's greeting and prompt
    const first = check(m, boot, "after the boot");
    expect(first.cols).toBe(128);
    expect(first.matched.length).toBeGreaterThanOrEqual(40);

    // a full screen of known text written to tty1 (and, through tee, to the serial console):
    // 60 lines of 100 characters, every printable ASCII character, each line different
    const cmd = "awk 'BEGIN{for(i=0;i<60;i++){s=sprintf(\"%02d \",i);" +
      "for(j=0;j<97;j++)s=s sprintf(\"%c\",33+(i*7+j)%94);print s}}' | tee /dev/tty1";
    const out = await sh.run(cmd, 600);
    // (the long command line's echo can take more than one line)
    const written = out.split("\n").filter((l) => /^\d\d \S{97}$/.test(l));
    expect(written).toHaveLength(60);
    const text = check(m, written.join("\n"), "after writing 60 lines");
    expect(text.matched.length).toBe(47);
    expect(text.glyphs).toBeGreaterThanOrEqual(50);
    // the rows are the last 47 lines written, in order
    expect(text.matched.map((x) => x.line)).toEqual([...Array(47).keys()].map((i) => i + 13));
  }, 1_200_000);
});
