// A floppy swapped while DOS runs (the browser's "Change floppy"): INT 13h AH=16h reports the
// change once (bios/disk.ts, devices/fdc.ts fdc_take_change), so DOS reads the new disk's FAT
// and directory instead of its cached ones. And what the guest wrote to a floppy, as an overlay
// (Machine.floppyChanges: the core holds floppies whole, so the changes are found by comparing).
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

  it("the guest's floppy writes as an overlay of changed blocks over the inserted image, and reverted", async () => {
    const rom = new Uint8Array(readFileSync(defaultBiosPath()));
    const m = await createNodeMachine({ memMiB: 16, rom, deterministic: true, stopOnTripleFault: true });
    const original = image("freedos-boot-1440k.img");
    m.insertFloppy(0, original);
    await waitFor(m, /A:\\>\s*$/);
    expect(m.floppyChanges(0)!.blocks()).toEqual([]);
    await waitFor(m, /A:\\>echo[^\n]*\n+A:\\>\s*$/, "echo written by tab86>NOTE.TXT\n");
    const now = m.floppyImage(0);
    expect(Buffer.from(now).includes("written by tab86")).toBe(true);
    const changes = m.floppyChanges(0)!;
    // the FAT, the root directory and the file's cluster changed, nothing else
    expect(changes.blocks().length).toBeGreaterThanOrEqual(2);
    expect(changes.blocks().length).toBeLessThan(10);
    const seen = new Uint8Array(changes.size);
    changes.read(0, seen);
    expect(Buffer.compare(seen, now)).toBe(0);
    m.revertFloppy(0);
    expect(Buffer.compare(m.floppyImage(0), original)).toBe(0);
  });
});
