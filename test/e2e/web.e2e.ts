// The browser app end to end (issue 10): boot FreeDOS from a floppy given through the file
// input and type a command with real key events; boot the default Linux and read its serial
// console in the xterm.js terminal; the page's main thread stays free while the machine boots.
// Screenshots go to test-results/e2e/.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { PreviewServer } from "vite";
import { startApp, ARTEFACTS } from "./browser.js";
import { ROOT } from "../helpers.js";

let server: PreviewServer, browser: Browser, url: string;
beforeAll(async () => ({ server, url, browser } = await startApp()));
afterAll(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Api = { tab86: { screenText(): Promise<string>; consoleText(): string; state: string } };

/** Poll the page API until fn's text matches; fails with the last text seen. */
async function waitText(page: Page, what: "screen" | "console", re: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = "";
  for (;;) {
    text = await page.evaluate((w) => {
      const m = (window as unknown as Api).tab86;
      return w === "screen" ? m.screenText().catch(() => "") : m.consoleText();
    }, what);
    if (re.test(text)) return text;
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(ARTEFACTS, `timeout-${what}.png`) });
      throw new Error(`${re} did not appear on the ${what} within ${timeoutMs / 1000} s; it shows:\n${text.slice(-3000)}`);
    }
    await sleep(250);
  }
}

function watchPage(page: Page, log: string[]): void {
  page.on("console", (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
}

describe("FreeDOS from the file input", () => {
  it("boots freedos-boot-1440k.img, runs dir typed on the keyboard, and the page API reads the screen", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 860 } });
    const log: string[] = [];
    watchPage(page, log);
    await page.goto(url + "?autostart=0");
    await page.setInputFiles("#file", join(ROOT, "../shared/images/freedos-boot-1440k.img"));
    await waitText(page, "screen", /A:\\>\s*$/, 90_000);
    await page.locator("tab86-machine canvas").click();
    await page.keyboard.type("dir");
    await page.keyboard.press("Enter");
    const screen = await waitText(page, "screen", /bytes free[\s\S]*A:\\>\s*$/, 60_000);
    expect(screen).toMatch(/^A:\\>dir$/m);
    expect(screen).toMatch(/COMMAND\s+COM/);
    expect(screen).toMatch(/file\(s\)/i);
    expect(await page.locator("#st-state").textContent()).toBe("running");
    await sleep(300); // a frame or two after the last change
    await page.screenshot({ path: join(ARTEFACTS, "freedos-dir.png") });
    expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
    await page.close();
  });

  it("says clearly when a file is no disk image", async () => {
    const page = await browser.newPage();
    await page.goto(url + "?autostart=0");
    await page.setInputFiles("#file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a disk image\n") });
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 10_000 }).toMatch(/notes\.txt: 17 bytes is neither a floppy size/);
    await page.close();
  });
});

describe("the default Linux", () => {
  it("boots in the page with its serial console in the terminal, and the page's main thread stays free", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
    const log: string[] = [];
    watchPage(page, log);
    // long tasks (over 50 ms) on the page's main thread, from the moment the page starts
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: { start: number; duration: number }[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: "longtask", buffered: true });
    });
    await page.goto(url);
    await expect.poll(() => page.locator("#st-state").textContent(), { timeout: 30_000 }).toBe("running");
    const runningAt = await page.evaluate(() => performance.now());
    await waitText(page, "console", /Linux version \d/, 120_000);
    const text = await waitText(page, "console", /^~? ?# $/m, 240_000);
    expect(text).toMatch(/Run \/init as init process|Freeing unused kernel/);
    // the console takes input too: a command typed into the terminal runs in the guest
    await page.locator("tab86-machine .xterm").click();
    await page.keyboard.type("echo tab86-$((6*7))");
    await page.keyboard.press("Enter");
    await waitText(page, "console", /^tab86-42$/m, 60_000);
    await page.screenshot({ path: join(ARTEFACTS, "linux-console.png") });
    const tasks = await page.evaluate(() => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks);
    const during = tasks.filter((t) => t.start > runningAt);
    // the machine runs in the worker: nothing the page does while Linux boots takes 200 ms
    expect(during.filter((t) => t.duration > 200), JSON.stringify(during)).toEqual([]);
    expect(log.filter((l) => l.startsWith("pageerror"))).toEqual([]);
    await page.close();
  });
});
