// The 8042 keyboard controller with its PS/2 keyboard and mouse, driven through ports 0x60/0x64
// as a guest would, with virtual time advanced by running `jmp $`. Expected bytes come from the
// IBM PS/2 technical reference (8042 commands, keyboard and mouse protocols) and the IBM
// scancode set 1/2/3 tables.
import { describe, it, expect } from "vitest";
import { Machine } from "../../host/machine.js";
import { bareMachine, real16 } from "../helpers.js";
import * as S from "../../core-as/state.js";

const OBF = 0x01, SYS = 0x04, A2 = 0x08, AUXB = 0x20;
const KBC_IRQ1 = S.DEV_KBC + 0x05, KBC_IRQ12 = S.DEV_KBC + 0x06, KBD_LEDS = S.DEV_KBC + 0x42;

async function machine(): Promise<Machine> {
  const m = await bareMachine(2);
  real16(m);
  m.ram().set([0xeb, 0xfe], 0x1000); // jmp $
  m.w32(S.EIP, 0x1000);
  return m;
}

const outb = (m: Machine, port: number, v: number) => m.core.port_out(port, 1, v);
const inb = (m: Machine, port: number) => m.core.port_in(port, 1);
const status = (m: Machine) => inb(m, 0x64);
const advance = (m: Machine, ns: number) => { m.run(Math.ceil(ns / 10)); };

/** Wait for OBF (polling every 10 us of virtual time) and read the byte with its status. */
function next(m: Machine, maxNs = 10_000_000): { b: number; st: number } | undefined {
  for (let t = 0; t <= maxNs; t += 10_000) {
    const st = status(m);
    if (st & OBF) return { b: inb(m, 0x60), st };
    advance(m, 10_000);
  }
  return undefined;
}

/** Read bytes until nothing more arrives for quietNs. */
function drain(m: Machine, quietNs = 5_000_000): number[] {
  const bytes: number[] = [];
  for (;;) {
    const r = next(m, quietNs);
    if (!r) return bytes;
    bytes.push(r.b);
  }
}

function command(m: Machine, c: number, data?: number) {
  outb(m, 0x64, c);
  if (data !== undefined) outb(m, 0x60, data);
}

function readCommandByte(m: Machine): number {
  command(m, 0x20);
  expect(status(m) & OBF).toBe(OBF);
  return inb(m, 0x60);
}

describe("8042 controller", () => {
  it("passes its self test (55) and the interface tests (00), setting the system flag", async () => {
    const m = await machine();
    expect(status(m) & SYS).toBe(0);
    command(m, 0xaa);
    expect(status(m) & (OBF | AUXB)).toBe(OBF); // the controller answers at once
    expect(inb(m, 0x60)).toBe(0x55);
    expect(status(m) & OBF).toBe(0);
    expect(status(m) & SYS).toBe(SYS);
    command(m, 0xab);
    expect(inb(m, 0x60)).toBe(0x00);
    command(m, 0xa9);
    expect(inb(m, 0x60)).toBe(0x00);
    command(m, 0xa4); // password installed? no
    expect(inb(m, 0x60)).toBe(0xf1);
  });

  it("reads and writes the command byte and its RAM, with A2 telling command from data", async () => {
    const m = await machine();
    expect(readCommandByte(m)).toBe(0x43); // IRQ 1, IRQ 12, translate
    outb(m, 0x64, 0x60);
    expect(status(m) & A2).toBe(A2);
    outb(m, 0x60, 0x65);
    expect(status(m) & A2).toBe(0);
    expect(readCommandByte(m)).toBe(0x65);
    expect(status(m) & SYS).toBe(SYS); // bit 2 of the command byte is the system flag
    command(m, 0x7f, 0xa5); // RAM byte 31
    command(m, 0x3f);
    expect(inb(m, 0x60)).toBe(0xa5);
    command(m, 0xad); // keyboard clock off -> bit 4
    command(m, 0xa7); // mouse clock off -> bit 5
    expect(readCommandByte(m)).toBe(0x75);
    command(m, 0xae);
    command(m, 0xa8);
    expect(readCommandByte(m)).toBe(0x45);
  });

  it("drives IRQ 1 while the output buffer is full and the command byte allows it", async () => {
    const m = await machine();
    command(m, 0x60, 0x00); // no IRQs
    command(m, 0xd2, 0x12); // write the output buffer as keyboard data
    expect(m.u8[KBC_IRQ1]).toBe(0);
    expect(inb(m, 0x60)).toBe(0x12);
    command(m, 0x60, 0x03);
    command(m, 0xd2, 0x34);
    expect(status(m) & (OBF | AUXB)).toBe(OBF);
    expect(m.u8[KBC_IRQ1]).toBe(1);
    expect(m.u8[KBC_IRQ12]).toBe(0);
    expect(inb(m, 0x60)).toBe(0x34);
    expect(m.u8[KBC_IRQ1]).toBe(0);
    command(m, 0xd3, 0x56); // as mouse data: AUXB and IRQ 12
    expect(status(m) & (OBF | AUXB)).toBe(OBF | AUXB);
    expect(m.u8[KBC_IRQ12]).toBe(1);
    expect(m.u8[KBC_IRQ1]).toBe(0);
    expect(inb(m, 0x60)).toBe(0x56);
    expect(m.u8[KBC_IRQ12]).toBe(0);
  });

  it("reads the input and output ports", async () => {
    const m = await machine();
    command(m, 0xc0);
    expect(inb(m, 0x60) & 0x80).toBe(0x80); // keyboard not inhibited
    command(m, 0xd0);
    // the byte was read while the buffer was empty: reset line high, A20 on
    expect(inb(m, 0x60) & 0x33).toBe(0x03);
  });
});

describe("PS/2 keyboard", () => {
  it("answers reset with ACK, then AA after its self test, each a byte time apart", async () => {
    const m = await machine();
    command(m, 0x60, 0x01); // no translation
    outb(m, 0x60, 0xff);
    // not at once: the keyboard is on a serial line (a byte time, 250 us here)
    advance(m, 200_000);
    expect(status(m) & OBF).toBe(0);
    advance(m, 100_000);
    expect(status(m) & (OBF | AUXB)).toBe(OBF);
    expect(inb(m, 0x60)).toBe(0xfa);
    const t0 = m.core.now_ns();
    expect(next(m)?.b).toBe(0xaa);
    expect(m.core.now_ns() - t0).toBeGreaterThan(1_000_000n); // the self test takes a while
    expect(drain(m)).toEqual([]);
  });

  it("identifies as an MF2 keyboard: AB 83, or AB 41 through translation", async () => {
    const m = await machine();
    command(m, 0x60, 0x01);
    outb(m, 0x60, 0xf2);
    expect(drain(m)).toEqual([0xfa, 0xab, 0x83]);
    command(m, 0x60, 0x41);
    outb(m, 0x60, 0xf2);
    expect(drain(m)).toEqual([0xfa, 0xab, 0x41]);
  });

  it("echoes, sets the LEDs, reports the scancode set, and asks for a resend on junk", async () => {
    const m = await machine();
    command(m, 0x60, 0x01);
    outb(m, 0x60, 0xee);
    expect(drain(m)).toEqual([0xee]);
    outb(m, 0x60, 0xed);
    expect(next(m)?.b).toBe(0xfa);
    outb(m, 0x60, 0x05); // Scroll + Caps
    expect(next(m)?.b).toBe(0xfa);
    expect(m.u8[KBD_LEDS]).toBe(0x05);
    outb(m, 0x60, 0xf0);
    expect(next(m)?.b).toBe(0xfa);
    outb(m, 0x60, 0x00);
    expect(drain(m)).toEqual([0xfa, 0x02]);
    command(m, 0x60, 0x41); // translated, the answer 02 becomes 41
    outb(m, 0x60, 0xf0);
    outb(m, 0x60, 0x00);
    expect(drain(m)).toEqual([0xfa, 0xfa, 0x41]);
    outb(m, 0x60, 0x42); // not a command
    expect(drain(m)).toEqual([0xfe]);
    outb(m, 0x60, 0xfe); // resend: the last byte again
    expect(drain(m)).toEqual([0xfe]);
  });

  it("translates set 2 to set 1 in the controller, F0 becoming bit 7", async () => {
    const m = await machine();
    // A make/break, Up (E0) make/break, Enter, left Shift, F7, Pause
    const set2 = [0x1c, 0xf0, 0x1c, 0xe0, 0x75, 0xe0, 0xf0, 0x75, 0x5a, 0x12, 0xf0, 0x12, 0x83,
      0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77];
    const set1 = [0x1e, 0x9e, 0xe0, 0x48, 0xe0, 0xc8, 0x1c, 0x2a, 0xaa, 0x41,
      0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5];
    expect(readCommandByte(m) & 0x40).toBe(0x40);
    expect(m.sendScancodes(set2)).toBe(true);
    expect(drain(m)).toEqual(set1);
    command(m, 0x60, 0x01); // translation off: the keyboard's own bytes
    m.sendScancodes(set2);
    expect(drain(m)).toEqual(set2);
  });

  it("sends set 1 and set 3 itself when the guest selects them", async () => {
    const m = await machine();
    command(m, 0x60, 0x01);
    outb(m, 0x60, 0xf0); outb(m, 0x60, 0x01);
    expect(drain(m)).toEqual([0xfa, 0xfa]);
    m.sendScancodes([0x1c, 0xf0, 0x1c, 0xe0, 0x6b, 0xe0, 0xf0, 0x6b]); // A, Left
    expect(drain(m)).toEqual([0x1e, 0x9e, 0xe0, 0x4b, 0xe0, 0xcb]);
    outb(m, 0x60, 0xf0); outb(m, 0x60, 0x03);
    expect(drain(m)).toEqual([0xfa, 0xfa]);
    // A, F1, Up, left Ctrl, right Ctrl, PrtSc (fake shift dropped), Pause (make and break)
    m.sendScancodes([0x1c, 0xf0, 0x1c, 0x05, 0xe0, 0x75, 0xe0, 0xf0, 0x75, 0x14, 0xe0, 0x14,
      0xe0, 0x12, 0xe0, 0x7c, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77]);
    expect(drain(m)).toEqual([0x1c, 0xf0, 0x1c, 0x07, 0x63, 0xf0, 0x63, 0x11, 0x58, 0x57,
      0x62, 0xf0, 0x62]);
    outb(m, 0x60, 0xf0); outb(m, 0x60, 0x00);
    expect(drain(m)).toEqual([0xfa, 0xfa, 0x03]);
  });

  it("repeats a held key at the programmed typematic rate until its break code", async () => {
    const m = await machine();
    command(m, 0x60, 0x01);
    outb(m, 0x60, 0xf3); outb(m, 0x60, 0x00); // 30/s (33.3 ms) after 250 ms
    expect(drain(m)).toEqual([0xfa, 0xfa]);
    const t0 = m.core.now_ns();
    m.sendScancodes([0xe0, 0x75]); // Up
    const times: number[] = [];
    const bytes: number[] = [];
    while (m.core.now_ns() - t0 < 360_000_000n) {
      if (status(m) & OBF) { bytes.push(inb(m, 0x60)); times.push(Number(m.core.now_ns() - t0) / 1e6); }
      advance(m, 20_000);
    }
    expect(bytes).toEqual([0xe0, 0x75, 0xe0, 0x75, 0xe0, 0x75, 0xe0, 0x75, 0xe0, 0x75]);
    // repeats at 250, 283.3, 316.7, 350 ms (plus the serial byte time)
    expect(times[2]).toBeGreaterThan(250);
    expect(times[2]).toBeLessThan(252);
    expect(times[4] - times[2]).toBeGreaterThan(32.8);
    expect(times[4] - times[2]).toBeLessThan(33.9);
    expect(times[8] - times[2]).toBeGreaterThan(99.5);
    expect(times[8] - times[2]).toBeLessThan(100.5);
    m.sendScancodes([0xe0, 0xf0, 0x75]);
    expect(drain(m, 100_000_000)).toEqual([0xe0, 0xf0, 0x75]);
  });

  it("holds keys while the keyboard clock is off, and F5 stops scanning", async () => {
    const m = await machine();
    command(m, 0x60, 0x11); // keyboard clock off
    m.sendScancodes([0x1c]);
    expect(drain(m)).toEqual([]);
    command(m, 0xae);
    expect(drain(m)).toEqual([0x1c]);
    outb(m, 0x60, 0xf5);
    expect(drain(m)).toEqual([0xfa]);
    m.sendScancodes([0x32]); // lost: the keyboard is not scanning
    expect(drain(m)).toEqual([]);
    outb(m, 0x60, 0xf4);
    m.sendScancodes([0x21]);
    expect(drain(m)).toEqual([0xfa, 0x21]);
  });

  it("queues a controller answer behind the byte already in the output buffer", async () => {
    const m = await machine();
    command(m, 0x60, 0x01);
    m.sendScancodes([0x1c]);
    advance(m, 1_000_000);
    expect(status(m) & OBF).toBe(OBF);
    command(m, 0x20);
    expect(inb(m, 0x60)).toBe(0x1c);
    expect(status(m) & OBF).toBe(OBF);
    expect(inb(m, 0x60)).toBe(0x01);
  });
});

describe("PS/2 mouse", () => {
  function mouse(m: Machine, v: number) { command(m, 0xd4, v); }
  function mouseBytes(m: Machine): number[] {
    const out: number[] = [];
    for (;;) {
      const r = next(m, 20_000_000);
      if (!r) return out;
      expect(r.st & AUXB).toBe(AUXB);
      out.push(r.b);
    }
  }

  it("resets (FA AA 00), identifies as 00, and becomes an IntelliMouse after 200-100-80", async () => {
    const m = await machine();
    mouse(m, 0xff);
    expect(mouseBytes(m)).toEqual([0xfa, 0xaa, 0x00]);
    mouse(m, 0xf2);
    expect(mouseBytes(m)).toEqual([0xfa, 0x00]);
    for (const r of [200, 100, 80]) { mouse(m, 0xf3); mouse(m, r); }
    expect(mouseBytes(m)).toEqual([0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa]);
    mouse(m, 0xf2);
    expect(mouseBytes(m)).toEqual([0xfa, 0x03]);
    mouse(m, 0xe9); // status: stream, disabled, 1:1; resolution 2; rate 80
    expect(mouseBytes(m)).toEqual([0xfa, 0x00, 0x02, 80]);
    mouse(m, 0xff);
    expect(mouseBytes(m)).toEqual([0xfa, 0xaa, 0x00]);
    mouse(m, 0xf2);
    expect(mouseBytes(m)).toEqual([0xfa, 0x00]);
  });

  it("streams 3-byte packets with sign bits and IRQ 12", async () => {
    const m = await machine();
    mouse(m, 0xf4);
    expect(mouseBytes(m)).toEqual([0xfa]);
    m.sendMouse(-5, 3, 0x1); // left, 5 counts left, 3 down (PS/2 Y is up: -3)
    advance(m, 1_000_000);
    expect(status(m) & (OBF | AUXB)).toBe(OBF | AUXB);
    expect(m.u8[KBC_IRQ12]).toBe(1);
    expect(m.u8[KBC_IRQ1]).toBe(0);
    expect(mouseBytes(m)).toEqual([0x39, 0xfb, 0xfd]);
    m.sendMouse(0, 0, 0); // button released
    expect(mouseBytes(m)).toEqual([0x08, 0x00, 0x00]);
    m.sendMouse(0, -200, 0x6); // right + middle, 200 up
    expect(mouseBytes(m)).toEqual([0x0e, 0x00, 200]);
    m.sendMouse(300, 0, 0x6); // beyond 255 in one sample: X overflow
    expect(mouseBytes(m)).toEqual([0x4e, 0xff, 0x00]);
    mouse(m, 0xf5);
    expect(mouseBytes(m)).toEqual([0xfa]);
    m.sendMouse(10, 10, 0); // reporting off: nothing
    expect(mouseBytes(m)).toEqual([]);
  });

  it("reports a press and its release that arrive together as two packets (a click is never merged away)", async () => {
    const m = await machine();
    mouse(m, 0xf4);
    expect(mouseBytes(m)).toEqual([0xfa]);
    // what a page sends for a quick click: movement, then down and up back to back
    m.sendMouse(30, 20, 0);
    m.sendMouse(0, 0, 0x1);
    m.sendMouse(0, 0, 0);
    m.sendMouse(1, 0, 0);
    // the movement with the press (PS/2 Y is up: -20), then the release with what came after it
    expect(mouseBytes(m)).toEqual([0x29, 30, 0xec, 0x08, 0x01, 0x00]);
  });

  it("adds the wheel as a fourth byte once it is an IntelliMouse", async () => {
    const m = await machine();
    for (const r of [200, 100, 80]) { mouse(m, 0xf3); mouse(m, r); }
    mouse(m, 0xf4);
    expect(mouseBytes(m).length).toBe(7);
    m.sendMouse(-1, -1, 0x4, -1); // middle, 1 left, 1 up, wheel away from the user
    expect(mouseBytes(m)).toEqual([0x1c, 0xff, 0x01, 0xff]);
    m.sendMouse(0, 0, 0x4, 2);
    expect(mouseBytes(m)).toEqual([0x0c, 0x00, 0x00, 0x02]);
    mouse(m, 0xe9); // status: enabled, middle button (bit 1); resolution 2; rate 80
    expect(mouseBytes(m)).toEqual([0xfa, 0x22, 0x02, 80]);
    // 200, 200, 80 turns an IntelliMouse into an Explorer: Z in bits 0-3, buttons 4/5 above
    for (const r of [200, 200, 80]) { mouse(m, 0xf3); mouse(m, r); }
    mouse(m, 0xf2);
    expect(mouseBytes(m)).toEqual([0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0x04]);
    m.sendMouse(0, 0, 0x08, 1); // button 4, wheel +1
    expect(mouseBytes(m)).toEqual([0x08, 0x00, 0x00, 0x11]);
  });

  it("sends packets at the sample rate, 2:1 scaling, remote mode and wrap mode", async () => {
    const m = await machine();
    mouse(m, 0xf3); mouse(m, 10); // 10 samples/s
    mouse(m, 0xf4);
    expect(mouseBytes(m)).toEqual([0xfa, 0xfa, 0xfa]);
    const t0 = m.core.now_ns();
    m.sendMouse(1, 0, 0);
    expect(next(m)?.b).toBe(0x08);
    m.sendMouse(2, 0, 0); // the next packet waits for the next sample, 100 ms later
    const got: number[] = [];
    let when = 0n;
    while (got.length < 5) {
      const r = next(m, 200_000_000);
      if (!r) break;
      if (got.length === 2) when = m.core.now_ns() - t0;
      got.push(r.b);
    }
    expect(got).toEqual([0x01, 0x00, 0x08, 0x02, 0x00]);
    expect(when).toBeGreaterThan(100_000_000n);
    mouse(m, 0xe7); // 2:1 scaling: 4 -> 6
    expect(mouseBytes(m)).toEqual([0xfa]);
    m.sendMouse(4, 0, 0);
    expect(drain(m, 300_000_000)).toEqual([0x08, 0x06, 0x00]);
    mouse(m, 0xf0); // remote: only on request, unscaled
    expect(mouseBytes(m)).toEqual([0xfa]);
    m.sendMouse(4, 0, 0);
    expect(drain(m, 300_000_000)).toEqual([]);
    mouse(m, 0xeb);
    expect(mouseBytes(m)).toEqual([0xfa, 0x08, 0x04, 0x00]);
    mouse(m, 0xee); // wrap: echo
    expect(mouseBytes(m)).toEqual([0xfa]);
    mouse(m, 0x12);
    expect(mouseBytes(m)).toEqual([0x12]);
    mouse(m, 0xec);
    expect(mouseBytes(m)).toEqual([0xfa]);
  });

  it("keeps mouse bytes while the mouse clock is off", async () => {
    const m = await machine();
    command(m, 0xa7);
    mouse(m, 0xf2);
    expect(drain(m)).toEqual([]);
    command(m, 0xa8);
    expect(mouseBytes(m)).toEqual([0xfa, 0x00]);
  });
});

describe("A20 gate and CPU reset", () => {
  // mov ax,0xffff; mov ds,ax; mov byte [0x20], 0x5a (linear 0x100010, or 0x10 with A20 off); jmp $
  const code = [0xb8, 0xff, 0xff, 0x8e, 0xd8, 0xc6, 0x06, 0x20, 0x00, 0x5a, 0xeb, 0xfe];

  async function writeAt1M(m: Machine) {
    m.ram().fill(0, 0, 0x20);
    m.ram().fill(0, 0x100000, 0x100020);
    m.ram().set(code, 0x2000);
    m.w32(S.EIP, 0x2000);
    m.run(10);
  }

  it("closes and opens A20 through the output port (D1) and DD/DF", async () => {
    const m = await machine();
    command(m, 0xd1, 0xdd); // A20 off, reset line high
    command(m, 0xd0);
    expect(inb(m, 0x60) & 0x02).toBe(0);
    await writeAt1M(m);
    expect(m.ram()[0x10]).toBe(0x5a); // wrapped to 0x000010
    expect(m.ram()[0x100010]).toBe(0);
    command(m, 0xd1, 0xdf);
    command(m, 0xd0);
    expect(inb(m, 0x60) & 0x02).toBe(0x02);
    await writeAt1M(m);
    expect(m.ram()[0x100010]).toBe(0x5a);
    expect(m.ram()[0x10]).toBe(0);
    command(m, 0xdd);
    await writeAt1M(m);
    expect(m.ram()[0x10]).toBe(0x5a);
    command(m, 0xdf);
    await writeAt1M(m);
    expect(m.ram()[0x100010]).toBe(0x5a);
  });

  it("resets the CPU with the FE pulse and with output port bit 0", async () => {
    const m = await machine();
    expect(m.run(100)).toBe(S.EXIT_BUDGET);
    command(m, 0xfe);
    expect(m.run(100)).toBe(S.EXIT_RESET);
    expect(m.r32(S.EIP)).toBe(0xfff0);
    real16(m); m.w32(S.EIP, 0x1000);
    command(m, 0xff); // pulses nothing
    expect(m.run(100)).toBe(S.EXIT_BUDGET);
    command(m, 0xd1, 0xde);
    expect(m.run(100)).toBe(S.EXIT_RESET);
  });

  it("resets through the reset control register 0xCF9, but not on a dword to 0xCF8", async () => {
    const m = await machine();
    outb(m, 0xcf9, 0x02); // hard reset selected, not started
    expect(m.run(100)).toBe(S.EXIT_BUDGET);
    expect(inb(m, 0xcf9)).toBe(0x02);
    m.core.port_out(0xcf8, 4, 0x80000400); // PCI configuration address (byte 1 has bit 2)
    expect(m.run(100)).toBe(S.EXIT_BUDGET);
    outb(m, 0xcf9, 0x06);
    expect(m.run(100)).toBe(S.EXIT_RESET);
  });
});
