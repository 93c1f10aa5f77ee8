// The command's disk flags (docs/disks.md): --overlay, --save-overlay, --commit-disk, and disk
// images by URL. FreeDOS (../shared/images/, read in place) writes a file on its floppy; the
// saved overlay brings it back over the unchanged image; the committed image has it.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryDisk, Overlay } from "../host/blockdev.js";
import { ImageServer } from "./host/image-server.js";
import { ROOT } from "./helpers.js";

const FREEDOS = `${ROOT}../shared/images/freedos-boot-1440k.img`;
// ../shared/images/README.md
const FREEDOS_SHA256 = "2546c15c6cba5814f7a318b1ef4e24158504d73dd24ba6eb6133ffe87686a056";
const tmp = mkdtempSync(join(tmpdir(), "tab86-disks-"));
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

// asynchronous, so the HTTP server in this process can answer the command
function tab86(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, "bin/tab86.js"), ...args], { timeout: 60_000 });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const dos = ["--fda", FREEDOS, "--deterministic", "--serial", "none", "--timeout", "30", "--expect", "A:\\\\>"];
const TEXT = "tab86 overlay test";

let servers: ImageServer[] = [];
beforeAll(() => {
  if (!existsSync(FREEDOS)) throw new Error(`${FREEDOS} is missing: the tests read ../shared/images/ in place`);
});
afterAll(async () => { for (const s of servers) await s.close(); });

describe("disk flags", () => {
  it("--save-overlay keeps the guest's floppy changes; --overlay applies them again; --commit-disk writes the image", async () => {
    const ovl = join(tmp, "a.ovl"), committed = join(tmp, "a.img");
    const r = await tab86(...dos, "--type", `echo ${TEXT}>NOTE.TXT{Enter}`, "--expect", "A:\\\\>$",
      "--save-overlay", `fda=${ovl}`, "--commit-disk", `fda=${committed}`);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const base = new Uint8Array(readFileSync(FREEDOS));
    expect(sha256(base)).toBe(FREEDOS_SHA256); // the image file is unchanged
    // the overlay over the original gives the committed image, which holds the new file
    const ov = new Overlay(new MemoryDisk(base, true));
    expect(ov.restore(new Uint8Array(readFileSync(ovl)), ovl)).toBeGreaterThan(0);
    const image = new Uint8Array(ov.size);
    ov.read(0, image);
    const img = new Uint8Array(readFileSync(committed));
    expect(md5(img)).toBe(md5(image));
    expect(md5(img)).not.toBe(md5(base));
    expect(Buffer.from(img).includes(TEXT)).toBe(true);

    // a new run over the unchanged image with the overlay sees the file, and so does one
    // booting the committed image
    for (const args of [["--overlay", `fda=${ovl}`], []]) {
      const again = await tab86(...(args.length ? dos : dos.map((a) => (a === FREEDOS ? committed : a))), ...args,
        "--type", "type NOTE.TXT{Enter}", "--expect", `^${TEXT}`);
      expect(again.stderr).toBe("");
      expect(again.status).toBe(0);
    }
    // stacking: a second session's overlay over the first
    const ovl2 = join(tmp, "b.ovl");
    const second = await tab86(...dos, "--overlay", `fda=${ovl}`, "--type", "del NOTE.TXT{Enter}", "--expect", "A:\\\\>$", "--save-overlay", `fda=${ovl2}`);
    expect(second.status).toBe(0);
    const gone = await tab86(...dos, "--overlay", `fda=${ovl}`, "--overlay", `fda=${ovl2}`, "--type", "type NOTE.TXT{Enter}", "--expect", "not found|No such file|File not found");
    expect(gone.stderr).toBe("");
    expect(gone.status).toBe(0);
  }, 120_000);

  it("refuses an overlay file made for another image, or a damaged one, before the start", async () => {
    const ovl = join(tmp, "a.ovl");
    const r = await tab86("--hda", join(ROOT, "test/boot/readdisk.bin"), "--overlay", `hda=${ovl}`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^tab86: --hda .*readdisk\\.bin: overlay ${ovl.replace(/[.]/g, "\\.")}: the overlay was made for an image of 1474560 bytes, this one has 512: it belongs to another image\\n`));
    const damaged = join(tmp, "damaged.ovl");
    writeFileSync(damaged, readFileSync(ovl).subarray(0, 5000));
    const d = await tab86(...dos, "--overlay", `fda=${damaged}`);
    expect(d.status).toBe(2);
    expect(d.stderr).toMatch(/^tab86: --fda .*: overlay .*damaged\.ovl: not a usable tab86 overlay file: 5000 bytes, but \d+ blocks of 4096 need \d+ \(truncated\)\n/);
    const usage = await tab86(...dos, "--save-overlay", "hdb=x.ovl");
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^tab86: --hdb is not given: nothing to write for drive hdb/);
    const bad = await tab86(...dos, "--commit-disk", "floppy=x.img");
    expect(bad.stderr).toMatch(/^tab86: --commit-disk floppy=x\.img: expected DRIVE=FILE with DRIVE one of fda, fdb, hda, hdb, cdrom/);
  });

  it("boots a hard disk given as a URL, and says clearly when a URL cannot be used", async () => {
    const boot = readFileSync(join(ROOT, "test/boot/readdisk.bin"));
    const disk = new Uint8Array(512 + 1474560);
    disk.set(boot, 0);
    disk.set(readFileSync(FREEDOS), 512);
    const s = await ImageServer.start(disk);
    servers.push(s);
    const r = await tab86("--hda", s.url, "--boot", "c", "--debug-port", "stdio", "--until", "!", "--timeout", "30", "--stats");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^S[0-9A-F]{8}!$/);
    expect(JSON.parse(r.stderr.trim().split("\n").pop()!).disk_errors).toBe(0);

    // a floppy by URL is downloaded whole (the core holds floppies)
    const floppy = await ImageServer.start(new Uint8Array(readFileSync(FREEDOS)));
    servers.push(floppy);
    const dosUrl = await tab86(...dos.map((a) => (a === FREEDOS ? floppy.url : a)), "--type", "ver{Enter}", "--expect", "FreeCom version");
    expect(dosUrl.stderr).toBe("");
    expect(dosUrl.status).toBe(0);

    const missing = await tab86("--hda", s.url.replace("image.img", "nope.img"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`tab86: --hda ${s.url.replace("image.img", "nope.img")}: HTTP 404 Not Found\n`);
    const persist = await tab86("--hda", s.url, "--persist");
    expect(persist.status).toBe(2);
    expect(persist.stderr).toMatch(/--persist writes into the image file, and a URL cannot be written/);
    const big = new Uint8Array(20 << 20);
    const noRanges = await ImageServer.start(big, { ranges: false });
    servers.push(noRanges);
    const refused = await tab86("--hda", noRanges.url);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/does not honour Range requests \(it answered 200 with the whole file, 20971520 bytes\)/);

    // the server fails once the boot sector is read: the guest reports the error, the command
    // says which disk failed and exits normally
    const failing = await ImageServer.start(disk, { failAfter: 1, failMode: "500" });
    servers.push(failing);
    const f = await tab86("--hda", failing.url, "--boot", "c", "--debug-port", "stdio", "--until", "!", "--timeout", "30");
    expect(f.status).toBe(0);
    expect(f.stdout).toBe("E80@00000041!"); // LBA 65: the first read that needs the second 64 KiB block
    expect(f.stderr).toBe(`tab86: 1 disk request(s) failed; the last: primary master (--hda ${failing.url}): ${failing.url}: bytes 65536-131071: HTTP 500 Internal Server Error\n`);
  }, 120_000);
});
