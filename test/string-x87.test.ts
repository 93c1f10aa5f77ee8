// Behaviour of the string instructions that the hardware vectors do not reach: long REP runs
// (chunked, with the fast page paths), overlapping copies, address-size wrap, segment
// overrides, a fault in the middle of a REP, INS/OUTS. (The x87's system side, #NM from the
// escapes and WAIT included, is in x87-system.test.ts.)
import { describe, it, expect, beforeAll } from "vitest";
import type { Machine } from "../host/machine.js";
import * as S from "../core-as/state.js";
import { bareMachine, flat32, real16 } from "./helpers.js";

const EAX = 0, ECX = 1, EDX = 2, ESI = 6, EDI = 7;
const F_DF = 0x400;
const CODE = 0x1000;

let m: Machine;
beforeAll(async () => { m = await bareMachine(2); });

const ram = (lin: number, n: number) => m.u8.subarray(S.RAM + lin, S.RAM + lin + n);
const poke = (lin: number, bytes: ArrayLike<number>) => m.u8.set(bytes, S.RAM + lin);

/** Place code at linear CODE (EIP = CODE - CS base), set registers, clear the exception mark. */
function load(code: number[], eip: number, regs: Record<number, number>, eflags = 0x2) {
  poke(CODE, [...code, 0xf4]);
  for (let r = 0; r < 8; r++) m.setReg(r, regs[r] ?? 0);
  m.w32(S.EFLAGS, eflags);
  m.w32(S.LF_MASK, 0);
  m.w32(S.EIP, eip);
  m.w32(S.EXC_VECTOR, 0xffffffff);
}

/** Step until EIP leaves the instruction (REP chunks rewind it); returns the number of steps. */
function runInsn(start: number, max = 1000): number {
  for (let n = 1; n <= max; n++) {
    m.step();
    if (m.r32(S.EIP) !== start || m.r32(S.EXC_VECTOR) !== 0xffffffff) return n;
  }
  throw new Error("instruction did not finish");
}

// real mode with code at CS=0x0100 (linear CODE) and data segments at `data`; the IVT sends
// vector v to 0x0300:v*16
function realMode(data: number) {
  real16(m, data);
  m.w32(S.SEG_SEL + 4, CODE >> 4);
  m.w32(S.SEG_BASE + 4, CODE);
  m.w32(S.IDTR_BASE, 0);
  m.w32(S.IDTR_LIMIT, 0x3ff);
  for (let v = 0; v < 32; v++) {
    m.dv.setUint16(S.RAM + v * 4, v * 16, true);
    m.dv.setUint16(S.RAM + v * 4 + 2, 0x300, true);
  }
  m.core.state_changed();
}

describe("REP string instructions", () => {
  it("rep movsb copies 10000 bytes across pages in several chunks", () => {
    flat32(m);
    const src = 0x10003, dst = 0x30801, n = 10000;
    for (let i = 0; i < n; i++) m.u8[S.RAM + src + i] = (i * 7 + 3) & 0xff;
    load([0xf3, 0xa4], CODE, { [ESI]: src, [EDI]: dst, [ECX]: n });
    m.step();
    // after the first chunk the instruction is still current, with part of the count left
    expect(m.r32(S.EIP)).toBe(CODE);
    const left = m.reg(ECX);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(n);
    expect(m.reg(ESI)).toBe(src + n - left);
    const steps = runInsn(CODE) + 1;
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(m.r32(S.EIP)).toBe(CODE + 2);
    expect(m.reg(ECX)).toBe(0);
    expect(m.reg(ESI)).toBe(src + n);
    expect(m.reg(EDI)).toBe(dst + n);
    expect(Buffer.from(ram(dst, n)).equals(Buffer.from(ram(src, n)))).toBe(true);
  });

  it("rep movsb with the destination one byte above the source repeats the first byte", () => {
    flat32(m);
    const src = 0x10000;
    for (let i = 0; i < 300; i++) m.u8[S.RAM + src + i] = i & 0xff;
    m.u8[S.RAM + src] = 0x5a;
    load([0xf3, 0xa4], CODE, { [ESI]: src, [EDI]: src + 1, [ECX]: 200 });
    runInsn(CODE);
    expect([...ram(src, 201)].every((b) => b === 0x5a)).toBe(true);
    expect(m.u8[S.RAM + src + 201]).toBe(201);
  });

  it("rep movsd downwards (DF=1) with overlap copies element by element from the top", () => {
    flat32(m);
    const base = 0x10000;
    for (let i = 0; i < 64; i++) m.u8[S.RAM + base + i] = i;
    // move 8 dwords from base+16.. to base+20.. going down: the source is read before it is
    // overwritten, so the result is the source shifted up by 4 bytes
    load([0xf3, 0xa5], CODE, { [ESI]: base + 16 + 28, [EDI]: base + 20 + 28, [ECX]: 8 }, 0x2 | F_DF);
    runInsn(CODE);
    const want = Array.from({ length: 32 }, (_, i) => 16 + i);
    expect([...ram(base + 20, 32)]).toEqual(want);
    expect(m.reg(ESI)).toBe(base + 16 - 4);
    expect(m.reg(EDI)).toBe(base + 20 - 4);
  });

  it("rep stosw with a two-byte pattern across a page boundary, and rep stosd down", () => {
    flat32(m);
    const dst = 0x20ffa;
    load([0x66, 0xf3, 0xab], CODE, { [EAX]: 0x12345678, [EDI]: dst, [ECX]: 3000 });
    runInsn(CODE);
    for (let i = 0; i < 3000; i++) expect(m.dv.getUint16(S.RAM + dst + i * 2, true)).toBe(0x5678);
    expect(m.reg(EDI)).toBe(dst + 6000);
    expect(m.reg(ECX)).toBe(0);
    load([0xf3, 0xab], CODE, { [EAX]: 0xdeadbeef, [EDI]: 0x22010, [ECX]: 5 }, 0x2 | F_DF);
    runInsn(CODE);
    for (let i = 0; i < 5; i++) expect(m.dv.getUint32(S.RAM + 0x22010 - i * 4, true)).toBe(0xdeadbeef);
    expect(m.reg(EDI)).toBe(0x22010 - 20);
  });

  it("0x67 in 32-bit code uses CX and DI, which wrap at 64 KiB (upper halves kept)", () => {
    flat32(m);
    ram(0x20000, 16).fill(0);
    ram(0x2fff0, 16).fill(0);
    load([0x67, 0xf3, 0xaa], CODE, { [EAX]: 0x77, [EDI]: 0x0002fffe, [ECX]: 0xabcd0003 });
    runInsn(CODE);
    expect(m.reg(ECX)).toBe(0xabcd0000);
    expect(m.reg(EDI)).toBe(0x00020001);
    // addresses are DI only: 0xfffe, 0xffff, 0x0000
    expect([m.u8[S.RAM + 0xfffe], m.u8[S.RAM + 0xffff], m.u8[S.RAM + 0]]).toEqual([0x77, 0x77, 0x77]);
    expect(m.u8[S.RAM + 0x2fffe]).toBe(0);
  });

  it("a segment override changes the source segment, never ES:DI", () => {
    realMode(0x40000);
    m.w32(S.SEG_BASE + 0 * 4, 0x50000); // ES
    m.w32(S.SEG_SEL + 0 * 4, 0x5000);
    m.core.state_changed();
    poke(0x40000 + 0x10, [1, 2, 3, 4]); // DS:10
    poke(0x50000 + 0x10, [9, 8, 7, 6]); // ES:10
    // es: rep movsb  copies ES:SI -> ES:DI
    load([0x26, 0xf3, 0xa4], 0, { [ESI]: 0x10, [EDI]: 0x20, [ECX]: 4 });
    runInsn(0);
    expect([...ram(0x50020, 4)]).toEqual([9, 8, 7, 6]);
    // no override: DS:SI -> ES:DI
    load([0xf3, 0xa4], 0, { [ESI]: 0x10, [EDI]: 0x30, [ECX]: 4 });
    runInsn(0);
    expect([...ram(0x50030, 4)]).toEqual([1, 2, 3, 4]);
  });

  it("a fault in the middle keeps the completed iterations and restarts at the instruction", () => {
    realMode(0x40000);
    const sp = 0x8000;
    // rep movsw with DI reaching 0xffff: the word there crosses the ES limit -> #GP(0)
    load([0xf3, 0xa5], 0, { [ESI]: 0x100, [EDI]: 0xfffb, [ECX]: 5, 4: sp });
    poke(0x40100, [0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);
    m.step();
    expect(m.r32(S.EXC_VECTOR)).toBe(13);
    expect(m.reg(ECX) & 0xffff).toBe(3);
    expect(m.reg(EDI) & 0xffff).toBe(0xffff);
    expect(m.reg(ESI) & 0xffff).toBe(0x104);
    expect([...ram(0x4fffb, 4)]).toEqual([0x11, 0x22, 0x33, 0x44]);
    // delivered through IVT[13] with the faulting instruction as the return address
    expect(m.r32(S.EIP)).toBe(13 * 16);
    expect(m.r32(S.SEG_SEL + 4)).toBe(0x300);
    expect(m.dv.getUint16(S.RAM + 0x40000 + sp - 6, true)).toBe(0);
  });

  it("outs writes the debug port and ins reads an unassigned port as all ones", () => {
    realMode(0x40000);
    m.drainDebug();
    poke(0x40200, [...Buffer.from("hello")]);
    load([0xf3, 0x6e], 0, { [ESI]: 0x200, [ECX]: 5, [EDX]: 0xe9 });
    runInsn(0);
    expect(m.drainDebug()).toBe("hello");
    expect(m.reg(ESI)).toBe(0x205);
    ram(0x40300, 8).fill(0);
    load([0x66, 0xf3, 0x6d], 0, { [EDI]: 0x300, [ECX]: 2, [EDX]: 0x2f0 });
    runInsn(0);
    expect([...ram(0x40300, 8)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(m.reg(EDI)).toBe(0x308);
    expect(m.reg(ECX)).toBe(0);
  });
});
