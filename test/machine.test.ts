// The machine core without PC devices: memory map, ROM aliasing, A20, the port table, the
// clock and event queue, HLT and the exit reasons. Guest code is placed in RAM and run with
// step()/run() from a CPU state written directly into the state block.
import { describe, it, expect } from "vitest";
import { createNodeMachine } from "../host/node.js";
import { Machine, ConfigError } from "../host/machine.js";
import { bareMachine, flat32, real16 } from "./helpers.js";
import * as S from "../core-as/state.js";

function load(m: Machine, addr: number, code: number[]) {
  m.ram().set(code, addr);
  m.w32(S.EIP, addr);
}

function runSteps(m: Machine, n: number) {
  for (let i = 0; i < n; i++) expect(m.core.step()).toBe(0);
}

describe("physical memory", () => {
  it("gives the guest exactly --mem of RAM, up to 2 GiB and beyond", async () => {
    const rom = new Uint8Array(0x10000).fill(0xf4);
    const m = await createNodeMachine({ memMiB: 2048, rom, deterministic: true });
    expect(m.ram().length).toBe(2048 * 1024 * 1024);
    flat32(m);
    // mov dword [0x7ffffffc], 0x12345678 ; mov eax, [0x80000000] (beyond RAM: open bus)
    load(m, 0x1000, [0xc7, 0x05, 0xfc, 0xff, 0xff, 0x7f, 0x78, 0x56, 0x34, 0x12, 0xa1, 0x00, 0x00, 0x00, 0x80]);
    runSteps(m, 2);
    expect(m.dv.getUint32(S.RAM + 0x7ffffffc, true)).toBe(0x12345678);
    expect(m.reg(0)).toBe(0xffffffff);
  });

  it("rejects impossible sizes before starting", async () => {
    const rom = new Uint8Array(0x10000);
    await expect(createNodeMachine({ memMiB: 0, rom })).rejects.toThrow(ConfigError);
    await expect(createNodeMachine({ memMiB: 4096, rom })).rejects.toThrow(/1 to 3072/);
    await expect(createNodeMachine({ memMiB: 2, rom: new Uint8Array(0x10001) })).rejects.toThrow(/64 KiB to 1 MiB/);
  });

  it("shows the ROM at the top of 4 GiB and of the first MiB, read-only", async () => {
    const rom = new Uint8Array(0x20000);
    for (let i = 0; i < rom.length; i++) rom[i] = (i * 7 + (i >> 8)) & 0xff;
    const m = await createNodeMachine({ memMiB: 4, rom, deterministic: true });
    flat32(m);
    // mov eax,[0xfffe0000]; mov ebx,[0xe0000]; mov ecx,[0xffff0]; mov dword [0xf0000], 0 ; mov edx,[0xf0000]
    load(m, 0x1000, [
      0xa1, 0x00, 0x00, 0xfe, 0xff,
      0x8b, 0x1d, 0x00, 0x00, 0x0e, 0x00,
      0x8b, 0x0d, 0xf0, 0xff, 0x0f, 0x00,
      0xc7, 0x05, 0x00, 0x00, 0x0f, 0x00, 0, 0, 0, 0,
      0x8b, 0x15, 0x00, 0x00, 0x0f, 0x00,
    ]);
    runSteps(m, 5);
    const le = (o: number) => (rom[o] | (rom[o + 1] << 8) | (rom[o + 2] << 16) | (rom[o + 3] << 24)) >>> 0;
    expect(m.reg(0)).toBe(le(0));
    expect(m.reg(3)).toBe(le(0));
    expect(m.reg(1)).toBe(le(0x1fff0));
    expect(m.reg(2)).toBe(le(0x10000)); // the write was ignored
  });

  it("starts at the reset vector F000:FFF0 with CS base FFFF0000 (SDM vol.3 §9.1.4)", async () => {
    const rom = new Uint8Array(0x10000).fill(0xf4);
    rom.set([0xb8, 0x34, 0x12], 0xfff0); // mov ax, 0x1234
    const m = await createNodeMachine({ memMiB: 2, rom, deterministic: true });
    expect(m.r32(S.SEG_BASE + 4)).toBe(0xffff0000);
    expect(m.r32(S.EIP)).toBe(0xfff0);
    expect(m.reg(2)).toBe(0x619); // EDX holds the processor signature
    m.core.step();
    expect(m.reg(0) & 0xffff).toBe(0x1234);
  });

  it("wraps at 1 MiB when the A20 gate is closed (port 0x92 bit 1)", async () => {
    const m = await bareMachine(4);
    real16(m, 0);
    // mov ax,0xffff; mov ds,ax; mov byte [0x10], 0x5a  (linear 0x100000)
    // in al,0x92; and al,0xfd; out 0x92,al; mov byte [0x20], 0xa5 (wraps to 0x000010)
    load(m, 0x1000, [0xb8, 0xff, 0xff, 0x8e, 0xd8, 0xc6, 0x06, 0x10, 0x00, 0x5a,
      0xe4, 0x92, 0x24, 0xfd, 0xe6, 0x92, 0xc6, 0x06, 0x20, 0x00, 0xa5]);
    runSteps(m, 7);
    expect(m.ram()[0x100000]).toBe(0x5a);
    expect(m.ram()[0x10]).toBe(0xa5);
    expect(m.ram()[0x100010]).toBe(0);
  });
});

describe("I/O ports", () => {
  it("reads all ones from unassigned ports in every width", async () => {
    const m = await bareMachine();
    flat32(m);
    // in al,dx (dx=0x1234, which nothing decodes); mov ebx,eax; xor eax,eax; in ax,dx;
    // mov ecx,eax; in eax,dx
    m.setReg(0, 0); m.setReg(2, 0x1234);
    load(m, 0x1000, [0xec, 0x89, 0xc3, 0x31, 0xc0, 0x66, 0xed, 0x89, 0xc1, 0xed]);
    runSteps(m, 6);
    expect(m.reg(3)).toBe(0xff);
    expect(m.reg(1)).toBe(0xffff);
    expect(m.reg(0)).toBe(0xffffffff);
  });

  it("latches the POST code at port 0x80 and echoes it back", async () => {
    const m = await bareMachine();
    flat32(m);
    load(m, 0x1000, [0xb0, 0x77, 0xe6, 0x80, 0x31, 0xc0, 0xe4, 0x80]);
    runSteps(m, 4);
    expect(m.postCode).toBe(0x77);
    expect(m.reg(0) & 0xff).toBe(0x77);
  });
});

describe("clock, events and halt", () => {
  it("follows the instruction count with --deterministic", async () => {
    const m = await bareMachine();
    flat32(m);
    load(m, 0x1000, [0xeb, 0xfe]); // jmp $
    const t0 = m.core.now_ns();
    m.run(1000);
    expect(m.core.now_ns() - t0).toBe(10_000n); // 10 ns per instruction by default
  });

  it("fires an event when its deadline is reached", async () => {
    const m = await bareMachine();
    flat32(m);
    load(m, 0x1000, [0xeb, 0xfe]);
    m.core.test_event_schedule(m.core.now_ns() + 50_000n);
    m.run(4000);
    expect(m.core.test_event_count()).toBe(0);
    m.run(2000);
    expect(m.core.test_event_count()).toBe(1);
  });

  it("reports an idle hlt with the next deadline, and hlt with IF=0 as forever", async () => {
    const m = await bareMachine();
    flat32(m);
    // sti; hlt
    load(m, 0x1000, [0xfb, 0xf4]);
    const at = m.core.now_ns() + 1_000_000n;
    m.core.test_event_schedule(at);
    expect(m.run(100)).toBe(S.EXIT_HALT);
    expect(m.haltUntil).toBe(at);
    const m2 = await bareMachine();
    flat32(m2);
    load(m2, 0x1000, [0xfa, 0xf4]); // cli; hlt
    expect(m2.run(100)).toBe(S.EXIT_HALT);
    expect(m2.haltUntil).toBe(0n);
  });
});

describe("instruction fetch near a missing page", () => {
  // The decoder reads up to 16 bytes ahead; near a page end that read-ahead must not touch a
  // page that is not present (found when Linux ran user code at 0xb7f4c550 below an unmapped
  // page: the core read past the end of its memory). The instructions fit in the present page,
  // so they run and only the next fetch would fault (SDM vol.3 §4.7: faults are raised for the
  // bytes of the instruction actually executed).
  it("runs the last instructions of a page whose successor is not present", async () => {
    const m = await bareMachine();
    flat32(m);
    const ram = new DataView(m.ram().buffer, m.ram().byteOffset);
    // page directory at 0x1000, a page table at 0x2000 mapping 0xb0000000 -> 0x3000 only
    ram.setUint32(0x1000 + (0xb0000000 >>> 22) * 4, 0x2000 | 3, true);
    ram.setUint32(0x2000, 0x3000 | 3, true);
    m.w32(S.CR3, 0x1000);
    m.w32(S.CR0, 0xe0000011);
    m.core.state_changed();
    // mov eax, 0x12345678 ; hlt   at 0xb0000ffa .. 0xb0000fff
    m.ram().set([0xb8, 0x78, 0x56, 0x34, 0x12, 0xf4], 0x3ffa);
    m.w32(S.EIP, 0xb0000ffa);
    expect(m.run(10)).toBe(S.EXIT_HALT);
    expect(m.reg(0)).toBe(0x12345678);
    expect(m.r32(S.EIP)).toBe(0xb0001000);
    expect(m.r32(S.EXC_VECTOR)).not.toBe(14);
  });
});
