// Boot tests: the FreeDOS floppies in ../shared/images/ (read in place, never copied) boot with
// the built-in BIOS, headless, and take commands typed through the emulated PS/2 keyboard.
// They drive the machine through the Node API (host/api.ts, docs/scripting.md): type, then
// expect what the screen shows.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createMachine, ExpectError, Tab86Machine } from "../../host/api.js";
import { ROOT } from "../helpers.js";
import * as S from "../../core-as/state.js";

const IMAGES = `${ROOT}../shared/images/`;
// The images are test data that must be there (CI has ../shared beside the clone): a missing
// one fails the test with this message rather than skipping it.
const image = (name: string) => {
  if (!existsSync(IMAGES + name)) throw new Error(`${IMAGES}${name} is missing: the boot tests read ../shared/images/ in place`);
  return new Uint8Array(readFileSync(IMAGES + name));
};

async function boot(name: string, memMiB = 32, fdb?: string): Promise<Tab86Machine> {
  return createMachine({ fda: image(name), fdb: fdb === undefined ? undefined : image(fdb), mem: memMiB, deterministic: true, expectTimeout: 60 });
}

/** Type keys (if given), run until the screen matches; returns the screen. */
async function waitFor(m: Tab86Machine, re: RegExp, keys?: string): Promise<string> {
  if (keys) m.type(keys);
  try {
    await m.expect(re);
  } catch (e) {
    if (e instanceof ExpectError) throw new Error(`${e.message}\n${e.screen}\n${await m.dump()}`);
    throw e;
  }
  return m.screenText();
}

// fdstd144's CONFIG.SYS asks before each driver: yes to DOS=HIGH, HIMEM and EMM386, no to
// UMBPCI. Answers each question as it appears and returns what the screen showed.
async function answerConfig(m: Tab86Machine): Promise<string> {
  let seen = "";
  for (let i = 0; i < 12; i++) {
    const s = await waitFor(m, /(\[Y,N\]\?\s*$)|(A:\\>\s*$)/);
    seen += s + "\n";
    if (/A:\\>\s*$/.test(s)) break;
    const q = s.trimEnd().split("\n").pop()!.trimEnd();
    const esc = q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await waitFor(m, new RegExp(esc + "[YN]"), /UMBPCI/i.test(q) ? "n" : "y");
  }
  return seen;
}

// the prompt on the last non-empty line of the screen
const PROMPT_LAST = /A:\\>\s*$/;

describe("freedos-boot-1440k.img", () => {
  let m: Tab86Machine;
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

describe("the command", () => {
  it("tab86 --fda IMG --until 'A:\\>' --screen exits 0 and prints the screen; --send types", () => {
    const r = spawnSync(process.execPath, [`${ROOT}bin/tab86.js`, "--fda", IMAGES + "freedos-boot-1440k.img", "--deterministic",
      "--send", "ver{Enter}", "--until", ">ver\\s+FreeCom version", "--timeout", "60", "--screen"], { encoding: "utf8", timeout: 90_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^A:\\>ver$/m);
    expect(r.stdout).toMatch(/FreeCom version/);
  });
});

describe("freedos722.img", () => {
  let m: Tab86Machine;
  beforeAll(async () => { m = await boot("freedos722.img"); });
  it("boots with HIMEM: XMS driver installed, DOS in the HMA", async () => {
    const s = await waitFor(m, PROMPT_LAST);
    expect(s).toMatch(/FreeDOS HIMEM/);
    expect(s).toMatch(/Interface : XMS/);
    expect(s).toMatch(/Diskbuffers = \d+ Bytes in HMA/);
  });
  // The image's CONFIG.SYS loads HIMEM without /VERBOSE, so the amount of XMS memory is asked
  // from the driver itself: DEBUG assembles INT 2Fh AX=4310h (the XMS entry point) and XMS
  // function 08h (DX = total free extended memory in KiB, XMS 2.0 specification).
  it("HIMEM's XMS has the extended memory that --mem gives", async () => {
    const freeKiB = async (memMiB: number): Promise<number> => {
      const x = await boot("freedos722.img", memMiB);
      await waitFor(x, PROMPT_LAST);
      await waitFor(x, /^-\s*$/m, "cls{Enter}debug{Enter}");
      const prog = ["a 100", "mov ax,4310", "int 2f", "mov [200],bx", "mov ax,es", "mov [202],ax",
        "mov ah,08", "call far [200]", "int 3", ""];
      await waitFor(x, /^-\s*$/m, prog.join("{Enter}") + "{Enter}");
      const regs = await waitFor(x, /DX=[0-9A-F]{4}[\s\S]*\n-\s*$/, "g =100{Enter}");
      return parseInt(regs.match(/DX=([0-9A-F]{4})/)![1], 16);
    };
    const at16 = await freeKiB(16);
    const at32 = await freeKiB(32);
    // 16 MiB more RAM is exactly 16384 KiB more XMS
    expect(at32 - at16).toBe(16384);
    // all of extended memory (RAM above 1 MiB) less the HMA, less what DOS itself took
    // (FreeCOM keeps a swap area in XMS)
    const extended = (32 - 1) * 1024 - 64;
    expect(at32).toBeLessThanOrEqual(extended);
    expect(at32).toBeGreaterThan(extended - 256);
  });
  it("time advances between two calls (timer interrupt and RTC)", async () => {
    const t1 = await waitFor(m, /time\s*\n.*Current time is[^\n]*\n[^\n]*new time:\s*$/i, "cls{Enter}time{Enter}");
    await waitFor(m, PROMPT_LAST, "{Enter}");
    // let some seconds of virtual time pass at the prompt
    expect((await m.wait(3)).end).toBe("elapsed");
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

describe("fdstd144.img", () => {
  it("boots answering yes to HIMEM and EMM386; DOS keeps working in virtual-8086 mode", async () => {
    const m = await boot("fdstd144.img");
    const seen = await answerConfig(m);
    expect(seen).toMatch(/FreeDOS EMM386/);
    expect(seen).not.toMatch(/error/i);
    // EMM386 /VERBOSE: the XMS memory it found is all of --mem (32 MiB) above 1 MiB less the
    // HMA, then EMS pages and an upper memory block are set up
    expect(seen).toMatch(new RegExp(`XMStotal mem 0x[0-9a-f]+\\(${(32 - 1) * 1024 - 64}\\)`));
    expect(seen).toMatch(/total available EMS [1-9]\d* pages/);
    expect(seen).toMatch(/UMB block 0 at c000:0000/);
    // EMM386 runs DOS in virtual-8086 mode under paging from here on
    expect(m.machine.r32(S.CR0) >>> 31).toBe(1);
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
  it("runs a game from a disk in B: (freedos722's ROGUE) in virtual-8086 mode", async () => {
    const m = await boot("fdstd144.img", 32, "freedos722.img");
    expect(await answerConfig(m)).toMatch(/FreeDOS EMM386/);
    const s = await waitFor(m, /Rogue's Name\?/, "cls{Enter}b:\\games\\rogue{Enter}");
    expect(s).toMatch(/ROGUE:\s+The Adventure Game/);
    expect((m.machine.core.eflags() >>> 17) & 1).toBe(1); // the game runs in V86 mode under EMM386
    expect(await waitFor(m, /Rogue's Name\? t/, "t")).toMatch(/Rogue's Name\? t/);
  });
});
