// The command's disks (Node): an image named by a path or an http(s) URL, overlay files
// stacked over it, and what is written at the end (the session's overlay, or the whole image
// as the guest left it, committed into a new file). Floppies are held whole in the core, so
// theirs are read whole here and compared at the end (Machine.floppyChanges).
import { readFileSync, existsSync, statSync, openSync, writeSync, closeSync, renameSync, unlinkSync } from "node:fs";
import { BlockDevice, Overlay, MemoryDisk, readFrom } from "./blockdev.js";
import { HttpDisk, HttpDiskOptions } from "./httpdisk.js";
import { FileDisk } from "./node.js";
import { ConfigError, Machine } from "./machine.js";

/** The drives the command names: floppies A: and B:, IDE hard disks, the CD. */
export type DiskName = "fda" | "fdb" | "hda" | "hdb" | "cdrom";
export const DISK_NAMES: readonly DiskName[] = ["fda", "fdb", "hda", "hdb", "cdrom"];
/** IDE position of each non-floppy drive */
export const IDE_POSITION: Record<"hda" | "hdb" | "cdrom", number> = { hda: 0, hdb: 1, cdrom: 2 };

export const isUrl = (spec: string) => /^https?:\/\//i.test(spec);

/** An image by path (a read-only FileDisk) or by http(s) URL (a lazily read HttpDisk). */
export async function openImage(spec: string, what: string, http: HttpDiskOptions = {}): Promise<BlockDevice> {
  if (!isUrl(spec)) return new FileDisk(spec, what, false);
  try {
    return await HttpDisk.open(spec, http);
  } catch (e) {
    throw new ConfigError(`${what} ${(e as Error).message}`);
  }
}

/** The whole image (a floppy, which the core holds whole), from a path or a URL. */
export async function imageBytes(spec: string, what: string): Promise<Uint8Array> {
  const dev = await openImage(spec, what);
  const bytes = new Uint8Array(dev.size);
  try {
    await readFrom(dev, 0, bytes);
  } catch (e) {
    throw new ConfigError(`${what} ${(e as Error).message}`);
  } finally {
    if (dev instanceof FileDisk) dev.close();
  }
  return bytes;
}

/** `base` with each overlay file's changes stacked over it in order: one Overlay a file. */
export function stackOverlayFiles(base: BlockDevice, files: readonly string[], what: string): BlockDevice {
  let dev = base;
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new ConfigError(`${what}: overlay ${file}: no such file`);
    const ov = new Overlay(dev);
    try {
      ov.restore(new Uint8Array(readFileSync(file)), `overlay ${file}`);
    } catch (e) {
      throw new ConfigError(`${what}: ${(e as Error).message}`);
    }
    dev = ov;
  }
  return dev;
}

/** What the guest changed on a drive this session, as an Overlay (empty when it changed
 * nothing or the drive is empty); undefined when the drive's changes are not kept in an
 * overlay (a hard disk written in place with --persist). */
export function sessionChanges(m: Machine, name: DiskName): Overlay | undefined {
  if (name === "fda" || name === "fdb") return m.floppyChanges(name === "fda" ? 0 : 1) ?? new Overlay(new MemoryDisk(new Uint8Array(0), true));
  const dev = m.disk(IDE_POSITION[name]);
  if (!dev) return new Overlay(new MemoryDisk(new Uint8Array(0), true));
  if (dev instanceof Overlay) return dev;
  return dev.readOnly ? new Overlay(dev) : undefined;
}

/** The drive's whole image as the guest sees it now (a floppy: the core's copy). */
export function currentImage(m: Machine, name: DiskName): BlockDevice | undefined {
  if (name === "fda" || name === "fdb") {
    const bytes = m.floppyImage(name === "fda" ? 0 : 1);
    return bytes.length ? new MemoryDisk(bytes, true) : undefined;
  }
  return m.disk(IDE_POSITION[name]) ?? undefined;
}

/** Write the whole of `dev` into a new image file at `path`, 1 MiB at a time (an HTTP base is
 * read as it goes). The file appears complete or not at all: it is written beside the target
 * and renamed over it at the end. */
export async function writeImageFile(dev: BlockDevice, path: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    const chunk = new Uint8Array(1 << 20);
    for (let pos = 0; pos < dev.size; pos += chunk.length) {
      const n = Math.min(chunk.length, dev.size - pos);
      await readFrom(dev, pos, chunk.subarray(0, n));
      let done = 0;
      while (done < n) done += writeSync(fd, chunk, done, n - done, pos + done);
    }
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try { closeSync(fd); } catch { /* closed already */ }
    try { unlinkSync(tmp); } catch { /* not there */ }
    throw e;
  }
}
