// Decoder lengths: for many random byte sequences the length our decoder computes equals the
// one iced-x86 computes, in 16- and 32-bit code. Only sequences whose opcode our instruction
// table defines are compared (others are #UD here, whatever iced makes of them).
import { describe, it, expect, beforeAll } from "vitest";
import { Decoder, DecoderOptions, Code } from "iced-x86";
import { loadTable } from "../tools/table.mjs";
import { bareMachine, flat32, real16 } from "./helpers.js";
import * as S from "../core-as/state.js";
import type { Machine } from "../host/machine.js";

const PREFIXES = new Set([0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0, 0xf2, 0xf3]);

// A deterministic PRNG (xorshift32) so a failure can be reproduced.
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

let defined: Set<string>;
beforeAll(async () => {
  defined = new Set((await loadTable()).map((r) => `${r.opcode}/${r.ext ?? "*"}`));
});

function inTable(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && PREFIXES.has(bytes[i])) i++;
  if (i >= 14) return false;
  let op = bytes[i];
  if (op === 0x0f) op = 0x100 | bytes[i + 1], i++;
  const modrm = bytes[i + 1];
  // LES/LDS/BOUND with a register operand are #UD on a P6; later CPUs reuse those encodings
  // as the VEX and EVEX prefixes, so iced gives them other lengths
  if ((op === 0xc4 || op === 0xc5 || op === 0x62) && modrm >= 0xc0) return false;
  return defined.has(`${op}/*`) || defined.has(`${op}/${(modrm >> 3) & 7}`);
}

function check(m: Machine, bits: 16 | 32, count: number, seed: number) {
  const next = rng(seed);
  const code = 0x1000;
  const ram = m.ram();
  let compared = 0;
  const mismatches: string[] = [];
  for (let n = 0; n < count; n++) {
    const bytes = new Uint8Array(16);
    // bias towards realistic starts: some prefixes, often the 0F map
    for (let k = 0; k < 16; k++) bytes[k] = next() & 0xff;
    const r = next() & 7;
    if (r < 3) bytes[0] = 0x0f;
    else if (r === 3) { bytes[0] = [0x66, 0x67, 0xf3, 0x2e][next() & 3]; }
    if (!inTable(bytes)) continue;
    const icedLen = (() => {
      const d = new Decoder(bits, bytes, DecoderOptions.None);
      const ins = d.decode();
      return ins.code === Code.INVALID ? 0 : ins.length;
    })();
    if (icedLen === 0) continue; // e.g. longer than 15 bytes or an encoding iced rejects
    ram.set(bytes, code);
    const ours = m.core.decode_length(code);
    compared++;
    if (ours !== icedLen) mismatches.push(`${Buffer.from(bytes).toString("hex")}: ours ${ours}, iced ${icedLen}`);
  }
  return { compared, mismatches };
}

describe("decoder length matches iced-x86", () => {
  it("in 32-bit code", async () => {
    const m = await bareMachine();
    flat32(m);
    const { compared, mismatches } = check(m, 32, 40000, 12345);
    expect(compared).toBeGreaterThan(15000);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
  it("in 16-bit code", async () => {
    const m = await bareMachine();
    real16(m, 0);
    const { compared, mismatches } = check(m, 16, 40000, 777);
    expect(compared).toBeGreaterThan(15000);
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
  it("rejects instructions longer than 15 bytes", async () => {
    const m = await bareMachine();
    flat32(m);
    const bytes = new Uint8Array([...new Array(15).fill(0x66), 0x90]);
    m.ram().set(bytes, 0x1000);
    expect(m.core.decode_length(0x1000)).toBe(0);
    expect(m.r32(S.EXC_VECTOR)).toBe(13);
  });
});
