// Helpers the browser tests share: wait for text on the machine's screen or serial console
// (through the page API, window.tab86 = the <tab86-machine> element), type DOS commands, run
// shell commands in the xterm.js console and read their output.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTEFACTS } from "./browser.js";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const DOS_PROMPT = /[A-Z]:\\>\s*$/;

type Api = { tab86: { screenText(): Promise<string>; consoleText(): string; type(t: string): void } };

/** Poll the screen or the console until `re` matches; fails with the last text seen. */
export async function waitText(page: Page, what: "screen" | "console", re: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = "";
  for (;;) {
    text = await page.evaluate((w) => {
      const m = (window as unknown as Api).tab86;
      return w === "screen" ? m.screenText().catch(() => "") : m.consoleText();
    }, what);
    if (re.test(text)) return text;
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(ARTEFACTS, `timeout-${what}-${Date.now()}.png`) });
      throw new Error(`${re} did not appear on the ${what} within ${timeoutMs / 1000} s; it shows:\n${text.slice(-3000)}`);
    }
    await sleep(250);
  }
}

/** Type a line through the page API (US key strokes) and wait for the screen to match. */
export async function dosCommand(page: Page, text: string, re: RegExp, timeoutMs = 60_000): Promise<string> {
  await page.evaluate((t) => (window as unknown as Api).tab86.type(t), text + "\n");
  return waitText(page, "screen", re, timeoutMs);
}

/** Type a shell command into the xterm.js console (real key events) and return its output:
 * the lines between markers it prints (the echo of the command shows the arithmetic, the
 * output the number, so the command's own echo never matches). */
let marks = 0;
export async function shell(page: Page, cmd: string, timeoutMs = 60_000): Promise<string> {
  const n = ++marks;
  await page.locator("tab86-machine .xterm").click();
  await page.keyboard.type(`echo BEGIN$((${n - 1}+1)); ${cmd}; echo END$((${n - 1}+1))`);
  await page.keyboard.press("Enter");
  const text = await waitText(page, "console", new RegExp(`^END${n}\\s*$`, "m"), timeoutMs);
  const lines = text.split("\n").map((l) => l.trimEnd());
  return lines.slice(lines.lastIndexOf(`BEGIN${n}`) + 1, lines.lastIndexOf(`END${n}`)).join("\n");
}

/** The shell prompt of the default Linux on the console. */
export const LINUX_PROMPT = /^~? ?# $/m;

/** Drop files on the machine's screen as a user would drag them from the desktop. */
export async function drop(page: Page, files: { name: string; data: Buffer }[]): Promise<void> {
  const dt = await page.evaluateHandle((fs) => {
    const d = new DataTransfer();
    for (const f of fs) d.items.add(new File([new Uint8Array(f.data)], f.name));
    return d;
  }, files.map((f) => ({ name: f.name, data: [...f.data] })));
  await page.locator("tab86-machine .screen").dispatchEvent("drop", { dataTransfer: dt });
}
