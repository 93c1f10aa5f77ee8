// Shared by test/vectors.test.ts and tools/coverage.mjs: load the hardware vector files
// (test/fixtures/vectors/*.json) and find the instruction-table row an encoding executes.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const VECTOR_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../test/fixtures/vectors");

export const PREFIXES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

/**
 * The vector groups: [{ group: "alu", file, data }] in file name order. The x87 files
 * (x87*.json, their own format: see the README there) only with x87 = true, and then only them.
 */
export function loadVectorFiles(dir = VECTOR_DIR, x87 = false) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f.startsWith("x87") === x87)
    .sort()
    .map((f) => ({ group: f.replace(/\.json$/, ""), file: join(dir, f), data: JSON.parse(readFileSync(join(dir, f), "utf8")) }));
}

export function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Index of the table rows by `${opcode}/${ext}` (ext "*" for rows without a ModRM.reg). */
export function indexRows(rows) {
  const byKey = new Map();
  const grouped = new Set();
  const regForms = new Set(); // opcodes with register-form rows ("d9 e8")
  for (const r of rows) {
    byKey.set(r.modrm !== undefined ? `${r.opcode}/m${r.modrm}` : `${r.opcode}/${r.ext ?? "*"}`, r);
    if (r.ext !== undefined) grouped.add(r.opcode);
    if (r.modrm !== undefined) regForms.add(r.opcode);
  }
  return { byKey, grouped, regForms };
}

/**
 * Decode the prefixes and opcode of an encoding: { prefixes: number[], opcode (0..511),
 * opIndex (offset of the opcode's last byte), modrm (or undefined), row }.
 */
export function decodeRow(index, bytes) {
  let i = 0;
  while (i < bytes.length && PREFIXES.has(bytes[i])) i++;
  const prefixes = [...bytes.slice(0, i)];
  let opcode = bytes[i];
  if (opcode === 0x0f) opcode = 0x100 | bytes[++i];
  const opIndex = i;
  const modrm = bytes[i + 1];
  let row = index.byKey.get(`${opcode}/*`);
  // a register-form row naming the whole ModRM byte (x87 "d9 e8"), else the ModRM.reg group
  // member (which, next to register-form rows, is memory-only)
  if (!row && index.regForms.has(opcode)) row = modrm >= 0xc0 ? index.byKey.get(`${opcode}/m${modrm}`) : index.byKey.get(`${opcode}/${(modrm >> 3) & 7}`);
  else if (!row && index.grouped.has(opcode)) row = index.byKey.get(`${opcode}/${(modrm >> 3) & 7}`);
  return { prefixes, opcode, opIndex, modrm, row };
}

/** Whether a row's encoding has a ModRM byte (the rule tools/gen-tables.mjs uses). */
export function rowHasModrm(r) {
  return r.ext !== undefined || r.modrm !== undefined || r.operands.some((o) => /^[EGMRSCD][a-z]*$/.test(o) && o !== "DX" && o !== "CL");
}

/** Stable name of a table row for reports and explanation lists: "0f a4 shld Ev,Gv,Ib". */
export function rowKey(r) {
  const hex = (r.opcode & 0xff).toString(16).padStart(2, "0");
  return `${r.opcode >= 0x100 ? "0f " : ""}${hex}${r.ext !== undefined ? "/" + r.ext : ""} ${r.text}`;
}
