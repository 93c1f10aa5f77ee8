// The host side of a machine, shared by Node and (later) the browser worker: instantiates the
// core with an imported memory and table, loads the ROM, runs slices and exposes the state
// block as typed views. It does I/O only (DESIGN.md principle 2).
import * as S from "../core-as/state.js";
import { CP437 } from "./cp437.js";
import { BlockDevice, Overlay, MemoryDisk, readFrom, writeTo } from "./blockdev.js";
import { JitHost, JitMode, JitCoreExports, JIT_TABLE_BASE, JIT_TABLE_SLOTS } from "./jit.js";

export interface CoreExports extends JitCoreExports {
  init(memSize: number, romSize: number, flags: number, nsPerInsnFp: number, deterministic: number, rtcStartSeconds: number): void;
  run(budget: number): number;
  reset(): void;
  sync_clock(wallNs: bigint): void;
  now_ns(): bigint;
  idle_until(t: bigint): void;
  state_changed(): void;
  set_cpl_from_state(c: number): void;
  eflags(): number;
  step(): number;
  decode_length(eip: number): number;
  intr(level: number): void;
  port_in(port: number, size: number): number;
  port_out(port: number, size: number, value: number): void;
  test_event_schedule(at: bigint): void;
  test_event_cancel(): void;
  test_event_count(): number;
  test_irq(line: number, level: number): void;
  test_inta(): number;
  input_ready(): void;
  test_dma_buffer(): number;
  test_dma_request(ch: number, on: number): void;
  test_dma_to_memory(ch: number, len: number): number;
  test_dma_from_memory(ch: number, len: number): number;
  serial_input(n: number): void;
  test_irq_level(line: number): number;
  cmos_set(index: number, value: number): void;
  cmos_get(index: number): number;
  cmos_update_checksum(): void;
  nmi_masked(): number;
  vga_render(): void;
  vga_invalidate(): void;
  vga_set_vram(mib: number): number;
  vga_set_mode(mode: number, clear: number): number;
  floppy_insert(drive: number, sizeBytes: number, writeProtected: number): number;
  floppy_eject(drive: number): void;
  floppy_size(drive: number): number;
  disk_done(): void;
  ide_attach(drive: number): void;
  exit_port_set(port: number): number;
  signal_pending(): number;
  restored(signal: number): void;
}

/** Input reaching the machine: key scancodes, COM n bytes, mouse records (host/replay.ts
 * records and replays them). */
export type InputKind = "keys" | "serial" | "mouse";
export interface InputEvent {
  kind: InputKind;
  bytes: number[];
  /** keys: the host also cleared BIOS_FLAGS bit 1 (a key typed for a BIOS that asked) */
  ack?: boolean;
  /** serial: the COM port, 0..3 */
  port?: number;
}

/** Watches or supplies the machine's input (host/replay.ts): a recorder hears every input as
 * it is delivered; a replayer makes the machine ignore live input and delivers its own, each
 * at the instruction count it was recorded at. */
export interface InputTap {
  /** live input is dropped (the replayed inputs are the machine's only input) */
  readonly replaying: boolean;
  /** an input was delivered (at machine.instructions) */
  delivered(m: Machine, e: InputEvent): void;
  /** before each slice of the core: deliver what is due; returns how many instructions may
   * run before the next input (Infinity: no limit) */
  beforeRun(m: Machine): number;
  /** the latest virtual time an idle machine may skip to now */
  idleLimit(m: Machine, t: bigint): bigint;
}

/** What sits at an IDE position: a hard disk or a CD-ROM drive (which may be empty). */
export type DriveKind = "hd" | "cd";
/** IDE positions: 0 primary master, 1 primary slave, 2 secondary master, 3 secondary slave. */
/** The range of the wall-clock mode's adaptive clock rate, nanoseconds per instruction. */
export const CLOCK_RATE_MIN_NS = 0.05;
export const CLOCK_RATE_MAX_NS = 1000;

export const DRIVE_NAMES = ["primary master", "primary slave", "secondary master", "secondary slave"];

export interface MachineOptions {
  /** guest RAM in MiB (1 .. 3072) */
  memMiB: number;
  /** the BIOS ROM image: 64 KiB .. 1 MiB, a multiple of 64 KiB */
  rom: Uint8Array;
  /** time follows the instruction count only (repeatable runs) */
  deterministic?: boolean;
  /** a triple fault stops the run (EXIT_TRIPLE_FAULT) instead of resetting the machine */
  stopOnTripleFault?: boolean;
  /** nanoseconds of virtual time per instruction in deterministic mode (default 10); with the
   * clock on wall time, the starting rate, which then follows the machine's real speed */
  nsPerInstruction?: number;
  /** the RTC's time at power-on, kept by the chip as UTC (default: now, or 2000-01-01
   * 00:00:00 UTC with deterministic); it then advances with virtual time */
  rtcStart?: Date;
  /** SVGA video memory in MiB: a power of two from 4 to 64 (default 16) */
  vramMiB?: number;
  /** keep the last instructions (up to TRACE_LEN) with their code bytes for the dump
   * (--trace-cpu): costs a copy per instruction */
  traceCpu?: boolean;
  /** the basic-block JIT: "on" (default), "off", or "force" (compile every block at once;
   * step() runs single instructions compiled) */
  jit?: JitMode;
}

export const MIN_MEM_MIB = 1;
export const MAX_MEM_MIB = 3072;

/** A configuration problem found before the machine starts; the message names it. */
export class ConfigError extends Error {}

/** Machine.run() met a disk request for a device that is read asynchronously (HTTP): the
 * request stays posted; Machine.runAsync() (or a Runner) serves it and goes on. */
export class AsyncDiskError extends Error {}

export function checkRom(rom: Uint8Array, name = "ROM"): void {
  if (rom.length < 0x10000 || rom.length > S.ROM_MAX || rom.length % 0x10000 !== 0) {
    throw new ConfigError(`${name}: a BIOS ROM must be 64 KiB to 1 MiB in whole 64 KiB units, this one is ${rom.length} bytes`);
  }
}

export function checkVram(vramMiB: number): void {
  if (!Number.isInteger(vramMiB) || vramMiB < 4 || vramMiB > S.VRAM_MAX / 1048576 || (vramMiB & (vramMiB - 1)) !== 0) {
    throw new ConfigError(`video memory must be a power of two from 4 to ${S.VRAM_MAX / 1048576} MiB, got ${vramMiB}`);
  }
}

export function checkMem(memMiB: number): void {
  if (!Number.isInteger(memMiB) || memMiB < MIN_MEM_MIB || memMiB > MAX_MEM_MIB) {
    throw new ConfigError(`memory size must be a whole number of MiB from ${MIN_MEM_MIB} to ${MAX_MEM_MIB}, got ${memMiB}`);
  }
}

// The screen description vga_render() writes (devices/vga_render.ts)
const VGA_SCREEN = S.DEV_VGA + 0x700;

export const EXIT_NAMES = ["budget", "halt", "reset", "triple-fault", "fatal", "debug-full", "disk", "guest-exit", "jit"];

/** The device names for port conflicts (core-as/bus/ports.ts PORT_DEV_*). */
const PORT_DEVICES = ["nothing", "the system ports (POST code, A20, debug console)", "the PIC", "the PIT", "the RTC", "the keyboard controller",
  "the DMA controller", "a serial port", "the floppy controller", "PCI configuration", "the VGA", "the IDE controller", "the exit port"];

/** One instruction from the trace ring (--trace-cpu), oldest first. */
export interface TracedInstruction {
  /** CS base + EIP */
  linear: number;
  cs: number;
  eip: number;
  /** 16 or 32 */
  bits: number;
  /** the instruction's bytes (empty when fetching it faulted: then `fetched` has what could be read) */
  bytes: Uint8Array;
  fetched: Uint8Array;
}

/** Turns code bytes into text (host/disasm.ts gives one over iced-x86 when it is installed). */
export type Disassembler = (bytes: Uint8Array, bits: number, eip: number) => string;
const FATAL_NAMES = ["none", "unimplemented", "internal"];

export class Machine {
  readonly memory: WebAssembly.Memory;
  readonly core: CoreExports;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly dv: DataView;
  readonly options: MachineOptions;
  private debugDecoder = new TextDecoder("latin1");
  private drives: (BlockDevice | null)[] = [null, null, null, null];
  private driveLabels: string[] = ["", "", "", ""];
  /** the floppy images as inserted (Machine.floppyChanges compares the guest's copy with them;
   * snapshots save the blocks the guest changed since) */
  private floppiesInserted: (Uint8Array | undefined)[] = [undefined, undefined];
  /** records or replays input (host/replay.ts), when set */
  inputTap?: InputTap;
  /** disk requests served, bytes read and written, errors and the last one's text (for --stats) */
  readonly diskStats = { requests: 0, bytesRead: 0, bytesWritten: 0, errors: 0, lastError: "" };
  /** the time limit of one request to an asynchronous disk (runAsync): past it the guest gets
   * a disk error (the backends have their own, shorter limits; this one is the last guard) */
  diskTimeoutMs = 120_000;
  /** the JIT's host side (compiles the modules the core emits) */
  jit!: JitHost;

  private constructor(memory: WebAssembly.Memory, core: CoreExports, options: MachineOptions) {
    this.memory = memory;
    this.core = core;
    this.options = options;
    this.u8 = new Uint8Array(memory.buffer);
    this.u32 = new Uint32Array(memory.buffer);
    this.dv = new DataView(memory.buffer);
  }

  /** Create a machine from compiled core bytes (the caller finds the .wasm for its environment). */
  static async create(wasm: BufferSource | WebAssembly.Module, options: MachineOptions): Promise<Machine> {
    checkMem(options.memMiB);
    checkRom(options.rom);
    if (options.vramMiB !== undefined) checkVram(options.vramMiB);
    const memSize = options.memMiB * 1024 * 1024;
    const pages = Math.ceil((S.RAM + memSize) / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    // the core's own functions sit below JIT_TABLE_BASE; compiled blocks go above (host/jit.ts)
    const table = new WebAssembly.Table({ initial: JIT_TABLE_BASE + JIT_TABLE_SLOTS, element: "anyfunc" });
    let machine: Machine | undefined;
    const imports = {
      env: {
        memory,
        table,
        core_abort: (msg: number, file: number, line: number, col: number) => {
          const text = machine ? `${machine.readAsString(msg)} at ${machine.readAsString(file)}:${line}:${col}` : "abort";
          throw new Error(`tab86 core assertion failed: ${text}`);
        },
      },
    };
    const module = wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(wasm);
    const instance = await WebAssembly.instantiate(module, imports);
    machine = new Machine(memory, instance.exports as unknown as CoreExports, options);
    machine.jit = new JitHost(memory, table, machine.core, options.jit ?? "on");
    machine.u8.set(options.rom, S.ROM);
    const nsPerInsn = options.nsPerInstruction ?? 10;
    const rtcStart = options.rtcStart ?? (options.deterministic ? new Date(Date.UTC(2000, 0, 1)) : new Date());
    machine.core.init(memSize, options.rom.length, (options.stopOnTripleFault ? 1 : 0) | (options.traceCpu ? 2 : 0), Math.round(nsPerInsn * 65536), options.deterministic ? 1 : 0, rtcStart.getTime() / 1000);
    if (options.vramMiB !== undefined && options.vramMiB !== 16) machine.core.vga_set_vram(options.vramMiB);
    return machine;
  }

  // AssemblyScript strings: UTF-16 with the byte length at ptr-4
  private readAsString(ptr: number): string {
    if (!ptr) return "";
    const len = this.dv.getUint32(ptr - 4, true);
    let s = "";
    for (let i = 0; i < len; i += 2) s += String.fromCharCode(this.dv.getUint16(ptr + i, true));
    return s;
  }

  /** Put a floppy image in drive 0 (A:) or 1 (B:). The geometry comes from the size (160K,
   * 180K, 320K, 360K, 720K, 1.2M, 1.44M, 1.68M DMF, 1.72M, 2.88M); CMOS 0x10/0x14 are updated.
   * The guest may write the image (unless write-protected): read it back with floppyImage(). */
  insertFloppy(drive: number, bytes: Uint8Array, writeProtected = false): void {
    if (drive !== 0 && drive !== 1) throw new ConfigError(`floppy drive ${drive}: only drives 0 (A:) and 1 (B:) exist`);
    if (bytes.length > S.FLOPPY_MAX) throw new ConfigError(`floppy image of ${bytes.length} bytes: too large for a floppy (at most 2.88 MB)`);
    const base = S.FLOPPY + drive * S.FLOPPY_MAX;
    this.u8.set(bytes, base);
    const rc = this.core.floppy_insert(drive, bytes.length, writeProtected ? 1 : 0);
    if (rc !== 0) {
      this.u8.fill(0, base, base + bytes.length);
      throw new ConfigError(`floppy image of ${bytes.length} bytes: not a known floppy size (160K, 180K, 320K, 360K, 720K, 1.2M, 1.44M, 1.68M, 1.72M or 2.88M)`);
    }
    this.floppiesInserted[drive] = bytes.slice();
  }

  /** Take the disk out of drive 0 or 1. */
  ejectFloppy(drive: number): void {
    this.core.floppy_eject(drive);
    this.floppiesInserted[drive] = undefined;
  }

  /** What the guest changed on the floppy in drive 0 or 1 since it was inserted, as an Overlay
   * over the inserted image (to save, or to commit into a new image); undefined with no disk.
   * The floppy itself is held whole in the core, so this is computed by comparing blocks. */
  floppyChanges(drive: number): Overlay | undefined {
    const inserted = this.floppiesInserted[drive];
    if (!inserted || this.core.floppy_size(drive) !== inserted.length) return undefined;
    return Overlay.diff(new MemoryDisk(inserted, true), this.floppyImage(drive));
  }

  /** Undo the guest's changes to the floppy in drive 0 or 1 (back to the image as inserted;
   * no disk change is signalled, as with a hard disk's overlay discarded). */
  revertFloppy(drive: number): void {
    const inserted = this.floppiesInserted[drive];
    if (inserted && this.core.floppy_size(drive) === inserted.length) this.u8.set(inserted, S.FLOPPY + drive * S.FLOPPY_MAX);
  }

  /** The image inserted in drive 0 or 1 as it was inserted (snapshots save the blocks the
   * guest changed since): the caller's bytes, which must not change while inserted. */
  floppySource(drive: number): Uint8Array | null { return this.floppiesInserted[drive] ?? null; }

  /** A copy of the image in drive 0 or 1 as the guest left it (empty with no disk). */
  floppyImage(drive: number): Uint8Array {
    const size = this.core.floppy_size(drive);
    const base = S.FLOPPY + drive * S.FLOPPY_MAX;
    return this.u8.slice(base, base + size);
  }

  /** Attach a hard disk or a CD-ROM drive at IDE position 0..3 (a CD drive with no medium
   * when dev is null). Hard disks must be a whole number of 512-byte sectors, CDs of 2048. */
  attachDisk(drive: number, kind: DriveKind, dev: BlockDevice | null, what = "disk image"): void {
    if (!Number.isInteger(drive) || drive < 0 || drive > 3) throw new ConfigError(`IDE position ${drive}: only 0..3 exist (${DRIVE_NAMES.join(", ")})`);
    if (kind === "hd" && !dev) throw new ConfigError(`hard disk at the ${DRIVE_NAMES[drive]}: no image`);
    if (dev) {
      const unit = kind === "hd" ? 512 : 2048;
      if (dev.size === 0) throw new ConfigError(`${what}: the file is empty (0 bytes)`);
      if (dev.size % unit !== 0) throw new ConfigError(`${what}: ${dev.size} bytes is not a whole number of ${unit}-byte sectors`);
      if (kind === "hd" && dev.size / 512 > 2 ** 48) throw new ConfigError(`${what}: larger than LBA48 can address`);
    }
    this.drives[drive] = dev;
    this.driveLabels[drive] = what;
    const info = S.DISK_INFO + drive * 16;
    this.dv.setBigUint64(info, BigInt(dev ? dev.size : 0), true);
    this.w32(info + 8, kind === "hd" ? S.DISK_KIND_ATA : S.DISK_KIND_ATAPI);
    let flags = dev ? S.DISK_FLAG_MEDIUM : 0;
    if (!dev || dev.readOnly || kind === "cd") flags |= S.DISK_FLAG_READONLY;
    this.w32(info + 12, flags);
    this.core.ide_attach(drive);
  }

  /** Put a medium in (or take it out of, with null) the CD-ROM drive at an IDE position: the
   * guest sees a medium change. */
  changeCd(drive: number, dev: BlockDevice | null): void {
    if (this.r32(S.DISK_INFO + drive * 16 + 8) !== S.DISK_KIND_ATAPI) throw new ConfigError(`no CD-ROM drive at the ${DRIVE_NAMES[drive] ?? drive}`);
    this.attachDisk(drive, "cd", dev, "CD image");
    this.w32(S.DISK_INFO + drive * 16 + 12, this.r32(S.DISK_INFO + drive * 16 + 12) | S.DISK_FLAG_CHANGED);
  }

  /** The block device attached at IDE position 0..3 (null: none, or a CD drive without a medium). */
  disk(drive: number): BlockDevice | null { return this.drives[drive] ?? null; }

  /** Run up to budget instructions. Disk requests are served on the way, so callers only see
   * the other exit reasons. A request for an asynchronous device (HTTP) cannot be served here:
   * it throws AsyncDiskError, the request stays posted, and runAsync() carries on from it. */
  run(budget: number): number {
    const t0 = performance.now(), i0 = this.instructions;
    const reason = this.runSlices(budget);
    this.adaptClockRate(t0, i0);
    return reason;
  }

  private runSlices(budget: number): number {
    const start = this.instructions;
    let left = budget;
    for (;;) {
      if (this.inputTap) left = Math.min(left, this.inputTap.beforeRun(this));
      const reason = this.core.run(left);
      if (reason === S.EXIT_DISK) this.serveDisk();
      else if (reason === S.EXIT_JIT) this.jit.install();
      else return reason;
      left = budget - Number(this.instructions - start);
      if (left <= 0) return S.EXIT_BUDGET;
    }
  }

  /** run() for machines with asynchronous disks: while a request to one is pending the
   * machine does not run (the core waits for disk_done()); the request is awaited, then the
   * run goes on. With synchronous disks it does what run() does. */
  async runAsync(budget: number): Promise<number> {
    const t0 = performance.now(), i0 = this.instructions;
    const reason = await this.runSlicesAsync(budget);
    this.adaptClockRate(t0, i0);
    return reason;
  }

  private async runSlicesAsync(budget: number): Promise<number> {
    const start = this.instructions;
    let left = budget;
    for (;;) {
      if (this.r32(S.DISK_REQ_STATE) === 1) await this.serveDiskAsync(); // left by run()
      if (this.inputTap) left = Math.min(left, this.inputTap.beforeRun(this));
      const reason = this.core.run(left);
      if (reason === S.EXIT_DISK) {
        // a synchronous device is served without a turn of the event loop
        if (this.diskRequestIsAsync()) await this.serveDiskAsync();
        else this.serveDisk();
      } else if (reason === S.EXIT_JIT) this.jit.install();
      else return reason;
      left = budget - Number(this.instructions - start);
      if (left <= 0) return S.EXIT_BUDGET;
    }
  }

  /** Execute one instruction (tests); returns 1 on a triple fault. With the JIT forced it runs
   * compiled: the instruction is compiled alone (after the caller wrote it) and executed by
   * the compiled code. */
  step(): number {
    if (this.jit.mode === "force") {
      this.core.jit_flush();
      if (this.core.jit_prepare_step()) this.jit.install();
    }
    return this.core.step();
  }

  // Wall-clock mode: instructions between two clock syncs advance the guest's clock at
  // NS_PER_INSN_FP. At a fixed rate (10 ns) an emulator faster than 100 MIPS would move the
  // guest's clock ahead of the wall, and the next idle wait would last until the wall caught
  // up, holding the machine to 100 MIPS on average. So the rate follows the host time an
  // instruction has been taking here (an average over recent runs, halts excluded).
  private hostNsPerInsn = 0;
  private adaptClockRate(t0: number, i0: bigint): void {
    const n = Number(this.instructions - i0);
    if (this.options.deterministic || n < 50_000) return;
    const ns = ((performance.now() - t0) * 1e6) / n;
    this.hostNsPerInsn = this.hostNsPerInsn ? this.hostNsPerInsn * 0.75 + ns * 0.25 : ns;
    const fp = Math.round(Math.min(CLOCK_RATE_MAX_NS, Math.max(CLOCK_RATE_MIN_NS, this.hostNsPerInsn)) * 65536);
    if (fp === this.r32(S.NS_PER_INSN_FP)) return;
    this.core.sync_clock(this.core.now_ns()); // rebase at this instruction: the new rate applies from here
    this.w32(S.NS_PER_INSN_FP, fp);
  }


  /** Counters of the JIT for --stats. */
  jitStats(): Record<string, number> {
    const exits = [0, 1, 2].map((i) => this.r32(S.JIT_EXITS + i * 4));
    const entries = Number(this.r64(S.JIT_ENTRIES));
    const insns = Number(this.r64(S.JIT_INSNS));
    const total = Number(this.instructions);
    return {
      jit_modules: this.r32(S.JIT_COMPILED),
      jit_wasm_bytes: Number(this.r64(S.JIT_BYTES)),
      jit_compile_ms: Number(this.jit.compileMs.toFixed(1)),
      jit_compile_failures: this.jit.failures,
      jit_entries: entries,
      jit_exits_branch: exits[0],
      jit_exits_budget: exits[1],
      jit_exits_helper: exits[2],
      jit_invalidations: this.r32(S.JIT_INVALIDATIONS),
      jit_evictions: this.r32(S.JIT_EVICTIONS),
      jit_flushes: this.r32(S.JIT_FLUSHES),
      jit_share: total ? Number((insns / total).toFixed(3)) : 0,
    };
  }

  /** Serve the posted disk request (state.ts DISK_REQ_*) from the attached block device. A
   * request outside the image or a backend failure reaches the guest as a disk error. */
  serveDisk(): void {
    if (this.r32(S.DISK_REQ_STATE) !== 1) return;
    const req = this.diskRequest();
    if (typeof req !== "number" && req.dev.async) {
      throw new AsyncDiskError(`the ${DRIVE_NAMES[req.drive]} (${this.driveLabels[req.drive]}) is read asynchronously: run the machine with runAsync() (a Runner does)`);
    }
    let status = typeof req === "number" ? req : S.DISK_OK;
    if (typeof req !== "number") {
      const buf = this.u8.subarray(S.DISK_BUF, S.DISK_BUF + req.len);
      try {
        if (req.op === S.DISK_WRITE) req.dev.write(req.offset, buf);
        else req.dev.read(req.offset, buf);
      } catch (e) {
        status = this.diskFailed(req.drive, e);
      }
    }
    this.diskDone(req, status);
  }

  /** serveDisk() for any device: an asynchronous one is awaited (with diskTimeoutMs as the
   * limit). Its bytes go through a buffer of their own, so an answer that comes after the
   * limit changes nothing the guest sees. */
  async serveDiskAsync(): Promise<void> {
    if (this.r32(S.DISK_REQ_STATE) !== 1) return;
    const req = this.diskRequest();
    if (typeof req === "number" || !req.dev.async) { this.serveDisk(); return; }
    let status = S.DISK_OK;
    const data = req.op === S.DISK_WRITE ? this.u8.slice(S.DISK_BUF, S.DISK_BUF + req.len) : new Uint8Array(req.len);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const io = req.op === S.DISK_WRITE ? writeTo(req.dev, req.offset, data) : readFrom(req.dev, req.offset, data);
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.diskTimeoutMs / 1000} s`)), this.diskTimeoutMs);
      });
      await Promise.race([io, limit]);
      if (req.op === S.DISK_READ) this.u8.set(data, S.DISK_BUF);
    } catch (e) {
      status = this.diskFailed(req.drive, e);
    } finally {
      clearTimeout(timer);
    }
    this.diskDone(req, status);
  }

  private diskRequestIsAsync(): boolean {
    return !!this.drives[this.r32(S.DISK_REQ_DRIVE)]?.async;
  }

  // The posted request, or the error status it gets without asking the device
  private diskRequest(): { drive: number; op: number; offset: number; len: number; dev: BlockDevice } | number {
    const drive = this.r32(S.DISK_REQ_DRIVE), op = this.r32(S.DISK_REQ_OP);
    const offset = Number(this.r64(S.DISK_REQ_OFFSET)), len = this.r32(S.DISK_REQ_LEN);
    const dev = this.drives[drive] ?? null;
    if (!dev || len > S.DISK_BUF_SIZE || offset + len > dev.size) return S.DISK_ERR_RANGE;
    if (op === S.DISK_WRITE && dev.readOnly) return S.DISK_ERR_READONLY;
    return { drive, op, offset, len, dev };
  }

  private diskFailed(drive: number, e: unknown): number {
    this.diskStats.lastError = `${DRIVE_NAMES[drive]} (${this.driveLabels[drive]}): ${(e as Error)?.message ?? e}`;
    return S.DISK_ERR_IO;
  }

  private diskDone(req: { op: number; len: number } | number, status: number): void {
    this.diskStats.requests++;
    if (status !== S.DISK_OK) this.diskStats.errors++;
    else if (typeof req !== "number") {
      if (req.op === S.DISK_WRITE) this.diskStats.bytesWritten += req.len;
      else this.diskStats.bytesRead += req.len;
    }
    this.w32(S.DISK_REQ_STATUS, status);
    this.core.disk_done();
  }

  /** Bytes the guest wrote to the debug port since the last call. */
  drainDebug(): string {
    const head = this.r32(S.DEBUG_HEAD);
    let tail = this.r32(S.DEBUG_TAIL);
    if (head === tail) return "";
    // the ring keeps the newest DEBUG_RING_SIZE bytes
    if (head - tail > S.DEBUG_RING_SIZE) tail = head - S.DEBUG_RING_SIZE;
    const bytes = new Uint8Array(head - tail);
    for (let i = 0; tail + i !== head; i++) bytes[i] = this.u8[S.DEBUG_RING + ((tail + i) % S.DEBUG_RING_SIZE)];
    this.w32(S.DEBUG_TAIL, head);
    return this.debugDecoder.decode(bytes);
  }

  /** Bytes the guest transmitted on COM n+1 (n = 0..3) since the last call. */
  serialOut(n: number): Uint8Array {
    const q = S.QUEUE_SERIAL_OUT + n * 0x4000;
    const cap = 0x4000 - 8;
    const head = this.r32(q);
    let tail = this.r32(q + 4);
    const out = new Uint8Array((head - tail) >>> 0);
    for (let i = 0; tail !== head; i++, tail = (tail + 1) >>> 0) out[i] = this.u8[q + 8 + (tail % cap)];
    this.w32(q + 4, head);
    return out;
  }

  /** Queue bytes for the guest to receive on COM n+1 (n = 0..3), at the line rate the guest
   * programmed. Returns how many fit (the queue holds 4088 bytes). */
  serialIn(n: number, bytes: Uint8Array | ArrayLike<number>): number {
    if (this.inputTap?.replaying) return bytes.length;
    const q = S.QUEUE_SERIAL_IN + n * 0x1000;
    const cap = 0x1000 - 8;
    let head = this.r32(q);
    const tail = this.r32(q + 4);
    let i = 0;
    for (; i < bytes.length && ((head - tail) >>> 0) < cap; i++, head = (head + 1) >>> 0) this.u8[q + 8 + (head % cap)] = bytes[i] & 0xff;
    if (i === 0) return 0; // (nothing new for the UART: a recording has nothing to note either)
    this.w32(q, head);
    this.core.serial_input(n);
    this.inputTap?.delivered(this, { kind: "serial", port: n, bytes: Array.from(bytes).slice(0, i).map((b) => b & 0xff) });
    return i;
  }

  /** Keyboard input: scancode set 2 bytes (make codes, F0-prefixed break codes, E0/E1
   * prefixes) as a PS/2 keyboard sends them. Send one make per key press: the emulated keyboard
   * does its own typematic repeat, so drop the host's auto-repeat. All bytes or none are
   * queued (false: the queue is full). With ack, the BIOS's "a key was asked for" flag
   * (BIOS_FLAGS bit 1) is cleared as the key goes in (host/run.ts types that way). */
  sendScancodes(bytes: ArrayLike<number>, ack = false): boolean {
    if (this.inputTap?.replaying) return true;
    return this.deliver({ kind: "keys", bytes: Array.from(bytes), ack });
  }

  /** Put an input into the machine now (the replayer's way in; the public methods above
   * come here too). False when its queue is full. */
  deliver(e: InputEvent): boolean {
    if (e.kind === "serial") {
      const tap = this.inputTap;
      this.inputTap = undefined;
      try { if (this.serialIn(e.port ?? 0, e.bytes) !== e.bytes.length) return false; } finally { this.inputTap = tap; }
    } else {
      if (!this.queuePut(e.kind === "keys" ? S.QUEUE_KEYS : S.QUEUE_MOUSE, 0x1000, e.bytes)) return false;
      if (e.ack) this.w32(S.BIOS_FLAGS, this.r32(S.BIOS_FLAGS) & ~2);
      this.core.input_ready();
    }
    this.inputTap?.delivered(this, e);
    return true;
  }

  /** Skip virtual time forward to t while the guest idles (deterministic runs; host/run.ts):
   * never past an input a replay delivers at this instruction. */
  idleUntil(t: bigint): void {
    this.core.idle_until(this.inputTap ? this.inputTap.idleLimit(this, t) : t);
  }

  /** Mouse input: relative movement (dx right, dy DOWN, in counts at 4 per mm), the full button
   * state (bit0 left, bit1 right, bit2 middle, bit3 back, bit4 forward: MouseEvent.buttons) and
   * wheel steps (positive = toward the user, like deltaY). Large moves are split into records
   * of at most 127 counts. False when the queue is full. */
  sendMouse(dx: number, dy: number, buttons: number, wheel = 0): boolean {
    const rec: number[] = [];
    const clamp = (v: number) => Math.max(-127, Math.min(127, v));
    dx = Math.trunc(dx); dy = Math.trunc(dy); wheel = Math.trunc(wheel);
    do {
      const x = clamp(dx), y = clamp(dy), z = clamp(wheel);
      rec.push(x & 0xff, y & 0xff, buttons & 0x1f, z & 0xff);
      dx -= x; dy -= y; wheel -= z;
    } while (dx !== 0 || dy !== 0 || wheel !== 0);
    if (this.inputTap?.replaying) return true;
    return this.deliver({ kind: "mouse", bytes: rec });
  }

  // The host is the producer of input queues (core-as/bus/queue.ts): it writes head only.
  private queuePut(q: number, size: number, bytes: ArrayLike<number>): boolean {
    const cap = size - 8;
    let head = this.r32(q);
    const tail = this.r32(q + 4);
    if (cap - ((head - tail) >>> 0) < bytes.length) return false;
    for (let i = 0; i < bytes.length; i++, head = (head + 1) >>> 0) this.u8[q + 8 + (head % cap)] = bytes[i] & 0xff;
    this.w32(q, head);
    return true;
  }

  /** The text on the screen as the VGA shows it now (CRTC start address, offset, geometry from
   * the registers), code page 437 mapped to Unicode: rows joined by \n, trailing spaces
   * trimmed per row. Empty in a graphics mode. */
  screenText(): string {
    this.core.vga_render();
    if (this.r32(VGA_SCREEN) === 1) return "";
    const cols = this.r32(VGA_SCREEN + 0x0c), rows = this.r32(VGA_SCREEN + 0x10);
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) {
      let s = "";
      for (let c = 0; c < cols; c++) s += CP437[this.u8[S.VGA_TEXT + (r * cols + c) * 2]];
      lines.push(s.replace(/[ \u00a0]+$/, ""));
    }
    return lines.join("\n");
  }

  /** The text cells (character, attribute) and the cursor cell (-1 when off), after screenText()
   * or screenPixels(). */
  screenCells(): { cols: number; rows: number; cells: Uint8Array; cursor: { col: number; row: number } } {
    const cols = this.r32(VGA_SCREEN + 0x0c), rows = this.r32(VGA_SCREEN + 0x10);
    return {
      cols, rows,
      cells: this.u8.slice(S.VGA_TEXT, S.VGA_TEXT + cols * rows * 2),
      cursor: { col: this.dv.getInt32(VGA_SCREEN + 0x14, true), row: this.dv.getInt32(VGA_SCREEN + 0x18, true) },
    };
  }

  /** The display as RGBA pixels: a view of the core's framebuffer (no copy), valid until the
   * next call. The core redraws only what the guest changed since the previous call; `dirty`
   * is the range of lines [y0, y1) that changed, so a display needs to copy only those
   * (y0 == y1: nothing changed). Text and graphics modes alike. */
  screenPixels(): { width: number; height: number; data: Uint8ClampedArray; dirty: { y0: number; y1: number } } {
    this.core.vga_render();
    const width = this.r32(VGA_SCREEN + 0x04), height = this.r32(VGA_SCREEN + 0x08);
    const dirty = { y0: this.r32(VGA_SCREEN + 0x24), y1: this.r32(VGA_SCREEN + 0x28) };
    return { width, height, data: new Uint8ClampedArray(this.memory.buffer, S.FRAMEBUFFER, width * height * 4), dirty };
  }

  /** A copy of the whole picture now (for screenshots): RGBA, width x height. */
  screenshot(): { width: number; height: number; data: Uint8Array } {
    this.core.vga_invalidate();
    const p = this.screenPixels();
    return { width: p.width, height: p.height, data: new Uint8Array(p.data) };
  }

  /** Whether the display is in a graphics mode (VGA or VBE) now. */
  graphicsMode(): boolean {
    this.core.vga_render();
    return this.r32(VGA_SCREEN) === 1;
  }

  /** Make `port` the exit port (QEMU's isa-debug-exit): a guest write of V ends the run with
   * status (V << 1) | 1 (host/run.ts). A port that a device already has is refused. */
  setExitPort(port: number): void {
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new ConfigError(`exit port ${port}: ports are 0 to 0xFFFF`);
    const owner = this.core.exit_port_set(port);
    if (owner !== 0) throw new ConfigError(`exit port 0x${port.toString(16)}: the port belongs to ${PORT_DEVICES[owner] ?? "device " + owner}`);
  }

  /** The value the guest wrote to the exit port (after run() returned EXIT_GUEST_EXIT). */
  get guestExitValue(): number { return this.r32(S.GUEST_EXIT_VALUE); }

  /** Record every write to `port` (drainPortTrace() returns them). */
  tracePort(port: number, on = true): void {
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new ConfigError(`trace port ${port}: ports are 0 to 0xFFFF`);
    const at = S.PORT_WATCH + (port >> 3);
    this.u8[at] = on ? this.u8[at] | (1 << (port & 7)) : this.u8[at] & ~(1 << (port & 7));
  }

  /** The writes to traced ports since the last call, oldest first (the ring keeps the newest
   * PORT_TRACE_SIZE). */
  drainPortTrace(): { port: number; size: number; value: number }[] {
    const head = this.r32(S.PORT_TRACE_HEAD);
    let tail = this.r32(S.PORT_TRACE_TAIL);
    if (head - tail > S.PORT_TRACE_SIZE) tail = head - S.PORT_TRACE_SIZE;
    const out: { port: number; size: number; value: number }[] = [];
    for (; tail !== head; tail = (tail + 1) >>> 0) {
      const at = S.PORT_TRACE_RING + (tail & (S.PORT_TRACE_SIZE - 1)) * 8;
      out.push({ value: this.r32(at), port: this.dv.getUint16(at + 4, true), size: this.u8[at + 6] });
    }
    this.w32(S.PORT_TRACE_TAIL, head);
    return out;
  }

  /** The last n instructions executed (oldest first), when the machine was created with
   * traceCpu; empty otherwise. */
  traceCpu(n: number = S.TRACE_LEN): TracedInstruction[] {
    const head = this.r32(S.TRACE_HEAD);
    const count = Math.min(head, n, S.TRACE_LEN);
    const out: TracedInstruction[] = [];
    for (let i = head - count; i < head; i++) {
      const e = S.TRACE + (i & (S.TRACE_LEN - 1)) * S.TRACE_ENTRY;
      const len = this.u8[e + 10];
      const fetched = this.u8.slice(e + 16, e + 32);
      out.push({ linear: this.r32(e), eip: this.r32(e + 4), cs: this.dv.getUint16(e + 8, true), bits: this.u8[e + 11], bytes: fetched.slice(0, len), fetched });
    }
    return out;
  }

  r32(addr: number): number { return this.dv.getUint32(addr, true); }
  w32(addr: number, v: number): void { this.dv.setUint32(addr, v >>> 0, true); }
  r64(addr: number): bigint { return this.dv.getBigUint64(addr, true); }

  get instructions(): bigint { return this.r64(S.ICOUNT); }
  get postCode(): number { return this.r32(S.POST_CODE); }
  get haltUntil(): bigint { return this.r64(S.HALT_UNTIL); }

  reg(i: number): number { return this.r32(S.REGS + i * 4); }
  setReg(i: number, v: number): void { this.w32(S.REGS + i * 4, v); }

  /** Guest physical RAM (a view; valid for the machine's life since memory never grows). */
  ram(): Uint8Array {
    return this.u8.subarray(S.RAM, S.RAM + this.r32(S.MEM_SIZE));
  }

  fatalName(): string {
    return FATAL_NAMES[this.r32(S.FATAL_CODE)] ?? String(this.r32(S.FATAL_CODE));
  }

  /** The register dump printed when a run ends on an error (DESIGN.md principle 11): with the
   * instruction trace on, the last `traceCount` instructions (disassembled with `disasm`, or as
   * bytes), the last one being where the machine stopped. */
  dump(disasm?: Disassembler, traceCount = 16): string {
    const h = (v: number, w = 8) => (v >>> 0).toString(16).padStart(w, "0");
    const mode = this.r32(S.MODE);
    const modeName = (mode & S.MODE_PE) === 0 ? "real" : (mode & S.MODE_VM) ? "virtual-8086" : (mode & S.MODE_CODE32) ? "protected 32-bit" : "protected 16-bit";
    const names = ["EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"];
    const segs = ["ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR"];
    const lines: string[] = [];
    const eip = this.r32(S.EIP);
    lines.push(`mode ${modeName}${mode & S.MODE_PG ? ", paging" : ""}, CPL ${this.r32(S.CPL)}, CS:EIP ${h(this.r32(S.SEG_SEL + 4), 4)}:${h(eip)}, EFLAGS ${h(this.core.eflags())}`);
    lines.push(names.map((n, i) => `${n} ${h(this.reg(i))}`).join("  "));
    for (let s = 0; s < 8; s++) {
      lines.push(`${segs[s].padEnd(4)} sel ${h(this.r32(S.SEG_SEL + s * 4), 4)} base ${h(this.r32(S.SEG_BASE + s * 4))} limit ${h(this.r32(S.SEG_LIMIT + s * 4))} attr ${h(this.r32(S.SEG_ATTR + s * 4), 4)}`);
    }
    lines.push(`CR0 ${h(this.r32(S.CR0))} CR2 ${h(this.r32(S.CR2))} CR3 ${h(this.r32(S.CR3))} CR4 ${h(this.r32(S.CR4))}  GDTR ${h(this.r32(S.GDTR_BASE))}/${h(this.r32(S.GDTR_LIMIT), 4)} IDTR ${h(this.r32(S.IDTR_BASE))}/${h(this.r32(S.IDTR_LIMIT), 4)}`);
    lines.push(`instructions ${this.instructions}, last POST code ${h(this.postCode, 2)}, last exception vector ${this.r32(S.EXC_VECTOR)} error ${h(this.r32(S.EXC_ERROR), 4)}`);
    const trace = this.traceCpu(traceCount);
    if (trace.length === 0) {
      // the trace ring costs a copy per instruction, so it is off unless asked for (--trace-cpu)
      lines.push(`instruction at fault: CS:EIP ${h(this.r32(S.SEG_SEL + 4), 4)}:${h(this.r32(S.INSN_EIP))} (instruction trace off: --trace-cpu N keeps the last N)`);
    } else {
      lines.push(`last ${trace.length} instructions (oldest first; CS:EIP, linear address, bytes, instruction):`);
      for (const t of trace) lines.push("  " + formatTraced(t, disasm));
    }
    return lines.join("\n");
  }
}

/** One traced instruction as a line of the dump. */
export function formatTraced(t: TracedInstruction, disasm?: Disassembler): string {
  const h = (v: number, w = 8) => (v >>> 0).toString(16).padStart(w, "0");
  const hex = (b: Uint8Array) => [...b].map((x) => h(x, 2)).join(" ");
  const where = `${h(t.cs, 4)}:${h(t.eip, t.bits === 32 ? 8 : 4)} ${h(t.linear)}`;
  if (t.bytes.length === 0) return `${where}  ${hex(t.fetched.subarray(0, 4))}...  (fetch faulted)`;
  let text = "";
  if (disasm) { try { text = disasm(t.bytes, t.bits, t.eip); } catch { text = ""; } }
  return `${where}  ${hex(t.bytes).padEnd(3 * 8)}${text ? " " + text : ""}`;
}
