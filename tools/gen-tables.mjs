// Generates core-as/cpu/gen/ from the instruction table in core-as/cpu/table/:
//   decode_info.ts  one byte per opcode (512: one-byte map, then 0F map): ModRM, immediate kind
//   dispatch.ts     the interpreter dispatch: a switch over the opcode calling one wrapper per
//                   opcode, which checks LOCK/ModRM constraints and calls the table's handler
// Handlers are found by name among the exports of core-as/cpu/ops/*.ts; a table row whose
// handler does not exist is a build error, so the table and the code cannot drift apart.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTable } from "./table.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const opsDir = join(root, "core-as/cpu/ops");
const genDir = join(root, "core-as/cpu/gen");

const IMM = { NONE: 0, B: 1, W: 2, Z: 3, AP: 4, ENTER: 5, MOFFS: 6, GRP3B: 7, GRP3Z: 8 };
const DI_MODRM = 1;
const DI_MODRM_REG = 2; // ModRM whose mod field is ignored (always a register): mov CRn/DRn
const DI_PREFIX = 4; // a prefix byte (SDM vol.2 §2.1.1)
const PREFIX_BYTES = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3];

const rows = await loadTable();
const byOpcode = new Map();
for (const r of rows) {
  if (!byOpcode.has(r.opcode)) byOpcode.set(r.opcode, []);
  byOpcode.get(r.opcode).push(r);
}

function immKind(r) {
  const ops = r.operands;
  const j = ops.join(",");
  if (j === "Iw,Ib") return IMM.ENTER;
  for (const o of ops) {
    if (o === "Ib" || o === "Jb") return IMM.B;
    if (o === "Iw") return IMM.W;
    if (o === "Iz" || o === "Iv" || o === "Jz") return IMM.Z;
    if (o === "Ap") return IMM.AP;
    if (o === "Ob" || o === "Ov") return IMM.MOFFS;
  }
  return IMM.NONE;
}
const hasModrm = (r) => r.ext !== undefined || r.modrm !== undefined || r.operands.some((o) => /^[EGMRSCD][a-z]*$/.test(o) && o !== "DX" && o !== "CL");

const info = new Array(512).fill(0);
for (const [opc, list] of byOpcode) {
  let modrm = list.some(hasModrm);
  let regOnly = list.some((r) => r.operands.some((o) => /^R[a-z]/.test(o)));
  let kinds = new Set(list.map(immKind));
  let kind;
  if (opc === 0xf6) kind = IMM.GRP3B;
  else if (opc === 0xf7) kind = IMM.GRP3Z;
  else {
    if (kinds.size > 1) throw new Error(`opcode ${opc.toString(16)}: group members disagree on the immediate`);
    kind = [...kinds][0];
  }
  info[opc] = (modrm ? DI_MODRM : 0) | (regOnly ? DI_MODRM_REG : 0) | (kind << 4);
}

for (const p of PREFIX_BYTES) info[p] |= DI_PREFIX;

// ---- handlers available
const exportsByFile = new Map();
for (const f of readdirSync(opsDir).filter((f) => f.endsWith(".ts")).sort()) {
  const src = readFileSync(join(opsDir, f), "utf8");
  const names = [...src.matchAll(/export\s+(?:function|const|let)\s+([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
  exportsByFile.set(f.replace(/\.ts$/, ""), new Set(names));
}
const fileOf = new Map();
for (const [file, names] of exportsByFile) for (const n of names) fileOf.set(n, file);

function sizeOf(r) {
  for (const o of r.operands) {
    if (o === "AL" || o === "CL") return "b";
    if (o === "eAX") return "v";
    const m = /^[A-Z]([bwdvz])$/.exec(o);
    if (m) return m[1];
  }
  return r.size;
}
const SIZES = { b: ["8"], w: ["16"], d: ["32"], v: ["16", "32"], z: ["16", "32"] };

const used = new Set(["ud"]);
const missing = [];
function callsFor(r) {
  const names = [...r.call.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => m[1]);
  for (const n of names) {
    if (["u32", "i32", "i8", "i16"].includes(n)) continue;
    if (["reg8", "reg16", "ud"].includes(n)) continue;
    if (!fileOf.has(n)) missing.push(`${r.text}: handler ${n}() is not exported by any core-as/cpu/ops/*.ts`);
    else used.add(n);
  }
  const sz = sizeOf(r);
  if (!r.call.includes("S")) return { plain: r.call };
  if (!/\bS\b/.test(r.call)) return { plain: r.call };
  if (!sz) throw new Error(`${r.text}: handler uses S but the row has no operand size`);
  const variants = SIZES[sz];
  if (variants.length === 1) return { plain: r.call.replace(/\bS\b/g, variants[0]) };
  return { v16: r.call.replace(/\bS\b/g, "16"), v32: r.call.replace(/\bS\b/g, "32") };
}

function body(r, indent) {
  const lines = [];
  const memOnly = r.modrm === undefined && r.operands.some((o) => /^M[a-z]*$/.test(o));
  if (memOnly) lines.push(`if (MOD == 3) { ud(); return; }`);
  if (r.lock) lines.push(`if (LOCK && MOD == 3) { ud(); return; }`);
  else lines.push(`if (LOCK) { ud(); return; }`);
  const c = callsFor(r);
  if (c.plain !== undefined) lines.push(`${c.plain};`);
  else lines.push(`if (O32) ${c.v32}; else ${c.v16};`);
  return lines.map((l) => indent + l).join("\n");
}

let fns = [];
let cases = [];
for (let opc = 0; opc < 512; opc++) {
  const list = byOpcode.get(opc);
  if (!list) continue;
  const name = `h_${opc.toString(16).padStart(3, "0")}`;
  const comment = [...new Set(list.map((r) => r.text))].join("; ");
  let src = `// ${comment}\nfunction ${name}(): void {\n`;
  // the call for encodings no row defines (options.invalid, e.g. the x87's #NM-before-#UD)
  const invalids = new Set(list.map((r) => r.invalid).filter(Boolean));
  if (invalids.size > 1) throw new Error(`opcode ${opc.toString(16)}: rows disagree on options.invalid`);
  let invalid = "ud()";
  if (invalids.size) {
    invalid = [...invalids][0];
    callsFor({ ...list[0], call: invalid });
  }
  const regRows = list.filter((r) => r.modrm !== undefined);
  const grpRows = list.filter((r) => r.modrm === undefined);
  if (list.length === 1 && list[0].ext === undefined) {
    src += body(list[0], "  ") + "\n";
  } else {
    if (regRows.length) {
      // register forms: a switch over the whole ModRM byte (reg << 3 | rm)
      src += `  if (MOD == 3) {\n    switch ((REG << 3) | RM) {\n`;
      for (const r of regRows.sort((a, b) => a.modrm - b.modrm)) {
        src += `      case 0x${(r.modrm & 0x3f).toString(16)}: {\n${body(r, "        ")}\n        return;\n      }\n`;
      }
      src += `      default: ${invalid};\n    }\n    return;\n  }\n`;
    }
    src += `  switch (REG) {\n`;
    for (const r of grpRows.sort((a, b) => a.ext - b.ext)) {
      if (r.ext === undefined) throw new Error(`opcode ${opc.toString(16)} mixes group and plain rows`);
      src += `    case ${r.ext}: {\n${body(r, "      ")}\n      return;\n    }\n`;
    }
    src += `    default: ${invalid};\n  }\n`;
  }
  src += `}\n`;
  fns.push(src);
  cases.push(`    case 0x${opc.toString(16)}: ${name}(); break;`);
}

missing.splice(0, missing.length, ...new Set(missing));
if (missing.length && !process.env.TAB86_ALLOW_MISSING) {
  console.error("gen-tables: the instruction table names handlers that do not exist:\n  " + missing.join("\n  "));
  process.exit(1);
}
if (missing.length) {
  console.warn(`gen-tables: ${missing.length} rows without handlers (TAB86_ALLOW_MISSING): they raise #UD`);
  // replace rows with missing handlers by ud()
}

const imports = new Map();
for (const n of used) {
  const f = fileOf.get(n);
  if (!f) continue;
  if (!imports.has(f)) imports.set(f, []);
  imports.get(f).push(n);
}
let out = `// GENERATED by tools/gen-tables.mjs from core-as/cpu/table/ — do not edit.\n`;
out += `import { OP, O32, REG, MOD, RM, LOCK, IMM } from "../decode";\n`;
out += `import { reg8, reg16 } from "../regs";\n`;
out += `import { ud } from "../fault";\n`;
for (const [f, names] of [...imports].sort()) out += `import { ${names.sort().join(", ")} } from "../ops/${f}";\n`;
out += `\n`;
let fnSrc = fns.join("\n");
if (missing.length) {
  for (const m of missing) {
    const n = /handler (\w+)\(\)/.exec(m)[1];
    fnSrc = fnSrc.replace(new RegExp(`\\b${n}\\(([^;]*)\\);`, "g"), "ud();");
  }
}
out += fnSrc;
out += `\nexport function dispatch(): void {\n  switch (OP) {\n${cases.join("\n")}\n    default: ud();\n  }\n}\n`;
// silence unused-import warnings for the decode globals
out += `\n// keep imports referenced\nexport function _gen_unused(): i32 { return <i32>O32 + <i32>IMM + REG + RM + <i32>reg8(0) + <i32>reg16(0); }\n`;

let di = `// GENERATED by tools/gen-tables.mjs from core-as/cpu/table/ — do not edit.\n`;
di += `export const DI_MODRM: u32 = ${DI_MODRM};\nexport const DI_MODRM_REG: u32 = ${DI_MODRM_REG};\nexport const DI_PREFIX: u32 = ${DI_PREFIX};\n`;
di += `export const DI_IMM_MASK: u32 = 0xf0;\nexport const DI_IMM_SHIFT: u32 = 4;\n`;
for (const [k, v] of Object.entries(IMM)) di += `export const IMM_${k}: u32 = ${v};\n`;
di += `// one byte per opcode: 0x000..0x0ff one-byte map, 0x100..0x1ff the 0F map\n`;
di += `export const DECODE_INFO: usize = memory.data<u8>([\n`;
for (let i = 0; i < 512; i += 16) di += "  " + info.slice(i, i + 16).join(", ") + ",\n";
di += `]);\n`;

mkdirSync(genDir, { recursive: true });
writeFileSync(join(genDir, "dispatch.ts"), out);
writeFileSync(join(genDir, "decode_info.ts"), di);
console.log(`gen-tables: ${rows.length} rows, ${byOpcode.size} opcodes`);
