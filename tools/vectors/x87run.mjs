// Replays the x87 hardware vectors (test/fixtures/vectors/x87*.json, format in the README
// there) on a tab86 machine: shared by test/x87.test.ts and `node tools/vectors/x87run.mjs`
// (a per-form report against the built core in dist/).
//
// Each case runs as one instruction in 32-bit flat protected mode, or in 16-bit real mode
// with the 0x66 prefix toggled and [edi] rewritten as [di] (forms marked mode16: false, whose
// memory image depends on the mode, only run in 32-bit code). The FPU state is written into
// the state block (state.ts FPU_*), the instruction stepped, and everything the hardware
// recorded compared: control, status and tag words, the eight registers, the memory operand,
// AX and EFLAGS where the form uses them, and the last instruction/data pointers and opcode.

export const FIP_IN = 0x11111110;
export const FDP_IN = 0x22222220;

// status-word condition codes an instruction leaves undefined (SDM vol.2, "FPU Flags
// Affected"): they are not compared
const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;

// The transcendental instructions: results within 1 ulp of the hardware's are accepted (and
// then C1, which says how the result was rounded, is not compared)
export const TRANSCENDENTAL = new Set(["fsin", "fcos", "fsincos", "fptan", "fpatan", "f2xm1", "fyl2x", "fyl2xp1"]);

const CODE = 0x1000;
const GDT = 0x500;
const IDT = 0x600;
const HANDLERS = 0x3000;
const BUF = 0x20100;
const DATA16_BASE = 0x20000;
const SENTINEL = 0xa5;
const GUARD = 0x80;

export function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
const h4 = (v) => (v >>> 0).toString(16).padStart(4, "0");
const h8 = (v) => (v >>> 0).toString(16).padStart(8, "0");

/** "sexp" + 16 hex digits of significand, or "0" */
function parseReg(s) {
  if (s === undefined || s === "0") return { se: 0, m: 0n };
  return { se: parseInt(s.slice(0, 4), 16), m: BigInt("0x" + s.slice(4)) };
}
const fmtReg = (r) => r.se === 0 && r.m === 0n ? "0" : r.se.toString(16).padStart(4, "0") + r.m.toString(16).padStart(16, "0");

function tagOf(se, m) {
  const e = se & 0x7fff;
  if (e === 0) return m === 0n ? 1 : 2;
  if (e === 0x7fff || (m >> 63n) === 0n) return 2;
  return 0;
}

/** the value of a register as a BigInt "ordinal" for ulp distance (finite values only) */
function ulpDistance(a, b) {
  if ((a.se & 0x8000) !== (b.se & 0x8000)) return a.m === 0n && b.m === 0n ? 0 : Infinity;
  const ea = a.se & 0x7fff, eb = b.se & 0x7fff;
  if (ea === 0x7fff || eb === 0x7fff) return a.se === b.se && a.m === b.m ? 0 : Infinity;
  // both normalized with the J bit (or denormal/zero): ordinal = exp * 2^63 + (m & (2^63-1)) when J set
  const ord = (e, m) => (m >> 63n) ? (BigInt(e) << 63n) + (m & 0x7fffffffffffffffn) : (e === 0 ? m : -1n);
  const oa = ord(ea, a.m), ob = ord(eb, b.m);
  if (oa < 0n || ob < 0n) return a.se === b.se && a.m === b.m ? 0 : Infinity;
  const d = oa > ob ? oa - ob : ob - oa;
  return Number(d);
}

/**
 * The condition codes the SDM leaves undefined after an instruction ("FPU Flags Affected" in
 * vol.2), by mnemonic: they are not compared. Everything else is defined (set, cleared, or
 * left as it was).
 */
const CC_DEFINED_ALL = /^f(u?comp{0,2}[235]?|icomp?|tst|xam|prem1?|ninit|ldenv|rstor|nsave)$/;
const CC_C0_C3_UNDEFINED = /^f(sin|cos|sincos|ptan)$/; // C1 and C2 defined
const CC_ALL_UNDEFINED = /^f(free|freep|nop|nclex|ldcw|nstcw|nstsw|nstenv|neni|ndisi|nsetpm)$/;
function undefinedCC(name) {
  const mn = name.split(" ")[0];
  if (CC_DEFINED_ALL.test(mn)) return 0;
  if (CC_C0_C3_UNDEFINED.test(mn)) return C0 | C3;
  if (CC_ALL_UNDEFINED.test(mn)) return C0 | C1 | C2 | C3;
  return C0 | C2 | C3; // arithmetic, loads, stores, moves, constants, fcomi/fucomi, fcmov: C1 only
}

export class X87Runner {
  constructor(m, S) {
    this.m = m;
    this.S = S;
    this.mode = 0;
    this.writeTables();
  }

  writeTables() {
    const { m, S } = this;
    const dv = m.dv;
    const at = (lin) => S.RAM + lin;
    dv.setUint32(at(GDT + 8), 0x0000ffff, true);
    dv.setUint32(at(GDT + 12), 0x00cf9b00, true);
    dv.setUint32(at(GDT + 16), 0x0000ffff, true);
    dv.setUint32(at(GDT + 20), 0x00cf9300, true);
    for (let v = 0; v < 32; v++) {
      const off = HANDLERS + v * 16;
      dv.setUint32(at(IDT + v * 8), (0x08 << 16) | (off & 0xffff), true);
      dv.setUint32(at(IDT + v * 8 + 4), (off & 0xffff0000) | 0x8e00, true);
      dv.setUint16(at(v * 4), v * 16, true);
      dv.setUint16(at(v * 4 + 2), HANDLERS >> 4, true);
    }
    for (let i = 0; i < 32 * 16; i++) m.u8[at(HANDLERS + i)] = 0xf4;
  }

  setSeg(s, sel, base, limit, attr) {
    const { m, S } = this;
    m.w32(S.SEG_SEL + s * 4, sel);
    m.w32(S.SEG_BASE + s * 4, base);
    m.w32(S.SEG_LIMIT + s * 4, limit);
    m.w32(S.SEG_ATTR + s * 4, attr);
  }

  enterMode(mode) {
    const { m, S } = this;
    if (mode === 32) {
      m.w32(S.CR0, 0x60000031); // PE, ET, NE
      this.setSeg(1, 0x08, 0, 0xffffffff, 0x409b);
      for (const s of [0, 2, 3, 4, 5]) this.setSeg(s, 0x10, 0, 0xffffffff, 0x4093);
      m.w32(S.GDTR_BASE, GDT);
      m.w32(S.GDTR_LIMIT, 23);
      m.w32(S.IDTR_BASE, IDT);
      m.w32(S.IDTR_LIMIT, 32 * 8 - 1);
    } else {
      m.w32(S.CR0, 0x60000030);
      this.setSeg(1, CODE >> 4, CODE, 0xffff, 0x9b);
      for (const s of [0, 2, 3, 4, 5]) this.setSeg(s, DATA16_BASE >> 4, DATA16_BASE, 0xffff, 0x93);
      m.w32(S.IDTR_BASE, 0);
      m.w32(S.IDTR_LIMIT, 0x3ff);
    }
    m.w32(S.EFLAGS, 0x2);
    m.w32(S.LF_MASK, 0);
    m.core.state_changed();
    m.core.set_cpl_from_state(0);
    this.mode = mode;
  }

  /** the instruction bytes for a mode: 16-bit code toggles 0x66 and uses [di] for [edi] */
  code(form, mode) {
    const b = hexBytes(form.bytes);
    if (mode === 32) return b;
    const out = [...b];
    if (form.msize && (out[1] >> 6) !== 3) {
      // ModRM mod 0 rm 7 ([edi]) -> rm 5 ([di])
      out[1] = (out[1] & 0xf8) | 5;
    }
    return new Uint8Array([0x66, ...out]);
  }

  /** Run one case; returns a list of problems (empty if it matches). */
  run(form, c, mode, transcendental = false) {
    const { m, S } = this;
    if (this.mode !== mode || this.dirty) { this.enterMode(mode); this.dirty = false; }
    const code = this.code(form, mode);
    const eip0 = mode === 32 ? CODE : 0;
    m.u8.set(code, S.RAM + CODE);
    m.u8[S.RAM + CODE + code.length] = 0xf4;
    m.u8.fill(SENTINEL, S.RAM + BUF - GUARD, S.RAM + BUF + 128 + GUARD);
    if (c.m) m.u8.set(hexBytes(c.m), S.RAM + BUF);
    for (let r = 0; r < 8; r++) m.setReg(r, 0x5a5a0000 + r);
    m.setReg(0, c.ax ?? 0x12345678);
    m.setReg(4, mode === 32 ? 0x9000 : 0xf000);
    m.setReg(7, mode === 32 ? BUF : BUF - DATA16_BASE);
    m.w32(S.EFLAGS, c.fl ?? 0x202);
    m.w32(S.LF_MASK, 0);
    m.w32(S.EIP, eip0);
    m.w32(S.EXC_VECTOR, 0xffffffff);
    m.w32(S.HALTED, 0);
    m.w32(S.INHIBIT, 0);
    // the FPU state
    const top = (c.sw >> 11) & 7;
    m.w32(S.FPU_CW, (c.cw & 0x1f3f) | 0x40); // as FRSTOR loads it
    m.w32(S.FPU_SW, c.sw & 0xc7ff);
    m.w32(S.FPU_TOP, top);
    let full = 0;
    for (let p = 0; p < 8; p++) if (((c.tw >> (2 * p)) & 3) !== 3) full |= 1 << p;
    m.w32(S.FPU_FULL, full);
    for (let i = 0; i < 8; i++) {
      const r = parseReg(c.st[i]);
      const a = S.FPU_REGS + ((top + i) & 7) * 16;
      m.dv.setBigUint64(a, r.m, true);
      m.dv.setUint16(a + 8, r.se, true);
    }
    m.w32(S.FPU_FIP, FIP_IN);
    m.w32(S.FPU_FCS, 0x23); // the generator's (user-mode) selectors
    m.w32(S.FPU_FOP, 0);
    m.w32(S.FPU_FDP, FDP_IN);
    m.w32(S.FPU_FDS, 0x2b);
    m.w32(S.FPU_FERR, 0);
    m.w32(S.FPU_IGNNE, 0);

    m.core.step();

    const o = c.o;
    const problems = [];
    const vec = m.r32(S.EXC_VECTOR);
    if (vec !== 0xffffffff) { problems.push(`exception ${vec}`); this.dirty = true; }
    if (m.r32(S.EIP) !== eip0 + code.length) problems.push(`EIP ${h8(m.r32(S.EIP))}`);
    const cw = m.r32(S.FPU_CW) & 0xffff;
    if (cw !== o.cw) problems.push(`CW ${h4(cw)}, expected ${h4(o.cw)}`);
    const otop = m.r32(S.FPU_TOP);
    const sw = (m.r32(S.FPU_SW) | (otop << 11)) & 0xffff;
    const regs = [];
    for (let i = 0; i < 8; i++) {
      const a = S.FPU_REGS + ((otop + i) & 7) * 16;
      regs.push({ se: m.dv.getUint16(a + 8, true), m: m.dv.getBigUint64(a, true) });
    }
    // registers
    let ulpOnly = true;
    let regBad = false;
    for (let i = 0; i < 8; i++) {
      const want = parseReg(o.st[i]);
      const got = regs[i];
      if (got.se === want.se && got.m === want.m) continue;
      if (transcendental && ulpDistance(got, want) <= 1) continue;
      ulpOnly = false;
      regBad = true;
      problems.push(`ST${i} ${fmtReg(got)}, expected ${fmtReg(want)}`);
    }
    let swMask = ~undefinedCC(form.name) & 0xffff;
    // C1 after a transcendental says on which side of the hardware's internal approximation the
    // result was rounded: not comparable with another evaluation (except for stack faults)
    if (transcendental && (o.sw & 0x40) === 0) swMask &= ~C1;
    if (((sw ^ o.sw) & swMask) !== 0) problems.push(`SW ${h4(sw)}, expected ${h4(o.sw)} (differ ${h4((sw ^ o.sw) & swMask)})`);
    // tag word from the contents
    const fullOut = m.r32(S.FPU_FULL);
    let tw = 0;
    for (let p = 0; p < 8; p++) {
      let t = 3;
      if ((fullOut >> p) & 1) {
        const a = S.FPU_REGS + p * 16;
        t = tagOf(m.dv.getUint16(a + 8, true), m.dv.getBigUint64(a, true));
      }
      tw |= t << (2 * p);
    }
    if (tw !== o.tw) problems.push(`TW ${h4(tw)}, expected ${h4(o.tw)}`);
    // memory
    if (form.msize) {
      const got = Buffer.from(m.u8.subarray(S.RAM + BUF, S.RAM + BUF + form.msize)).toString("hex");
      if (got !== o.m) problems.push(`memory ${got}, expected ${o.m}`);
    }
    for (let b = BUF - GUARD; b < BUF + 128 + GUARD; b++) {
      if (b === BUF) b += form.msize;
      if (m.u8[S.RAM + b] !== SENTINEL) { problems.push(`stray write at buffer${b < BUF ? "-" : "+"}${Math.abs(b - BUF)}`); break; }
    }
    if (o.ax !== undefined) {
      const ax = m.reg(0) >>> 0;
      if (ax !== o.ax >>> 0) problems.push(`EAX ${h8(ax)}, expected ${h8(o.ax)}`);
    } else if ((m.reg(0) >>> 0) !== ((c.ax ?? 0x12345678) >>> 0)) problems.push(`EAX changed`);
    const fl = m.core.eflags() >>> 0;
    const flWant = o.fl ?? (c.fl ?? 0x202);
    if (((fl ^ flWant) & 0x8d5) !== 0) problems.push(`EFLAGS ${h8(fl)}, expected ${h8(flWant)}`);
    // last instruction/data pointers and opcode
    let [ip, fop, dp] = o.ip;
    const fip = m.r32(S.FPU_FIP) >>> 0, gfop = m.r32(S.FPU_FOP) & 0x7ff, fdp = m.r32(S.FPU_FDP) >>> 0;
    const wantIp = ip === "insn" ? eip0 : ip >>> 0;
    const wantDp = dp === "mem" ? (mode === 32 ? BUF : BUF - DATA16_BASE) : dp >>> 0;
    // in 16-bit code the ModRM of a memory form was rewritten ([edi] -> [di])
    if (mode === 16 && fop !== 0 && form.msize && ((fop >> 6) & 3) !== 3) fop = (fop & ~7) | 5;
    if (fip !== wantIp || gfop !== fop || fdp !== wantDp) {
      problems.push(`FIP/FOP/FDP ${h8(fip)}/${gfop.toString(16)}/${h8(fdp)}, expected ${h8(wantIp)}/${fop.toString(16)}/${h8(wantDp)}`);
    }
    return problems;
  }

  describe(form, c, mode) {
    const st = (c.st || []).join(" ");
    return `${form.name} [${mode}-bit] cw=${h4(c.cw)} sw=${h4(c.sw)} tw=${h4(c.tw)} st=[${st}]${c.m ? " m=" + c.m : ""}${c.fl !== undefined ? " fl=" + h8(c.fl) : ""}`;
  }
}

// ---- standalone report: node tools/vectors/x87run.mjs [group] [form substring]
async function main() {
  const { createNodeMachine } = await import("../../dist/host/node.js");
  const S = await import("../../dist/core-as/state.js");
  const { loadVectorFiles } = await import("./rows.mjs");
  const [group, sub] = process.argv.slice(2);
  const rom = new Uint8Array(0x10000).fill(0xf4);
  const m = await createNodeMachine({ memMiB: 2, rom, deterministic: true, stopOnTripleFault: true });
  const runner = new X87Runner(m, S);
  let total = 0, bad = 0;
  for (const f of loadVectorFiles(undefined, true)) {
    if (group && f.group !== group) continue;
    for (const form of f.data.forms) {
      if (sub && !form.name.includes(sub)) continue;
      const trans = TRANSCENDENTAL.has(form.name.split(" ")[0]);
      let nbad = 0;
      const shown = [];
      for (const mode of form.mode16 === false ? [32] : [32, 16]) {
        for (const c of form.cases) {
          total++;
          const p = runner.run(form, c, mode, trans);
          if (p.length) {
            nbad++;
            bad++;
            if (shown.length < (sub ? 12 : 3)) shown.push(`    ${runner.describe(form, c, mode)}\n      expected sw=${h4(c.o.sw)} st=[${c.o.st.join(" ")}]${c.o.m ? " m=" + c.o.m : ""}\n      ${p.join("; ")}`);
          }
        }
      }
      if (nbad) console.log(`${f.group}: ${form.name}: ${nbad} failing\n${shown.join("\n")}`);
    }
  }
  console.log(`${total - bad}/${total} pass`);
}

import { pathToFileURL } from "node:url";
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
