// The on-screen keyboard's logic (web/osk.ts): its layout, and the bytes its taps send, checked
// against the --send notation's own tables (host/keys.ts), which were written separately and
// are what the command-line tests type into real guests. The panel and the touch handling are
// in the browser test (test/e2e/osk.e2e.ts).
import { describe, it, expect } from "vitest";
import { OSK_ROWS, OskKeys, MODIFIERS } from "../../web/osk.js";
import { keyDown } from "../../web/keyboard.js";
import { parseKeys } from "../../host/keys.js";

const KEYS = OSK_ROWS.flat();
/** a tap: down, then up */
const tap = (k: OskKeys, code: string) => [...k.press(code), ...k.release(code)];

describe("the on-screen keyboard's layout", () => {
  it("has every key once, each one the PS/2 table knows", () => {
    const codes = KEYS.map((k) => k.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(keyDown(code), code).toBeDefined();
  });

  it("has the keys DOS and Linux need", () => {
    const codes = new Set(KEYS.map((k) => k.code));
    const wanted = ["Escape", "Tab", "Enter", "Backspace", "Space", "CapsLock", "ShiftLeft", "ControlLeft", "AltLeft",
      "Insert", "Delete", "Home", "End", "PageUp", "PageDown", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight",
      ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`)];
    for (const c of wanted) expect(codes.has(c), c).toBe(true);
    // every character of a US keyboard, plain and shifted
    const typed = KEYS.flatMap((k) => (k.shifted ? [k.label, k.shifted] : [])).join("");
    expect([...typed].sort().join("")).toBe([..."`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>?"].sort().join(""));
  });

  it("makes rows of 15 units with the arrows as an inverted T", () => {
    for (const row of OSK_ROWS) expect(row.reduce((n, k) => n + (k.width ?? 1), 0)).toBe(15);
    const left = (row: number, code: string) => {
      const r = OSK_ROWS[row];
      return r.slice(0, r.findIndex((k) => k.code === code)).reduce((n, k) => n + (k.width ?? 1), 0);
    };
    expect(left(4, "ArrowUp")).toBe(left(5, "ArrowDown"));
  });
});

describe("what the on-screen keys send", () => {
  it("types each character key as the --send notation types its character, and with Shift its shifted one", () => {
    const k = new OskKeys();
    for (const key of KEYS.filter((x) => x.shifted)) {
      expect(tap(k, key.code), key.label).toEqual(parseKeys(key.label === "{" ? "{{" : key.label)[0]);
      expect([...tap(k, "ShiftLeft"), ...tap(k, key.code)], key.shifted).toEqual(parseKeys(key.shifted === "{" ? "{{" : key.shifted!)[0]);
    }
    expect(k.shifted).toBe(false);
  });

  it("sends the named keys as the --send notation does, the extended ones with E0", () => {
    const k = new OskKeys();
    const names: Record<string, string> = {
      Escape: "Esc", Tab: "Tab", Enter: "Enter", Backspace: "Backspace", Space: "Space", Insert: "Ins", Delete: "Del",
      Home: "Home", End: "End", PageUp: "PgUp", PageDown: "PgDn", ArrowUp: "Up", ArrowDown: "Down", ArrowLeft: "Left",
      ArrowRight: "Right", ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`F${i + 1}`, `F${i + 1}`])),
    };
    for (const [code, name] of Object.entries(names)) expect(tap(k, code), code).toEqual(parseKeys(`{${name}}`)[0]);
    expect(tap(k, "ArrowUp")).toEqual([0xe0, 0x75, 0xe0, 0xf0, 0x75]);
  });

  it("holds a key down from press to release (the guest repeats it)", () => {
    const k = new OskKeys();
    expect(k.press("KeyA")).toEqual([0x1c]);
    expect(k.press("KeyA")).toEqual([]); // a second finger on it
    expect(k.release("KeyA")).toEqual([0xf0, 0x1c]);
    expect(k.release("KeyA")).toEqual([]);
  });

  it("makes Ctrl, Alt, Del the --send notation's Ctrl-Alt-Del: modifiers down until the key, released in reverse", () => {
    const k = new OskKeys();
    const bytes = [...tap(k, "ControlLeft"), ...tap(k, "AltLeft"), ...tap(k, "Delete")];
    expect(bytes).toEqual(parseKeys("{Ctrl-Alt-Del}")[0]);
    expect(k.modifier("ControlLeft")).toBe("up");
    expect(k.modifier("AltLeft")).toBe("up");
    expect(tap(k, "KeyC")).toEqual(parseKeys("c")[0]); // and nothing is left down
  });

  it("tells a tapped modifier (down until the next key) from a locked one (a second tap, until a third)", () => {
    const k = new OskKeys();
    expect(tap(k, "ShiftLeft")).toEqual([0x12]);
    expect(k.modifier("ShiftLeft")).toBe("latched");
    expect(tap(k, "ShiftLeft")).toEqual([]);
    expect(k.modifier("ShiftLeft")).toBe("locked");
    expect([...tap(k, "KeyA"), ...tap(k, "KeyB")]).toEqual([0x1c, 0xf0, 0x1c, 0x32, 0xf0, 0x32]);
    expect(k.shifted).toBe(true);
    expect(tap(k, "ShiftLeft")).toEqual([0xf0, 0x12]);
    expect(k.shifted).toBe(false);
    expect(tap(k, "KeyA")).toEqual(parseKeys("a")[0]);
  });

  it("releases a modifier held under a finger with the finger when a key was typed meanwhile", () => {
    const k = new OskKeys();
    const bytes = [...k.press("ShiftLeft"), ...tap(k, "KeyA"), ...k.release("ShiftLeft")];
    expect(bytes).toEqual(parseKeys("A")[0]);
    expect(k.modifier("ShiftLeft")).toBe("up");
    // held with nothing typed: a tap, still down for the next key
    const ctrl = k.press("ControlLeft");
    expect(k.release("ControlLeft")).toEqual([]);
    expect([...ctrl, ...tap(k, "KeyC")]).toEqual(parseKeys("{Ctrl-C}")[0]);
  });

  it("releases everything down when the panel goes away", () => {
    const k = new OskKeys();
    k.press("ShiftLeft"); k.release("ShiftLeft");
    k.press("ControlLeft");
    k.press("ArrowLeft");
    expect(k.releaseAll()).toEqual([0xe0, 0xf0, 0x6b, 0xf0, 0x14, 0xf0, 0x12]);
    expect(k.releaseAll()).toEqual([]);
    for (const m of MODIFIERS) expect(k.modifier(m)).toBe("up");
  });
});
