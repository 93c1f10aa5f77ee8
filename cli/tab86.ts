// The `tab86` command (DESIGN.md, "The CLI contract"). Parses flags, builds a machine, runs it
// and reports. Exit status: 0 done (pattern matched, or the guest halted when no --until was
// given), 1 --until not matched before the timeout or the guest stopped, 2 bad usage or input,
// 3 triple fault, 4 emulator error. Errors are one line naming the problem; a triple fault or an
// emulator error also prints the register dump.
import { writeSync, openSync, writeFileSync, readFileSync, existsSync, mkdirSync } from "node:fs";
import { Machine, ConfigError, checkMem, checkVram, Disassembler } from "../host/machine.js";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join, dirname } from "node:path";
import { parseKeys } from "../host/keys.js";
import { RunEnd, RunResult, stripControls } from "../host/run.js";
import { Session, Step, parseScript, patternOf, runSteps, describeStep, TypeTarget, StepsOutcome } from "../host/script.js";
import { buildMachine, bootOrder, parsePort, screenshotPng, exitStatus, readSnapshotFile } from "../host/api.js";
import { DiskName, DISK_NAMES, sessionChanges, currentImage, writeImageFile } from "../host/disks.js";
import { saveState, restoreState, readHeader, SnapshotError } from "../host/snapshot.js";
import { InputRecorder, InputReplayer, parseInputLog, ReplayError } from "../host/replay.js";
import { loadDisassembler } from "../host/disasm.js";
import { readExport } from "../host/sandbox.js";
import * as S from "../core-as/state.js";

const USAGE = `usage: tab86 [--fda IMG] [--fdb IMG] [--hda IMG] [--hdb IMG] [--cdrom ISO] [--persist]
             [--overlay DRIVE=FILE] [--save-overlay DRIVE=FILE] [--commit-disk DRIVE=FILE]
             [--boot ORDER] [--kernel FILE [--initrd FILE] [--append TEXT]]
             [--bios ROM] [--mem MiB] [--vram MiB] [--serial stdio|none|file:PATH] [--debug-port stdio|file:PATH]
             [--screen] [--screenshot PNG] [--send KEYS] [--until REGEX] [--timeout SECONDS] [--stats] [--deterministic]
             [--expect REGEX] [--type TEXT] [--script FILE] [--type-to keyboard|serial|auto]
             [--exit-port PORT] [--trace-port PORT[=FILE]] [--trace-cpu N] [--no-jit]
             [--sandbox FILE|DIR]... [--export DIR]
             [--save-state FILE] [--load-state FILE] [--record FILE] [--replay FILE]

With no image flag (--fda --fdb --hda --hdb --cdrom --kernel --bios), tab86 boots the small
Linux that \`npm run images\` builds from Debian's packages (built first when missing), with
its console on this terminal: Ctrl-A X quits (Ctrl-A S saves the state with --save-state).

  --fda IMG, --fdb IMG  floppy images for drives A: and B: (160K .. 2.88M by size); the guest's
                        writes stay in memory, the file is never changed
  --hda IMG, --hdb IMG  hard disk images (whole 512-byte sectors) on the primary IDE channel,
                        master and slave; the guest's writes stay in memory unless --persist
  --cdrom ISO         a CD image (whole 2048-byte sectors) in the CD-ROM drive, the secondary
                        IDE master
                      IMG and ISO may be http:// or https:// URLs: disks and CDs are read
                        lazily with range requests, floppies whole (docs/disks.md)
  --persist           write the guest's changes to the --hda/--hdb image files
  --overlay D=FILE    apply an overlay file (saved by --save-overlay) over drive D's image
                        before the start (D: fda, fdb, hda, hdb, cdrom); repeat to stack
  --save-overlay D=FILE  at exit, save what the guest changed on drive D this run (the
                        changed 4 KiB blocks, docs/disks.md) to FILE
  --commit-disk D=FILE   at exit, write drive D's whole image as the guest left it to the new
                        image file FILE (the original is not changed)
  --boot ORDER        boot devices in order: a, b (floppies), c (first hard disk), d (CD);
                      e.g. --boot dc (default acd: the first that has
                      something to boot)
  --kernel FILE       start a Linux bzImage (boot protocol 2.02+) or a multiboot ELF kernel
                      directly after POST, as a boot loader would
  --initrd FILE       Linux: the initial ramdisk; multiboot: modules, FILE[,FILE...]
  --append TEXT       the kernel command line (vga=MODE is honoured as boot loaders do)
  --serial DEST       COM1: stdio (default: output to stdout; input from stdin, a terminal in
                      raw mode where Ctrl-A X quits and Ctrl-A S saves the state to the
                      --save-state file), none, or file:PATH (output only)
  --bios ROM          BIOS image (64 KiB to 1 MiB), mapped below 1 MiB and 4 GiB
                      (default: the built-in BIOS)
  --mem MiB           guest RAM, 1 to 3072 (default 128)
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
  --expect REGEX      a step: run until REGEX appears (serial, debug port or text screen)
  --type TEXT         a step: type TEXT (--send notation) once the --expect before it matched
  --script FILE       steps from FILE, one a line: expect REGEX [timeout S] [from serial,debug,screen],
                      type TEXT, key NAME, wait S, screenshot FILE, save-state FILE,
                      exit [STATUS] (docs/scripting.md)
                      (with steps, --timeout is each expect's limit, default 60 s; a step that
                      fails exits 1 naming the step, with the screen)
  --type-to WHERE     where typed text goes: keyboard, serial (COM1) or auto (default: COM1
                      after a match in the serial output, else the keyboard)
  --exit-port PORT    QEMU's isa-debug-exit: a guest write of V to PORT exits with status
                      (V << 1) | 1 (off by default; e.g. --exit-port 0xf4)
  --trace-port P[=F]  record every write to port P (e.g. 0x80, POST codes): as lines on stderr,
                      or the bytes written into file F; repeatable
  --trace-cpu N       keep the last N executed instructions (up to 2048) and print them,
                      disassembled, with the register dump after a triple fault or an error
  --no-jit            run every instruction in the interpreter (no compiled code)
  --sandbox PATH      open a file (or a folder's files) in a throwaway Linux without network:
                      they are on a read-only disk at /mnt/sandbox, an empty export disk is at
                      /mnt/export; repeatable; boots the default Linux with its tools unless
                      --kernel is given (docs/sandbox.md)
  --export DIR        with --sandbox: when the run ends, write the files the guest put on the
                      export disk into DIR (existing files are not overwritten)
  --save-state FILE   save a snapshot of the machine to FILE when the run ends (also on
                      Ctrl-A S on the terminal and on SIGUSR1) (docs/snapshots.md)
  --load-state FILE   start from a snapshot instead of powering on: give the same images and
                      flags as when it was saved (--mem, --vram and --deterministic default to
                      the snapshot's)
  --record FILE       with --deterministic: write every input (keys, serial bytes, mouse) with
                      the instruction count it arrived at to FILE when the run ends
  --replay FILE       with --deterministic: deliver the inputs recorded in FILE, each at its
                      instruction count (live input is ignored)`;

// Flags of the CLI contract that later work adds; named so the error says so.
const LATER = new Set(["--vga-bios"]);

interface Args {
  steps: Step[];
  typeTo?: TypeTarget;
  exitPort?: number;
  tracePorts: { port: number; file?: string }[];
  traceCpu?: number;
  bios?: string;
  fda?: string;
  fdb?: string;
  hda?: string;
  hdb?: string;
  cdrom?: string;
  persist: boolean;
  overlays: Partial<Record<DiskName, string[]>>;
  saveOverlays: { drive: DiskName; file: string }[];
  commits: { drive: DiskName; file: string }[];
  boot?: string;
  screen: boolean;
  send?: number[][];
  mem: number;
  memGiven?: boolean;
  vram?: number;
  saveState?: string;
  loadState?: string;
  record?: string;
  replay?: string;
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
  sandbox?: string[];
  exportDir?: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const a: Args = { steps: [], tracePorts: [], mem: 128, stats: false, deterministic: false, screen: false, serial: "stdio", persist: false, overlays: {}, saveOverlays: [], commits: [] };
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
      case "--overlay": {
        const d = driveFile(flag, value());
        (a.overlays[d.drive] ??= []).push(d.file);
        break;
      }
      case "--save-overlay": a.saveOverlays.push(driveFile(flag, value())); break;
      case "--commit-disk": a.commits.push(driveFile(flag, value())); break;
      case "--boot": a.boot = value(); bootOrder(a.boot); break;
      case "--expect": {
        const v = value();
        a.steps.push({ kind: "expect", re: patternOf(v, `--expect ${v}`), where: `--expect #${a.steps.filter((s) => s.kind === "expect").length + 1}` });
        break;
      }
      case "--type": {
        const v = value();
        try { parseKeys(v); } catch (e) { throw new UsageError((e as Error).message.replace(/^--send/, "--type")); }
        a.steps.push({ kind: "type", text: v, where: `--type #${a.steps.filter((s) => s.kind === "type").length + 1}` });
        break;
      }
      case "--script": {
        const v = value();
        if (!existsSync(v)) throw new UsageError(`--script ${v}: no such file`);
        a.steps.push(...parseScript(readFileSync(v, "utf8"), v));
        break;
      }
      case "--type-to": {
        const v = value();
        if (v !== "keyboard" && v !== "serial" && v !== "auto") throw new UsageError(`--type-to ${v}: expected keyboard, serial or auto`);
        a.typeTo = v;
        break;
      }
      case "--exit-port": a.exitPort = parsePort(value(), "--exit-port"); break;
      case "--trace-port": {
        const v = value();
        const eq = v.indexOf("=");
        const file = eq >= 0 ? v.slice(eq + 1) : undefined;
        if (file === "") throw new UsageError(`--trace-port ${v}: a file name after =`);
        a.tracePorts.push({ port: parsePort(eq >= 0 ? v.slice(0, eq) : v, "--trace-port"), file });
        break;
      }
      case "--trace-cpu": {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > S.TRACE_LEN) throw new UsageError(`--trace-cpu ${v}: expected a number of instructions from 1 to ${S.TRACE_LEN}`);
        a.traceCpu = Number(v);
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
        a.memGiven = true;
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
      case "--sandbox": (a.sandbox ??= []).push(value()); break;
      case "--export": a.exportDir = value(); break;
      case "--save-state": a.saveState = value(); break;
      case "--load-state": a.loadState = value(); break;
      case "--record": a.record = value(); break;
      case "--replay": a.replay = value(); break;
      case "--help": case "-h": throw new UsageError("");
      default:
        if (LATER.has(flag)) throw new UsageError(`${flag} is not available yet in this version of tab86`);
        throw new UsageError(`unknown flag ${flag}`);
    }
  }
  for (const d of [...a.saveOverlays, ...a.commits, ...Object.keys(a.overlays).map((drive) => ({ drive: drive as DiskName }))]) {
    if (a[d.drive] === undefined) throw new UsageError(`--${d.drive} is not given: nothing to ${"file" in d ? "write" : "lay an overlay over"} for drive ${d.drive}`);
  }
  if (a.persist) {
    const s = a.saveOverlays.find((d) => d.drive === "hda" || d.drive === "hdb");
    if (s) throw new UsageError(`--save-overlay ${s.drive}=${s.file} and --persist: with --persist the changes go into the image file, there is no overlay to save`);
  }
  if ((a.initrd !== undefined || a.append !== undefined) && a.kernel === undefined) throw new UsageError(`${a.initrd !== undefined ? "--initrd" : "--append"} needs --kernel`);
  if (a.exportDir !== undefined && a.sandbox === undefined) throw new UsageError("--export needs --sandbox (it writes out what the guest put on the sandbox's export disk)");
  if (a.kernel !== undefined && a.boot) throw new UsageError(`--boot and --kernel: the kernel is started instead of booting a device; give one of them`);
  // with steps, --until is the last one
  if (a.steps.length && a.until) a.steps.push({ kind: "expect", re: a.until, where: "--until" });
  if (a.record !== undefined && a.replay !== undefined) throw new UsageError("--record and --replay: give one of them");
  return a;
}

function out(fd: number, s: string): void { writeSync(fd, s); }

// DRIVE=FILE for the disk flags
function driveFile(flag: string, v: string): { drive: DiskName; file: string } {
  const eq = v.indexOf("=");
  const drive = v.slice(0, Math.max(0, eq)) as DiskName;
  if (eq < 0 || !DISK_NAMES.includes(drive)) throw new UsageError(`${flag} ${v}: expected DRIVE=FILE with DRIVE one of ${DISK_NAMES.join(", ")}`);
  if (eq === v.length - 1) throw new UsageError(`${flag} ${v}: a file name after =`);
  return { drive, file: v.slice(eq + 1) };
}

// --save-overlay and --commit-disk at the end of the run; false (after saying why) on failure
async function writeDisks(machine: Machine, args: Args): Promise<boolean> {
  for (const { drive, file } of args.saveOverlays) {
    try {
      writeFileSync(file, sessionChanges(machine, drive)!.save());
    } catch (e) {
      out(2, `tab86: --save-overlay ${drive}=${file}: cannot write (${(e as Error).message})\n`);
      return false;
    }
  }
  for (const { drive, file } of args.commits) {
    const dev = currentImage(machine, drive);
    if (!dev) { out(2, `tab86: --commit-disk ${drive}=${file}: drive ${drive} is empty\n`); return false; }
    try {
      await writeImageFile(dev, file);
    } catch (e) {
      out(2, `tab86: --commit-disk ${drive}=${file}: ${(e as Error).message}\n`);
      return false;
    }
  }
  return true;
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  let snapshot: Uint8Array | undefined;
  try {
    args = parseArgs(argv);
    if (args.loadState !== undefined) {
      // what the snapshot needs, unless the flags say otherwise (restoreState then names the difference)
      snapshot = readSnapshotFile(args.loadState);
      const { machine: saved } = readHeader(snapshot, args.loadState).header;
      if (!args.memGiven) args.mem = saved.memMiB;
      if (args.vram === undefined && saved.vramMiB !== 16) args.vram = saved.vramMiB;
      if (saved.deterministic) args.deterministic = true;
    }
    checkMem(args.mem);
    if (args.vram !== undefined) checkVram(args.vram);
  } catch (e) {
    if (e instanceof SnapshotError) { out(2, `tab86: --load-state ${e.message}\n`); return 2; }
    if (e instanceof UsageError || e instanceof ConfigError) {
      if (e.message) out(2, `tab86: ${e.message}\n`);
      out(2, (e.message ? "run tab86 --help for the flags\n" : USAGE + "\n"));
      return e.message ? 2 : 0;
    }
    throw e;
  }
  const noImage = [args.fda, args.fdb, args.hda, args.hdb, args.cdrom, args.kernel, args.bios].every((v) => v === undefined);
  if (args.sandbox && args.kernel === undefined) {
    // the default Linux with the sandbox's tools (a second initrd archive)
    try {
      const linux = await defaultLinux();
      args.kernel = linux.kernel; args.initrd = `${linux.initrd},${linux.tools}`; args.append = linux.append;
    } catch (e) {
      out(2, `tab86: --sandbox: the default Linux could not be built: ${(e as Error).message}\n`);
      return 2;
    }
  } else if (noImage) {
    // the default machine: the Linux that `npm run images` builds, on the serial console
    try {
      const linux = await defaultLinux();
      args.kernel = linux.kernel; args.initrd = linux.initrd; args.append = linux.append;
    } catch (e) {
      out(2, `tab86: no image given and the default Linux could not be built: ${(e as Error).message}\n`);
      return 2;
    }
  }
  let machine: Machine;
  try {
    machine = await buildMachine({
      bios: args.bios, boot: args.boot, fda: args.fda, fdb: args.fdb, hda: args.hda, hdb: args.hdb, cdrom: args.cdrom, persist: args.persist,
      overlays: args.overlays,
      kernel: args.kernel, initrd: args.initrd, append: args.append, mem: args.mem, vram: args.vram, deterministic: args.deterministic,
      exitPort: args.exitPort, tracePorts: args.tracePorts.map((t) => t.port), traceCpu: args.traceCpu,
      // TAB86_CORE=debug runs the core built with assertions and names (for emulator bugs)
      debugCore: process.env.TAB86_CORE === "debug",
      jit: args.noJit ? "off" : undefined,
      sandbox: args.sandbox,
    });
  } catch (e) {
    if (e instanceof ConfigError) { out(2, `tab86: ${e.message}\n`); return 2; }
    throw e;
  }
  let recorder: InputRecorder | undefined;
  try {
    if (snapshot) await restoreState(machine, snapshot, args.loadState);
    if (args.record !== undefined) recorder = new InputRecorder(machine);
    if (args.replay !== undefined) {
      let text: string;
      try { text = readFileSync(args.replay, "utf8"); } catch (e) { throw new ReplayError(`${args.replay}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
      new InputReplayer(machine, parseInputLog(text, args.replay), args.replay);
    }
  } catch (e) {
    if (e instanceof SnapshotError) { out(2, `tab86: --load-state ${e.message}\n`); return 2; }
    if (e instanceof ReplayError) { out(2, `tab86: ${args.record !== undefined ? "--record" : "--replay"}: ${e.message}\n`); return 2; }
    throw e;
  }
  let debugFd = -1;
  if (args.debugPort === "stdio") debugFd = 1;
  else if (args.debugPort?.startsWith("file:")) {
    const path = args.debugPort.slice(5);
    try { debugFd = openSync(path, "w"); } catch (e) { out(2, `tab86: --debug-port ${path}: cannot open for writing (${(e as Error).message})\n`); return 2; }
  }
  // --trace-port: a file gets the bytes written (little-endian for word and dword writes),
  // stderr a line per write
  const traceFds = new Map<number, number>();
  const opened = new Map<string, number>();
  for (const t of args.tracePorts) {
    if (t.file === undefined) { traceFds.set(t.port, 2); continue; }
    let fd = opened.get(t.file);
    if (fd === undefined) {
      try { fd = openSync(t.file, "w"); } catch (e) { out(2, `tab86: --trace-port ${t.file}: cannot open for writing (${(e as Error).message})\n`); return 2; }
      opened.set(t.file, fd);
    }
    traceFds.set(t.port, fd);
  }
  const hex = (v: number, w: number) => v.toString(16).padStart(w, "0");
  const onPortWrite = traceFds.size === 0 ? undefined : (port: number, size: number, value: number) => {
    const fd = traceFds.get(port) ?? 2;
    if (fd === 2) out(2, `port ${hex(port, 4)} <- ${hex(value, size * 2)}\n`);
    else writeSync(fd, new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24]).subarray(0, size));
  };
  const disasm: Disassembler | undefined = args.traceCpu !== undefined ? (await loadDisassembler()) ?? undefined : undefined;
  // --save-state: at the end, and on demand (Ctrl-A S, SIGUSR1) while the machine runs; the
  // state is captured when asked, between two run slices
  let saving = Promise.resolve();
  const saveTo = (file: string, why: string): Promise<void> => {
    saving = saving.then(async () => {
      const bytes = await saveState(machine);
      writeFileSync(file, bytes);
      // (a terminal in raw mode still turns \n into CR LF: libuv keeps ONLCR)
      if (why) out(2, `\ntab86: ${why}: state saved to ${file} (${bytes.length} bytes, instruction ${machine.instructions})\n`);
    }).catch((e) => out(2, `\ntab86: --save-state ${file}: ${(e as Error).message}\n`));
    return saving;
  };
  const onSaveRequest = args.saveState === undefined ? undefined : (why: string) => { void saveTo(args.saveState!, why); };
  const onUsr1 = () => onSaveRequest?.("SIGUSR1");
  if (onSaveRequest) process.on("SIGUSR1", onUsr1);
  const serial = openSerial(args.serial, onSaveRequest);
  if (serial === null) return 2;
  const session = new Session(machine, {
    onSerial: serial.write,
    serialInput: serial.input,
    signal: serial.stop.signal,
    onDebug: debugFd >= 0 ? (t) => out(debugFd, t) : undefined,
    onPortWrite,
    typeTo: args.typeTo,
    expectTimeout: args.timeout ?? 60,
  });
  if (args.send) session.runner.keys.push(...args.send);
  const t0 = performance.now();
  const i0 = machine.instructions;
  let end: RunEnd | "done";
  let status = 0;
  let failure: Extract<StepsOutcome, { end: "failed" }> | undefined;
  let runError: string | undefined;
  let stepsResult: StepsOutcome | undefined;
  if (args.steps.length) {
    try {
      stepsResult = await runSteps(session, args.steps, {
        expectTimeout: args.timeout ?? 60,
        screenshot: (file) => writeFileSync(file, screenshotPng(machine)),
        saveState: (file) => saveTo(file, ""),
      });
    } catch (e) {
      serial.close();
      out(2, `tab86: ${(e as Error).message}\n`);
      return 2;
    }
    switch (stepsResult.end) {
      case "done": end = "done"; break;
      case "exit": end = "done"; status = stepsResult.status; break;
      case "failed": end = stepsResult.error.end; runError = stepsResult.error.result.error; failure = stepsResult; break;
      case "stopped":
        end = stepsResult.result.end;
        runError = stepsResult.result.error;
        if (end === "halted") {
          out(2, `tab86: step ${stepsResult.index + 1} of ${args.steps.length} (${stepsResult.step.where}: ${describeStep(stepsResult.step)}): the guest halted with interrupts off, so the steps after it cannot run\n`);
          status = 1;
        }
        break;
    }
  } else {
    const result: RunResult = await session.runner.run({
      until: args.until,
      timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined,
      untilScreen: true,
    });
    end = result.end;
    runError = result.error;
  }
  serial.close();
  process.off("SIGUSR1", onUsr1);
  if (args.saveState !== undefined) await saveTo(args.saveState, "");
  await saving;
  if (recorder) {
    try { writeFileSync(args.record!, recorder.toJSON()); } catch (e) { out(2, `tab86: --record ${args.record}: cannot write (${(e as Error).message})\n`); return 2; }
  }
  if (machine.diskStats.lastError) out(2, `tab86: ${machine.diskStats.errors} disk request(s) failed; the last: ${machine.diskStats.lastError}\n`);
  const exportFailed = args.exportDir !== undefined && !exportFiles(machine, args.exportDir);
  if (!(await writeDisks(machine, args))) return 2;
  if (args.screen) out(1, machine.screenText() + "\n");
  if (args.screenshot !== undefined) {
    try {
      writeFileSync(args.screenshot, screenshotPng(machine));
    } catch (e) {
      out(2, `tab86: --screenshot ${args.screenshot}: cannot write (${(e as Error).message})\n`);
      return 2;
    }
  }
  const dump = () => machine.dump(disasm, args.traceCpu ?? 16);
  switch (end) {
    case "done": break;
    case "matched": status = 0; break;
    case "stopped": status = 0; break;
    case "elapsed": status = 0; break;
    case "guest-exit": status = exitStatus(session.exitValue ?? 0); break;
    case "timeout":
      if (failure) break;
      out(2, args.until ? `tab86: timeout after ${args.timeout} s: "${args.until.source}" did not appear\n` : `tab86: stopped after ${args.timeout} s\n`);
      status = args.until ? 1 : 0;
      break;
    case "halted":
      if (failure || stepsResult) break;
      if (args.until) { out(2, `tab86: the guest halted with interrupts off before "${args.until.source}" appeared\n`); status = 1; }
      break;
    case "triple-fault":
      out(2, `tab86: triple fault (the guest could not deliver an exception); machine state:\n${dump()}\n`);
      status = 3;
      break;
    case "fatal":
      out(2, `tab86: emulator error (${runError ?? machine.fatalName()}); machine state:\n${dump()}\n`);
      status = 4;
      break;
  }
  if (failure && (end === "timeout" || end === "halted")) {
    // which step, what it waited for, and what the guest showed
    const n = failure.index + 1;
    out(2, `tab86: step ${n} of ${args.steps.length} (${failure.step.where}: ${describeStep(failure.step)}) failed: ${failure.error.message}\n`);
    out(2, `the screen:\n${failure.error.screen || "(graphics mode: no text)"}\n`);
    const tail = stripTail(failure.error.result.serialOutput || session.runner.serialPending);
    if (tail) out(2, `the last serial output:\n${tail}\n`);
    status = 1;
  }
  if (args.stats) {
    const secs = (performance.now() - t0) / 1000;
    const insns = Number(machine.instructions - i0);
    out(2, JSON.stringify({
      instructions: insns,
      seconds: Number(secs.toFixed(3)),
      mips: Number((insns / secs / 1e6).toFixed(2)),
      exit: end === "done" ? "steps-done" : end,
      post_code: machine.postCode,
      tlb_misses: Number(machine.r64(S.TLB_MISSES)),
      tlb_flushes: Number(machine.r64(S.TLB_FLUSHES)),
      page_faults: Number(machine.r64(S.PAGE_FAULTS)),
      disk_requests: machine.diskStats.requests,
      disk_errors: machine.diskStats.errors,
      jit: machine.jit.mode,
      ...machine.jitStats(),
    }) + "\n");
  }
  // (exportFiles said what went wrong)
  return exportFailed && status === 0 ? 2 : status;
}

// The last lines of serial output for a failure message, control sequences removed.
function stripTail(s: string): string {
  return stripControls(s).split(/\r?\n/).slice(-10).join("\n").trimEnd();
}

// COM1 on the terminal: output to stdout; input from stdin. A terminal is put in raw mode (so
// Ctrl-C reaches the guest) and Ctrl-A X quits, as in QEMU's -nographic; Ctrl-A S saves the
// state (--save-state); Ctrl-A Ctrl-A sends one Ctrl-A.
interface Serial { write?: (b: Uint8Array) => void; input: number[]; stop: AbortController; close: () => void }
function openSerial(dest: string, onSave?: (why: string) => void): Serial | null {
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
        if ((byte === 0x73 || byte === 0x53) && onSave) { onSave("Ctrl-A S"); continue; } // s: save the state
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

// The default Linux (tools/images/build.mjs builds it from Debian's packages when missing or
// out of date; a second or so when it is up to date).
async function defaultLinux(): Promise<{ kernel: string; initrd: string; tools: string; append: string }> {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const builder = pathToFileURL(join(root, "tools/images/build.mjs")).href;
  const { ensureImages, IMAGES } = await import(builder) as { ensureImages: () => { kernel: { cmdline: string } }; IMAGES: string };
  const manifest = ensureImages();
  return { kernel: join(IMAGES, "linux/vmlinuz"), initrd: join(IMAGES, "linux/initrd.img"), tools: join(IMAGES, "linux/tools.img"), append: manifest.kernel.cmdline };
}

// --export DIR: the files the guest left on the sandbox's export disk (IDE primary slave), read
// with the bounds-checked FAT reader; their paths cannot leave DIR (host/fatread.ts keeps
// names to one path component each), and nothing there is overwritten.
function exportFiles(machine: Machine, dir: string): boolean {
  const disk = machine.disk(1);
  if (!disk) return true;
  const image = new Uint8Array(disk.size);
  disk.read(0, image);
  let files;
  try { files = readExport(image); } catch (e) { out(2, `tab86: --export: ${(e as Error).message}\n`); return false; }
  if (files.length === 0) { out(2, "tab86: --export: the guest put nothing on the export disk\n"); return true; }
  try {
    for (const f of files) {
      const path = join(dir, ...f.path.split("/"));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.data, { flag: "wx" });
    }
  } catch (e) {
    out(2, `tab86: --export ${dir}: ${(e as Error).message}\n`);
    return false;
  }
  out(2, `tab86: --export: ${files.length} file(s) written to ${dir}: ${files.map((f) => f.path).join(", ")}\n`);
  return true;
}
