// Loads the instruction table (core-as/cpu/table/*.mjs) and expands opcode codes into rows:
// { opcode (0..511), ext (ModRM.reg or undefined), name, operands, call, flags, lock, size, text,
//   written, undefined, read (flag letter sets) }. Shared by the generator, tests and reports.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const tableDir = join(dirname(fileURLToPath(import.meta.url)), "../core-as/cpu/table");

function parseFlags(s) {
  const out = { w: "", u: "", r: "" };
  for (const part of (s || "").split(/\s+/).filter(Boolean)) {
    const [k, v] = part.split(":");
    out[k] = v;
  }
  return out;
}

export async function loadTable() {
  const files = readdirSync(tableDir).filter((f) => f.endsWith(".mjs") && f !== "defs.mjs").sort();
  const rows = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(join(tableDir, f)).href);
    for (const r of mod.default) {
      const m = /^(0f )?([0-9a-f]{2})(?:\/([0-7]))?(?:\+r(7)?)?$/.exec(r.code);
      if (!m) throw new Error(`${f}: bad opcode code "${r.code}"`);
      const base = (m[1] ? 0x100 : 0) + parseInt(m[2], 16);
      const count = r.code.includes("+r") ? (m[4] ? 7 : 8) : 1;
      const fl = parseFlags(r.flags);
      for (let i = 0; i < count; i++) {
        rows.push({
          ...r,
          file: f,
          opcode: base + i,
          ext: m[3] === undefined ? undefined : Number(m[3]),
          text: `${r.name}${r.operands.length ? " " + r.operands.join(",") : ""}`,
          written: fl.w,
          undefinedFlags: fl.u,
          readFlags: fl.r,
        });
      }
    }
  }
  // duplicate check
  const seen = new Map();
  for (const r of rows) {
    const k = `${r.opcode}/${r.ext}`;
    if (seen.has(k)) throw new Error(`opcode ${r.opcode.toString(16)}${r.ext !== undefined ? "/" + r.ext : ""} defined twice: ${seen.get(k)} and ${r.text}`);
    seen.set(k, r.text);
  }
  return rows;
}

// EFLAGS bit for each flag letter
export const FLAG_BITS = { c: 0x1, p: 0x4, a: 0x10, z: 0x40, s: 0x80, t: 0x100, i: 0x200, d: 0x400, o: 0x800 };
export function flagMask(letters) {
  let m = 0;
  for (const ch of letters || "") m |= FLAG_BITS[ch] || 0;
  return m;
}
