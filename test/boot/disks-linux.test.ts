// Disks under Linux (the system `npm run images` builds, started with --kernel/--initrd):
// the CD read over HTTP from a local server, the hard disk written through a copy-on-write
// overlay (the file never changes, the committed image is what the guest saw, discarding the
// overlay brings the original back), and a second disk whose server fails mid-way (the guest
// gets an I/O error and the shell carries on); and a boot from the CD over HTTP. Every
// expected value comes from the files themselves or from the guest's own md5sum.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readFileSync, mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readImage, FileDisk } from "../../host/node.js";
import { Overlay } from "../../host/blockdev.js";
import { HttpDisk } from "../../host/httpdisk.js";
import { writeImageFile } from "../../host/disks.js";
import { buildMachine } from "../../host/api.js";
import { loadKernel } from "../../host/kernel.js";
import { ImageServer } from "../host/image-server.js";
import { IMAGES, PROMPT, Manifest, Shell, loadManifest, linuxMachine, md5File } from "./linux-shell.js";
import { ROOT } from "../helpers.js";

const FREEDOS = `${ROOT}../shared/images/freedos-boot-1440k.img`;
let manifest: Manifest;
const servers: ImageServer[] = [];

beforeAll(() => {
  manifest = loadManifest();
  if (!existsSync(FREEDOS)) throw new Error(`${FREEDOS} is missing: the tests read ../shared/images/ in place`);
});
afterAll(async () => { for (const s of servers) await s.close(); });

describe("disks under Linux", () => {
  it("reads a CD over HTTP, writes the hard disk's overlay, commits and reverts it, and survives a failing server", async () => {
    const hdPath = join(IMAGES, "linux-hd.img"), isoPath = join(IMAGES, "linux.iso");
    const hdBefore = md5File(hdPath);
    const isoServer = await ImageServer.start(new Uint8Array(readFileSync(isoPath)));
    const flaky = await ImageServer.start(new Uint8Array(readFileSync(FREEDOS)), { failMode: "close" });
    servers.push(isoServer, flaky);

    const m = await linuxMachine();
    const hd = new Overlay(new FileDisk(hdPath, "--hda"));
    m.attachDisk(0, "hd", hd, "--hda");
    m.attachDisk(1, "hd", new Overlay(await HttpDisk.open(flaky.url, { timeoutMs: 5000 })), "--hdb");
    const cd = await HttpDisk.open(isoServer.url);
    m.attachDisk(2, "cd", cd, "--cdrom");
    loadKernel(m, {
      kernel: readImage(join(IMAGES, "linux/vmlinuz"), "--kernel"), name: "vmlinuz",
      initrd: [{ name: "initrd.img", data: readImage(join(IMAGES, "linux/initrd.img"), "--initrd") }],
      append: "console=ttyS0,115200 cryptomgr.notests",
    });
    const sh = new Shell(m);
    expect(await sh.waitFor(PROMPT, 600)).toContain(manifest.banner);

    // the CD, read lazily over HTTP: the whole medium and its files
    expect(await sh.run("md5sum /dev/sr0", 300)).toBe(`${md5File(isoPath)}  /dev/sr0`);
    await sh.run("mkdir -p /cdrom && mount -t iso9660 /dev/sr0 /cdrom");
    for (const f of manifest.iso.files) expect(await sh.run(`md5sum /cdrom/${f.guestPath}`)).toBe(`${f.md5}  /cdrom/${f.guestPath}`);
    expect(cd.stats.requests).toBeGreaterThan(1);
    expect(cd.stats.bytesFetched).toBeLessThanOrEqual(cd.size + 65536); // each block fetched once

    // the guest writes 64 KiB of random bytes into the disk; what it then reads back is what
    // a committed image holds, and the file is unchanged
    // (commands stay short: the terminal wraps the echo of a long one)
    expect(await sh.run("dd if=/dev/urandom of=/dev/sda bs=4k seek=300 count=16 conv=fsync")).toMatch(/^16\+0 records out$/m);
    const seen = await sh.run("sync && echo 3 > /proc/sys/vm/drop_caches && md5sum /dev/sda", 300);
    expect(seen).toMatch(/^[0-9a-f]{32}  \/dev\/sda$/);
    const guestMd5 = seen.slice(0, 32);
    expect(guestMd5).not.toBe(hdBefore);
    expect(hd.blocks()).toEqual(Array.from({ length: 16 }, (_, i) => 300 + i));
    const committed = join(mkdtempSync(join(tmpdir(), "tab86-commit-")), "hd.img");
    await writeImageFile(hd, committed);
    expect(md5File(committed)).toBe(guestMd5);
    expect(md5File(hdPath)).toBe(hdBefore);

    // revert: the guest reads the original again (once its cache is dropped)
    hd.discard();
    expect(await sh.run("echo 3 > /proc/sys/vm/drop_caches && md5sum /dev/sda", 300)).toBe(`${hdBefore}  /dev/sda`);

    // the second disk's server fails after one more request: the read fails with an I/O
    // error, the shell goes on, and the host knows which disk failed and why
    flaky.failAfter = flaky.requests + 1;
    const errorsBefore = m.diskStats.errors;
    const dd = await sh.run("dd if=/dev/sdb of=/dev/null bs=65536 2>&1; echo status $?", 300);
    expect(dd).toMatch(/I\/O error|Input\/output error/);
    expect(dd).toMatch(/status 1$/);
    expect(m.diskStats.errors).toBeGreaterThan(errorsBefore);
    expect(m.diskStats.lastError).toContain(`primary slave (--hdb): ${flaky.url}: bytes `);
    expect(await sh.run("echo still here")).toBe("still here");
  }, 900_000);

  it("boots the CD over HTTP through El Torito and isolinux (buildMachine, as the command does)", async () => {
    const isoPath = join(IMAGES, "linux.iso");
    const s = await ImageServer.start(new Uint8Array(readFileSync(isoPath)));
    servers.push(s);
    const m = await buildMachine({ cdrom: s.url, boot: "d", deterministic: true });
    const cd = m.disk(2) as HttpDisk;
    expect(cd).toBeInstanceOf(HttpDisk);
    const boot = await new Shell(m).waitFor(PROMPT, 600);
    expect(boot).toMatch(/ISOLINUX \d/);
    expect(boot).toContain(manifest.banner);
    expect(m.diskStats.errors).toBe(0);
    // fetched lazily, each block at most once (the default cache holds the whole 8 MiB image)
    expect(cd.stats.bytesFetched).toBeLessThanOrEqual(cd.size + 65536);
    expect(cd.stats.evictions).toBe(0);
  }, 900_000);
});
