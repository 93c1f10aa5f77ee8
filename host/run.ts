// The run loop shared by the command and the tests: run slices until a pattern appears in the
// guest's output, the guest stops, or time runs out. Works on wall time; with a deterministic
// machine, an idle halt skips virtual time forward instead of sleeping.
import { Machine } from "./machine.js";
import * as S from "../core-as/state.js";

export type RunEnd = "matched" | "timeout" | "halted" | "triple-fault" | "fatal" | "stopped";

export interface RunOptions {
  until?: RegExp;
  timeoutMs?: number;
  /** called with each chunk of debug-port output */
  onDebug?: (text: string) => void;
  /** instructions per slice (default 1,000,000) */
  slice?: number;
  /** --until also matches the text screen */
  untilScreen?: boolean;
  /** key strokes (scancode set 2 bytes each, host/keys.ts) typed through the keyboard
   * controller, one each time the guest asks the BIOS (INT 16h) for a key and finds none */
  send?: number[][];
  /** called with each chunk of COM1 output */
  onSerial?: (bytes: Uint8Array) => void;
  /** bytes for COM1 to receive: the loop moves them into the UART's queue as it has room
   * (the caller may push more while the machine runs) */
  serialInput?: number[];
  /** ends the run with "stopped" when aborted (Ctrl-A X on the terminal) */
  signal?: AbortSignal;
}

export interface RunResult {
  end: RunEnd;
  debugOutput: string;
  /** COM1 output (the last MiB at most), latin1 */
  serialOutput: string;
  seconds: number;
  instructions: bigint;
  /** for "fatal": what went wrong inside the core, when it trapped rather than reported */
  error?: string;
}

// CSI sequences (ESC [ params letter) and two-byte escapes (ECMA-48)
const ANSI_CONTROL = /\x1b(\[[0-9;?]*[ -\/]*[@-~]|[@-Z\\-_])/g;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runMachine(m: Machine, opts: RunOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const deadline = t0 + (opts.timeoutMs ?? Infinity);
  const slice = opts.slice ?? 1_000_000;
  const deterministic = !!m.options.deterministic;
  let out = "";
  let serial = "";
  let error: string | undefined;
  const latin1 = new TextDecoder("latin1");
  let end: RunEnd = "timeout";
  const i0 = m.instructions;
  const check = (): boolean => {
    const text = m.drainDebug();
    if (text) {
      out += text;
      opts.onDebug?.(text);
      if (out.length > 1 << 20) out = out.slice(-(1 << 19));
    }
    const bytes = m.serialOut(0);
    if (bytes.length) {
      serial += latin1.decode(bytes);
      opts.onSerial?.(bytes);
      if (serial.length > 1 << 20) serial = serial.slice(-(1 << 19));
    }
    if (!opts.until) return false;
    // terminal control sequences are not text: busybox asks for the cursor position (ESC [6n)
    // right after its prompt, so "# $" would never match the raw stream
    if (opts.until.test(out) || opts.until.test(serial.slice(-65536).replace(ANSI_CONTROL, ""))) return true;
    return !!opts.untilScreen && opts.until.test(m.screenText());
  };
  const keys = opts.send ? [...opts.send] : [];
  const feed = (): void => {
    // type the next key once the guest has asked INT 16h for one and found the buffer empty
    // (so a program that empties the buffer before it asks does not lose typed-ahead keys)
    const flags = m.r32(S.BIOS_FLAGS);
    if (keys.length === 0 || (flags & 2) === 0) return;
    const head = m.dv.getUint16(S.RAM + 0x41a, true), tail = m.dv.getUint16(S.RAM + 0x41c, true);
    if (head !== tail) return;
    if (m.sendScancodes(keys[0])) { keys.shift(); m.w32(S.BIOS_FLAGS, flags & ~2); }
  };
  for (;;) {
    if (!deterministic) m.core.sync_clock(BigInt(Math.round((performance.now() - t0) * 1e6)));
    feed();
    if (opts.serialInput && opts.serialInput.length) opts.serialInput.splice(0, m.serialIn(0, opts.serialInput));
    if (opts.signal?.aborted) { end = "stopped"; break; }
    let reason: number;
    try {
      reason = m.run(slice);
    } catch (e) {
      // a trap inside the core (an emulator bug): stop with the machine state, not a stack trace
      error = `${(e as Error).message}`;
      end = "fatal";
      break;
    }
    if (check()) { end = "matched"; break; }
    if (reason === S.EXIT_FATAL) { end = "fatal"; break; }
    if (reason === S.EXIT_TRIPLE_FAULT) { end = "triple-fault"; break; }
    if (reason === S.EXIT_HALT) {
      const until = m.haltUntil;
      if (until === 0n) { end = "halted"; break; } // hlt with interrupts off: nothing can wake it
      if (deterministic) m.core.idle_until(until);
      else {
        const waitMs = Number(until - m.core.now_ns()) / 1e6;
        await sleep(Math.max(0, Math.min(waitMs, 10, deadline - performance.now())));
      }
    }
    if (performance.now() >= deadline) { end = "timeout"; break; }
    // let timers and I/O run between slices
    if (reason === S.EXIT_BUDGET) await new Promise((r) => setImmediate(r));
  }
  return { end, debugOutput: out, serialOutput: serial, error, seconds: (performance.now() - t0) / 1000, instructions: m.instructions - i0 };
}
