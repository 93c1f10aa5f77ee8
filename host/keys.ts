// Text for --send turned into PS/2 scancode set 2 key strokes (make, then F0 break).
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

/** Parse --send text into key strokes (each a list of set 2 bytes). Throws on a bad name. */
export function parseKeys(text: string): number[][] {
  const keys: number[][] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "{" && text[i + 1] === "{") { keys.push(stroke(CODES[PLAIN.indexOf("[")], false, [MODS.shift])); i++; continue; }
    if (ch === "{") {
      const end = text.indexOf("}", i);
      if (end < 0) throw new Error(`--send: "{" without "}" at position ${i}`);
      const parts = text.slice(i + 1, end).split("-");
      i = end;
      const name = parts.pop()!;
      const mods = parts.map((p) => {
        const m = MODS[p.toLowerCase()];
        if (!m) throw new Error(`--send: unknown modifier ${p} in {${text.slice(i - 0, end)}}`);
        return m;
      });
      const named = NAMED[name.toLowerCase()];
      if (named) { keys.push(stroke(named[0], named[1], mods)); continue; }
      if (name.length === 1) {
        const k = charKey(name.toLowerCase());
        if (k) { keys.push(stroke(k[0], false, k[2] ? [...mods, MODS.shift] : mods)); continue; }
      }
      throw new Error(`--send: unknown key {${parts.concat(name).join("-")}}`);
    }
    if (ch === "\n" || ch === "\r") { keys.push(stroke(0x5a, false, [])); continue; }
    const k = charKey(ch);
    if (!k) throw new Error(`--send: cannot type ${JSON.stringify(ch)}`);
    keys.push(stroke(k[0], false, k[2] ? [MODS.shift] : []));
  }
  return keys;
}
