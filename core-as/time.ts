// The virtual clock and the event queue (DESIGN.md principle 4).
//
// now = CLOCK_NS + (ICOUNT - ICOUNT_BASE) * NS_PER_INSN. With --deterministic the rate is fixed
// and time depends only on the instruction count; otherwise the host calls clock_sync(wall_ns)
// before each run slice and the clock is pulled forward to wall time (never backwards), with
// instructions interpolating inside the slice. Devices own event slots: a slot holds the
// virtual time of the device's next event (0 = none); run() calls run_due_events() when the
// earliest one is reached, and an idle hlt reports the earliest deadline so the host can sleep.
import { ICOUNT, CLOCK_NS, ICOUNT_BASE, NS_PER_INSN_FP, EVENTS, EVENT_SLOTS, DETERMINISTIC } from "./state";
import { request_exit_check } from "./cpu/signal";
import { kbc_event } from "../devices/kbc";
import { pit_event } from "../devices/pit";
import { rtc_event } from "../devices/rtc";
import { uart_event } from "../devices/uart";
import { fdc_event } from "../devices/fdc";
import { ide_event } from "../devices/ide";

// The earliest deadline, cached (u64 max when none).
let next_deadline: u64 = 0xffffffffffffffff;

// Instructions executed so far in the run loop's current chunk, not yet added to ICOUNT.
export let CHUNK_DONE: i32 = 0;

export function clock_now(): u64 {
  const n = load<u64>(ICOUNT) + <u64>CHUNK_DONE - load<u64>(ICOUNT_BASE);
  return load<u64>(CLOCK_NS) + ((n * <u64>load<u32>(NS_PER_INSN_FP)) >> 16);
}

// Rebase the clock at the current instruction count.
function rebase(ns: u64): void {
  store<u64>(CLOCK_NS, ns);
  store<u64>(ICOUNT_BASE, load<u64>(ICOUNT) + <u64>CHUNK_DONE);
}

export function clock_init(ns_per_insn_fp: u32, deterministic: bool): void {
  store<u32>(NS_PER_INSN_FP, ns_per_insn_fp);
  store<u32>(DETERMINISTIC, deterministic ? 1 : 0);
  rebase(0);
  for (let i = 0; i < EVENT_SLOTS; i++) store<u64>(EVENTS + i * 8, 0);
  next_deadline = 0xffffffffffffffff;
}

// Host: wall time since start. Moves virtual time forward to it (ignored when deterministic).
export function clock_sync(wall_ns: u64): void {
  if (load<u32>(DETERMINISTIC) != 0) return;
  const now = clock_now();
  rebase(wall_ns > now ? wall_ns : now);
}

// Idle: jump the clock to t (a halted CPU with nothing else to do).
export function clock_skip_to(t: u64): void {
  if (t > clock_now()) rebase(t);
}

function recompute(): void {
  let best: u64 = 0xffffffffffffffff;
  for (let i = 0; i < EVENT_SLOTS; i++) {
    const t = load<u64>(EVENTS + i * 8);
    if (t != 0 && t < best) best = t;
  }
  next_deadline = best;
}

export function event_schedule(slot: i32, at: u64): void {
  store<u64>(EVENTS + slot * 8, at == 0 ? 1 : at);
  if (at < next_deadline) { next_deadline = at; request_exit_check(); }
}

export function event_cancel(slot: i32): void {
  store<u64>(EVENTS + slot * 8, 0);
  recompute();
}

export function clock_deadline_reached(): bool {
  return next_deadline != 0xffffffffffffffff && clock_now() >= next_deadline;
}

// How many instructions can run before the earliest deadline (at least 1; i32 max if none).
export function insns_until_deadline(): i32 {
  if (next_deadline == 0xffffffffffffffff) return i32.MAX_VALUE;
  const now = clock_now();
  if (now >= next_deadline) return 1;
  const rate = <u64>load<u32>(NS_PER_INSN_FP);
  const n = (((next_deadline - now) << 16) + rate - 1) / rate;
  return n > <u64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>n;
}

// After a snapshot restore (index.ts restored()): the cached earliest deadline is derived from
// the event table that was just written, and no chunk is running.
export function clock_restored(): void {
  CHUNK_DONE = 0;
  recompute();
}

// 0 when no event is scheduled
export function clock_next_deadline(): u64 {
  return next_deadline == 0xffffffffffffffff ? 0 : next_deadline;
}

// Fire every event whose time has come. Each device's handler reschedules itself.
export function run_due_events(): void {
  const now = clock_now();
  for (let i = 0; i < EVENT_SLOTS; i++) {
    const t = load<u64>(EVENTS + i * 8);
    if (t != 0 && t <= now) {
      store<u64>(EVENTS + i * 8, 0);
      fire(i, t);
    }
  }
  recompute();
}

// Event slots by device. Devices add their case to fire() when they are built.
export const EV_PIT = 0;
export const EV_RTC = 1;
export const EV_UART = 2; // 2..5: COM1..COM4
export const EV_KBC = 6;
export const EV_FDC = 7;
export const EV_IDE = 8;
export const EV_VGA = 9;
export const EV_DMA = 10;
export const EV_TEST = 15; // used by the core's own tests through the exported API

// Number of events fired on the test slot (the tests check the queue with it).
export let test_events_fired: u32 = 0;

function fire(slot: i32, t: u64): void {
  switch (slot) {
    case EV_TEST: test_events_fired++; break;
    case EV_PIT: pit_event(); break;
    case EV_KBC: kbc_event(); break;
    case EV_FDC: fdc_event(); break;
    case EV_IDE: ide_event(); break;
    case EV_RTC: rtc_event(); break;
    case EV_UART: case EV_UART + 1: case EV_UART + 2: case EV_UART + 3: uart_event(<u32>(slot - EV_UART)); break;
    default: break;
  }
}
