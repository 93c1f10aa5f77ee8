// PS/2 mouse behind the 8042 auxiliary port (devices/kbc.ts): a standard 3-button mouse (ID 0)
// that becomes an IntelliMouse (ID 3, wheel) after the sample-rate sequence 200, 100, 80 and an
// IntelliMouse Explorer (ID 4, wheel + buttons 4/5) after 200, 200, 80 once it is ID 3.
//
// Host input: QUEUE_MOUSE carries 4-byte records
//   +0 i8 dx       right positive
//   +1 i8 dy       DOWN positive (screen / DOM movementY convention; the mouse flips it)
//   +2 u8 buttons  the full button state: bit0 left, bit1 right, bit2 middle, bit3 4th (back),
//                  bit4 5th (forward) - the DOM MouseEvent.buttons order
//   +3 i8 wheel    positive = scrolled toward the user (down), like DOM deltaY
// Host counts are taken at the default resolution (4 counts/mm): resolution 0..3 scales them
// by 1/4, 1/2, 1, 2 (fractions carried).
//
// Stream mode: while reporting is enabled, movement and button changes are accumulated and sent
// as one packet per sample period (1 s / sample rate), only when something changed:
//   byte 0: bit7 Y overflow, bit6 X overflow, bit5 Y sign, bit4 X sign, bit3 1, bit2 middle,
//           bit1 right, bit0 left
//   byte 1: X movement, byte 2: Y movement (9-bit two's complement with the sign bits)
//   byte 3 (ID 3): Z (wheel) -8..7; (ID 4): bits 0-3 Z, bit4 button 4, bit5 button 5
// Movement beyond -256..255 in one sample sets the overflow bit and the excess is lost, as in
// the hardware counters; 2:1 scaling (E7) maps 1,2,3,4,5 -> 1,1,3,6,9 and n -> 2n above.
// Remote mode (F0): nothing is sent unless the host asks with EB (read data).
//
// Commands (via the 8042's D4), each answered with ACK FA, then:
//   E6/E7 scaling 1:1 / 2:1   E8 xx resolution   E9 status (3 bytes: flags, resolution,
//   rate)   EA stream mode   EB read data (a packet)   EC reset wrap mode   EE wrap mode
//   (every byte but EC/FF is echoed)   F0 remote mode   F2 get ID (ID byte)   F3 xx sample
//   rate   F4/F5 enable/disable reporting   F6 defaults   FE resend (last byte, no ACK)
//   FF reset (FA, then AA 00 after the self test)   anything else: FE
// A command discards packets the mouse has not sent yet.
//
// State (DEV_KBC + 0xE0 .. 0x1BF), see kbc.ts for the whole block:
//   +0xe0 u8 flags (bit6 remote, bit5 reporting enabled, bit4 scaling 2:1: the E9 status bits)
//   +0xe1 u8 resolution (0..3)   +0xe2 u8 sample rate   +0xe3 u8 device ID (0, 3, 4)
//   +0xe4 u8 wrap mode           +0xe5 u8 command waiting for its argument (0 none)
//   +0xe6 u8 buttons now         +0xe7 u8 reset (self test) in progress
//   +0xe8 3 x u8 the last three sample rates set (oldest first)
//   +0xeb u8 last byte sent      +0xec u8 buttons in the last packet
//   +0xed u8 response bytes at the front of the FIFO (packets queue behind them)
//   +0xf0 i32 X, +0xf4 i32 Y (in quarter counts), +0xf8 i32 Z: movement not yet reported
//   +0x100 u64 next sample (0 none)   +0x108 u64 end of the reset test (0 none)
//   +0x110 u64 time of the last packet
//   +0x120 FIFO: u8 head, u8 count, data at +0x124 (MOUSE_FIFO_CAP bytes)
import { DEV_KBC, QUEUE_MOUSE } from "../core-as/state";
import { queue_get, queue_count, queue_peek } from "../core-as/bus/queue";
import { clock_now } from "../core-as/time";
import { fifo_push, fifo_clear, fifo_truncate, fifo_count, kbc_kick, kbc_timer_set } from "./kbc";

const K = DEV_KBC;
const MS_FLAGS = K + 0xe0;
const MS_RES = K + 0xe1;
const MS_RATE = K + 0xe2;
const MS_ID = K + 0xe3;
const MS_WRAP = K + 0xe4;
const MS_ARG_CMD = K + 0xe5;
const MS_BUTTONS = K + 0xe6;
const MS_RESETTING = K + 0xe7;
const MS_RATES = K + 0xe8;
export const MS_LAST_SENT = K + 0xeb;
const MS_BUTTONS_SENT = K + 0xec;
const MS_RESP_N = K + 0xed;
const MS_X = K + 0xf0;
const MS_Y = K + 0xf4;
const MS_Z = K + 0xf8;
export const MS_SAMPLE_AT = K + 0x100;
export const MS_BAT_AT = K + 0x108;
const MS_LAST_PACKET = K + 0x110;
export const MS_FIFO = K + 0x120;
export const MOUSE_FIFO_CAP: u32 = 64;

const F_REMOTE: u32 = 0x40;
const F_ENABLED: u32 = 0x20;
const F_SCALE21: u32 = 0x10;

const MOUSE_BAT_NS: u64 = 2_000_000;
const QUEUE_MOUSE_SIZE: u32 = 0x1000;
const ACK: u32 = 0xfa;

export function mouse_init(): void {
  set_defaults();
  store<u8>(MS_ID, 0);
  store<u8>(MS_WRAP, 0);
  fifo_clear(MS_FIFO);
  store<u8>(MS_RESP_N, 0);
}

function set_defaults(): void {
  store<u8>(MS_FLAGS, 0);
  store<u8>(MS_RES, 2);
  store<u8>(MS_RATE, 100);
  clear_motion();
}

function clear_motion(): void {
  store<i32>(MS_X, 0);
  store<i32>(MS_Y, 0);
  store<i32>(MS_Z, 0);
  store<u8>(MS_BUTTONS_SENT, load<u8>(MS_BUTTONS));
}

@inline function put(b: u32): void {
  fifo_push(MS_FIFO, MOUSE_FIFO_CAP, b);
}

@inline function packet_size(): u32 {
  return load<u8>(MS_ID) != 0 ? 4 : 3;
}

function scale21(d: i32): i32 {
  const a = d < 0 ? -d : d;
  let r = a;
  if (a == 2) r = 1;
  else if (a == 4) r = 6;
  else if (a == 5) r = 9;
  else if (a >= 6) r = a * 2;
  return d < 0 ? -r : r;
}

// Build one packet from the accumulated movement (consumed) and the buttons.
function emit_packet(stream: bool): void {
  let qx = load<i32>(MS_X), qy = load<i32>(MS_Y);
  let x = qx / 4, y = qy / 4; // whole counts; the fraction stays for next time
  store<i32>(MS_X, qx - x * 4);
  store<i32>(MS_Y, qy - y * 4);
  if (stream && (load<u8>(MS_FLAGS) & F_SCALE21) != 0) { x = scale21(x); y = scale21(y); }
  let b0: u32 = 0x08 | (<u32>load<u8>(MS_BUTTONS) & 7);
  if (x > 255) { x = 255; b0 |= 0x40; } else if (x < -256) { x = -256; b0 |= 0x40; }
  if (y > 255) { y = 255; b0 |= 0x80; } else if (y < -256) { y = -256; b0 |= 0x80; }
  if (x < 0) b0 |= 0x10;
  if (y < 0) b0 |= 0x20;
  put(b0);
  put(<u32>x & 0xff);
  put(<u32>y & 0xff);
  const id = load<u8>(MS_ID);
  if (id != 0) {
    let z = load<i32>(MS_Z);
    if (z > 7) z = 7; else if (z < -8) z = -8;
    store<i32>(MS_Z, load<i32>(MS_Z) - z);
    if (id == 4) put((<u32>z & 0x0f) | ((<u32>load<u8>(MS_BUTTONS) & 0x18) << 1));
    else put(<u32>z & 0xff);
  }
  store<u8>(MS_BUTTONS_SENT, load<u8>(MS_BUTTONS));
  store<u64>(MS_LAST_PACKET, clock_now());
}

function has_news(): bool {
  return load<i32>(MS_X) / 4 != 0 || load<i32>(MS_Y) / 4 != 0 || load<i32>(MS_Z) != 0
    || load<u8>(MS_BUTTONS) != load<u8>(MS_BUTTONS_SENT);
}

@inline function streaming(): bool {
  return (load<u8>(MS_FLAGS) & (F_REMOTE | F_ENABLED)) == F_ENABLED && load<u8>(MS_WRAP) == 0
    && load<u8>(MS_RESETTING) == 0;
}

function sample_period(): u64 {
  const r = <u32>load<u8>(MS_RATE);
  return 1_000_000_000 / <u64>(r != 0 ? r : 100);
}

function schedule_sample(): void {
  if (load<u64>(MS_SAMPLE_AT) != 0) return;
  const now = clock_now();
  const last = load<u64>(MS_LAST_PACKET);
  const next = last + sample_period();
  kbc_timer_set(MS_SAMPLE_AT, last == 0 || next < now ? now : next);
}

// Sample period over: send what moved.
export function mouse_sample(): void {
  if (!streaming() || !has_news()) return;
  if (fifo_count(MS_FIFO) + packet_size() <= MOUSE_FIFO_CAP) {
    emit_packet(true);
    kbc_kick();
    // records held back behind a button change (mouse_pull) come in now
    if (queue_count(QUEUE_MOUSE) >= 4) mouse_pull();
  }
  if (has_news()) kbc_timer_set(MS_SAMPLE_AT, clock_now() + sample_period());
}

// Answers to commands; the caller kicks the controller.
function reply(b: u32): void {
  put(b);
  store<u8>(MS_RESP_N, load<u8>(MS_RESP_N) + 1);
}

function respond(b: u32): void {
  reply(b);
  kbc_kick();
}

// The controller took a byte from the mouse.
export function mouse_byte_sent(b: u32): void {
  store<u8>(MS_LAST_SENT, b);
  const n = <u32>load<u8>(MS_RESP_N);
  if (n != 0) store<u8>(MS_RESP_N, n - 1);
}

function rate_set(v: u32): void {
  store<u8>(MS_RATE, v);
  store<u8>(MS_RATES, load<u8>(MS_RATES + 1));
  store<u8>(MS_RATES + 1, load<u8>(MS_RATES + 2));
  store<u8>(MS_RATES + 2, v);
  const a = load<u8>(MS_RATES), b = load<u8>(MS_RATES + 1), c = load<u8>(MS_RATES + 2);
  const id = load<u8>(MS_ID);
  if (id == 0 && a == 200 && b == 100 && c == 80) store<u8>(MS_ID, 3);
  else if (id == 3 && a == 200 && b == 200 && c == 80) store<u8>(MS_ID, 4);
}

// A byte from the guest through the 8042 (command D4).
export function mouse_write(v: u32): void {
  if (load<u8>(MS_WRAP) != 0 && v != 0xec && v != 0xff) { respond(v); return; }
  fifo_truncate(MS_FIFO, load<u8>(MS_RESP_N)); // packets not sent yet are dropped
  const arg_cmd = <u32>load<u8>(MS_ARG_CMD);
  store<u8>(MS_ARG_CMD, 0);
  if (arg_cmd == 0xf3) { rate_set(v); respond(ACK); return; }
  if (arg_cmd == 0xe8) { store<u8>(MS_RES, v & 3); clear_motion(); respond(ACK); return; }
  const flags = <u32>load<u8>(MS_FLAGS);
  switch (v) {
    case 0xe6: store<u8>(MS_FLAGS, flags & ~F_SCALE21); respond(ACK); return;
    case 0xe7: store<u8>(MS_FLAGS, flags | F_SCALE21); respond(ACK); return;
    case 0xe8: case 0xf3: store<u8>(MS_ARG_CMD, v); respond(ACK); return;
    case 0xe9: {
      const btn = <u32>load<u8>(MS_BUTTONS);
      // status: bit2 left, bit1 middle, bit0 right
      const st = (flags & 0x70) | ((btn & 1) << 2) | ((btn & 4) >> 1) | ((btn & 2) >> 1);
      reply(ACK); reply(st); reply(load<u8>(MS_RES)); reply(load<u8>(MS_RATE));
      kbc_kick();
      return;
    }
    case 0xea: store<u8>(MS_FLAGS, flags & ~F_REMOTE); clear_motion(); respond(ACK); return;
    case 0xf0: store<u8>(MS_FLAGS, flags | F_REMOTE); clear_motion(); respond(ACK); return;
    case 0xeb: {
      reply(ACK);
      const before = fifo_count(MS_FIFO);
      emit_packet(false);
      store<u8>(MS_RESP_N, <u32>load<u8>(MS_RESP_N) + fifo_count(MS_FIFO) - before);
      kbc_kick();
      return;
    }
    case 0xec: store<u8>(MS_WRAP, 0); clear_motion(); respond(ACK); return;
    case 0xee: store<u8>(MS_WRAP, 1); clear_motion(); respond(ACK); return;
    case 0xf2: reply(ACK); reply(load<u8>(MS_ID)); kbc_kick(); return;
    case 0xf4: store<u8>(MS_FLAGS, flags | F_ENABLED); clear_motion(); respond(ACK); return;
    case 0xf5: store<u8>(MS_FLAGS, flags & ~F_ENABLED); clear_motion(); respond(ACK); return;
    case 0xf6: set_defaults(); respond(ACK); return;
    case 0xfe: respond(load<u8>(MS_LAST_SENT)); return;
    case 0xff:
      mouse_init();
      store<u8>(MS_RESETTING, 1);
      respond(ACK);
      kbc_timer_set(MS_BAT_AT, clock_now() + MOUSE_BAT_NS);
      return;
    default: respond(0xfe); return;
  }
}

export function mouse_bat_done(): void {
  store<u8>(MS_RESETTING, 0);
  reply(0xaa);
  reply(0x00);
  kbc_kick();
}

// Host records: accumulate (reporting on, or remote mode), then sample. Movement adds up over
// a sample period, but a change of the buttons is never merged away: a press and its release
// in one period (a quick click, or two host events that arrive together) must be two packets,
// as a real mouse's are. While a streaming mouse has a button change not yet sent, a record
// with other buttons stays queued until the next sample sent it (mouse_sample pulls again).
export function mouse_pull(): void {
  let moved = false;
  while (queue_count(QUEUE_MOUSE) >= 4) {
    const next_buttons = <u32>queue_peek(QUEUE_MOUSE, QUEUE_MOUSE_SIZE, 2) & 0x1f;
    if (streaming() && next_buttons != <u32>load<u8>(MS_BUTTONS) && load<u8>(MS_BUTTONS) != load<u8>(MS_BUTTONS_SENT)) break;
    const dx = <i32>(<i8>queue_get(QUEUE_MOUSE, QUEUE_MOUSE_SIZE));
    const dy = <i32>(<i8>queue_get(QUEUE_MOUSE, QUEUE_MOUSE_SIZE));
    const buttons = <u32>queue_get(QUEUE_MOUSE, QUEUE_MOUSE_SIZE) & 0x1f;
    const dz = <i32>(<i8>queue_get(QUEUE_MOUSE, QUEUE_MOUSE_SIZE));
    store<u8>(MS_BUTTONS, buttons);
    const flags = <u32>load<u8>(MS_FLAGS);
    if (load<u8>(MS_RESETTING) != 0 || load<u8>(MS_WRAP) != 0) continue;
    if ((flags & (F_REMOTE | F_ENABLED)) == 0) { store<u8>(MS_BUTTONS_SENT, buttons); continue; }
    const res = <i32>load<u8>(MS_RES);
    store<i32>(MS_X, load<i32>(MS_X) + (dx << res));
    store<i32>(MS_Y, load<i32>(MS_Y) - (dy << res));
    if (load<u8>(MS_ID) != 0) store<i32>(MS_Z, load<i32>(MS_Z) + dz);
    moved = true;
  }
  if (moved && streaming() && has_news()) schedule_sample();
}
