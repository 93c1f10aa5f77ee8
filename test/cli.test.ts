// The `tab86` command: flags, exit statuses and messages (issue: "the command").
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "tab86-cli-"));

function tab86(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/tab86.js"), ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A 64 KiB ROM running `code` at F000:0000 (the reset vector at offset 0xFFF0 jumps there).
function romWith(name: string, code: number[]): string {
  const rom = new Uint8Array(0x10000).fill(0xf4);
  rom.set(code, 0);
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0); // jmp far f000:0000
  const path = join(tmp, name);
  writeFileSync(path, rom);
  return path;
}

const out = (s: string) => [...s].flatMap((c) => [0xb0, c.charCodeAt(0), 0xe6, 0xe9]); // mov al,c; out 0xe9,al
let hello: string;
let tripleFault: string;
let spin: string;

beforeAll(() => {
  // mov al,0x42; out 0x80,al; print "OK\n"; cli; hlt
  hello = romWith("hello.bin", [0xb0, 0x42, 0xe6, 0x80, ...out("OK\n"), 0xfa, 0xf4]);
  // lidt [0] loads limit 0 from zeroed RAM; int3 then faults through #GP and #DF: triple fault
  tripleFault = romWith("triple.bin", [0x0f, 0x01, 0x1e, 0x00, 0x00, 0xcc]);
  // jmp $ forever
  spin = romWith("spin.bin", [0xeb, 0xfe]);
});

describe("tab86 command", () => {
  it("runs a test ROM until PASS (the issue's acceptance command)", () => {
    const r = tab86("--bios", join(ROOT, "test/roms/smoke.bin"), "--debug-port", "stdio", "--until", "PASS", "--timeout", "30");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("PASS");
    expect(r.status).toBe(0);
  });

  it("runs through npx as the issue states it", () => {
    const r = spawnSync("npx", ["tab86", "--bios", "test/roms/smoke.bin", "--debug-port", "stdio", "--until", "PASS", "--timeout", "30"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.stdout).toContain("PASS");
    expect(r.status).toBe(0);
  });

  it("reports the last POST code and counters with --stats", () => {
    const r = tab86("--bios", hello, "--debug-port", "stdio", "--stats");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("OK\n");
    const stats = JSON.parse(r.stderr.trim().split("\n").pop()!);
    expect(stats.post_code).toBe(0x42);
    expect(stats.exit).toBe("halted");
    expect(stats.instructions).toBe(11); // jmp far, mov, out, 3 x (mov, out), cli, hlt
    expect(typeof stats.mips).toBe("number");
  });

  it("writes the debug port to a file", () => {
    const path = join(tmp, "debug.txt");
    const r = tab86("--bios", hello, "--debug-port", `file:${path}`);
    expect(r.status).toBe(0);
    expect(readFileSync(path, "utf8")).toBe("OK\n");
  });

  it("exits 1 with a message when --until does not appear before the timeout", () => {
    const r = tab86("--bios", spin, "--until", "NEVER", "--timeout", "1");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/timeout after 1 s: "NEVER" did not appear/);
  });

  it("exits 1 when the guest halts before --until appears", () => {
    const r = tab86("--bios", hello, "--until", "NEVER", "--timeout", "5");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/halted with interrupts off/);
  });

  it("stops on a triple fault with a register dump", () => {
    const r = tab86("--bios", tripleFault, "--timeout", "5");
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/triple fault/);
    expect(r.stderr).toMatch(/CS:EIP f000:00000005/);
    expect(r.stderr).toMatch(/EAX 00000000/);
    expect(r.stderr).toMatch(/IDTR 00000000\/0000/);
  });

  it("runs hot loops compiled by default and only interpreted with --no-jit (JIT counters in --stats)", () => {
    // mov ecx, 200000; .l: dec ecx; jnz .l; cli; hlt (32-bit operands in real mode)
    const loop = romWith("loop", [0x66, 0xb9, 0x40, 0x0d, 0x03, 0x00, 0x66, 0x49, 0x75, 0xfc, 0xfa, 0xf4]);
    const on = JSON.parse(tab86("--bios", loop, "--deterministic", "--stats").stderr.trim().split("\n").pop()!);
    const off = JSON.parse(tab86("--bios", loop, "--deterministic", "--stats", "--no-jit").stderr.trim().split("\n").pop()!);
    expect(on.instructions).toBe(400004); // jmp far at the reset vector, mov, 2 x 200000, cli, hlt
    expect(off.instructions).toBe(400004);
    expect(on.jit).toBe("on");
    expect(on.jit_modules).toBeGreaterThan(0);
    expect(on.jit_share).toBeGreaterThan(0.9);
    expect(on.jit_exits_budget + on.jit_exits_branch + on.jit_exits_helper).toBe(on.jit_entries); // every entry left once
    for (const k of ["jit_wasm_bytes", "jit_compile_ms", "jit_entries", "jit_exits_helper", "jit_invalidations", "jit_evictions"]) expect(typeof on[k]).toBe("number");
    expect(off.jit).toBe("off");
    expect(off.jit_modules).toBe(0);
    expect(off.jit_share).toBe(0);
  });

  it("is repeatable with --deterministic", () => {
    const a = tab86("--bios", spin, "--deterministic", "--timeout", "0.5", "--stats");
    const b = tab86("--bios", join(ROOT, "test/roms/smoke.bin"), "--deterministic", "--until", "PASS", "--debug-port", "none", "--stats");
    const c = tab86("--bios", join(ROOT, "test/roms/smoke.bin"), "--deterministic", "--until", "PASS", "--debug-port", "none", "--stats");
    expect(a.status).toBe(0);
    expect(JSON.parse(b.stderr).instructions).toBe(JSON.parse(c.stderr).instructions);
  });

  describe("bad input: one line naming the problem, status 2", () => {
    const cases: [string, string[], RegExp][] = [
      ["unknown flag", ["--frobnicate"], /^tab86: unknown flag --frobnicate$/m],
      ["missing value", ["--bios"], /^tab86: --bios needs a value$/m],
      ["bad boot order", ["--boot", "x"], /^tab86: --boot x: expected drive letters a, b, c, d in boot order$/m],
      ["bad key name", ["--send", "{Frob}"], /^tab86: --send: unknown key \{Frob\}$/m],
      ["floppy image missing", ["--fda", "/nonexistent/a.img"], /^tab86: --fda \/nonexistent\/a.img: no such file$/m],
      ["ROM file missing", ["--bios", "/nonexistent/rom.bin"], /^tab86: --bios \/nonexistent\/rom.bin: no such file$/m],
      ["ROM is a directory", ["--bios", "/tmp"], /^tab86: --bios \/tmp: not a regular file$/m],
      ["memory not a number", ["--bios", "x", "--mem", "lots"], /^tab86: --mem lots: not a whole number of MiB$/m],
      ["memory too large", ["--bios", "x", "--mem", "4096"], /memory size must be a whole number of MiB from 1 to 3072, got 4096/],
      ["memory zero", ["--bios", "x", "--mem", "0"], /memory size must be a whole number of MiB from 1 to 3072, got 0/],
      ["bad regex", ["--bios", "x", "--until", "("], /^tab86: --until \(: not a valid regular expression/m],
      ["bad timeout", ["--bios", "x", "--timeout", "-3"], /^tab86: --timeout -3: expected a positive number of seconds$/m],
      ["bad debug port", ["--bios", "x", "--debug-port", "tty"], /^tab86: --debug-port tty: expected stdio, none or file:PATH$/m],
      ["flag of a later version", ["--vga-bios", "x"], /^tab86: --vga-bios is not available yet in this version of tab86$/m],
      ["snapshot missing", ["--load-state", "/nonexistent/x.snap"], /^tab86: --load-state \/nonexistent\/x.snap: cannot read \(ENOENT\)$/m],
      ["not a snapshot", ["--load-state", "/etc/hostname"], /^tab86: --load-state \/etc\/hostname: not a tab86 snapshot \(no "TAB86SNP" at the start\)$/m],
      ["record and replay", ["--record", "a", "--replay", "b"], /^tab86: --record and --replay: give one of them$/m],
      ["replay file missing", ["--bios", "/nonexistent/rom.bin", "--replay", "/nonexistent/r.json"], /^tab86: --bios \/nonexistent\/rom.bin: no such file$/m],
      ["kernel missing", ["--kernel", "/nonexistent/vmlinuz"], /^tab86: --kernel \/nonexistent\/vmlinuz: no such file$/m],
      ["initrd without a kernel", ["--initrd", "x"], /^tab86: --initrd needs --kernel$/m],
      ["kernel and boot order", ["--kernel", "x", "--boot", "c"], /^tab86: --boot and --kernel: the kernel is started instead of booting a device; give one of them$/m],
      ["hard disk image missing", ["--hda", "/nonexistent/c.img"], /^tab86: --hda \/nonexistent\/c.img: no such file$/m],
      ["CD image missing", ["--cdrom", "/nonexistent/d.iso"], /^tab86: --cdrom \/nonexistent\/d.iso: no such file$/m],
      ["export without a sandbox", ["--export", "/tmp/out"], /^tab86: --export needs --sandbox/m],
      ["sandbox file missing", ["--sandbox", "/nonexistent/f.exe"], /^tab86: --sandbox \/nonexistent\/f.exe: no such file or folder$/m],
      ["sandbox and a hard disk", ["--sandbox", "/tmp", "--hda", "x.img"], /^tab86: --sandbox puts its two disks on the primary IDE channel: leave out --hda and --hdb$/m],
    ];
    for (const [what, args, msg] of cases) {
      it(what, () => {
        const r = tab86(...args);
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(msg);
        expect(r.stdout).toBe("");
      });
    }
    it("an image whose size is no floppy geometry", () => {
      const path = join(tmp, "odd.img");
      writeFileSync(path, new Uint8Array(1000));
      const r = tab86("--fdb", path);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tab86: --fdb ${path}: 1000 bytes is not a floppy image size`, "m"));
    });
    it("kernels that are not one: no header, truncated, too old", () => {
      const junk = join(tmp, "junk.bin");
      writeFileSync(junk, new Uint8Array(9000).fill(0x5a));
      let r = tab86("--kernel", junk);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tab86: --kernel ${junk}: neither a Linux bzImage \\(no "HdrS" header at 202h\\) nor a multiboot kernel`, "m"));
      // a bzImage header (boot protocol 2.15, 4 setup sectors) that promises 1 MB of kernel
      // after the setup code, in a file that stops after 4 KiB (Documentation/arch/x86/boot.rst)
      const k = new Uint8Array(4096);
      const dv = new DataView(k.buffer);
      k[0x1f1] = 4;
      dv.setUint32(0x1f4, 0x10000, true); // syssize in 16-byte units
      dv.setUint16(0x1fe, 0xaa55, true);
      dv.setUint32(0x202, 0x53726448, true);
      dv.setUint16(0x206, 0x020f, true);
      k[0x211] = 1;
      const trunc = join(tmp, "trunc.bz");
      writeFileSync(trunc, k);
      r = tab86("--kernel", trunc);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tab86: --kernel ${trunc}: truncated \\(the header says 1048576 bytes of kernel after the setup code, the file has 1536\\)$`, "m"));
      dv.setUint16(0x206, 0x0201, true);
      writeFileSync(trunc, k);
      r = tab86("--kernel", trunc);
      expect(r.stderr).toMatch(/boot protocol 2\.01 is too old \(2\.02 or later needed\)$/m);
      // a whole kernel that unpacks itself at 16 MiB (pref_address) into 20 MiB (init_size)
      const big = new Uint8Array(4096 + 512);
      big.set(k.subarray(0, 4096));
      const bv = new DataView(big.buffer);
      bv.setUint16(0x206, 0x020f, true);
      bv.setUint32(0x1f4, 0x20, true); // 512 bytes after the setup code
      bv.setUint32(0x258, 0x1000000, true);
      bv.setUint32(0x260, 0x1400000, true);
      const bigPath = join(tmp, "big.bz");
      writeFileSync(bigPath, big.subarray(0, 5 * 512 + 512));
      r = tab86("--kernel", bigPath, "--mem", "32");
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tab86: --kernel ${bigPath}: needs 36 MiB of RAM to start \\(it unpacks itself at 16 MiB\\), the machine has 32 MiB \\(--mem\\)$`, "m"));
    });
    it("an empty disk image, and a CD to boot from with no El Torito record", () => {
      const empty = join(tmp, "empty.img");
      writeFileSync(empty, new Uint8Array(0));
      let r = tab86("--hda", empty);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tab86: --hda ${empty}: the file is empty \\(0 bytes\\)$`, "m"));
      const iso = join(tmp, "data.iso");
      const img = new Uint8Array(20 * 2048);
      img.set([1, 0x43, 0x44, 0x30, 0x30, 0x31, 1], 16 * 2048); // a primary volume descriptor only
      writeFileSync(iso, img);
      r = tab86("--cdrom", iso, "--boot", "d");
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tab86: --cdrom ${iso}: not bootable: no El Torito boot record \\(sector 17\\)$`, "m"));
    });
    it("disk images that are not whole sectors", () => {
      const path = join(tmp, "odd.hd");
      writeFileSync(path, new Uint8Array(1000));
      let r = tab86("--hda", path);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tab86: --hda ${path}: 1000 bytes is not a whole number of 512-byte sectors$`, "m"));
      const iso = join(tmp, "odd.iso");
      writeFileSync(iso, new Uint8Array(4096 + 512));
      r = tab86("--cdrom", iso);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tab86: --cdrom ${iso}: 4608 bytes is not a whole number of 2048-byte sectors$`, "m"));
    });
    it("wrongly sized ROM", () => {
      const path = join(tmp, "short.bin");
      writeFileSync(path, new Uint8Array(1000));
      const r = tab86("--bios", path);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tab86: ROM: a BIOS ROM must be 64 KiB to 1 MiB in whole 64 KiB units, this one is 1000 bytes$`, "m"));
    });
  });
});
