// Golden tests of the JIT's code generation (issue 7): a few small blocks, and the WebAssembly
// the JIT emits for them in text form (printed by wabt's wasm2wat), committed under
// test/jit-golden/. They are our own output on purpose: a change in the generated code shows
// up as a diff of these files in review, so a change in code quality is seen. After an
// intended change, regenerate them with UPDATE_GOLDEN=1 npx vitest run test/jit-golden.test.ts
// and read the diff.
import { describe, it, expect } from "vitest";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import wabtInit from "wabt";
import { createNodeMachine } from "../host/node.js";
import * as S from "../core-as/state.js";
import { flat32 } from "./helpers.js";

const DIR = new URL("jit-golden/", import.meta.url);
const CODE = 0x1000;
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

interface Case { name: string; asm: string; code: number[] }

const CASES: Case[] = [
  {
    name: "loop",
    asm: "mov ecx, 100 / .l: add eax, ecx / dec ecx / jnz .l / hlt",
    code: [0xb9, ...le32(100), 0x01, 0xc8, 0x49, 0x75, 0xfb, 0xf4],
  },
  {
    name: "memory",
    asm: "mov eax, [esi+4] / add [edi], eax / cmp byte [esi], 0 / jne .x / mov byte [edi+1], al / .x: movzx edx, byte [esi+1] / hlt",
    code: [0x8b, 0x46, 0x04, 0x01, 0x07, 0x80, 0x3e, 0x00, 0x75, 0x03, 0x88, 0x47, 0x01, 0x0f, 0xb6, 0x56, 0x01, 0xf4],
  },
  {
    name: "stack-call",
    asm: "push ebx / call .f / pop ebx / hlt / .f: lea eax, [ebx+ecx*4+8] / ret",
    code: [0x53, 0xe8, 0x02, 0x00, 0x00, 0x00, 0x5b, 0xf4, 0x8d, 0x44, 0x8b, 0x08, 0xc3],
  },
  {
    name: "helper",
    asm: "xor eax, eax / cpuid / sub ebx, 1 / setz cl / hlt",
    code: [0x31, 0xc0, 0x0f, 0xa2, 0x83, 0xeb, 0x01, 0x0f, 0x94, 0xc1, 0xf4],
  },
];

/** Run the code with every block compiled at its first execution; the modules in the order
 * they were compiled, as text. */
async function emitted(c: Case): Promise<string> {
  const rom = new Uint8Array(0x10000).fill(0xf4);
  const m = await createNodeMachine({ memMiB: 2, rom, deterministic: true, stopOnTripleFault: true, jit: "force" });
  flat32(m);
  m.u8.set(c.code, S.RAM + CODE);
  m.setReg(4, 0x8000);
  m.setReg(6, 0x3000);
  m.setReg(7, 0x3100);
  m.w32(S.EIP, CODE);
  const wabt = await wabtInit();
  const texts: string[] = [];
  const install = m.jit.install.bind(m.jit);
  m.jit.install = () => {
    const bytes = m.u8.slice(S.JIT_BUF, S.JIT_BUF + m.r32(S.JIT_PENDING_LEN));
    const mod = wabt.readWasm(bytes, { readDebugNames: false });
    mod.validate();
    texts.push(mod.toText({ foldExprs: false, inlineExport: false }));
    mod.destroy();
    install();
  };
  expect(m.run(10_000)).toBe(S.EXIT_HALT);
  return `;; ${c.asm}\n;; ${texts.length} module(s), in the order compiled\n` + texts.join("\n");
}

describe("JIT code generation (golden Wasm text)", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const text = await emitted(c);
      const file = new URL(`${c.name}.wat`, DIR);
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
      expect(existsSync(file), `${file.pathname} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }
});
