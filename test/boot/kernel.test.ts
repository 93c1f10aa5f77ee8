// Direct kernel boot of a multiboot kernel (tools/kernels/mbinfo.asm, built into
// test/kernels/mbinfo.elf): it prints what the loader handed it to port 0xE9. Expected values
// follow the Multiboot Specification 0.6.96 (§3.2 machine state, §3.3 information format) and
// the machine's configuration (RAM size, the files given as modules).
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { ROOT } from "../helpers.js";

const MEM_MIB = 48;
let fields: Map<string, string[]>;
let mods: { path: string; text: string }[];

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "tab86-mb-"));
  mods = [
    { path: join(dir, "first.txt"), text: "the first module's contents" },
    { path: join(dir, "second.bin"), text: "0123456789abcdef0123456789ABCDEF and more after 32 bytes" },
  ];
  for (const m of mods) writeFileSync(m.path, m.text);
  const r = spawnSync(process.execPath, [join(ROOT, "bin/tab86.js"), "--kernel", join(ROOT, "test/kernels/mbinfo.elf"),
    "--initrd", mods.map((m) => m.path).join(","), "--append", "root=none quiet", "--mem", String(MEM_MIB),
    "--debug-port", "stdio", "--serial", "none", "--until", "^done$", "--timeout", "30"], { encoding: "utf8", timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  fields = new Map();
  for (const line of r.stdout.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp < 0) continue;
    const k = line.slice(0, sp);
    fields.set(k, [...(fields.get(k) ?? []), line.slice(sp + 1)]);
  }
});

const one = (k: string) => fields.get(k)![0];
const num = (k: string, i = 0) => parseInt(fields.get(k)![i], 16);

describe("multiboot kernel boot (--kernel with an ELF multiboot kernel)", () => {
  it("enters 32-bit protected mode with EAX = 2BADB002h, paging and interrupts off", () => {
    expect(one("magic")).toBe("2badb002");
    expect(num("cr0") & 0x80000001).toBe(0x00000001); // PE set, PG clear
    expect(num("eflags") & 0x20200).toBe(0); // IF and VM clear
  });
  it("reports the memory below 640 KiB and above 1 MiB in KiB", () => {
    expect(num("flags") & 0x41).toBe(0x41);
    expect(num("mem_lower")).toBe(639); // up to the 1 KiB EBDA at 9FC00h
    expect(num("mem_upper")).toBe(MEM_MIB * 1024 - 1024);
  });
  it("passes the command line and the loader's name", () => {
    expect(num("flags") & 0x204).toBe(0x204);
    expect(one("cmdline")).toBe(`${join(ROOT, "test/kernels/mbinfo.elf")} root=none quiet`);
    expect(one("loader")).toBe("tab86");
  });
  it("loads each module page-aligned (header flag 0) with its string", () => {
    expect(num("flags") & 0x8).toBe(0x8);
    expect(num("mods")).toBe(2);
    mods.forEach((m, i) => {
      const start = num("mod_start", i), end = num("mod_end", i);
      expect(start % 4096).toBe(0);
      expect(end - start).toBe(Buffer.byteLength(m.text));
      expect(fields.get("mod_string")![i]).toBe(m.path);
      expect(fields.get("mod_text")![i]).toBe(m.text.slice(0, 32));
    });
    // after the kernel's image and bss (1 MiB + file + 4 KiB stack), in order, not overlapping
    expect(num("mod_start", 0)).toBeGreaterThanOrEqual(0x100000 + readFileSync(join(ROOT, "test/kernels/mbinfo.elf")).length);
    expect(num("mod_start", 1)).toBeGreaterThanOrEqual(num("mod_end", 0));
  });
  it("gives a memory map whose usable parts are conventional memory and RAM above 1 MiB", () => {
    expect(num("flags") & 0x40).toBe(0x40);
    const entries = fields.get("map")!.map((l) => l.split(" ").map((x) => parseInt(x, 16)));
    expect(num("mmap_length")).toBe(entries.length * 24);
    const usable = entries.filter((e) => e[2] === 1).map((e) => [e[0], e[1]]);
    expect(usable).toEqual([[0, 0x9fc00], [0x100000, MEM_MIB * 1048576 - 0x100000]]);
    // the BIOS area below 1 MiB is reserved
    expect(entries.some((e) => e[2] === 2 && e[0] <= 0xf0000 && e[0] + e[1] >= 0x100000)).toBe(true);
  });
});
