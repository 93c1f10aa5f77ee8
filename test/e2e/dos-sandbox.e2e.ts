// The DOS sandbox and the PS/2 mouse, in headless chromium (issue 10): with "DOS" as the
// sandbox's system and FreeDOS's boot floppy, dropped files open in a throwaway DOS machine
// booted from A:, the files on C: (DIR lists them, TYPE shows their bytes); what the guest
// copies to D: comes out through Export; Revert goes back to the state saved at the first
// prompt. MOUSE.COM (test/e2e/guest/mouse.asm, run from C:) reads the mouse straight from the
// 8042: movement and a button press made with the page's mouse capture (pointer lock) arrive
// in the guest as PS/2 packets with those counts.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import type { PreviewServer } from "vite";
import { startApp, ARTEFACTS } from "./browser.js";
import { waitText, dosCommand, sleep, drop } from "./page.js";
import { ROOT } from "../helpers.js";

let server: PreviewServer, browser: Browser, url: string;
beforeAll(async () => ({ server, url, browser } = await startApp()));
afterAll(async () => { await browser?.close(); await server?.close(); });

const FREEDOS = join(ROOT, "../shared/images/freedos-boot-1440k.img");
const MOUSE_COM = readFileSync(join(ROOT, "test/e2e/guest/mouse.com"));
const A_PROMPT = /A:\\>\s*$/;


describe("the DOS sandbox", () => {
  it("opens dropped files on C: of a DOS machine booted from the boot floppy; export from D:, revert, the mouse", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1000 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url + "?autostart=0");
    // DOS as the sandbox's system asks for the boot floppy
    const chooser = page.waitForEvent("filechooser");
    await page.locator("#sandbox-system").selectOption("dos");
    await (await chooser).setFiles(FREEDOS);
    await expect.poll(() => page.locator("#dos-floppy-name").textContent()).toBe("boot floppy: freedos-boot-1440k.img");
    const hello = Buffer.from("Hello from the host\r\n");
    await drop(page, [{ name: "hello.txt", data: hello }, { name: "mouse.com", data: MOUSE_COM }]);
    await expect.poll(() => page.locator("#dropdlg").getAttribute("open"), { timeout: 5000 }).not.toBeNull();
    await page.locator("#dropsandbox").click();
    await expect.poll(() => page.locator("#sandboxbar").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator("#sb-info").textContent()).toMatch(/read-only on C:.*freedos-boot-1440k\.img in A:/);
    await waitText(page, "screen", A_PROMPT, 90_000);
    // the files on C:, with their sizes
    const dir = await dosCommand(page, "dir c:", /bytes free[\s\S]*A:\\>\s*$/);
    expect(dir).toMatch(/Volume in drive C is SANDBOX/i);
    expect(dir).toMatch(new RegExp(`^HELLO\\s+TXT\\s+${hello.length}\\b`, "m"));
    expect(dir).toMatch(new RegExp(`^MOUSE\\s+COM\\s+${MOUSE_COM.length}\\b`, "m"));
    await dosCommand(page, "type c:\\hello.txt", /type c:\\hello\.txt\nHello from the host\n/);
    // the guest writes to D:, the export disk
    await dosCommand(page, "copy c:\\hello.txt d:\\back.txt", /=> d:\\back\.txt\n(.*\n)*A:\\>\s*$/i);
    const exported = await page.evaluate(async () => {
      const files = await (window as unknown as { tab86: { exportFiles(): Promise<{ path: string; data: Uint8Array }[]> } }).tab86.exportFiles();
      return files.map((f) => ({ path: f.path, data: Array.from(f.data) }));
    });
    expect(exported.map((f) => f.path)).toEqual(["BACK.TXT"]);
    expect(Buffer.from(exported[0].data)).toEqual(hello);

    // the mouse: MOUSE.COM waits for packets; the page captures the mouse and moves it
    await dosCommand(page, "c:\\mouse", /^READY$/m);
    await page.locator("#mouse").click();
    await expect.poll(() => page.evaluate(() => document.pointerLockElement?.tagName ?? "none"), { timeout: 5000 }).toBe("TAB86-MACHINE");
    const box = (await page.locator("#mouse").boundingBox())!;
    const x = box.x + box.width / 2, y = box.y + box.height / 2;
    await page.mouse.move(x + 30, y + 20); // right and down
    await sleep(200);
    await page.mouse.down(); // the left button: MOUSE.COM prints the sums and stops
    await page.mouse.up();
    const shown = await waitText(page, "screen", /^MOUSE DX=.*$/m, 20_000);
    // PS/2 counts: Y grows upwards, so 20 pixels down is -20
    expect(shown).toMatch(/^MOUSE DX=\+30 DY=-20 BUTTONS=1$/m);
    // give the mouse back (what Esc does for a user; headless chromium keeps the lock on Esc)
    await page.evaluate(() => document.exitPointerLock());
    await expect.poll(() => page.evaluate(() => document.pointerLockElement === null), { timeout: 5000 }).toBe(true);
    await page.screenshot({ path: join(ARTEFACTS, "dos-sandbox-mouse.png") });

    // Revert: the state saved at the first prompt (nothing typed yet, D: empty)
    await page.locator("#sb-revert").click();
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 30_000 }).toMatch(/Reverted: the machine is back at its clean state/);
    const clean = await waitText(page, "screen", A_PROMPT, 10_000);
    expect(clean).not.toMatch(/dir c:|MOUSE DX/);
    const d = await dosCommand(page, "dir d:", /(File not found|bytes free)[\s\S]*A:\\>\s*$/i);
    expect(d).not.toMatch(/BACK\s+TXT/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Revert boots a new machine when the clean state was never saved (a key came before the first prompt)", async () => {
    const page = await browser.newPage();
    await page.goto(url + "?autostart=0");
    const chooser = page.waitForEvent("filechooser");
    await page.locator("#sandbox-system").selectOption("dos");
    await (await chooser).setFiles(FREEDOS);
    // a key typed as soon as the machine runs, long before DOS's prompt: not a clean state
    await page.evaluate(() => {
      const m = (window as unknown as { tab86: EventTarget & { sendKeys(k: string): void } }).tab86;
      const early = (e: Event) => {
        if ((e as CustomEvent).detail.state !== "running") return;
        m.removeEventListener("state", early);
        m.sendKeys("rem");
      };
      m.addEventListener("state", early);
    });
    await page.setInputFiles("#sandbox-files", { name: "one.txt", mimeType: "text/plain", buffer: Buffer.from("1\r\n") });
    await waitText(page, "screen", /A:\\>rem\s*$/, 90_000);
    await page.locator("#sb-revert").click();
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 60_000 }).toMatch(/Reverted: a clean machine booted with the same files/);
    const screen = await waitText(page, "screen", A_PROMPT, 90_000);
    expect(screen).not.toMatch(/rem/);
    await dosCommand(page, "dir c:", /ONE\s+TXT\s+3\b[\s\S]*A:\\>\s*$/);
    await page.close();
  });
});
