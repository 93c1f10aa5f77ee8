// The guest's clock on wall time (no --deterministic): it must follow the wall, whatever the
// machine's speed. Instructions advance it between two syncs at a rate that follows the
// machine's real speed; at a fixed 10 ns a machine faster than 100 MIPS moved the guest's clock
// ahead of the wall, and every idle wait then lasted until the wall caught up.
import { describe, it, expect } from "vitest";
import { createNodeMachine } from "../../host/node.js";
import * as S from "../../core-as/state.js";

describe("the wall-clock guest clock", () => {
  it("stays with the wall while the CPU runs flat out", async () => {
    // F000:0000: inc eax; jmp $-2 (32-bit inc in real mode), reached from the reset vector
    const rom = new Uint8Array(0x10000).fill(0xf4);
    rom.set([0x66, 0x40, 0xeb, 0xfc], 0);
    rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
    const m = await createNodeMachine({ memMiB: 2, rom, deterministic: false });
    const t0 = performance.now();
    const v0 = m.core.now_ns();
    let elapsed = 0;
    while ((elapsed = performance.now() - t0) < 400) {
      m.core.sync_clock(v0 + BigInt(Math.round(elapsed * 1e6)));
      expect(m.run(2_000_000)).toBe(S.EXIT_BUDGET);
    }
    const guestMs = Number(m.core.now_ns() - v0) / 1e6;
    const wallMs = performance.now() - t0;
    // (the first slices run at the starting rate of 10 ns an instruction)
    expect(guestMs).toBeLessThan(wallMs + 150);
    expect(guestMs).toBeGreaterThan(wallMs - 150);
    expect(Number(m.instructions)).toBeGreaterThan(1_000_000);
  });
});
