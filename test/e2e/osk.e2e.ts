// The on-screen keyboard (issue 10: "an on-screen keyboard for phones and tablets", docs/web.md)
// in headless chromium. In a phone's context (touch, a narrow mobile viewport) the page shows
// it by itself under the screen; FreeDOS boots from its floppy, and commands tapped on it run:
// `dir` lists the floppy, the sticky Shift types one capital letter, the Up arrow (an E0 key)
// brings back FreeCOM's last command. The screen keeps the focus, so no phone keyboard would
// open. On a desktop the Keyboard button shows and hides it, and the embeddable element
// shows it with its keyboard attribute. Screenshots go to test-results/e2e/.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { PreviewServer } from "vite";
import { startApp, ARTEFACTS } from "./browser.js";
import { waitText, sleep, DOS_PROMPT } from "./page.js";
import { ROOT } from "../helpers.js";
import { OSK_ROWS } from "../../web/osk.js";

let server: PreviewServer, browser: Browser, url: string;
beforeAll(async () => ({ server, url, browser } = await startApp()));
afterAll(async () => { await browser?.close(); await server?.close(); });

const FREEDOS = join(ROOT, "../shared/images/freedos-boot-1440k.img");
const key = (page: Page, code: string) => page.locator(`tab86-machine .osk button[data-code="${code}"]`);

/** Tap keys of the on-screen keyboard with the touch screen, one after the other. */
async function tapKeys(page: Page, codes: string[]): Promise<void> {
  for (const code of codes) await key(page, code).tap();
}
const letters = (text: string) => [...text].map((c) => (c === " " ? "Space" : /\d/.test(c) ? `Digit${c}` : `Key${c.toUpperCase()}`));

describe("the on-screen keyboard on a phone", () => {
  it("is shown under the screen by itself, and commands tapped on it run in FreeDOS", async () => {
    const context = await browser.newContext({ viewport: { width: 412, height: 915 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url + "?autostart=0");
    expect(await page.evaluate(() => matchMedia("(pointer: coarse)").matches)).toBe(true);
    const osk = page.locator("tab86-machine .osk");
    await expect.poll(() => osk.isVisible(), { timeout: 5000 }).toBe(true);
    expect(await page.locator("#keyboard").getAttribute("aria-pressed")).toBe("true");
    // below the screen, not over it
    const screenBox = (await page.locator("tab86-machine .screen").boundingBox())!;
    const oskBox = (await osk.boundingBox())!;
    expect(oskBox.y).toBeGreaterThanOrEqual(screenBox.y + screenBox.height);
    expect(oskBox.width).toBeLessThanOrEqual(412);

    await page.setInputFiles("#file", FREEDOS);
    await waitText(page, "screen", DOS_PROMPT, 90_000);
    await tapKeys(page, ["KeyD", "KeyI", "KeyR", "Enter"]);
    const dir = await waitText(page, "screen", /bytes free[\s\S]*A:\\>\s*$/, 60_000);
    expect(dir).toMatch(/^A:\\>dir$/m);
    expect(dir).toMatch(/COMMAND\s+COM/);
    expect(dir).toMatch(/file\(s\)/i);

    // the sticky Shift: down for the next key only, the keycaps show it meanwhile
    await tapKeys(page, letters("echo "));
    await tapKeys(page, ["ShiftLeft"]);
    expect(await key(page, "ShiftLeft").getAttribute("aria-pressed")).toBe("true");
    expect(await key(page, "KeyA").textContent()).toBe("A");
    await tapKeys(page, ["KeyA"]);
    expect(await key(page, "ShiftLeft").getAttribute("aria-pressed")).toBe("false");
    expect(await key(page, "KeyA").textContent()).toBe("a");
    await tapKeys(page, ["KeyB", "Digit7", "Enter"]);
    await waitText(page, "screen", /A:\\>echo Ab7\nAb7\n\s*A:\\>\s*$/, 30_000);

    // an extended (E0) key: Up brings back FreeCOM's last command
    await tapKeys(page, ["ArrowUp"]);
    await waitText(page, "screen", /A:\\>echo Ab7\nAb7\n\s*A:\\>echo Ab7\s*$/, 30_000);
    await tapKeys(page, ["Enter"]);
    await waitText(page, "screen", /A:\\>echo Ab7\nAb7\n\s*A:\\>echo Ab7\nAb7\n\s*A:\\>\s*$/, 30_000);

    // the taps left the focus on the screen: no text field took it (a phone would open its keyboard)
    expect(await page.evaluate(() => document.querySelector("tab86-machine")!.shadowRoot!.activeElement?.tagName ?? "none")).toBe("CANVAS");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("TAB86-MACHINE");

    await sleep(300); // a frame or two after the last change
    await page.screenshot({ path: join(ARTEFACTS, "osk-freedos.png"), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("showing the on-screen keyboard", () => {
  it("is hidden on a desktop until the Keyboard button shows it", async () => {
    const page = await browser.newPage();
    await page.goto(url + "?autostart=0");
    const osk = page.locator("tab86-machine .osk");
    const button = page.locator("#keyboard");
    expect(await page.evaluate(() => matchMedia("(pointer: coarse)").matches)).toBe(false);
    expect(await osk.isVisible()).toBe(false);
    expect(await button.getAttribute("aria-pressed")).toBe("false");
    await button.click();
    expect(await osk.isVisible()).toBe(true);
    expect(await button.getAttribute("aria-pressed")).toBe("true");
    await button.click();
    expect(await osk.isVisible()).toBe(false);
    expect(await button.getAttribute("aria-pressed")).toBe("false");
    await page.close();
  });

  it("is shown by the embeddable element's keyboard attribute", async () => {
    const page = await browser.newPage();
    await page.route("**/test-embed-osk.html", (r) => r.fulfill({ contentType: "text/html", body: `<!doctype html>
      <script type="module" src="./tab86.js"></script>
      <tab86-machine id="with" keyboard style="width:640px"></tab86-machine>
      <tab86-machine id="auto" keyboard="auto" style="width:640px"></tab86-machine>
      <tab86-machine id="without" style="width:640px"></tab86-machine>` }));
    await page.goto(url + "test-embed-osk.html");
    await expect.poll(() => page.locator("#with .osk").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator("#with .osk button").count()).toBe(OSK_ROWS.flat().length);
    expect(await page.locator("#auto .osk").isVisible()).toBe(false); // no touch screen here
    expect(await page.locator("#without .osk").isVisible()).toBe(false);
    // and the attribute is live: removed, the keyboard goes
    await page.evaluate(() => document.getElementById("with")!.removeAttribute("keyboard"));
    expect(await page.locator("#with .osk").isVisible()).toBe(false);
    await page.close();
  });
});
