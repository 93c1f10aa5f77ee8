// The self-checking test ROMs (tools/roms/*.asm, assembled into test/roms/*.bin, verified on
// QEMU by tools/roms/qemu-check.sh) must print PASS on tab86.
import { describe, it, expect } from "vitest";
import { readdirSync } from "node:fs";
import { createNodeMachine } from "../host/node.js";
import { runMachine } from "../host/run.js";
import { rom } from "./helpers.js";

// test/roms/hw/ holds the variants built with -DHW_ONLY: checks QEMU's TCG gets wrong against
// the SDM (data-segment limits, #AC, ICEBP, ...), verified on Bochs by tools/roms/bochs-check.sh
const roms = [
  ...readdirSync(new URL("roms/", import.meta.url)).filter((f) => f.endsWith(".bin")),
  ...readdirSync(new URL("roms/hw/", import.meta.url)).filter((f) => f.endsWith(".bin")).map((f) => `hw/${f}`),
].sort();

describe("test ROMs", () => {
  it("are all present", () => {
    for (const name of ["smoke", "modes", "exceptions", "tasks", "gates", "paging", "v86", "system"]) expect(roms).toContain(`${name}.bin`);
    for (const name of ["modes", "exceptions", "system"]) expect(roms).toContain(`hw/${name}.bin`);
  });
  for (const name of roms) {
    it(`${name} prints PASS`, async () => {
      const m = await createNodeMachine({ memMiB: 32, rom: rom(name), deterministic: true, stopOnTripleFault: true });
      const r = await runMachine(m, { until: /^(PASS|FAIL.*)$/m, timeoutMs: 60_000 });
      const last = r.debugOutput.trim().split("\n").pop();
      expect(last, `${r.debugOutput}\n${r.end !== "matched" ? m.dump() : ""}`).toBe("PASS");
    });
  }
});
