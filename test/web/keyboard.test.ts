// The browser's key codes to PS/2 scancode set 2 (web/keyboard.ts), paste as typed keys
// (web/paste.ts), what a picked file is (web/images.ts) and how big the picture is drawn
// (web/display.ts): the page's logic that runs without a browser.
import { describe, it, expect } from "vitest";
import { keyDown, keyUp, KeyState, KNOWN_CODES, SPECIAL_KEYS } from "../../web/keyboard.js";
import { pasteKeys } from "../../web/paste.js";
import { parseKeys } from "../../host/keys.js";

describe("KeyboardEvent.code to set 2", () => {
  it("gives the make and break codes of plain and extended keys", () => {
    expect(keyDown("KeyA")).toEqual([0x1c]);
    expect(keyUp("KeyA")).toEqual([0xf0, 0x1c]);
    expect(keyDown("Enter")).toEqual([0x5a]);
    expect(keyDown("NumpadEnter")).toEqual([0xe0, 0x5a]);
    expect(keyUp("NumpadEnter")).toEqual([0xe0, 0xf0, 0x5a]);
    expect(keyDown("ArrowUp")).toEqual([0xe0, 0x75]);
    expect(keyDown("ControlRight")).toEqual([0xe0, 0x14]);
    expect(keyDown("AltRight")).toEqual([0xe0, 0x11]);
    expect(keyDown("F7")).toEqual([0x83]);
    expect(keyDown("IntlBackslash")).toEqual([0x61]); // the ISO key beside left Shift
  });

  it("gives Pause its one sequence with no break, and Print Screen its E0 12 E0 7C pair", () => {
    expect(keyDown("Pause")).toEqual([0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77]);
    expect(keyUp("Pause")).toEqual([]);
    expect(keyDown("PrintScreen")).toEqual([0xe0, 0x12, 0xe0, 0x7c]);
    expect(keyUp("PrintScreen")).toEqual([0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12]);
  });

  it("gives every key a different code", () => {
    const seen = new Map<string, string>();
    for (const code of KNOWN_CODES) {
      const k = keyDown(code)!.join(",");
      expect(seen.get(k), `${code} and ${seen.get(k)}`).toBeUndefined();
      seen.set(k, code);
    }
    expect(KNOWN_CODES.length).toBeGreaterThanOrEqual(104);
  });

  it("agrees with the --send notation (host/keys.ts) on every US key", () => {
    const us = "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./";
    const codes = ["Backquote", ..."1234567890".split("").map((d) => `Digit${d}`), "Minus", "Equal",
      ..."QWERTYUIOP".split("").map((c) => `Key${c}`), "BracketLeft", "BracketRight", "Backslash",
      ..."ASDFGHJKL".split("").map((c) => `Key${c}`), "Semicolon", "Quote",
      ..."ZXCVBNM".split("").map((c) => `Key${c}`), "Comma", "Period", "Slash"];
    [...us].forEach((ch, i) => expect(parseKeys(ch)[0], ch).toEqual([...keyDown(codes[i])!, ...keyUp(codes[i])!]));
    expect(parseKeys("{Up}")[0]).toEqual([...keyDown("ArrowUp")!, ...keyUp("ArrowUp")!]);
    expect(parseKeys("{F11}")[0]).toEqual([...keyDown("F11")!, ...keyUp("F11")!]);
  });

  it("leaves keys a PS/2 keyboard lacks to the browser", () => {
    expect(keyDown("MediaPlayPause")).toBeUndefined();
    expect(keyDown("")).toBeUndefined();
  });

  it("drops the host's auto-repeat and releases held keys on blur", () => {
    const k = new KeyState();
    expect(k.down("ShiftLeft", false)).toEqual([0x12]);
    expect(k.down("KeyA", false)).toEqual([0x1c]);
    expect(k.down("KeyA", true)).toEqual([]);
    expect(k.up("KeyA")).toEqual([0xf0, 0x1c]);
    expect(k.up("KeyA")).toEqual([]); // a key-up without a key-down (focus came mid-press)
    expect(k.down("ArrowLeft", false)).toEqual([0xe0, 0x6b]);
    expect(k.releaseAll()).toEqual([0xf0, 0x12, 0xe0, 0xf0, 0x6b]);
    expect(k.releaseAll()).toEqual([]);
  });

  it("has a special-keys menu whose entries all parse", () => {
    for (const [label, spec] of SPECIAL_KEYS) expect(() => parseKeys(spec), label).not.toThrow();
    expect(SPECIAL_KEYS.map(([l]) => l)).toEqual(expect.arrayContaining(["Ctrl-Alt-Del", "Esc", "F1", "F12"]));
  });
});

describe("paste", () => {
  it("types text as US key strokes, line breaks as Enter and braces as themselves", () => {
    const { keys, skipped } = pasteKeys("ls {a}\r\n\tx");
    expect(skipped).toBe(0);
    expect(keys).toEqual([...parseKeys("ls "), ...parseKeys("{{"), ...parseKeys("a}"), ...parseKeys("{Enter}{Tab}x")]);
  });

  it("leaves out and counts what no US key types", () => {
    const { keys, skipped } = pasteKeys("café ✓");
    expect(skipped).toBe(2);
    expect(keys).toEqual(parseKeys("caf "));
  });
});
