// The sandbox's host side without a guest (host/sandbox.ts, host/zip.ts, the initrd joining in
// host/kernel.ts): the limits and their messages, the two disks' labels and sizes, reading a
// damaged export disk, folders from the file system, and the .zip the page downloads, checked
// with Info-ZIP's unzip.
import { describe, it, expect } from "vitest";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sandboxDisk, exportDisk, readExport, sandboxAppend, SandboxError, MAX_FILES, EXPORT_SIZE } from "../../host/sandbox.js";
import { readFatImage } from "../../host/fatread.js";
import { joinInitrds } from "../../host/kernel.js";
import { sandboxFiles } from "../../host/api.js";
import { zip } from "../../host/zip.js";
import { crc32Of } from "../../host/crc32.js";

const tmp = mkdtempSync(join(tmpdir(), "tab86-sandbox-host-"));
const text = (s: string) => new TextEncoder().encode(s);

describe("the sandbox's disks", () => {
  it("SANDBOX holds the files; EXPORT is empty, 64 MiB, FAT16", () => {
    const d = sandboxDisk([{ path: "a.txt", data: text("a\n") }]);
    const v = readFatImage(d.image);
    expect(v.label).toBe("SANDBOX");
    expect(v.files.map((f) => f.path)).toEqual(["a.txt"]);
    const e = exportDisk();
    expect(e.length).toBe(EXPORT_SIZE);
    const ev = readFatImage(e);
    expect([ev.label, ev.type, ev.files.length]).toEqual(["EXPORT", 16, 0]);
    expect(readExport(e)).toEqual([]);
  });

  it("refuses no files, too many files and too many bytes, saying which", () => {
    expect(() => sandboxDisk([])).toThrow(/no files: choose or drop at least one file/);
    const many = Array.from({ length: MAX_FILES + 1 }, (_, i) => ({ path: `f${i}`, data: new Uint8Array(0) }));
    expect(() => sandboxDisk(many)).toThrow(new SandboxError(`${MAX_FILES + 1} files: the sandbox takes at most ${MAX_FILES} at once`));
    const big = new Uint8Array(130 << 20);
    expect(() => sandboxDisk([{ path: "one.bin", data: big }, { path: "two.bin", data: big }])).toThrow(/260 MiB of files: the sandbox takes at most 256 MiB in all \(the biggest, one.bin, is 130 MiB\)/);
  });

  it("a damaged export disk is a SandboxError that says so", () => {
    const e = exportDisk();
    e.fill(0xff, 2048 * 512 + 11, 2048 * 512 + 13); // bytes per sector 0xFFFF
    expect(() => readExport(e)).toThrow(/the export disk cannot be read: no FAT file system/);
  });

  it("the command line gets tab86.sandbox once", () => {
    expect(sandboxAppend("console=ttyS0")).toBe("console=ttyS0 tab86.sandbox");
    expect(sandboxAppend("console=ttyS0 tab86.sandbox")).toBe("console=ttyS0 tab86.sandbox");
  });
});

describe("--sandbox paths", () => {
  it("takes files by name and folders with their files under the folder's name", () => {
    mkdirSync(join(tmp, "case", "sub"), { recursive: true });
    writeFileSync(join(tmp, "case", "x.bin"), "x");
    writeFileSync(join(tmp, "case", "sub", "y.bin"), "y");
    writeFileSync(join(tmp, "z.txt"), "z");
    const files = sandboxFiles([join(tmp, "case"), join(tmp, "z.txt")]);
    expect(files.map((f) => f.path)).toEqual(["case/sub/y.bin", "case/x.bin", "z.txt"]);
    expect(() => sandboxFiles([join(tmp, "missing")])).toThrow(/--sandbox .*missing: no such file or folder/);
  });
});

describe("initrds one after the other", () => {
  it("each starts 4-byte aligned, zeros between", () => {
    const j = joinInitrds([Uint8Array.of(1, 2, 3, 4, 5), Uint8Array.of(6, 7)]);
    expect([...j]).toEqual([1, 2, 3, 4, 5, 0, 0, 0, 6, 7, 0, 0]);
  });
});

describe("zip", () => {
  it("CRC-32 of the standard check string", () => {
    expect(crc32Of(text("123456789"))).toBe(0xcbf43926);
  });
  it("unzip lists, tests and extracts what zip() writes (UTF-8 names, folders, empty files)", () => {
    const files = [
      { path: "out.txt", data: text("from the guest\n") },
      { path: "sub/rand.bin", data: randomBytes(100_000) },
      { path: "Résumé – final.txt", data: text("unicode\n") },
      { path: "empty", data: new Uint8Array(0) },
    ];
    const p = join(tmp, "t.zip");
    writeFileSync(p, zip(files));
    const env = { ...process.env, LC_ALL: "C.UTF-8" };
    execFileSync("unzip", ["-tq", p], { env });
    expect(execFileSync("unzip", ["-Z1", p], { env }).toString().split("\n").filter(Boolean)).toEqual(files.map((f) => f.path));
    expect(execFileSync("unzip", ["-p", p, "sub/rand.bin"], { maxBuffer: 1 << 20 }).equals(Buffer.from(files[1].data))).toBe(true);
  });
});
