// The display without OffscreenCanvas (issue 10): where the page cannot hand its canvas to the
// worker (HTMLCanvasElement.prototype.transferControlToOffscreen deleted before the app loads),
// the worker sends the lines the guest redrew and the page draws them. The picture read back
// from the page's canvas is the machine's own screenshot, pixel for pixel (but for the blinking
// cursor), after FreeDOS booted and a command changed part of the screen.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { PreviewServer } from "vite";
import { startApp, ARTEFACTS } from "./browser.js";
import { waitText, dosCommand, sleep, DOS_PROMPT } from "./page.js";
import { ROOT } from "../helpers.js";

let server: PreviewServer, browser: Browser, url: string;
beforeAll(async () => ({ server, url, browser } = await startApp()));
afterAll(async () => { await browser?.close(); await server?.close(); });

type Shot = { width: number; height: number; data: number[] };

// the page's canvas, read back through its 2D context (which exists only when it was not handed over)
const canvasPicture = (page: Page) => page.evaluate((): Shot => {
  const canvas = document.querySelector("tab86-machine")!.shadowRoot!.querySelector("canvas")!;
  const ctx = canvas.getContext("2d")!;
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { width: img.width, height: img.height, data: Array.from(img.data) };
});
// what the machine shows (Machine.screenshot in the worker)
const machinePicture = (page: Page) => page.evaluate(async (): Promise<Shot> => {
  const s = await (window as unknown as { tab86: { screenshot(): Promise<{ width: number; height: number; data: Uint8Array }> } }).tab86.screenshot();
  return { width: s.width, height: s.height, data: Array.from(s.data) };
});

// The pixels where two pictures differ, as a bounding box (null: none)
function difference(a: Shot, b: Shot): { x0: number; y0: number; x1: number; y1: number } | null {
  let box: { x0: number; y0: number; x1: number; y1: number } | null = null;
  for (let i = 0; i < a.data.length; i += 4) {
    if (a.data[i] === b.data[i] && a.data[i + 1] === b.data[i + 1] && a.data[i + 2] === b.data[i + 2]) continue;
    const x = (i / 4) % a.width, y = Math.floor(i / 4 / a.width);
    box = box ? { x0: Math.min(box.x0, x), y0: Math.min(box.y0, y), x1: Math.max(box.x1, x), y1: Math.max(box.y1, y) } : { x0: x, y0: y, x1: x, y1: y };
  }
  return box;
}

describe("the display without OffscreenCanvas", () => {
  it("draws the worker's frames into the page's canvas: the picture equals the machine's screenshot", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.addInitScript(() => { delete (HTMLCanvasElement.prototype as { transferControlToOffscreen?: unknown }).transferControlToOffscreen; });
    await page.goto(url + "?autostart=0");
    expect(await page.evaluate(() => "transferControlToOffscreen" in HTMLCanvasElement.prototype)).toBe(false);
    await page.setInputFiles("#file", join(ROOT, "../shared/images/freedos-boot-1440k.img"));
    await waitText(page, "screen", DOS_PROMPT, 90_000);
    await dosCommand(page, "ver", /FreeCom version[\s\S]*A:\\>\s*$/);
    await sleep(500); // a few frames after the last change
    const shot = await machinePicture(page), drawn = await canvasPicture(page);
    expect([drawn.width, drawn.height]).toEqual([shot.width, shot.height]);
    expect([shot.width, shot.height]).toEqual([720, 400]); // the text mode's 9x16 cells
    // the screen has text on it: many pixels are not the background
    const lit = shot.data.filter((v, i) => i % 4 === 0 && v > 0).length;
    expect(lit).toBeGreaterThan(500);
    // the same picture, but for the text cursor, which blinks between the two readings: at
    // most one 9x16 character cell differs
    const diff = difference(drawn, shot);
    if (diff) expect(diff.x1 - diff.x0 < 9 && diff.y1 - diff.y0 < 16, JSON.stringify(diff)).toBe(true);
    await page.screenshot({ path: join(ARTEFACTS, "no-offscreencanvas.png") });
    expect(errors).toEqual([]);
    await page.close();
  });
});
