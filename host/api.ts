// The Node API (docs/scripting.md): what the command does, for programs and tests.
//
//   import { createMachine } from "tab86";
//   const m = await createMachine({ fda: "freedos.img" });
//   await m.expect(/A:\\>/);
//   m.type("ver{Enter}");
//   await m.expect(/FreeCom version/);
//   m.stop();
//
// buildMachine() is also how the command turns its flags into a machine, so both check their
// input the same way (DESIGN.md principle 11). Node-only: it reads files and makes streams.
import { writeFileSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { deflateSync } from "node:zlib";
import { PassThrough, Readable } from "node:stream";
import { Machine, ConfigError } from "./machine.js";
import { createNodeMachine, readImage, defaultBiosPath, openDiskImage } from "./node.js";
import { BlockDevice, Overlay, MemoryDisk } from "./blockdev.js";
import { DiskName, openImage, imageBytes, stackOverlayFiles, isUrl } from "./disks.js";
import type { HttpDiskOptions } from "./httpdisk.js";
import { sandboxDisk, exportDisk, sandboxAppend, SandboxError, MAX_FILES, MAX_BYTES } from "./sandbox.js";
import type { FatFile } from "./fatimage.js";
import { loadKernel } from "./kernel.js";
import { elToritoProblemAsync } from "./eltorito.js";
import { encodePng } from "./png.js";
import { loadDisassembler } from "./disasm.js";
import { Session, TypeTarget } from "./script.js";
import type { RunResult, MatchSource } from "./run.js";
import * as S from "../core-as/state.js";
import { saveState, restoreState, SnapshotError } from "./snapshot.js";

export { ExpectError, parseScript, runSteps, Session } from "./script.js";
export type { Step, StepsOutcome, TypeTarget } from "./script.js";
export { Machine, ConfigError } from "./machine.js";
export { saveState, restoreState, stateDigest, readHeader, SnapshotError } from "./snapshot.js";
export { InputRecorder, InputReplayer, parseInputLog, ReplayError } from "./replay.js";
export type { RunResult, RunEnd, MatchSource } from "./run.js";
export { Overlay, MemoryDisk } from "./blockdev.js";
export { HttpDisk } from "./httpdisk.js";
export type { HttpDiskOptions } from "./httpdisk.js";
export { sessionChanges, currentImage, writeImageFile, DISK_NAMES } from "./disks.js";
export type { DiskName } from "./disks.js";

/** A machine as the command's flags describe it. Files are paths (floppies, kernels and ROMs
 * may also be bytes); disk images may also be http:// or https:// URLs (read lazily with
 * range requests, docs/disks.md). */
export interface MachineConfig {
  /** BIOS image (default: the built-in BIOS) */
  bios?: string | Uint8Array;
  fda?: string | Uint8Array;
  fdb?: string | Uint8Array;
  hda?: string;
  hdb?: string;
  cdrom?: string;
  /** write the guest's changes into the hda/hdb files */
  persist?: boolean;
  /** overlay files (Overlay.save) applied over a drive's image before the start, stacked in
   * order; the guest's changes then go to a new overlay above them */
  overlays?: Partial<Record<DiskName, string[]>>;
  /** options of the disks read over HTTP (block size, cache, time limit) */
  http?: HttpDiskOptions;
  /** boot drive letters in order ("a", "dc") */
  boot?: string;
  /** a Linux bzImage or multiboot kernel started after POST */
  kernel?: string | Uint8Array;
  /** Linux: the initrd; multiboot: the modules */
  initrd?: string | string[];
  append?: string;
  /** guest RAM in MiB (default 128) */
  mem?: number;
  /** SVGA memory in MiB (default 16) */
  vram?: number;
  /** virtual time follows the instruction count: repeatable runs */
  deterministic?: boolean;
  /** the isa-debug-exit port: a guest write of V ends the run with status (V << 1) | 1 */
  exitPort?: number;
  /** ports whose writes are recorded (onPortWrite, --trace-port) */
  tracePorts?: number[];
  /** keep the last N instructions for the dump after an error (1 .. 2048) */
  traceCpu?: number;
  /** run the core built with assertions (emulator debugging) */
  debugCore?: boolean;
  /** the JIT: "on" (default), "off" (--no-jit) or "force" (compile every block at once) */
  jit?: "on" | "off" | "force";
  /** the sandbox (docs/sandbox.md): these files, and the files in these folders, on a FAT disk
   * labelled SANDBOX at the primary master, an empty one labelled EXPORT at the primary slave
   * (Machine.disk(1)), and tab86.sandbox on the kernel command line. Needs a kernel and the
   * sandbox's initrds (images/linux/initrd.img,tools.img); not with hda or hdb. */
  sandbox?: string[];
}

// Floppy formats by image size (the same list as devices/fdc.ts)
const FLOPPY_SIZES = new Set([163840, 184320, 327680, 368640, 737280, 1228800, 1474560, 1720320, 1763328, 2949120]);

/** Boot drive letters as the BIOS's order word (bios/post.ts: a nibble per device, 1 = A:). */
export function bootOrder(letters: string): number {
  if (!/^[a-d]{1,4}$/.test(letters)) throw new ConfigError(`--boot ${letters}: expected drive letters a, b, c, d in boot order`);
  let order = 0;
  for (let k = 0; k < letters.length; k++) order |= (letters.charCodeAt(k) - 0x60) << (4 * k);
  return order;
}

/** Parse a port number: decimal, or hex with 0x (or h at the end). */
export function parsePort(text: string, what: string): number {
  const t = text.trim().toLowerCase();
  const v = /^0x[0-9a-f]+$/.test(t) ? parseInt(t, 16) : /^[0-9a-f]+h$/.test(t) ? parseInt(t, 16) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!(v >= 0 && v <= 0xffff)) throw new ConfigError(`${what} ${text}: expected a port number from 0 to 0xFFFF`);
  return v;
}

const bytesOf = (v: string | Uint8Array, what: string) => (typeof v === "string" ? readImage(v, what) : v);

/** Build a machine from a configuration: every file is checked before it starts. */
export async function buildMachine(cfg: MachineConfig): Promise<Machine> {
  const mem = cfg.mem ?? 128;
  if (cfg.traceCpu !== undefined && (!Number.isInteger(cfg.traceCpu) || cfg.traceCpu < 1 || cfg.traceCpu > S.TRACE_LEN)) {
    throw new ConfigError(`--trace-cpu ${cfg.traceCpu}: expected a number of instructions from 1 to ${S.TRACE_LEN}`);
  }
  if ((cfg.initrd !== undefined || cfg.append !== undefined) && cfg.kernel === undefined) throw new ConfigError(`${cfg.initrd !== undefined ? "--initrd" : "--append"} needs --kernel`);
  if (cfg.kernel !== undefined && cfg.boot) throw new ConfigError(`--boot and --kernel: the kernel is started instead of booting a device; give one of them`);
  if (cfg.sandbox !== undefined) {
    if (cfg.hda !== undefined || cfg.hdb !== undefined) throw new ConfigError("--sandbox puts its two disks on the primary IDE channel: leave out --hda and --hdb");
    if (cfg.kernel === undefined) throw new ConfigError("--sandbox boots Linux: give --kernel and --initrd (the command does, with the default Linux)");
  }
  const boot = cfg.boot ? bootOrder(cfg.boot) : 0;
  const rom = cfg.bios !== undefined ? bytesOf(cfg.bios, "--bios") : readImage(defaultBiosPath(), "built-in BIOS");
  const fda = cfg.fda !== undefined ? await floppyImage(cfg.fda, "--fda", cfg.overlays?.fda ?? []) : undefined;
  const fdb = cfg.fdb !== undefined ? await floppyImage(cfg.fdb, "--fdb", cfg.overlays?.fdb ?? []) : undefined;
  for (const [img, flag, path] of [[fda, "--fda", cfg.fda], [fdb, "--fdb", cfg.fdb]] as const) {
    const name = typeof path === "string" ? path : "(bytes)";
    if (img && !FLOPPY_SIZES.has(img.length)) throw new ConfigError(`${flag} ${name}: ${img.length} bytes is not a floppy image size (160K, 180K, 320K, 360K, 720K, 1.2M, 1.44M, 1.68M, 1.72M, 2.88M)`);
  }
  const machine = await createNodeMachine({ memMiB: mem, vramMiB: cfg.vram, rom, deterministic: cfg.deterministic, stopOnTripleFault: true, traceCpu: cfg.traceCpu !== undefined, jit: cfg.jit }, cfg.debugCore);
  if (fda) machine.insertFloppy(0, fda);
  if (fdb) machine.insertFloppy(1, fdb);
  if (cfg.hda !== undefined) machine.attachDisk(0, "hd", await hardDisk(cfg, cfg.hda, "hda"), `--hda ${cfg.hda}`);
  if (cfg.hdb !== undefined) machine.attachDisk(1, "hd", await hardDisk(cfg, cfg.hdb, "hdb"), `--hdb ${cfg.hdb}`);
  const cd = cfg.cdrom !== undefined ? stackOverlayFiles(await openImage(cfg.cdrom, "--cdrom", cfg.http), cfg.overlays?.cdrom ?? [], `--cdrom ${cfg.cdrom}`) : undefined;
  if (cd) machine.attachDisk(2, "cd", cd, `--cdrom ${cfg.cdrom}`);
  if (cfg.sandbox !== undefined) {
    let disk;
    try { disk = sandboxDisk(sandboxFiles(cfg.sandbox)); } catch (e) { throw e instanceof SandboxError ? new ConfigError(`--sandbox: ${e.message}`) : e; }
    machine.attachDisk(0, "hd", new MemoryDisk(disk.image, true), "the sandbox disk");
    machine.attachDisk(1, "hd", new MemoryDisk(exportDisk()), "the export disk");
  }
  if (boot) machine.w32(S.BIOS_BOOT_ORDER, boot);
  if (boot === 4 && cd) {
    // booting only from the CD: say now if it cannot work
    let why: string;
    try { why = await elToritoProblemAsync(cd); } catch (e) { throw new ConfigError(`--cdrom ${(e as Error).message}`); }
    if (why) throw new ConfigError(`--cdrom ${cfg.cdrom}: not bootable: ${why}`);
  }
  if (cfg.kernel !== undefined) {
    const initrd = cfg.initrd === undefined ? undefined : (Array.isArray(cfg.initrd) ? cfg.initrd : cfg.initrd.split(",")).map((f) => ({ name: f, data: readImage(f, "--initrd") }));
    const name = typeof cfg.kernel === "string" ? cfg.kernel : "(bytes)";
    const append = cfg.sandbox !== undefined ? sandboxAppend(cfg.append ?? "") : cfg.append;
    loadKernel(machine, { kernel: bytesOf(cfg.kernel, "--kernel"), name, initrd, append });
  }
  if (cfg.exitPort !== undefined) machine.setExitPort(cfg.exitPort);
  for (const p of cfg.tracePorts ?? []) machine.tracePort(p);
  return machine;
}

// A floppy image, held whole: from bytes, a path or a URL, with overlay files applied
async function floppyImage(spec: string | Uint8Array, flag: string, overlays: readonly string[]): Promise<Uint8Array> {
  const bytes = typeof spec === "string" ? await imageBytes(spec, flag) : spec;
  if (overlays.length === 0) return bytes;
  const dev = stackOverlayFiles(new MemoryDisk(bytes, true), overlays, `${flag} ${typeof spec === "string" ? spec : "(bytes)"}`);
  const out = new Uint8Array(dev.size);
  dev.read(0, out);
  return out;
}

// A hard disk: the image (file or URL) with overlay files stacked over it, under the session's
// copy-on-write overlay; with persist the file itself, written in place
async function hardDisk(cfg: MachineConfig, spec: string, name: "hda" | "hdb"): Promise<BlockDevice> {
  const flag = `--${name}`, overlays = cfg.overlays?.[name] ?? [];
  if (cfg.persist) {
    if (isUrl(spec)) throw new ConfigError(`${flag} ${spec}: --persist writes into the image file, and a URL cannot be written: leave out --persist (the changes stay in memory) or use --commit-disk`);
    if (overlays.length) throw new ConfigError(`${flag} ${spec}: --overlay and --persist: the overlay's changes would be written into the file; commit them with --commit-disk instead`);
    return openDiskImage(spec, flag, true);
  }
  return new Overlay(stackOverlayFiles(await openImage(spec, flag, cfg.http), overlays, `${flag} ${spec}`));
}

/** The files for a sandbox: each file by its name, each folder's files (all levels) under the
 * folder's name. */
export function sandboxFiles(paths: string[]): FatFile[] {
  const files: FatFile[] = [];
  let total = 0;
  const add = (path: string, name: string, depth: number) => {
    let st;
    try { st = statSync(path); } catch (e) { throw new ConfigError(`--sandbox ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (e as Error).message}`); }
    if (st.isDirectory()) {
      if (depth > 32) throw new ConfigError(`--sandbox ${path}: folders nested more than 32 deep`);
      for (const e of readdirSync(path).sort()) add(join(path, e), `${name}/${e}`, depth + 1);
    } else if (st.isFile()) {
      if (files.length >= MAX_FILES) throw new ConfigError(`--sandbox: more than ${MAX_FILES} files; the sandbox takes at most ${MAX_FILES} at once`);
      // say so before reading gigabytes
      if ((total += st.size) > MAX_BYTES) throw new ConfigError(`--sandbox: more than ${MAX_BYTES >> 20} MiB of files (at ${path}); the sandbox takes at most ${MAX_BYTES >> 20} MiB in all`);
      files.push({ path: name, data: readImage(path, "--sandbox"), mtime: st.mtime });
    } else throw new ConfigError(`--sandbox ${path}: not a file or folder`);
  };
  for (const p of paths) add(p, basename(p.replace(/\/+$/, "")) || p, 0);
  return files;
}

/** The display as a PNG file's bytes (text or graphics mode, at the mode's resolution). */
export function screenshotPng(machine: Machine): Uint8Array {
  const shot = machine.screenshot();
  return encodePng(shot.width, shot.height, shot.data, (raw) => deflateSync(raw, { level: 9 }));
}

export interface CreateOptions extends MachineConfig {
  /** where type() sends text: "keyboard", "serial" or "auto" (default: COM1 after a match in
   * the serial output, the keyboard otherwise) */
  typeTo?: TypeTarget;
  /** an expect's time limit in seconds when it names none (default 60) */
  expectTimeout?: number;
  /** called with each write to a port in tracePorts */
  onPortWrite?: (port: number, size: number, value: number) => void;
}

/** A running machine for programs and tests (docs/scripting.md). */
export class Tab86Machine {
  /** the machine itself (state views, disks, low-level input) */
  readonly machine: Machine;
  /** the session that runs it step by step */
  readonly session: Session;
  /** what the guest sends on COM1, as bytes, while the machine runs */
  readonly serial: Readable;
  /** what the guest writes to the debug port 0xE9, as bytes */
  readonly debug: Readable;
  private readonly traceCpu: number;
  private stopped = false;

  constructor(machine: Machine, opts: CreateOptions = {}) {
    this.machine = machine;
    this.traceCpu = opts.traceCpu ?? 16;
    const serial = new PassThrough();
    const debug = new PassThrough();
    this.serial = serial;
    this.debug = debug;
    this.session = new Session(machine, {
      typeTo: opts.typeTo,
      expectTimeout: opts.expectTimeout,
      onSerial: (b) => serial.write(Buffer.from(b)),
      onDebug: (t) => debug.write(Buffer.from(t, "latin1")),
      onPortWrite: opts.onPortWrite,
    });
  }

  /** Run until `pattern` is in the serial or debug output (after the previous match there) or
   * on the text screen (`from` limits where); resolves with the matched text. Rejects with ExpectError (the reason
   * and the screen) on timeout or when the machine stops first. */
  expect(pattern: RegExp | string, opts: { timeout?: number; from?: MatchSource | MatchSource[] } = {}): Promise<string> {
    return this.session.expect(pattern, opts);
  }

  /** Type text in the key notation ({Enter}, {Tab}, {Esc}, {Ctrl-C}, {Alt-X}, {F1}...): into the
   * keyboard, or COM1 (see CreateOptions.typeTo). The guest reads it while the machine runs. */
  type(text: string, to?: TypeTarget): void { this.session.type(text, to); }

  /** Press one named key: key("Enter"), key("Ctrl-C"). */
  key(name: string, to?: TypeTarget): void { this.session.key(name, to); }

  /** Run for some seconds of virtual time. */
  wait(seconds: number): Promise<RunResult> { return this.session.wait(seconds); }

  /** The text screen now, rows joined by \n. */
  screenText(): string { return this.machine.screenText(); }

  /** The display as PNG bytes; with a file name, also written there. */
  screenshot(file?: string): Uint8Array {
    const png = screenshotPng(this.machine);
    if (file !== undefined) writeFileSync(file, png);
    return png;
  }

  /** A snapshot of the machine now (host/snapshot.ts, docs/snapshots.md), also written to
   * `file` if given. */
  async saveState(file?: string): Promise<Uint8Array> {
    const state = await saveState(this.machine);
    if (file !== undefined) writeFileSync(file, state);
    return state;
  }

  /** Replace the machine's state with a snapshot (bytes, or a file name) taken of a machine
   * with the same configuration and images. Throws SnapshotError, leaving the machine as it
   * was, when the snapshot does not fit or is damaged. */
  async restoreState(snapshot: Uint8Array | string): Promise<void> {
    const bytes = typeof snapshot === "string" ? readSnapshotFile(snapshot) : snapshot;
    await restoreState(this.machine, bytes, typeof snapshot === "string" ? snapshot : "snapshot");
  }

  /** The value the guest wrote to the exit port, and the status the command would exit with. */
  get exit(): { value: number; status: number } | undefined {
    const v = this.session.exitValue;
    return v === undefined ? undefined : { value: v, status: exitStatus(v) };
  }

  /** The register dump with the last instructions (disassembled when iced-x86 is installed). */
  async dump(): Promise<string> {
    return this.machine.dump((await loadDisassembler()) ?? undefined, this.traceCpu);
  }

  /** Stop: an expect or wait in progress ends, the serial and debug streams end. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.session.stop();
    (this.serial as PassThrough).end();
    (this.debug as PassThrough).end();
  }
}

/** A snapshot file's bytes; SnapshotError naming the file if it cannot be read. */
export function readSnapshotFile(path: string): Uint8Array {
  try { return new Uint8Array(readFileSync(path)); } catch (e) { throw new SnapshotError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
}

/** QEMU's isa-debug-exit status for a written value, as a process exit status (8 bits). */
export function exitStatus(value: number): number {
  return ((value << 1) | 1) & 0xff;
}

/** Create a machine from options (the command's flags as fields) and get it ready to run. */
export async function createMachine(opts: CreateOptions): Promise<Tab86Machine> {
  return new Tab86Machine(await buildMachine(opts), opts);
}
