// Screenshots of the browser app for docs/images/ (web-freedos.png, web-linux.png,
// web-sandbox.png, web-osk.png): builds
// nothing, serves dist-web/ (npm run web:build first) with Vite's preview server and drives
// Debian's chromium through playwright-core.   node tools/web/screenshots.mjs [freedos|linux|sandbox|osk]...
// (no argument: all four)
import { preview } from "vite";
import { chromium } from "playwright-core";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const server = await preview({ configFile: join(root, "web/vite.config.ts"), preview: { port: 0, host: "127.0.0.1" }, logLevel: "warn" });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });

async function until(page, fn, re, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const t = await page.evaluate(fn);
    if (re.test(t)) return;
    if (Date.now() > end) throw new Error(`${re} not seen:\n${t}`);
    await sleep(300);
  }
}

async function freedos() {
  const page = await browser.newPage({ viewport: { width: 960, height: 1000 } });
  await page.goto(url + "?autostart=0");
  await page.setInputFiles("#file", join(root, "../shared/images/freedos-boot-1440k.img"));
  await until(page, () => window.tab86.screenText().catch(() => ""), /A:\\>\s*$/, 90_000);
  await page.locator("tab86-machine canvas").click();
  await page.keyboard.type("ver");
  await page.keyboard.press("Enter");
  await page.keyboard.type("dir");
  await page.keyboard.press("Enter");
  await until(page, () => window.tab86.screenText().catch(() => ""), /bytes free[\s\S]*A:\\>\s*$/, 30_000);
  await sleep(1500);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(root, "docs/images/web-freedos.png") });
  await page.close();
}

async function linux() {
  const page = await browser.newPage({ viewport: { width: 960, height: 1160 } });
  await page.goto(url);
  await until(page, () => window.tab86.consoleText(), /^# $/m, 240_000);
  await page.locator("tab86-machine .xterm").click();
  await page.keyboard.type("uname -a; free -m | head -2");
  await page.keyboard.press("Enter");
  await until(page, () => window.tab86.consoleText(), /Mem:/, 30_000);
  await sleep(2500);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(root, "docs/images/web-linux.png") });
  await page.close();
}

// a file dropped on the page, opened in the sandbox, looked at
async function sandbox() {
  const page = await browser.newPage({ viewport: { width: 960, height: 1160 } });
  await page.goto(url + "?autostart=0");
  const files = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(["Dear customer,\nplease open the attached invoice.\n"], "invoice-2024.pdf.exe"));
    return d;
  });
  await page.locator("tab86-machine .screen").dispatchEvent("drop", { dataTransfer: files });
  await page.locator("#dropsandbox").click();
  await until(page, () => window.tab86.consoleText(), /^No network\. Tools: file.*\n# ?$/m, 300_000);
  // on the VGA console (tty1), the big screen; typed as US key strokes (the paste path)
  await page.locator("tab86-machine canvas").click();
  await page.evaluate(() => window.tab86.type("clear; cd /mnt/sandbox; ls -l; file *; sha256sum *; strings -n 6 * | head -3\n"));
  await until(page, () => window.tab86.screenText().catch(() => ""), /attached invoice/, 60_000);
  await sleep(2500);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(root, "docs/images/web-sandbox.png") });
  await page.close();
}

// a phone: the on-screen keyboard shows by itself under the screen; a command tapped on it
async function osk() {
  const context = await browser.newContext({ viewport: { width: 412, height: 915 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(url + "?autostart=0");
  await page.setInputFiles("#file", join(root, "../shared/images/freedos-boot-1440k.img"));
  await until(page, () => window.tab86.screenText().catch(() => ""), /A:\\>\s*$/, 90_000);
  const tap = async (...codes) => { for (const c of codes) await page.locator(`tab86-machine .osk button[data-code="${c}"]`).tap(); };
  await tap("KeyV", "KeyE", "KeyR", "Enter", "KeyD", "KeyI", "KeyR", "Space", "Slash", "KeyW", "Enter");
  await until(page, () => window.tab86.screenText().catch(() => ""), /bytes free[\s\S]*A:\\>\s*$/, 30_000);
  await tap("ShiftLeft"); // shown down in the picture
  await sleep(1500);
  // the machine: its screen and the keyboard under it (the page's toolbars take a phone's first
  // screenful; FreeDOS leaves the serial console empty, so it is hidden for the picture)
  await page.evaluate(() => { window.tab86.removeAttribute("console"); window.scrollTo(0, document.body.scrollHeight); });
  await sleep(300);
  await page.locator("tab86-machine").screenshot({ path: join(root, "docs/images/web-osk.png") });
  await context.close();
}

const shots = { freedos, linux, sandbox, osk };
const wanted = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(shots);
try {
  for (const w of wanted) {
    if (!shots[w]) throw new Error(`${w}: expected ${Object.keys(shots).join(", ")}`);
    await shots[w]();
  }
} finally {
  await browser.close();
  await server.close();
}
