// Node-only helpers: find and compile the core's .wasm, read files with clear errors.
import { readFileSync, existsSync, statSync, openSync, readSync, writeSync, closeSync, fstatSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { Machine, MachineOptions, ConfigError } from "./machine.js";
import { BlockDevice, Overlay } from "./blockdev.js";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { setSnapshotCodec } from "./snapshot.js";

// Snapshots (host/snapshot.ts) compress with Node's zlib: the same deflate-raw as the
// browsers' CompressionStream, and several times faster than Node's implementation of that.
// Level 1: a booted Linux's RAM deflates 4% larger than at the default level, in 60% of the time.
setSnapshotCodec({
  deflate: (raw) => new Uint8Array(deflateRawSync(raw, { level: 1 })),
  inflate: (packed, limit) => new Uint8Array(inflateRawSync(packed, { maxOutputLength: limit })),
});

const here = dirname(fileURLToPath(import.meta.url));

/** The package root, whether running from dist/host (compiled) or host/ (vitest, TS source). */
function packageRoot(): string {
  let d = here;
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(d, "package.json"))) return d;
    d = dirname(d);
  }
  return join(here, "..", "..");
}

const modules = new Map<string, WebAssembly.Module>();

export function coreModule(debug = false): WebAssembly.Module {
  const file = join(packageRoot(), "build", debug ? "tab86.debug.wasm" : "tab86.wasm");
  let m = modules.get(file);
  if (!m) {
    if (!existsSync(file)) throw new ConfigError(`the core is not built (${file} is missing): run npm install or npm run build`);
    m = new WebAssembly.Module(readFileSync(file));
    modules.set(file, m);
  }
  return m;
}

/** The built-in BIOS ROM shipped in the package (bios/rom/bios.bin, assembled from bios.asm). */
export function defaultBiosPath(): string {
  return join(packageRoot(), "bios", "rom", "bios.bin");
}

export function readImage(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new ConfigError(`${what} ${path}: no such file`);
  if (!statSync(path).isFile()) throw new ConfigError(`${what} ${path}: not a regular file`);
  return new Uint8Array(readFileSync(path));
}

export async function createNodeMachine(options: MachineOptions, debug = false): Promise<Machine> {
  // TAB86_JIT=off|on|force sets the default (the test suite runs the CPU tests with force)
  const env = process.env.TAB86_JIT;
  const jit = options.jit ?? (env === "off" || env === "on" || env === "force" ? env : undefined);
  return Machine.create(coreModule(debug), { ...options, jit });
}

/** A disk image file read (and, with writable, written) in place. Most callers put an Overlay
 * over it so the file is never changed unless the user asks (--persist). */
export class FileDisk implements BlockDevice {
  readonly size: number;
  readonly readOnly: boolean;
  readonly path: string;
  private fd: number;
  constructor(path: string, what: string, writable = false) {
    if (!existsSync(path)) throw new ConfigError(`${what} ${path}: no such file`);
    if (!statSync(path).isFile()) throw new ConfigError(`${what} ${path}: not a regular file`);
    this.path = path;
    this.fd = openSync(path, writable ? "r+" : "r");
    this.size = fstatSync(this.fd).size;
    this.readOnly = !writable;
  }
  read(offset: number, dest: Uint8Array): void {
    let done = 0;
    while (done < dest.length) {
      const n = readSync(this.fd, dest, done, dest.length - done, offset + done);
      if (n <= 0) throw new Error(`${this.path}: short read at byte ${offset + done}`);
      done += n;
    }
  }
  write(offset: number, src: Uint8Array): void {
    let done = 0;
    while (done < src.length) done += writeSync(this.fd, src, done, src.length - done, offset + done);
  }
  close(): void { closeSync(this.fd); }
}

/** A disk image file for the guest: read-only under a copy-on-write Overlay (the file never
 * changes, the guest's writes live in memory), or, with persist, written in place. */
export function openDiskImage(path: string, what: string, persist: boolean): BlockDevice {
  if (!persist) return new Overlay(new FileDisk(path, what, false));
  try {
    return new FileDisk(path, what, true);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${what} ${path}: cannot open for writing (${(e as Error).message})`);
  }
}
