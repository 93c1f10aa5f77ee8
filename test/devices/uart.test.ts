// NS16550A UARTs driven through their ports as a guest would. Expected values from the National
// PC16550D datasheet: register reset values, divisor latch and character timing (start + data +
// parity + stop bits at 115200 / divisor baud), the 16-byte FIFOs and trigger levels, character
// timeout after 4 character times, overrun, IIR priorities (line status > received data / timeout
// > THR empty > modem status), loopback wiring (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD), break,
// and the PC's OUT2 gate on the IRQ line. Virtual time: 10 ns per instruction of `jmp $`.
import { describe, it, expect } from "vitest";
import { bareMachine, real16 } from "../helpers.js";
import { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const COM1 = 0x3f8;
const COM2 = 0x2f8;
const COM3 = 0x3e8;
const COM4 = 0x2e8;
// 8N1 at 115200 baud: 10 bits of 8.68 us
const C = Math.floor((20 * 1e9) / 230400); // 86_805 ns

async function machine(): Promise<Machine> {
  const m = await bareMachine();
  real16(m);
  m.ram().set([0xeb, 0xfe], 0x1000); // jmp $
  m.w32(S.EIP, 0x1000);
  return m;
}

function now(m: Machine): number { return Number(m.core.now_ns()); }
/** Run until virtual time t, rounded up to the next instruction (10 ns). */
function runTo(m: Machine, t: number): void {
  t = Math.ceil(t / 10) * 10;
  const n = now(m);
  if (t > n) expect(m.run((t - n) / 10)).toBe(S.EXIT_BUDGET);
}

const out = (m: Machine, reg: number, v: number, base = COM1) => m.core.port_out(base + reg, 1, v);
const inp = (m: Machine, reg: number, base = COM1) => m.core.port_in(base + reg, 1);
const RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

/** Divisor and line format (default 115200 8N1). */
function setup(m: Machine, lcr = 0x03, div = 1, base = COM1): void {
  out(m, LCR, 0x80, base);
  out(m, 0, div & 0xff, base);
  out(m, 1, div >> 8, base);
  out(m, LCR, lcr, base);
}

/** The level on an IRQ line: the UARTs' output, and the PIC's IRR bit when the PIC is there. */
function irq(m: Machine, line: number): number {
  const level = m.core.test_irq_level(line);
  if (m.u8[S.PORT_MAP + 0x20] !== 0) {
    m.core.port_out(0x20, 1, 0x0a); // OCW3: read IRR
    expect((m.core.port_in(0x20, 1) >> line) & 1).toBe(level);
  }
  return level;
}

function drainRx(m: Machine, base = COM1): number[] {
  const got: number[] = [];
  while (inp(m, LSR, base) & 1) got.push(inp(m, RBR, base));
  return got;
}

describe("16550A registers", () => {
  it("comes out of reset as the datasheet says, at all four addresses", async () => {
    const m = await machine();
    for (const base of [COM1, COM2, COM3, COM4]) {
      expect(inp(m, IER, base)).toBe(0x00);
      expect(inp(m, IIR, base)).toBe(0x01);
      expect(inp(m, LCR, base)).toBe(0x00);
      expect(inp(m, MCR, base)).toBe(0x00);
      expect(inp(m, LSR, base)).toBe(0x60);
      expect(inp(m, MSR, base)).toBe(0xb0); // the host side asserts CTS, DSR, DCD
      out(m, SCR, 0x55, base);
      expect(inp(m, SCR, base)).toBe(0x55);
      out(m, SCR, 0xaa, base);
      expect(inp(m, SCR, base)).toBe(0xaa);
    }
    expect(irq(m, 3)).toBe(0);
    expect(irq(m, 4)).toBe(0);
  });

  it("reaches the divisor latch with DLAB and IER/RBR/THR without it", async () => {
    const m = await machine();
    out(m, IER, 0x05);
    out(m, LCR, 0x80);
    out(m, 0, 0x34);
    out(m, 1, 0x12);
    expect(inp(m, 0)).toBe(0x34);
    expect(inp(m, 1)).toBe(0x12);
    expect(inp(m, LSR)).toBe(0x60); // writing DLL sent nothing
    out(m, LCR, 0x1b);
    expect(inp(m, LCR)).toBe(0x1b);
    expect(inp(m, IER)).toBe(0x05);
    out(m, IER, 0xff);
    expect(inp(m, IER)).toBe(0x0f); // bits 4-7 are zero
    out(m, LCR, 0x80);
    expect(inp(m, 0) | (inp(m, 1) << 8)).toBe(0x1234);
  });
});

describe("16550A transmitter", () => {
  it("sends one character per character time to the host", async () => {
    const m = await machine();
    for (const [lcr, div, ns, sent, got] of [
      [0x03, 1, C, 0x41, 0x41], // 8N1, 10 bits at 115200
      [0x03, 12, Math.floor((20 * 12 * 1e9) / 230400), 0x42, 0x42], // 9600 baud
      [0x1e, 1, Math.floor((22 * 1e9) / 230400), 0xff, 0x7f], // 7E2: 11 bits, 7 data bits
      [0x04, 1, Math.floor((15 * 1e9) / 230400), 0xff, 0x1f], // 5 bits, 1.5 stop bits
    ]) {
      setup(m, lcr, div);
      const t0 = now(m);
      out(m, THR, sent);
      expect(inp(m, LSR)).toBe(0x20); // THR empty again (moved to the shift register), TEMT clear
      runTo(m, t0 + ns - 10);
      expect(inp(m, LSR)).toBe(0x20);
      expect([...m.serialOut(0)]).toEqual([]);
      runTo(m, t0 + ns);
      expect(inp(m, LSR)).toBe(0x60);
      expect([...m.serialOut(0)]).toEqual([got]);
    }
  });

  it("holds 16 bytes in the transmit FIFO plus one in the shift register", async () => {
    const m = await machine();
    setup(m);
    out(m, FCR, 0x07);
    expect(inp(m, IIR)).toBe(0xc1); // FIFOs enabled
    const t0 = now(m);
    for (let i = 0; i < 18; i++) out(m, THR, i); // the 18th does not fit
    expect(inp(m, LSR)).toBe(0x00);
    // byte k leaves the shift register at t0 + (k+1) C; the last one enters it at t0 + 16 C
    runTo(m, t0 + 16 * C - 10);
    expect(inp(m, LSR)).toBe(0x00);
    runTo(m, t0 + 16 * C);
    expect(inp(m, LSR)).toBe(0x20);
    runTo(m, t0 + 17 * C - 10);
    expect(inp(m, LSR)).toBe(0x20);
    runTo(m, t0 + 17 * C);
    expect(inp(m, LSR)).toBe(0x60);
    expect([...m.serialOut(0)]).toEqual([...Array(17).keys()]);
  });

  it("raises THRE when ETBEI is enabled with the THR empty; reading IIR or writing THR clears it", async () => {
    const m = await machine();
    setup(m);
    out(m, MCR, 0x08); // OUT2: the IRQ driver is enabled
    expect(irq(m, 4)).toBe(0);
    out(m, IER, 0x02);
    expect(irq(m, 4)).toBe(1);
    expect(inp(m, IIR)).toBe(0x02);
    expect(irq(m, 4)).toBe(0);
    expect(inp(m, IIR)).toBe(0x01);
    out(m, IER, 0x02); // no rising edge: nothing new
    expect(inp(m, IIR)).toBe(0x01);
    out(m, IER, 0x00);
    out(m, IER, 0x02);
    expect(irq(m, 4)).toBe(1);
    expect(inp(m, IIR)).toBe(0x02);
    // 'x' goes straight to the shift register (THR empty again: THRE), 'y' waits in the THR
    const t0 = now(m);
    out(m, THR, 0x78);
    expect(irq(m, 4)).toBe(1);
    out(m, THR, 0x79);
    expect(irq(m, 4)).toBe(0);
    expect(inp(m, IIR)).toBe(0x01);
    runTo(m, t0 + C + 10); // 'y' moved into the shift register (the event fires before the next instruction)
    expect(irq(m, 4)).toBe(1);
    expect(inp(m, IIR)).toBe(0x02);
    runTo(m, t0 + 2 * C + 10);
    expect([...m.serialOut(0)]).toEqual([0x78, 0x79]);
  });

  it("gates the IRQ with OUT2, and with loopback (the OUT2 pin is forced inactive)", async () => {
    const m = await machine();
    out(m, IER, 0x02);
    expect(irq(m, 4)).toBe(0); // OUT2 off
    out(m, MCR, 0x08);
    expect(irq(m, 4)).toBe(1);
    out(m, MCR, 0x18);
    expect(irq(m, 4)).toBe(0);
    expect(inp(m, IIR)).toBe(0x02); // still pending inside the chip
    out(m, IER, 0x00);
    out(m, IER, 0x02);
    out(m, MCR, 0x08);
    expect(irq(m, 4)).toBe(1);
    out(m, MCR, 0x00);
    expect(irq(m, 4)).toBe(0);
  });

  it("puts COM2 and COM4 on IRQ 3, COM1 and COM3 on IRQ 4, sharing each line", async () => {
    const m = await machine();
    for (const base of [COM1, COM2, COM3, COM4]) out(m, MCR, 0x08, base);
    out(m, IER, 0x02, COM2);
    expect([irq(m, 3), irq(m, 4)]).toEqual([1, 0]);
    out(m, IER, 0x02, COM3);
    expect([irq(m, 3), irq(m, 4)]).toEqual([1, 1]);
    out(m, IER, 0x02, COM1);
    expect(inp(m, IIR, COM3)).toBe(0x02); // COM3 done, COM1 still asserts IRQ 4
    expect([irq(m, 3), irq(m, 4)]).toEqual([1, 1]);
    expect(inp(m, IIR, COM1)).toBe(0x02);
    expect([irq(m, 3), irq(m, 4)]).toEqual([1, 0]);
    out(m, IER, 0x02, COM4);
    expect(inp(m, IIR, COM2)).toBe(0x02);
    expect(irq(m, 3)).toBe(1);
    expect(inp(m, IIR, COM4)).toBe(0x02);
    expect(irq(m, 3)).toBe(0);
  });
});

describe("16550A receiver", () => {
  it("loops transmitted bytes back into a 16-byte FIFO; the 17th overruns", async () => {
    const m = await machine();
    setup(m);
    out(m, MCR, 0x10);
    out(m, FCR, 0x07);
    const t0 = now(m);
    for (let i = 0; i < 17; i++) out(m, THR, 0x30 + i);
    runTo(m, t0 + 16 * C);
    expect(inp(m, LSR)).toBe(0x21); // DR, THRE; the 17th is in the shift register
    runTo(m, t0 + 17 * C);
    expect(inp(m, LSR)).toBe(0x63); // DR, OE, THRE, TEMT
    expect(inp(m, LSR)).toBe(0x61); // OE cleared by the read
    expect(drainRx(m)).toEqual([...Array(16).keys()].map((i) => 0x30 + i));
    expect(inp(m, LSR)).toBe(0x60);
    expect([...m.serialOut(0)]).toEqual([]); // loopback: nothing reaches the host
  });

  it("overwrites the unread character in 16450 mode", async () => {
    const m = await machine();
    setup(m);
    out(m, MCR, 0x10);
    const t0 = now(m);
    out(m, THR, 0x41);
    out(m, THR, 0x42);
    runTo(m, t0 + 2 * C);
    expect(inp(m, LSR)).toBe(0x63);
    expect(inp(m, RBR)).toBe(0x42);
    expect(inp(m, LSR)).toBe(0x60);
  });

  it("signals received data at the FIFO trigger level (1, 4, 8, 14)", async () => {
    const m = await machine();
    setup(m);
    out(m, MCR, 0x10);
    out(m, IER, 0x01);
    for (const [fcr, level] of [[0x01, 1], [0x41, 4], [0x81, 8], [0xc1, 14]]) {
      out(m, FCR, fcr | 0x06); // reset both FIFOs
      let t0 = now(m);
      for (let i = 0; i < level - 1; i++) out(m, THR, i);
      runTo(m, t0 + (level - 1) * C + 10);
      expect(inp(m, IIR)).toBe(0xc1);
      t0 = now(m);
      out(m, THR, 0x99);
      runTo(m, t0 + C + 10);
      expect(inp(m, IIR)).toBe(0xc4);
      expect(inp(m, RBR)).toBe(level === 1 ? 0x99 : 0);
      expect(inp(m, IIR)).toBe(0xc1); // below the trigger level again
    }
  });

  it("raises the character timeout 4 character times after the last character or read", async () => {
    const m = await machine();
    setup(m);
    out(m, MCR, 0x10);
    out(m, IER, 0x01);
    out(m, FCR, 0xc7); // trigger level 14
    const t0 = now(m);
    out(m, THR, 0x61);
    out(m, THR, 0x62);
    runTo(m, t0 + 2 * C);
    expect(inp(m, IIR)).toBe(0xc1);
    runTo(m, t0 + 6 * C - 10);
    expect(inp(m, IIR)).toBe(0xc1);
    runTo(m, t0 + 6 * C);
    expect(inp(m, IIR)).toBe(0xcc);
    expect(inp(m, IIR)).toBe(0xcc); // reading IIR does not clear it
    const t1 = now(m);
    expect(inp(m, RBR)).toBe(0x61);
    expect(inp(m, IIR)).toBe(0xc1); // cleared by the read, which restarts the timer
    runTo(m, t1 + 4 * C - 10);
    expect(inp(m, IIR)).toBe(0xc1);
    runTo(m, t1 + 4 * C);
    expect(inp(m, IIR)).toBe(0xcc);
    expect(inp(m, RBR)).toBe(0x62);
    runTo(m, t1 + 20 * C);
    expect(inp(m, IIR)).toBe(0xc1); // empty: no timeout
  });

  it("receives host bytes at the line rate; the host waits while the FIFO is full", async () => {
    const m = await machine();
    setup(m);
    out(m, MCR, 0x0b); // DTR, RTS, OUT2
    out(m, IER, 0x01);
    let t0 = now(m);
    expect(m.serialIn(0, [0x68, 0x69, 0x21])).toBe(3);
    runTo(m, t0 + C - 10);
    expect(inp(m, LSR)).toBe(0x60);
    expect(irq(m, 4)).toBe(0);
    runTo(m, t0 + C + 10);
    expect(irq(m, 4)).toBe(1);
    expect(inp(m, IIR)).toBe(0x04);
    // 16450 mode: one character; the next waits until it is read
    runTo(m, t0 + 10 * C);
    expect(inp(m, LSR)).toBe(0x61); // no overrun
    expect(inp(m, RBR)).toBe(0x68);
    expect(irq(m, 4)).toBe(0);
    t0 = now(m);
    runTo(m, t0 + C + 10);
    expect(irq(m, 4)).toBe(1);
    expect(inp(m, RBR)).toBe(0x69);
    runTo(m, now(m) + C + 10);
    expect(inp(m, RBR)).toBe(0x21);
    expect(irq(m, 4)).toBe(0);

    // FIFO mode: 20 bytes, 16 fit, the rest follow as room appears
    out(m, FCR, 0x07);
    t0 = now(m);
    m.serialIn(0, [...Array(20).keys()]);
    runTo(m, t0 + 30 * C);
    expect(inp(m, LSR)).toBe(0x61);
    expect(drainRx(m)).toEqual([...Array(16).keys()]);
    runTo(m, now(m) + 4 * C + 10);
    expect(drainRx(m)).toEqual([16, 17, 18, 19]);

    // 7-bit words: the eighth bit is not received
    setup(m, 0x02);
    m.serialIn(0, [0xff]);
    runTo(m, now(m) + C);
    expect(drainRx(m)).toEqual([0x7f]);
  });

  it("receives a break in loopback as one 0x00 with BI; characters sent during it are lost", async () => {
    const m = await machine();
    setup(m);
    out(m, MCR, 0x10);
    out(m, FCR, 0x07);
    out(m, IER, 0x04);
    const t0 = now(m);
    out(m, LCR, 0x43); // set break
    out(m, THR, 0x5a);
    runTo(m, t0 + C - 10);
    expect(inp(m, IIR)).toBe(0xc1);
    runTo(m, t0 + C);
    expect(inp(m, IIR)).toBe(0xc6); // receiver line status
    expect(inp(m, LSR)).toBe(0xf1); // error in FIFO, TEMT, THRE, BI, DR
    expect(inp(m, LSR)).toBe(0x61);
    expect(inp(m, IIR)).toBe(0xc1);
    runTo(m, t0 + 6 * C);
    expect(drainRx(m)).toEqual([0x00]); // one break character, the 0x5A was lost
    out(m, LCR, 0x03);
  });

  it("shows a later character's error only when it reaches the top of the FIFO", async () => {
    const m = await machine();
    setup(m);
    out(m, MCR, 0x10);
    out(m, FCR, 0x07);
    let t0 = now(m);
    out(m, THR, 0x31);
    runTo(m, t0 + C);
    t0 = now(m);
    out(m, LCR, 0x43);
    runTo(m, t0 + C);
    out(m, LCR, 0x03);
    expect(inp(m, LSR)).toBe(0xe1); // a break is in the FIFO, not at its top
    expect(inp(m, RBR)).toBe(0x31);
    expect(inp(m, LSR)).toBe(0xf1); // now it is
    expect(inp(m, RBR)).toBe(0x00);
    expect(inp(m, LSR)).toBe(0x60);
  });
});

describe("16550A interrupt priorities and modem lines", () => {
  it("identifies line status, received data, THR empty and modem status in that order", async () => {
    const m = await machine();
    setup(m);
    out(m, MCR, 0x10);
    out(m, FCR, 0x07);
    out(m, MCR, 0x13); // loopback: DTR -> DSR, RTS -> CTS: DDSR, DCTS
    const t0 = now(m);
    for (let i = 0; i < 17; i++) out(m, THR, i);
    runTo(m, t0 + 17 * C);
    out(m, IER, 0x0f);
    expect(inp(m, IIR)).toBe(0xc6); // overrun
    expect(inp(m, LSR)).toBe(0x63);
    expect(inp(m, IIR)).toBe(0xc4); // data
    expect(drainRx(m).length).toBe(16);
    expect(inp(m, IIR)).toBe(0xc2); // THR empty, cleared by this read
    expect(inp(m, IIR)).toBe(0xc0); // modem status
    expect(inp(m, MSR)).toBe(0x3b); // CTS DSR; DCTS DDSR DDCD (entering loopback dropped DCD)
    expect(inp(m, IIR)).toBe(0xc1);
  });

  it("loops DTR, RTS, OUT1, OUT2 to DSR, CTS, RI, DCD with delta bits", async () => {
    const m = await machine();
    expect(inp(m, MSR)).toBe(0xb0);
    out(m, MCR, 0x10); // loopback with all outputs off: CTS, DSR, DCD drop
    expect(inp(m, MSR)).toBe(0x0b);
    expect(inp(m, MSR)).toBe(0x00);
    out(m, MCR, 0x1f);
    expect(inp(m, MSR)).toBe(0xfb); // RI rising is not a delta
    out(m, MCR, 0x1b); // OUT1 off: RI trailing edge
    expect(inp(m, MSR)).toBe(0xb4);
    out(m, MCR, 0x1a); // what Linux's probe writes: expects DCD | CTS
    expect(inp(m, MSR) & 0xf0).toBe(0x90);
    out(m, MCR, 0x00); // back to the host's lines: DSR returns
    expect(inp(m, MSR)).toBe(0xb2);
  });
});
