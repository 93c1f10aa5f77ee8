// The sandbox in the page (issue 10 item 6, docs/sandbox.md), in headless chromium: files
// dropped on the page and opened in the sandbox boot a throwaway Linux where the guest's
// sha256sum of each equals the host's; the guest has no network device; what it writes to
// /mnt/export comes out through Export (files, a .zip, or the disk image, read back with our
// FAT reader); Revert restores the clean state saved at the first prompt (no new boot); nothing
// is stored in IndexedDB; too many files get a clear message. Screenshots go to test-results/e2e/.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import type { Browser, Page } from "playwright-core";
import type { PreviewServer } from "vite";
import { startApp, ARTEFACTS } from "./browser.js";
import { waitText, shell, sleep, drop } from "./page.js";
import { readFatImage } from "../../host/fatread.js";

let server: PreviewServer, browser: Browser, url: string;
beforeAll(async () => ({ server, url, browser } = await startApp()));
afterAll(async () => { await browser?.close(); await server?.close(); });

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
type Api = { tab86: { consoleText(): string; state: string } };




describe.skipIf(process.env.E2E_SKIP_LINUX)("the sandbox", () => {
  // one Linux boot (Revert restores the clean state)
  it("opens dropped files in a throwaway Linux: the guest's sha256sum equals the host's; export, revert, nothing stored", { timeout: 900_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1150 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url + "?autostart=0");
    const suspicious = randomBytes(200_000), notes = Buffer.from("a second file\n");
    await drop(page, [{ name: "suspicious – invoice.pdf.exe", data: suspicious }, { name: "notes.txt", data: notes }]);
    // the page asks what to do with them; booting needs exactly one file
    await expect.poll(() => page.locator("#dropdlg").getAttribute("open"), { timeout: 5000 }).not.toBeNull();
    expect(await page.locator("#dropnames").textContent()).toBe("2 files");
    expect(await page.locator("#dropboot").isDisabled()).toBe(true);
    await page.locator("#dropsandbox").click();
    await expect.poll(() => page.locator("#sandboxbar").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator("#sandboxbar").textContent()).toMatch(/No network: tab86 has no network device/);
    const boot = await waitText(page, "console", /^No network\. Tools: file.*\n# ?$/m, 300_000);
    // (sda or sdb: the kernel names the disks in the order their probes finish)
    expect(boot).toMatch(/^Sandbox: the files are in \/mnt\/sandbox \(read-only, \/dev\/sd[ab]1\)\.$/m);

    // the files inside the guest are the bytes the host has (a glob: the name is not ASCII)
    const sums = await shell(page, "sha256sum /mnt/sandbox/*");
    expect(sums.split("\n")).toEqual([`${sha(notes)}  /mnt/sandbox/notes.txt`, `${sha(suspicious)}  /mnt/sandbox/suspicious – invoice.pdf.exe`]);
    expect(await shell(page, "file -b /mnt/sandbox/notes.txt")).toBe("ASCII text");
    expect(await shell(page, "ls /sys/class/net")).toBe("lo"); // no network device
    await sleep(500);
    await page.screenshot({ path: join(ARTEFACTS, "sandbox-sha256sum.png") });

    // the guest writes two files to the export disk; Export gives them as a .zip
    await shell(page, "echo from the guest > /mnt/export/out.txt; cp /mnt/sandbox/notes.txt /mnt/export/");
    const zipDownload = page.waitForEvent("download");
    await page.locator("#sb-export").click();
    const zipFile = await (await zipDownload).path();
    expect((await zipDownload).suggestedFilename()).toBe("sandbox-export.zip");
    expect(execFileSync("unzip", ["-Z1", zipFile]).toString().split("\n").filter(Boolean).sort()).toEqual(["notes.txt", "out.txt"]);
    expect(execFileSync("unzip", ["-p", zipFile, "out.txt"]).toString()).toBe("from the guest\n");
    execFileSync("unzip", ["-tq", zipFile]); // CRCs check
    // and the export disk itself, a FAT image
    const imgDownload = page.waitForEvent("download");
    await page.locator("#sb-export-img").click();
    const vol = readFatImage(readFileSync(await (await imgDownload).path()));
    expect(vol.label).toBe("EXPORT");
    expect(vol.files.map((f) => f.path).sort()).toEqual(["notes.txt", "out.txt"]);
    expect(sha(vol.files.find((f) => f.path === "notes.txt")!.data)).toBe(sha(notes));

    // Revert: back to the clean state saved when the shell's prompt first appeared, at once
    // (no second boot: the console is cleared and no new kernel banner appears)
    await shell(page, "echo dirty > /tmp/marker; export SANDBOX_VAR=dirty");
    const t0 = Date.now();
    await page.locator("#sb-revert").click();
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 60_000 }).toMatch(/Reverted: the machine is back at its clean state/);
    const revertMs = Date.now() - t0;
    console.log(`sandbox revert took ${revertMs} ms`);
    expect(await page.evaluate(() => (window as unknown as Api).tab86.consoleText())).not.toMatch(/Linux version/);
    expect(await shell(page, "ls -A /mnt/export | wc -l")).toBe("0");
    expect(await shell(page, "cat /tmp/marker 2>&1; echo \"[$SANDBOX_VAR]\"")).toMatch(/No such file[\s\S]*\[\]$/);
    expect(await shell(page, "sha256sum /mnt/sandbox/notes.txt")).toBe(`${sha(notes)}  /mnt/sandbox/notes.txt`);
    expect(await page.evaluate(() => (window as unknown as Api).tab86.consoleText())).not.toMatch(/Linux version/);
    const empty = page.locator("#notice");
    await shell(page, "true");
    await page.locator("#sb-export").click();
    await expect.poll(() => empty.textContent(), { timeout: 10_000 }).toMatch(/The export disk is empty/);

    // Save state would keep the sandbox's files in the browser: it says so and keeps nothing
    await page.locator("#state-save").click();
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 10_000 }).toMatch(/A sandbox keeps nothing in this browser/);

    // nothing of the sandbox went into IndexedDB
    const stored = await page.evaluate(async () => {
      const dbs = await indexedDB.databases();
      let keys = 0;
      for (const d of dbs) {
        const db = await new Promise<IDBDatabase>((res, rej) => { const r = indexedDB.open(d.name!); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
        for (const s of db.objectStoreNames) {
          keys += await new Promise<number>((res) => { const r = db.transaction(s).objectStore(s).count(); r.onsuccess = () => res(r.result); });
        }
        db.close();
      }
      return keys;
    });
    expect(stored).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("the console", () => {
  it("shows UTF-8 characters that the worker's output chunks split anywhere (names of files in the guest)", async () => {
    const page = await browser.newPage();
    await page.goto(url + "?autostart=0");
    const text = await page.evaluate(async () => {
      // as the worker's serial messages arrive: "a – b" cut inside the en dash's three bytes
      const m = (window as unknown as { tab86: { machine: { receive(msg: unknown): void } } }).tab86.machine;
      const bytes = new TextEncoder().encode("L1 – x\r\nL2 – x\r\nL3 ü y\r\n");
      for (const [a, b] of [[0, 4], [4, 5], [5, 14], [14, 15], [15, 16], [16, bytes.length]]) m.receive({ t: "serial", bytes: bytes.slice(a, b) });
      await new Promise((r) => setTimeout(r, 300));
      return (window as unknown as Api).tab86.consoleText();
    });
    expect(text).toBe("L1 – x\nL2 – x\nL3 ü y");
    await page.close();
  });
});

describe("the sandbox's limits", () => {
  it("says clearly when there are too many files", async () => {
    const page = await browser.newPage();
    await page.goto(url + "?autostart=0");
    const files = Array.from({ length: 4097 }, (_, i) => ({ name: `f${i}.txt`, mimeType: "text/plain", buffer: Buffer.from("x") }));
    await page.setInputFiles("#sandbox-files", files);
    await expect.poll(() => page.locator("#notice").textContent(), { timeout: 20_000 }).toMatch(/4097 files: the sandbox takes at most 4096 at once/);
    expect(await page.locator("#sandboxbar").isVisible()).toBe(false);
    await page.close();
  });
});
