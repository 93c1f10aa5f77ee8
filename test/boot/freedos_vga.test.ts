// Graphics under FreeDOS: the mode 13h demos in freedos722.img's DEMOS directory run, and the
// command's --screenshot writes what they show (the acceptance command).
import { describe, it, expect } from "vitest";
import { readFileSync, existsSync, mkdtempSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { createMachine } from "../../host/api.js";
import { decodePng } from "../../host/png.js";
import { ROOT } from "../helpers.js";

const IMAGE = `${ROOT}../shared/images/freedos722.img`;
const tmp = mkdtempSync(join(tmpdir(), "tab86-vga-"));

function colours(data: ArrayLike<number>): number {
  const set = new Set<number>();
  for (let i = 0; i < data.length; i += 4) set.add(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16));
  return set.size;
}

describe("FreeDOS graphics (freedos722.img)", () => {
  it("a mode 13h demo from DEMOS\\ draws a 320x200 picture of many colours", async () => {
    if (!existsSync(IMAGE)) throw new Error(`${IMAGE} is missing: the boot tests read ../shared/images/ in place`);
    const api = await createMachine({ fda: IMAGE, deterministic: true });
    const m = api.machine;
    await api.expect(/A:\\>$/);
    expect(m.graphicsMode()).toBe(false);
    // KNEAD.COM: INT 10h AX=0013h, then draws frames at A000 until a key is pressed
    api.type("demos\\knead{Enter}");
    await api.wait(2);
    expect(m.graphicsMode()).toBe(true);
    const shot = m.screenshot();
    expect([shot.width, shot.height]).toEqual([320, 200]);
    expect(colours(shot.data)).toBeGreaterThan(16);
  });

  it("tab86 --fda freedos722.img --send 'demos\\lebhaft{Enter}' --timeout 8 --screenshot writes the demo's picture", () => {
    const png = join(tmp, "demo.png");
    const r = spawnSync(process.execPath, [join(ROOT, "bin/tab86.js"), "--fda", IMAGE, "--send", "demos\\lebhaft{Enter}", "--timeout", "8", "--screenshot", png], { encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const img = decodePng(new Uint8Array(readFileSync(png)), (d) => new Uint8Array(inflateSync(d)));
    expect([img.width, img.height]).toEqual([320, 200]);
    expect(colours(img.data)).toBeGreaterThan(16);
  });

  it("--screenshot of the text screen shows the prompt in 720x400; a bad --vram is refused", () => {
    const png = join(tmp, "text.png");
    const r = spawnSync(process.execPath, [join(ROOT, "bin/tab86.js"), "--fda", IMAGE, "--until", "A:\\\\>", "--timeout", "60", "--screenshot", png], { encoding: "utf8", timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    const img = decodePng(new Uint8Array(readFileSync(png)), (d) => new Uint8Array(inflateSync(d)));
    expect([img.width, img.height]).toEqual([720, 400]);
    const n = colours(img.data);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(16);
    const bad = spawnSync(process.execPath, [join(ROOT, "bin/tab86.js"), "--vram", "12"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^tab86: video memory must be a power of two from 4 to 64 MiB, got 12$/m);
  });
});
