// Deterministic record and replay (docs/snapshots.md): with --deterministic, a machine's run is
// a function of its starting state and its inputs. The recorder notes every input (key
// scancodes, serial bytes, mouse records) with the instruction count and virtual time at which
// it went in; the replayer drops live input and puts each recorded input in at exactly that
// instruction and time, so the replayed machine goes through the same states.
//
// Inputs reach the machine between run slices, at an instruction boundary; an idle machine
// (hlt) may also have skipped virtual time before an input came, without executing
// instructions. The replayer therefore stops the machine at the input's instruction (the
// slice budget) and, if the recorded time is later, lets it idle there until that time (an
// idle skip never goes past it: Machine.idleUntil), exactly as the recorded run did.
import * as S from "../core-as/state.js";
import type { Machine, InputEvent, InputTap } from "./machine.js";
import { TAB86_VERSION } from "./version.js";

export const INPUT_LOG_FORMAT = "tab86-inputs";

/** One recorded input: at instruction `at`, virtual time `ns`. */
export interface RecordedInput extends InputEvent { at: bigint; ns: bigint }

/** A recording that cannot be read or replayed, or a replay that went another way than the
 * recording (the message says where). */
export class ReplayError extends Error {}

/** Records the machine's inputs from now on (sets machine.inputTap). */
export class InputRecorder implements InputTap {
  readonly replaying = false;
  readonly inputs: RecordedInput[] = [];
  readonly start: bigint;
  constructor(m: Machine) {
    if (!m.options.deterministic) throw new ReplayError("recording input needs a deterministic machine (--deterministic)");
    this.start = m.instructions;
    m.inputTap = this;
  }
  delivered(m: Machine, e: InputEvent): void {
    this.inputs.push({ ...e, bytes: [...e.bytes], at: m.instructions, ns: m.core.now_ns() });
  }
  beforeRun(): number { return Infinity; }
  idleLimit(_m: Machine, t: bigint): bigint { return t; }

  /** The recording as a file (JSON). */
  toJSON(): string {
    return JSON.stringify({
      format: INPUT_LOG_FORMAT, version: 1, tab86: TAB86_VERSION, start: String(this.start),
      inputs: this.inputs.map((e) => ({ ...e, at: String(e.at), ns: String(e.ns) })),
    }) + "\n";
  }
}

const KINDS = new Set(["keys", "serial", "mouse"]);

/** Parse a recording (InputRecorder.toJSON); `name` is used in messages. */
export function parseInputLog(text: string, name = "recording"): { start: bigint; inputs: RecordedInput[] } {
  let j: { format?: unknown; version?: unknown; start?: unknown; inputs?: unknown };
  try { j = JSON.parse(text); } catch { throw new ReplayError(`${name}: not a tab86 input recording (not JSON)`); }
  if (j?.format !== INPUT_LOG_FORMAT) throw new ReplayError(`${name}: not a tab86 input recording`);
  if (j.version !== 1) throw new ReplayError(`${name}: recording format ${j.version}, this tab86 reads format 1`);
  const num = (v: unknown, what: string): bigint => {
    if (typeof v !== "string" || !/^\d+$/.test(v)) throw new ReplayError(`${name}: ${what} is not an instruction count or time`);
    return BigInt(v);
  };
  if (!Array.isArray(j.inputs)) throw new ReplayError(`${name}: no list of inputs`);
  let last = num(j.start, "the start");
  const inputs = j.inputs.map((e: Record<string, unknown>, i: number): RecordedInput => {
    const what = `input ${i + 1}`;
    const at = num(e?.at, `${what}'s instruction`), ns = num(e?.ns, `${what}'s time`);
    if (at < last) throw new ReplayError(`${name}: ${what} is out of order`);
    last = at;
    if (!KINDS.has(e.kind as string)) throw new ReplayError(`${name}: ${what} has an unknown kind ${JSON.stringify(e.kind)}`);
    const bytes = e.bytes;
    if (!Array.isArray(bytes) || bytes.length === 0 || bytes.length > 4088 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) throw new ReplayError(`${name}: ${what}'s bytes are not a list of bytes`);
    const port = e.port === undefined ? undefined : Number(e.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 3)) throw new ReplayError(`${name}: ${what}'s serial port is not 0..3`);
    return { kind: e.kind as InputEvent["kind"], bytes: bytes as number[], ack: e.ack === true, port, at, ns };
  });
  return { start: num(j.start, "the start"), inputs };
}

/** Replays a recording into the machine (sets machine.inputTap): live input is dropped from
 * now on. The machine must be where the recording started (the same image and configuration,
 * or the same snapshot restored). */
export class InputReplayer implements InputTap {
  readonly replaying = true;
  private next = 0;
  constructor(m: Machine, readonly log: { start: bigint; inputs: RecordedInput[] }, readonly name = "recording") {
    if (!m.options.deterministic) throw new ReplayError("replaying input needs a deterministic machine (--deterministic)");
    if (m.instructions !== log.start) throw new ReplayError(`${name}: the recording starts at instruction ${log.start}, this machine is at ${m.instructions} (start from the same state: the same images, or --load-state with the snapshot the recording started from)`);
    m.inputTap = this;
  }
  /** inputs not delivered yet */
  get remaining(): number { return this.log.inputs.length - this.next; }
  delivered(): void {}

  beforeRun(m: Machine): number {
    for (;;) {
      const e = this.log.inputs[this.next];
      if (!e) return Infinity;
      const at = m.instructions;
      if (at < e.at) return Number(e.at - at);
      const now = m.core.now_ns();
      if (at > e.at || now > e.ns) throw this.diverged(m, e);
      if (now < e.ns) {
        // the recorded machine idled here before the input came: it must be halted now too;
        // one more slice lets due events run and the host skip idle time (to e.ns at most)
        if (m.r32(S.HALTED) === 0) throw this.diverged(m, e);
        return 1;
      }
      if (!m.deliver(e)) throw new ReplayError(`${this.name}: input ${this.next + 1} (${e.kind}) did not fit its queue at instruction ${at}: the replay went another way than the recording`);
      this.next++;
    }
  }

  idleLimit(m: Machine, t: bigint): bigint {
    const e = this.log.inputs[this.next];
    return e && e.at === m.instructions && e.ns < t ? e.ns : t;
  }

  private diverged(m: Machine, e: RecordedInput): ReplayError {
    return new ReplayError(`${this.name}: the replay went another way than the recording: input ${this.next + 1} (${e.kind}) was recorded at instruction ${e.at}, time ${e.ns} ns; the machine is at instruction ${m.instructions}, time ${m.core.now_ns()} ns${m.r32(S.HALTED) ? " (halted)" : ""}`);
  }
}
