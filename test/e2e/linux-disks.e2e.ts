// Disks of the default Linux in the page (issue 10), in headless chromium:
// - a hard disk by URL (?src=) is read lazily with range requests from a server that honours
//   them (a small node server in this test, cross-origin): Linux boots from it having fetched
//   far less than the image; the files the guest reads are the ones the image was built with
//   (images/manifest.json); what the guest writes is kept in IndexedDB (a copy-on-write overlay)
//   and is there again after the page is reloaded;
// - a CD by URL boots the same way (El Torito through the lazy disk);
// - a CD swapped while Linux runs: the guest reads the first CD's files, then the second's;
// - machine state with Linux: a shell variable set before Save state is there after Restore
//   state, one set after is gone.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import type { PreviewServer } from "vite";
import { startApp, ARTEFACTS } from "./browser.js";
import { waitText, shell, sleep, LINUX_PROMPT } from "./page.js";
import { ImageServer } from "../host/image-server.js";
import { ROOT } from "../helpers.js";
import { buildIso } from "../../tools/images/iso9660.mjs";

let server: PreviewServer, browser: Browser, url: string;
beforeAll(async () => ({ server, url, browser } = await startApp()));
afterAll(async () => { await browser?.close(); await server?.close(); });

const manifest = JSON.parse(readFileSync(join(ROOT, "images/manifest.json"), "utf8")) as {
  hd: { size: number; files: { guestPath: string; md5: string; text?: string }[] };
  iso: { files: { guestPath: string; md5: string; text?: string }[] };
};
const notice = (page: Page) => page.locator("#notice").textContent();

// bytes of the image the server sent: the lengths of the ranges it answered
function bytesServed(s: ImageServer): number {
  return s.ranges.reduce((n, r) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(r);
    return n + (m ? Math.min(Number(m[2]), s.bytes.length - 1) - Number(m[1]) + 1 : s.bytes.length);
  }, 0);
}

describe.skipIf(process.env.E2E_SKIP_LINUX)("Linux's disks in the page", () => {
  it("boots a hard disk by URL read lazily with range requests; its changes are kept across a reload", { timeout: 600_000 }, async () => {
    const image = new Uint8Array(readFileSync(join(ROOT, "images/linux-hd.img")));
    const hd = await ImageServer.start(image);
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const src = url + "?src=" + encodeURIComponent(hd.url);
      await page.goto(src);
      await waitText(page, "console", LINUX_PROMPT, 300_000);
      const fetched = bytesServed(hd);
      console.log(`linux-hd.img by URL: ${hd.requests} requests, ${(fetched / 1048576).toFixed(1)} MiB of ${(image.length / 1048576).toFixed(0)} MiB fetched before the prompt`);
      expect(hd.ranges.every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true); // nothing fetched whole
      expect(fetched).toBeLessThan(image.length / 4);
      // the guest reads the test files of the second partition as built
      const hello = manifest.hd.files.find((f) => f.guestPath === "hello.txt")!;
      const bytes = manifest.hd.files.find((f) => f.guestPath === "bytes.bin")!;
      expect(await shell(page, "mount /dev/sda2 /mnt && cat /mnt/hello.txt")).toBe(hello.text!.trimEnd());
      expect(await shell(page, "md5sum /mnt/bytes.bin")).toBe(`${bytes.md5}  /mnt/bytes.bin`);
      // a write, kept in IndexedDB (the worker stores changed blocks every 3 s)
      await shell(page, "echo kept-over-http > /mnt/kept.txt && umount /mnt && sync");
      await sleep(4000);
      await page.reload();
      await expect.poll(() => notice(page), { timeout: 60_000 }).toMatch(/image\.img: your earlier changes were restored/);
      await waitText(page, "console", LINUX_PROMPT, 300_000);
      expect(await shell(page, "mount /dev/sda2 /mnt && cat /mnt/kept.txt && cat /mnt/hello.txt")).toBe(`kept-over-http\n${hello.text!.trimEnd()}`);
      await page.screenshot({ path: join(ARTEFACTS, "linux-hd-by-url.png") });
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await hd.close();
    }
  });

  it("boots a CD by URL read lazily (El Torito, isolinux), and the guest reads the CD's files", { timeout: 600_000 }, async () => {
    const image = new Uint8Array(readFileSync(join(ROOT, "images/linux.iso")));
    const cd = await ImageServer.start(image);
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
      await page.goto(url + "?src=" + encodeURIComponent(cd.url));
      await waitText(page, "console", LINUX_PROMPT, 300_000);
      // (the kernel and initrd are most of this CD: what counts here is that it was read in ranges)
      expect(cd.ranges.length).toBeGreaterThan(1);
      expect(cd.ranges.every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
      const bytes = manifest.iso.files.find((f) => f.guestPath === "tests/bytes.bin")!;
      expect(await shell(page, "mkdir -p /cdrom && mount -t iso9660 -o ro /dev/sr0 /cdrom && md5sum /cdrom/tests/bytes.bin")).toBe(`${bytes.md5}  /cdrom/tests/bytes.bin`);
      expect(bytesServed(cd)).toBeLessThanOrEqual(image.length + 2 * 65536); // nothing fetched twice over
      await page.close();
    } finally {
      await cd.close();
    }
  });

  it("swaps CDs while Linux runs, and restores a saved state of the running Linux", { timeout: 600_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await waitText(page, "console", LINUX_PROMPT, 300_000);
    // the first CD: the Linux image's own, with the test files
    await page.setInputFiles("#cd", join(ROOT, "images/linux.iso"));
    await expect.poll(() => notice(page), { timeout: 10_000 }).toMatch(/linux\.iso is in the CD drive/);
    const hello = manifest.iso.files.find((f) => f.guestPath === "tests/hello.txt")!;
    expect(await shell(page, "mkdir -p /cdrom && mount -t iso9660 -o ro /dev/sr0 /cdrom && cat /cdrom/tests/hello.txt")).toBe(hello.text!.trimEnd());
    await shell(page, "umount /cdrom");
    // the second, built here
    const swapText = "the second CD, put in while Linux ran\n";
    const iso2 = Buffer.from(buildIso([{ path: "SWAP.TXT", data: Buffer.from(swapText) }], { volume: "SECOND", boot: undefined }));
    await page.setInputFiles("#cd", { name: "second.iso", mimeType: "application/octet-stream", buffer: iso2 });
    await expect.poll(() => notice(page), { timeout: 10_000 }).toMatch(/second\.iso is in the CD drive/);
    expect(await shell(page, "mount -t iso9660 -o ro /dev/sr0 /cdrom && ls /cdrom && cat /cdrom/swap.txt")).toBe(`swap.txt\n${swapText.trimEnd()}`);

    // machine state: a variable set before saving is there after restoring
    await shell(page, "export TABSTATE=before-save");
    await page.locator("#state-save").click();
    await expect.poll(() => notice(page), { timeout: 60_000 }).toMatch(/State saved/);
    expect(await shell(page, "export TABSTATE=after-save; echo \"[$TABSTATE]\"")).toBe("[after-save]");
    await page.locator("#state-restore").click();
    await expect.poll(() => notice(page), { timeout: 60_000 }).toMatch(/Restored the state saved/);
    expect(await shell(page, "echo \"[$TABSTATE]\"; cat /cdrom/swap.txt")).toBe(`[before-save]\n${swapText.trimEnd()}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
