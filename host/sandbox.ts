// The sandbox for suspicious files (docs/sandbox.md), the part the page's worker and the Node
// command share: the disk that carries the user's files into a throwaway Linux, the empty disk
// the guest writes what it wants to give back to, and reading that back. The guest gets
//
//   IDE primary master   SANDBOX  the files, FAT (host/fatimage.ts), read-only to the guest
//   IDE primary slave    EXPORT   an empty FAT16 disk, the only thing the guest writes that
//                                 leaves the machine (readExport)
//   kernel + initrd.img + tools.img, command line + " tab86.sandbox": /init mounts the two
//                                 disks at /mnt/sandbox and /mnt/export (tools/images/initramfs.mjs)
//
// and no network device (tab86 has none). Limits are checked before anything is built, with
// messages that say which limit.
import { buildFatImage, FatError, FatFile, FatImage } from "./fatimage.js";
import { readFatImage, FatEntry, FatReadError } from "./fatread.js";

export const SANDBOX_LABEL = "SANDBOX";
export const EXPORT_LABEL = "EXPORT";
/** What the kernel command line gets for /init to mount the disks. */
export const SANDBOX_APPEND = "tab86.sandbox";
/** The export disk: room for what a user takes out of a sandbox. */
export const EXPORT_SIZE = 64 * 1024 * 1024;
/** At most this many files, and this many bytes in all (the page holds them, the disk image
 * and the guest's copy in memory at once). */
export const MAX_FILES = 4096;
export const MAX_BYTES = 256 * 1024 * 1024;

/** Files that cannot go into a sandbox; the message says which and why. */
export class SandboxError extends Error {}

const mib = (n: number) => `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MiB`;

/** The SANDBOX disk with the files, as an MBR disk with one FAT partition. */
export function sandboxDisk(files: FatFile[], date = new Date()): FatImage {
  if (files.length === 0) throw new SandboxError("no files: choose or drop at least one file to open in the sandbox");
  if (files.length > MAX_FILES) throw new SandboxError(`${files.length} files: the sandbox takes at most ${MAX_FILES} at once`);
  const total = files.reduce((n, f) => n + f.data.length, 0);
  if (total > MAX_BYTES) {
    const biggest = files.reduce((a, b) => (b.data.length > a.data.length ? b : a));
    throw new SandboxError(`${mib(total)} of files: the sandbox takes at most ${mib(MAX_BYTES)} in all (the biggest, ${biggest.path}, is ${mib(biggest.data.length)})`);
  }
  try {
    return buildFatImage(files, { label: SANDBOX_LABEL, date, free: 1024 * 1024 });
  } catch (e) {
    if (e instanceof FatError) throw new SandboxError(e.message);
    throw e;
  }
}

/** The empty EXPORT disk. */
export function exportDisk(date = new Date()): Uint8Array {
  return buildFatImage([], { label: EXPORT_LABEL, size: EXPORT_SIZE, date }).image;
}

/** The files the guest left on the export disk; a damaged disk is a SandboxError saying so. */
export function readExport(image: Uint8Array): FatEntry[] {
  try {
    return readFatImage(image).files;
  } catch (e) {
    if (e instanceof FatReadError) throw new SandboxError(`the export disk cannot be read: ${e.message}`);
    throw e;
  }
}

/** The kernel command line of a sandbox boot. */
export function sandboxAppend(append: string): string {
  return /(^|\s)tab86\.sandbox(\s|$)/.test(append) ? append : `${append} ${SANDBOX_APPEND}`.trim();
}
