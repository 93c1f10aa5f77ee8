// --hda/--hdb images (host/node.ts openDiskImage): by default the file is read-only under a
// copy-on-write overlay, so a guest's writes are seen by the guest and never reach the file;
// with --persist they are written in place.
import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDiskImage } from "../../host/node.js";
import { ideMachine, lba28, writeData, readData, waitIrq, inb, patternImage, patternSector } from "../devices/ide-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "tab86-disk-"));

async function guestWrite(path: string, persist: boolean): Promise<number[]> {
  const m = await ideMachine({ pm: openDiskImage(path, "--hda", persist) });
  lba28(m, 0, 0, 0x30, 3, 1);
  writeData(m, 0, new Array(512).fill(0xee));
  waitIrq(m, 0);
  expect(inb(m, 0x1f7)).toBe(0x50);
  lba28(m, 0, 0, 0x20, 3, 1);
  waitIrq(m, 0);
  inb(m, 0x1f7);
  return readData(m, 0, 512);
}

describe("hard disk image files", () => {
  it("by default the guest sees its writes and the file never changes", async () => {
    const path = join(tmp, "cow.img");
    writeFileSync(path, patternImage(64));
    expect(await guestWrite(path, false)).toEqual(new Array(512).fill(0xee));
    expect(Array.from(readFileSync(path).subarray(3 * 512, 4 * 512))).toEqual(patternSector(3));
  });

  it("--persist writes the file in place", async () => {
    const path = join(tmp, "persist.img");
    writeFileSync(path, patternImage(64));
    await guestWrite(path, true);
    expect(Array.from(readFileSync(path).subarray(3 * 512, 4 * 512))).toEqual(new Array(512).fill(0xee));
    expect(Array.from(readFileSync(path).subarray(4 * 512, 5 * 512))).toEqual(patternSector(4));
  });
});
