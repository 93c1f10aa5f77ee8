// PS/2 keyboard (IBM Enhanced 101/102-key, MF2: ID AB 83) behind the 8042 (devices/kbc.ts).
//
// Host keys arrive in QUEUE_KEYS as scancode set 2 make/break bytes (E0/E1 prefixes, F0 =
// break). The keyboard turns them into the set the guest selected (F0 command):
//   set 2  the bytes as they are
//   set 1  the same conversion the 8042 does with translation on (kbd_xlat below: the
//          standard set 2 -> set 1 table, F0 becomes bit 7 of the next byte), so E0 75 /
//          E0 F0 75 (Up) become E0 48 / E0 C8 and Pause becomes E1 1D 45 E1 9D C5
//   set 3  one code per key (set3_code), F0 + code for a break, no E0 prefixes, fake shifts
//          dropped
// Bytes wait in the keyboard's own FIFO until the controller takes them (one at a time, a byte
// time apart, only while the 8042 lets the keyboard clock run). Host bytes are taken from the
// host queue only while that FIFO has room, so nothing is lost while the guest is slow.
//
// Typematic: the last key pressed repeats its make code after the programmed delay at the
// programmed rate (F3 byte: period = (8 + bits 0-2) * 2^(bits 3-4) / 240 s, delay = (1 + bits
// 5-6) * 250 ms; default 0x2B = 10.9/s after 500 ms) until its break code arrives or another key
// is pressed. The host must therefore send one make per physical key press (drop the host's own
// auto-repeat).
//
// Commands (written by the guest to port 0x60), each answered with ACK FA unless noted:
//   ED xx LEDs   EE echo (EE, no ACK)   F0 xx scancode set (00: ACK + current set)
//   F2 identify (FA AB 83)   F3 xx typematic   F4 enable   F5 disable + defaults
//   F6 defaults   F7-FA set-3 key types (accepted, no effect)   FB-FD xx.. per-key types
//   (key bytes ACKed until the next command)   FE resend last byte   FF reset (FA, then AA
//   after the basic assurance test)   anything else: FE (resend)
//
// State (DEV_KBC + 0x40 .. 0xDF), see kbc.ts for the whole block:
//   +0x40 u8  scanning enabled           +0x41 u8  scancode set (1..3)
//   +0x42 u8  LEDs (bit0 Scroll, bit1 Num, bit2 Caps)
//   +0x43 u8  typematic rate/delay byte  +0x44 u8  command waiting for its argument (0 none)
//   +0x45 u8  last byte sent (resend)    +0x46 u8  host parser: bit0 E0 seen, bit1 F0 seen
//   +0x47 u8  codes left in an E1 (Pause) group, bit 7: first code of the group
//   +0x48 u8  typematic key code         +0x49 u8  typematic key has E0
//   +0x4a u8  typematic key held         +0x4b u8  reset (BAT) in progress
//   +0x4c u8  in an FB-FD key list       +0x4d u8  set-1 converter: F0 seen
//   +0x4e u8  response bytes at the front of the FIFO (ahead of scancodes)
//   +0x50 u64 next typematic repeat (0 none)   +0x58 u64 end of the reset test (0 none)
//   +0x60 FIFO: u8 head, u8 count, data at +0x64 (KBD_FIFO_CAP bytes)
import { DEV_KBC, QUEUE_KEYS } from "../core-as/state";
import { queue_get, queue_empty } from "../core-as/bus/queue";
import { clock_now } from "../core-as/time";
import { fifo_push, fifo_insert, fifo_clear, fifo_count, kbc_kick, kbc_timer_set, kbc_timer_clear } from "./kbc";

const K = DEV_KBC;
export const KBD_ENABLED = K + 0x40;
export const KBD_SET = K + 0x41;
export const KBD_LEDS = K + 0x42;
export const KBD_TYPEMATIC = K + 0x43;
const KBD_ARG_CMD = K + 0x44;
export const KBD_LAST_SENT = K + 0x45;
const KBD_PARSE = K + 0x46;
const KBD_E1 = K + 0x47;
const KBD_TM_CODE = K + 0x48;
const KBD_TM_EXT = K + 0x49;
const KBD_TM_HELD = K + 0x4a;
const KBD_RESETTING = K + 0x4b;
const KBD_KEYLIST = K + 0x4c;
const KBD_XLAT_F0 = K + 0x4d;
const KBD_RESP_N = K + 0x4e;
export const KBD_TM_AT = K + 0x50;
export const KBD_BAT_AT = K + 0x58;
export const KBD_FIFO = K + 0x60;
export const KBD_FIFO_CAP: u32 = 32;

// Basic assurance test after FF (a real keyboard takes 300-500 ms; kept short so guests that
// reset the keyboard on every boot do not wait for nothing).
const KBD_BAT_NS: u64 = 2_000_000;
const TYPEMATIC_DEFAULT: u32 = 0x2b;

const ACK: u32 = 0xfa;
const RESEND: u32 = 0xfe;

// The standard 8042 translation of scancode set 2 to set 1 (IBM PS/2 technical reference; the
// same table is in every AT-compatible controller). Index = set 2 byte; bytes 0x80-0xFF map to
// themselves except 0x83 (F7) -> 0x41 and 0x84 (Alt+SysRq) -> 0x54.
const XLAT: usize = memory.data<u8>([
  0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
  0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
  0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
  0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
  0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
  0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
  0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
  0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
]);

// Set 2 -> set 1 for one byte with the F0 state at flag_addr: returns the translated byte, or
// -1 when the byte was the F0 break prefix (absorbed; it sets bit 7 of the next byte).
export function kbd_xlat(flag_addr: usize, b: u32): i32 {
  if (b == 0xf0) { store<u8>(flag_addr, 1); return -1; }
  let v: u32 = b < 0x80 ? <u32>load<u8>(XLAT + b) : b == 0x83 ? 0x41 : b == 0x84 ? 0x54 : b;
  if (load<u8>(flag_addr) != 0) { v |= 0x80; store<u8>(flag_addr, 0); }
  return <i32>v;
}

// Set 3 code of a set 2 key (ext = had E0), 0 for keys set 3 does not have (the fake shifts
// E0 12 / E0 59 around PrtSc and friends). Most keys share their code with set 2.
function set3_code(ext: bool, c: u32): u32 {
  if (ext) {
    switch (c) {
      case 0x11: return 0x39; // right Alt
      case 0x14: return 0x58; // right Ctrl
      case 0x1f: return 0x8b; // left GUI
      case 0x27: return 0x8c; // right GUI
      case 0x2f: return 0x8d; // Apps
      case 0x4a: return 0x77; // keypad /
      case 0x5a: return 0x79; // keypad Enter
      case 0x69: return 0x65; // End
      case 0x6b: return 0x61; // Left
      case 0x6c: return 0x6e; // Home
      case 0x70: return 0x67; // Insert
      case 0x71: return 0x64; // Delete
      case 0x72: return 0x60; // Down
      case 0x74: return 0x6a; // Right
      case 0x75: return 0x63; // Up
      case 0x7a: return 0x6d; // Page Down
      case 0x7c: return 0x57; // Print Screen
      case 0x7d: return 0x6f; // Page Up
      case 0x7e: return 0x62; // Ctrl+Break
      default: return 0;
    }
  }
  switch (c) {
    case 0x01: return 0x47; // F9
    case 0x03: return 0x27; // F5
    case 0x04: return 0x17; // F3
    case 0x05: return 0x07; // F1
    case 0x06: return 0x0f; // F2
    case 0x07: return 0x5e; // F12
    case 0x09: return 0x4f; // F10
    case 0x0a: return 0x3f; // F8
    case 0x0b: return 0x2f; // F6
    case 0x0c: return 0x1f; // F4
    case 0x11: return 0x19; // left Alt
    case 0x14: return 0x11; // left Ctrl
    case 0x58: return 0x14; // Caps Lock
    case 0x5d: return 0x5c; // backslash
    case 0x61: return 0x13; // 102nd key
    case 0x76: return 0x08; // Esc
    case 0x77: return 0x76; // Num Lock
    case 0x78: return 0x56; // F11
    case 0x79: return 0x7c; // keypad +
    case 0x7b: return 0x84; // keypad -
    case 0x7c: return 0x7e; // keypad *
    case 0x7e: return 0x5f; // Scroll Lock
    case 0x83: return 0x37; // F7
    case 0x84: return 0x57; // Alt+SysRq
    default: return c;
  }
}

export function kbd_init(): void {
  store<u8>(KBD_SET, 2);
  store<u8>(KBD_ENABLED, 1);
  store<u8>(KBD_TYPEMATIC, TYPEMATIC_DEFAULT);
  clear_buffer();
}

@inline function put(b: u32): void {
  fifo_push(KBD_FIFO, KBD_FIFO_CAP, b);
}

// Command responses go ahead of scancodes still waiting in the keyboard (the keyboard answers
// the host first), behind earlier responses not yet sent.
function respond(b: u32): void {
  const n = <u32>load<u8>(KBD_RESP_N);
  fifo_insert(KBD_FIFO, KBD_FIFO_CAP, n, b);
  store<u8>(KBD_RESP_N, n + 1);
  kbc_kick();
}

function clear_buffer(): void {
  fifo_clear(KBD_FIFO);
  store<u8>(KBD_RESP_N, 0);
}

// The controller took a byte from the keyboard.
export function kbd_byte_sent(b: u32): void {
  store<u8>(KBD_LAST_SENT, b);
  const n = <u32>load<u8>(KBD_RESP_N);
  if (n != 0) store<u8>(KBD_RESP_N, n - 1);
  kbd_refill();
}

function stop_typematic(): void {
  store<u8>(KBD_TM_HELD, 0);
  kbc_timer_clear(KBD_TM_AT);
}

function set_defaults(): void {
  store<u8>(KBD_SET, 2);
  store<u8>(KBD_TYPEMATIC, TYPEMATIC_DEFAULT);
  store<u8>(KBD_XLAT_F0, 0);
  store<u8>(KBD_PARSE, 0);
  store<u8>(KBD_E1, 0);
  stop_typematic();
}

// A byte from the guest (port 0x60 with no controller command pending).
export function kbd_write(v: u32): void {
  const arg_cmd = <u32>load<u8>(KBD_ARG_CMD);
  if (arg_cmd != 0 && v < 0xed) {
    store<u8>(KBD_ARG_CMD, 0);
    switch (arg_cmd) {
      case 0xed: store<u8>(KBD_LEDS, v & 7); respond(ACK); return;
      case 0xf3: store<u8>(KBD_TYPEMATIC, v & 0x7f); respond(ACK); return;
      case 0xf0:
        if (v == 0) { respond(ACK); respond(load<u8>(KBD_SET)); return; }
        if (v <= 3) { store<u8>(KBD_SET, v); store<u8>(KBD_XLAT_F0, 0); stop_typematic(); respond(ACK); return; }
        respond(RESEND);
        return;
      default: break;
    }
  }
  store<u8>(KBD_ARG_CMD, 0);
  if (load<u8>(KBD_KEYLIST) != 0) {
    if (v < 0xed) { respond(ACK); return; } // a key for FB-FD: accepted
    store<u8>(KBD_KEYLIST, 0);
  }
  switch (v) {
    case 0xed: case 0xf0: case 0xf3:
      store<u8>(KBD_ARG_CMD, v);
      respond(ACK);
      return;
    case 0xee: respond(0xee); return;
    case 0xf2: respond(ACK); respond(0xab); respond(0x83); return;
    case 0xf4:
      clear_buffer();
      store<u8>(KBD_ENABLED, 1);
      respond(ACK);
      kbd_refill();
      return;
    case 0xf5:
      clear_buffer();
      set_defaults();
      store<u8>(KBD_ENABLED, 0);
      respond(ACK);
      return;
    case 0xf6:
      clear_buffer();
      set_defaults();
      respond(ACK);
      return;
    case 0xf7: case 0xf8: case 0xf9: case 0xfa: respond(ACK); return;
    case 0xfb: case 0xfc: case 0xfd:
      store<u8>(KBD_KEYLIST, 1);
      respond(ACK);
      return;
    case 0xfe: respond(load<u8>(KBD_LAST_SENT)); return;
    case 0xff:
      clear_buffer();
      set_defaults();
      store<u8>(KBD_LEDS, 0);
      store<u8>(KBD_ENABLED, 1);
      store<u8>(KBD_RESETTING, 1);
      respond(ACK);
      kbc_timer_set(KBD_BAT_AT, clock_now() + KBD_BAT_NS);
      return;
    default:
      respond(RESEND);
      return;
  }
}

// End of the reset test: AA, then keys flow again.
export function kbd_bat_done(): void {
  store<u8>(KBD_RESETTING, 0);
  put(0xaa);
  kbc_kick();
  kbd_refill();
}

// One make code of a key in the current set (typematic repeat).
function emit_make(ext: bool, code: u32): void {
  const set = load<u8>(KBD_SET);
  if (set == 3) {
    const c = set3_code(ext, code);
    if (c != 0) put(c);
    return;
  }
  if (ext) put(0xe0);
  if (set == 1) { const x = kbd_xlat(KBD_XLAT_F0, code); if (x >= 0) put(<u32>x); }
  else put(code);
}

// One host byte: output in the current set, and key tracking for typematic repeat and set 3.
function host_byte(b: u32): void {
  const set = load<u8>(KBD_SET);
  if (set == 2) put(b);
  else if (set == 1) { const x = kbd_xlat(KBD_XLAT_F0, b); if (x >= 0) put(<u32>x); }
  const parse = <u32>load<u8>(KBD_PARSE);
  if (b == 0xe0) { store<u8>(KBD_PARSE, parse | 1); return; }
  if (b == 0xf0) { store<u8>(KBD_PARSE, parse | 2); return; }
  if (b == 0xe1) { store<u8>(KBD_E1, 0x82); return; } // two codes follow, first one next
  store<u8>(KBD_PARSE, 0);
  const ext = (parse & 1) != 0;
  const brk = (parse & 2) != 0;
  const e1 = <u32>load<u8>(KBD_E1);
  if (e1 != 0) {
    // Pause: E1 14 77 E1 F0 14 F0 77 in set 2 (make and break together), 62 / F0 62 in set 3
    if (set == 3 && (e1 & 0x80) != 0) {
      if (brk) put(0xf0);
      put(0x62);
    }
    store<u8>(KBD_E1, (e1 & 0x7f) - 1);
    stop_typematic();
    return;
  }
  const fake_shift = ext && (b == 0x12 || b == 0x59);
  if (set == 3) {
    const c = set3_code(ext, b);
    if (c != 0) { if (brk) put(0xf0); put(c); }
  }
  if (fake_shift) return;
  if (!brk) {
    store<u8>(KBD_TM_CODE, b);
    store<u8>(KBD_TM_EXT, ext ? 1 : 0);
    store<u8>(KBD_TM_HELD, 1);
    const d = (<u64>((load<u8>(KBD_TYPEMATIC) >> 5) & 3) + 1) * 250_000_000;
    kbc_timer_set(KBD_TM_AT, clock_now() + d);
  } else if (load<u8>(KBD_TM_HELD) != 0 && <u32>load<u8>(KBD_TM_CODE) == b && (load<u8>(KBD_TM_EXT) != 0) == ext) {
    stop_typematic();
  }
}

// Typematic period in ns: (8 + A) * 2^B / 240 s (A = bits 0-2, B = bits 3-4).
function typematic_period(): u64 {
  const t = <u32>load<u8>(KBD_TYPEMATIC);
  return ((<u64>(8 + (t & 7)) << <u64>((t >> 3) & 3)) * 1_000_000_000) / 240;
}

export function kbd_typematic(): void {
  if (load<u8>(KBD_TM_HELD) == 0 || load<u8>(KBD_ENABLED) == 0 || load<u8>(KBD_RESETTING) != 0) return;
  // a full keyboard buffer drops the repeat (the key is still held: try again next period)
  if (fifo_count(KBD_FIFO) + 4 <= KBD_FIFO_CAP) {
    emit_make(load<u8>(KBD_TM_EXT) != 0, load<u8>(KBD_TM_CODE));
    kbc_kick();
  }
  kbc_timer_set(KBD_TM_AT, clock_now() + typematic_period());
}

// Take host bytes while the keyboard buffer has room. A disabled keyboard does not scan: keys
// pressed meanwhile are lost, as on hardware. During the reset test they wait.
export function kbd_refill(): void {
  if (load<u8>(KBD_RESETTING) != 0) return;
  let moved = false;
  while (!queue_empty(QUEUE_KEYS)) {
    if (load<u8>(KBD_ENABLED) == 0) { queue_get(QUEUE_KEYS, 0x1000); continue; }
    if (fifo_count(KBD_FIFO) + 4 > KBD_FIFO_CAP) break;
    host_byte(<u32>queue_get(QUEUE_KEYS, 0x1000));
    moved = true;
  }
  if (moved) kbc_kick();
}
