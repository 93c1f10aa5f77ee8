// INT 16h function 03h (typematic rate) and the keyboard LEDs, INT 14h's wait for a character
// (biostest5.asm). Expected values: IBM PC/AT and PS/2 technical references (INT 16h 03h AL=05h
// sends command F3h with BH delay in bits 5-6 and BL rate in bits 0-4; the BIOS keeps the LEDs
// (command EDh) in step with the lock bits of 40:17; INT 14h waits up to the time-out in 40:7C,
// 1 at power-on, and sets AH bit 7 when it runs out).
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { createNodeMachine, defaultBiosPath } from "../../host/node.js";
import { runMachine } from "../../host/run.js";
import type { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const CF = 0x01;
let m: Machine;
let ram: DataView;

beforeAll(async () => {
  m = await createNodeMachine({ memMiB: 4, rom: new Uint8Array(readFileSync(defaultBiosPath())), deterministic: true, stopOnTripleFault: true });
  const img = new Uint8Array(1474560);
  img.set(readFileSync(new URL("biostest5.bin", import.meta.url)), 0);
  m.insertFloppy(0, img, true);
  m.serialIn(0, [0x5a]);
  const r = await runMachine(m, { until: /!/, timeoutMs: 30000 });
  expect(r.end).toBe("matched");
  ram = new DataView(m.ram().buffer, m.ram().byteOffset);
});

const ax = (n: number) => ram.getUint16(0x500 + n * 4, true);

describe("keyboard settings through INT 16h", () => {
  it("03h AL=05h programs the keyboard's typematic byte (command F3h)", () => {
    expect(m.u8[S.DEV_KBC + 0x43]).toBe((1 << 5) | 0x0c); // ps2kbd.ts: KBD_TYPEMATIC
  });
  it("the LEDs follow the lock bits of 40:17 (command EDh), and 40:97 records them", () => {
    expect(m.u8[S.DEV_KBC + 0x42]).toBe(4); // ps2kbd.ts: KBD_LEDS, bit 2 Caps Lock
    expect(m.ram()[0x497] & 7).toBe(4);
  });
});

describe("INT 14h receive", () => {
  it("returns a waiting character with the line status in AH", () => {
    expect(ax(2) & 0xff).toBe(0x5a);
    expect(ax(2) & 0x8000).toBe(0);
  });
  it("waits about the BDA time-out (1 s: 18 ticks) for a character that never comes, then sets AH bit 7", () => {
    expect(ax(3) & 0x8000).toBe(0x8000);
    const ticks = ram.getUint32(0x604, true) - ram.getUint32(0x600, true);
    expect(ticks).toBeGreaterThanOrEqual(17);
    expect(ticks).toBeLessThanOrEqual(20);
  });
});
