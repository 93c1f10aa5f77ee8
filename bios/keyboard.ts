// The keyboard: IRQ 1 (scancode set 1, as the 8042 translates it, to the BDA buffer) and
// INT 16h over that buffer (IBM PC/AT technical reference; extended functions 10h-12h of the
// enhanced keyboard BIOS). BDA: 17h/18h shift flags, 19h Alt-keypad value, 1Ah/1Ch buffer head
// and tail (offsets in segment 40h), 80h/82h buffer start and end, 96h/97h enhanced keyboard
// flags (96h bit1 last code was E0, bit0 E1 sequence, bit4 101-key keyboard).
import { BIOS_FLAGS } from "../core-as/state";
import { io_write8 } from "../core-as/bus/ports";
import { set_flag, F_CF } from "../core-as/cpu/flags";
import { AL, AH, AX, CX, BH, BL, r8, w8, r16, w16, bda8, bda16, set_bda8, set_bda16, ret_zf, bios_wait, s16 } from "./util";

// Set 1 make codes 00h-39h: ASCII without and with shift (US layout)
const NORMAL: usize = memory.data<u8>([
  0, 27, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x30, 0x2d, 0x3d, 8, 9,
  0x71, 0x77, 0x65, 0x72, 0x74, 0x79, 0x75, 0x69, 0x6f, 0x70, 0x5b, 0x5d, 13, 0, 0x61, 0x73,
  0x64, 0x66, 0x67, 0x68, 0x6a, 0x6b, 0x6c, 0x3b, 0x27, 0x60, 0, 0x5c, 0x7a, 0x78, 0x63, 0x76,
  0x62, 0x6e, 0x6d, 0x2c, 0x2e, 0x2f, 0, 0x2a, 0, 0x20,
]);
const SHIFTED: usize = memory.data<u8>([
  0, 27, 0x21, 0x40, 0x23, 0x24, 0x25, 0x5e, 0x26, 0x2a, 0x28, 0x29, 0x5f, 0x2b, 8, 0,
  0x51, 0x57, 0x45, 0x52, 0x54, 0x59, 0x55, 0x49, 0x4f, 0x50, 0x7b, 0x7d, 13, 0, 0x41, 0x53,
  0x44, 0x46, 0x47, 0x48, 0x4a, 0x4b, 0x4c, 0x3a, 0x22, 0x7e, 0, 0x7c, 0x5a, 0x58, 0x43, 0x56,
  0x42, 0x4e, 0x4d, 0x3c, 0x3e, 0x3f, 0, 0x2a, 0, 0x20,
]);
// keypad 47h-53h with Num Lock: ASCII
const PAD_ASCII: usize = memory.data<u8>([0x37, 0x38, 0x39, 0x2d, 0x34, 0x35, 0x36, 0x2b, 0x31, 0x32, 0x33, 0x30, 0x2e]);
// keypad 47h-53h with Ctrl: scan codes (Home Up PgUp - Left 5 Right + End Down PgDn Ins Del)
const PAD_CTRL: usize = memory.data<u8>([0x77, 0x8d, 0x84, 0x8e, 0x73, 0x8f, 0x74, 0x90, 0x75, 0x91, 0x76, 0x92, 0x93]);

function is_letter(a: u32): bool { return (a >= 0x61 && a <= 0x7a); }

// Put a key in the buffer; false when it is full.
export function kbd_store(w: u32): bool {
  const tail = bda16(0x1c);
  let next = tail + 2;
  if (next >= bda16(0x82)) next = bda16(0x80);
  if (next == bda16(0x1a)) return false;
  s16(0x400 + tail, w);
  set_bda16(0x1c, next);
  return true;
}

function translate(code: u32, e0: bool): u32 {
  const f = bda8(0x17);
  const shift = (f & 3) != 0, ctrl = (f & 4) != 0, alt = (f & 8) != 0, num = (f & 0x20) != 0, caps = (f & 0x40) != 0;
  if (e0) {
    if (code == 0x1c) return ctrl ? 0xe00a : (alt ? 0xa600 : 0xe00d);
    if (code == 0x35) return ctrl ? 0x9500 : (alt ? 0xa400 : 0xe02f);
    if (code >= 0x47 && code <= 0x53 && code != 0x4a && code != 0x4c && code != 0x4e) {
      if (alt) return (code + 0x50) << 8;
      if (ctrl) return (load<u8>(PAD_CTRL + code - 0x47) << 8) | 0xe0;
      return (code << 8) | 0xe0;
    }
    return 0;
  }
  if (code >= 0x3b && code <= 0x44) { // F1-F10
    if (alt) return (code + 0x2d) << 8;
    if (ctrl) return (code + 0x23) << 8;
    if (shift) return (code + 0x19) << 8;
    return code << 8;
  }
  if (code == 0x57 || code == 0x58) { // F11, F12
    const b: u32 = code == 0x57 ? 0x85 : 0x86;
    return (alt ? b + 6 : ctrl ? b + 4 : shift ? b + 2 : b) << 8;
  }
  if (code >= 0x47 && code <= 0x53) { // keypad
    const i = code - 0x47;
    if (alt) {
      const a = load<u8>(PAD_ASCII + i);
      if (a >= 0x30 && a <= 0x39) { set_bda8(0x19, (bda8(0x19) * 10 + a - 0x30) & 0xff); return 0; }
      return 0;
    }
    if (ctrl) return load<u8>(PAD_CTRL + i) << 8;
    if (code == 0x4a) return 0x4a2d;
    if (code == 0x4e) return 0x4e2b;
    if (num != shift) return (code << 8) | load<u8>(PAD_ASCII + i);
    if (code == 0x4c) return 0;
    return code << 8;
  }
  if (code > 0x39) return 0;
  const n = <u32>load<u8>(NORMAL + code);
  if (alt) {
    if (code >= 0x02 && code <= 0x0d) return (code + 0x76) << 8;
    if (code == 0x39) return 0x3920;
    if (code == 0x1c) return 0xa600;
    if (code == 0x0e) return 0x0e00;
    if (code == 0x0f) return 0xa500;
    if (code == 0x01) return 0x0100;
    return n != 0 ? code << 8 : 0;
  }
  if (ctrl) {
    if (is_letter(n)) return (code << 8) | (n - 0x60);
    switch (code) {
      case 0x01: return 0x011b;
      case 0x03: return 0x0300;
      case 0x07: return 0x071e;
      case 0x0c: return 0x0c1f;
      case 0x0e: return 0x0e7f;
      case 0x0f: return 0x9400;
      case 0x1a: return 0x1a1b;
      case 0x1b: return 0x1b1d;
      case 0x1c: return 0x1c0a;
      case 0x2b: return 0x2b1c;
      case 0x37: return 0x9600;
      case 0x39: return 0x3920;
      default: return 0;
    }
  }
  let up = shift;
  if (caps && is_letter(n)) up = !up;
  if (code == 0x0f && shift) return 0x0f00;
  const a = up ? <u32>load<u8>(SHIFTED + code) : n;
  if (a == 0) return 0;
  return (code << 8) | a;
}

// Send a command and its argument byte to the keyboard through the 8042's data port. Its two
// ACKs (FAh) arrive through IRQ 1, which drops them (below).
function kbd_command(cmd: u32, arg: u32): void {
  io_write8(0x60, cmd);
  io_write8(0x60, arg);
}

// Keep the keyboard's LEDs in step with the lock states in BDA 40:17 (bits 4-6: Scroll, Num,
// Caps, the same order as the LED bits of command EDh). BDA 40:97 bits 0-2 remember what the
// keyboard was last told, so the LEDs follow a program that changes 40:17 itself too (the AT
// BIOS checks on every INT 16h call and keyboard interrupt).
export function kbd_sync_leds(): void {
  const want = (bda8(0x17) >> 4) & 7;
  const f97 = bda8(0x97);
  if ((f97 & 7) == want) return;
  set_bda8(0x97, (f97 & ~7) | want);
  kbd_command(0xed, want);
}

// IRQ 1, after INT 15h/4Fh let the key through: AL = set 1 scancode.
export function kbd_irq(): void {
  kbd_key();
  kbd_sync_leds();
}

function kbd_key(): void {
  const code = r8(AL);
  let f96 = bda8(0x96);
  if (code == 0xe0) { set_bda8(0x96, f96 | 2); return; }
  if (code == 0xe1) { set_bda8(0x96, f96 | 1); return; }
  if (code == 0xfa || code == 0xfe || code == 0xee || code == 0xff || code == 0x00) { set_bda8(0x96, f96 & ~3); return; }
  const e0 = (f96 & 2) != 0;
  if (f96 & 1) { // Pause: E1 1D 45 E1 9D C5; ignored (no pause state)
    if (code == 0xc5 || code == 0x45) set_bda8(0x96, f96 & ~1);
    return;
  }
  set_bda8(0x96, f96 & ~2);
  const brk = (code & 0x80) != 0;
  const k = code & 0x7f;
  let f17 = bda8(0x17), f18 = bda8(0x18);
  // modifiers
  switch (k) {
    case 0x2a: case 0x36:
      if (e0) return; // the keyboard's fake shifts around gray keys
      { const bit: u32 = k == 0x2a ? 2 : 1; set_bda8(0x17, brk ? f17 & ~bit : f17 | bit); }
      return;
    case 0x1d:
      if (brk) {
        if (e0) f96 &= ~4; else f18 &= ~1;
        set_bda8(0x17, ((f96 & 4) != 0 || (f18 & 1) != 0) ? f17 | 4 : f17 & ~4);
      } else {
        if (e0) f96 |= 4; else f18 |= 1;
        set_bda8(0x17, f17 | 4);
      }
      set_bda8(0x18, f18);
      set_bda8(0x96, (bda8(0x96) & ~4) | (f96 & 4));
      return;
    case 0x38:
      if (brk) {
        if (e0) f96 &= ~8; else f18 &= ~2;
        const still = (f96 & 8) != 0 || (f18 & 2) != 0;
        set_bda8(0x17, still ? f17 | 8 : f17 & ~8);
        if (!still) { const v = bda8(0x19); set_bda8(0x19, 0); if (v != 0) kbd_store(v); }
      } else {
        if (e0) f96 |= 8; else f18 |= 2;
        set_bda8(0x17, f17 | 8);
      }
      set_bda8(0x18, f18);
      set_bda8(0x96, (bda8(0x96) & ~8) | (f96 & 8));
      return;
    case 0x3a: case 0x45: case 0x46: {
      if (k == 0x45 && (f17 & 4) != 0 && !e0) return; // Ctrl-NumLock is Pause on old keyboards
      const bit: u32 = k == 0x3a ? 0x40 : (k == 0x45 ? 0x20 : 0x10);
      if (brk) { set_bda8(0x18, f18 & ~bit); return; }
      if (f18 & bit) return; // typematic repeat of a held lock key
      set_bda8(0x18, f18 | bit);
      set_bda8(0x17, f17 ^ bit);
      return;
    }
    default: break;
  }
  if (brk) return;
  if (k == 0x52 && (f17 & 0xc) == 0) set_bda8(0x17, f17 ^ 0x80); // Insert toggles
  // Ctrl-Alt-Del: warm boot through the 8042's reset line
  if (k == 0x53 && (f17 & 0xc) == 0xc) {
    set_bda16(0x72, 0x1234);
    io_write8(0x64, 0xfe);
    return;
  }
  if (e0 && k == 0x46 && (f17 & 4) != 0) { // Ctrl-Break: empty the buffer, flag it
    set_bda16(0x1a, bda16(0x80));
    set_bda16(0x1c, bda16(0x80));
    set_bda8(0x71, 0x80);
    kbd_store(0);
    return;
  }
  const w = translate(k, e0);
  if (w != 0 || (k == 0x03 && (f17 & 4) != 0)) kbd_store(w);
}

// For the old functions 00h/01h: extended-only keys are dropped, E0 ASCII becomes 00.
// Returns 0xffffffff for a key to drop.
function classic(w: u32): u32 {
  const a = w & 0xff, s = w >> 8;
  if (s == 0xe0) return a == 0x0d ? 0x1c0d : (a == 0x0a ? 0x1c0a : 0x352f);
  if (a == 0xe0 && s != 0) return s << 8;
  if (s > 0x84 && a == 0) return 0xffffffff;
  return w;
}
function extended(w: u32): u32 {
  return w;
}

export function int16(): void {
  const ah = r8(AH);
  set_flag(F_CF, false);
  kbd_sync_leds();
  switch (ah) {
    case 0x00: case 0x10: case 0x01: case 0x11: {
      store<u32>(BIOS_FLAGS, load<u32>(BIOS_FLAGS) | 1);
      const peek = ah == 0x01 || ah == 0x11;
      for (;;) {
        const head = bda16(0x1a);
        if (head == bda16(0x1c)) {
          // the guest waits for a key (host/run.ts types --send keys then): a blocking read,
          // or polling (a second empty peek in a row; one empty peek ends a buffer flush)
          let fl = load<u32>(BIOS_FLAGS);
          const polls = (fl >> 8) & 0xff;
          if (!peek || polls >= 1) fl |= 2;
          if (peek && polls < 0xff) fl = (fl & ~0xff00) | ((polls + 1) << 8);
          store<u32>(BIOS_FLAGS, fl);
          if (peek) { ret_zf(true); return; }
          bios_wait();
          return;
        }
        store<u32>(BIOS_FLAGS, load<u32>(BIOS_FLAGS) & ~0xff00); // a key: no longer polling an empty buffer
        let w = bda16(head);
        w = ah < 0x10 ? classic(w) : extended(w);
        if (w == 0xffffffff || !peek) {
          let next = head + 2;
          if (next >= bda16(0x82)) next = bda16(0x80);
          set_bda16(0x1a, next);
          if (w == 0xffffffff) continue;
        }
        w16(AX, w);
        if (peek) ret_zf(false);
        return;
      }
    }
    case 0x02: w8(AL, bda8(0x17)); return;
    case 0x12: {
      w8(AL, bda8(0x17));
      const f18 = bda8(0x18), f96 = bda8(0x96);
      w8(AH, (f18 & 0x73) | (f96 & 0x0c) | ((f18 & 0x04) << 5));
      return;
    }
    case 0x03:
      // AL=05h: BH = delay (0-3: 250-1000 ms), BL = rate (0-1Fh: 30-2 per second), the bits of
      // the keyboard's F3h command (IBM PS/2 technical reference, INT 16h function 03h)
      if (r8(AL) == 0x05) kbd_command(0xf3, ((r8(BH) & 3) << 5) | (r8(BL) & 0x1f));
      return;
    case 0x05: w8(AL, kbd_store(r16(CX)) ? 0 : 1); return;
    case 0x09: w8(AL, 0x20); return; // capabilities: 0Ah (keyboard ID) supported
    case 0x0a: w16(3, 0x41ab); return; // keyboard ID (MF2): BX
    default: return;
  }
}
