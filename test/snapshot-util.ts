// Helpers for the snapshot tests (test/snapshot.test.ts, test/boot/linux-snapshot.test.ts):
// run a machine to an exact instruction count as the host's run loop does with a deterministic
// clock, and look for a moment with something in flight.
import { Machine } from "../host/machine.js";
import * as S from "../core-as/state.js";

/** Run to exactly instruction n (an idle halt skips virtual time, as host/run.ts does with
 * --deterministic). Returns the COM1 output of the run. */
export function runTo(m: Machine, n: bigint): string {
  let serial = "";
  while (m.instructions < n) {
    const r = m.run(Math.min(Number(n - m.instructions), 5_000_000));
    serial += Buffer.from(m.serialOut(0)).toString("latin1");
    if (r === S.EXIT_HALT) {
      if (m.haltUntil === 0n) throw new Error(`the guest halted with interrupts off at ${m.instructions}`);
      m.idleUntil(m.haltUntil);
    } else if (r !== S.EXIT_BUDGET) throw new Error(`run ended with exit ${r} at ${m.instructions}\n${m.dump()}`);
  }
  if (m.instructions !== n) throw new Error(`ran past ${n}: ${m.instructions}`);
  return serial;
}

/** Step in small slices until `ok` holds (at most `limit` instructions); returns the output. */
export function runUntil(m: Machine, ok: () => boolean, limit: bigint, step = 97n): string {
  const end = m.instructions + limit;
  let out = "";
  while (!ok()) {
    if (m.instructions >= end) throw new Error(`the condition did not come within ${limit} instructions`);
    out += runTo(m, m.instructions + step);
  }
  return out;
}

/** An event of the device's slot is scheduled (core-as/time.ts EV_*: 7 floppy, 8 IDE). */
export const eventPending = (m: Machine, slot: number) => m.r64(S.EVENTS + slot * 8) !== 0n;
/** The earliest device event's time (core-as/time.ts), 0n when none is scheduled. */
export function nextEvent(m: Machine): bigint {
  let best = 0n;
  for (let s = 0; s < S.EVENT_SLOTS; s++) {
    const t = m.r64(S.EVENTS + s * 8);
    if (t !== 0n && (best === 0n || t < best)) best = t;
  }
  return best;
}
/** A device event is due and has not run yet: the run stopped at its deadline (the timer's
 * interrupt request is the next thing that happens). */
export const eventDue = (m: Machine) => nextEvent(m) !== 0n && m.core.now_ns() >= nextEvent(m);
/** Run to the instruction at which the next device event is due (the run loop then stops
 * before running it). */
export function runToNextEvent(m: Machine): string {
  const ns = BigInt(m.options.nsPerInstruction ?? 10);
  const wait = nextEvent(m) - m.core.now_ns();
  return runTo(m, m.instructions + (wait + ns - 1n) / ns);
}
/** The x87 is not as FNINIT leaves it: a register in use, or a non-default control word. */
export const fpuInUse = (m: Machine) => m.r32(S.FPU_FULL) !== 0 || (m.r32(S.FPU_CW) & 0xffff) !== 0x37f;
