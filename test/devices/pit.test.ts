// The 8254 timer (0x40-0x43) and port 0x61, driven through their ports while the CPU spins on
// `jmp $` to move virtual time (deterministic: 10 ns per instruction). The input clock is
// 1.193182 MHz: tick k is the k-th clock pulse since power-on, at ceil(k * 1e9 / 1193182) ns.
// A count written during tick w is loaded on the next pulse (w + 1). Expected waveforms and
// counter sequences are those of the Intel 8254 datasheet (order 231164), mode by mode.
import { describe, it, expect } from "vitest";
import { bareMachine, real16 } from "../helpers.js";
import { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const HZ = 1193182n;
const outb = (m: Machine, port: number, v: number) => m.core.port_out(port, 1, v);
const inb = (m: Machine, port: number) => m.core.port_in(port, 1);

function tickNow(m: Machine): number {
  return Number((m.core.now_ns() * HZ) / 1_000_000_000n);
}
function tickStart(k: number): bigint {
  return (BigInt(k) * 1_000_000_000n + HZ - 1n) / HZ;
}
/** Run the guest until virtual time is 400 ns into tick k. */
function goto(m: Machine, k: number): void {
  const target = tickStart(k) + 400n;
  const now = m.core.now_ns();
  if (target <= now) throw new Error(`tick ${k} is in the past (now ${tickNow(m)})`);
  m.run(Number((target - now + 9n) / 10n));
  expect(tickNow(m)).toBe(k);
}

async function machine(): Promise<Machine> {
  const m = await bareMachine();
  real16(m);
  m.ram().set([0xeb, 0xfe], 0x1000); // jmp $
  m.w32(S.EIP, 0x1000);
  m.setReg(4, 0x8000);
  goto(m, 10);
  return m;
}

const ctl = (m: Machine, v: number) => outb(m, 0x43, v);
function count16(m: Machine, c: number, n: number): number {
  outb(m, 0x40 + c, n & 0xff);
  outb(m, 0x40 + c, (n >> 8) & 0xff);
  return tickNow(m);
}
/** Read-back of status and count of one counter (programmed for LSB then MSB). */
function readBack(m: Machine, c: number): { out: number; nullCount: number; mode: number; value: number } {
  outb(m, 0x43, 0xc0 | (2 << c));
  const st = inb(m, 0x40 + c);
  const lo = inb(m, 0x40 + c);
  const hi = inb(m, 0x40 + c);
  return { out: st >> 7, nullCount: (st >> 6) & 1, mode: st & 0x3f, value: lo | (hi << 8) };
}
/** Counter value and OUT at each of the ticks from..from+n-1. */
function trace(m: Machine, c: number, from: number, n: number): { v: number[]; o: number[] } {
  const v: number[] = [], o: number[] = [];
  for (let k = from; k < from + n; k++) {
    goto(m, k);
    const r = readBack(m, c);
    v.push(r.value);
    o.push(r.out);
  }
  return { v, o };
}
const gate2 = (m: Machine, level: number) => { outb(m, 0x61, (inb(m, 0x61) & 0x0e) | level); return tickNow(m); };

function initPic(m: Machine): void {
  outb(m, 0x20, 0x11); outb(m, 0x21, 0x08); outb(m, 0x21, 0x04); outb(m, 0x21, 0x01);
  outb(m, 0xa0, 0x11); outb(m, 0xa1, 0x70); outb(m, 0xa1, 0x02); outb(m, 0xa1, 0x01);
}
const irr = (m: Machine) => { outb(m, 0x20, 0x0a); return inb(m, 0x20); };

describe("8254 mode 0: interrupt on terminal count", () => {
  it("OUT is low from the control word until N+1 clocks after the count is written, then stays high", async () => {
    const m = await machine();
    initPic(m);
    outb(m, 0x21, 0xff); // masked: IRR shows IRQ 0 without interrupting
    ctl(m, 0x30); // counter 0, LSB then MSB, mode 0, binary
    let r = readBack(m, 0);
    expect(r.out).toBe(0);
    expect(r.nullCount).toBe(1);
    expect(r.mode).toBe(0x30);
    const w = count16(m, 0, 100);
    expect(readBack(m, 0).nullCount).toBe(1); // written, not yet loaded
    goto(m, w + 1);
    r = readBack(m, 0);
    expect(r.value).toBe(100);
    expect(r.nullCount).toBe(0);
    expect(r.out).toBe(0);
    goto(m, w + 51);
    expect(readBack(m, 0).value).toBe(50);
    goto(m, w + 100);
    r = readBack(m, 0);
    expect([r.value, r.out]).toEqual([1, 0]);
    expect(irr(m) & 1).toBe(0);
    goto(m, w + 101);
    r = readBack(m, 0);
    expect([r.value, r.out]).toEqual([0, 1]);
    expect(irr(m) & 1).toBe(1); // the rising edge of OUT 0 is IRQ 0
    goto(m, w + 102);
    r = readBack(m, 0);
    expect([r.value, r.out]).toEqual([0xffff, 1]); // the counter keeps counting, OUT stays high
    goto(m, w + 300);
    expect(readBack(m, 0)).toMatchObject({ value: 0x10000 - 199, out: 1 });
  });

  it("a new count restarts the count and drives OUT low; the first byte of two stops counting", async () => {
    const m = await machine();
    ctl(m, 0xb0); // counter 2, mode 0
    gate2(m, 1);
    const w = count16(m, 2, 30);
    goto(m, w + 40);
    expect(readBack(m, 2).out).toBe(1);
    outb(m, 0x42, 10); // LSB only: counting stops and OUT goes low at once
    const s = tickNow(m);
    const held = readBack(m, 2);
    expect(held.out).toBe(0);
    goto(m, s + 20);
    expect(readBack(m, 2)).toMatchObject({ value: held.value, out: 0 });
    outb(m, 0x42, 0); // MSB: count 10 loaded on the next clock
    const w2 = tickNow(m);
    goto(m, w2 + 1);
    expect(readBack(m, 2).value).toBe(10);
    goto(m, w2 + 10);
    expect(readBack(m, 2)).toMatchObject({ value: 1, out: 0 });
    goto(m, w2 + 11);
    expect(readBack(m, 2)).toMatchObject({ value: 0, out: 1 });
  });

  it("GATE low suspends counting and high resumes it", async () => {
    const m = await machine();
    ctl(m, 0xb0);
    const w = count16(m, 2, 100); // GATE 2 is low (port 0x61 bit 0 = 0)
    goto(m, w + 50);
    expect(readBack(m, 2)).toMatchObject({ value: 100, out: 0 });
    // GATE is sampled on each clock's rising edge, the count decrements on its falling edge
    const g = gate2(m, 1);
    goto(m, g + 1);
    expect(readBack(m, 2).value).toBe(99);
    goto(m, g + 30);
    expect(readBack(m, 2).value).toBe(70);
    const h = gate2(m, 0);
    const frozen = 100 - (h - g);
    goto(m, h + 40);
    expect(readBack(m, 2).value).toBe(frozen);
    const g2 = gate2(m, 1);
    goto(m, g2 + frozen - 1);
    expect(readBack(m, 2)).toMatchObject({ value: 1, out: 0 });
    goto(m, g2 + frozen);
    expect(readBack(m, 2)).toMatchObject({ value: 0, out: 1 });
    expect((inb(m, 0x61) >> 5) & 1).toBe(1); // OUT 2 on port 0x61 bit 5
  });
});

describe("8254 mode 1: hardware retriggerable one-shot", () => {
  it("OUT goes low on the clock after a GATE rising edge and high N clocks later; retrigger restarts", async () => {
    const m = await machine();
    ctl(m, 0xb2); // counter 2, mode 1
    expect(readBack(m, 2).out).toBe(1);
    const w = count16(m, 2, 50);
    goto(m, w + 20);
    expect(readBack(m, 2)).toMatchObject({ out: 1, nullCount: 1 }); // waits for a trigger
    const g = gate2(m, 1);
    goto(m, g + 1);
    expect(readBack(m, 2)).toMatchObject({ value: 50, out: 0, nullCount: 0 });
    gate2(m, 0); // GATE level does not matter once triggered
    goto(m, g + 50);
    expect(readBack(m, 2)).toMatchObject({ value: 1, out: 0 });
    goto(m, g + 51);
    expect(readBack(m, 2)).toMatchObject({ value: 0, out: 1 });
    goto(m, g + 60);
    expect(readBack(m, 2)).toMatchObject({ value: 0xffff - 8, out: 1 });
    // retrigger in the middle of a one-shot: the count reloads and the pulse is stretched
    const g2 = gate2(m, 1);
    goto(m, g2 + 30);
    gate2(m, 0);
    const g3 = gate2(m, 1);
    goto(m, g3 + 1);
    expect(readBack(m, 2)).toMatchObject({ value: 50, out: 0 });
    goto(m, g3 + 50);
    expect(readBack(m, 2).out).toBe(0);
    goto(m, g3 + 51);
    expect(readBack(m, 2).out).toBe(1);
  });

  it("a new count does not affect the current one-shot, only the next trigger", async () => {
    const m = await machine();
    ctl(m, 0xb2);
    count16(m, 2, 40);
    const g = gate2(m, 1);
    goto(m, g + 5);
    count16(m, 2, 10);
    expect(readBack(m, 2).nullCount).toBe(1);
    goto(m, g + 40);
    expect(readBack(m, 2).out).toBe(0);
    goto(m, g + 41);
    expect(readBack(m, 2).out).toBe(1);
    gate2(m, 0);
    const g2 = gate2(m, 1);
    goto(m, g2 + 1);
    expect(readBack(m, 2).value).toBe(10);
    goto(m, g2 + 11);
    expect(readBack(m, 2).out).toBe(1);
  });
});

describe("8254 mode 2: rate generator", () => {
  it("counts N..1, OUT low for the one clock at count 1, period N", async () => {
    const m = await machine();
    ctl(m, 0x34);
    const w = count16(m, 0, 10);
    const t = trace(m, 0, w + 1, 25);
    const ev: number[] = [], eo: number[] = [];
    for (let j = 0; j < 25; j++) {
      ev.push(10 - (j % 10));
      eo.push(j % 10 === 9 ? 0 : 1);
    }
    expect(t.v).toEqual(ev);
    expect(t.o).toEqual(eo);
  });

  it("a count of 0 is 65536", async () => {
    const m = await machine();
    ctl(m, 0xb4); // counter 2, mode 2
    gate2(m, 1);
    const w = count16(m, 2, 0);
    goto(m, w + 1);
    expect(readBack(m, 2)).toMatchObject({ value: 0, out: 1 });
    goto(m, w + 2);
    expect(readBack(m, 2).value).toBe(0xffff);
    goto(m, w + 65535);
    expect(readBack(m, 2)).toMatchObject({ value: 2, out: 1 });
    goto(m, w + 65536);
    expect(readBack(m, 2)).toMatchObject({ value: 1, out: 0 });
    goto(m, w + 65537);
    expect(readBack(m, 2)).toMatchObject({ value: 0, out: 1 });
  });

  it("a new count written while counting takes effect at the end of the current period", async () => {
    const m = await machine();
    ctl(m, 0xb4);
    gate2(m, 1);
    const w = count16(m, 2, 10);
    goto(m, w + 4); // count 7
    count16(m, 2, 20);
    expect(readBack(m, 2).nullCount).toBe(1);
    const t = trace(m, 2, w + 5, 30);
    const ev: number[] = [];
    for (let j = 4; j < 10; j++) ev.push(10 - j); // 6..1 with the old count
    for (let j = 0; j < 24; j++) ev.push(20 - (j % 20)); // reloaded with 20 at w + 11
    expect(t.v).toEqual(ev);
    expect(t.o[5]).toBe(0); // the old period's count 1
    expect(t.o[6 + 19]).toBe(0); // the new period's count 1
    expect(readBack(m, 2).nullCount).toBe(0);
  });

  it("GATE low forces OUT high and stops counting; GATE high reloads on the next clock", async () => {
    const m = await machine();
    ctl(m, 0xb4);
    gate2(m, 1);
    const w = count16(m, 2, 10);
    goto(m, w + 10); // count 1: OUT low
    expect(readBack(m, 2).out).toBe(0);
    const h = gate2(m, 0);
    expect(readBack(m, 2)).toMatchObject({ out: 1, value: 1 });
    goto(m, h + 15);
    expect(readBack(m, 2)).toMatchObject({ out: 1, value: 1 });
    const g = gate2(m, 1);
    goto(m, g + 1);
    expect(readBack(m, 2).value).toBe(10); // synchronized: a full period starts
    goto(m, g + 10);
    expect(readBack(m, 2)).toMatchObject({ value: 1, out: 0 });
  });
});

describe("8254 mode 3: square wave", () => {
  it("even N: high N/2 clocks, low N/2 clocks, counting down by two", async () => {
    const m = await machine();
    ctl(m, 0xb6); // counter 2, mode 3
    gate2(m, 1);
    const w = count16(m, 2, 10);
    const t = trace(m, 2, w + 1, 20);
    expect(t.v).toEqual([10, 8, 6, 4, 2, 10, 8, 6, 4, 2, 10, 8, 6, 4, 2, 10, 8, 6, 4, 2]);
    expect(t.o).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it("odd N: N-1 is loaded; high (N+1)/2 clocks, low (N-1)/2 clocks", async () => {
    const m = await machine();
    ctl(m, 0xb6);
    gate2(m, 1);
    const w = count16(m, 2, 7);
    const t = trace(m, 2, w + 1, 14);
    // high half: 6 4 2, expired (0), one clock later OUT low and N-1 reloaded: 6 4 2
    expect(t.v).toEqual([6, 4, 2, 0, 6, 4, 2, 6, 4, 2, 0, 6, 4, 2]);
    expect(t.o).toEqual([1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0]);
  });

  it("a new count takes effect at the end of the current half cycle", async () => {
    const m = await machine();
    ctl(m, 0xb6);
    gate2(m, 1);
    const w = count16(m, 2, 10);
    goto(m, w + 2); // high half, count 8
    count16(m, 2, 4);
    const t = trace(m, 2, w + 3, 11);
    // the old high half finishes (6 4 2), then the low half with the new count (4 2), ...
    expect(t.v).toEqual([6, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2]);
    expect(t.o).toEqual([1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it("GATE low forces OUT high; GATE high restarts the wave", async () => {
    const m = await machine();
    ctl(m, 0xb6);
    gate2(m, 1);
    const w = count16(m, 2, 10);
    goto(m, w + 7); // low half
    expect(readBack(m, 2).out).toBe(0);
    gate2(m, 0);
    expect(readBack(m, 2).out).toBe(1);
    const g = gate2(m, 1);
    const t = trace(m, 2, g + 1, 6);
    expect(t.v).toEqual([10, 8, 6, 4, 2, 10]);
    expect(t.o).toEqual([1, 1, 1, 1, 1, 0]);
  });
});

describe("8254 mode 4: software triggered strobe", () => {
  it("OUT goes low for one clock N+1 clocks after the count is written, once", async () => {
    const m = await machine();
    initPic(m);
    outb(m, 0x21, 0xff);
    ctl(m, 0x38); // counter 0, mode 4
    expect(readBack(m, 0).out).toBe(1);
    const w = count16(m, 0, 20);
    expect(irr(m) & 1).toBe(0);
    const t = trace(m, 0, w + 18, 6);
    expect(t.v).toEqual([3, 2, 1, 0, 0xffff, 0xfffe]);
    expect(t.o).toEqual([1, 1, 1, 0, 1, 1]);
    expect(irr(m) & 1).toBe(1); // the strobe's rising edge
    goto(m, w + 21 + 65536);
    expect(readBack(m, 0).out).toBe(1); // no second strobe when the count wraps to 0 again
  });

  it("GATE low inhibits counting", async () => {
    const m = await machine();
    ctl(m, 0xb8);
    gate2(m, 1);
    const w = count16(m, 2, 20);
    goto(m, w + 6);
    const h = gate2(m, 0);
    const v = readBack(m, 2).value;
    expect(v).toBe(15);
    goto(m, h + 50);
    expect(readBack(m, 2)).toMatchObject({ value: 15, out: 1 });
    const g = gate2(m, 1);
    goto(m, g + 15);
    expect(readBack(m, 2)).toMatchObject({ value: 0, out: 0 });
    goto(m, g + 16);
    expect(readBack(m, 2).out).toBe(1);
  });
});

describe("8254 mode 5: hardware triggered strobe", () => {
  it("OUT goes low for one clock N+1 clocks after a GATE rising edge; retriggerable", async () => {
    const m = await machine();
    ctl(m, 0xba); // counter 2, mode 5
    const w = count16(m, 2, 20);
    goto(m, w + 40);
    expect(readBack(m, 2).out).toBe(1); // nothing without a trigger
    const g = gate2(m, 1);
    const t = trace(m, 2, g + 1, 23);
    expect(t.v[0]).toBe(20);
    expect(t.o.indexOf(0)).toBe(20); // at g + 21
    expect(t.o.filter((x) => x === 0).length).toBe(1);
    gate2(m, 0);
    goto(m, g + 40);
    const g2 = gate2(m, 1);
    goto(m, g2 + 10);
    gate2(m, 0);
    const g3 = gate2(m, 1); // retrigger: the strobe moves
    goto(m, g2 + 21);
    expect(readBack(m, 2).out).toBe(1);
    goto(m, g3 + 21);
    expect(readBack(m, 2)).toMatchObject({ value: 0, out: 0 });
  });
});

describe("8254 reading and access modes", () => {
  it("the counter latch command holds the count until both bytes are read; a second latch is ignored", async () => {
    const m = await machine();
    ctl(m, 0xb4);
    gate2(m, 1);
    const w = count16(m, 2, 1000);
    goto(m, w + 101);
    ctl(m, 0x80); // latch counter 2
    goto(m, w + 200);
    ctl(m, 0x80); // ignored: the first latched count has not been read
    goto(m, w + 300);
    expect(inb(m, 0x42)).toBe(900 & 0xff);
    goto(m, w + 350);
    expect(inb(m, 0x42)).toBe(900 >> 8);
    goto(m, w + 401); // now reads follow the counter
    expect(inb(m, 0x42) | (inb(m, 0x42) << 8)).toBe(600);
  });

  it("a guest polling the counter sees it move between instructions", async () => {
    const m = await machine();
    ctl(m, 0xb4);
    gate2(m, 1);
    count16(m, 2, 0);
    // loop: mov al,0x80; out 0x43,al; in al,0x42; mov ah,al; in al,0x42; xchg al,ah; stosw; loop
    const code = [0xb0, 0x80, 0xe6, 0x43, 0xe4, 0x42, 0x88, 0xc4, 0xe4, 0x42, 0x86, 0xc4, 0xab, 0xe2, 0xf1, 0xeb, 0xfe];
    m.ram().set(code, 0x2000);
    m.w32(S.EIP, 0x2000);
    m.core.state_changed();
    m.setReg(1, 200); // ECX
    m.setReg(7, 0x3000); // EDI
    m.run(200 * 8 + 10);
    const dv = new DataView(m.ram().buffer, m.ram().byteOffset + 0x3000);
    const vals = Array.from({ length: 200 }, (_, i) => dv.getUint16(i * 2, true));
    // 8 instructions of 10 ns per iteration: 80 ns, about a tenth of a clock
    for (let i = 1; i < vals.length; i++) {
      const d = (vals[i - 1] - vals[i] + 0x10000) % 0x10000;
      expect(d === 0 || d === 1).toBe(true);
    }
    const total = (vals[0] - vals[199] + 0x10000) % 0x10000;
    expect(Math.abs(total - (199 * 80 * 1193182) / 1e9)).toBeLessThanOrEqual(1);
  });

  it("LSB-only and MSB-only access", async () => {
    const m = await machine();
    gate2(m, 1);
    ctl(m, 0x94); // counter 2, LSB only, mode 2
    outb(m, 0x42, 50);
    let w = tickNow(m);
    goto(m, w + 1);
    expect(inb(m, 0x42)).toBe(50);
    goto(m, w + 11);
    expect(inb(m, 0x42)).toBe(40); // every read is the LSB
    expect(inb(m, 0x42)).toBe(40);
    goto(m, w + 50);
    expect(readBack(m, 2).mode).toBe(0x14);
    ctl(m, 0xa4); // MSB only: count 0x0300
    outb(m, 0x42, 3);
    w = tickNow(m);
    goto(m, w + 1);
    expect(inb(m, 0x42)).toBe(3);
    goto(m, w + 2);
    expect(inb(m, 0x42)).toBe(2); // 0x02FF
    ctl(m, 0x80); // latch: one byte (the MSB) to read
    goto(m, w + 0x102);
    expect(inb(m, 0x42)).toBe(2);
    expect(inb(m, 0x42)).toBe(1); // 0x01FF, live again
  });

  it("LSB then MSB reads alternate; reads and writes have separate byte pointers", async () => {
    const m = await machine();
    gate2(m, 1);
    ctl(m, 0xb0); // mode 0
    const w = count16(m, 2, 0x1234);
    goto(m, w + 1);
    ctl(m, 0x80);
    expect(inb(m, 0x42)).toBe(0x34); // read LSB
    outb(m, 0x42, 0x78); // write LSB of a new count (stops counting in mode 0)
    expect(inb(m, 0x42)).toBe(0x12); // read MSB of the latched count
    outb(m, 0x42, 0x56); // write MSB: count 0x5678
    const w2 = tickNow(m);
    goto(m, w2 + 1);
    ctl(m, 0x80);
    expect(inb(m, 0x42) | (inb(m, 0x42) << 8)).toBe(0x5678);
  });

  it("read-back: status and count of several counters, status first; latched status held until read", async () => {
    const m = await machine();
    ctl(m, 0x34); // counter 0: mode 2
    const w = count16(m, 0, 300);
    ctl(m, 0xb7); // counter 2: mode 3, BCD
    goto(m, w + 101);
    outb(m, 0x43, 0xca); // latch count and status of counters 0 and 2
    goto(m, w + 150);
    expect(inb(m, 0x40)).toBe(0x80 | 0x34); // OUT high, count loaded, RW 11 mode 010 binary
    expect(inb(m, 0x40) | (inb(m, 0x40) << 8)).toBe(200);
    expect(inb(m, 0x42)).toBe(0x80 | 0x40 | 0x37); // OUT high, NULL COUNT (no count yet), mode 3 BCD
    outb(m, 0x43, 0xe8); // status only, counter 2: read before the count still latched
    expect(inb(m, 0x42)).toBe(0xf7);
    expect(inb(m, 0x42) | (inb(m, 0x42) << 8)).toBe(0); // the held count (none loaded yet)
    outb(m, 0x43, 0xe2); // status of counter 0: OUT high
    goto(m, w + 300); // count 1: OUT low
    outb(m, 0x43, 0xe2); // ignored: the first status has not been read
    expect(inb(m, 0x40)).toBe(0x80 | 0x34);
    outb(m, 0x43, 0xe2);
    expect(inb(m, 0x40)).toBe(0x34);
    outb(m, 0x43, 0xd2); // count only, counter 0
    expect(inb(m, 0x40) | (inb(m, 0x40) << 8)).toBe(1);
  });

  it("BCD counting: the count and its reads are decimal, 0 means 10000", async () => {
    const m = await machine();
    gate2(m, 1);
    ctl(m, 0xb5); // counter 2, mode 2, BCD
    const w = count16(m, 2, 0x0100);
    const t = trace(m, 2, w + 1, 3);
    expect(t.v).toEqual([0x0100, 0x0099, 0x0098]);
    goto(m, w + 100);
    expect(readBack(m, 2)).toMatchObject({ value: 0x0001, out: 0 });
    goto(m, w + 101);
    expect(readBack(m, 2).value).toBe(0x0100);
    ctl(m, 0xb1); // mode 0, BCD
    const w2 = count16(m, 2, 0);
    goto(m, w2 + 1);
    expect(readBack(m, 2).value).toBe(0);
    goto(m, w2 + 2);
    expect(readBack(m, 2).value).toBe(0x9999);
    goto(m, w2 + 10000);
    expect(readBack(m, 2)).toMatchObject({ value: 0x0001, out: 0 });
    goto(m, w2 + 10001);
    expect(readBack(m, 2)).toMatchObject({ value: 0, out: 1 });
    goto(m, w2 + 10002);
    expect(readBack(m, 2).value).toBe(0x9999);
  });

  it("a control word stops the counter and sets OUT to the new mode's initial level", async () => {
    const m = await machine();
    gate2(m, 1);
    ctl(m, 0xb4);
    const w = count16(m, 2, 100);
    goto(m, w + 31);
    ctl(m, 0xb0); // mode 0: OUT low, waits for a count
    const s = tickNow(m);
    const r = readBack(m, 2);
    expect(r.out).toBe(0);
    expect(r.nullCount).toBe(1);
    goto(m, s + 50);
    expect(readBack(m, 2).value).toBe(r.value);
    expect(inb(m, 0x43)).toBe(0xff); // the control register cannot be read
  });
});

describe("port 0x61 and the PC wiring", () => {
  it("reads back bits 0-3, the refresh toggle every 15 us (counter 1) and OUT 2", async () => {
    const m = await machine();
    outb(m, 0x61, 0xf2);
    expect(inb(m, 0x61) & 0x0f).toBe(0x02);
    expect(inb(m, 0x61) & 0xc0).toBe(0);
    // find the ticks at which bit 4 flips
    const flips: number[] = [];
    let last = (inb(m, 0x61) >> 4) & 1;
    const k0 = tickNow(m);
    for (let k = k0 + 1; k < k0 + 100; k++) {
      goto(m, k);
      const b = (inb(m, 0x61) >> 4) & 1;
      if (b !== last) flips.push(k);
      last = b;
    }
    expect(flips.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < flips.length; i++) expect(flips[i] - flips[i - 1]).toBe(18); // 15.085 us
    // counter 1 reprogrammed: the refresh rate follows its OUT
    ctl(m, 0x54); // counter 1, LSB only, mode 2
    outb(m, 0x41, 36);
    const w = tickNow(m);
    const f2: number[] = [];
    last = (inb(m, 0x61) >> 4) & 1;
    for (let k = w + 1; k < w + 120; k++) {
      goto(m, k);
      const b = (inb(m, 0x61) >> 4) & 1;
      if (b !== last) f2.push(k);
      last = b;
    }
    expect(f2).toEqual([w + 37, w + 73, w + 109]);
  });

  it("bit 0 gates counter 2 and bit 5 shows its OUT", async () => {
    const m = await machine();
    ctl(m, 0xb0);
    count16(m, 2, 10);
    const k = tickNow(m);
    goto(m, k + 30);
    expect((inb(m, 0x61) >> 5) & 1).toBe(0); // GATE 2 low: never reaches 0
    const g = gate2(m, 1); // loaded while GATE was low; counting starts with the next clock
    goto(m, g + 9);
    expect((inb(m, 0x61) >> 5) & 1).toBe(0);
    goto(m, g + 10);
    expect((inb(m, 0x61) >> 5) & 1).toBe(1);
  });
});

describe("IRQ 0 interrupts the CPU", () => {
  async function timerGuest(): Promise<Machine> {
    const m = await machine();
    const ram = m.ram();
    // IVT[8] -> 0000:0500: inc word [0x600]; push ax; mov al,0x20; out 0x20,al; pop ax; iret
    ram.set([0x00, 0x05, 0x00, 0x00], 8 * 4);
    ram.set([0xff, 0x06, 0x00, 0x06, 0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf], 0x500);
    ram.set([0xfb, 0xeb, 0xfe], 0x1100); // sti; jmp $
    m.w32(S.EIP, 0x1100);
    m.core.state_changed();
    initPic(m);
    outb(m, 0x21, 0xfe); // only IRQ 0
    m.run(10);
    return m;
  }
  const ticks = (m: Machine) => m.ram()[0x600] | (m.ram()[0x601] << 8);

  it("mode 2: one interrupt per period", async () => {
    const m = await timerGuest();
    ctl(m, 0x34);
    const w = count16(m, 0, 1193); // about 1 ms
    goto(m, w + 1 + 1193 * 25 + 600);
    expect(ticks(m)).toBe(25);
    goto(m, w + 1 + 1193 * 26 - 1);
    expect(ticks(m)).toBe(25);
    goto(m, w + 1 + 1193 * 26);
    expect(ticks(m)).toBe(26);
  });

  it("mode 3: one interrupt per period, on the rising edge", async () => {
    const m = await timerGuest();
    ctl(m, 0x36);
    const w = count16(m, 0, 2000);
    goto(m, w + 1 + 2000 * 10 + 1500);
    expect(ticks(m)).toBe(10);
  });

  it("the default 18.2 Hz BIOS tick (count 0 = 65536)", async () => {
    const m = await timerGuest();
    ctl(m, 0x36);
    const w = count16(m, 0, 0);
    goto(m, w + 1 + 65536 * 5 + 100);
    expect(ticks(m)).toBe(5);
  });

  it("mode 0: one interrupt at terminal count, none after", async () => {
    const m = await timerGuest();
    ctl(m, 0x30);
    const w = count16(m, 0, 500);
    goto(m, w + 500);
    expect(ticks(m)).toBe(0);
    goto(m, w + 501);
    expect(ticks(m)).toBe(1);
    goto(m, w + 70000);
    expect(ticks(m)).toBe(1);
  });

  it("wakes a halted guest: the halt reports the next edge, and skipping to it delivers IRQ 0", async () => {
    const m = await timerGuest();
    m.ram().set([0xf4, 0xeb, 0xfd], 0x1101); // sti; hlt; jmp back to the hlt
    ctl(m, 0x34);
    const w = count16(m, 0, 5966); // 5 ms
    const at: number[] = []; // the tick in which each interrupt was handled
    for (let guard = 0; at.length < 4 && guard < 100; guard++) {
      const before = ticks(m);
      expect(m.run(100_000)).toBe(S.EXIT_HALT); // IF set and halted: sleeps until the next event
      if (ticks(m) !== before) at.push(tickNow(m));
      expect(m.haltUntil).toBeGreaterThan(0n);
      m.core.idle_until(m.haltUntil);
    }
    expect(at).toEqual([1, 2, 3, 4].map((j) => w + 1 + 5966 * j));
  });

  it("masked ticks are not queued: the IRR holds one request", async () => {
    const m = await timerGuest();
    outb(m, 0x21, 0xff);
    ctl(m, 0x34);
    const w = count16(m, 0, 100);
    goto(m, w + 1 + 100 * 10 + 50);
    expect(ticks(m)).toBe(0);
    outb(m, 0x21, 0xfe);
    m.run(20);
    expect(ticks(m)).toBe(1);
  });
});
