// The on-screen keyboard's panel: buttons for the keys of web/osk.ts, shown by the
// <tab86-machine> element under its screen (the keyboard attribute) for phones and tablets.
//
// Keys go down on pointerdown and up on pointerup, so a key held under a finger is held in
// the guest (which repeats it, as the emulated keyboard does for any held key), and two
// fingers can chord. The bytes go to the machine as scancodes, like the physical keyboard's;
// no DOM keyboard events are made. The panel never takes the focus: a focused control could
// bring up the phone's own keyboard or take the focus from the screen, so pointerdown and
// mousedown are cancelled and the buttons are out of the tab order. A click with no pointer
// behind it (a screen reader's activation, detail 0) taps the key.
import { OSK_ROWS, MODIFIERS, OskKeys, OskKey } from "./osk.js";
import oskCss from "./osk.css?inline";

export { oskCss };

export class OnScreenKeyboard {
  readonly root: HTMLDivElement;
  private keys = new OskKeys();
  private buttons = new Map<string, { button: HTMLButtonElement; key: OskKey }>();
  // which key each pointer (finger, mouse, pen) holds down
  private pointers = new Map<number, string>();

  constructor(private send: (bytes: number[]) => void) {
    const root = (this.root = document.createElement("div"));
    root.className = "osk";
    root.setAttribute("part", "keyboard");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", "On-screen keyboard");
    for (const row of OSK_ROWS) {
      const line = document.createElement("div");
      line.className = "row";
      for (const key of row) {
        const b = document.createElement("button");
        b.type = "button";
        b.tabIndex = -1;
        b.dataset.code = key.code;
        b.textContent = key.label;
        if (key.name) b.setAttribute("aria-label", key.name);
        // a 60-column grid per row: quarter key units
        b.style.gridColumn = `span ${Math.round((key.width ?? 1) * 4)}`;
        if (MODIFIERS.has(key.code)) { b.classList.add("mod"); b.setAttribute("aria-pressed", "false"); }
        if (!key.shifted) b.classList.add("named");
        // "Home" or "PgUp" on one key unit of a phone's width
        if (key.label.length >= 4 && (key.width ?? 1) < 1.5) b.classList.add("small");
        line.append(b);
        this.buttons.set(key.code, { button: b, key });
      }
      root.append(line);
    }
    this.wire();
  }

  /** Release whatever is down (the panel is being hidden, the machine restarted). */
  releaseAll(): void {
    this.pointers.clear();
    this.emit(this.keys.releaseAll());
  }

  private emit(bytes: number[]): void {
    if (bytes.length) this.send(bytes);
    this.refresh();
  }

  // the keycaps follow Shift, and the modifiers show whether they are down
  private refresh(): void {
    const shifted = this.keys.shifted;
    const held = new Set(this.pointers.values());
    for (const [code, { button, key }] of this.buttons) {
      button.classList.toggle("down", held.has(code));
      if (key.shifted) button.textContent = shifted ? key.shifted : key.label;
      if (!MODIFIERS.has(code)) continue;
      const state = this.keys.modifier(code);
      button.setAttribute("aria-pressed", String(state !== "up"));
      button.classList.toggle("locked", state === "locked");
    }
  }

  private wire(): void {
    const root = this.root;
    const keyOf = (e: Event) => (e.target as Element | null)?.closest?.<HTMLButtonElement>("button[data-code]")?.dataset.code;
    root.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      const code = keyOf(e);
      if (!code || (e.pointerType === "mouse" && e.button !== 0) || this.pointers.has(e.pointerId)) return;
      // the key keeps the pointer when the finger slides off it, so its pointerup comes here
      try { (e.target as Element).setPointerCapture(e.pointerId); } catch { /* the pointer is gone already */ }
      this.pointers.set(e.pointerId, code);
      this.emit(this.keys.press(code));
    });
    const up = (e: PointerEvent) => {
      const code = this.pointers.get(e.pointerId);
      if (code === undefined) return;
      this.pointers.delete(e.pointerId);
      // another finger may still hold the same key
      if ([...this.pointers.values()].includes(code)) return this.refresh();
      this.emit(this.keys.release(code));
    };
    root.addEventListener("pointerup", up);
    root.addEventListener("pointercancel", up);
    root.addEventListener("mousedown", (e) => e.preventDefault());
    root.addEventListener("contextmenu", (e) => e.preventDefault()); // a long press
    root.addEventListener("click", (e) => {
      const code = keyOf(e);
      if (!code || e.detail !== 0) return;
      this.emit([...this.keys.press(code), ...this.keys.release(code)]);
    });
  }
}
