// Shared test set-up: machines from the built core, and CPU states written directly into the
// state block (then state_changed() rebuilds what is derived), as the host does on a restore.
import { readFileSync } from "node:fs";
import { createNodeMachine } from "../host/node.js";
import { Machine } from "../host/machine.js";
import * as S from "../core-as/state.js";

export const ROOT = new URL("..", import.meta.url).pathname;

export function rom(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`roms/${name}`, import.meta.url)));
}

/** A machine with a ROM of HLT bytes (for tests that set the CPU state themselves). */
export async function bareMachine(memMiB = 2): Promise<Machine> {
  const r = new Uint8Array(0x10000).fill(0xf4);
  return createNodeMachine({ memMiB, rom: r, deterministic: true, stopOnTripleFault: true });
}

function setSeg(m: Machine, s: number, sel: number, base: number, limit: number, attr: number): void {
  m.w32(S.SEG_SEL + s * 4, sel);
  m.w32(S.SEG_BASE + s * 4, base);
  m.w32(S.SEG_LIMIT + s * 4, limit);
  m.w32(S.SEG_ATTR + s * 4, attr);
}

/** 32-bit flat protected mode at CPL 0 (no descriptor tables are needed for straight-line code). */
export function flat32(m: Machine): void {
  m.w32(S.CR0, 0x60000011);
  setSeg(m, 1, 0x08, 0, 0xffffffff, 0xc09b);
  for (const s of [0, 2, 3, 4, 5]) setSeg(m, s, 0x10, 0, 0xffffffff, 0xc093);
  m.core.state_changed();
  m.core.set_cpl_from_state(0);
}

/** Real mode with all segment bases at `base` (64 KiB limits). */
export function real16(m: Machine, base = 0): void {
  m.w32(S.CR0, 0x60000010);
  for (const s of [0, 1, 2, 3, 4, 5]) setSeg(m, s, base >>> 4, base, 0xffff, s === 1 ? 0x9b : 0x93);
  m.core.state_changed();
  m.core.set_cpl_from_state(0);
}
