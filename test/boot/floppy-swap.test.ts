// A floppy swapped while DOS runs (the browser's "Change floppy"): INT 13h AH=16h reports the
// change once (bios/disk.ts, devices/fdc.ts fdc_take_change), so DOS reads the new disk's FAT
// and directory instead of its cached ones.
import { describe, it, expect } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { createNodeMachine, defaultBiosPath } from "../../host/node.js";
import { runMachine } from "../../host/run.js";
import { parseKeys } from "../../host/keys.js";
import type { Machine } from "../../host/machine.js";
import { ROOT } from "../helpers.js";

const image = (name: string) => {
  const path = `${ROOT}../shared/images/${name}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: the boot tests read ../shared/images/ in place`);
  return new Uint8Array(readFileSync(path));
};

async function waitFor(m: Machine, re: RegExp, keys?: string): Promise<string> {
  const r = await runMachine(m, { until: re, untilScreen: true, send: keys ? parseKeys(keys) : undefined, timeoutMs: 60_000 });
  if (r.end !== "matched") throw new Error(`${re} not on the screen (${r.end}):\n${m.screenText()}`);
  return m.screenText();
}

describe("floppy swap", () => {
  it("DOS sees the new disk in A: after a swap, with its own directory", async () => {
    const rom = new Uint8Array(readFileSync(defaultBiosPath()));
    const m = await createNodeMachine({ memMiB: 16, rom, deterministic: true, stopOnTripleFault: true });
    m.insertFloppy(0, image("freedos-boot-1440k.img"));
    await waitFor(m, /A:\\>\s*$/);
    await waitFor(m, /file\(s\)[\s\S]*A:\\>\s*$/, "dir\n");
    m.insertFloppy(0, image("freedos722.img"));
    const s = await waitFor(m, /A:\\>dir a:\\demos[\s\S]*A:\\>\s*$/, "cls\ndir a:\\demos\n");
    expect(s).toMatch(/LEBHAFT\s+COM/);
    expect(s).not.toMatch(/not found|General failure/i);
  });
});
