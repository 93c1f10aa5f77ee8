// Snapshots with FreeDOS (docs/snapshots.md): one boot of freedos-boot-1440k.img (read in place
// from ../shared/images/) to the prompt, then
// - a snapshot in the middle of a DIR (the timer's event due, its interrupt next; the BIOS reads floppies
//   without a device in between, so disk transfers in flight are test/boot/linux-snapshot's)
//   restored into fresh machines, with the JIT and without, reaches the same state
//   as the machine that went on uninterrupted, byte for byte, after the same instructions;
// - a snapshot saved by the command (--save-state) is restored in another process and there
//   reaches the state this process computes without a snapshot; --load-state runs on from it;
// - two machines restored from one snapshot are independent (a fork);
// - damaged, truncated, newer-format, hostile and wrong-machine snapshots are refused with
//   their own message, and the machine they were restored into is unchanged;
// - a recorded session of typed commands replays to the same screen and state.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, writeFileSync, existsSync, mkdtempSync } from "node:fs";
import { spawnSync, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { createMachine, Tab86Machine } from "../host/api.js";
import { saveState, restoreState, stateDigest, readHeader, SnapshotError } from "../host/snapshot.js";
import { InputRecorder, InputReplayer, parseInputLog, ReplayError } from "../host/replay.js";
import { crc32Of } from "../host/crc32.js";
import { TAB86_VERSION } from "../host/version.js";
import { runTo, runToNextEvent, eventDue } from "./snapshot-util.js";
import { ROOT } from "./helpers.js";
import * as S from "../core-as/state.js";

const IMAGES = `${ROOT}../shared/images/`;
const image = (name: string) => {
  if (!existsSync(IMAGES + name)) throw new Error(`${IMAGES}${name} is missing: the tests read ../shared/images/ in place`);
  return new Uint8Array(readFileSync(IMAGES + name));
};
const FLOPPY = "freedos-boot-1440k.img";
const fresh = (jit: "on" | "off" = "on", mem = 32, fda = FLOPPY) => createMachine({ fda: image(fda), mem, deterministic: true, jit, expectTimeout: 120 });
const tmp = mkdtempSync(join(tmpdir(), "tab86-snap-"));

/** The screen and the state digest (after a render on both sides: see stateDigest). */
async function look(t: Tab86Machine): Promise<{ screen: string; digest: string }> {
  const screen = t.machine.screenText();
  return { screen, digest: await stateDigest(t.machine) };
}

let booted: Tab86Machine;
let atPrompt: Uint8Array;

beforeAll(async () => {
  booted = await fresh();
  await booted.expect(/A:\\>\s*$/);
  atPrompt = await saveState(booted.machine);
}, 120_000);

describe("round trip", () => {
  it("in the middle of DIR (timer interrupt due): restored machines, JIT on and off, reach the uninterrupted state", async () => {
    const a = await fresh();
    await a.restoreState(atPrompt);
    a.type("dir{Enter}");
    await a.expect(/A:\\>dir/);
    // stop where the next device event (the timer's) is due: the interrupt is what comes next
    runTo(a.machine, a.machine.instructions + 200_000n);
    runToNextEvent(a.machine);
    expect(eventDue(a.machine)).toBe(true);
    const snap = await saveState(a.machine);
    const at = a.machine.instructions;
    const N = 4_000_000n;
    const serialA = runTo(a.machine, at + N);
    const want = await look(a);
    expect(want.screen).toMatch(/KERNEL\s+SYS/);

    for (const jit of ["on", "off"] as const) {
      const b = await fresh(jit);
      await b.restoreState(snap);
      expect(b.machine.instructions).toBe(at);
      const serialB = runTo(b.machine, at + N);
      const got = await look(b);
      expect(got.screen, `JIT ${jit}`).toBe(want.screen);
      expect(serialB).toBe(serialA);
      expect(got.digest, `JIT ${jit}`).toBe(want.digest);
    }
  }, 300_000);

  it("with the run loop's look-before-the-next-instruction bit set (after sti, iret, a device's request)", async () => {
    const a = await fresh();
    await a.restoreState(atPrompt);
    a.type("dir{Enter}");
    await a.expect(/A:\\>dir/);
    const ok: bigint[] = [];
    // several such moments, each a round trip
    for (let k = 0; k < 4; k++) {
      // small slices until one ends with the bit set (FreeDOS waits for keys without hlt: the
      // halted case is test/boot/linux-snapshot's)
      for (let n = 0; ; n++) {
        if (n > 1_000_000) throw new Error("no slice ended with the bit set");
        const r = a.machine.run(11);
        if (a.machine.core.signal_pending() === 1) break;
        if (r === S.EXIT_HALT) a.machine.idleUntil(a.machine.haltUntil);
      }
      const snap = await saveState(a.machine);
      const at = a.machine.instructions;
      const b = await fresh("off");
      await b.restoreState(snap);
      runTo(a.machine, at + 200_000n + BigInt(k) * 1_000_003n);
      runTo(b.machine, at + 200_000n + BigInt(k) * 1_000_003n);
      const want = await look(a);
      expect(await look(b), `at instruction ${at}`).toEqual(want);
      ok.push(at);
    }
    expect(ok.length).toBe(4);
  }, 300_000);

  it("a snapshot taken with the JIT off restores with it on", async () => {
    const c = await fresh("off");
    await c.restoreState(atPrompt);
    c.type("type readme.txt{Enter}");
    await c.expect(/A:\\>type readme.txt/);
    runToNextEvent(c.machine);
    expect(eventDue(c.machine)).toBe(true);
    const snap = await saveState(c.machine);
    const at = c.machine.instructions;
    runTo(c.machine, at + 3_000_000n);
    const want = await look(c);
    expect(want.screen).toMatch(/Jason Baker/);
    const d = await fresh("on");
    await d.restoreState(snap);
    runTo(d.machine, at + 3_000_000n);
    expect(await look(d)).toEqual(want);
  }, 300_000);

  it("--save-state in one process, restored in another: the same state as without a snapshot", async () => {
    const file = join(tmp, "prompt.snap");
    const cli = spawnSync(process.execPath, [`${ROOT}bin/tab86.js`, "--fda", IMAGES + FLOPPY, "--mem", "32", "--deterministic", "--serial", "none",
      "--until", "A:\\\\>", "--save-state", file], { encoding: "utf8", timeout: 120_000 });
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    const snap = new Uint8Array(readFileSync(file));
    const at = BigInt(readHeader(snap).header.instructions);
    const N = 3_000_000n;
    // this process: the same machine run to that instruction and on, no snapshot anywhere
    const u = await fresh();
    runTo(u.machine, at + N);
    const want = await look(u);
    // another process restores the file and runs the same instructions
    // (the same loop as runTo: halts skip virtual time)
    const script = `
      import { createMachine, restoreState, stateDigest } from ${JSON.stringify(`${ROOT}dist/host/api.js`)};
      import { readFileSync } from "node:fs";
      const t = await createMachine({ fda: ${JSON.stringify(IMAGES + FLOPPY)}, mem: 32, deterministic: true });
      const m = t.machine;
      await restoreState(m, new Uint8Array(readFileSync(${JSON.stringify(file)})));
      while (m.instructions < ${at + N}n) {
        if (m.run(Math.min(Number(${at + N}n - m.instructions), 5000000)) === ${S.EXIT_HALT}) m.idleUntil(m.haltUntil);
      }
      console.log(JSON.stringify({ screen: m.screenText(), digest: await stateDigest(m) }));`;
    writeFileSync(join(tmp, "child.mjs"), script);
    const child = spawnSync(process.execPath, [join(tmp, "child.mjs")], { encoding: "utf8", timeout: 120_000 });
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual(want);

    // --load-state runs on from the snapshot: ver answers
    const on = spawnSync(process.execPath, [`${ROOT}bin/tab86.js`, "--fda", IMAGES + FLOPPY, "--load-state", file, "--serial", "none",
      "--send", "ver{Enter}", "--until", "FreeCom version", "--screen"], { encoding: "utf8", timeout: 120_000 });
    expect(on.stderr).toBe("");
    expect(on.status).toBe(0);
    expect(on.stdout).toMatch(/A:\\>ver\s*\n[\s\S]*FreeCom version/);
  }, 300_000);
});

describe("saving while the command runs", () => {
  it("SIGUSR1 saves to the --save-state file, and the run goes on", async () => {
    const file = join(tmp, "usr1.snap");
    const p = spawn(process.execPath, [`${ROOT}bin/tab86.js`, "--fda", IMAGES + FLOPPY, "--mem", "32", "--deterministic", "--serial", "none",
      "--timeout", "6", "--save-state", file]);
    let stderr = "";
    p.stderr.on("data", (d) => { stderr += d; });
    const ended = new Promise<number | null>((r) => p.on("exit", (code) => r(code)));
    await new Promise((r) => setTimeout(r, 2500));
    p.kill("SIGUSR1");
    for (let i = 0; i < 100 && !/SIGUSR1/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toMatch(/^\ntab86: SIGUSR1: state saved to \S+usr1\.snap \(\d+ bytes, instruction \d+\)\n/);
    const during = readHeader(new Uint8Array(readFileSync(file))).header.instructions;
    expect(await ended).toBe(0); // --timeout ends it (no --until: status 0), and it saves again at the end
    const after = readHeader(new Uint8Array(readFileSync(file))).header.instructions;
    expect(BigInt(after)).toBeGreaterThan(BigInt(during));
    const t = await fresh();
    await t.restoreState(file);
    expect(t.machine.instructions).toBe(BigInt(after));
  }, 60_000);
});

describe("Ctrl-A S on the terminal", () => {
  it("saves to the --save-state file (the console in raw mode on a pseudo-terminal, made by script(1))", async () => {
    const file = join(tmp, "ctrl-a.snap");
    const cmd = [process.execPath, `${ROOT}bin/tab86.js`, "--fda", IMAGES + FLOPPY, "--mem", "32", "--deterministic", "--timeout", "30", "--save-state", file].map((a) => `'${a}'`).join(" ");
    const p = spawn("script", ["-qfec", cmd, "/dev/null"]);
    let out = "";
    p.stdout.on("data", (d) => { out += d; });
    const ended = new Promise<number | null>((r) => p.on("exit", (code) => r(code)));
    await new Promise((r) => setTimeout(r, 2500));
    p.stdin.write("\x01s");
    for (let i = 0; i < 100 && !/Ctrl-A S/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/\r\ntab86: Ctrl-A S: state saved to \S+ctrl-a\.snap \(\d+ bytes, instruction \d+\)\r\n/);
    const during = readHeader(new Uint8Array(readFileSync(file))).header.instructions;
    p.stdin.write("\x01x"); // quit: and --save-state saves again at the end
    expect(await ended).toBe(0);
    expect(BigInt(readHeader(new Uint8Array(readFileSync(file))).header.instructions)).toBeGreaterThan(BigInt(during));
  }, 60_000);
});

describe("fork", () => {
  it("two machines restored from one snapshot go their own ways", async () => {
    const x = await fresh(), y = await fresh();
    await x.restoreState(atPrompt);
    await y.restoreState(atPrompt);
    x.type("echo forked>x.txt{Enter}");
    await x.expect(/A:\\>echo forked>x.txt\s*\nA:\\>\s*$/);
    x.type("ver{Enter}");
    await x.expect(/FreeCom version[\s\S]*A:\\>\s*$/);
    // y saw none of it: its screen is still the prompt, and x's file is not on its floppy
    expect(y.screenText()).toBe(booted.screenText());
    y.type("type x.txt{Enter}");
    await y.expect(/A:\\>type x.txt[\s\S]*A:\\>\s*$/);
    expect(y.screenText()).not.toMatch(/forked/);
    x.type("type x.txt{Enter}");
    await x.expect(/A:\\>type x.txt\s*\nforked\s*\nA:\\>\s*$/);
    // and the one they came from is untouched too
    expect(booted.screenText()).not.toMatch(/forked|FreeCom/);
  }, 300_000);
});

describe("bad snapshots", () => {
  // each refused with its message, and the machine it was restored into unchanged
  let target: Tab86Machine | undefined;
  async function refused(bytes: Uint8Array, message: RegExp, into?: Tab86Machine): Promise<void> {
    // (one machine takes every refusal: each must leave it as it was)
    const t = into ?? (target ??= await fresh());
    t.machine.screenText();
    const before = await stateDigest(t.machine);
    const err = await restoreState(t.machine, bytes, "x.snap").then(() => undefined, (e) => e);
    expect(err).toBeInstanceOf(SnapshotError);
    expect((err as Error).message).toMatch(message);
    t.machine.screenText();
    expect(await stateDigest(t.machine)).toBe(before);
  }
  const withCrc = (b: Uint8Array) => {
    new DataView(b.buffer, b.byteOffset).setUint32(b.length - 4, crc32Of(b.subarray(0, b.length - 4)), true);
    return b;
  };
  // a snapshot with the same header and another payload (the payload as given, deflated)
  const rebuilt = (raw: Uint8Array) => {
    const { header } = readHeader(atPrompt);
    const payload = new Uint8Array(deflateRawSync(raw));
    const h = new TextEncoder().encode(JSON.stringify({ ...header, payloadBytes: payload.length }));
    const out = new Uint8Array(16 + h.length + payload.length + 4);
    out.set(atPrompt.subarray(0, 12));
    new DataView(out.buffer).setUint32(12, h.length, true);
    out.set(h, 16);
    out.set(payload, 16 + h.length);
    return withCrc(out);
  };
  const section = (tag: number, pages: number[]) => {
    const b = new Uint8Array(8 + pages.length * (4 + 4096));
    const dv = new DataView(b.buffer);
    dv.setUint32(0, tag, true);
    dv.setUint32(4, pages.length, true);
    pages.forEach((p, i) => { dv.setUint32(8 + i * 4, p, true); b.fill(0xcc, 8 + pages.length * 4 + i * 4096, 8 + pages.length * 4 + (i + 1) * 4096); });
    return b;
  };
  const concat = (...parts: Uint8Array[]) => { const o = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let at = 0; for (const p of parts) { o.set(p, at); at += p.length; } return o; };

  it("a flipped byte: checksum mismatch", async () => {
    const b = atPrompt.slice();
    b[b.length >> 1] ^= 0x40;
    await refused(b, /^x\.snap: corrupted \(checksum mismatch\)$/, booted);
  });
  it("cut short: truncated", async () => {
    await refused(atPrompt.slice(0, atPrompt.length - 1000), /^x\.snap: truncated \(\d+ bytes of \d+\)$/);
    await refused(atPrompt.slice(0, 20), /^x\.snap: truncated/);
  });
  it("not a snapshot", async () => {
    await refused(image(FLOPPY), /^x\.snap: not a tab86 snapshot/);
  });
  it("a newer format", async () => {
    const b = atPrompt.slice();
    new DataView(b.buffer).setUint32(8, 2, true);
    await refused(b, new RegExp(`^x\\.snap: snapshot format 2, this tab86 \\(${TAB86_VERSION.replace(/\./g, "\\.")}\\) reads format 1: it was made by a newer tab86$`));
  });
  it("another machine: RAM, clock, floppy", async () => {
    await refused(atPrompt, /^x\.snap: made for a different machine: RAM: the snapshot has 32 MiB, this machine 64 MiB \(--mem 32\)$/, await fresh("on", 64));
    await refused(atPrompt, /^x\.snap: made for a different machine: floppy A: a different image than the snapshot was taken with$/, await fresh("on", 32, "freedos722.img"));
    const wall = await createMachine({ fda: image(FLOPPY), mem: 32 });
    await refused(atPrompt, /the snapshot's clock is deterministic, this machine's is not \(--deterministic\)/, wall);
  });
  it("a consistent file whose sections reach outside their regions, or are malformed", async () => {
    const ramPages = (32 << 20) / 4096;
    await refused(rebuilt(concat(section(11, [ramPages]), section(0, []))), /^x\.snap: corrupted \(section 11: page 8192 out of range or out of order\)$/);
    await refused(rebuilt(concat(section(11, [5, 5]), section(0, []))), /out of range or out of order/);
    await refused(rebuilt(concat(section(1, [3]), section(0, []))), /section 1: page 3 out of range/);
    await refused(rebuilt(concat(section(0x201, [0]), section(0, []))), /blocks for the primary slave, which has no disk/);
    await refused(rebuilt(concat(section(99, []), section(0, []))), /unknown section 99/);
    await refused(rebuilt(section(11, [1])), /the payload ends inside a section/);
    await refused(rebuilt(concat(section(11, [1]).subarray(0, 100))), /cut short/);
    await refused(rebuilt(concat(section(0, []), new Uint8Array(4))), /data after the end/);
    // the words the core trusts (sizes of RAM, VRAM, images; the clock) must be this machine's
    const raw = new Uint8Array(inflateRawSync(readHeader(atPrompt).payload));
    const dv = new DataView(raw.buffer);
    expect(dv.getUint32(0, true)).toBe(1); // the state block's section comes first, its page 0 with it
    expect(dv.getUint32(8, true)).toBe(0);
    dv.setUint32(8 + dv.getUint32(4, true) * 4 + (S.MEM_SIZE - S.STATE), 0x40000000, true);
    await refused(rebuilt(raw), /^x\.snap: corrupted \(the saved RAM size is not this machine's\)$/);
    const bad = atPrompt.slice();
    bad.fill(0x55, 16 + new DataView(bad.buffer).getUint32(12, true), 16 + new DataView(bad.buffer).getUint32(12, true) + 64);
    await refused(withCrc(bad), /^x\.snap: corrupted \(the payload does not inflate to a snapshot\)$/);
    // a payload that inflates to more than any snapshot of this machine holds (a "zip bomb")
    await refused(rebuilt(new Uint8Array(96 << 20)), /^x\.snap: corrupted \(the payload does not inflate to a snapshot\)$/);
  });
});

describe("record and replay", () => {
  it("a FreeDOS session of typed commands replays to the same screen and state", async () => {
    const r = await fresh();
    const rec = new InputRecorder(r.machine);
    await r.expect(/A:\\>\s*$/);
    r.type("ver{Enter}");
    await r.expect(/FreeCom version[\s\S]*A:\\>\s*$/);
    r.type("echo recorded>r.txt{Enter}type r.txt{Enter}");
    await r.expect(/type r.txt\s*\nrecorded\s*\nA:\\>\s*$/);
    await r.wait(0.5);
    const end = r.machine.instructions;
    const want = await look(r);
    expect(rec.inputs.length).toBeGreaterThan(10);
    writeFileSync(join(tmp, "session.json"), rec.toJSON());

    const p = await fresh("off");
    const rep = new InputReplayer(p.machine, parseInputLog(readFileSync(join(tmp, "session.json"), "utf8")));
    runTo(p.machine, end);
    expect(rep.remaining).toBe(0);
    expect(await look(p)).toEqual(want);

    // the inputs are what made it: without them the screen is the bare prompt; with one input
    // a little later, the replay notices it went another way (or ends elsewhere)
    const q = await fresh();
    runTo(q.machine, end);
    expect(q.machine.screenText()).not.toBe(want.screen);
    const log = parseInputLog(rec.toJSON());
    log.inputs[3] = { ...log.inputs[3], bytes: [0x1c, 0xf0, 0x1c] }; // "a" instead of what was typed
    const z = await fresh();
    new InputReplayer(z.machine, log);
    let diverged: unknown;
    try { runTo(z.machine, end); } catch (e) { diverged = e; }
    if (!diverged) expect(z.machine.screenText()).not.toBe(want.screen);
    else expect(diverged).toBeInstanceOf(ReplayError);
  }, 300_000);

  it("--record and --replay on the command", () => {
    const log = join(tmp, "cli.json");
    const args = ["--fda", IMAGES + FLOPPY, "--mem", "32", "--deterministic", "--serial", "none", "--screen", "--stats"];
    const rec = spawnSync(process.execPath, [`${ROOT}bin/tab86.js`, ...args, "--expect", "A:\\\\>", "--type", "ver{Enter}", "--expect", "FreeCom version[\\s\\S]*A:\\\\>", "--record", log], { encoding: "utf8", timeout: 120_000 });
    expect(rec.status).toBe(0);
    const { instructions } = JSON.parse(rec.stderr.trim().split("\n").pop()!);
    const recorded = JSON.parse(readFileSync(log, "utf8"));
    expect(recorded.inputs.length).toBeGreaterThan(3);
    // the replay runs as far as the recording did, without the steps that typed
    const rep = spawnSync(process.execPath, [`${ROOT}bin/tab86.js`, ...args, "--replay", log, "--until", "FreeCom version[\\s\\S]*A:\\\\>"], { encoding: "utf8", timeout: 120_000 });
    expect(rep.status).toBe(0);
    expect(rep.stdout).toBe(rec.stdout);
    expect(instructions).toBeGreaterThan(0);
    const bad = spawnSync(process.execPath, [`${ROOT}bin/tab86.js`, "--fda", IMAGES + FLOPPY, "--replay", log], { encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^tab86: --replay: replaying input needs a deterministic machine \(--deterministic\)$/m);
  }, 300_000);
});
