// Loads the instruction table (core-as/cpu/table/*.mjs) and expands opcode codes into rows:
// { opcode (0..511), ext (ModRM.reg or undefined), modrm (the whole ModRM byte of a register-form
//   row such as "d9 e8", else undefined), name, operands, call, flags, lock, size, invalid,
//   text, written, undefined, read (flag letter sets) }. Shared by the generator, tests and
//   reports.
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
      // "d9 e8" / "d8 c0+i": an x87 escape (D8-DF) with a register-form (mod = 3) ModRM byte
      const x = /^(d[89a-f]) ([c-f][0-9a-f])(\+i)?$/.exec(r.code);
      if (x) {
        const modrm = parseInt(x[2], 16);
        const count = x[3] ? 8 : 1;
        if (x[3] && (modrm & 7) !== 0) throw new Error(`${f}: "${r.code}": +i needs a ModRM with rm = 0`);
        const fl = parseFlags(r.flags);
        for (let i = 0; i < count; i++) {
          rows.push({
            ...r,
            file: f,
            opcode: parseInt(x[1], 16),
            ext: ((modrm + i) >> 3) & 7,
            modrm: modrm + i,
            text: `${r.name}${r.operands.length ? " " + r.operands.join(",") : ""}`,
            written: fl.w,
            undefinedFlags: fl.u,
            readFlags: fl.r,
          });
        }
        continue;
      }
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
  // an opcode with register-form rows ("d9 e8") has only memory-only rows besides them
  const withModrm = new Set(rows.filter((r) => r.modrm !== undefined).map((r) => r.opcode));
  for (const r of rows) {
    if (!withModrm.has(r.opcode) || r.modrm !== undefined) continue;
    if (r.ext === undefined || !r.operands.some((o) => /^M[a-z]*$/.test(o))) {
      throw new Error(`${r.file}: ${r.code} ${r.text}: an opcode with register-form rows needs /n rows with a memory-only (M) operand`);
    }
  }
  // duplicate check
  const seen = new Map();
  for (const r of rows) {
    const k = r.modrm !== undefined ? `${r.opcode}/m${r.modrm}` : `${r.opcode}/${r.ext}`;
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
