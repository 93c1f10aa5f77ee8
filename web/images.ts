// What a file the user gives the page is: a floppy, a hard disk, a CD or a kernel, decided
// from its size and content before the machine starts, with a message that names the problem
// when it is none of them (DESIGN.md principle 11).
import { kernelType } from "../host/kernel.js";

export type ImageKind = "floppy" | "hd" | "cd" | "kernel";

/** Floppy image sizes the drive model knows (Machine.insertFloppy). */
export const FLOPPY_SIZES = [160, 180, 320, 360, 720, 1200, 1440, 1680, 1722, 2880].map((k) => k * 1024);

export class ImageError extends Error {}

const fmt = (n: number) => n.toLocaleString("en-US");

/** Whether an image of this kind is read lazily when given by URL (the others are downloaded
 * whole: a floppy lives in the machine's memory, a kernel is copied into the guest's RAM). */
export const readLazily = (kind: ImageKind) => kind === "hd" || kind === "cd";

function isIso9660(b: Uint8Array): boolean {
  return b.length >= 0x8006 && String.fromCharCode(...b.subarray(0x8001, 0x8006)) === "CD001";
}

/** How much of an image by URL is fetched first to decide what it is (the ISO 9660 volume
 * descriptor at 32 KiB, a boot sector, a kernel's header in its first 8 KiB). */
export const PROBE_BYTES = 64 * 1024;

/** Decide what an image is. name is used for the extension and in messages. `bytes` may be
 * only the start of the image (PROBE_BYTES of an image by URL) when `size` gives its length. */
export function detectImage(name: string, bytes: Uint8Array, size = bytes.length): ImageKind {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
  if (size === 0) throw new ImageError(`${name}: the file is empty`);
  if (kernelType(bytes) === "linux" || (ext !== "img" && ext !== "iso" && kernelType(bytes) === "multiboot")) return "kernel";
  if (ext === "iso" || isIso9660(bytes)) {
    if (size % 2048 !== 0) throw new ImageError(`${name}: ${fmt(size)} bytes is not a whole number of 2048-byte CD sectors (truncated download?)`);
    return "cd";
  }
  if (FLOPPY_SIZES.includes(size)) return "floppy";
  if (size % 512 !== 0) throw new ImageError(`${name}: ${fmt(size)} bytes is neither a floppy size (160K to 2.88M), a hard disk (whole 512-byte sectors) nor a CD (2048-byte sectors)`);
  if (size < 64 * 1024) throw new ImageError(`${name}: ${fmt(size)} bytes is too small for a hard disk and not a floppy size (160K to 2.88M)`);
  if (bytes[510] !== 0x55 || bytes[511] !== 0xaa) throw new ImageError(`${name}: no boot sector (no 55AA signature at byte 510): not a bootable disk image`);
  return "hd";
}

export const KIND_NAMES: Record<ImageKind, string> = { floppy: "floppy", hd: "hard disk", cd: "CD", kernel: "kernel" };
