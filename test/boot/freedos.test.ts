// Boot tests: the FreeDOS floppies in ../shared/images/ (read in place, never copied) boot with
// the built-in BIOS, headless, and take commands typed through the emulated PS/2 keyboard.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createNodeMachine, defaultBiosPath } from "../../host/node.js";
import { runMachine } from "../../host/run.js";
import { parseKeys } from "../../host/keys.js";
import type { Machine } from "../../host/machine.js";
import { ROOT } from "../helpers.js";
import * as S from "../../core-as/state.js";

const IMAGES = `${ROOT}../shared/images/`;
const image = (name: string) => new Uint8Array(readFileSync(IMAGES + name));

async function boot(name: string, memMiB = 32): Promise<Machine> {
  const rom = new Uint8Array(readFileSync(defaultBiosPath()));
  const m = await createNodeMachine({ memMiB, rom, deterministic: true, stopOnTripleFault: true });
  m.insertFloppy(0, image(name));
  return m;
}

/** Run until the screen matches (typing keys first, if given); returns the screen. */
async function waitFor(m: Machine, re: RegExp, keys?: string, timeoutMs = 60000): Promise<string> {
  const r = await runMachine(m, { until: re, untilScreen: true, send: keys ? parseKeys(keys) : undefined, timeoutMs });
  const screen = m.screenText();
  if (r.end !== "matched") throw new Error(`${re} not on the screen (${r.end}):\n${screen}\n${m.dump()}`);
  return screen;
}

// the prompt on the last non-empty line of the screen
const PROMPT_LAST = /A:\\>\s*$/;

describe.skipIf(!existsSync(IMAGES + "freedos-boot-1440k.img"))("freedos-boot-1440k.img", () => {
  let m: Machine;
  beforeAll(async () => { m = await boot("freedos-boot-1440k.img"); });

  it("boots to A:\\>", async () => {
    const s = await waitFor(m, PROMPT_LAST);
    expect(s).toMatch(/^A:\\>$/m);
  });
  it("ver /r shows the FreeCOM and FreeDOS kernel versions", async () => {
    const s = await waitFor(m, /ver \/r[\s\S]*A:\\>\s*$/, "ver /r{Enter}");
    expect(s).toMatch(/FreeCom version/);
    expect(s).toMatch(/FreeDOS kernel/i);
  });
  it("dir lists KERNEL.SYS and COMMAND.COM", async () => {
    const s = await waitFor(m, /bytes free\s*\nA:\\>\s*$/, "cls{Enter}dir{Enter}");
    expect(s).toMatch(/^KERNEL\s+SYS\s+[\d,]+/m);
    expect(s).toMatch(/^COMMAND\s+COM\s+[\d,]+/m);
  });
  it("type prints a text file", async () => {
    const s = await waitFor(m, /type readme\.txt[\s\S]*\nA:\\>\s*$/, "cls{Enter}type readme.txt{Enter}");
    expect(s).toMatch(/This FreeDOS boot diskette was created by Jason Baker/);
    expect(s).toMatch(/github\.com\/codercowboy\/freedosbootdisks/);
  });
});

describe.skipIf(!existsSync(IMAGES + "freedos-boot-1440k.img"))("the command", () => {
  it("tab86 --fda IMG --until 'A:\\>' --screen exits 0 and prints the screen; --send types", () => {
    const r = spawnSync(process.execPath, [`${ROOT}bin/tab86.js`, "--fda", IMAGES + "freedos-boot-1440k.img", "--deterministic",
      "--send", "ver{Enter}", "--until", ">ver\\s+FreeCom version", "--timeout", "60", "--screen"], { encoding: "utf8", timeout: 90_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^A:\\>ver$/m);
    expect(r.stdout).toMatch(/FreeCom version/);
  });
});

describe.skipIf(!existsSync(IMAGES + "freedos722.img"))("freedos722.img", () => {
  let m: Machine;
  beforeAll(async () => { m = await boot("freedos722.img"); });
  it("boots with HIMEM: XMS driver installed, DOS in the HMA", async () => {
    const s = await waitFor(m, PROMPT_LAST);
    expect(s).toMatch(/FreeDOS HIMEM/);
    expect(s).toMatch(/Interface : XMS/);
    expect(s).toMatch(/Diskbuffers = \d+ Bytes in HMA/);
  });
  it("time advances between two calls (timer interrupt and RTC)", async () => {
    const t1 = await waitFor(m, /time\s*\n.*Current time is[^\n]*\n[^\n]*new time:\s*$/i, "cls{Enter}time{Enter}");
    await waitFor(m, PROMPT_LAST, "{Enter}");
    // let some seconds of virtual time pass at the prompt
    await runMachine(m, { timeoutMs: 1500 });
    const t2 = await waitFor(m, /time\s*\n.*Current time is[^\n]*\n[^\n]*new time:\s*$/i, "{Enter}cls{Enter}time{Enter}");
    await waitFor(m, PROMPT_LAST, "{Enter}");
    const at = (s: string) => s.match(/Current time is\s+([\d:.]+)/i)![1];
    expect(at(t2)).not.toBe(at(t1));
  });
  it("edit opens with its menu bar and takes typed text", async () => {
    const s = await waitFor(m, /File\s+Edit/, "cls{Enter}edit new.txt{Enter}");
    expect(s).toMatch(/File\s+Edit\s+Search/);
    const t = await waitFor(m, /Hello from tab86/, "Hello from tab86");
    expect(t).toMatch(/Hello from tab86/);
  });
});

describe.skipIf(!existsSync(IMAGES + "fdstd144.img"))("fdstd144.img", () => {
  it("boots answering yes to HIMEM and EMM386; DOS keeps working in virtual-8086 mode", async () => {
    const m = await boot("fdstd144.img");
    // answer each CONFIG.SYS question as it appears, keeping what the screen showed
    let seen = "";
    for (let i = 0; i < 12; i++) {
      const s = await waitFor(m, /(\[Y,N\]\?\s*$)|(A:\\>\s*$)/);
      seen += s + "\n";
      if (/A:\\>\s*$/.test(s)) break;
      const q = s.trimEnd().split("\n").pop()!.trimEnd();
      const esc = q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      await waitFor(m, new RegExp(esc + "[YN]"), /UMBPCI/i.test(q) ? "n" : "y");
    }
    expect(seen).toMatch(/FreeDOS EMM386/);
    expect(seen).not.toMatch(/error/i);
    // EMM386 runs DOS in virtual-8086 mode under paging from here on
    expect(m.r32(S.CR0) >>> 31).toBe(1);
    const d = await waitFor(m, /bytes free\s*\nA:\\>\s*$/, "cls{Enter}dir{Enter}");
    expect(d).toMatch(/Directory of A:\\/);
    expect(d).toMatch(/^COMMAND\s+COM/m);
    const t = await waitFor(m, /type config\.sys[\s\S]*\nA:\\>\s*$/, "cls{Enter}type config.sys{Enter}");
    expect(t).toMatch(/EMM386\.EXE/);
    const e = await waitFor(m, /dir \\fdos \/w[\s\S]*bytes free\s*\nA:\\>\s*$/, "cls{Enter}dir \\fdos /w{Enter}");
    expect(e).toMatch(/EDIT\.EXE/);
    const ed = await waitFor(m, /File\s+Edit\s+Search/, "cls{Enter}\\fdos\\edit new.txt{Enter}");
    expect(ed).toMatch(/FreeDOS Edit/);
    expect(await waitFor(m, /typed in V86 mode/, "typed in V86 mode")).toMatch(/typed in V86 mode/);
  });
});
