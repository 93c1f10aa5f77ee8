// Physical keys to PS/2 scancode set 2. KeyboardEvent.code names the key's position on a US
// ANSI/ISO keyboard whatever the host's layout, which is exactly what a PS/2 keyboard reports:
// the guest's own keyboard layout turns positions into characters, so a German or French host
// gives the same scancodes as a real keyboard with those keycaps would.
// Codes: the PS/2 set 2 tables (IBM PS/2 Hardware Technical Reference, "Keyboard scan code
// set 2"); "e0" marks the extended keys sent with an E0 prefix.

type Code = number | [0xe0, number];
const E = (c: number): Code => [0xe0, c];

const SET2: Record<string, Code> = {
  Escape: 0x76, F1: 0x05, F2: 0x06, F3: 0x04, F4: 0x0c, F5: 0x03, F6: 0x0b, F7: 0x83, F8: 0x0a,
  F9: 0x01, F10: 0x09, F11: 0x78, F12: 0x07, ScrollLock: 0x7e,
  Backquote: 0x0e, Digit1: 0x16, Digit2: 0x1e, Digit3: 0x26, Digit4: 0x25, Digit5: 0x2e,
  Digit6: 0x36, Digit7: 0x3d, Digit8: 0x3e, Digit9: 0x46, Digit0: 0x45, Minus: 0x4e, Equal: 0x55,
  Backspace: 0x66,
  Tab: 0x0d, KeyQ: 0x15, KeyW: 0x1d, KeyE: 0x24, KeyR: 0x2d, KeyT: 0x2c, KeyY: 0x35, KeyU: 0x3c,
  KeyI: 0x43, KeyO: 0x44, KeyP: 0x4d, BracketLeft: 0x54, BracketRight: 0x5b, Backslash: 0x5d,
  CapsLock: 0x58, KeyA: 0x1c, KeyS: 0x1b, KeyD: 0x23, KeyF: 0x2b, KeyG: 0x34, KeyH: 0x33,
  KeyJ: 0x3b, KeyK: 0x42, KeyL: 0x4b, Semicolon: 0x4c, Quote: 0x52, Enter: 0x5a,
  ShiftLeft: 0x12, IntlBackslash: 0x61, KeyZ: 0x1a, KeyX: 0x22, KeyC: 0x21, KeyV: 0x2a,
  KeyB: 0x32, KeyN: 0x31, KeyM: 0x3a, Comma: 0x41, Period: 0x49, Slash: 0x4a, ShiftRight: 0x59,
  ControlLeft: 0x14, MetaLeft: E(0x1f), AltLeft: 0x11, Space: 0x29, AltRight: E(0x11),
  MetaRight: E(0x27), ContextMenu: E(0x2f), ControlRight: E(0x14),
  Insert: E(0x70), Home: E(0x6c), PageUp: E(0x7d), Delete: E(0x71), End: E(0x69), PageDown: E(0x7a),
  ArrowUp: E(0x75), ArrowLeft: E(0x6b), ArrowDown: E(0x72), ArrowRight: E(0x74),
  NumLock: 0x77, NumpadDivide: E(0x4a), NumpadMultiply: 0x7c, NumpadSubtract: 0x7b,
  Numpad7: 0x6c, Numpad8: 0x75, Numpad9: 0x7d, NumpadAdd: 0x79, Numpad4: 0x6b, Numpad5: 0x73,
  Numpad6: 0x74, Numpad1: 0x69, Numpad2: 0x72, Numpad3: 0x7a, Numpad0: 0x70, NumpadDecimal: 0x71,
  NumpadEnter: E(0x5a),
  // Japanese and Brazilian keys
  IntlRo: 0x51, IntlYen: 0x6a, KanaMode: 0x13, Convert: 0x64, NonConvert: 0x67,
};

/** The set 2 bytes a key sends when pressed, or undefined for a key the PS/2 keyboard lacks. */
export function keyDown(code: string): number[] | undefined {
  if (code === "Pause") return [0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77]; // no break code
  if (code === "PrintScreen") return [0xe0, 0x12, 0xe0, 0x7c];
  const c = SET2[code];
  if (c === undefined) return undefined;
  return typeof c === "number" ? [c] : [0xe0, c[1]];
}

/** The set 2 bytes a key sends when released (empty for Pause, which has none). */
export function keyUp(code: string): number[] | undefined {
  if (code === "Pause") return [];
  if (code === "PrintScreen") return [0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12];
  const c = SET2[code];
  if (c === undefined) return undefined;
  return typeof c === "number" ? [0xf0, c] : [0xe0, 0xf0, c[1]];
}

/** Every KeyboardEvent.code this table knows (for tests and the key menu). */
export const KNOWN_CODES = [...Object.keys(SET2), "Pause", "PrintScreen"];

/** Tracks the keys held down, so a key held while the page loses focus is released in the
 * guest too, and drops the host's auto-repeat (the emulated keyboard repeats on its own). */
export class KeyState {
  private held = new Set<string>();
  /** bytes to send for a keydown event, or undefined to let the browser have it */
  down(code: string, repeat: boolean): number[] | undefined {
    const bytes = keyDown(code);
    if (!bytes) return undefined;
    if (repeat || this.held.has(code)) return [];
    this.held.add(code);
    return bytes;
  }
  up(code: string): number[] | undefined {
    const bytes = keyUp(code);
    if (!bytes) return undefined;
    if (!this.held.delete(code) && code !== "PrintScreen") return [];
    return bytes;
  }
  /** break codes for every key still held (on blur) */
  releaseAll(): number[] {
    const out: number[] = [];
    for (const code of this.held) out.push(...(keyUp(code) ?? []));
    this.held.clear();
    return out;
  }
}

/** Key combinations for the special-keys menu, in the --send notation of host/keys.ts. */
export const SPECIAL_KEYS: [label: string, keys: string][] = [
  ["Ctrl-Alt-Del", "{Ctrl-Alt-Del}"], ["Esc", "{Esc}"], ["Tab", "{Tab}"], ["Alt-Tab", "{Alt-Tab}"],
  ["Ctrl-C", "{Ctrl-C}"], ["Ctrl-D", "{Ctrl-D}"],
  ...Array.from({ length: 12 }, (_, i): [string, string] => [`F${i + 1}`, `{F${i + 1}}`]),
  ["Alt-F1", "{Alt-F1}"], ["Alt-F2", "{Alt-F2}"],
];
