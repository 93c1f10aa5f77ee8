// Intel 8254 programmable interval timer (8254 datasheet, order 231164) at 0x40-0x43, clocked at
// 1.193182 MHz, as wired in the PC/AT: counter 0 OUT drives IRQ 0, counter 1 OUT is the memory
// refresh request (its rising edges flip port 0x61 bit 4), counter 2's GATE is port 0x61 bit 0 and
// its OUT reads back as port 0x61 bit 5 (and, ANDed with bit 1, drives the speaker). Counters 0
// and 1 have GATE tied high. Port 0x61 (system control port B) lives here too.
//
// State block DEV_PIT (0x100 bytes): three 0x48-byte counter blocks at +0x00, +0x48, +0x90
//   +0x00  u8   CTRL    control word bits 5-0 as last written (RW1 RW0 M2 M1 M0 BCD), for status
//   +0x01  u8   MODE    0-5 (6 and 7 are stored as 2 and 3)
//   +0x02  u8   RW      1 LSB only, 2 MSB only, 3 LSB then MSB
//   +0x03  u8   BCD     1 = count in BCD (0-9999)
//   +0x04  u8   WFF     1 = the next count byte written is the MSB (RW 3)
//   +0x05  u8   RFF     1 = the next count byte read is the MSB (RW 3)
//   +0x06  u8   LBYTES  bytes of the latched count (OL) still to be read; 0 = OL follows the CE
//   +0x07  u8   STL     1 = a status byte is latched
//   +0x08  u8   STV     the latched status byte
//   +0x09  u8   GATE    the GATE input level
//   +0x0A  u8   CRLO    the LSB of a two-byte count while waiting for its MSB
//   +0x0B  u8   ARMED   a count was written since the last control word
//   +0x0C  u8   RUN     the counting element is counting from (T0, V0); 0 = it holds FZ
//   +0x0D  u8   OUTFZ   OUT while not counting, and before the load at T0
//   +0x0E  u8   STICKY  modes 0/4: terminal count already reached before T0 (OUT stays high)
//   +0x0F  u8   PEND    modes 2/3: a new count waits for the end of the period / half cycle
//   +0x10  u16  LVAL    the latched count, in the read format (BCD when counting in BCD)
//   +0x12  u16  CR      the count register as written
//   +0x14  u32  FZ      the counting element's value while it does not count
//   +0x18  u32  V0      modes 0/1/4/5: the CE value at T0; modes 2/3: the period N (1..65536)
//   +0x1C  u32  PENDN   the pending period
//   +0x20  u32  EDGES   rising edges of OUT before the current T0 (counter 1: refresh toggle)
//   +0x28  i64  T0      the clock tick at which the CE was loaded
//   +0x30  i64  PENDT0  T0 of the pending count (its period starts may lie before PENDTICK)
//   +0x38  i64  PENDTICK the tick at which the pending count takes over
//   +0x40  i64  NCTICK  NULL COUNT reads 1 until this tick (the CR -> CE transfer)
//   +0xE0  u8   P61     port 0x61 bits 0-3 as written (gate 2, speaker data, parity and channel
//                       check enables; the checks report nothing: bits 6-7 read 0)
//   +0xE1  u8   IRQ0    the level this chip drives on IRQ 0
//
// Time model. The input clock's ticks are numbered from power-on: tick k happens at virtual time
// ceil(k * 1e9 / 1193182) ns. Nothing runs per tick: a counter is described by the tick T0 at
// which its counting element was loaded and what it was loaded with, and its value and OUT at
// the current tick are computed from those when read (so a guest polling the counter sees it
// move with every instruction). Per the datasheet a count written (or a gate trigger) is loaded
// on the next clock pulse, T0 = now + 1. Modes 0/1/4/5 count down through 0 and wrap (0xFFFF or
// 9999) without reloading; modes 2/3 reload every N ticks. A count written in modes 2/3 while
// counting takes effect at the end of the current period (mode 2) or half cycle (mode 3); that is
// the PEND state, applied lazily once its tick has passed (sync). The only event is the next
// rising edge of counter 0's OUT, which raises IRQ 0; between edges the IRQ 0 line stays high,
// and each edge is delivered as a low-high pulse (writes that change OUT drive the line at once).
//
// Mode 3 counter values follow the datasheet: an even N counts N, N-2, ..., 2 in each half; an odd
// N loads N-1 and counts N-1, ..., 2, 0 in the high half ((N+1)/2 ticks, OUT goes low one clock
// after the count expires) and N-1, ..., 2 in the low half ((N-1)/2 ticks). Counts the datasheet
// calls illegal: mode 2 with N = 1 keeps OUT low, mode 3 with N = 1 keeps it high.
import { DEV_PIT } from "../core-as/state";
import { port_claim, PORT_DEV_PIT } from "../core-as/bus/ports";
import { irq_set } from "../core-as/bus/irq";
import { clock_now, event_schedule, event_cancel, EV_PIT } from "../core-as/time";

const STRIDE: u32 = 0x48;
const CTRL: u32 = 0x00;
const MODE: u32 = 0x01;
const RW: u32 = 0x02;
const BCD: u32 = 0x03;
const WFF: u32 = 0x04;
const RFF: u32 = 0x05;
const LBYTES: u32 = 0x06;
const STL: u32 = 0x07;
const STV: u32 = 0x08;
const GATE: u32 = 0x09;
const CRLO: u32 = 0x0a;
const ARMED: u32 = 0x0b;
const RUN: u32 = 0x0c;
const OUTFZ: u32 = 0x0d;
const STICKY: u32 = 0x0e;
const PEND: u32 = 0x0f;
const LVAL: u32 = 0x10;
const CR: u32 = 0x12;
const FZ: u32 = 0x14;
const V0: u32 = 0x18;
const PENDN: u32 = 0x1c;
const EDGES: u32 = 0x20;
const T0: u32 = 0x28;
const PENDT0: u32 = 0x30;
const PENDTICK: u32 = 0x38;
const NCTICK: u32 = 0x40;
const P61: u32 = DEV_PIT + 0xe0;
const IRQ0: u32 = DEV_PIT + 0xe1;

const HZ: u64 = 1193182;
const NS: u64 = 1000000000;
const NEVER: i64 = i64.MAX_VALUE;

@inline function ch(c: i32): u32 { return DEV_PIT + <u32>c * STRIDE; }
@inline function r8(a: u32, f: u32): u32 { return <u32>load<u8>(a + f); }
@inline function w8(a: u32, f: u32, v: u32): void { store<u8>(a + f, <u8>v); }
@inline function r32(a: u32, f: u32): i64 { return <i64>load<u32>(a + f); }
@inline function w32(a: u32, f: u32, v: i64): void { store<u32>(a + f, <u32>v); }
@inline function r64(a: u32, f: u32): i64 { return load<i64>(a + f); }
@inline function w64(a: u32, f: u32, v: i64): void { store<i64>(a + f, v); }

// The number of input clock ticks that have happened by virtual time t (exact, no overflow).
function ticks_at(t: u64): i64 {
  return <i64>((t / NS) * HZ + ((t % NS) * HZ) / NS);
}
@inline function now_tick(): i64 { return ticks_at(clock_now()); }
// The virtual time of tick k (the first ns at which ticks_at() reaches k).
function tick_time(k: i64): u64 {
  const q = <u64>k / HZ;
  const r = <u64>k % HZ;
  return q * NS + (r * NS + HZ - 1) / HZ;
}

@inline function modulus(a: u32): i64 { return r8(a, BCD) != 0 ? 10000 : 65536; }
@inline function dist(v: i64, m: i64): i64 { return v == 0 ? m : v; }

// The count register as a number of ticks: 1..65536 (binary) or 1..10000 (BCD); 0 is the maximum.
function count_n(a: u32): i64 {
  const cr = <u32>load<u16>(a + CR);
  let n: i64;
  if (r8(a, BCD) != 0) {
    n = <i64>(((cr >> 12) & 15) * 1000 + ((cr >> 8) & 15) * 100 + ((cr >> 4) & 15) * 10 + (cr & 15)) % 10000;
    if (n == 0) n = 10000;
  } else {
    n = cr == 0 ? 65536 : <i64>cr;
  }
  return n;
}

function encode(a: u32, v: i64): u32 {
  if (r8(a, BCD) == 0) return <u32>v & 0xffff;
  const x = <u32>(v % 10000);
  return (x / 1000) << 12 | ((x / 100) % 10) << 8 | ((x / 10) % 10) << 4 | (x % 10);
}

// ---- the counting element at tick k (after sync)

function value_at(a: u32, k: i64): i64 {
  const t0 = r64(a, T0);
  if (r8(a, RUN) == 0 || k < t0) return r32(a, FZ);
  const d = k - t0;
  const v0 = r32(a, V0);
  const m = modulus(a);
  const mode = r8(a, MODE);
  if (mode == 2) return (v0 - d % v0) % m;
  if (mode == 3) {
    const h = (v0 + 1) >> 1;
    const q = d % v0;
    const pos = q < h ? q : q - h;
    return ((v0 & 1) != 0 ? v0 - 1 - 2 * pos : v0 - 2 * pos) % m;
  }
  let r = (v0 - d) % m;
  if (r < 0) r += m;
  return r;
}

function out_at(a: u32, k: i64): bool {
  const t0 = r64(a, T0);
  if (r8(a, RUN) == 0 || k < t0) return r8(a, OUTFZ) != 0;
  const d = k - t0;
  const v0 = r32(a, V0);
  switch (r8(a, MODE)) {
    case 0: return r8(a, STICKY) != 0 || d >= dist(v0, modulus(a));
    case 1: return d >= dist(v0, modulus(a));
    case 2: return v0 >= 2 && d % v0 != v0 - 1;
    case 3: return d % v0 < ((v0 + 1) >> 1);
    default: return r8(a, STICKY) != 0 || d != dist(v0, modulus(a)); // 4, 5: one-clock strobe
  }
}

// Rising edges of OUT in (T0, k] under the current load.
function regime_edges(a: u32, k: i64): i64 {
  const t0 = r64(a, T0);
  if (r8(a, RUN) == 0 || k <= t0) return 0;
  const d = k - t0;
  const v0 = r32(a, V0);
  switch (r8(a, MODE)) {
    case 0: return r8(a, STICKY) == 0 && d >= dist(v0, modulus(a)) ? 1 : 0;
    case 1: return d >= dist(v0, modulus(a)) ? 1 : 0;
    case 2: case 3: return v0 >= 2 ? d / v0 : 0;
    default: return r8(a, STICKY) == 0 && d > dist(v0, modulus(a)) ? 1 : 0;
  }
}

// The first tick after k at which OUT rises, or -1.
function next_rise(a: u32, k: i64): i64 {
  let e: i64 = -1;
  if (r8(a, RUN) == 0) return e;
  const t0 = r64(a, T0);
  const kk = k > t0 ? k : t0;
  const v0 = r32(a, V0);
  switch (r8(a, MODE)) {
    case 0: {
      const x = t0 + dist(v0, modulus(a));
      if (r8(a, STICKY) == 0 && x > kk) e = x;
      break;
    }
    case 1: {
      const x = t0 + dist(v0, modulus(a));
      if (x > kk) e = x;
      break;
    }
    case 2: case 3:
      if (v0 >= 2) e = t0 + ((kk - t0) / v0 + 1) * v0;
      break;
    default: {
      const x = t0 + dist(v0, modulus(a)) + 1;
      if (r8(a, STICKY) == 0 && x > kk) e = x;
      break;
    }
  }
  if (r8(a, PEND) != 0) {
    const pt = r64(a, PENDTICK);
    if (e < 0 || e > pt) {
      const n = r32(a, PENDN);
      const t1 = r64(a, PENDT0);
      const k1 = k > pt ? k : pt;
      e = n >= 2 ? t1 + ((k1 - t1) / n + 1) * n : -1;
    }
  }
  return e;
}

// Apply a pending mode 2/3 reload whose time has come.
function sync(a: u32, k: i64): void {
  if (r8(a, PEND) != 0 && k >= r64(a, PENDTICK)) {
    w32(a, EDGES, r32(a, EDGES) + regime_edges(a, r64(a, PENDTICK)));
    w64(a, T0, r64(a, PENDT0));
    w32(a, V0, r32(a, PENDN));
    w8(a, PEND, 0);
  }
}

// Stop counting at tick k (after sync): the CE holds its value, OUT its level.
function checkpoint(a: u32, k: i64): void {
  w32(a, EDGES, r32(a, EDGES) + regime_edges(a, k));
  w32(a, FZ, value_at(a, k));
  w8(a, OUTFZ, out_at(a, k) ? 1 : 0);
  w8(a, RUN, 0);
  w8(a, PEND, 0);
}

function start(a: u32, k: i64, v0: i64): void {
  w8(a, RUN, 1);
  w64(a, T0, k + 1);
  w32(a, V0, v0);
}

// ---- IRQ 0

function schedule0(k: i64): void {
  const e = next_rise(ch(0), k);
  if (e >= 0) event_schedule(EV_PIT, tick_time(e));
  else event_cancel(EV_PIT);
}

// After a write changed counter 0: drive IRQ 0 with OUT and reschedule the next edge.
function refresh0(k: i64): void {
  const out: u32 = out_at(ch(0), k) ? 1 : 0;
  if (out != <u32>load<u8>(IRQ0)) {
    store<u8>(IRQ0, <u8>out);
    irq_set(0, out != 0);
  }
  schedule0(k);
}

// EV_PIT: counter 0's OUT rose.
export function pit_event(): void {
  const k = now_tick();
  sync(ch(0), k);
  if (load<u8>(IRQ0) != 0) irq_set(0, false);
  irq_set(0, true);
  store<u8>(IRQ0, 1);
  schedule0(k);
}

// ---- programming

function load_count(a: u32, k: i64): void {
  const n = count_n(a);
  const m = modulus(a);
  const was = r8(a, ARMED);
  w8(a, ARMED, 1);
  const mode = r8(a, MODE);
  if (mode == 0 || mode == 4) {
    // loaded on the next clock pulse, restarting the count; mode 0's OUT goes low at once
    const before = out_at(a, k);
    checkpoint(a, k);
    w8(a, STICKY, 0);
    if (mode == 0) w8(a, OUTFZ, 0);
    else {
      if (!before) w32(a, EDGES, r32(a, EDGES) + 1);
      w8(a, OUTFZ, 1);
    }
    if (r8(a, GATE) != 0) start(a, k, n % m);
    else w32(a, FZ, n % m);
    w64(a, NCTICK, k + 1);
  } else if (mode == 1 || mode == 5) {
    // waits for a gate trigger
    w64(a, NCTICK, NEVER);
  } else if (r8(a, RUN) != 0 && was != 0) {
    const t0 = r64(a, T0);
    if (k < t0) {
      w32(a, V0, n); // not loaded yet: the load takes the newest count
      return;
    }
    // the current period (mode 2) or half cycle (mode 3) finishes with the old count
    const v0 = r32(a, V0);
    const d = k - t0;
    const q = d % v0;
    let tb: i64, nt0: i64;
    if (mode == 2) {
      tb = k - q + v0;
      nt0 = tb;
    } else {
      const h = (v0 + 1) >> 1;
      if (q < h) { tb = k - q + h; nt0 = tb - ((n + 1) >> 1); } // the new count starts with its low half
      else { tb = k - q + v0; nt0 = tb; }
    }
    w8(a, PEND, 1);
    w32(a, PENDN, n);
    w64(a, PENDT0, nt0);
    w64(a, PENDTICK, tb);
    w64(a, NCTICK, tb);
  } else {
    checkpoint(a, k);
    w8(a, OUTFZ, 1);
    if (r8(a, GATE) != 0) start(a, k, n);
    else w32(a, FZ, n % m);
    w64(a, NCTICK, k + 1);
  }
}

function write_count(c: i32, v: u32): void {
  const a = ch(c);
  const k = now_tick();
  sync(a, k);
  const rw = r8(a, RW);
  let cr: u32;
  if (rw == 1) cr = v;
  else if (rw == 2) cr = v << 8;
  else if (r8(a, WFF) == 0) {
    w8(a, CRLO, v);
    w8(a, WFF, 1);
    if (r8(a, MODE) == 0 && r8(a, ARMED) != 0) {
      // mode 0: writing the first byte stops the count and sets OUT low
      checkpoint(a, k);
      w8(a, OUTFZ, 0);
      w8(a, STICKY, 0);
      if (c == 0) refresh0(k);
    }
    return;
  } else {
    cr = r8(a, CRLO) | (v << 8);
    w8(a, WFF, 0);
  }
  store<u16>(a + CR, <u16>cr);
  load_count(a, k);
  if (c == 0) refresh0(k);
}

function latch_count(a: u32): void {
  if (r8(a, LBYTES) != 0) return; // a latched count is held until read
  const k = now_tick();
  sync(a, k);
  store<u16>(a + LVAL, <u16>encode(a, value_at(a, k)));
  w8(a, LBYTES, r8(a, RW) == 3 ? 2 : 1);
}

function control(v: u32): void {
  const sc = <i32>(v >> 6);
  if (sc == 3) {
    // read-back command: bit 5 = 0 latch count, bit 4 = 0 latch status, bits 3-1 counters 2-0
    const k = now_tick();
    for (let c = 0; c < 3; c++) {
      if ((v & (<u32>2 << c)) == 0) continue;
      const a = ch(c);
      if ((v & 0x20) == 0) latch_count(a);
      if ((v & 0x10) == 0 && r8(a, STL) == 0) {
        sync(a, k);
        w8(a, STV, (out_at(a, k) ? 0x80 : 0) | (k < r64(a, NCTICK) ? 0x40 : 0) | r8(a, CTRL));
        w8(a, STL, 1);
      }
    }
    return;
  }
  const a = ch(sc);
  const rw = (v >> 4) & 3;
  if (rw == 0) { latch_count(a); return; }
  // a mode control word: the counter stops, OUT takes its initial level, the count is awaited
  const k = now_tick();
  sync(a, k);
  const before = out_at(a, k);
  checkpoint(a, k);
  let mode = (v >> 1) & 7;
  if (mode >= 6) mode -= 4;
  w8(a, CTRL, v & 0x3f);
  w8(a, MODE, mode);
  w8(a, RW, rw);
  w8(a, BCD, v & 1);
  w8(a, WFF, 0);
  w8(a, RFF, 0);
  w8(a, LBYTES, 0);
  w8(a, STL, 0);
  w8(a, ARMED, 0);
  w8(a, STICKY, 0);
  w8(a, OUTFZ, mode != 0 ? 1 : 0);
  if (!before && mode != 0) w32(a, EDGES, r32(a, EDGES) + 1);
  w64(a, NCTICK, NEVER);
  if (sc == 0) refresh0(k);
}

function read_counter(a: u32): u32 {
  if (r8(a, STL) != 0) {
    w8(a, STL, 0);
    return r8(a, STV);
  }
  let v: u32;
  const lb = r8(a, LBYTES);
  if (lb != 0) {
    v = <u32>load<u16>(a + LVAL);
    w8(a, LBYTES, lb - 1);
  } else {
    const k = now_tick();
    sync(a, k);
    v = encode(a, value_at(a, k));
  }
  const rw = r8(a, RW);
  if (rw == 1) return v & 0xff;
  if (rw == 2) return v >> 8;
  const f = r8(a, RFF);
  w8(a, RFF, f ^ 1);
  return f != 0 ? v >> 8 : v & 0xff;
}

// GATE input of a counter (counter 2: port 0x61 bit 0). The chip samples GATE on the rising edge
// of CLK and counts on the falling edge, so a change takes effect with the next tick: a count
// suspended by GATE low holds the value of the current tick; resumed, it decrements on the next
// pulse; a trigger (modes 1, 2, 3, 5) loads the count on the next pulse.
function set_gate(c: i32, level: u32): void {
  const a = ch(c);
  if (r8(a, GATE) == level) return;
  w8(a, GATE, level);
  if (r8(a, ARMED) == 0) return;
  const k = now_tick();
  sync(a, k);
  const mode = r8(a, MODE);
  if (mode == 0 || mode == 4) {
    // GATE low suspends counting, high resumes it
    if (level == 0) {
      if (r8(a, RUN) != 0) {
        const t0 = r64(a, T0);
        if (k < t0) {
          // the count is loaded on the next clock pulse even with GATE low
          w32(a, FZ, r32(a, V0));
          w8(a, RUN, 0);
        } else {
          const d = k - t0;
          const done = r8(a, STICKY) != 0 || d >= dist(r32(a, V0), modulus(a));
          checkpoint(a, k);
          w8(a, STICKY, done ? 1 : 0);
        }
      }
    } else if (r8(a, RUN) == 0) {
      // the next clock pulse samples GATE high and decrements: the CE holds FZ through tick k
      w8(a, RUN, 1);
      w64(a, T0, k);
      w32(a, V0, r32(a, FZ));
    }
  } else if (mode == 1 || mode == 5) {
    // a rising edge triggers (or retriggers) the one-shot with the count register
    if (level != 0) {
      checkpoint(a, k);
      w8(a, STICKY, 0);
      start(a, k, count_n(a) % modulus(a));
      if (r64(a, NCTICK) > k + 1) w64(a, NCTICK, k + 1);
    }
  } else {
    // modes 2/3: GATE low stops counting and sets OUT high at once; a rising edge reloads
    if (level == 0) {
      if (r8(a, RUN) != 0) {
        const before = out_at(a, k);
        checkpoint(a, k);
        w8(a, OUTFZ, 1);
        if (!before) w32(a, EDGES, r32(a, EDGES) + 1);
      }
    } else {
      checkpoint(a, k);
      start(a, k, count_n(a));
      if (r64(a, NCTICK) > k + 1) w64(a, NCTICK, k + 1);
    }
  }
  if (c == 0) refresh0(k);
}

export function pit_read8(port: u32): u32 {
  if (port == 0x61) {
    const k = now_tick();
    const a1 = ch(1);
    sync(a1, k);
    const refresh = <u32>((r32(a1, EDGES) + regime_edges(a1, k)) & 1);
    const a2 = ch(2);
    sync(a2, k);
    const out2: u32 = out_at(a2, k) ? 1 : 0;
    return (<u32>load<u8>(P61) & 0x0f) | (refresh << 4) | (out2 << 5);
  }
  if (port == 0x43) return 0xff; // the control word register cannot be read (8254: no-op)
  return read_counter(ch(<i32>(port - 0x40)));
}

export function pit_write8(port: u32, v: u32): void {
  if (port == 0x61) {
    store<u8>(P61, <u8>(v & 0x0f));
    set_gate(2, v & 1);
    return;
  }
  if (port == 0x43) { control(v); return; }
  write_count(<i32>(port - 0x40), v);
}

// Speaker output: counter 2's OUT gated by port 0x61 bit 1 (for a host audio device).
export function pit_speaker(): bool {
  if ((load<u8>(P61) & 2) == 0) return false;
  const a = ch(2);
  const k = now_tick();
  sync(a, k);
  return out_at(a, k);
}

export function pit_init(): void {
  memory.fill(DEV_PIT, 0, 0x100);
  for (let c = 0; c < 3; c++) {
    // unprogrammed: waiting for a control word's count, OUT high
    const a = ch(c);
    w8(a, CTRL, 0x36);
    w8(a, MODE, 3);
    w8(a, RW, 3);
    w8(a, OUTFZ, 1);
    w8(a, GATE, c != 2 ? 1 : 0);
    w64(a, NCTICK, NEVER);
  }
  // counter 1 refreshes memory: mode 2, count 18 (15.08 us), as the platform sets it up
  const a1 = ch(1);
  w8(a1, CTRL, 0x14);
  w8(a1, MODE, 2);
  w8(a1, RW, 1);
  store<u16>(a1 + CR, 18);
  w8(a1, ARMED, 1);
  w8(a1, RUN, 1);
  w64(a1, T0, now_tick());
  w32(a1, V0, 18);
  w64(a1, NCTICK, 0);
  port_claim(0x40, 4, PORT_DEV_PIT);
  port_claim(0x61, 1, PORT_DEV_PIT);
  store<u8>(IRQ0, 1);
  irq_set(0, true);
  event_cancel(EV_PIT);
}
