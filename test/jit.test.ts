// The JIT's exactness cases (issue 7): each program runs with the JIT off and forced on (every
// block compiled at its first execution) and must end in the same state, plus what the case
// itself checks: self-modifying code (same block, other page), faults in the middle of a block
// with the exact state, instructions and accesses that cross a page, a changed page mapping,
// eviction when the table is full, and a PIT interrupt arriving at the same instruction.
import { describe, it, expect } from "vitest";
import { createNodeMachine } from "../host/node.js";
import { Machine } from "../host/machine.js";
import type { JitMode } from "../host/jit.js";
import * as S from "../core-as/state.js";
import { flat32, real16 } from "./helpers.js";

async function machine(jit: JitMode, memMiB = 2): Promise<Machine> {
  const rom = new Uint8Array(0x10000).fill(0xf4);
  return createNodeMachine({ memMiB, rom, deterministic: true, stopOnTripleFault: true, jit });
}

function put(m: Machine, addr: number, bytes: number[]): void { m.u8.set(bytes, S.RAM + addr); }
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** Protected mode with a GDT (code 08, data 10, flat) and an IDT whose 32 gates all lead to a
 * HLT at 0x3000, so an exception stops the run with its frame on the stack at 0x8000. */
function pmWithIdt(m: Machine): void {
  put(m, 0x500, [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0, 0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0]);
  for (let v = 0; v < 32; v++) put(m, 0x600 + v * 8, [0x00, 0x30, 0x08, 0x00, 0x00, 0x8e, 0x00, 0x00]);
  put(m, 0x3000, [0xf4]);
  m.w32(S.GDTR_BASE, 0x500); m.w32(S.GDTR_LIMIT, 0x17);
  m.w32(S.IDTR_BASE, 0x600); m.w32(S.IDTR_LIMIT, 32 * 8 - 1);
  flat32(m);
  m.setReg(4, 0x8000);
}

interface End { exit: number; regs: number[]; eip: number; icount: bigint; stack: number[]; jit: Record<string, number> }

function runToHalt(m: Machine, eip: number): End {
  m.w32(S.EIP, eip);
  let exit = 0;
  for (let i = 0; i < 1000; i++) {
    exit = m.run(100_000);
    if (exit !== S.EXIT_BUDGET) break;
  }
  const esp = m.reg(4);
  return {
    exit, regs: [0, 1, 2, 3, 4, 5, 6, 7].map((r) => m.reg(r)), eip: m.r32(S.EIP), icount: m.instructions,
    stack: [0, 4, 8].map((o) => m.dv.getUint32(S.RAM + esp + o, true)), jit: m.jitStats(),
  };
}

/** Run the same program with the JIT off and forced; both must end identically. */
async function both(setup: (m: Machine) => void, eip: number, tweak?: (m: Machine) => void, memMiB = 2): Promise<End> {
  const ends: End[] = [];
  for (const mode of ["off", "force"] as JitMode[]) {
    const m = await machine(mode, memMiB);
    setup(m);
    tweak?.(m);
    ends.push(runToHalt(m, eip));
  }
  const [off, on] = ends;
  expect(on.exit).toBe(S.EXIT_HALT);
  expect({ regs: on.regs, eip: on.eip, icount: on.icount, stack: on.stack }).toEqual({ regs: off.regs, eip: off.eip, icount: off.icount, stack: off.stack });
  expect(on.jit.jit_compile_failures).toBe(0);
  expect(on.jit.jit_share).toBeGreaterThan(0);
  return on;
}

describe("JIT", () => {
  it("runs code that rewrites an instruction later in its own block as the CPU does", async () => {
    const end = await both((m) => {
      flat32(m);
      m.setReg(2, 0);
      put(m, 0x1000, [
        0xb9, 3, 0, 0, 0, //             mov ecx, 3
        0x88, 0x0d, ...le32(0x100c), // .l: mov [imm of the next instruction], cl
        0xb8, 0x99, 0, 0, 0, //          mov eax, 0x99 (patched to ecx)
        0x01, 0xc2, //                   add edx, eax
        0x49, //                         dec ecx
        0x75, 0xf0, //                   jnz .l
        0xf4,
      ]);
    }, 0x1000);
    expect(end.regs[2]).toBe(3 + 2 + 1);
    expect(end.regs[0]).toBe(1);
    expect(end.jit.jit_invalidations).toBeGreaterThan(0);
  });

  it("drops compiled code of another page when it is written", async () => {
    const end = await both((m) => {
      flat32(m);
      m.setReg(4, 0x8000);
      put(m, 0x1000, [
        0xe8, ...le32(0x2000 - 0x1005), //  call f
        0x89, 0xc2, //                      mov edx, eax
        0xc6, 0x05, ...le32(0x2001), 0x42, // mov byte [f + 1], 0x42
        0xe8, ...le32(0x2000 - 0x1013), //  call f
        0xf4,
      ]);
      put(m, 0x2000, [0xb8, 7, 0, 0, 0, 0xc3]); // f: mov eax, 7; ret
    }, 0x1000);
    expect(end.regs[2]).toBe(7);
    expect(end.regs[0]).toBe(0x42);
    expect(end.jit.jit_invalidations).toBeGreaterThan(0);
  });

  it("drops compiled code high in a large RAM when it is written", async () => {
    // RAM sits at host address S.RAM: with 256 MiB, guest page 0xF000000 lies beyond the first
    // 256 MiB of host addresses (the code-page map once stopped there and such code was
    // never invalidated)
    const f = 0xf000000;
    expect(S.RAM + f).toBeGreaterThan(0x10000000);
    const end = await both((m) => {
      flat32(m);
      m.setReg(4, 0x8000);
      put(m, 0x1000, [
        0xbb, ...le32(f), //               mov ebx, f
        0xff, 0xd3, //                     call ebx
        0x89, 0xc2, //                     mov edx, eax
        0xc6, 0x43, 0x01, 0x42, //         mov byte [ebx + 1], 0x42
        0xff, 0xd3, //                     call ebx
        0xf4,
      ]);
      put(m, f, [0xb8, 7, 0, 0, 0, 0xc3]); // f: mov eax, 7; ret
    }, 0x1000, undefined, 256);
    expect(end.regs[2]).toBe(7);
    expect(end.regs[0]).toBe(0x42);
    expect(end.jit.jit_invalidations).toBeGreaterThan(0);
  });

  it("delivers a fault in the middle of a block with the registers and EIP of that instruction", async () => {
    const end = await both((m) => {
      pmWithIdt(m);
      // DS limit 0x5FFF: the load from 0x7000 is #GP(0)
      m.w32(S.SEG_LIMIT + 3 * 4, 0x5fff);
      m.w32(S.SEG_ATTR + 3 * 4, 0x4093);
      m.core.state_changed();
      for (const r of [0, 1, 2, 3, 6]) m.setReg(r, 0);
      put(m, 0x1000, [
        0xb8, ...le32(0x11111111), // mov eax, 0x11111111
        0xbb, ...le32(0x22222222), // mov ebx, 0x22222222
        0xbe, ...le32(0x7000), //     mov esi, 0x7000
        0x8b, 0x16, //                mov edx, [esi]     (0x100F)
        0xb9, ...le32(0x33), //       mov ecx, 0x33
        0xf4,
      ]);
    }, 0x1000);
    expect(end.eip).toBe(0x3001); // in the #GP handler
    expect(end.stack).toEqual([0, 0x100f, 8]); // error code, EIP of the faulting instruction, CS
    expect(end.regs.slice(0, 4)).toEqual([0x11111111, 0, 0, 0x22222222]);
    expect(end.regs[6]).toBe(0x7000);
  });

  it("runs instructions and accesses that cross a page boundary", async () => {
    const end = await both((m) => {
      flat32(m);
      put(m, 0x1ff0, [
        0x31, 0xc0, //                xor eax, eax
        0x8b, 0x15, ...le32(0x2ffe), // mov edx, [0x2FFE] (crosses into the next page)
        0x90, 0x90, 0x90, 0x90, 0x90, // nops up to 0x1FFD
        0x90,
        0xb8, ...le32(0x12345678), // mov eax, 0x12345678 at 0x1FFD, crosses 0x2000
        0x01, 0xd0, //                add eax, edx
        0xf4,
      ]);
      put(m, 0x2ffe, [0x01, 0x02, 0x03, 0x04]);
    }, 0x1ff0);
    expect(end.regs[2]).toBe(0x04030201);
    expect(end.regs[0]).toBe((0x12345678 + 0x04030201) >>> 0);
  });

  it("follows a changed page mapping (invlpg) instead of running the old page's code", async () => {
    const end = await both((m) => {
      flat32(m);
      m.setReg(4, 0x8000);
      const PD = 0x10000, PT = 0x11000;
      m.dv.setUint32(S.RAM + PD, PT | 3, true);
      for (let i = 0; i < 1024; i++) m.dv.setUint32(S.RAM + PT + i * 4, (i * 0x1000) | 3, true);
      m.w32(S.CR3, PD);
      m.w32(S.CR0, m.r32(S.CR0) | 0x80000000);
      m.core.state_changed();
      put(m, 0x5000, [0xb8, 1, 0, 0, 0, 0xc3]); // mov eax, 1; ret
      put(m, 0x6000, [0xb8, 2, 0, 0, 0, 0xc3]); // mov eax, 2; ret
      put(m, 0x1000, [
        0xe8, ...le32(0x5000 - 0x1005), //                 call 0x5000
        0x89, 0xc2, //                                     mov edx, eax
        0xc7, 0x05, ...le32(PT + 5 * 4), ...le32(0x6003), // PTE of 0x5000 -> 0x6000
        0x0f, 0x01, 0x3d, ...le32(0x5000), //              invlpg [0x5000]
        0xe8, ...le32(0x5000 - 0x101d), //                 call 0x5000
        0xf4,
      ]);
    }, 0x1000);
    expect(end.regs[2]).toBe(1);
    expect(end.regs[0]).toBe(2);
  });

  it("evicts the coldest blocks when the table is full and still computes the same", async () => {
    const end = await both((m) => {
      flat32(m);
      m.setReg(4, 0x8000);
      put(m, 0x1000, [
        0xb9, 10, 0, 0, 0, //              mov ecx, 10
        0xe8, ...le32(0x2000 - 0x100a), // .l: call f1
        0xe8, ...le32(0x2100 - 0x100f), // call f2
        0xe8, ...le32(0x2200 - 0x1014), // call f3
        0xe8, ...le32(0x2300 - 0x1019), // call f4
        0x49, //                           dec ecx
        0x75, 0xe9, //                     jnz .l
        0xf4,
      ]);
      for (let i = 0; i < 4; i++) put(m, 0x2000 + i * 0x100, [0x83, 0xc0, i + 1, 0xc3]); // add eax, i+1; ret
    }, 0x1000, (m) => m.core.jit_configure(m.jit.mode === "off" ? 0 : 3, 64, 2)); // two table slots
    expect(end.regs[0]).toBe(100);
    expect(end.jit.jit_evictions).toBeGreaterThan(0);
  });

  it("takes a PIT interrupt during a tight compiled loop at the same instruction as the interpreter", async () => {
    const end = await both((m) => {
      real16(m, 0);
      m.setReg(4, 0x8000);
      put(m, 0x20, [0x00, 0x30, 0x00, 0x00]); // IVT[8] = 0000:3000
      put(m, 0x3000, [0xf4]);
      put(m, 0x1000, [
        0xb0, 0x34, 0xe6, 0x43, // PIT channel 0, mode 2, lo/hi
        0xb0, 0x00, 0xe6, 0x40,
        0xb0, 0x10, 0xe6, 0x40, // count 0x1000
        0xb0, 0x11, 0xe6, 0x20, // 8259A ICW1..ICW4: vectors 08..0F
        0xb0, 0x08, 0xe6, 0x21,
        0xb0, 0x04, 0xe6, 0x21,
        0xb0, 0x01, 0xe6, 0x21,
        0xb0, 0xfe, 0xe6, 0x21, // unmask IRQ 0
        0x66, 0x31, 0xc0, //       xor eax, eax
        0xfb, //                   sti
        0x66, 0x40, //             .l: inc eax
        0xeb, 0xfc, //             jmp .l
      ]);
    }, 0x1000);
    expect(end.eip).toBe(0x3001);
    expect(end.regs[0]).toBeGreaterThan(10000);
    expect(end.jit.jit_exits_budget).toBeGreaterThan(0);
  });

  it("enters a region at any of its blocks, and none of them once its page is written", async () => {
    // With every block compiled at its first execution: 0x2000's region (the calls and the
    // places they return to), then A's region {A, B}; the first direct call of B enters that
    // region at B (no new module); the write to B's page drops the region, so the second call
    // of B compiles B anew (and runs the new code). The continuation after the write at
    // 0x2011 is compiled too: 4 modules. A region entered only at its first block would need
    // 5, and a block entry still naming the dropped module would add 5 + 5 instead of 10 + 10.
    const end = await both((m) => {
      flat32(m);
      m.setReg(4, 0x8000);
      m.setReg(2, 0);
      put(m, 0x1000, [0xb8, 5, 0, 0, 0, 0xeb, 0x09]); //  A: mov eax, 5; jmp B
      put(m, 0x1010, [0x01, 0xc2, 0xc3]); //                B: add edx, eax; ret
      put(m, 0x2000, [
        0xe8, ...le32(0x1000 - 0x2005), //   call A
        0xe8, ...le32(0x1010 - 0x200a), //   call B
        0xc6, 0x05, ...le32(0x1011), 0xd2, // mov byte [0x1011], 0xD2 (B: add edx, edx)
        0xe8, ...le32(0x1010 - 0x2016), //   call B
        0xf4,
      ]);
    }, 0x2000);
    expect(end.regs[2]).toBe(20);
    expect(end.jit.jit_modules).toBe(4);
  });

  it("leaves the flat-segment shortcut when DS gets a base (the same code then reads elsewhere)", async () => {
    const end = await both((m) => {
      pmWithIdt(m);
      // selector 0x18: data, base 0x1000, 4 GiB
      put(m, 0x518, [0xff, 0xff, 0x00, 0x10, 0x00, 0x92, 0xcf, 0x00]);
      m.w32(S.GDTR_LIMIT, 0x1f);
      m.setReg(2, 0);
      put(m, 0x100, le32(0x1111));
      put(m, 0x1100, le32(0x220000));
      put(m, 0x4000, [
        0xb9, 2, 0, 0, 0, //             mov ecx, 2
        0x8b, 0x05, ...le32(0x100), // .l: mov eax, [0x100]
        0x01, 0xc2, //                   add edx, eax
        0x66, 0xbb, 0x18, 0x00, //       mov bx, 0x18
        0x8e, 0xdb, //                   mov ds, bx
        0x49, //                         dec ecx
        0x75, 0xef, //                   jnz .l
        0xf4,
      ]);
    }, 0x4000);
    expect(end.regs[2]).toBe(0x221111);
  });
});
