// Text for --send, --type and `type` steps turned into PS/2 scancode set 2 key strokes (make,
// then F0 break), or into the bytes a terminal sends (parseSerialKeys).
// Notation: printable ASCII types itself (with Shift where the US layout needs it), "\n" is
// Enter, and {Name} names a key: {Enter} {Tab} {Esc} {Backspace} {Space} {Up} {Down} {Left}
// {Right} {Home} {End} {PgUp} {PgDn} {Ins} {Del} {F1}..{F12}, with modifiers joined by "-":
// {Ctrl-C}, {Alt-F}, {Shift-Tab}, {Ctrl-Alt-Del}. "{{" types a "{".

const PLAIN = "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./ ";
const SHIFTED = "~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>? ";
const CODES = [
  0x0e, 0x16, 0x1e, 0x26, 0x25, 0x2e, 0x36, 0x3d, 0x3e, 0x46, 0x45, 0x4e, 0x55,
  0x15, 0x1d, 0x24, 0x2d, 0x2c, 0x35, 0x3c, 0x43, 0x44, 0x4d, 0x54, 0x5b, 0x5d,
  0x1c, 0x1b, 0x23, 0x2b, 0x34, 0x33, 0x3b, 0x42, 0x4b, 0x4c, 0x52,
  0x1a, 0x22, 0x21, 0x2a, 0x32, 0x31, 0x3a, 0x41, 0x49, 0x4a, 0x29,
];
// named keys: [code, extended (E0 prefix)]
const NAMED: Record<string, [number, boolean]> = {
  enter: [0x5a, false], tab: [0x0d, false], esc: [0x76, false], escape: [0x76, false],
  backspace: [0x66, false], bs: [0x66, false], space: [0x29, false],
  up: [0x75, true], down: [0x72, true], left: [0x6b, true], right: [0x74, true],
  home: [0x6c, true], end: [0x69, true], pgup: [0x7d, true], pgdn: [0x7a, true],
  ins: [0x70, true], insert: [0x70, true], del: [0x71, true], delete: [0x71, true],
  f1: [0x05, false], f2: [0x06, false], f3: [0x04, false], f4: [0x0c, false], f5: [0x03, false],
  f6: [0x0b, false], f7: [0x83, false], f8: [0x0a, false], f9: [0x01, false], f10: [0x09, false],
  f11: [0x78, false], f12: [0x07, false],
};
const MODS: Record<string, [number, boolean]> = { ctrl: [0x14, false], alt: [0x11, false], shift: [0x12, false] };

function stroke(code: number, ext: boolean, mods: [number, boolean][]): number[] {
  const out: number[] = [];
  for (const [m, e] of mods) out.push(...(e ? [0xe0] : []), m);
  out.push(...(ext ? [0xe0] : []), code);
  out.push(...(ext ? [0xe0] : []), 0xf0, code);
  for (const [m, e] of [...mods].reverse()) out.push(...(e ? [0xe0] : []), 0xf0, m);
  return out;
}

function charKey(ch: string): [number, boolean, boolean] | undefined {
  let i = PLAIN.indexOf(ch);
  if (i >= 0) return [CODES[i] ?? 0x29, false, false];
  i = SHIFTED.indexOf(ch);
  if (i >= 0) return [CODES[i] ?? 0x29, false, true];
  return undefined;
}

/** One thing to type: a character, or a named key with modifiers (lower case). */
export type KeyToken = { ch: string } | { name: string; mods: string[] };

/** Split TEXT in the notation above into characters and named keys. Throws on a bad name. */
export function tokenizeKeys(text: string): KeyToken[] {
  const out: KeyToken[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "{" && text[i + 1] === "{") { out.push({ ch: "{" }); i++; continue; }
    if (ch !== "{") { out.push({ ch }); continue; }
    const end = text.indexOf("}", i);
    if (end < 0) throw new Error(`--send: "{" without "}" at position ${i}`);
    const parts = text.slice(i + 1, end).split("-");
    const whole = parts.join("-");
    i = end;
    const name = parts.pop()!;
    for (const p of parts) if (!MODS[p.toLowerCase()]) throw new Error(`--send: unknown modifier ${p} in {${whole}}`);
    const lname = name.toLowerCase();
    if (!NAMED[lname] && !(name.length === 1 && charKey(lname))) throw new Error(`--send: unknown key {${whole}}`);
    out.push({ name: lname, mods: parts.map((p) => p.toLowerCase()) });
  }
  return out;
}

/** Parse --send text into key strokes (each a list of set 2 bytes). Throws on a bad name. */
export function parseKeys(text: string): number[][] {
  const keys: number[][] = [];
  for (const t of tokenizeKeys(text)) {
    if ("ch" in t) {
      if (t.ch === "\n" || t.ch === "\r") { keys.push(stroke(0x5a, false, [])); continue; }
      const k = charKey(t.ch);
      if (!k) throw new Error(`--send: cannot type ${JSON.stringify(t.ch)}`);
      keys.push(stroke(k[0], false, k[2] ? [MODS.shift] : []));
      continue;
    }
    const mods = t.mods.map((m) => MODS[m]);
    const named = NAMED[t.name];
    if (named) { keys.push(stroke(named[0], named[1], mods)); continue; }
    const k = charKey(t.name)!;
    keys.push(stroke(k[0], false, k[2] ? [...mods, MODS.shift] : mods));
  }
  return keys;
}

// What a VT100/xterm terminal sends for the named keys (ECMA-48, xterm's PC-style function keys)
const TERMINAL: Record<string, string> = {
  enter: "\r", tab: "\t", esc: "\x1b", escape: "\x1b", backspace: "\x7f", bs: "\x7f", space: " ",
  up: "\x1b[A", down: "\x1b[B", right: "\x1b[C", left: "\x1b[D", home: "\x1b[H", end: "\x1b[F",
  pgup: "\x1b[5~", pgdn: "\x1b[6~", ins: "\x1b[2~", insert: "\x1b[2~", del: "\x1b[3~", delete: "\x1b[3~",
  f1: "\x1bOP", f2: "\x1bOQ", f3: "\x1bOR", f4: "\x1bOS", f5: "\x1b[15~", f6: "\x1b[17~", f7: "\x1b[18~",
  f8: "\x1b[19~", f9: "\x1b[20~", f10: "\x1b[21~", f11: "\x1b[23~", f12: "\x1b[24~",
};

/** The same notation as the bytes a terminal sends on a serial line: characters as they are
 * (latin1), Enter and a line break as CR, {Ctrl-X} as the control character (X & 1Fh), {Alt-X}
 * as ESC X, named keys as xterm sends them ({Up} = ESC [ A, {F1} = ESC O P, {F5} = ESC [ 1 5 ~). */
export function parseSerialKeys(text: string): number[] {
  const out: number[] = [];
  for (const t of tokenizeKeys(text)) {
    if ("ch" in t) {
      const c = t.ch === "\n" ? 13 : t.ch.charCodeAt(0);
      if (c > 0xff) throw new Error(`--send: cannot send ${JSON.stringify(t.ch)} on a serial line (latin1 only)`);
      out.push(c);
      continue;
    }
    let seq = TERMINAL[t.name] ?? t.name;
    if (t.mods.includes("shift") && seq.length === 1) seq = t.name === "tab" ? "\x1b[Z" : seq.toUpperCase();
    if (t.mods.includes("ctrl")) {
      if (seq.length !== 1) throw new Error(`--send: {Ctrl-${t.name}} has no terminal code`);
      const c = seq.toUpperCase().charCodeAt(0);
      seq = String.fromCharCode(c === 0x3f ? 0x7f : c & 0x1f);
    }
    if (t.mods.includes("alt")) seq = "\x1b" + seq;
    for (const ch of seq) out.push(ch.charCodeAt(0));
  }
  return out;
}
