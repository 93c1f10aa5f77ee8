// The `tab86` command (DESIGN.md, "The CLI contract"). Parses flags, builds a machine, runs it
// and reports. Exit status: 0 done (pattern matched, or the guest halted when no --until was
// given), 1 --until not matched before the timeout or the guest stopped, 2 bad usage or input,
// 3 triple fault, 4 emulator error. Errors are one line naming the problem; a triple fault or an
// emulator error also prints the register dump.
import { writeSync, openSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { encodePng } from "../host/png.js";
import { Machine, ConfigError, checkMem, checkVram } from "../host/machine.js";
import { createNodeMachine, readImage, defaultBiosPath, openDiskImage, FileDisk } from "../host/node.js";
import { parseKeys } from "../host/keys.js";
import { runMachine } from "../host/run.js";
import { loadKernel } from "../host/kernel.js";
import { elToritoProblem } from "../host/eltorito.js";
import * as S from "../core-as/state.js";

const USAGE = `usage: tab86 [--fda IMG] [--fdb IMG] [--hda IMG] [--hdb IMG] [--cdrom ISO] [--persist]
             [--boot ORDER] [--kernel FILE [--initrd FILE] [--append TEXT]]
             [--bios ROM] [--mem MiB] [--vram MiB] [--serial stdio|none|file:PATH] [--debug-port stdio|file:PATH]
             [--screen] [--screenshot PNG] [--send KEYS] [--until REGEX] [--timeout SECONDS] [--stats] [--deterministic]
             [--no-jit]

  --fda IMG, --fdb IMG  floppy images for drives A: and B: (160K .. 2.88M by size); the guest's
                        writes stay in memory, the file is never changed
  --hda IMG, --hdb IMG  hard disk images (whole 512-byte sectors) on the primary IDE channel,
                        master and slave; the guest's writes stay in memory unless --persist
  --cdrom ISO         a CD image (whole 2048-byte sectors) in the CD-ROM drive, the secondary
                        IDE master
  --persist           write the guest's changes to the --hda/--hdb image files
  --boot ORDER        boot devices in order: a, b (floppies), c (first hard disk), d (CD);
                      e.g. --boot dc (default acd: the first that has
                      something to boot)
  --kernel FILE       start a Linux bzImage (boot protocol 2.02+) or a multiboot ELF kernel
                      directly after POST, as a boot loader would
  --initrd FILE       Linux: the initial ramdisk; multiboot: modules, FILE[,FILE...]
  --append TEXT       the kernel command line (vga=MODE is honoured as boot loaders do)
  --serial DEST       COM1: stdio (default: output to stdout; input from stdin, a terminal in
                      raw mode where Ctrl-A X quits), none, or file:PATH (output only)
  --bios ROM          BIOS image (64 KiB to 1 MiB), mapped below 1 MiB and 4 GiB
                      (default: the built-in BIOS)
  --mem MiB           guest RAM, 1 to 3072 (default 32)
  --vram MiB          SVGA video memory, a power of two from 4 to 64 (default 16)
  --screen            print the 80x25 text screen when the run ends
  --screenshot PNG    write what the display shows when the run ends (text or graphics) as
                      a PNG file
  --send KEYS         type KEYS once the guest reads the keyboard: text, \n or {Enter}, {Tab},
                      {Esc}, {Backspace}, {Up} {Down} {Left} {Right}, {Home} {End} {PgUp} {PgDn},
                      {Ins} {Del}, {F1}..{F12}, modifiers {Ctrl-C} {Alt-X} {Shift-Tab}; {{ types {
  --debug-port DEST   where bytes written to port 0xE9 go: stdio, file:PATH (default: discarded)
  --until REGEX       stop with status 0 when the serial output, the debug output or the text
                      screen matches REGEX
  --timeout SECONDS   give up after this long (status 1)
  --stats             print one JSON line of counters at exit (to stderr)
  --deterministic     virtual time follows the instruction count: repeatable runs
  --no-jit            run every instruction in the interpreter (no compiled code)`;

// Flags of the CLI contract that later work adds; named so the error says so.
const LATER = new Set(["--vga-bios", "--save-state", "--load-state"]);

interface Args {
  bios?: string;
  fda?: string;
  fdb?: string;
  hda?: string;
  hdb?: string;
  cdrom?: string;
  persist: boolean;
  boot: number;
  screen: boolean;
  send?: number[][];
  mem: number;
  vram?: number;
  screenshot?: string;
  debugPort?: string;
  until?: RegExp;
  timeout?: number;
  stats: boolean;
  noJit?: boolean;
  deterministic: boolean;
  kernel?: string;
  initrd?: string;
  append?: string;
  serial: string;
}

class UsageError extends Error {}

// Floppy formats by image size (the same list as devices/fdc.ts)
const FLOPPY_SIZES = new Set([163840, 184320, 327680, 368640, 737280, 1228800, 1474560, 1720320, 1763328, 2949120]);
function floppyGeometry(size: number): number | undefined { return FLOPPY_SIZES.has(size) ? size : undefined; }

function parseArgs(argv: string[]): Args {
  const a: Args = { mem: 32, stats: false, deterministic: false, boot: 0, screen: false, serial: "stdio", persist: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--bios": a.bios = value(); break;
      case "--fda": a.fda = value(); break;
      case "--fdb": a.fdb = value(); break;
      case "--hda": a.hda = value(); break;
      case "--hdb": a.hdb = value(); break;
      case "--cdrom": a.cdrom = value(); break;
      case "--persist": a.persist = true; break;
      case "--boot": {
        const v = value();
        if (!/^[a-d]{1,4}$/.test(v)) throw new UsageError(`--boot ${v}: expected drive letters a, b, c, d in boot order`);
        let order = 0;
        // BIOS_BOOT_ORDER nibbles (bios/post.ts): 1 A:, 2 B:, 3 first hard disk, 4 first CD
        for (let k = 0; k < v.length; k++) order |= (v.charCodeAt(k) - 0x60) << (4 * k);
        a.boot = order;
        break;
      }
      case "--screen": a.screen = true; break;
      case "--screenshot": a.screenshot = value(); break;
      case "--vram": {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--vram ${v}: not a whole number of MiB`);
        a.vram = Number(v);
        break;
      }
      case "--send": {
        const v = value();
        try { a.send = parseKeys(v); } catch (e) { throw new UsageError((e as Error).message); }
        break;
      }
      case "--mem": {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--mem ${v}: not a whole number of MiB`);
        a.mem = Number(v);
        break;
      }
      case "--debug-port": {
        const v = value();
        if (v !== "stdio" && v !== "none" && !v.startsWith("file:")) throw new UsageError(`--debug-port ${v}: expected stdio, none or file:PATH`);
        if (v === "file:") throw new UsageError(`--debug-port file: needs a path`);
        a.debugPort = v;
        break;
      }
      case "--until": {
        const v = value();
        try { a.until = new RegExp(v, "m"); } catch (e) { throw new UsageError(`--until ${v}: not a valid regular expression (${(e as Error).message})`); }
        break;
      }
      case "--timeout": {
        const v = value();
        const n = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) throw new UsageError(`--timeout ${v}: expected a positive number of seconds`);
        a.timeout = n;
        break;
      }
      case "--kernel": a.kernel = value(); break;
      case "--initrd": a.initrd = value(); break;
      case "--append": a.append = value(); break;
      case "--serial": {
        const v = value();
        if (v !== "stdio" && v !== "none" && !v.startsWith("file:")) throw new UsageError(`--serial ${v}: expected stdio, none or file:PATH`);
        if (v === "file:") throw new UsageError(`--serial file: needs a path`);
        a.serial = v;
        break;
      }
      case "--stats": a.stats = true; break;
      case "--deterministic": a.deterministic = true; break;
      case "--no-jit": a.noJit = true; break;
      case "--help": case "-h": throw new UsageError("");
      default:
        if (LATER.has(flag)) throw new UsageError(`${flag} is not available yet in this version of tab86`);
        throw new UsageError(`unknown flag ${flag}`);
    }
  }
  if ((a.initrd !== undefined || a.append !== undefined) && a.kernel === undefined) throw new UsageError(`${a.initrd !== undefined ? "--initrd" : "--append"} needs --kernel`);
  if (a.kernel !== undefined && a.boot) throw new UsageError(`--boot and --kernel: the kernel is started instead of booting a device; give one of them`);
  return a;
}

function out(fd: number, s: string): void { writeSync(fd, s); }

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
    checkMem(args.mem);
    if (args.vram !== undefined) checkVram(args.vram);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      if (e.message) out(2, `tab86: ${e.message}\n`);
      out(2, (e.message ? "run tab86 --help for the flags\n" : USAGE + "\n"));
      return e.message ? 2 : 0;
    }
    throw e;
  }
  let machine: Machine;
  try {
    const rom = args.bios ? readImage(args.bios, "--bios") : readImage(defaultBiosPath(), "built-in BIOS");
    const fda = args.fda !== undefined ? readImage(args.fda, "--fda") : undefined;
    const fdb = args.fdb !== undefined ? readImage(args.fdb, "--fdb") : undefined;
    for (const [img, flag, path] of [[fda, "--fda", args.fda], [fdb, "--fdb", args.fdb]] as const) {
      if (img && floppyGeometry(img.length) === undefined) throw new ConfigError(`${flag} ${path}: ${img.length} bytes is not a floppy image size (160K, 180K, 320K, 360K, 720K, 1.2M, 1.44M, 1.68M, 1.72M, 2.88M)`);
    }
    // TAB86_CORE=debug runs the core built with assertions and names (for emulator bugs)
    machine = await createNodeMachine({ memMiB: args.mem, vramMiB: args.vram, rom, deterministic: args.deterministic, stopOnTripleFault: true, jit: args.noJit ? "off" : undefined }, process.env.TAB86_CORE === "debug");
    if (fda) machine.insertFloppy(0, fda);
    if (fdb) machine.insertFloppy(1, fdb);
    if (args.hda !== undefined) machine.attachDisk(0, "hd", openDiskImage(args.hda, "--hda", args.persist), `--hda ${args.hda}`);
    if (args.hdb !== undefined) machine.attachDisk(1, "hd", openDiskImage(args.hdb, "--hdb", args.persist), `--hdb ${args.hdb}`);
    if (args.cdrom !== undefined) machine.attachDisk(2, "cd", new FileDisk(args.cdrom, "--cdrom", false), `--cdrom ${args.cdrom}`);
    if (args.boot) machine.w32(S.BIOS_BOOT_ORDER, args.boot);
    if (args.boot === 4 && args.cdrom !== undefined) {
      // booting only from the CD: say now if it cannot work
      const why = elToritoProblem(new FileDisk(args.cdrom, "--cdrom", false));
      if (why) throw new ConfigError(`--cdrom ${args.cdrom}: not bootable: ${why}`);
    }
    if (args.kernel !== undefined) {
      const initrd = args.initrd?.split(",").map((f) => ({ name: f, data: readImage(f, "--initrd") }));
      loadKernel(machine, { kernel: readImage(args.kernel, "--kernel"), name: args.kernel, initrd, append: args.append });
    }
  } catch (e) {
    if (e instanceof ConfigError) { out(2, `tab86: ${e.message}\n`); return 2; }
    throw e;
  }
  let debugFd = -1;
  if (args.debugPort === "stdio") debugFd = 1;
  else if (args.debugPort?.startsWith("file:")) {
    const path = args.debugPort.slice(5);
    try { debugFd = openSync(path, "w"); } catch (e) { out(2, `tab86: --debug-port ${path}: cannot open for writing (${(e as Error).message})\n`); return 2; }
  }
  const serial = openSerial(args.serial);
  if (serial === null) return 2;
  const result = await runMachine(machine, {
    onSerial: serial.write,
    serialInput: serial.input,
    signal: serial.stop.signal,
    until: args.until,
    timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined,
    onDebug: debugFd >= 0 ? (t) => out(debugFd, t) : undefined,
    untilScreen: true,
    send: args.send,
  });
  serial.close();
  if (args.screen) out(1, machine.screenText() + "\n");
  if (args.screenshot !== undefined) {
    const shot = machine.screenshot();
    try {
      writeFileSync(args.screenshot, encodePng(shot.width, shot.height, shot.data, (raw) => deflateSync(raw, { level: 9 })));
    } catch (e) {
      out(2, `tab86: --screenshot ${args.screenshot}: cannot write (${(e as Error).message})\n`);
      return 2;
    }
  }
  let status = 0;
  switch (result.end) {
    case "matched": status = 0; break;
    case "stopped": status = 0; break;
    case "timeout":
      out(2, args.until ? `tab86: timeout after ${args.timeout} s: "${args.until.source}" did not appear\n` : `tab86: stopped after ${args.timeout} s\n`);
      status = args.until ? 1 : 0;
      break;
    case "halted":
      if (args.until) { out(2, `tab86: the guest halted with interrupts off before "${args.until.source}" appeared\n`); status = 1; }
      break;
    case "triple-fault":
      out(2, `tab86: triple fault (the guest could not deliver an exception); machine state:\n${machine.dump()}\n`);
      status = 3;
      break;
    case "fatal":
      out(2, `tab86: emulator error (${result.error ?? machine.fatalName()}); machine state:\n${machine.dump()}\n`);
      status = 4;
      break;
  }
  if (args.stats) {
    const secs = result.seconds;
    const insns = Number(result.instructions);
    out(2, JSON.stringify({
      instructions: insns,
      seconds: Number(secs.toFixed(3)),
      mips: Number((insns / secs / 1e6).toFixed(2)),
      exit: result.end,
      post_code: machine.postCode,
      tlb_misses: Number(machine.r64(S.TLB_MISSES)),
      tlb_flushes: Number(machine.r64(S.TLB_FLUSHES)),
      page_faults: Number(machine.r64(S.PAGE_FAULTS)),
      jit: machine.jit.mode,
      ...machine.jitStats(),
    }) + "\n");
  }
  return status;
}

// COM1 on the terminal: output to stdout; input from stdin. A terminal is put in raw mode (so
// Ctrl-C reaches the guest) and Ctrl-A X quits, as in QEMU's -nographic; Ctrl-A Ctrl-A sends
// one Ctrl-A.
interface Serial { write?: (b: Uint8Array) => void; input: number[]; stop: AbortController; close: () => void }
function openSerial(dest: string): Serial | null {
  const stop = new AbortController();
  const input: number[] = [];
  if (dest === "none") return { input, stop, close: () => {} };
  if (dest.startsWith("file:")) {
    let fd: number;
    try { fd = openSync(dest.slice(5), "w"); } catch (e) { out(2, `tab86: --serial ${dest.slice(5)}: cannot open for writing (${(e as Error).message})\n`); return null; }
    return { write: (b) => { writeSync(fd, b); }, input, stop, close: () => {} };
  }
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  let escape = false;
  const onData = (chunk: Buffer): void => {
    for (const byte of chunk) {
      if (tty && escape) {
        escape = false;
        if (byte === 0x78 || byte === 0x58) { stop.abort(); return; } // x: quit
        if (byte === 0x01) input.push(0x01);
        continue;
      }
      if (tty && byte === 0x01) { escape = true; continue; }
      input.push(byte);
    }
  };
  if (tty) stdin.setRawMode(true);
  stdin.on("data", onData);
  stdin.on("error", () => {});
  return {
    write: (b) => { writeSync(1, b); },
    input, stop,
    close: () => {
      stdin.off("data", onData);
      if (tty) stdin.setRawMode(false);
      stdin.pause();
      (stdin as { unref?: () => void }).unref?.();
    },
  };
}
