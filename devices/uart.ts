// Four NS16550A UARTs (National PC16550D datasheet): COM1 0x3F8 and COM3 0x3E8 on IRQ 4, COM2
// 0x2F8 and COM4 0x2E8 on IRQ 3, clocked at 1.8432 MHz (baud = 115200 / divisor).
//
// State block per UART n at DEV_UART + n * DEV_UART_SIZE (0x80 bytes):
//   +0x00 u8 DLL           +0x01 u8 DLM          divisor latch
//   +0x02 u8 IER (bits 0-3) +0x03 u8 LCR         +0x04 u8 MCR (bits 0-4)
//   +0x05 u8 LSR error bits shown now: OE (sticky until LSR is read), PE/FE/BI of the
//            character at the top of the receive FIFO
//   +0x06 u8 MSR delta bits (DCTS DDSR TERI DDCD)  +0x07 u8 SCR
//   +0x08 u8 FCR as programmed: bit 0 FIFO enable, bit 3 DMA mode, bits 6-7 trigger level
//   +0x09 u8 modem input lines, as MSR bits 4-7 (CTS DSR RI DCD)
//   +0x0A u8 THRE interrupt pending (set when the transmit FIFO / THR becomes empty or ETBEI
//            rises with it empty; cleared by a THR write or an IIR read that reports it)
//   +0x0B u8 character timeout latched (cleared by an RBR read)
//   +0x0C u8 this UART's interrupt output after the OUT2 gate (0/1)
//   +0x0D u8 TSR: the character being shifted out   +0x0E u8 TSR busy
//   +0x0F u8 last character read from RBR (an empty RBR reads it again)
//   +0x10 u8 RX FIFO head  +0x11 u8 RX FIFO count  +0x12 u8 TX FIFO head  +0x13 u8 TX count
//   +0x14 u8 a break character was received for the current loopback break
//   +0x15 u8 receiving a character from the host (RX_DONE_AT is its end)
//   +0x16 u8 level driven on the IRQ line (kept in COM1's block for IRQ 4, COM2's for IRQ 3:
//            the two UARTs sharing a line are OR-ed, as wired-OR on the ISA bus)
//   +0x20 16 x u8 RX FIFO data   +0x30 16 x u8 RX FIFO error bits (PE FE BI per character)
//   +0x40 16 x u8 TX FIFO data
//   +0x50 u64 TX_DONE_AT: the TSR character's stop bit ends (0 = idle)
//   +0x58 u64 RX_DONE_AT: the host character being received is complete (0 = none)
//   +0x60 u64 RX_LAST: last character received into the FIFO or read by the CPU (the
//            character timeout counts 4 character times from here)
//   +0x68 u64 BREAK_AT: a loopback break has lasted one character time (0 = none)
//
// Non-FIFO (16450) mode uses the same FIFOs with a depth of one.
//
// Timing: one character takes (start + data + parity + stop bits) * 16 / 1.8432 MHz * divisor
// (1.5 stop bits for 5-bit words with STB). A written character moves from the THR/FIFO into
// the shift register at once if it is idle, and reaches the host queue (QUEUE_SERIAL_OUT) when
// its stop bit is over; the next one follows back to back. Host bytes (QUEUE_SERIAL_IN) arrive
// one character time apart, and the host waits while the receive FIFO is full (a terminal
// with flow control: nothing is lost; overruns still happen in loopback). A divisor of 0
// counts as 65536. Character timeout: 4 character times after the last receive or read, with
// characters in the FIFO (FIFO mode only).
//
// Lines: with nothing attached the host side asserts CTS, DSR and DCD (a terminal that is
// on), RI is inactive. In loopback (MCR bit 4) TX goes to the own receiver and not to the
// host, the host's input waits, the modem inputs follow DTR->DSR, RTS->CTS, OUT1->RI,
// OUT2->DCD, and the output pins are forced inactive: on a PC the OUT2 pin gates the IRQ
// driver, so a UART in loopback does not interrupt (FreeBSD's sio probe relies on this: "turn
// off loopback mode so that the interrupt gate works again"). Break (LCR bit 6) holds the
// line at spacing: characters sent during it are lost, and in loopback one break character
// (0x00 with BI) is received after a character time.
//
// Not modelled: PE and FE cannot occur (the host link and the loopback are error-free; the
// per-character error path is there for BI); the 16550's delayed transmitter-empty indication
// ("one character time less the last stop bit" when the FIFO never held two bytes) — THRE is
// reported as soon as the last byte moves into the shift register; DMA mode (FCR bit 3) only
// reads back; transmitted bytes are dropped when the host queue is full.
import { DEV_UART, DEV_UART_SIZE, QUEUE_SERIAL_OUT, QUEUE_SERIAL_IN, EVENTS } from "../core-as/state";
import { port_claim, PORT_DEV_UART } from "../core-as/bus/ports";
import { irq_set } from "../core-as/bus/irq";
import { queue_put, queue_get, queue_empty } from "../core-as/bus/queue";
import { clock_now, event_schedule, event_cancel, EV_UART } from "../core-as/time";

const DLL: u32 = 0x00;
const DLM: u32 = 0x01;
const IER: u32 = 0x02;
const LCR: u32 = 0x03;
const MCR: u32 = 0x04;
const LSR_ERR: u32 = 0x05;
const MSR_DELTA: u32 = 0x06;
const SCR: u32 = 0x07;
const FCR: u32 = 0x08;
const LINES: u32 = 0x09;
const THRI: u32 = 0x0a;
const TIMEOUT: u32 = 0x0b;
const IRQ_OUT: u32 = 0x0c;
const TSR: u32 = 0x0d;
const TSR_BUSY: u32 = 0x0e;
const RBR_LAST: u32 = 0x0f;
const RX_HEAD: u32 = 0x10;
const RX_COUNT: u32 = 0x11;
const TX_HEAD: u32 = 0x12;
const TX_COUNT: u32 = 0x13;
const BREAK_SENT: u32 = 0x14;
const RX_BUSY: u32 = 0x15;
const LINE_LEVEL: u32 = 0x16;
const RX_DATA: u32 = 0x20;
const RX_ERR: u32 = 0x30;
const TX_DATA: u32 = 0x40;
const TX_DONE_AT: u32 = 0x50;
const RX_DONE_AT: u32 = 0x58;
const RX_LAST: u32 = 0x60;
const BREAK_AT: u32 = 0x68;

const IER_RDA: u32 = 1;
const IER_THRE: u32 = 2;
const IER_RLS: u32 = 4;
const IER_MS: u32 = 8;

const LSR_DR: u32 = 0x01;
const LSR_OE: u32 = 0x02;
const LSR_BI: u32 = 0x10;
const LSR_THRE: u32 = 0x20;
const LSR_TEMT: u32 = 0x40;
const LSR_FIFO_ERR: u32 = 0x80;

const MCR_OUT2: u32 = 0x08;
const MCR_LOOP: u32 = 0x10;

const LCR_BREAK: u32 = 0x40;
const LCR_DLAB: u32 = 0x80;

// CTS, DSR and DCD asserted by the host side; RI off
const HOST_LINES: u32 = 0xb0;

const OUT_QUEUE_SIZE: u32 = 0x4000;
const IN_QUEUE_SIZE: u32 = 0x1000;

@inline function blk(n: u32): u32 { return <u32>DEV_UART + n * <u32>DEV_UART_SIZE; }
@inline function r8(b: u32, off: u32): u32 { return <u32>load<u8>(b + off); }
@inline function w8(b: u32, off: u32, v: u32): void { store<u8>(b + off, <u8>v); }

// Port base to UART number: 0x3F8 -> 0, 0x2F8 -> 1, 0x3E8 -> 2, 0x2E8 -> 3.
@inline function uart_of(port: u32): u32 {
  return ((port & 0x100) != 0 ? 0 : 1) + ((port & 0x10) != 0 ? 0 : 2);
}

@inline function fifo_on(b: u32): bool { return (r8(b, FCR) & 1) != 0; }
@inline function fifo_cap(b: u32): u32 { return fifo_on(b) ? 16 : 1; }

function trigger_level(b: u32): u32 {
  switch (r8(b, FCR) >> 6) {
    case 0: return 1;
    case 1: return 4;
    case 2: return 8;
    default: return 14;
  }
}

// Nanoseconds per character at the current LCR and divisor.
function char_ns(b: u32): u64 {
  const lcr = r8(b, LCR);
  const bits = 5 + (lcr & 3);
  let half: u64 = 2 * (1 + <u64>bits + <u64>((lcr >> 3) & 1)); // start, data, parity
  half += (lcr & 4) == 0 ? 2 : (bits == 5 ? 3 : 4); // stop bits: 1, 1.5 or 2
  let div = r8(b, DLL) | (r8(b, DLM) << 8);
  if (div == 0) div = 65536;
  return (half * <u64>div * 1000000000) / 230400;
}

@inline function word_mask(b: u32): u32 { return (1 << (5 + (r8(b, LCR) & 3))) - 1; }

// ---- modem lines

function modem_inputs(b: u32): u32 {
  const mcr = r8(b, MCR);
  if ((mcr & MCR_LOOP) == 0) return HOST_LINES;
  // loopback: RTS -> CTS, DTR -> DSR, OUT1 -> RI, OUT2 -> DCD
  return ((mcr & 2) << 3) | ((mcr & 1) << 5) | ((mcr & 4) << 4) | ((mcr & 8) << 4);
}

function update_lines(b: u32): void {
  const old = r8(b, LINES);
  const now = modem_inputs(b);
  const changed = old ^ now;
  let delta = r8(b, MSR_DELTA);
  if ((changed & 0x10) != 0) delta |= 1; // DCTS
  if ((changed & 0x20) != 0) delta |= 2; // DDSR
  if ((old & 0x40) != 0 && (now & 0x40) == 0) delta |= 4; // TERI: RI went off
  if ((changed & 0x80) != 0) delta |= 8; // DDCD
  w8(b, MSR_DELTA, delta);
  w8(b, LINES, now);
}

// ---- receiver

// Errors of the character now at the top of the RX FIFO become visible in the LSR.
function expose_top(b: u32): void {
  if (r8(b, RX_COUNT) == 0) return;
  const h = r8(b, RX_HEAD);
  const e = r8(b, RX_ERR + h);
  if (e != 0) {
    w8(b, LSR_ERR, r8(b, LSR_ERR) | e);
    w8(b, RX_ERR + h, 0);
  }
}

// A character (with its PE/FE/BI bits) has been assembled by the receive shift register at t.
function rx_push(b: u32, v: u32, err: u32, t: u64): void {
  const count = r8(b, RX_COUNT);
  if (count >= fifo_cap(b)) {
    w8(b, LSR_ERR, r8(b, LSR_ERR) | LSR_OE);
    if (!fifo_on(b)) {
      // 16450 mode: the new character overwrites the unread one
      const h = r8(b, RX_HEAD);
      w8(b, RX_DATA + h, v);
      w8(b, LSR_ERR, r8(b, LSR_ERR) | err);
    }
    // FIFO mode: the character in the shift register is lost, the FIFO keeps its contents
  } else {
    const slot = (r8(b, RX_HEAD) + count) & 15;
    w8(b, RX_DATA + slot, v);
    w8(b, RX_ERR + slot, err);
    w8(b, RX_COUNT, count + 1);
    if (count == 0) expose_top(b);
  }
  if (r8(b, TIMEOUT) == 0) store<u64>(b + RX_LAST, t);
}

function rx_clear(b: u32): void {
  w8(b, RX_HEAD, 0);
  w8(b, RX_COUNT, 0);
  memory.fill(b + RX_ERR, 0, 16);
  w8(b, TIMEOUT, 0);
}

// Start receiving the next host byte if the line is free and there is room for it.
function rx_start(n: u32, t: u64): void {
  const b = blk(n);
  if (r8(b, RX_BUSY) != 0 || (r8(b, MCR) & MCR_LOOP) != 0) return;
  if (r8(b, RX_COUNT) >= fifo_cap(b)) return;
  if (queue_empty(QUEUE_SERIAL_IN + n * IN_QUEUE_SIZE)) return;
  w8(b, RX_BUSY, 1);
  store<u64>(b + RX_DONE_AT, t + char_ns(b));
}

function rx_done(n: u32, t: u64): void {
  const b = blk(n);
  w8(b, RX_BUSY, 0);
  store<u64>(b + RX_DONE_AT, 0);
  const v = queue_get(QUEUE_SERIAL_IN + n * IN_QUEUE_SIZE, IN_QUEUE_SIZE);
  if (v >= 0) rx_push(b, <u32>v & word_mask(b), 0, t);
  rx_start(n, t);
}

// Character timeout: latch it once 4 character times have passed with data waiting.
function timeout_deadline(b: u32): u64 {
  if (!fifo_on(b) || r8(b, RX_COUNT) == 0 || r8(b, TIMEOUT) != 0) return 0;
  return load<u64>(b + RX_LAST) + 4 * char_ns(b);
}

function check_timeout(b: u32, t: u64): void {
  const d = timeout_deadline(b);
  if (d != 0 && t >= d) w8(b, TIMEOUT, 1);
}

// ---- transmitter

// Move the next character into the idle shift register at time t.
function tx_load(b: u32, t: u64): void {
  const count = r8(b, TX_COUNT);
  if (count == 0) return;
  const h = r8(b, TX_HEAD);
  w8(b, TSR, r8(b, TX_DATA + h));
  w8(b, TX_HEAD, (h + 1) & 15);
  w8(b, TX_COUNT, count - 1);
  w8(b, TSR_BUSY, 1);
  store<u64>(b + TX_DONE_AT, t + char_ns(b));
  if (count == 1) w8(b, THRI, 1); // the holding register / FIFO just became empty
}

function tx_done(n: u32, t: u64): void {
  const b = blk(n);
  const v = r8(b, TSR) & word_mask(b);
  w8(b, TSR_BUSY, 0);
  store<u64>(b + TX_DONE_AT, 0);
  if ((r8(b, LCR) & LCR_BREAK) == 0) {
    if ((r8(b, MCR) & MCR_LOOP) != 0) rx_push(b, v, 0, t);
    else queue_put(QUEUE_SERIAL_OUT + n * OUT_QUEUE_SIZE, OUT_QUEUE_SIZE, v);
  }
  tx_load(b, t);
}

function thr_write(b: u32, v: u32, t: u64): void {
  const count = r8(b, TX_COUNT);
  if (fifo_on(b)) {
    if (count < 16) {
      w8(b, TX_DATA + ((r8(b, TX_HEAD) + count) & 15), v);
      w8(b, TX_COUNT, count + 1);
    }
    // a full FIFO drops the byte
  } else {
    w8(b, TX_DATA + r8(b, TX_HEAD), v); // THR: one byte, overwritten if not yet moved
    w8(b, TX_COUNT, 1);
  }
  w8(b, THRI, 0);
  if (r8(b, TSR_BUSY) == 0) tx_load(b, t);
}

// ---- interrupts

// IIR bits 0-3 for the highest-priority pending interrupt (1 = none).
function interrupt_id(b: u32): u32 {
  const ier = r8(b, IER);
  if ((ier & IER_RLS) != 0 && (r8(b, LSR_ERR) & 0x1e) != 0) return 0x06;
  if ((ier & IER_RDA) != 0) {
    const count = r8(b, RX_COUNT);
    if (count != 0 && (!fifo_on(b) || count >= trigger_level(b))) return 0x04;
    if (r8(b, TIMEOUT) != 0) return 0x0c;
  }
  if ((ier & IER_THRE) != 0 && r8(b, THRI) != 0) return 0x02;
  if ((ier & IER_MS) != 0 && r8(b, MSR_DELTA) != 0) return 0x00;
  return 0x01;
}

function update_irq(n: u32): void {
  const b = blk(n);
  const mcr = r8(b, MCR);
  const out: u32 = interrupt_id(b) != 1 && (mcr & MCR_OUT2) != 0 && (mcr & MCR_LOOP) == 0 ? 1 : 0;
  w8(b, IRQ_OUT, out);
  const first = blk(n & 1); // COM1 or COM2 keeps the line's level
  const level = out | r8(blk(n ^ 2), IRQ_OUT);
  if (level != r8(first, LINE_LEVEL)) {
    w8(first, LINE_LEVEL, level);
    irq_set((n & 1) != 0 ? 3 : 4, level != 0);
  }
}

// Earliest pending deadline of UART n (0 = none).
function next_deadline(n: u32): u64 {
  const b = blk(n);
  let best: u64 = 0;
  let d = load<u64>(b + TX_DONE_AT);
  if (d != 0) best = d;
  d = load<u64>(b + RX_DONE_AT);
  if (d != 0 && (best == 0 || d < best)) best = d;
  d = load<u64>(b + BREAK_AT);
  if (d != 0 && (best == 0 || d < best)) best = d;
  // the timeout needs an event only when it can interrupt
  if ((r8(b, IER) & IER_RDA) != 0) {
    d = timeout_deadline(b);
    if (d != 0 && (best == 0 || d < best)) best = d;
  }
  return best;
}

function reschedule(n: u32): void {
  const slot = EV_UART + <i32>n;
  const d = next_deadline(n);
  const cur = load<u64>(EVENTS + slot * 8);
  if (d == cur) return;
  if (d == 0) event_cancel(slot);
  else event_schedule(slot, d);
}

function finish(n: u32): void {
  update_irq(n);
  reschedule(n);
}

// The EV_UART + n event: handle every deadline that has passed, in time order.
export function uart_event(n: u32): void {
  const b = blk(n);
  const now = clock_now();
  for (let guard = 0; guard < 100000; guard++) {
    let t: u64 = 0;
    let which = 0;
    let d = load<u64>(b + TX_DONE_AT);
    if (d != 0 && d <= now) { t = d; which = 1; }
    d = load<u64>(b + RX_DONE_AT);
    if (d != 0 && d <= now && (which == 0 || d < t)) { t = d; which = 2; }
    d = load<u64>(b + BREAK_AT);
    if (d != 0 && d <= now && (which == 0 || d < t)) { t = d; which = 3; }
    d = timeout_deadline(b);
    if (d != 0 && d <= now && (which == 0 || d < t)) { t = d; which = 4; }
    if (which == 0) break;
    if (which == 1) tx_done(n, t);
    else if (which == 2) rx_done(n, t);
    else if (which == 3) {
      store<u64>(b + BREAK_AT, 0);
      w8(b, BREAK_SENT, 1);
      rx_push(b, 0, LSR_BI, t);
    } else w8(b, TIMEOUT, 1);
  }
  finish(n);
}

// A register access first handles what fell due since the last event (the run loop fires
// events before the next instruction, an access may come in between).
function catch_up(n: u32, now: u64): void {
  const d = next_deadline(n);
  if (d != 0 && d <= now) uart_event(n);
}

// The host put bytes into QUEUE_SERIAL_IN for UART n.
export function uart_host_input(n: u32): void {
  n &= 3;
  const now = clock_now();
  catch_up(n, now);
  rx_start(n, now);
  finish(n);
}

// ---- registers

export function uart_read(port: u32): u32 {
  const n = uart_of(port);
  const b = blk(n);
  const now = clock_now();
  catch_up(n, now);
  switch (port & 7) {
    case 0: {
      if ((r8(b, LCR) & LCR_DLAB) != 0) return r8(b, DLL);
      let v = r8(b, RBR_LAST);
      const count = r8(b, RX_COUNT);
      if (count != 0) {
        const h = r8(b, RX_HEAD);
        v = r8(b, RX_DATA + h);
        w8(b, RX_ERR + h, 0);
        w8(b, RX_HEAD, (h + 1) & 15);
        w8(b, RX_COUNT, count - 1);
        w8(b, RBR_LAST, v);
        expose_top(b);
      }
      w8(b, TIMEOUT, 0);
      store<u64>(b + RX_LAST, now);
      rx_start(n, now);
      finish(n);
      return v;
    }
    case 1:
      return (r8(b, LCR) & LCR_DLAB) != 0 ? r8(b, DLM) : r8(b, IER);
    case 2: {
      check_timeout(b, now);
      const id = interrupt_id(b);
      if (id == 0x02) w8(b, THRI, 0); // reading the IIR clears a THRE interrupt it reports
      finish(n);
      return id | (fifo_on(b) ? 0xc0 : 0);
    }
    case 3: return r8(b, LCR);
    case 4: return r8(b, MCR);
    case 5: {
      rx_start(n, now); // a polling guest also notices host input
      const txc = r8(b, TX_COUNT);
      let v = r8(b, LSR_ERR);
      if (r8(b, RX_COUNT) != 0) v |= LSR_DR;
      if (txc == 0) v |= LSR_THRE;
      if (txc == 0 && r8(b, TSR_BUSY) == 0) v |= LSR_TEMT;
      if (fifo_on(b) && (v & 0x1c) != 0) v |= LSR_FIFO_ERR;
      if (fifo_on(b)) {
        // errors of characters further down the FIFO
        for (let i: u32 = 0; i < 16; i++) if (r8(b, RX_ERR + i) != 0) v |= LSR_FIFO_ERR;
      }
      w8(b, LSR_ERR, 0);
      finish(n);
      return v;
    }
    case 6: {
      const v = r8(b, MSR_DELTA) | r8(b, LINES);
      w8(b, MSR_DELTA, 0);
      finish(n);
      return v;
    }
    default: return r8(b, SCR);
  }
}

export function uart_write(port: u32, v: u32): void {
  const n = uart_of(port);
  const b = blk(n);
  const now = clock_now();
  catch_up(n, now);
  switch (port & 7) {
    case 0:
      if ((r8(b, LCR) & LCR_DLAB) != 0) w8(b, DLL, v);
      else thr_write(b, v, now);
      break;
    case 1:
      if ((r8(b, LCR) & LCR_DLAB) != 0) { w8(b, DLM, v); break; }
      {
        const old = r8(b, IER);
        v &= 0x0f;
        w8(b, IER, v);
        // 16550A: enabling ETBEI with the THR empty raises the THRE interrupt (on the rising
        // edge only); disabling it drops the pending one
        if ((v & IER_THRE) == 0) w8(b, THRI, 0);
        else if ((old & IER_THRE) == 0 && r8(b, TX_COUNT) == 0) w8(b, THRI, 1);
        check_timeout(b, now);
      }
      break;
    case 2: {
      const was_on = fifo_on(b);
      const on = (v & 1) != 0;
      if (was_on != on) {
        // changing FCR0 empties both FIFOs; the next THRE interrupt is immediate
        rx_clear(b);
        w8(b, TX_HEAD, 0);
        w8(b, TX_COUNT, 0);
        w8(b, THRI, 1);
      }
      if (on) {
        if ((v & 2) != 0) rx_clear(b); // the receive shift register is not affected
        if ((v & 4) != 0) { w8(b, TX_HEAD, 0); w8(b, TX_COUNT, 0); w8(b, THRI, 1); }
        w8(b, FCR, v & 0xc9);
      } else {
        w8(b, FCR, 0); // the other bits are only programmed with FCR0 set
      }
      if ((r8(b, LSR_ERR) & 0x1c) != 0 && r8(b, RX_COUNT) == 0) w8(b, LSR_ERR, r8(b, LSR_ERR) & LSR_OE);
      store<u64>(b + RX_LAST, now);
      rx_start(n, now);
      break;
    }
    case 3: {
      const old = r8(b, LCR);
      w8(b, LCR, v);
      if ((v & LCR_BREAK) != 0 && (old & LCR_BREAK) == 0) {
        w8(b, BREAK_SENT, 0);
        if ((r8(b, MCR) & MCR_LOOP) != 0) store<u64>(b + BREAK_AT, now + char_ns(b));
      } else if ((v & LCR_BREAK) == 0) {
        store<u64>(b + BREAK_AT, 0);
      }
      break;
    }
    case 4: {
      const old = r8(b, MCR);
      v &= 0x1f;
      w8(b, MCR, v);
      update_lines(b);
      if ((old ^ v) & MCR_LOOP) {
        if ((v & MCR_LOOP) != 0) {
          // the receiver input is disconnected from the host: a byte on its way stays queued
          w8(b, RX_BUSY, 0);
          store<u64>(b + RX_DONE_AT, 0);
          if ((r8(b, LCR) & LCR_BREAK) != 0 && r8(b, BREAK_SENT) == 0) store<u64>(b + BREAK_AT, now + char_ns(b));
        } else {
          store<u64>(b + BREAK_AT, 0);
          rx_start(n, now);
        }
      }
      break;
    }
    case 5: break; // LSR: factory test only
    case 6: break; // MSR is read-only
    default: w8(b, SCR, v); break;
  }
  finish(n);
}

// The level UART-driven IRQ line `line` (3 or 4) has (tests).
export function uart_irq_level(line: i32): bool {
  if (line == 4) return r8(blk(0), LINE_LEVEL) != 0;
  if (line == 3) return r8(blk(1), LINE_LEVEL) != 0;
  return false;
}

export function uart_init(): void {
  for (let n: u32 = 0; n < 4; n++) {
    const b = blk(n);
    memory.fill(b, 0, <u32>DEV_UART_SIZE);
    w8(b, DLL, 12); // 9600 baud until the guest programs the divisor (reset leaves it undefined)
    w8(b, LINES, HOST_LINES);
  }
  port_claim(0x3f8, 8, PORT_DEV_UART);
  port_claim(0x2f8, 8, PORT_DEV_UART);
  port_claim(0x3e8, 8, PORT_DEV_UART);
  port_claim(0x2e8, 8, PORT_DEV_UART);
}
