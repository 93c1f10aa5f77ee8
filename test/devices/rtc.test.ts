// MC146818A RTC and CMOS driven through ports 0x70-0x73 as a guest would. Expected values from
// the Motorola MC146818A datasheet (update cycle, UIP 244 us before the update, the first update
// half a second after the divider leaves reset, register A rate table, register B/C bits) and
// the IBM PC/AT CMOS layout. Virtual time: 10 ns per instruction of a `jmp $` loop.
import { describe, it, expect } from "vitest";
import { bareMachine, real16 } from "../helpers.js";
import { createNodeMachine } from "../../host/node.js";
import { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

// The calendar tests need whole seconds of virtual time: they run on a machine whose
// deterministic clock takes 1 us per instruction (COARSE), the timing tests on bareMachine()'s
// 10 ns per instruction.
const COARSE = { nsPerInstruction: 1000 };

async function machine(memMiB = 2, opts: { nsPerInstruction?: number; rtcStart?: Date } = {}): Promise<Machine> {
  const r = new Uint8Array(0x10000).fill(0xf4);
  const m = opts.nsPerInstruction || opts.rtcStart
    ? await createNodeMachine({ memMiB, rom: r, deterministic: true, stopOnTripleFault: true, ...opts })
    : await bareMachine(memMiB);
  real16(m);
  m.ram().set([0xeb, 0xfe], 0x1000); // jmp $
  m.w32(S.EIP, 0x1000);
  return m;
}

/** Nanoseconds per instruction of m's clock. */
const step = (m: Machine) => m.options.nsPerInstruction ?? 10;

/** Run until virtual time t (ns, a multiple of the instruction time). An event that falls due
 * during the run is handled by the run loop before the instruction after its deadline, so what
 * it raises shows one instruction after the deadline. */
function runTo(m: Machine, t: number): void {
  const now = Number(m.core.now_ns());
  expect(t).toBeGreaterThanOrEqual(now);
  expect(t % step(m)).toBe(0);
  if (t > now) expect(m.run((t - now) / step(m))).toBe(S.EXIT_BUDGET);
  expect(Number(m.core.now_ns())).toBe(t);
}
function runNs(m: Machine, ns: number): void {
  runTo(m, Number(m.core.now_ns()) + ns);
}

const rd = (m: Machine, i: number) => { m.core.port_out(0x70, 1, i); return m.core.port_in(0x71, 1); };
const wr = (m: Machine, i: number, v: number) => { m.core.port_out(0x70, 1, i); m.core.port_out(0x71, 1, v); };
const uip = (m: Machine) => (rd(m, 0x0a) & 0x80) !== 0;

/** The level on IRQ 8: the RTC's output, and the slave PIC's IRR bit 0 when the PIC is there. */
function irq8(m: Machine): number {
  const level = m.core.test_irq_level(8);
  if (m.u8[S.PORT_MAP + 0xa0] !== 0) {
    m.core.port_out(0xa0, 1, 0x0a); // OCW3: read IRR
    expect(m.core.port_in(0xa0, 1) & 1).toBe(level);
  }
  return level;
}

// [sec, min, hour, dow, date, month, year, century]
const TIME_REGS = [0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32];
function readTime(m: Machine): number[] {
  return TIME_REGS.map((i) => rd(m, i));
}
/** Set the clock as a guest does (SET, write, clear SET), then reset and release the divider so
 * that the next update comes exactly 500 ms later. */
function setTime(m: Machine, t: number[], regB = 0x02): void {
  wr(m, 0x0b, regB | 0x80);
  t.forEach((v, i) => wr(m, TIME_REGS[i], v));
  wr(m, 0x0b, regB);
  wr(m, 0x0a, 0x70);
  wr(m, 0x0a, 0x20);
}
/** Time after one update cycle from t. */
function afterUpdate(m: Machine, t: number[], regB = 0x02): number[] {
  setTime(m, t, regB);
  runNs(m, 500_000_000 - step(m));
  expect(readTime(m)).toEqual(t); // not yet
  runNs(m, step(m));
  return readTime(m);
}

describe("RTC power-on state", () => {
  it("starts on 2000-01-01 00:00:00 (deterministic), BCD 24-hour, 32.768 kHz time base", async () => {
    const m = await machine();
    // Saturday = 7 (Sunday = 1)
    expect(readTime(m)).toEqual([0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20]);
    expect(rd(m, 0x0a)).toBe(0x26);
    expect(rd(m, 0x0b)).toBe(0x02);
    expect(rd(m, 0x0c)).toBe(0x00);
    expect(rd(m, 0x0d)).toBe(0x80); // VRT
    expect(m.core.port_in(0x70, 1)).toBe(0xff); // the index port is write-only
    expect(irq8(m)).toBe(0);
  });

  it("starts at the time the host passes (rtcStart), counting the day of the week", async () => {
    const start = new Date(Date.UTC(2024, 1, 29, 13, 45, 30, 250)); // a Thursday
    const m = await machine(2, { rtcStart: start });
    expect(readTime(m)).toEqual([0x30, 0x45, 0x13, 0x05, 0x29, 0x02, 0x24, 0x20]);
    // the fraction of the second is kept: the next update is 750 ms later
    runTo(m, 750_000_000 - 10);
    expect(rd(m, 0x00)).toBe(0x30);
    runTo(m, 750_000_000);
    expect(rd(m, 0x00)).toBe(0x31);
  });
});

describe("RTC update cycle", () => {
  it("sets UIP for the 244 us before each update, and the seconds advance at the update", async () => {
    const m = await machine();
    wr(m, 0x0a, 0x20); // no periodic rate, so that C shows only the update flag
    runTo(m, 999_750_000); // 250 us before the update at 1 s
    expect(uip(m)).toBe(false);
    runTo(m, 999_760_000); // 240 us before
    expect(uip(m)).toBe(true);
    expect(rd(m, 0x00)).toBe(0x00);
    runTo(m, 999_999_990);
    expect(uip(m)).toBe(true);
    expect(rd(m, 0x00)).toBe(0x00);
    expect(rd(m, 0x0c)).toBe(0x00);
    runTo(m, 1_000_000_000);
    expect(uip(m)).toBe(false);
    expect(rd(m, 0x00)).toBe(0x01);
    // UF is set at every update whether or not UIE is on; IRQF only with UIE
    expect(rd(m, 0x0c)).toBe(0x10);
    expect(rd(m, 0x0c)).toBe(0x00); // reading C cleared it
    expect(irq8(m)).toBe(0);
  });

  it("stops while the divider is in reset; the first update comes 500 ms after release", async () => {
    const m = await machine(2, COARSE);
    wr(m, 0x0a, 0x76); // DV = 111: divider chain reset
    runTo(m, 1_100_000_000); // past the update that was due at 1 s
    expect(rd(m, 0x00)).toBe(0x00);
    expect(uip(m)).toBe(false);
    expect(rd(m, 0x0c)).toBe(0x00);
    wr(m, 0x0a, 0x26);
    runTo(m, 1_599_760_000);
    expect(uip(m)).toBe(true);
    expect(rd(m, 0x00)).toBe(0x00);
    runTo(m, 1_600_000_000);
    expect(rd(m, 0x00)).toBe(0x01);
    expect(uip(m)).toBe(false);
  });

  it("SET stops updates, clears UIP and clears UIE", async () => {
    const m = await machine(2, COARSE);
    wr(m, 0x0a, 0x20);
    wr(m, 0x0b, 0x92); // SET | UIE | 24h
    expect(rd(m, 0x0b)).toBe(0x82); // UIE cleared by SET
    runTo(m, 999_900_000);
    expect(uip(m)).toBe(false);
    runTo(m, 1_200_000_000);
    expect(rd(m, 0x00)).toBe(0x00);
    expect(rd(m, 0x0c)).toBe(0x00); // no update, no UF
    wr(m, 0x0b, 0x02);
    runTo(m, 2_000_000_000); // the divider kept its phase: next update at 2 s
    expect(rd(m, 0x00)).toBe(0x01);
  });

  it("carries seconds into minutes, hours, days, months, years and the century (BCD)", async () => {
    const m = await machine(2, COARSE);
    expect(afterUpdate(m, [0x59, 0x34, 0x12, 0x03, 0x15, 0x06, 0x21, 0x20])).toEqual([0x00, 0x35, 0x12, 0x03, 0x15, 0x06, 0x21, 0x20]);
    // Friday 1999-12-31 23:59:59 -> Saturday 2000-01-01 00:00:00
    expect(afterUpdate(m, [0x59, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19])).toEqual([0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20]);
    // day of week 7 wraps to 1; 2000 is a leap year (divisible by 400)
    expect(afterUpdate(m, [0x59, 0x59, 0x23, 0x07, 0x28, 0x02, 0x00, 0x20])).toEqual([0x00, 0x00, 0x00, 0x01, 0x29, 0x02, 0x00, 0x20]);
    // 2100 is not
    expect(afterUpdate(m, [0x59, 0x59, 0x23, 0x01, 0x28, 0x02, 0x00, 0x21])).toEqual([0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21]);
    // 2024 is; 2023 is not
    expect(afterUpdate(m, [0x59, 0x59, 0x23, 0x04, 0x28, 0x02, 0x24, 0x20])).toEqual([0x00, 0x00, 0x00, 0x05, 0x29, 0x02, 0x24, 0x20]);
    expect(afterUpdate(m, [0x59, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24, 0x20])).toEqual([0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x24, 0x20]);
    expect(afterUpdate(m, [0x59, 0x59, 0x23, 0x03, 0x28, 0x02, 0x23, 0x20])).toEqual([0x00, 0x00, 0x00, 0x04, 0x01, 0x03, 0x23, 0x20]);
    // 30-day month
    expect(afterUpdate(m, [0x59, 0x59, 0x23, 0x03, 0x30, 0x04, 0x24, 0x20])).toEqual([0x00, 0x00, 0x00, 0x04, 0x01, 0x05, 0x24, 0x20]);
  });

  it("counts in binary with DM set", async () => {
    const m = await machine(2, COARSE);
    // 1999-12-31 23:59:59 in binary, 24-hour
    expect(afterUpdate(m, [59, 59, 23, 6, 31, 12, 99, 19], 0x06)).toEqual([0, 0, 0, 7, 1, 1, 0, 20]);
    expect(afterUpdate(m, [59, 9, 13, 2, 9, 10, 5, 20], 0x06)).toEqual([0, 10, 13, 2, 9, 10, 5, 20]);
  });

  it("counts 12-hour time with the PM bit (BCD and binary)", async () => {
    const m = await machine(2, COARSE);
    // 11:59:59 AM -> 12:00:00 PM
    expect(afterUpdate(m, [0x59, 0x59, 0x11, 0x02, 0x10, 0x03, 0x25, 0x20], 0x00).slice(0, 5)).toEqual([0x00, 0x00, 0x92, 0x02, 0x10]);
    // 12:59:59 PM -> 01:00:00 PM
    expect(afterUpdate(m, [0x59, 0x59, 0x92, 0x02, 0x10, 0x03, 0x25, 0x20], 0x00).slice(0, 5)).toEqual([0x00, 0x00, 0x81, 0x02, 0x10]);
    // 11:59:59 PM -> 12:00:00 AM the next day
    expect(afterUpdate(m, [0x59, 0x59, 0x91, 0x02, 0x10, 0x03, 0x25, 0x20], 0x00).slice(0, 5)).toEqual([0x00, 0x00, 0x12, 0x03, 0x11]);
    // 12:59:59 AM -> 01:00:00 AM
    expect(afterUpdate(m, [0x59, 0x59, 0x12, 0x02, 0x10, 0x03, 0x25, 0x20], 0x00).slice(0, 5)).toEqual([0x00, 0x00, 0x01, 0x02, 0x10]);
    // binary: 11 PM = 0x8B -> 12 AM = 0x0C
    expect(afterUpdate(m, [59, 59, 0x8b, 2, 10, 3, 25, 20], 0x04).slice(0, 5)).toEqual([0, 0, 0x0c, 3, 11]);
  });
});

describe("RTC interrupts", () => {
  it("raises the periodic interrupt at the register A rate; reading C clears the flags and IRQ 8", async () => {
    const m = await machine();
    wr(m, 0x0b, 0x42); // PIE
    expect(irq8(m)).toBe(0);
    // RS = 6: 1024 Hz, a tick every 976.5625 us (the divider phase is aligned with the second)
    runTo(m, 976_560);
    expect(irq8(m)).toBe(0);
    runTo(m, 976_580); // the event is due at 976_563 and fires before the next instruction
    expect(irq8(m)).toBe(1);
    expect(rd(m, 0x0c)).toBe(0xc0); // IRQF | PF
    expect(irq8(m)).toBe(0);
    expect(rd(m, 0x0c)).toBe(0x00);
    runTo(m, 1_953_120);
    expect(irq8(m)).toBe(0);
    runTo(m, 1_953_140);
    expect(irq8(m)).toBe(1);
    // the line stays up until C is read, however many periods pass
    runTo(m, 5_000_000);
    expect(irq8(m)).toBe(1);
    expect(rd(m, 0x0c)).toBe(0xc0);
    expect(irq8(m)).toBe(0);
    // RS = 3: 8192 Hz, 122.0703125 us; ticks at multiples of it: 5_004_882.8 ns is the next
    wr(m, 0x0a, 0x23);
    runTo(m, 5_004_880);
    expect(irq8(m)).toBe(0);
    runTo(m, 5_004_900);
    expect(irq8(m)).toBe(1);
    expect(rd(m, 0x0c)).toBe(0xc0);
    // RS = 15: 2 Hz
    wr(m, 0x0a, 0x2f);
    runTo(m, 499_999_990);
    expect(irq8(m)).toBe(0);
    runTo(m, 500_000_010);
    expect(irq8(m)).toBe(1);
    expect(rd(m, 0x0c)).toBe(0xc0);
    // RS = 0: none
    wr(m, 0x0a, 0x20);
    runTo(m, 600_000_000);
    expect(irq8(m)).toBe(0);
    expect(rd(m, 0x0c)).toBe(0x00);
    // RS = 1: 256 Hz with the 32.768 kHz time base (3.90625 ms); the next tick is at 601.5625 ms
    wr(m, 0x0a, 0x21);
    runTo(m, 601_562_490);
    expect(irq8(m)).toBe(0);
    runTo(m, 601_562_510);
    expect(irq8(m)).toBe(1);
    expect(rd(m, 0x0c)).toBe(0xc0);
    runTo(m, 605_468_740);
    expect(irq8(m)).toBe(0);
    runTo(m, 605_468_760);
    expect(irq8(m)).toBe(1);
  });

  it("sets PF without PIE (no IRQ); enabling PIE with PF set raises IRQ 8 at once", async () => {
    const m = await machine();
    runTo(m, 2_000_000);
    expect(irq8(m)).toBe(0);
    wr(m, 0x0b, 0x42);
    expect(irq8(m)).toBe(1);
    // disabling it again drops the line (IRQF = PF.PIE + AF.AIE + UF.UIE)
    wr(m, 0x0b, 0x02);
    expect(irq8(m)).toBe(0);
    expect(rd(m, 0x0c)).toBe(0x40); // PF, no IRQF
  });

  it("raises the update-ended interrupt after each update", async () => {
    const m = await machine();
    wr(m, 0x0a, 0x70); // divider reset and released: updates at 0.5 s, 1.5 s, ...
    wr(m, 0x0a, 0x20);
    wr(m, 0x0b, 0x12); // UIE
    runTo(m, 499_999_990);
    expect(irq8(m)).toBe(0);
    runTo(m, 500_000_010);
    expect(irq8(m)).toBe(1);
    expect(rd(m, 0x0c)).toBe(0x90); // IRQF | UF
    expect(irq8(m)).toBe(0);
    runTo(m, 1_499_999_990);
    expect(irq8(m)).toBe(0);
    runTo(m, 1_500_000_010);
    expect(irq8(m)).toBe(1);
    expect(rd(m, 0x0c)).toBe(0x90);
  });

  it("raises the alarm interrupt when the time matches, with 0xC0-0xFF as don't care", async () => {
    const m = await machine(2, COARSE);
    wr(m, 0x0a, 0x20);
    const alarm = (s: number, mi: number, h: number) => { wr(m, 0x01, s); wr(m, 0x03, mi); wr(m, 0x05, h); };
    // 10:00:00 -> 10:00:01 at the update 500 ms later
    const update = (regB: number) => {
      setTime(m, [0x00, 0x00, 0x10, 0x01, 0x01, 0x01, 0x01, 0x20], regB);
      expect(rd(m, 0x0c) & 0x20).toBe(0);
      runNs(m, 500_000_000 + step(m));
      return [irq8(m), rd(m, 0x0c)];
    };
    alarm(0x02, 0x00, 0x10);
    expect(update(0x22)).toEqual([0, 0x10]); // 10:00:02 does not match: UF only
    alarm(0x01, 0x00, 0x10);
    expect(update(0x22)).toEqual([1, 0xb0]); // IRQF | AF | UF
    expect(irq8(m)).toBe(0);
    alarm(0x01, 0x00, 0xc5); // any hour
    expect(update(0x22)).toEqual([1, 0xb0]);
    alarm(0x01, 0xc0, 0xff); // any hour and minute
    expect(update(0x22)).toEqual([1, 0xb0]);
    alarm(0xff, 0xc0, 0xc0); // every second
    expect(update(0x22)).toEqual([1, 0xb0]);
    alarm(0x01, 0x01, 0xc0); // the minute differs
    expect(update(0x22)).toEqual([0, 0x10]);
    alarm(0x01, 0x00, 0x10);
    expect(update(0x02)).toEqual([0, 0x30]); // AF without AIE: no IRQ
    // 12-hour mode compares the hour byte with its PM bit
    alarm(0x01, 0x00, 0x90); // 10 PM
    expect(update(0x20)).toEqual([0, 0x10]); // 10 AM = 0x10
    alarm(0x01, 0x00, 0x10);
    expect(update(0x20)).toEqual([1, 0xb0]);
  });

  it("reports flags that accumulated while the guest was not looking", async () => {
    const m = await machine(2, COARSE);
    wr(m, 0x01, 0x01);
    wr(m, 0x03, 0x00);
    wr(m, 0x05, 0x00);
    runTo(m, 2_500_000_000); // two updates, the alarm matched at the first, periodic ticks
    expect(rd(m, 0x00)).toBe(0x02);
    expect(rd(m, 0x0c)).toBe(0x70); // PF | AF | UF, no IRQF (nothing enabled)
  });
});

describe("CMOS RAM", () => {
  function checksum(m: Machine): number {
    let sum = 0;
    for (let i = 0x10; i <= 0x2d; i++) sum += rd(m, i);
    return sum & 0xffff;
  }

  it("holds the memory sizes an AT BIOS reads, and a valid checksum over 0x10-0x2D", async () => {
    for (const [mib, ext, hi] of [[2, 1024, 0], [16, 15 * 1024, 0], [64, 0xfc00, 48 * 16], [512, 0xfc00, 496 * 16]]) {
      const m = await machine(mib);
      expect(rd(m, 0x15) | (rd(m, 0x16) << 8)).toBe(640);
      expect(rd(m, 0x17) | (rd(m, 0x18) << 8)).toBe(ext);
      expect(rd(m, 0x30) | (rd(m, 0x31) << 8)).toBe(ext);
      expect(rd(m, 0x34) | (rd(m, 0x35) << 8)).toBe(hi);
      expect((rd(m, 0x2e) << 8) | rd(m, 0x2f)).toBe(checksum(m));
    }
  });

  it("keeps what the guest writes; cmos_set and cmos_update_checksum fill the setup bytes", async () => {
    const m = await machine();
    wr(m, 0x40, 0x5a);
    wr(m, 0x7f, 0xa5);
    expect(rd(m, 0x40)).toBe(0x5a);
    expect(rd(m, 0x7f)).toBe(0xa5);
    m.core.cmos_set(0x10, 0x40); // drive A: 1.44 MB
    m.core.cmos_set(0x14, rd(m, 0x14) | 0x01);
    expect((rd(m, 0x2e) << 8) | rd(m, 0x2f)).not.toBe(checksum(m));
    m.core.cmos_update_checksum();
    expect(rd(m, 0x10)).toBe(0x40);
    expect((rd(m, 0x2e) << 8) | rd(m, 0x2f)).toBe(checksum(m));
    // C and D are read-only
    wr(m, 0x0c, 0xff);
    wr(m, 0x0d, 0x00);
    expect(rd(m, 0x0c)).toBe(0x00);
    expect(rd(m, 0x0d)).toBe(0x80);
  });

  it("has a second bank of 128 bytes at 0x72/0x73", async () => {
    const m = await machine();
    const before = rd(m, 0x05);
    m.core.port_out(0x72, 1, 0x05);
    m.core.port_out(0x73, 1, 0xab);
    m.core.port_out(0x72, 1, 0x7f);
    m.core.port_out(0x73, 1, 0xcd);
    m.core.port_out(0x72, 1, 0x05);
    expect(m.core.port_in(0x73, 1)).toBe(0xab);
    expect(rd(m, 0x05)).toBe(before);
    expect(m.core.cmos_get(0x85)).toBe(0xab);
    expect(m.core.cmos_get(0xff)).toBe(0xcd);
  });

  it("keeps bit 7 of the index as the NMI mask", async () => {
    const m = await machine();
    expect(m.core.nmi_masked()).toBe(0);
    m.core.port_out(0x70, 1, 0x8d); // NMI off, register D
    expect(m.core.nmi_masked()).toBe(1);
    expect(m.core.port_in(0x71, 1)).toBe(0x80);
    m.core.port_out(0x70, 1, 0x0d);
    expect(m.core.nmi_masked()).toBe(0);
  });
});
