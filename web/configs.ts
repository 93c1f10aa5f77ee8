// Machine configurations the page builds (web/api.ts's static methods give them to scripts):
// the default Linux served under images/linux/, and the sandbox's, with Linux or with DOS.
import { MAX_FILES, MAX_BYTES } from "../host/sandbox.js";
import { detectImage, ImageError } from "./images.js";
import type { MachineConfig, SandboxFile, ImageFile } from "./protocol.js";

/** The kernel command line of the default Linux (tools/images/build.mjs CMDLINE). */
export const LINUX_APPEND = "console=tty0 console=ttyS0,115200 cryptomgr.notests";

/** The default Linux of `npm run images`, served beside the page (base) under images/. */
export function defaultLinux(base: string, memMiB = 128): MachineConfig {
  const url = (p: string) => new URL(`images/linux/${p}`, base).href;
  return { memMiB, kernel: { name: "vmlinuz", url: url("vmlinuz") }, initrd: { name: "initrd.img", url: url("initrd.img") }, append: LINUX_APPEND };
}

/** A sandbox (docs/sandbox.md): the files on a read-only FAT disk and an empty export disk,
 * no network, nothing stored. Linux (the default Linux with tools.img) mounts them at
 * /mnt/sandbox and /mnt/export; DOS, booted from `dosFloppy` in A:, sees them as C: and D:.
 * The limits are checked here, before anything is read into the worker. */
export function sandboxConfig(files: SandboxFile[], base: string, memMiB = 128, dosFloppy?: ImageFile): MachineConfig {
  if (files.length === 0) throw new ImageError("no files: choose or drop at least one file to open in the sandbox");
  if (files.length > MAX_FILES) throw new ImageError(`${files.length} files: the sandbox takes at most ${MAX_FILES} at once`);
  const total = files.reduce((n, f) => n + f.bytes.length, 0);
  if (total > MAX_BYTES) throw new ImageError(`${(total / 1048576).toFixed(0)} MiB of files: the sandbox takes at most ${MAX_BYTES / 1048576} MiB in all`);
  if (dosFloppy) {
    const kind = dosFloppy.bytes ? detectImage(dosFloppy.name, dosFloppy.bytes) : "floppy";
    if (kind !== "floppy") throw new ImageError(`${dosFloppy.name}: the DOS sandbox boots from a floppy image (160K to 2.88M), and this is a ${kind === "hd" ? "hard disk" : kind === "cd" ? "CD" : "kernel"}`);
    return { memMiB, fda: dosFloppy, boot: "a", persist: false, sandbox: { files, system: "dos" } };
  }
  const linux = defaultLinux(base, memMiB);
  const tools = { name: "tools.img", url: new URL("images/linux/tools.img", base).href };
  return { ...linux, initrds: [tools], persist: false, sandbox: { files, system: "linux" } };
}
