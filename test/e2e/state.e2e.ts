// Whole-machine snapshots in the page (issue 10, docs/web.md "Machine state"), in headless
// chromium with FreeDOS: Save state keeps the machine in IndexedDB and Restore state goes back to
// it (an environment variable set before saving is there again, one set after is gone); Export
// state downloads a file that a reloaded page loads back into a new machine of the same floppy;
// a file for another machine or no state file at all gets a clear message, and so does a full
// browser storage; the <tab86-machine state-src> element starts from a state file at once, and
// says so when its src is not the image the state was saved with; the embedding demo starts a copy of its running
// Linux from a state it saves.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import type { PreviewServer } from "vite";
import { startApp, ARTEFACTS } from "./browser.js";
import { waitText, dosCommand, DOS_PROMPT } from "./page.js";
import { ROOT } from "../helpers.js";

let server: PreviewServer, browser: Browser, url: string;
beforeAll(async () => ({ server, url, browser } = await startApp()));
afterAll(async () => { await browser?.close(); await server?.close(); });

const FREEDOS = join(ROOT, "../shared/images/freedos-boot-1440k.img");
const FREEDOS722 = join(ROOT, "../shared/images/freedos722.img");
const notice = (page: import("playwright-core").Page) => page.locator("#notice").textContent();

describe("machine state in the page", () => {
  let stateFile: Buffer;

  it("Save state / Restore state go back to the saved machine; Export state downloads it", async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url + "?autostart=0");
    await page.locator("#state-restore").click();
    await expect.poll(() => notice(page), { timeout: 10_000 }).toMatch(/No state saved yet/);
    await page.setInputFiles("#file", FREEDOS);
    await waitText(page, "screen", DOS_PROMPT, 90_000);
    await dosCommand(page, "set TABSTATE=saved-one", /set TABSTATE=saved-one\n(.*\n)*A:\\>\s*$/);
    await page.locator("#state-save").click();
    await expect.poll(() => notice(page), { timeout: 30_000 }).toMatch(/State saved \(\d+\.\d MiB\)/);
    // Export state: the same machine as a file
    const download = page.waitForEvent("download");
    await page.locator("#state-export").click();
    expect((await download).suggestedFilename()).toBe("freedos-boot-1440k.tab86state");
    stateFile = readFileSync(await (await download).path());
    expect(stateFile.subarray(0, 8).toString("latin1")).toBe("TAB86SNP");
    // the machine goes on: the variable changes, the screen is cleared
    await dosCommand(page, "set TABSTATE=changed-later", /set TABSTATE=changed-later\n(.*\n)*A:\\>\s*$/);
    await dosCommand(page, "cls", /^\s*A:\\>\s*$/);
    await page.locator("#state-restore").click();
    await expect.poll(() => notice(page), { timeout: 30_000 }).toMatch(/Restored the state saved/);
    // the screen is the saved one again, and so is the environment
    const screen = await waitText(page, "screen", /set TABSTATE=saved-one\n(.*\n)*A:\\>\s*$/, 10_000);
    expect(screen).not.toMatch(/changed-later/);
    const out = await dosCommand(page, "set", /^TABSTATE=/m);
    expect(out).toMatch(/^TABSTATE=saved-one$/m);
    expect(out).not.toMatch(/changed-later/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says so on the page when the browser's storage is full", async () => {
    const page = await browser.newPage();
    // IndexedDB refuses every write as a full origin does (QuotaExceededError)
    await page.addInitScript(() => {
      IDBObjectStore.prototype.put = function () { throw new DOMException("the quota has been exceeded", "QuotaExceededError"); };
    });
    await page.goto(url + "?autostart=0");
    await page.setInputFiles("#file", FREEDOS);
    await waitText(page, "screen", DOS_PROMPT, 90_000);
    await page.locator("#state-save").click();
    await expect.poll(() => notice(page), { timeout: 30_000 }).toMatch(/Saving the state failed: the browser's storage for this page is full \(the state is \d+\.\d MiB\): use Export state to download it instead/);
    await page.close();
  });

  it("Load state file carries on from an exported state after a reload; a wrong file says why", async () => {
    expect(stateFile, "the first test exports the state").toBeDefined();
    const page = await browser.newPage();
    await page.goto(url + "?autostart=0");
    // a state for another floppy than the one running (and another RAM size: the state has the
    // page's default 128 MiB): refused, the machine unchanged
    await page.locator("#mem").selectOption("64");
    await page.setInputFiles("#file", FREEDOS722);
    await expect.poll(() => page.locator("#st-state").textContent(), { timeout: 30_000 }).toBe("running");
    await page.setInputFiles("#state-file", { name: "dos.tab86state", mimeType: "application/octet-stream", buffer: stateFile });
    await expect.poll(() => notice(page), { timeout: 30_000 }).toMatch(/dos\.tab86state: made for a different machine: floppy A: a different image than the snapshot was taken with/);
    expect(await page.locator("tab86-machine .message").textContent()).toMatch(/made for a different machine/);
    expect(await page.locator("#st-state").textContent()).toBe("running");
    // no state file at all
    await page.setInputFiles("#state-file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello\n") });
    await expect.poll(() => notice(page), { timeout: 30_000 }).toMatch(/notes\.txt: not a tab86 snapshot/);
    // the right floppy: the machine carries on from the file (a new machine with the state's
    // 128 MiB of RAM, the page's 64 notwithstanding)
    await page.reload();
    await page.locator("#mem").selectOption("64");
    await page.setInputFiles("#file", FREEDOS);
    await expect.poll(() => page.locator("#st-state").textContent(), { timeout: 30_000 }).toBe("running");
    await page.setInputFiles("#state-file", { name: "dos.tab86state", mimeType: "application/octet-stream", buffer: stateFile });
    await expect.poll(() => notice(page), { timeout: 30_000 }).toMatch(/Carrying on from dos\.tab86state/);
    await waitText(page, "screen", /set TABSTATE=saved-one\n(.*\n)*A:\\>\s*$/, 10_000);
    const out = await dosCommand(page, "set", /^TABSTATE=/m);
    expect(out).toMatch(/^TABSTATE=saved-one$/m);
    await page.close();
  });

  it("<tab86-machine state-src> starts from the state at once; a src it was not saved with gets a message", async () => {
    expect(stateFile, "the first test exports the state").toBeDefined();
    const page = await browser.newPage();
    const floppy = readFileSync(FREEDOS), other = readFileSync(FREEDOS722);
    await page.route("**/floppies/freedos.img", (r) => r.fulfill({ contentType: "application/octet-stream", body: floppy }));
    await page.route("**/floppies/other.img", (r) => r.fulfill({ contentType: "application/octet-stream", body: other }));
    await page.route("**/states/dos.tab86state", (r) => r.fulfill({ contentType: "application/octet-stream", body: stateFile }));
    await page.route("**/test-state.html", (r) => r.fulfill({ contentType: "text/html", body: `<!doctype html>
      <script type="module" src="./tab86.js"></script>
      <tab86-machine id="m" src="./floppies/freedos.img" state-src="./states/dos.tab86state" autostart style="width:640px"></tab86-machine>
      <tab86-machine id="bad" src="./floppies/other.img" state-src="./states/dos.tab86state" autostart style="width:640px"></tab86-machine>` }));
    await page.goto(url + "test-state.html");
    type El = { state: string; screenText(): Promise<string> };
    await expect.poll(() => page.evaluate(() => (document.getElementById("m") as unknown as El).state), { timeout: 30_000 }).toBe("running");
    // no boot: the saved screen is there from the start
    const first = await page.evaluate(() => (document.getElementById("m") as unknown as El).screenText());
    expect(first).toMatch(/set TABSTATE=saved-one\n(.*\n)*A:\\>\s*$/);
    expect(first).not.toMatch(/FreeDOS kernel/i);
    await page.screenshot({ path: join(ARTEFACTS, "state-src.png") });
    await expect.poll(() => page.locator("#bad .message").textContent(), { timeout: 30_000 }).toMatch(/dos\.tab86state: made for a different machine: floppy A: a different image/);
    await page.close();
  });

  it.skipIf(process.env.E2E_SKIP_LINUX)("the embedding demo starts a copy of its running Linux from a saved state (state-src, a blob: URL)", { timeout: 600_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url + "embed.html");
    type El = { consoleText(): string; serialWrite(t: string): void; state: string };
    const consoleOf = (sel: string) => page.evaluate((q) => (document.querySelector(q) as unknown as El)?.consoleText() ?? "", sel);
    await expect.poll(() => consoleOf("#demo"), { timeout: 300_000, interval: 500 }).toMatch(/^~? ?# $/m);
    await page.locator("#fork").click();
    await expect.poll(() => page.locator("#forkinfo").textContent(), { timeout: 60_000 }).toMatch(/MiB of state/);
    await expect.poll(() => page.evaluate(() => (document.querySelector("#copies tab86-machine") as unknown as El)?.state), { timeout: 60_000 }).toBe("running");
    // the copy is at the shell at once: it answers a command without having booted
    await page.evaluate(() => (document.querySelector("#copies tab86-machine") as unknown as El).serialWrite("echo copy-$((6*7))\n"));
    await expect.poll(() => consoleOf("#copies tab86-machine"), { timeout: 30_000 }).toMatch(/^copy-42$/m);
    expect(await consoleOf("#copies tab86-machine")).not.toMatch(/Linux version/);
    // and the first machine runs on, on its own
    expect(await consoleOf("#demo")).not.toMatch(/copy-42/);
    await page.screenshot({ path: join(ARTEFACTS, "embed-state-copy.png") });
    expect(errors).toEqual([]);
    await page.close();
  });
});
