// Instruction vectors from real hardware (test/fixtures/vectors/, format in its README.md):
// every case of every form runs as one instruction, once in 32-bit protected-mode code and
// once in 16-bit real-mode code (the 0x66/0x67 prefixes toggled and [base+disp8] operands
// rewritten to the equivalent 16-bit addressing), and must give the recorded registers,
// memory and EFLAGS. Flags the instruction table marks undefined for the row are masked,
// narrowed where the manuals define them for the actual count (shifts, SHLD/SHRD).
import { describe, it, expect, beforeAll } from "vitest";
import { createNodeMachine } from "../host/node.js";
import type { Machine } from "../host/machine.js";
import * as S from "../core-as/state.js";
import { loadTable, flagMask } from "../tools/table.mjs";
import { loadVectorFiles, hexBytes, indexRows, decodeRow, rowHasModrm } from "../tools/vectors/rows.mjs";

type Row = Awaited<ReturnType<typeof loadTable>>[number];
interface Mem { reg: string; offset: number; regs: string[] }
interface Case { i: number[]; o?: number[]; x?: number; mi?: string; mo?: string }
interface Form { name: string; bytes: string; mem: Mem | null; a16?: boolean; cases: Case[] }

const REG_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
// the fixture register order (eax ecx edx ebx ebp esi edi) as register numbers
const IO_REGS = [0, 1, 2, 3, 5, 6, 7];
const F_ARITH = 0x8d5;

// ---- memory layout (linear addresses; paging off)
const CODE = 0x1000; // the instruction (CS base 0 / CS=0x0100 in real mode)
const GDT = 0x500;
const IDT = 0x600;
const HANDLERS = 0x3000; // exception vector v enters at HANDLERS + v*16
const BUF = 0x20100; // the 64-byte buffer
const GUARD = 0x100; // bytes checked for stray writes on each side of it
const DATA16_BASE = 0x20000; // DS=ES=SS=FS=GS base in real mode: the buffer is at offset 0x100
const STACK32 = 0x9000;
const STACK16 = 0xf000; // SS:SP, linear 0x2f000
const SENTINEL = 0xa5;

type Mode = 16 | 32;

function w32(m: Machine, a: number, v: number) { m.w32(a, v); }

function setSeg(m: Machine, s: number, sel: number, base: number, limit: number, attr: number) {
  w32(m, S.SEG_SEL + s * 4, sel);
  w32(m, S.SEG_BASE + s * 4, base);
  w32(m, S.SEG_LIMIT + s * 4, limit);
  w32(m, S.SEG_ATTR + s * 4, attr);
}

function writeBytes(m: Machine, lin: number, bytes: ArrayLike<number>) { m.u8.set(bytes, S.RAM + lin); }

/** Descriptor tables and the interrupt vector table, written once. */
function writeTables(m: Machine) {
  const dv = m.dv;
  const at = (lin: number) => S.RAM + lin;
  // GDT: null, 0x08 flat 32-bit code, 0x10 flat data
  dv.setUint32(at(GDT + 8), 0x0000ffff, true);
  dv.setUint32(at(GDT + 12), 0x00cf9b00, true);
  dv.setUint32(at(GDT + 16), 0x0000ffff, true);
  dv.setUint32(at(GDT + 20), 0x00cf9300, true);
  for (let v = 0; v < 32; v++) {
    const off = HANDLERS + v * 16;
    // IDT: 32-bit interrupt gates to 0x08:off
    dv.setUint32(at(IDT + v * 8), (0x08 << 16) | (off & 0xffff), true);
    dv.setUint32(at(IDT + v * 8 + 4), (off & 0xffff0000) | 0x8e00, true);
    // IVT: (HANDLERS >> 4):(v*16)
    dv.setUint16(at(v * 4), v * 16, true);
    dv.setUint16(at(v * 4 + 2), HANDLERS >> 4, true);
  }
  for (let i = 0; i < 32 * 16; i++) m.u8[at(HANDLERS + i)] = 0xf4;
}

function enterMode(m: Machine, mode: Mode) {
  if (mode === 32) {
    w32(m, S.CR0, 0x60000011);
    setSeg(m, 1, 0x08, 0, 0xffffffff, 0x409b);
    for (const s of [0, 2, 3, 4, 5]) setSeg(m, s, 0x10, 0, 0xffffffff, 0x4093);
    w32(m, S.GDTR_BASE, GDT);
    w32(m, S.GDTR_LIMIT, 23);
    w32(m, S.IDTR_BASE, IDT);
    w32(m, S.IDTR_LIMIT, 32 * 8 - 1);
  } else {
    w32(m, S.CR0, 0x60000010);
    setSeg(m, 1, CODE >> 4, CODE, 0xffff, 0x9b);
    for (const s of [0, 2, 3, 4, 5]) setSeg(m, s, DATA16_BASE >> 4, DATA16_BASE, 0xffff, 0x93);
    w32(m, S.IDTR_BASE, 0);
    w32(m, S.IDTR_LIMIT, 0x3ff);
  }
  w32(m, S.EFLAGS, 0x2);
  w32(m, S.LF_MASK, 0);
  m.core.state_changed();
  m.core.set_cpl_from_state(0);
  const want = mode === 32 ? S.MODE_PE | S.MODE_CODE32 | S.MODE_STACK32 : 0;
  // (MODE_FLAT is derived from the data segments, whatever they are)
  const got = m.r32(S.MODE) & ~S.MODE_FLAT;
  if (got !== want) throw new Error(`MODE is ${got} after entering ${mode}-bit code, expected ${want}`);
}

// ---- encodings

/**
 * The 16-bit-code equivalent of an encoding for 32-bit code: 0x66 toggled; a memory operand
 * [ebx]/[esi]/[edi]/[ebp+d8] (whose registers hold small buffer offsets) rewritten to
 * [bx]/[si]/[di]/[bp+d8]; 0x67 dropped where the form already used 16-bit addressing, and
 * added where the addressing has no 16-bit equivalent or the registers are not small (lea).
 */
function encode16(form: Form, bytes: Uint8Array, row: Row, prefixes: number[], opIndex: number): Uint8Array {
  const rest = [...bytes.slice(prefixes.length)];
  const others = prefixes.filter((p) => p !== 0x66 && p !== 0x67);
  const out: number[] = [];
  if (!prefixes.includes(0x66)) out.push(0x66);
  let add67 = false;
  if (!prefixes.includes(0x67) && rowHasModrm(row)) {
    const mi = opIndex + 1 - prefixes.length;
    const modrm = rest[mi];
    const mod = modrm >> 6;
    const rm = modrm & 7;
    if (mod !== 3) {
      const map: Record<number, number> = mod === 0 ? { 3: 7, 6: 4, 7: 5 } : mod === 1 ? { 3: 7, 6: 4, 7: 5, 5: 6 } : {};
      if (form.mem && form.a16 !== false && map[rm] !== undefined) rest[mi] = (modrm & 0xf8) | map[rm];
      else add67 = true;
    }
  }
  if (add67) out.push(0x67);
  return new Uint8Array([...out, ...others, ...rest]);
}

// ---- undefined-flag masks

const GRP2 = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];

interface Prepared {
  form: Form;
  row: Row;
  code32: Uint8Array;
  code16: Uint8Array;
  opIndex: number; // offset of the (last) opcode byte in code32
  opSize: number; // 8/16/32 as executed in 32-bit code
  countOf?: (c: Case) => number; // shift count source, if any
  baseMask: number;
  memRegs: Set<number>;
}

function operandSize(row: Row, prefixes: number[]): number {
  for (const o of row.operands) {
    if (o === "AL") return 8;
    if (/^[A-Z][b]$/.test(o)) return 8;
    if (/^[A-Z][vzw]$/.test(o) || o === "eAX") return prefixes.includes(0x66) ? 16 : 32;
  }
  return prefixes.includes(0x66) ? 16 : 32;
}

/**
 * The flags to ignore for one case, and whether the destination is undefined: the table's
 * undefined set, narrowed by count for shifts (SDM vol.2: count 0 changes no flags; OF is
 * defined for 1-bit shifts; SHL/SHR leave CF undefined for counts >= the operand size;
 * SHLD/SHRD leave everything undefined for counts > the operand size).
 */
function caseMask(p: Prepared, c: Case): { mask: number; destUndefined: boolean } {
  const { row } = p;
  if (!p.countOf) return { mask: p.baseMask, destUndefined: false };
  const n = p.countOf(c) & 31;
  if (n === 0) return { mask: 0, destUndefined: false };
  if (row.name === "shld" || row.name === "shrd") {
    if (n > p.opSize) return { mask: F_ARITH, destUndefined: true };
    return { mask: flagMask("a") | (n !== 1 ? flagMask("o") : 0), destUndefined: false };
  }
  const rotate = GRP2.indexOf(row.name) < 4;
  let mask = rotate ? 0 : flagMask("a");
  if (n !== 1) mask |= flagMask("o");
  if ((row.name === "shl" || row.name === "shr" || row.name === "sal") && n >= p.opSize) mask |= flagMask("c");
  return { mask, destUndefined: false };
}

function prepare(form: Form, index: ReturnType<typeof indexRows>): Prepared {
  const bytes = hexBytes(form.bytes);
  const d = decodeRow(index, bytes);
  if (!d.row) throw new Error(`${form.name}: no table row for ${form.bytes}`);
  const row = d.row as Row;
  const opSize = operandSize(row, d.prefixes);
  let countOf: Prepared["countOf"];
  if (row.file === "shift.mjs") {
    const last = bytes[bytes.length - 1];
    if (row.operands.includes("1")) countOf = () => 1;
    else if (row.operands.includes("CL")) countOf = (c) => c.i[1] & 0xff;
    else countOf = () => last;
  }
  const memRegs = new Set((form.mem?.regs ?? []).map((r) => REG_NAMES.indexOf(r)));
  return {
    form, row, opSize, countOf, memRegs, opIndex: d.opIndex,
    code32: bytes,
    code16: encode16(form, bytes, row, d.prefixes, d.opIndex),
    baseMask: flagMask(row.undefinedFlags),
  };
}

// ---- running

const hex8 = (v: number) => (v >>> 0).toString(16).padStart(8, "0");

interface Failure { form: string; mode: Mode; text: string }

class Runner {
  /** exceptions seen delivered through the IDT/IVT */
  delivered = 0;
  private dirty = true;
  private mode: Mode = 32;
  constructor(readonly m: Machine) {}

  select(mode: Mode) {
    if (this.mode !== mode) this.dirty = true;
    this.mode = mode;
  }

  /** Run one case; returns a description of the mismatch, or null. */
  run(p: Prepared, c: Case): string | null {
    const m = this.m;
    const mode = this.mode;
    if (this.dirty) { enterMode(m, mode); this.dirty = false; }
    const code = mode === 32 ? p.code32 : p.code16;
    const regBase = mode === 32 ? BUF : BUF - DATA16_BASE;
    const eip0 = mode === 32 ? CODE : 0;
    const esp0 = mode === 32 ? STACK32 : STACK16;
    writeBytes(m, CODE, code);
    m.u8[S.RAM + CODE + code.length] = 0xf4;
    const mi = c.mi ? hexBytes(c.mi) : null;
    m.u8.fill(SENTINEL, S.RAM + BUF - GUARD, S.RAM + BUF + 64 + GUARD);
    if (mi) writeBytes(m, BUF, mi);
    for (let k = 0; k < 7; k++) {
      const r = IO_REGS[k];
      m.setReg(r, p.memRegs.has(r) ? (c.i[k] + regBase) >>> 0 : c.i[k]);
    }
    m.setReg(4, esp0);
    w32(m, S.EFLAGS, c.i[7]);
    w32(m, S.LF_MASK, 0);
    w32(m, S.EIP, eip0);
    w32(m, S.EXC_VECTOR, 0xffffffff);
    w32(m, S.HALTED, 0);
    w32(m, S.INHIBIT, 0);

    const triple = m.step();
    const problems: string[] = [];
    const regOut = (r: number) => {
      const v = m.reg(r);
      return p.memRegs.has(r) ? (v - regBase) >>> 0 : v;
    };
    const flags = m.core.eflags() >>> 0;
    const vec = m.r32(S.EXC_VECTOR);
    const eip = m.r32(S.EIP);
    if (triple) problems.push("triple fault");

    if (c.x !== undefined) {
      this.dirty = true; // delivery changed CS, EFLAGS, the stack
      if (vec !== c.x) problems.push(`expected exception ${c.x}, got ${vec === 0xffffffff ? "none" : vec}`);
      const handler = mode === 32 ? HANDLERS + c.x * 16 : c.x * 16;
      if (eip === handler) {
        this.delivered++;
        // delivered: the return address pushed must be the faulting instruction
        const sp = m.reg(4);
        const lin = mode === 32 ? sp : DATA16_BASE + (sp & 0xffff);
        const ret = mode === 32 ? m.dv.getUint32(S.RAM + lin, true) : m.dv.getUint16(S.RAM + lin, true);
        if (ret !== eip0) problems.push(`pushed return address ${hex8(ret)}, expected ${hex8(eip0)}`);
      } else {
        problems.push(`EIP ${hex8(eip)}: the exception did not reach its handler at ${hex8(handler)}`);
      }
      for (let k = 0; k < 7; k++) {
        const r = IO_REGS[k];
        if (regOut(r) !== c.i[k] >>> 0) problems.push(`${REG_NAMES[r]} ${hex8(regOut(r))} changed (was ${hex8(c.i[k])})`);
      }
      if (((flags ^ c.i[7]) & F_ARITH) !== 0) problems.push(`flags ${hex8(flags)} changed (was ${hex8(c.i[7])})`);
      if (mi) {
        for (let b = 0; b < 64; b++) if (m.u8[S.RAM + BUF + b] !== mi[b]) { problems.push(`memory changed at +${b}`); break; }
      }
    } else {
      const o = c.o!;
      const { mask, destUndefined } = caseMask(p, c);
      if (vec !== 0xffffffff) { problems.push(`unexpected exception ${vec}`); this.dirty = true; }
      if (eip !== eip0 + code.length) problems.push(`EIP ${hex8(eip)}, expected ${hex8(eip0 + code.length)}`);
      if (m.reg(4) !== esp0) problems.push(`ESP ${hex8(m.reg(4))} changed`);
      // an undefined destination (SHLD/SHRD count > 16): the low word of the r/m register or
      // the word at the memory operand is not compared
      let skipReg = -1;
      let skipMem = -1;
      if (destUndefined) {
        // (the 32-bit encoding: [base] or [base+disp8] with the base holding a buffer offset)
        const at = p.opIndex + 1;
        const modrm = p.code32[at];
        if (modrm >> 6 === 3) skipReg = modrm & 7;
        else {
          const disp = modrm >> 6 === 1 ? (p.code32[at + 1] << 24) >> 24 : 0;
          skipMem = c.i[IO_REGS.indexOf(modrm & 7)] + disp;
        }
      }
      for (let k = 0; k < 7; k++) {
        const r = IO_REGS[k];
        let a = regOut(r);
        let e = o[k] >>> 0;
        if (r === skipReg) { a = (a & 0xffff0000) >>> 0; e = (e & 0xffff0000) >>> 0; }
        if (a !== e) problems.push(`${REG_NAMES[r]} ${hex8(a)}, expected ${hex8(e)}`);
      }
      const diff = (flags ^ o[7]) & ~mask;
      if (diff !== 0) problems.push(`EFLAGS ${hex8(flags)}, expected ${hex8(o[7])} (differ ${hex8(diff)}, ignoring ${hex8(mask)})`);
      if (c.mo) {
        const mo = hexBytes(c.mo);
        for (let b = 0; b < 64; b++) {
          if (b === skipMem || b === skipMem + 1) continue;
          const a = m.u8[S.RAM + BUF + b];
          if (a !== mo[b]) {
            const got = Array.from(m.u8.subarray(S.RAM + BUF, S.RAM + BUF + 64), (x) => x.toString(16).padStart(2, "0")).join("");
            problems.push(`memory differs at +${b}: got ${got}, expected ${c.mo}`);
            break;
          }
        }
      }
    }
    for (let b = BUF - GUARD; b < BUF + 64 + GUARD; b++) {
      if (b === BUF) b += 64;
      if (m.u8[S.RAM + b] !== SENTINEL) { problems.push(`stray write at buffer${b < BUF ? "-" : "+"}${Math.abs(b - BUF)}`); break; }
    }
    if (!problems.length) return null;
    const inRegs = c.i.slice(0, 7).map((v, k) => `${REG_NAMES[IO_REGS[k]]}=${hex8(v)}`).join(" ");
    return `${problems.join("; ")}\n      bytes ${Buffer.from(code).toString("hex")}  in: ${inRegs} eflags=${hex8(c.i[7])}${c.mi ? " mem=" + c.mi : ""}` +
      (c.o ? `\n      expected: ${c.o.slice(0, 7).map((v, k) => `${REG_NAMES[IO_REGS[k]]}=${hex8(v)}`).join(" ")} eflags=${hex8(c.o[7])}` : `\n      expected: exception ${c.x}`);
  }
}

// ---- the suite

const files = loadVectorFiles();
let runner: Runner;
let index: ReturnType<typeof indexRows>;
const prepared = new Map<string, Prepared[]>();
const summary: string[] = [];

beforeAll(async () => {
  const rom = new Uint8Array(0x10000).fill(0xf4);
  const m = await createNodeMachine({ memMiB: 2, rom, deterministic: true, stopOnTripleFault: true });
  writeTables(m);
  runner = new Runner(m);
  index = indexRows(await loadTable());
  for (const f of files) prepared.set(f.group, (f.data.forms as Form[]).map((form) => prepare(form, index)));
});

const MAX_REPORTED = 25;

describe("instruction vectors", () => {
  for (const f of files) {
    for (const mode of [32, 16] as Mode[]) {
      it(`${f.group} (${mode}-bit code)`, () => {
        runner.select(mode);
        const failures: Failure[] = [];
        const perForm = new Map<string, number>();
        let cases = 0;
        runner.delivered = 0;
        for (const p of prepared.get(f.group)!) {
          for (const c of p.form.cases) {
            cases++;
            const err = runner.run(p, c);
            if (err) {
              failures.push({ form: p.form.name, mode, text: err });
              perForm.set(p.form.name, (perForm.get(p.form.name) ?? 0) + 1);
            }
          }
        }
        const line = `${f.group} ${mode}-bit: ${cases - failures.length}/${cases} cases pass` +
          (runner.delivered ? ` (${runner.delivered} exceptions delivered to the handler)` : "") +
          (perForm.size ? `; failing forms: ${[...perForm].map(([n, k]) => `${n} (${k})`).join(", ")}` : "");
        summary.push(line);
        if (process.env.VECTORS_SUMMARY) console.log(line);
        const shown = failures.slice(0, MAX_REPORTED).map((x) => `  ${x.form} [${x.mode}-bit]: ${x.text}`).join("\n");
        expect(failures.length, `${line}\n${shown}${failures.length > MAX_REPORTED ? `\n  ... and ${failures.length - MAX_REPORTED} more` : ""}`).toBe(0);
      });
    }
  }
});

// With TAB86_JIT=force (npm test runs this file a second time so), every case above ran as a
// compiled one-instruction block: check that it really did.
describe("instruction vectors under the JIT", () => {
  it.runIf(process.env.TAB86_JIT === "force")("ran compiled", () => {
    const s = runner.m.jitStats();
    expect(s.jit_compile_failures).toBe(0);
    expect(s.jit_share).toBeGreaterThan(0.95);
  });
});
