// Scripting a machine (issue 11, docs/scripting.md): expect/type steps on the command line and
// in a --script file, the exit port with QEMU's isa-debug-exit semantics, port traces, the
// instruction trace after a triple fault, and the Node API driving a FreeDOS boot.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { ROOT } from "./helpers.js";
import { createMachine, ExpectError, parseScript } from "../host/api.js";
import { parseSerialKeys } from "../host/keys.js";
import { decodePng } from "../host/png.js";

const tmp = mkdtempSync(join(tmpdir(), "tab86-script-"));
const FREEDOS = `${ROOT}../shared/images/freedos-boot-1440k.img`;
const KERNEL = join(ROOT, "test/roms/kernel/exitkernel.bin");

function tab86(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/tab86.js"), ...args], { encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A 64 KiB ROM running `code` at F000:0000 (the reset vector jumps there), then cli; hlt.
function romWith(name: string, code: number[]): string {
  const rom = new Uint8Array(0x10000).fill(0xf4);
  rom.set([...code, 0xfa, 0xf4], 0);
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0); // jmp far f000:0000
  const path = join(tmp, name);
  writeFileSync(path, rom);
  return path;
}

beforeAll(() => {
  if (!existsSync(FREEDOS)) throw new Error(`${FREEDOS} is missing: the boot tests read ../shared/images/ in place`);
});

describe("a FreeDOS session scripted on the command line", () => {
  it("--expect/--type pairs: boot, dir, type a file, ver", () => {
    const r = tab86("--fda", FREEDOS, "--deterministic", "--serial", "none",
      "--expect", "A:\\\\>", "--type", "dir{Enter}",
      "--expect", "bytes free", "--type", "type readme.txt{Enter}",
      "--expect", "Jason Baker", "--type", "ver{Enter}",
      "--expect", "FreeCom version", "--screen");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^COMMAND\s+COM\s+[\d,]+/m);
    expect(r.stdout).toMatch(/^A:\\>type readme\.txt$/m);
    expect(r.stdout).toMatch(/This FreeDOS boot diskette was created by Jason Baker/);
    expect(r.stdout).toMatch(/^A:\\>ver$/m);
    expect(r.stdout).toMatch(/FreeCom version 0\.82/);
  });

  it("--script FILE: the same session with key, wait and screenshot steps", () => {
    const png = join(tmp, "dir.png");
    const script = join(tmp, "freedos.script");
    writeFileSync(script, [
      "# FreeDOS: boot, list, print a file, version",
      "expect A:\\\\>$ timeout 60",
      "type dir",
      "key Enter",
      "expect bytes free",
      "screenshot " + png,
      'type "type readme.txt\\n"',
      "expect codercowboy",
      "wait 0.5",
      "type ver{Enter}",
      "expect FreeCom version",
      "",
    ].join("\n"));
    const r = tab86("--fda", FREEDOS, "--deterministic", "--serial", "none", "--script", script, "--screen");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^A:\\>ver$/m);
    expect(r.stdout).toMatch(/github\.com\/codercowboy\/freedosbootdisks/);
    expect(r.stdout).toMatch(/FreeCom version/);
    const img = decodePng(new Uint8Array(readFileSync(png)), (d) => new Uint8Array(inflateSync(d)));
    expect([img.width, img.height]).toEqual([720, 400]);
  });

  it("a step that cannot match times out: status 1, the step, the pattern and the screen", () => {
    const script = join(tmp, "never.script");
    writeFileSync(script, "expect A:\\\\>\ntype ver{Enter}\nexpect FreeCom\nexpect NO SUCH TEXT timeout 1\ntype dir{Enter}\n");
    const r = tab86("--fda", FREEDOS, "--deterministic", "--serial", "none", "--script", script);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^tab86: step 4 of 5 \\(${script.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:4: expect NO SUCH TEXT timeout 1\\) failed: "NO SUCH TEXT" did not appear: timed out after 1 s$`, "m"));
    expect(r.stderr).toMatch(/^the screen:\n[\s\S]*FreeCom version[\s\S]*A:\\>$/m);
    // the flag form names the flag
    const f = tab86("--fda", FREEDOS, "--deterministic", "--serial", "none", "--expect", "A:\\\\>", "--expect", "NEVER", "--timeout", "1");
    expect(f.status).toBe(1);
    expect(f.stderr).toMatch(/^tab86: step 2 of 2 \(--expect #2: expect NEVER\) failed: "NEVER" did not appear: timed out after 1 s$/m);
  });

  it("a guest that halts for good in a wait: done as the last step, a failure with steps after it", () => {
    const rom = romWith("halt.bin", [0xb0, 0x41, 0xe6, 0xe9]); // "A" on the debug port, cli, hlt
    const script = join(tmp, "wait.script");
    writeFileSync(script, "expect A\nwait 1\n");
    expect(tab86("--bios", rom, "--script", script).status).toBe(0);
    writeFileSync(script, "expect A\nwait 1\nexpect B\n");
    const r = tab86("--bios", rom, "--script", script);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tab86: step 2 of 3 \(\S*wait\.script:2: wait 1\): the guest halted with interrupts off, so the steps after it cannot run$/m);
  });

  it("bad scripts are refused before the machine starts (status 2)", () => {
    const bad = join(tmp, "bad.script");
    for (const [text, msg] of [
      ["expect (", /bad\.script:1: expect \(: not a valid regular expression/],
      ["type {Frob}", /bad\.script:1: unknown key \{Frob\}/],
      ["\nfrobnicate x", /bad\.script:2: unknown step "frobnicate"/],
      ["wait soon", /bad\.script:1: wait soon: expected a number of seconds/],
    ] as const) {
      writeFileSync(bad, text + "\n");
      const r = tab86("--script", bad);
      expect(r.status, text).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});

describe("the exit port (QEMU isa-debug-exit)", () => {
  it("a write of V exits with status (V << 1) | 1, as QEMU does", () => {
    let r = tab86("--kernel", KERNEL, "--append", "value=0x10", "--exit-port", "0xf4", "--debug-port", "stdio", "--timeout", "20");
    expect(r.stdout).toContain("writing 0x00000010 to port 0x000000f4");
    expect(r.status).toBe(33);
    r = tab86("--kernel", KERNEL, "--append", "port=0x501 value=3 size=2", "--exit-port", "0x501", "--timeout", "20");
    expect(r.status).toBe(7);
    // a dword write is one value; the status is its low 8 bits as an exit status has
    r = tab86("--kernel", KERNEL, "--append", "value=0x1234 size=4", "--exit-port", "0xf4", "--timeout", "20");
    expect(r.status).toBe(((0x1234 << 1) | 1) & 0xff);
  });

  it("is off by default, and refuses a port a device has", () => {
    let r = tab86("--kernel", KERNEL, "--append", "value=0x10", "--debug-port", "stdio", "--until", "still running", "--timeout", "20");
    expect(r.status).toBe(0);
    r = tab86("--kernel", KERNEL, "--exit-port", "0x3f8");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^tab86: exit port 0x3f8: the port belongs to a serial port$/m);
    r = tab86("--exit-port", "0x10000");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^tab86: --exit-port 0x10000: expected a port number from 0 to 0xFFFF$/m);
  });

  it("ends expect steps too, with the guest's status", () => {
    const r = tab86("--kernel", KERNEL, "--append", "value=2", "--exit-port", "0xf4", "--expect", "NEVER", "--timeout", "20");
    expect(r.status).toBe(5);
  });
});

describe("port traces", () => {
  // POST codes 01 02 7f ff to port 80h, a word to port 400h (an ISA port with nothing on it:
  // two byte writes, at 400h and 401h), "ok" to the debug port
  const code = [
    0xb0, 0x01, 0xe6, 0x80, 0xb0, 0x02, 0xe6, 0x80, 0xb0, 0x7f, 0xe6, 0x80, 0xb0, 0xff, 0xe6, 0x80,
    0xba, 0x00, 0x04, 0xb8, 0x34, 0x12, 0xef, // mov dx,400h; mov ax,1234h; out dx,ax
    0xb0, 0x6f, 0xe6, 0xe9, 0xb0, 0x6b, 0xe6, 0xe9, // "ok" on port E9h
  ];
  it("record exactly the bytes a test ROM writes, into a file or as lines", () => {
    const rom = romWith("post.bin", code);
    const file = join(tmp, "post.bin.trace");
    const r = tab86("--bios", rom, "--trace-port", `0x80=${file}`, "--trace-port", "0x401", "--trace-port", "0xe9", "--stats");
    expect(r.status).toBe(0);
    expect([...readFileSync(file)]).toEqual([0x01, 0x02, 0x7f, 0xff]);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("port "));
    expect(lines).toEqual(["port 0401 <- 12", "port 00e9 <- 6f", "port 00e9 <- 6b"]);
    // the traced port still works: 80h latched the last POST code
    expect(JSON.parse(r.stderr.trim().split("\n").pop()!).post_code).toBe(0xff);
  });
  it("see nothing without --trace-port", () => {
    const r = tab86("--bios", romWith("post2.bin", code));
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });
});

describe("--trace-cpu", () => {
  it("after a deliberate triple fault, shows the last instructions ending with the faulting one", () => {
    const r = tab86("--kernel", KERNEL, "--append", "triple", "--trace-cpu", "5", "--timeout", "20");
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/triple fault/);
    const trace = r.stderr.slice(r.stderr.indexOf("last 5 instructions")).trim().split("\n").slice(1);
    expect(trace).toHaveLength(5);
    expect(trace[3]).toMatch(/^ {2}0008:001000fa 001000fa {2}0f 01 1d [0-9a-f ]+ lidt \[/);
    expect(trace[4]).toMatch(/^ {2}0008:00100101 00100101 {2}0f 0b\s+ud2$/);
    expect(r.stderr).toMatch(/CS:EIP 0008:00100101/);
  });
  it("is off by default (the dump says how to turn it on) and checks its argument", () => {
    const r = tab86("--kernel", KERNEL, "--append", "triple", "--timeout", "20");
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/instruction trace off: --trace-cpu N keeps the last N/);
    const bad = tab86("--trace-cpu", "5000");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^tab86: --trace-cpu 5000: expected a number of instructions from 1 to 2048$/m);
  });
});

describe("the Node API", () => {
  it("drives a FreeDOS boot: expect, type, screenText, screenshot, stop", async () => {
    const m = await createMachine({ fda: FREEDOS, deterministic: true });
    expect(await m.expect(/A:\\>$/)).toBe("A:\\>");
    m.type("ver{Enter}");
    await m.expect(/FreeCom version \S+/);
    m.type("type readme.txt{Enter}");
    await m.expect("Jason Baker");
    expect(m.screenText()).toMatch(/^A:\\>type readme\.txt$/m);
    const png = m.screenshot();
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    // a snapshot (docs/snapshots.md; test/snapshot.test.ts restores them)
    expect(String.fromCharCode(...(await m.saveState()).subarray(0, 8))).toBe("TAB86SNP");
    // a pattern that never comes rejects with the reason and the screen
    const e = await m.expect(/NEVER/, { timeout: 0.5 }).catch((x) => x);
    expect(e).toBeInstanceOf(ExpectError);
    expect(e.message).toBe('"NEVER" did not appear: timed out after 0.5 s');
    expect(e.screen).toMatch(/Jason Baker/);
    // the prompt is on the screen, not in the serial output
    await expect(m.expect(/A:\\>/, { from: "serial", timeout: 0.3 })).rejects.toThrow(/timed out/);
    expect(await m.expect(/A:\\>/, { from: ["serial", "screen"] })).toBe("A:\\>");
    m.stop();
    await expect(m.expect(/A:/)).rejects.toThrow(/the machine was stopped/);
  });

  it("streams COM1 output and reports the exit port", async () => {
    // 8-bit words on COM1 (LCR 3Fbh = 03h), "hi" to 3F8h; once the transmitter is empty (LSR
    // bit 6), the value 4 to exit port F4h
    const rom = readFileSync(romWith("serial.bin", [0xba, 0xfb, 0x03, 0xb0, 0x03, 0xee, 0xba, 0xf8, 0x03, 0xb0, 0x68, 0xee, 0xb0, 0x69, 0xee,
      0xba, 0xfd, 0x03, 0xec, 0xa8, 0x40, 0x74, 0xfb, 0xb0, 0x04, 0xe6, 0xf4]));
    const m = await createMachine({ bios: new Uint8Array(rom), exitPort: 0xf4 });
    const chunks: Buffer[] = [];
    m.serial.on("data", (b: Buffer) => chunks.push(b));
    expect(await m.expect(/hi/)).toBe("hi");
    const e = await m.expect(/more/).catch((x) => x);
    expect(e.end).toBe("guest-exit");
    expect(m.exit).toEqual({ value: 4, status: 9 });
    m.stop();
    expect(Buffer.concat(chunks).toString()).toBe("hi");
  });
});

describe("typing to COM1", () => {
  it("after a match in the serial output, type() sends what a terminal sends to COM1", async () => {
    // 8N1, a ">" prompt on COM1, then every byte received is echoed to the debug port
    const code = [0xba, 0xfb, 0x03, 0xb0, 0x03, 0xee, 0xba, 0xf8, 0x03, 0xb0, 0x3e, 0xee,
      0xba, 0xfd, 0x03, 0xec, 0xa8, 0x01, 0x74, 0xf8, 0xba, 0xf8, 0x03, 0xec, 0xe6, 0xe9, 0xeb, 0xf0];
    const m = await createMachine({ bios: new Uint8Array(readFileSync(romWith("echo.bin", code))) });
    await m.expect(/>/, { from: "serial" });
    m.type("ls -l{Enter}{Ctrl-C}");
    expect(await m.expect(/ls -l\r\x03/, { from: "debug" })).toBe("ls -l\r\x03");
    // with the target fixed to the keyboard nothing reaches COM1
    m.type("x", "keyboard");
    await expect(m.expect(/x/, { from: "debug", timeout: 0.3 })).rejects.toThrow(/timed out/);
    m.stop();
  });
});

describe("what patterns see", () => {
  it("the screen from the CRTC start address: text below row 25 in memory matches once scrolled in", async () => {
    // "SCROLL" at row 30 of B8000 (not on the screen), a delay, then start address 800 = row 10
    const code = [0xb8, 0x00, 0xb8, 0x8e, 0xd8];
    [..."SCROLL"].forEach((c, i) => code.push(0xc6, 0x06, (0x12c0 + 2 * i) & 0xff, (0x12c0 + 2 * i) >> 8, c.charCodeAt(0)));
    code.push(0xb9, 0xff, 0xff, 0xe2, 0xfe, 0xba, 0xd4, 0x03, 0xb8, 0x0c, 0x03, 0xef, 0xb8, 0x0d, 0x20, 0xef, 0xeb, 0xfe);
    const m = await createMachine({ bios: new Uint8Array(readFileSync(romWith("scroll.bin", code))) });
    expect(await m.expect(/^SCROLL$/m, { timeout: 20 })).toBe("SCROLL");
    expect(m.screenText().split("\n")[20]).toBe("SCROLL");
    m.stop();
  });
});

describe("the package", () => {
  it("exports the Node API with its types under the package name", () => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e",
      "import { createMachine, Tab86Machine } from 'tab86'; console.log(typeof createMachine, typeof Tab86Machine.prototype.expect)"], { cwd: ROOT, encoding: "utf8" });
    expect(r.stdout.trim()).toBe("function function");
    const dts = readFileSync(join(ROOT, "dist/host/api.d.ts"), "utf8");
    expect(dts).toMatch(/export declare function createMachine\(opts: CreateOptions\): Promise<Tab86Machine>/);
    expect(dts).toMatch(/expect\(pattern: RegExp \| string/);
  });
});

describe("the notation", () => {
  it("script lines", () => {
    const s = parseScript("expect # $ timeout 5\ntype ls{Enter}\nkey Ctrl-C\nwait 1.5\nexit 3\nexpect ^Linux from serial timeout 9\n", "t");
    expect(s.map((x) => x.kind)).toEqual(["expect", "type", "key", "wait", "exit", "expect"]);
    expect(s[0]).toMatchObject({ timeoutS: 5, where: "t:1" });
    expect((s[0] as { re: RegExp }).re.source).toBe("# $");
    expect(s[5]).toMatchObject({ timeoutS: 9, from: ["serial"], where: "t:6" });
    expect((s[5] as { re: RegExp }).re.source).toBe("^Linux");
    expect(() => parseScript("expect x from tty\n", "t")).toThrow(/^t:1: from tty: expected serial, debug and\/or screen/);
  });
  it("keys on a serial line are what a terminal sends", () => {
    const str = (t: string) => String.fromCharCode(...parseSerialKeys(t));
    expect(str("ls -l{Enter}")).toBe("ls -l\r");
    expect(str("{Ctrl-C}{Ctrl-d}{Tab}{Esc}")).toBe("\x03\x04\t\x1b");
    expect(str("{Alt-X}{Up}{F1}{F5}{Del}")).toBe("\x1bx\x1b[A\x1bOP\x1b[15~\x1b[3~");
  });
});
