// The 8042 keyboard controller (PS/2 style, with the auxiliary mouse port) at ports 0x60/0x64,
// and the chipset reset control register at 0xCF9 (claimed here as PORT_DEV_KBC).
// The keyboard is devices/ps2kbd.ts, the mouse devices/ps2mouse.ts.
//
// Data path: each device has its own FIFO. The controller holds ONE output byte (port 0x60);
// while it is full the devices wait (the 8042 holds their clock lines low). When it empties,
// the next device byte arrives one byte time (KBC_BYTE_NS) later, keyboard and mouse taking
// turns; a device whose clock the command byte disables (bits 4/5, AD/A7) keeps its bytes.
// Responses of the controller itself (20 read RAM, AA self test, D0, D2/D3, ...) go to the
// output buffer at once, or after the byte already there. With translation on (command byte
// bit 6) keyboard bytes are converted from set 2 to set 1 on the way in (ps2kbd.ts kbd_xlat).
//
// Status register (read 0x64):
//   bit0 OBF output buffer full   bit1 IBF (always 0: input is taken at once)
//   bit2 SYS system flag (command byte bit 2)   bit3 A2: last write was a command (0x64)
//   bit4 keyboard not inhibited (1: no keylock)  bit5 AUXB: the output byte is from the mouse
//   bit6 timeout, bit7 parity error (never: the emulated devices always answer)
// Command byte (RAM 0): bit0 keyboard IRQ 1, bit1 mouse IRQ 12, bit2 SYS, bit4 keyboard clock
//   off, bit5 mouse clock off, bit6 translate set 2 -> 1. IRQ 1 = OBF & !AUXB & bit0,
//   IRQ 12 = OBF & AUXB & bit1 (levels; reading port 0x60 drops them).
// Output port (D0/D1): bit0 CPU reset line (0 = reset), bit1 A20 gate, bit4 IRQ 1 (keyboard
//   OBF), bit5 IRQ 12 (mouse OBF), bits 2,3,6,7 clock/data lines (read as 1). Bit 1 reads the
//   gate itself (port 0x92 and CPU reset drive it too; the last writer wins, as in QEMU).
// Commands (write 0x64): 20-3F read RAM, 60-7F write RAM (next byte on 0x60), A4 password
//   installed? (F1: no), A5 load password (bytes to 0), A7/A8 mouse clock off/on, A9 mouse
//   interface test (00), AA self test (55; sets SYS), AB keyboard interface test (00), AD/AE
//   keyboard clock off/on, C0 input port, D0 output port, D1 write output port, D2/D3 write the
//   output buffer as keyboard/mouse data, D4 next byte to the mouse, DD/DF A20 off/on, E0 test
//   inputs (00), F0-FF pulse output lines 0-3 low for the bits that are 0 (bit 0: CPU reset,
//   so FE resets). Others are ignored. A data byte with no command pending goes to the
//   keyboard (and turns the keyboard clock back on, as on real controllers).
// Reset control 0xCF9 (PIIX/ICH): bit 1 hard reset, bit 2 0->1 starts the reset, bit 3 full
//   reset; bits 1 and 3 read back. Every kind is a CPU reset here (RESET_REQ).
//
// DEV_KBC layout (0x200 bytes):
//   +0x00 u8  status bits OBF, AUXB, A2 (the rest is computed on read)
//   +0x01 u8  output buffer               +0x02 u8 output port latch
//   +0x03 u8  command waiting for its data byte (0 none)
//   +0x04 u8  translator: F0 seen         +0x05 u8 IRQ 1 level   +0x06 u8 IRQ 12 level
//   +0x07 u8  last device served (0 keyboard, 1 mouse)   +0x08 u8 0xCF9 latch
//   +0x09 u8  controller queue length     +0x10 4 x u16 controller queue (byte | aux << 8)
//   +0x18 u64 next byte transfer from a device (0 none)
//   +0x20 32 x u8 controller RAM (+0x20 = command byte)
//   +0x40 .. 0xDF keyboard (ps2kbd.ts)    +0xE0 .. 0x1BF mouse (ps2mouse.ts)
// FIFOs (keyboard, mouse): u8 head, u8 count, 2 spare, data from +4 (capacity per FIFO).
import { DEV_KBC, RESET_REQ, A20_MASK } from "../core-as/state";
import { clock_now, event_schedule, event_cancel, EV_KBC } from "../core-as/time";
import { irq_set } from "../core-as/bus/irq";
import { set_a20 } from "../core-as/bus/sysports";
import { request_exit_check } from "../core-as/cpu/signal";
import { port_claim, PORT_DEV_KBC } from "../core-as/bus/ports";
import {
  kbd_init, kbd_write, kbd_bat_done, kbd_typematic, kbd_refill, kbd_xlat, kbd_byte_sent,
  KBD_FIFO, KBD_FIFO_CAP, KBD_TM_AT, KBD_BAT_AT,
} from "./ps2kbd";
import {
  mouse_init, mouse_write, mouse_bat_done, mouse_sample, mouse_pull, mouse_byte_sent,
  MS_FIFO, MOUSE_FIFO_CAP, MS_SAMPLE_AT, MS_BAT_AT,
} from "./ps2mouse";

const K = DEV_KBC;
const KBC_STATUS = K + 0x00;
const KBC_OUTBUF = K + 0x01;
const KBC_OUTPORT = K + 0x02;
const KBC_PENDING = K + 0x03;
const KBC_XLAT_F0 = K + 0x04;
const KBC_IRQ1 = K + 0x05;
const KBC_IRQ12 = K + 0x06;
const KBC_LAST_SRC = K + 0x07;
const KBC_RCR = K + 0x08;
const KBC_CQ_LEN = K + 0x09;
const KBC_CQ = K + 0x10;
const KBC_XFER_AT = K + 0x18;
const KBC_RAM = K + 0x20;

const ST_OBF: u32 = 0x01;
const ST_SYS: u32 = 0x04;
const ST_A2: u32 = 0x08;
const ST_UNLOCKED: u32 = 0x10;
const ST_AUXB: u32 = 0x20;

const CB_KBD_IRQ: u32 = 0x01;
const CB_AUX_IRQ: u32 = 0x02;
const CB_SYS: u32 = 0x04;
const CB_KBD_OFF: u32 = 0x10;
const CB_AUX_OFF: u32 = 0x20;
const CB_XLAT: u32 = 0x40;

// Power-on command byte: both IRQs on, translation on, clocks running (the BIOS rewrites it).
const CB_DEFAULT: u32 = 0x43;
// Input port: bit7 keyboard not inhibited, bit5 no manufacturing jumper, bit6 0 = colour.
const INPUT_PORT: u32 = 0xa0;
const OUTPORT_DEFAULT: u32 = 0xcf;
const CQ_MAX: u32 = 4;

// One byte over the PS/2 serial line (11 bits at 10-16.7 kHz is about 1 ms on hardware;
// a quarter of that keeps guests that poll with short loop timeouts working).
export const KBC_BYTE_NS: u64 = 250_000;

// ---- device FIFOs in linear memory
@inline export function fifo_count(f: usize): u32 { return load<u8>(f + 1); }

export function fifo_clear(f: usize): void {
  store<u8>(f, 0);
  store<u8>(f + 1, 0);
}

export function fifo_push(f: usize, cap: u32, b: u32): bool {
  const n = <u32>load<u8>(f + 1);
  if (n >= cap) return false;
  store<u8>(f + 4 + ((<u32>load<u8>(f) + n) % cap), b);
  store<u8>(f + 1, n + 1);
  return true;
}

// Insert b at position pos (0 = next out), moving later bytes back; when full the newest
// byte is dropped.
export function fifo_insert(f: usize, cap: u32, pos: u32, b: u32): void {
  let n = <u32>load<u8>(f + 1);
  if (n >= cap) n = cap - 1;
  if (pos > n) pos = n;
  const h = <u32>load<u8>(f);
  for (let i = n; i > pos; i--) store<u8>(f + 4 + ((h + i) % cap), load<u8>(f + 4 + ((h + i - 1) % cap)));
  store<u8>(f + 4 + ((h + pos) % cap), b);
  store<u8>(f + 1, n + 1);
}

// Keep only the first n bytes.
export function fifo_truncate(f: usize, n: u32): void {
  if (<u32>load<u8>(f + 1) > n) store<u8>(f + 1, n);
}

function fifo_pop(f: usize, cap: u32): u32 {
  const h = <u32>load<u8>(f);
  const b = <u32>load<u8>(f + 4 + h);
  store<u8>(f, (h + 1) % cap);
  store<u8>(f + 1, load<u8>(f + 1) - 1);
  return b;
}

// ---- timers: the devices share the EV_KBC event slot; each keeps its deadline in the block
export function kbc_timer_set(addr: usize, at: u64): void {
  store<u64>(addr, at == 0 ? 1 : at);
  kbc_reschedule();
}

export function kbc_timer_clear(addr: usize): void {
  if (load<u64>(addr) == 0) return;
  store<u64>(addr, 0);
  kbc_reschedule();
}

function earlier(best: u64, addr: usize): u64 {
  const t = load<u64>(addr);
  return t != 0 && t < best ? t : best;
}

function kbc_reschedule(): void {
  let best: u64 = u64.MAX_VALUE;
  best = earlier(best, KBC_XFER_AT);
  best = earlier(best, KBD_TM_AT);
  best = earlier(best, KBD_BAT_AT);
  best = earlier(best, MS_SAMPLE_AT);
  best = earlier(best, MS_BAT_AT);
  if (best == u64.MAX_VALUE) event_cancel(EV_KBC);
  else event_schedule(EV_KBC, best);
}

function take_due(addr: usize, now: u64): bool {
  const t = load<u64>(addr);
  if (t == 0 || t > now) return false;
  store<u64>(addr, 0);
  return true;
}

// The EV_KBC event (time.ts fire()).
export function kbc_event(): void {
  const now = clock_now();
  if (take_due(KBD_BAT_AT, now)) kbd_bat_done();
  if (take_due(MS_BAT_AT, now)) mouse_bat_done();
  if (take_due(KBD_TM_AT, now)) kbd_typematic();
  if (take_due(MS_SAMPLE_AT, now)) mouse_sample();
  if (take_due(KBC_XFER_AT, now)) load_from_device();
  kbc_reschedule();
}

// ---- output buffer and interrupts
@inline function cmd_byte(): u32 { return load<u8>(KBC_RAM); }

function update_irqs(): void {
  const st = <u32>load<u8>(KBC_STATUS);
  const cb = cmd_byte();
  const full = (st & ST_OBF) != 0, aux = (st & ST_AUXB) != 0;
  const i1: u8 = full && !aux && (cb & CB_KBD_IRQ) != 0 ? 1 : 0;
  const i12: u8 = full && aux && (cb & CB_AUX_IRQ) != 0 ? 1 : 0;
  if (i1 != load<u8>(KBC_IRQ1)) { store<u8>(KBC_IRQ1, i1); irq_set(1, i1 != 0); }
  if (i12 != load<u8>(KBC_IRQ12)) { store<u8>(KBC_IRQ12, i12); irq_set(12, i12 != 0); }
}

function fill_output(b: u32, aux: bool): void {
  store<u8>(KBC_OUTBUF, b);
  let st = (<u32>load<u8>(KBC_STATUS) | ST_OBF) & ~ST_AUXB;
  if (aux) st |= ST_AUXB;
  store<u8>(KBC_STATUS, st);
  update_irqs();
}

@inline function output_full(): bool {
  return (load<u8>(KBC_STATUS) & ST_OBF) != 0;
}

// A byte from the controller itself (or D2/D3): straight to the output buffer when it is free.
function ctrl_respond(b: u32, aux: bool): void {
  const n = <u32>load<u8>(KBC_CQ_LEN);
  if (n >= CQ_MAX) return;
  store<u16>(KBC_CQ + n * 2, b | (aux ? 0x100 : 0));
  store<u8>(KBC_CQ_LEN, n + 1);
  kbc_kick();
}

function ctrl_pop(): void {
  const e = <u32>load<u16>(KBC_CQ);
  const n = <u32>load<u8>(KBC_CQ_LEN) - 1;
  for (let i: u32 = 0; i < n; i++) store<u16>(KBC_CQ + i * 2, load<u16>(KBC_CQ + i * 2 + 2));
  store<u8>(KBC_CQ_LEN, n);
  fill_output(e & 0xff, (e & 0x100) != 0);
}

@inline function kbd_ready(): bool {
  return fifo_count(KBD_FIFO) != 0 && (cmd_byte() & CB_KBD_OFF) == 0;
}

@inline function mouse_ready(): bool {
  return fifo_count(MS_FIFO) != 0 && (cmd_byte() & CB_AUX_OFF) == 0;
}

// Something may be ready for the output buffer: controller bytes load now, device bytes after
// a byte time.
export function kbc_kick(): void {
  if (output_full()) return;
  if (load<u8>(KBC_CQ_LEN) != 0) { ctrl_pop(); return; }
  if (load<u64>(KBC_XFER_AT) != 0) return;
  if (kbd_ready() || mouse_ready()) kbc_timer_set(KBC_XFER_AT, clock_now() + KBC_BYTE_NS);
}

// A device byte has arrived at the controller.
function load_from_device(): void {
  if (output_full()) return;
  if (load<u8>(KBC_CQ_LEN) != 0) { ctrl_pop(); return; }
  const k = kbd_ready(), m = mouse_ready();
  if (!k && !m) return;
  // take turns when both have data
  const from_mouse = m && (!k || load<u8>(KBC_LAST_SRC) == 0);
  store<u8>(KBC_LAST_SRC, from_mouse ? 1 : 0);
  if (from_mouse) {
    const b = fifo_pop(MS_FIFO, MOUSE_FIFO_CAP);
    mouse_byte_sent(b);
    fill_output(b, true);
  } else {
    const b = fifo_pop(KBD_FIFO, KBD_FIFO_CAP);
    kbd_byte_sent(b);
    if ((cmd_byte() & CB_XLAT) != 0) {
      const x = kbd_xlat(KBC_XLAT_F0, b);
      if (x < 0) { kbc_kick(); return; } // F0 absorbed: the key code follows
      fill_output(<u32>x, false);
    } else {
      fill_output(b, false);
    }
  }
}

// ---- ports
function read_status(): u32 {
  const st = <u32>load<u8>(KBC_STATUS) & (ST_OBF | ST_AUXB | ST_A2);
  return st | ST_UNLOCKED | ((cmd_byte() & CB_SYS) != 0 ? ST_SYS : 0);
}

function read_output_port(): u32 {
  let v = <u32>load<u8>(KBC_OUTPORT) & ~(0x02 | 0x30);
  if (load<u32>(A20_MASK) == 0xffffffff) v |= 0x02;
  const st = <u32>load<u8>(KBC_STATUS);
  if ((st & ST_OBF) != 0) v |= (st & ST_AUXB) != 0 ? 0x20 : 0x10;
  return v;
}

function reset_cpu(): void {
  store<u32>(RESET_REQ, 1);
  request_exit_check();
}

function write_output_port(v: u32): void {
  store<u8>(KBC_OUTPORT, v);
  set_a20((v & 2) != 0);
  if ((v & 1) == 0) reset_cpu();
}

function write_command_byte(v: u32): void {
  const old = cmd_byte();
  store<u8>(KBC_RAM, v);
  if (((old ^ v) & CB_XLAT) != 0) store<u8>(KBC_XLAT_F0, 0);
  update_irqs();
  kbc_kick();
}

function command(c: u32): void {
  store<u8>(KBC_PENDING, 0);
  if (c >= 0x20 && c <= 0x3f) { ctrl_respond(load<u8>(KBC_RAM + (c & 0x1f)), false); return; }
  if ((c >= 0x60 && c <= 0x7f) || c == 0xa5 || c == 0xd1 || c == 0xd2 || c == 0xd3 || c == 0xd4) {
    store<u8>(KBC_PENDING, c);
    return;
  }
  if (c >= 0xf0) { if ((c & 1) == 0) reset_cpu(); return; }
  switch (c) {
    case 0xa4: ctrl_respond(0xf1, false); return;
    case 0xa7: write_command_byte(cmd_byte() | CB_AUX_OFF); return;
    case 0xa8: write_command_byte(cmd_byte() & ~CB_AUX_OFF); return;
    case 0xa9: ctrl_respond(0x00, false); return;
    case 0xaa:
      store<u8>(KBC_RAM, cmd_byte() | CB_SYS);
      ctrl_respond(0x55, false);
      return;
    case 0xab: ctrl_respond(0x00, false); return;
    case 0xad: write_command_byte(cmd_byte() | CB_KBD_OFF); return;
    case 0xae: write_command_byte(cmd_byte() & ~CB_KBD_OFF); return;
    case 0xc0: ctrl_respond(INPUT_PORT, false); return;
    case 0xd0: ctrl_respond(read_output_port(), false); return;
    case 0xdd: store<u8>(KBC_OUTPORT, load<u8>(KBC_OUTPORT) & ~2); set_a20(false); return;
    case 0xdf: store<u8>(KBC_OUTPORT, load<u8>(KBC_OUTPORT) | 2); set_a20(true); return;
    case 0xe0: ctrl_respond(0x00, false); return;
    default: return;
  }
}

function data(v: u32): void {
  const p = <u32>load<u8>(KBC_PENDING);
  store<u8>(KBC_PENDING, 0);
  if (p >= 0x60 && p <= 0x7f) {
    if (p == 0x60) write_command_byte(v);
    else store<u8>(KBC_RAM + (p & 0x1f), v);
    return;
  }
  switch (p) {
    case 0xa5: if (v != 0) store<u8>(KBC_PENDING, 0xa5); return; // password bytes up to a 0
    case 0xd1: write_output_port(v); return;
    case 0xd2: ctrl_respond(v, false); return;
    case 0xd3: ctrl_respond(v, true); return;
    case 0xd4: mouse_write(v); return;
    default: break;
  }
  // to the keyboard; sending re-enables the keyboard interface
  if ((cmd_byte() & CB_KBD_OFF) != 0) write_command_byte(cmd_byte() & ~CB_KBD_OFF);
  kbd_write(v);
}

export function kbc_read8(port: u32): u32 {
  if (port == 0x60) {
    const v = <u32>load<u8>(KBC_OUTBUF); // empty: the last byte again
    store<u8>(KBC_STATUS, load<u8>(KBC_STATUS) & ~(ST_OBF | ST_AUXB));
    update_irqs();
    kbc_kick();
    return v;
  }
  if (port == 0x64) return read_status();
  if (port == 0xcf9) return load<u8>(KBC_RCR);
  return 0xff;
}

export function kbc_write8(port: u32, v: u32): void {
  if (port == 0x60) {
    store<u8>(KBC_STATUS, load<u8>(KBC_STATUS) & ~ST_A2);
    data(v);
    return;
  }
  if (port == 0x64) {
    store<u8>(KBC_STATUS, load<u8>(KBC_STATUS) | ST_A2);
    command(v);
    return;
  }
  if (port == 0xcf9) {
    const old = <u32>load<u8>(KBC_RCR);
    store<u8>(KBC_RCR, v & 0x0a);
    if ((v & 4) != 0 && (old & 4) == 0) reset_cpu();
    return;
  }
}

// Host entry point (exported as input_ready): new bytes in QUEUE_KEYS / QUEUE_MOUSE.
export function kbc_host_input(): void {
  kbd_refill();
  mouse_pull();
}

export function kbc_init(): void {
  memory.fill(DEV_KBC, 0, 0x200);
  store<u8>(KBC_RAM, CB_DEFAULT);
  store<u8>(KBC_OUTPORT, OUTPORT_DEFAULT);
  kbd_init();
  mouse_init();
  port_claim(0x60, 1, PORT_DEV_KBC);
  port_claim(0x64, 1, PORT_DEV_KBC);
  port_claim(0xcf9, 1, PORT_DEV_KBC);
}
