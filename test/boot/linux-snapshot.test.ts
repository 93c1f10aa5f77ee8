// Snapshots of the Linux that `npm run images` builds (docs/snapshots.md). One boot to the
// shell (with the JIT; the disk under a copy-on-write overlay), then
// - a snapshot with a disk read in flight (the IDE channel's event or a served request
//   pending) and the x87 in use restored into fresh machines, JIT on and off: after the same
//   instructions they are in the uninterrupted machine's state byte for byte, and printed the
//   same serial output;
// - a snapshot of the idle machine stopped at its hlt restored the same way;
// - two machines restored from the snapshot at the prompt are independent, down to their disks.
import { describe, it, expect, beforeAll } from "vitest";
import { existsSync, writeFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeMachine, defaultBiosPath, readImage, FileDisk } from "../../host/node.js";
import { Overlay } from "../../host/blockdev.js";
import { loadKernel } from "../../host/kernel.js";
import { runMachine } from "../../host/run.js";
import { Machine } from "../../host/machine.js";
import { saveState, restoreState, stateDigest } from "../../host/snapshot.js";
import { runTo, eventPending, fpuInUse } from "../snapshot-util.js";
import * as S from "../../core-as/state.js";
import { ROOT } from "../helpers.js";

const IMAGES = join(ROOT, "images");
const PROMPT = /# $/;
const EV_IDE = 8;

// The machine as the Linux boot test makes it; restores need the same images attached.
async function machine(jit: "on" | "off" = "on"): Promise<Machine> {
  const m = await createNodeMachine({ memMiB: 128, rom: readImage(defaultBiosPath(), "BIOS"), deterministic: true, stopOnTripleFault: true, jit });
  m.attachDisk(0, "hd", new Overlay(new FileDisk(join(IMAGES, "linux-hd.img"), "--hda")), "--hda");
  loadKernel(m, {
    kernel: readImage(join(IMAGES, "linux/vmlinuz"), "--kernel"), name: "vmlinuz",
    initrd: [{ name: "initrd.img", data: readImage(join(IMAGES, "linux/initrd.img"), "--initrd") }],
    append: "console=ttyS0,115200 cryptomgr.notests",
  });
  return m;
}

async function shell(m: Machine, cmd: string | undefined, until: RegExp, seconds = 120): Promise<string> {
  const r = await runMachine(m, { until, timeoutMs: seconds * 1000, serialInput: cmd === undefined ? [] : [...Buffer.from(cmd + "\n")] });
  if (r.end !== "matched") throw new Error(`${cmd ?? "boot"}: ${r.end}; serial output:\n${r.serialOutput.slice(-2000)}`);
  return r.serialOutput.replace(/\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])/g, "").replace(/\r/g, "");
}

async function restored(snap: Uint8Array, jit: "on" | "off" = "on"): Promise<Machine> {
  const m = await machine(jit);
  await restoreState(m, snap);
  return m;
}

async function digest(m: Machine): Promise<string> {
  m.screenText();
  return stateDigest(m);
}

let booted: Machine;
let atPrompt: Uint8Array;

beforeAll(async () => {
  if (!existsSync(join(IMAGES, "manifest.json"))) throw new Error(`the Linux images are missing (${IMAGES}): run npm run images`);
  booted = await machine();
  await shell(booted, undefined, PROMPT, 600);
  atPrompt = await saveState(booted);
}, 900_000);

describe("Linux snapshots", () => {
  it("with a disk read in flight and the x87 in use: restored machines, JIT on and off, reach the uninterrupted state", async () => {
    const a = await restored(atPrompt);
    // a disk read in the background and floating point in the foreground
    a.serialIn(0, Buffer.from("dd if=/dev/sda of=/dev/null bs=16k count=1024 & awk 'BEGIN{for(i=1;i<=100000;i++)s+=1/i;printf \"sum %.3f\\n\", s}'\n"));
    // (the two rarely meet: a reader's fpstate is the init state; so two snapshots)
    let out = "";
    const until = (what: string, ok: () => boolean) => {
      for (let i = 0; i < 20000; i++) {
        if (ok()) return;
        out += runTo(a, a.instructions + 997n);
      }
      throw new Error(`no moment with ${what}; serial output:\n${JSON.stringify(out.slice(-1000))}`);
    };
    until("a disk transfer in flight", () => eventPending(a, EV_IDE) || a.r32(S.DISK_REQ_STATE) === 2);
    const snaps: { at: bigint; snap: Uint8Array; outAt: number }[] = [{ at: a.instructions, snap: await saveState(a), outAt: out.length }];
    until("the x87 in use", () => fpuInUse(a));
    snaps.push({ at: a.instructions, snap: await saveState(a), outAt: out.length });
    const end = a.instructions + 10_000_000n;
    out += runTo(a, end);
    const want = await digest(a);

    for (const { at, snap, outAt } of snaps) {
      for (const jit of ["on", "off"] as const) {
        const b = await restored(snap, jit);
        expect(b.instructions).toBe(at);
        expect(runTo(b, end), `JIT ${jit}, from ${at}`).toBe(out.slice(outAt));
        expect(await digest(b), `JIT ${jit}, from ${at}`).toBe(want);
      }
    }
    // and the command finishes with the same answer
    const rest = await shell(a, undefined, /sum [\d.]+\n[\s\S]*# $/);
    expect(out + rest).toMatch(/sum 12\.090/); // the harmonic number H(100000)
  }, 600_000);

  it("the idle machine stopped at its hlt", async () => {
    const a = await restored(atPrompt);
    // small slices until one ends at a hlt (the run loop's look-first bit set: without it
    // restored, the machine would run on past the hlt)
    for (let n = 0; ; n++) {
      if (n > 1_000_000) throw new Error("the machine never stopped at a hlt");
      const r = a.run(7);
      if (r === S.EXIT_HALT && a.core.signal_pending() === 1) break;
    }
    expect(a.r32(S.HALTED)).toBe(1);
    const snap = await saveState(a);
    const at = a.instructions;
    a.serialIn(0, Buffer.from("echo after the hlt\n"));
    const serialA = runTo(a, at + 5_000_000n);
    expect(serialA).toMatch(/after the hlt/);
    const want = await digest(a);
    for (const jit of ["on", "off"] as const) {
      const b = await restored(snap, jit);
      b.serialIn(0, Buffer.from("echo after the hlt\n"));
      expect(runTo(b, at + 5_000_000n)).toBe(serialA);
      expect(await digest(b), `JIT ${jit}`).toBe(want);
    }
  }, 600_000);

  it("tab86 --load-state: the shell answers typed input (a deterministic machine that idles still reads stdin)", () => {
    const file = join(tmpdir(), `tab86-linux-${process.pid}.snap`);
    writeFileSync(file, atPrompt);
    const r = spawnSync(process.execPath, [join(ROOT, "bin/tab86.js"), "--hda", join(IMAGES, "linux-hd.img"), "--kernel", join(IMAGES, "linux/vmlinuz"),
      "--initrd", join(IMAGES, "linux/initrd.img"), "--append", "console=ttyS0,115200 cryptomgr.notests", "--load-state", file,
      "--until", "restored-42", "--timeout", "60"], { encoding: "utf8", timeout: 120_000, input: "echo restored-$((6*7))\n" });
    rmSync(file);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/echo restored-\$\(\(6\*7\)\)\r?\nrestored-42/);
  }, 180_000);

  it("fork: two machines from one snapshot, each with its own files and disk", async () => {
    const x = await restored(atPrompt), y = await restored(atPrompt);
    expect(await shell(x, "echo fork-x > /tmp/f && dd if=/tmp/f of=/dev/sda bs=512 seek=8 conv=notrunc,fsync 2>/dev/null; cat /tmp/f", /fork-x\n# $/)).toMatch(/fork-x/);
    // y has neither the file nor the disk write
    expect(await shell(y, "cat /tmp/f; echo status $?", /status \d+\n# $/)).toMatch(/No such file[\s\S]*status 1/);
    const sector = (m: Machine) => shell(m, "dd if=/dev/sda bs=512 skip=8 count=1 2>/dev/null | head -c 6 | od -An -c", /\n# $/);
    expect(await sector(x)).toMatch(/f\s+o\s+r\s+k\s+-\s+x/);
    expect(await sector(y)).not.toMatch(/f\s+o\s+r\s+k/);
    expect((x.disk(0) as Overlay).blocks()).toContain(1);
    expect((y.disk(0) as Overlay).blocks()).not.toContain(1);
    // the machine they came from saw none of it
    expect((booted.disk(0) as Overlay).blocks()).not.toContain(1);
  }, 600_000);
});
