// Committing a disk into a new image file (host/disks.ts writeImageFile): the file holds the
// device's bytes, base and changes; it appears whole or not at all; the target may be the base
// image itself (replaced only once the new one is complete).
import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Overlay, BlockDevice } from "../../host/blockdev.js";
import { FileDisk } from "../../host/node.js";
import { writeImageFile, stackOverlayFiles } from "../../host/disks.js";

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const dir = mkdtempSync(join(tmpdir(), "tab86-disks-"));

function imageFile(name: string, size: number): { path: string; bytes: Uint8Array } {
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 11)) & 0xff);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe("writeImageFile", () => {
  it("writes base and changes into a new file; the base file stays as it was", async () => {
    const { path, bytes } = imageFile("base.img", 3 * (1 << 20) + 4096); // more than one 1 MiB chunk
    const ov = new Overlay(new FileDisk(path, "--hda"));
    ov.write(1_500_000, new Uint8Array(70_000).fill(0x5a));
    const expected = bytes.slice();
    expected.fill(0x5a, 1_500_000, 1_570_000);
    await writeImageFile(ov, join(dir, "out.img"));
    expect(md5(readFileSync(join(dir, "out.img")))).toBe(md5(expected));
    expect(md5(readFileSync(path))).toBe(md5(bytes));
  });

  it("may replace the base image itself, which is read until the new file is complete", async () => {
    const { path, bytes } = imageFile("self.img", 2 * (1 << 20));
    const ov = new Overlay(new FileDisk(path, "--hda"));
    ov.write(5, new Uint8Array([1, 2, 3]));
    const expected = bytes.slice();
    expected.set([1, 2, 3], 5);
    await writeImageFile(ov, path);
    expect(md5(readFileSync(path))).toBe(md5(expected));
  });

  it("leaves nothing behind when the device fails part-way", async () => {
    const failing: BlockDevice = {
      size: 3 << 20, readOnly: true,
      read: (o) => { if (o >= 2 << 20) throw new Error("http://x/y.img: bytes 2097152-3145727: HTTP 500"); },
      write: () => {},
    };
    const target = join(dir, "never.img");
    await expect(writeImageFile(failing, target)).rejects.toThrow(/HTTP 500/);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith("never.img"))).toEqual([]);
  });

  it("stackOverlayFiles applies saved overlays in order", () => {
    const { path, bytes } = imageFile("stack.img", 64 * 1024);
    const a = new Overlay(new FileDisk(path, "--hda"));
    a.write(0, new Uint8Array([7, 7]));
    writeFileSync(join(dir, "a.ovl"), a.save());
    const b = new Overlay(a);
    b.write(1, new Uint8Array([9]));
    writeFileSync(join(dir, "b.ovl"), b.save());
    const dev = stackOverlayFiles(new FileDisk(path, "--hda"), [join(dir, "a.ovl"), join(dir, "b.ovl")], "--hda stack.img");
    const out = new Uint8Array(4);
    dev.read(0, out);
    expect([...out]).toEqual([7, 9, bytes[2], bytes[3]]);
    expect(() => stackOverlayFiles(new FileDisk(path, "--hda"), [join(dir, "none.ovl")], "--hda stack.img")).toThrow(/^--hda stack\.img: overlay .*none\.ovl: no such file$/);
  });
});
