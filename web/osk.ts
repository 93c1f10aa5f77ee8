// The on-screen keyboard's layout and what its keys send (the panel itself: web/oskpanel.ts).
//
// A compact PC keyboard of six rows, 15 key units wide (a real main block's width), with the
// keys DOS and Linux need that a phone's own keyboard lacks: Esc, F1-F12, Ins/Del, Home/End,
// PgUp/PgDn, the arrows, Ctrl and Alt. Keys are positions, as on the physical keyboard path:
// each one is a KeyboardEvent.code turned into PS/2 set 2 bytes by web/keyboard.ts, so the
// guest's keyboard layout decides what it types. The labels are the US keycaps.
//
// Shift, Ctrl and Alt are sticky, because a touch screen cannot be relied on for chords: a
// tap holds the modifier down in the guest until the next other key is released (Ctrl, Alt,
// Del is Ctrl-Alt-Del); a second tap locks it down until a third tap. A modifier held with
// one finger while another taps keys acts as on a real keyboard and is released with the
// finger.
import { keyDown, keyUp } from "./keyboard.js";

export interface OskKey {
  /** KeyboardEvent.code of the key (web/keyboard.ts turns it into scancodes) */
  code: string;
  /** the keycap, and what it shows while Shift is down */
  label: string;
  shifted?: string;
  /** for screen readers where the keycap is a symbol or an abbreviation */
  name?: string;
  /** in key units (a letter key is 1) */
  width?: number;
}

// the US keycaps of the character keys, and the KeyboardEvent.code of the punctuation
const PUNCTUATION: Record<string, string> = {
  "`": "Backquote", "-": "Minus", "=": "Equal", "[": "BracketLeft", "]": "BracketRight",
  "\\": "Backslash", ";": "Semicolon", "'": "Quote", ",": "Comma", ".": "Period", "/": "Slash",
};
function chars(plain: string, shifted: string): OskKey[] {
  return [...plain].map((ch, i) => ({
    code: /[a-z]/.test(ch) ? `Key${ch.toUpperCase()}` : /[0-9]/.test(ch) ? `Digit${ch}` : PUNCTUATION[ch],
    label: ch, shifted: shifted[i],
  }));
}
const key = (code: string, label: string, width = 1, name?: string): OskKey => ({ code, label, width, name });

/** The rows, top to bottom; each is 15 units wide, and the arrows line up as an inverted T. */
export const OSK_ROWS: OskKey[][] = [
  [key("Escape", "Esc", 1, "Escape"), ...Array.from({ length: 12 }, (_, i) => key(`F${i + 1}`, `F${i + 1}`)),
    key("Insert", "Ins", 1, "Insert"), key("Delete", "Del", 1, "Delete")],
  [...chars("`1234567890-=", "~!@#$%^&*()_+"), key("Backspace", "Bksp", 2, "Backspace")],
  [key("Tab", "Tab", 1.5), ...chars("qwertyuiop[]", "QWERTYUIOP{}"), { ...chars("\\", "|")[0], width: 1.5 }],
  [key("CapsLock", "Caps", 1.75, "Caps Lock"), ...chars("asdfghjkl;'", "ASDFGHJKL:\""), key("Enter", "Enter", 2.25)],
  [key("ShiftLeft", "Shift", 2), ...chars("zxcvbnm,./", "ZXCVBNM<>?"),
    key("Home", "Home"), key("ArrowUp", "↑", 1, "Up"), key("End", "End")],
  [key("ControlLeft", "Ctrl", 1.5, "Control"), key("AltLeft", "Alt", 1.5), key("Space", "Space", 7),
    key("PageUp", "PgUp", 1, "Page Up"), key("PageDown", "PgDn", 1, "Page Down"),
    key("ArrowLeft", "←", 1, "Left"), key("ArrowDown", "↓", 1, "Down"), key("ArrowRight", "→", 1, "Right")],
];

/** The sticky keys. */
export const MODIFIERS: ReadonlySet<string> = new Set(["ShiftLeft", "ControlLeft", "AltLeft"]);

/** A modifier's state: up; down under a finger (held) and with a key typed meanwhile
 * (chorded); down after a tap until the next key (latched); down until tapped again (locked). */
export type ModifierState = "up" | "held" | "chorded" | "latched" | "locked";

/** Presses and releases of the on-screen keys to set 2 bytes, with the sticky modifiers. */
export class OskKeys {
  // modifiers that are down in the guest, in the order they went down (released in reverse,
  // as host/keys.ts releases a combination's modifiers)
  private mods = new Map<string, Exclude<ModifierState, "up">>();
  private keys = new Set<string>();

  modifier(code: string): ModifierState { return this.mods.get(code) ?? "up"; }
  /** Shift is down in the guest (the keycaps show their shifted labels). */
  get shifted(): boolean { return this.mods.has("ShiftLeft"); }

  /** The bytes for a key going down (a finger or the mouse on it). */
  press(code: string): number[] {
    if (MODIFIERS.has(code)) {
      switch (this.modifier(code)) {
        case "up": this.mods.set(code, "held"); return keyDown(code) ?? [];
        case "latched": this.mods.set(code, "locked"); return [];
        case "locked": this.mods.delete(code); return keyUp(code) ?? [];
        default: return []; // a second finger on a modifier already held
      }
    }
    if (this.keys.has(code)) return [];
    this.keys.add(code);
    for (const [m, s] of this.mods) if (s === "held") this.mods.set(m, "chorded");
    return keyDown(code) ?? [];
  }

  /** The bytes for a key coming up: its break code, then those of the modifiers tapped for it. */
  release(code: string): number[] {
    if (MODIFIERS.has(code)) {
      const s = this.modifier(code);
      if (s === "held") this.mods.set(code, "latched");
      if (s !== "chorded") return [];
      this.mods.delete(code);
      return keyUp(code) ?? [];
    }
    if (!this.keys.delete(code)) return [];
    const out = [...(keyUp(code) ?? [])];
    for (const [m, s] of [...this.mods].reverse()) {
      if (s !== "latched") continue;
      this.mods.delete(m);
      out.push(...(keyUp(m) ?? []));
    }
    return out;
  }

  /** Break codes for everything down (the panel is hidden, a finger's touch was lost). */
  releaseAll(): number[] {
    const out: number[] = [];
    for (const code of this.keys) out.push(...(keyUp(code) ?? []));
    for (const m of [...this.mods.keys()].reverse()) out.push(...(keyUp(m) ?? []));
    this.keys.clear();
    this.mods.clear();
    return out;
  }
}
