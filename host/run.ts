// The run loop shared by the command, the scripting layer (host/script.ts) and the tests: run
// slices until a pattern appears in the guest's output, the guest stops, or time runs out.
// Works on wall time; with a deterministic machine, an idle halt skips virtual time forward
// instead of sleeping.
//
// A Runner keeps what lives across runs of one machine: the output not yet matched, the keys
// and serial bytes waiting to be typed, the run time so far (the wall clock the machine sees
// only advances while it runs). runMachine() is one run of a fresh Runner.
import { Machine } from "./machine.js";
import * as S from "../core-as/state.js";

export type RunEnd = "matched" | "timeout" | "halted" | "triple-fault" | "fatal" | "stopped" | "guest-exit" | "elapsed";

/** Where a pattern matched: COM1's output, the debug port (0xE9) or the text screen. */
export type MatchSource = "serial" | "debug" | "screen";

export interface RunnerOptions {
  /** called with each chunk of debug-port output */
  onDebug?: (text: string) => void;
  /** called with each chunk of COM1 output */
  onSerial?: (bytes: Uint8Array) => void;
  /** called with each write to a traced port (Machine.tracePort) */
  onPortWrite?: (port: number, size: number, value: number) => void;
  /** bytes for COM1 to receive: the loop moves them into the UART's queue as it has room
   * (the caller may push more while the machine runs) */
  serialInput?: number[];
  /** ends the run with "stopped" when aborted (Ctrl-A X on the terminal, Session.stop()) */
  signal?: AbortSignal;
  /** instructions per slice (default 1,000,000) */
  slice?: number;
}

export interface RunOptions extends RunnerOptions {
  until?: RegExp;
  timeoutMs?: number;
  /** --until also matches the text screen */
  untilScreen?: boolean;
  /** where `until` is looked for (default: serial and debug output, and the screen with
   * untilScreen) */
  untilIn?: readonly MatchSource[];
  /** key strokes (scancode set 2 bytes each, host/keys.ts) typed through the keyboard
   * controller, one each time the guest asks the BIOS (INT 16h) for a key and finds none */
  send?: number[][];
  /** run for this many nanoseconds of virtual time, then end with "elapsed" */
  forNs?: number;
  /** look for `until` in what is there before running (a Runner's later runs) */
  checkFirst?: boolean;
}

export interface RunResult {
  end: RunEnd;
  /** debug-port output of this run */
  debugOutput: string;
  /** COM1 output of this run (the last MiB at most), latin1 */
  serialOutput: string;
  seconds: number;
  instructions: bigint;
  /** for "fatal": what went wrong inside the core, when it trapped rather than reported */
  error?: string;
  /** for "matched": the matched text and where */
  match?: { text: string; source: MatchSource };
  /** for "guest-exit": the value the guest wrote to the exit port */
  exitValue?: number;
}

// CSI sequences (ESC [ params letter) and two-byte escapes (ECMA-48)
const ANSI_CONTROL = /\x1b(\[[0-9;?]*[ -\/]*[@-~]|[@-Z\\-_])/g;

/** Terminal control sequences are not text: busybox asks for the cursor position (ESC [6n)
 * right after its prompt, so "# $" would never match the raw stream. */
export function stripControls(s: string): string { return s.replace(ANSI_CONTROL, ""); }

export const ALL_SOURCES: readonly MatchSource[] = ["serial", "debug", "screen"];
const STREAMS: readonly MatchSource[] = ["serial", "debug"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MAX_TEXT = 1 << 20;

export class Runner {
  readonly machine: Machine;
  readonly options: RunnerOptions;
  /** key strokes waiting to be typed through the keyboard (consumed as the guest reads) */
  readonly keys: number[][] = [];
  /** bytes waiting to be received on COM1 */
  readonly serialInput: number[];
  /** debug-port output not yet consumed by a match */
  debugPending = "";
  /** COM1 output not yet consumed by a match, control sequences removed */
  serialPending = "";
  /** where the last match was found */
  lastMatch?: MatchSource;
  /** set once the guest wrote the exit port: the run cannot go on */
  exitValue?: number;
  /** set once the machine stopped on a triple fault or an emulator error */
  stoppedBy?: "triple-fault" | "fatal";
  private trapError?: string;
  private runMs = 0;
  private latin1 = new TextDecoder("latin1");

  constructor(machine: Machine, options: RunnerOptions = {}) {
    this.machine = machine;
    this.options = options;
    this.serialInput = options.serialInput ?? [];
  }

  /** Look for `re` in what has not been matched yet: serial, then debug output, then the screen.
   * A match in an output stream consumes it up to the match's end, so the next pattern is
   * looked for in what came after; the screen is state and is not consumed, and is only
   * looked at once the guest has read every key typed so far (so a prompt still on the screen
   * does not match before the command typed after it was even read). */
  find(re: RegExp, sources: readonly MatchSource[]): { text: string; source: MatchSource } | undefined {
    const m = this.machine;
    let r = sources.includes("serial") ? re.exec(this.serialPending) : null;
    if (r) {
      this.serialPending = this.serialPending.slice(r.index + r[0].length);
      return { text: r[0], source: "serial" };
    }
    r = sources.includes("debug") ? re.exec(this.debugPending) : null;
    if (r) {
      this.debugPending = this.debugPending.slice(r.index + r[0].length);
      return { text: r[0], source: "debug" };
    }
    if (sources.includes("screen") && this.keys.length === 0) {
      // trailing blank lines are not text: "$" without the m flag is the end of the last line
      r = re.exec(m.screenText().trimEnd());
      if (r) return { text: r[0], source: "screen" };
    }
    return undefined;
  }

  async run(opts: RunOptions = {}): Promise<RunResult> {
    const m = this.machine;
    const t0 = performance.now();
    // the clock the guest sees follows the time this machine has run, not the pauses between runs
    // (a restored machine's clock is where the snapshot left it: wall time goes on from there)
    const clockBase = t0 - Math.max(this.runMs, Number(m.core.now_ns()) / 1e6);
    const deadline = t0 + (opts.timeoutMs ?? Infinity);
    const slice = opts.slice ?? this.options.slice ?? 1_000_000;
    const deterministic = !!m.options.deterministic;
    const onDebug = opts.onDebug ?? this.options.onDebug;
    const onSerial = opts.onSerial ?? this.options.onSerial;
    const onPortWrite = opts.onPortWrite ?? this.options.onPortWrite;
    const signal = opts.signal ?? this.options.signal;
    const serialInput = opts.serialInput ?? this.serialInput;
    if (opts.send) this.keys.push(...opts.send);
    const endNs = opts.forNs !== undefined ? m.core.now_ns() + BigInt(Math.round(opts.forNs)) : undefined;
    let out = "";
    let serial = "";
    let error: string | undefined;
    let match: RunResult["match"];
    let end: RunEnd = "timeout";
    const i0 = m.instructions;
    let lastYield = t0;
    const drain = (): void => {
      const text = m.drainDebug();
      if (text) {
        out += text;
        this.debugPending += text;
        onDebug?.(text);
        if (out.length > MAX_TEXT) out = out.slice(-(MAX_TEXT >> 1));
        if (this.debugPending.length > MAX_TEXT) this.debugPending = this.debugPending.slice(-(MAX_TEXT >> 1));
      }
      const bytes = m.serialOut(0);
      if (bytes.length) {
        const s = this.latin1.decode(bytes);
        serial += s;
        onSerial?.(bytes);
        if (serial.length > MAX_TEXT) serial = serial.slice(-(MAX_TEXT >> 1));
        // an escape sequence cut by the chunk boundary is completed by the next chunk; CR LF
        // is a line break, so "$" matches at the end of a line
        this.serialPending = stripControls(this.serialPending + s).replace(/\r\n/g, "\n");
        if (this.serialPending.length > MAX_TEXT) this.serialPending = this.serialPending.slice(-(MAX_TEXT >> 1));
      }
      for (const w of m.drainPortTrace()) onPortWrite?.(w.port, w.size, w.value);
    };
    const check = (): boolean => {
      drain();
      if (!opts.until) return false;
      match = this.find(opts.until, opts.untilIn ?? (opts.untilScreen ? ALL_SOURCES : STREAMS));
      if (match) this.lastMatch = match.source;
      return !!match;
    };
    const feed = (): void => {
      // type the next key once the guest has asked INT 16h for one and found the buffer empty
      // (so a program that empties the buffer before it asks does not lose typed-ahead keys)
      const flags = m.r32(S.BIOS_FLAGS);
      if (this.keys.length === 0) return;
      const mode = m.r32(S.MODE);
      if ((mode & S.MODE_PE) !== 0 && (mode & S.MODE_VM) === 0) {
        // protected mode (not V86): a system with its own keyboard driver (Linux), which never
        // asks the BIOS; one key per slice, once the controller took the previous one
        if (m.r32(S.QUEUE_KEYS) === m.r32(S.QUEUE_KEYS + 4) && m.sendScancodes(this.keys[0])) this.keys.shift();
        return;
      }
      if ((flags & 2) === 0) return;
      const head = m.dv.getUint16(S.RAM + 0x41a, true), tail = m.dv.getUint16(S.RAM + 0x41c, true);
      if (head !== tail) return;
      if (m.sendScancodes(this.keys[0], true)) this.keys.shift();
    };
    if (this.exitValue !== undefined) end = "guest-exit";
    else if (signal?.aborted) end = "stopped";
    else if (this.stoppedBy) { end = this.stoppedBy; error = this.trapError; }
    else if (opts.checkFirst && check()) end = "matched";
    else for (;;) {
      if (!deterministic) m.core.sync_clock(BigInt(Math.round((performance.now() - clockBase) * 1e6)));
      feed();
      if (serialInput.length) serialInput.splice(0, m.serialIn(0, serialInput));
      if (signal?.aborted) { end = "stopped"; break; }
      let reason: number;
      try {
        reason = await m.runAsync(endNs !== undefined ? Math.min(slice, Math.max(1, Math.ceil(Number(endNs - m.core.now_ns()) / (m.options.nsPerInstruction ?? 10)))) : slice);
      } catch (e) {
        // a trap inside the core (an emulator bug): stop with the machine state, not a stack trace
        error = `${(e as Error).message}`;
        end = this.stoppedBy = "fatal";
        this.trapError = error;
        break;
      }
      // the machine cannot go on after these, even if this slice's output matched
      if (reason === S.EXIT_GUEST_EXIT) this.exitValue = m.guestExitValue;
      else if (reason === S.EXIT_FATAL) this.stoppedBy = "fatal";
      else if (reason === S.EXIT_TRIPLE_FAULT) this.stoppedBy = "triple-fault";
      if (check()) { end = "matched"; break; }
      if (this.exitValue !== undefined) { end = "guest-exit"; break; }
      if (this.stoppedBy) { end = this.stoppedBy; break; }
      if (endNs !== undefined && m.core.now_ns() >= endNs) { end = "elapsed"; break; }
      if (reason === S.EXIT_HALT) {
        const until = m.haltUntil;
        if (until === 0n) { end = "halted"; break; } // hlt with interrupts off: nothing can wake it
        if (deterministic) m.idleUntil(endNs !== undefined && endNs < until ? endNs : until);
        else {
          const waitMs = Number(until - m.core.now_ns()) / 1e6;
          await sleep(Math.max(0, Math.min(waitMs, 10, deadline - performance.now())));
        }
      }
      if (performance.now() >= deadline) { end = "timeout"; break; }
      // let timers and I/O run between slices, and at least every 10 ms (a deterministic machine
      // that idles skips time from halt to halt and never ends a slice by its budget: typed
      // input would never arrive)
      if (reason === S.EXIT_BUDGET || performance.now() - lastYield >= 10) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    this.runMs += performance.now() - t0;
    return { end, debugOutput: out, serialOutput: serial, error, match, exitValue: this.exitValue, seconds: (performance.now() - t0) / 1000, instructions: m.instructions - i0 };
  }
}

/** One run of a fresh Runner (see RunOptions). */
export async function runMachine(m: Machine, opts: RunOptions = {}): Promise<RunResult> {
  return new Runner(m, opts).run(opts);
}
