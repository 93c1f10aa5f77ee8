// MC146818A real-time clock and CMOS RAM (Motorola MC146818A datasheet), as wired in the PC/AT:
// index port 0x70 (bit 7 = NMI mask, a latch on the motherboard, not in the chip), data port
// 0x71, the extended bank of 128 more bytes at 0x72/0x73 (PIIX4/ICH style), interrupt on IRQ 8.
//
// State block DEV_RTC (0x200 bytes):
//   +0x000  256 x u8  CMOS: 0x00-0x7F the chip's 14 registers and 114 bytes of RAM,
//                     0x80-0xFF the extended bank. Register bytes hold what the guest wrote,
//                     except A bit 7 (UIP, computed on read) and C (PF/AF/UF flags only; IRQF
//                     is computed: IRQF = PF.PIE + AF.AIE + UF.UIE)
//   +0x100  u32  index for port 0x71 (0x00-0x7F)
//   +0x104  u32  index for port 0x73 (0x00-0x7F, selects 0x80-0xFF)
//   +0x108  u32  NMI mask: bit 7 of the last write to port 0x70 (1 = NMI disabled)
//   +0x10C  u32  level this chip drives on IRQ 8 (0/1)
//   +0x110  i64  ORIGIN: virtual ns when the divider chain last left reset (may be negative)
//   +0x118  u64  LAST: divider ticks (32.768 kHz) since ORIGIN already accounted for
//
// Time model. The divider chain is a 32.768 kHz counter started at ORIGIN; tick c happens at
// ORIGIN + c * 1e9/32768 ns. Time updates happen every 32768 ticks starting half a second
// (16384 ticks) after the divider leaves reset (datasheet: "the first update cycle begins
// one-half second later"), periodic interrupts every 2^(RS-1) ticks. Nothing runs per tick: on
// every access the chip catches up from LAST to the current tick (rtc_sync), setting PF when a
// periodic tick passed, and running one update per second boundary crossed (seconds carry
// into minutes ... years, UF set, AF set when the alarm bytes match). An event is scheduled
// only when an interrupt can result: the next periodic tick with PIE, the next update with UIE
// or AIE, and none while IRQ 8 is already asserted (a new flag then changes nothing the guest
// can see until it reads register C, which catches up first).
//
// UIP reads as 1 during the 244 us (8 ticks) before each update (tBUC); the update itself is
// instantaneous here, so the datasheet's 1984 us update cycle during which the time bytes are
// in transition is not modelled: the registers read consistent values at all times.
// With the divider in reset (DV = 11x) nothing counts; any other DV value runs the clock from
// the PC's 32.768 kHz crystal. SET stops updates (the time bytes keep what was written; the
// seconds that pass are lost, as on the chip), clears UIP, and clears UIE (datasheet: "the SET
// bit going high clears the UIE bit"). DSE (daylight saving) is stored and ignored: its rules
// are the 1980s US ones and a PC BIOS leaves it off. SQWE only drives the SQW pin, which a PC
// does not connect. Values out of range roll over at the next update (the chip's behaviour
// with them is undefined). Leap years follow the Gregorian rule using the century byte 0x32,
// which the update increments when the year wraps from 99 to 00 (the MC146818A itself has no
// century: PC chipsets and BIOSes keep it at 0x32).
import { CPUID_HAS_FPU } from "../core-as/cpu/ops/system";
import { DEV_RTC, MEM_SIZE } from "../core-as/state";
import { port_claim, PORT_DEV_RTC } from "../core-as/bus/ports";
import { irq_set } from "../core-as/bus/irq";
import { clock_now, event_schedule, event_cancel, EV_RTC } from "../core-as/time";

const CMOS: u32 = DEV_RTC;
const R_INDEX: u32 = DEV_RTC + 0x100;
const R_XINDEX: u32 = DEV_RTC + 0x104;
const R_NMI_MASK: u32 = DEV_RTC + 0x108;
const R_IRQ: u32 = DEV_RTC + 0x10c;
const R_ORIGIN: u32 = DEV_RTC + 0x110;
const R_LAST: u32 = DEV_RTC + 0x118;

const SEC: u32 = 0x00;
const SEC_ALARM: u32 = 0x01;
const MIN: u32 = 0x02;
const MIN_ALARM: u32 = 0x03;
const HOUR: u32 = 0x04;
const HOUR_ALARM: u32 = 0x05;
const DOW: u32 = 0x06;
const DATE: u32 = 0x07;
const MONTH: u32 = 0x08;
const YEAR: u32 = 0x09;
const REG_A: u32 = 0x0a;
const REG_B: u32 = 0x0b;
const REG_C: u32 = 0x0c;
const REG_D: u32 = 0x0d;
const CENTURY: u32 = 0x32;

const A_UIP: u32 = 0x80;
const B_SET: u32 = 0x80;
const B_PIE: u32 = 0x40;
const B_AIE: u32 = 0x20;
const B_UIE: u32 = 0x10;
const B_DM: u32 = 0x04; // 1 = binary, 0 = BCD
const B_24H: u32 = 0x02;
const C_IRQF: u32 = 0x80;
const C_PF: u32 = 0x40;
const C_AF: u32 = 0x20;
const C_UF: u32 = 0x10;
const C_FLAGS: u32 = 0x70;

const TICKS_PER_SEC: u64 = 32768;
const UPDATE_PHASE: u64 = 16384; // first update half a second after the divider leaves reset
const UIP_TICKS: u64 = 8; // 8 / 32768 s = 244.1 us
const NO_TICK: u64 = 0xffffffffffffffff;

@inline function reg(i: u32): u32 { return <u32>load<u8>(CMOS + i); }
@inline function set_reg(i: u32, v: u32): void { store<u8>(CMOS + i, <u8>v); }

function divider_in_reset(): bool { return (reg(REG_A) & 0x60) == 0x60; }

// Divider ticks since ORIGIN at virtual time t: t * 32768 / 1e9 = t * 64 / 1953125.
function ticks_at(t: u64): u64 {
  const d = <i64>t - load<i64>(R_ORIGIN);
  return d <= 0 ? 0 : (<u64>d * 64) / 1953125;
}

// The virtual time of tick c (rounded up, so ticks_at(time_of(c)) == c).
function time_of(c: u64): u64 {
  return <u64>(load<i64>(R_ORIGIN) + <i64>((c * 1953125 + 63) / 64));
}

// Periodic interrupt period in ticks (0 = none). With the 32.768 kHz time base RS = 1 and 2
// give 256 Hz and 128 Hz (the same taps as RS = 8 and 9), RS = 3..15 give 32768 >> (RS-1) Hz.
function period_ticks(): u64 {
  const rs = reg(REG_A) & 15;
  if (rs == 0) return 0;
  if (rs <= 2) return (<u64>1) << (<u64>rs + 6);
  return (<u64>1) << (<u64>rs - 1);
}

// Number of update boundaries at ticks <= c.
function updates_upto(c: u64): u64 {
  return c < UPDATE_PHASE ? 0 : (c - UPDATE_PHASE) / TICKS_PER_SEC + 1;
}

// ---- BCD / binary and 12 / 24 hour conversion, following register B's DM and 24/12 bits

@inline function binary_mode(): bool { return (reg(REG_B) & B_DM) != 0; }

function dec(v: u32): u32 {
  return binary_mode() ? v : (v >> 4) * 10 + (v & 15);
}

function enc(v: u32): u32 {
  return binary_mode() ? v : ((v / 10) << 4) | (v % 10);
}

function hour24_of(b: u32): u32 {
  if ((reg(REG_B) & B_24H) != 0) return dec(b);
  let h = dec(b & 0x7f) % 12;
  if ((b & 0x80) != 0) h += 12;
  return h;
}

function enc_hour(h: u32): u32 {
  if ((reg(REG_B) & B_24H) != 0) return enc(h);
  let h12 = h % 12;
  if (h12 == 0) h12 = 12;
  return enc(h12) | (h >= 12 ? 0x80 : 0);
}

function leap(y: u32, century: u32): bool {
  if ((y & 3) != 0) return false;
  return y != 0 || (century & 3) == 0;
}

function days_in_month(m: u32, y: u32, century: u32): u32 {
  switch (m) {
    case 2: return leap(y, century) ? 29 : 28;
    case 4: case 6: case 9: case 11: return 30;
    default: return 31;
  }
}

// Carry from the hours into the date: day of week, date, month, year, century.
function next_day(): void {
  let dow = dec(reg(DOW)) + 1;
  if (dow > 7) dow = 1;
  set_reg(DOW, enc(dow));
  let d = dec(reg(DATE)) + 1;
  let m = dec(reg(MONTH));
  let y = dec(reg(YEAR));
  let cen = dec(reg(CENTURY));
  if (d > days_in_month(m, y, cen)) {
    d = 1;
    m++;
    if (m > 12) {
      m = 1;
      y++;
      if (y > 99) {
        y = 0;
        cen = (cen + 1) % 100;
        set_reg(CENTURY, enc(cen));
      }
      set_reg(YEAR, enc(y));
    }
    set_reg(MONTH, enc(m));
  }
  set_reg(DATE, enc(d));
}

// One alarm byte matches: equal, or a don't-care code (0xC0-0xFF).
@inline function alarm_byte_matches(alarm: u32, now: u32): bool {
  return alarm >= 0xc0 || alarm == now;
}

// Run n update cycles; returns the flags they set (UF, and AF if the alarm matched after any).
function advance(n: u64): u32 {
  let s = dec(reg(SEC));
  let m = dec(reg(MIN));
  let h = hour24_of(reg(HOUR));
  let flags = C_UF;
  // Far behind (the guest ignored the clock for more than a day): move whole days first. An
  // alarm matches at least once a day if at all, so the last day decides AF.
  if (n > 86400) {
    const skip = n - 86400;
    n = 86400;
    const total = <u64>s + <u64>m * 60 + <u64>h * 3600 + skip;
    let days = total / 86400;
    const rem = <u32>(total % 86400);
    s = rem % 60;
    m = (rem / 60) % 60;
    h = rem / 3600;
    while (days > 0) { next_day(); days--; }
  }
  const as = reg(SEC_ALARM);
  const am = reg(MIN_ALARM);
  const ah = reg(HOUR_ALARM);
  for (let i: u64 = 0; i < n; i++) {
    s++;
    if (s >= 60) {
      s = 0;
      m++;
      if (m >= 60) {
        m = 0;
        h++;
        if (h >= 24) { h = 0; next_day(); }
      }
    }
    if (alarm_byte_matches(as, enc(s)) && alarm_byte_matches(am, enc(m)) && alarm_byte_matches(ah, enc_hour(h))) flags |= C_AF;
  }
  set_reg(SEC, enc(s));
  set_reg(MIN, enc(m));
  set_reg(HOUR, enc_hour(h));
  return flags;
}

// Catch up with virtual time: periodic flag and update cycles since the last access.
function rtc_sync(): void {
  if (divider_in_reset()) return;
  const c = ticks_at(clock_now());
  const last = load<u64>(R_LAST);
  if (c <= last) return;
  store<u64>(R_LAST, c);
  let flags: u32 = 0;
  const p = period_ticks();
  if (p != 0 && c / p != last / p) flags |= C_PF;
  const n = updates_upto(c) - updates_upto(last);
  if (n != 0 && (reg(REG_B) & B_SET) == 0) flags |= advance(n);
  if (flags != 0) set_reg(REG_C, reg(REG_C) | flags);
}

function irqf(): bool { return (reg(REG_B) & reg(REG_C) & C_FLAGS) != 0; }

function rtc_update_irq(): void {
  const level: u32 = irqf() ? 1 : 0;
  if (level != load<u32>(R_IRQ)) {
    store<u32>(R_IRQ, level);
    irq_set(8, level != 0);
  }
}

// Schedule the next tick at which an interrupt can be raised (call after rtc_sync).
function rtc_schedule(): void {
  let next = NO_TICK;
  if (!divider_in_reset() && load<u32>(R_IRQ) == 0) {
    const b = reg(REG_B);
    const c = load<u64>(R_LAST);
    const p = period_ticks();
    if ((b & B_PIE) != 0 && p != 0) next = (c / p + 1) * p;
    if ((b & (B_UIE | B_AIE)) != 0 && (b & B_SET) == 0) {
      const u = c < UPDATE_PHASE ? UPDATE_PHASE : UPDATE_PHASE + ((c - UPDATE_PHASE) / TICKS_PER_SEC + 1) * TICKS_PER_SEC;
      if (u < next) next = u;
    }
  }
  if (next == NO_TICK) event_cancel(EV_RTC);
  else event_schedule(EV_RTC, time_of(next));
}

// The EV_RTC event (time.ts fire()).
export function rtc_event(): void {
  rtc_sync();
  rtc_update_irq();
  rtc_schedule();
}

function uip(): bool {
  if (divider_in_reset() || (reg(REG_B) & B_SET) != 0) return false;
  const phase = (ticks_at(clock_now()) + TICKS_PER_SEC - UPDATE_PHASE) % TICKS_PER_SEC;
  return phase >= TICKS_PER_SEC - UIP_TICKS;
}

function cmos_read(i: u32): u32 {
  if (i >= 0x0e) return reg(i);
  rtc_sync();
  switch (i) {
    case REG_A: return (reg(REG_A) & 0x7f) | (uip() ? A_UIP : 0);
    case REG_C: {
      const v = reg(REG_C) | (irqf() ? C_IRQF : 0);
      set_reg(REG_C, 0);
      rtc_update_irq();
      rtc_schedule();
      return v;
    }
    case REG_D: return 0x80; // VRT: the battery is good
    default: return reg(i);
  }
}

function cmos_write(i: u32, v: u32): void {
  if (i >= 0x0e) { set_reg(i, v); return; }
  rtc_sync();
  switch (i) {
    case REG_A: {
      const was_reset = divider_in_reset();
      set_reg(REG_A, v & 0x7f);
      if (was_reset && !divider_in_reset()) {
        // the divider chain starts counting now: first update half a second later
        store<i64>(R_ORIGIN, <i64>clock_now());
        store<u64>(R_LAST, 0);
      }
      rtc_schedule();
      return;
    }
    case REG_B:
      if ((v & B_SET) != 0) v &= ~B_UIE;
      set_reg(REG_B, v);
      rtc_update_irq();
      rtc_schedule();
      return;
    case REG_C:
    case REG_D:
      return; // read-only
    default:
      set_reg(i, v); // time, alarm and calendar bytes: stored as written
      return;
  }
}

export function rtc_read(port: u32): u32 {
  switch (port & 3) {
    case 1: return cmos_read(load<u32>(R_INDEX));
    case 3: return reg(0x80 | load<u32>(R_XINDEX));
    default: return 0xff; // the index ports are write-only
  }
}

export function rtc_write(port: u32, v: u32): void {
  switch (port & 3) {
    case 0:
      store<u32>(R_INDEX, v & 0x7f);
      store<u32>(R_NMI_MASK, v >> 7);
      return;
    case 1: cmos_write(load<u32>(R_INDEX), v); return;
    case 2: store<u32>(R_XINDEX, v & 0x7f); return;
    default: set_reg(0x80 | load<u32>(R_XINDEX), v); return;
  }
}

// Port 0x70 bit 7: NMI disabled (the CPU gates NMI delivery with this).
export function nmi_masked(): bool {
  return load<u32>(R_NMI_MASK) != 0;
}

// For the BIOS / machine configuration: set a CMOS byte (0x00-0xFF; 0x80-0xFF is the extended
// bank). Bytes 0x00-0x0D go through the register logic as a guest write would.
export function cmos_set(index: u32, v: u32): void {
  index &= 0xff;
  if (index < 0x0e) cmos_write(index, v & 0xff);
  else set_reg(index, v & 0xff);
}

export function cmos_get(index: u32): u32 {
  return reg(index & 0xff);
}

// The AT checksum: 16-bit sum of bytes 0x10-0x2D, high byte at 0x2E, low byte at 0x2F.
export function cmos_update_checksum(): void {
  let sum: u32 = 0;
  for (let i: u32 = 0x10; i <= 0x2d; i++) sum += reg(i);
  set_reg(0x2e, (sum >> 8) & 0xff);
  set_reg(0x2f, sum & 0xff);
}

// Set the clock to `seconds` since 1970-01-01 00:00:00 (UTC as far as the chip knows), in the
// current data mode, with the next update after the fractional part of the second.
export function rtc_set_time(seconds: f64): void {
  const whole = Math.floor(seconds);
  const frac = seconds - whole;
  const secs = <i64>whole;
  let days = secs / 86400;
  let rem = secs % 86400;
  if (rem < 0) { rem += 86400; days -= 1; }
  // days since the epoch to a civil date (Gregorian, proleptic)
  const z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const d = doy - (153 * mp + 2) / 5 + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  let y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0) y = 0;
  let dow = (days + 4) % 7; // 1970-01-01 was a Thursday; the chip counts Sunday = 1
  if (dow < 0) dow += 7;
  const r = <u32>rem;
  set_reg(SEC, enc(r % 60));
  set_reg(MIN, enc((r / 60) % 60));
  set_reg(HOUR, enc_hour(r / 3600));
  set_reg(DOW, enc(<u32>dow + 1));
  set_reg(DATE, enc(<u32>d));
  set_reg(MONTH, enc(<u32>m));
  set_reg(YEAR, enc(<u32>(y % 100)));
  set_reg(CENTURY, enc(<u32>((y / 100) % 100)));
  // the last update happened frac seconds ago
  const now = clock_now();
  store<i64>(R_ORIGIN, <i64>now - 500000000 - <i64>(frac * 1e9));
  store<u64>(R_LAST, ticks_at(now));
  rtc_schedule();
}

// The level this chip drives on IRQ 8 (tests).
export function rtc_irq_level(): bool {
  return load<u32>(R_IRQ) != 0;
}

export function rtc_init(): void {
  memory.fill(DEV_RTC, 0, 0x200);
  set_reg(REG_A, 0x26); // 32.768 kHz time base, 1024 Hz periodic rate
  set_reg(REG_B, B_24H); // BCD, 24-hour
  set_reg(REG_D, 0x80);
  // What an AT BIOS expects from its setup data (the disk code fills 0x10, 0x12, 0x19/0x1A
  // and the drive bits of 0x14 later):
  //   0x14 equipment: bit 1 math coprocessor (as CPUID reports it), bits 5-4 = 00 primary
  //   display EGA/VGA
  //   0x15/0x16 base memory in KiB, 0x17/0x18 and 0x30/0x31 extended memory in KiB (above
  //   1 MiB, at most 63 MiB = 0xFC00), 0x34/0x35 memory above 16 MiB in 64 KiB units
  const mem = <u64>load<u32>(MEM_SIZE);
  set_reg(0x14, CPUID_HAS_FPU ? 0x02 : 0x00);
  set_reg(0x15, 640 & 0xff);
  set_reg(0x16, 640 >> 8);
  let ext_k: u64 = mem > 0x100000 ? (mem - 0x100000) >> 10 : 0;
  if (ext_k > 0xfc00) ext_k = 0xfc00;
  set_reg(0x17, <u32>ext_k & 0xff);
  set_reg(0x18, <u32>(ext_k >> 8));
  set_reg(0x30, <u32>ext_k & 0xff);
  set_reg(0x31, <u32>(ext_k >> 8));
  let hi64: u64 = mem > 0x1000000 ? (mem - 0x1000000) >> 16 : 0;
  if (hi64 > 0xffff) hi64 = 0xffff;
  set_reg(0x34, <u32>hi64 & 0xff);
  set_reg(0x35, <u32>(hi64 >> 8));
  cmos_update_checksum();
  port_claim(0x70, 4, PORT_DEV_RTC);
  rtc_set_time(946684800); // 2000-01-01 00:00:00 until init() passes the start time
}
