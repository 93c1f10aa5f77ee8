// The x87's system side that the hardware vectors (x87.test.ts) cannot record: the reset
// state, #NM from CR0.EM/TS, pending unmasked exceptions reported at the next waiting
// instruction (#MF with CR0.NE=1; with NE=0 FERR#: the instruction waits, IRQ 13, port 0xF0
// and IGNNE#), the environment image in its real-mode and 16-bit formats, and stores that
// fault leaving memory untouched. The test ROM tools/roms/x87.asm covers the same ground on
// real(istic) machines (QEMU, Bochs).
import { describe, it, expect, beforeAll } from "vitest";
import type { Machine } from "../host/machine.js";
import * as S from "../core-as/state.js";
import { bareMachine, flat32 } from "./helpers.js";

const EAX = 0, ESI = 6;
const CODE = 0x1000;
const CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_NE = 0x20;
const NONE = 0xffffffff;

let m: Machine;
beforeAll(async () => { m = await bareMachine(2); });

const poke = (lin: number, bytes: ArrayLike<number>) => m.u8.set(bytes, S.RAM + lin);
const peek16 = (lin: number) => m.dv.getUint16(S.RAM + lin, true);
const peek32 = (lin: number) => m.dv.getUint32(S.RAM + lin, true);

/** Real mode: CS=0x0100 (linear CODE), DS=ES=SS=`data`>>4; vector v enters at 0x0300:v*16. */
function realMode(data: number, cr0bits = CR0_NE) {
  m.w32(S.CR0, 0x60000010 | cr0bits);
  for (const s of [0, 2, 3, 4, 5]) {
    m.w32(S.SEG_SEL + s * 4, data >>> 4);
    m.w32(S.SEG_BASE + s * 4, data);
    m.w32(S.SEG_LIMIT + s * 4, 0xffff);
    m.w32(S.SEG_ATTR + s * 4, 0x93);
  }
  m.w32(S.SEG_SEL + 4, CODE >> 4);
  m.w32(S.SEG_BASE + 4, CODE);
  m.w32(S.SEG_LIMIT + 4, 0xffff);
  m.w32(S.SEG_ATTR + 4, 0x9b);
  m.w32(S.IDTR_BASE, 0);
  m.w32(S.IDTR_LIMIT, 0x3ff);
  for (let v = 0; v < 32; v++) {
    m.dv.setUint16(S.RAM + v * 4, v * 16, true);
    m.dv.setUint16(S.RAM + v * 4 + 2, 0x300, true);
  }
  m.core.state_changed();
  m.core.set_cpl_from_state(0);
}

/** Place code at CS:0, clear the exception mark; returns nothing. */
function load(code: number[], regs: Record<number, number> = {}) {
  poke(CODE, [...code, 0xf4]);
  for (let r = 0; r < 8; r++) m.setReg(r, regs[r] ?? 0);
  m.setReg(4, 0x8000);
  m.w32(S.EFLAGS, 0x2);
  m.w32(S.LF_MASK, 0);
  m.w32(S.EIP, 0);
  m.w32(S.EXC_VECTOR, NONE);
  m.w32(S.HALTED, 0);
}
/** Run `n` instructions (stops early at an exception). */
function run(n: number) {
  for (let i = 0; i < n; i++) {
    m.step();
    if (m.r32(S.EXC_VECTOR) !== NONE) return;
  }
}
const sw = () => (m.r32(S.FPU_SW) | (m.r32(S.FPU_TOP) << 11)) & 0xffff;

// fninit; fldcw [0x100] (ZE unmasked); fld1; fldz; fdivp: a zero divide left pending
const PENDING_ZE = [0xdb, 0xe3, 0xd9, 0x2e, 0x00, 0x01, 0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9];
function setPendingZE(data: number) {
  m.dv.setUint16(S.RAM + data + 0x100, 0x037b, true);
  load(PENDING_ZE);
  run(5);
  expect(m.r32(S.EXC_VECTOR)).toBe(NONE);
  expect(sw() & 0x8084).toBe(0x8084); // B ES ZE
}

describe("x87 reset state", () => {
  it("is CW 0040, SW 0, all tags valid (the registers hold +0: tag word 5555), pointers 0", async () => {
    const fresh = await bareMachine(2);
    expect(fresh.r32(S.FPU_CW)).toBe(0x40);
    expect(fresh.r32(S.FPU_SW)).toBe(0);
    expect(fresh.r32(S.FPU_TOP)).toBe(0);
    expect(fresh.r32(S.FPU_FULL)).toBe(0xff);
    for (let i = 0; i < 8; i++) {
      expect(fresh.dv.getBigUint64(S.FPU_REGS + i * 16, true)).toBe(0n);
      expect(fresh.dv.getUint16(S.FPU_REGS + i * 16 + 8, true)).toBe(0);
    }
    expect(fresh.r32(S.FPU_FIP)).toBe(0);
    expect(fresh.r32(S.FPU_FDP)).toBe(0);
  });
  it("CPUID.1:EDX reports the FPU", () => {
    realMode(0x40000);
    load([0x66, 0x0f, 0xa2], { [EAX]: 1 }); // cpuid (0F A2; the 66 is harmless)
    run(1);
    expect(m.reg(2) & 1).toBe(1);
  });
});

describe("#NM (SDM vol.3 table 2-2)", () => {
  it("an escape raises #NM with CR0.EM or CR0.TS, reserved encodings included", () => {
    for (const bits of [CR0_EM, CR0_TS, CR0_EM | CR0_MP]) {
      for (const code of [[0xdb, 0xe3], [0xd9, 0xd1], [0xd9, 0x06, 0x00, 0x00]]) {
        realMode(0x40000, bits);
        load(code);
        run(1);
        expect(m.r32(S.EXC_VECTOR), `CR0 bits ${bits} ${code}`).toBe(7);
        expect(m.r32(S.EIP)).toBe(7 * 16);
      }
    }
  });
  it("a reserved encoding (D9 D1) is #UD without EM/TS", () => {
    realMode(0x40000);
    load([0xd9, 0xd1]);
    run(1);
    expect(m.r32(S.EXC_VECTOR)).toBe(6);
  });
  it("FWAIT raises #NM only with TS and MP both set", () => {
    for (const [bits, nm] of [[0, false], [CR0_TS, false], [CR0_MP, false], [CR0_EM, false], [CR0_TS | CR0_MP, true]] as const) {
      realMode(0x40000, bits);
      m.w32(S.FPU_SW, 0); // nothing pending
      load([0x9b]);
      run(1);
      expect(m.r32(S.EXC_VECTOR), `CR0 bits ${bits}`).toBe(nm ? 7 : NONE);
      expect(m.r32(S.EIP)).toBe(nm ? 7 * 16 : 1);
    }
  });
});

describe("pending unmasked exceptions (SDM vol.1 §8.7)", () => {
  it("with CR0.NE=1: #MF at the next waiting instruction, with the state kept", () => {
    for (const waiting of [[0x9b], [0xd9, 0xe8], [0xd9, 0x2e, 0x00, 0x01], [0xdd, 0x26, 0x00, 0x02]]) {
      realMode(0x40000);
      setPendingZE(0x40000);
      const before = sw();
      load(waiting);
      run(1);
      expect(m.r32(S.EXC_VECTOR), `${waiting}`).toBe(16);
      expect(m.r32(S.EIP)).toBe(16 * 16);
      expect(sw()).toBe(before);
    }
  });
  it("the non-waiting instructions (FNSTSW, FNSTCW, FNSTENV, FNSAVE, FNCLEX, FNINIT) run", () => {
    const cases: [number[], (d: number) => void][] = [
      [[0xdf, 0xe0], () => expect(m.reg(EAX) & 0xffff).toBe(sw())], // fnstsw ax
      [[0xd9, 0x3e, 0x00, 0x03], (d) => expect(peek16(d + 0x300)).toBe(0x037b)], // fnstcw
      [[0xd9, 0x36, 0x00, 0x03], (d) => expect(peek16(d + 0x302) & 0x8084).toBe(0x8084)], // fnstenv
      [[0xdd, 0x36, 0x00, 0x03], () => expect(sw()).toBe(0)], // fnsave (then init)
      [[0xdb, 0xe2], () => expect(sw() & 0x80ff).toBe(0)], // fnclex
      [[0xdb, 0xe3], () => expect(m.r32(S.FPU_CW)).toBe(0x37f)], // fninit
    ];
    for (const [code, check] of cases) {
      realMode(0x40000);
      setPendingZE(0x40000);
      load(code);
      run(1);
      expect(m.r32(S.EXC_VECTOR), `${code}`).toBe(NONE);
      expect(m.r32(S.EIP)).toBe(code.length);
      check(0x40000);
    }
  });
  it("with CR0.NE=0 the instruction waits on FERR# (IRQ 13) until port 0xF0 says ignore it", () => {
    realMode(0x40000, 0);
    setPendingZE(0x40000);
    load([0x9b, 0x90]); // fwait; nop
    run(1);
    expect(m.r32(S.EXC_VECTOR)).toBe(NONE);
    expect(m.r32(S.EIP)).toBe(0); // frozen: it starts again
    expect(m.r32(S.FPU_FERR)).toBe(1);
    run(3);
    expect(m.r32(S.EIP)).toBe(0); // still waiting (no interrupt handler runs here)
    m.core.port_out(0xf0, 1, 0); // the error latch cleared: IGNNE#
    expect(m.r32(S.FPU_IGNNE)).toBe(1);
    run(1);
    expect(m.r32(S.EIP)).toBe(1); // fwait went on, the error still recorded
    expect(sw() & 0x8084).toBe(0x8084);
    // FNCLEX clears the error: FERR# and IGNNE# go away
    load([0xdb, 0xe2]);
    run(1);
    expect(m.r32(S.FPU_FERR)).toBe(0);
    expect(m.r32(S.FPU_IGNNE)).toBe(0);
  });
  it("with CR0.NE=0, clearing the exception (FNCLEX in the IRQ 13 handler) lets the instruction run", () => {
    realMode(0x40000, 0);
    setPendingZE(0x40000);
    load([0x9b]);
    run(1);
    expect(m.r32(S.EIP)).toBe(0);
    m.w32(S.FPU_SW, m.r32(S.FPU_SW) & ~0x80ff); // what the handler's FNCLEX does
    run(1);
    expect(m.r32(S.EIP)).toBe(1);
  });
});

describe("environment and state images (SDM vol.1 figures 8-9 to 8-12)", () => {
  it("real mode stores linear 20/32-bit pointers beside the opcode, and FLDENV reads them back", () => {
    realMode(0x40000);
    m.dv.setUint32(S.RAM + 0x40200, 0x3f800000, true);
    // fninit; fld dword [0x200]; fnstenv [0x300] (16-bit); o32 fnstenv [0x340]
    load([0xdb, 0xe3, 0xd9, 0x06, 0x00, 0x02, 0xd9, 0x36, 0x00, 0x03, 0x66, 0xd9, 0x36, 0x40, 0x03]);
    run(4);
    expect(m.r32(S.EXC_VECTOR)).toBe(NONE);
    const ip = CODE + 2, dp = 0x40200; // linear
    expect(peek16(0x40300 + 6)).toBe(ip & 0xffff);
    expect(peek16(0x40300 + 8)).toBe(((ip >> 4) & 0xf000) | 0x106); // FLD m32 = D9 06
    expect(peek16(0x40300 + 10)).toBe(dp & 0xffff);
    expect(peek16(0x40300 + 12)).toBe((dp >> 4) & 0xf000);
    expect(peek16(0x40340 + 12)).toBe(ip & 0xffff);
    expect(peek32(0x40340 + 16)).toBe(((ip >> 4) & 0x0ffff000) | 0x106);
    expect(peek16(0x40340 + 20)).toBe(dp & 0xffff);
    expect(peek32(0x40340 + 24)).toBe((dp >> 4) & 0x0ffff000);
    // FLDENV of the 32-bit real-mode image: the linear pointers, with selectors 0
    load([0xdb, 0xe3, 0x66, 0xd9, 0x26, 0x40, 0x03]);
    run(2);
    expect(m.r32(S.FPU_FIP)).toBe(ip);
    expect(m.r32(S.FPU_FOP)).toBe(0x106);
    expect(m.r32(S.FPU_FDP)).toBe(dp);
    expect(m.r32(S.FPU_FCS)).toBe(0);
  });
  it("16-bit protected mode: offsets and selectors, 14 bytes; FRSTOR reads the registers back", () => {
    flat32(m);
    m.w32(S.SEG_SEL + 4, 0x08);
    m.w32(S.SEG_SEL + 12, 0x10);
    m.dv.setUint32(S.RAM + 0x20200, 0x40490fdb, true); // pi as a single
    // fninit; fld dword [esi+0x200]; o16 fnsave [esi+0x300]
    load([0xdb, 0xe3, 0xd9, 0x86, 0x00, 0x02, 0x00, 0x00, 0x66, 0xdd, 0xb6, 0x00, 0x03, 0x00, 0x00], { [ESI]: 0x20000 });
    m.w32(S.EIP, CODE);
    run(3);
    expect(m.r32(S.EXC_VECTOR)).toBe(NONE);
    expect(peek16(0x20300 + 0)).toBe(0x037f);
    expect(peek16(0x20300 + 2)).toBe(0x3800);
    expect(peek16(0x20300 + 4)).toBe(0x3fff);
    expect(peek16(0x20300 + 6)).toBe((CODE + 2) & 0xffff);
    expect(peek16(0x20300 + 8)).toBe(0x08);
    expect(peek16(0x20300 + 10)).toBe(0x0200);
    expect(peek16(0x20300 + 12)).toBe(0x10);
    // ST0 at +14: pi rounded to a single, widened
    expect(peek32(0x20300 + 18)).toBe(0xc90fdb00);
    expect(peek16(0x20300 + 22)).toBe(0x4000);
    expect(sw()).toBe(0); // FNSAVE reinitialized
    // o16 frstor [esi+0x300]
    load([0x66, 0xdd, 0xa6, 0x00, 0x03, 0x00, 0x00], { [ESI]: 0x20000 });
    m.w32(S.EIP, CODE);
    run(1);
    expect(sw()).toBe(0x3800);
    expect(m.r32(S.FPU_FULL)).toBe(0x80);
    expect(m.dv.getUint16(S.FPU_REGS + 7 * 16 + 8, true)).toBe(0x4000);
  });
  it("a store that faults part way writes nothing", () => {
    realMode(0x40000);
    // fninit; fldpi; fnsave [0xffc0]: 94 bytes cross the 64 KiB limit -> #GP, nothing written
    m.u8.fill(0x5a, S.RAM + 0x40000 + 0xffc0, S.RAM + 0x40000 + 0x10000);
    load([0xdb, 0xe3, 0xd9, 0xeb, 0xdd, 0x36, 0xc0, 0xff]);
    run(3);
    expect(m.r32(S.EXC_VECTOR)).toBe(13);
    for (let i = 0xffc0; i < 0x10000; i++) expect(m.u8[S.RAM + 0x40000 + i]).toBe(0x5a);
    expect(sw()).toBe(0x3800); // and the state is as it was
  });
});
