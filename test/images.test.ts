// The Linux guest images that `npm run images` builds (npm test builds them first): each is
// what images/manifest.json says, read back with small readers written here, apart from the
// writers in tools/images/. Booting them is tools/images/qemu-check.sh's job (QEMU is not on
// CI) and the boot tests'.
import { describe, it, expect } from "vitest";
import { readFileSync, existsSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

interface FileInfo { guestPath: string; size: number; md5: string; text?: string }
const DIR = `${ROOT}images/`;
// The images are test data that must be there: a missing one fails with this message.
const need = (name: string): Buffer => {
  if (!existsSync(DIR + name)) throw new Error(`${DIR}${name} is missing: run npm run images (docs/images.md)`);
  return readFileSync(DIR + name);
};
const manifest = () => JSON.parse(need("manifest.json").toString()) as {
  modules: string[]; banner: string; kernel: { release: string };
  outputs: Record<string, { size: number; md5: string }>;
  hd: { partitions: { start: number; sectors: number }[]; files: FileInfo[] }; iso: { files: FileInfo[] };
};
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

// newc cpio entries: name -> { mode, data, rdev }.
function cpio(buf: Buffer) {
  const out = new Map<string, { mode: number; data: Buffer; rdev: [number, number] }>();
  for (let p = 0; ; ) {
    expect(buf.toString("latin1", p, p + 6)).toBe("070701");
    const f = (i: number) => parseInt(buf.toString("latin1", p + 6 + 8 * i, p + 14 + 8 * i), 16);
    const nameLen = f(11), size = f(6);
    const name = buf.toString("latin1", p + 110, p + 110 + nameLen - 1);
    const dataAt = (p + 110 + nameLen + 3) & ~3;
    if (name === "TRAILER!!!") return out;
    out.set(name, { mode: f(1), data: buf.subarray(dataAt, dataAt + size), rdev: [f(9), f(10)] });
    p = (dataAt + size + 3) & ~3;
  }
}

// A file's contents in an ext2 file system, by path (direct and single indirect blocks).
function ext2File(fs: Buffer, path: string): Buffer {
  const sb = 1024, bs = 1024 << fs.readUInt32LE(sb + 24), perGroup = fs.readUInt32LE(sb + 40), isize = fs.readUInt16LE(sb + 88);
  const gdt = (fs.readUInt32LE(sb + 20) + 1) * bs;
  const inode = (n: number) => {
    const g = Math.floor((n - 1) / perGroup), table = fs.readUInt32LE(gdt + 32 * g + 8);
    const at = table * bs + ((n - 1) % perGroup) * isize;
    const size = fs.readUInt32LE(at + 4), blocks: number[] = [];
    for (let i = 0; i < 12; i++) blocks.push(fs.readUInt32LE(at + 40 + 4 * i));
    const ind = fs.readUInt32LE(at + 88);
    if (ind) for (let i = 0; i < bs / 4; i++) blocks.push(fs.readUInt32LE(ind * bs + 4 * i));
    const data = Buffer.concat(blocks.slice(0, Math.ceil(size / bs)).map((b) => fs.subarray(b * bs, (b + 1) * bs)));
    return data.subarray(0, size);
  };
  let ino = 2;
  for (const name of path.split("/")) {
    const dir = inode(ino);
    let found = 0;
    for (let p = 0; p < dir.length; p += dir.readUInt16LE(p + 4)) {
      if (dir.toString("latin1", p + 8, p + 8 + dir[p + 6]) === name) found = dir.readUInt32LE(p);
    }
    expect(found, `${path}: ${name} in the ext2 directory`).toBeGreaterThan(0);
    ino = found;
  }
  return inode(ino);
}

// A file's contents on an ISO 9660 image, by path with level 1 names ("TESTS/HELLO.TXT").
function isoFile(iso: Buffer, path: string): Buffer {
  const rec = (at: number) => ({ lba: iso.readUInt32LE(at + 2), size: iso.readUInt32LE(at + 10) });
  let cur = rec(16 * 2048 + 156);
  for (const name of path.split("/")) {
    let next: { lba: number; size: number } | null = null;
    for (let p = cur.lba * 2048; p < cur.lba * 2048 + cur.size; ) {
      const len = iso[p];
      if (len === 0) { p = (Math.floor(p / 2048) + 1) * 2048; continue; }
      const id = iso.toString("latin1", p + 33, p + 33 + iso[p + 32]).replace(/\.?;1$/, "");
      if (id === name) next = rec(p);
      p += len;
    }
    expect(next, `${path}: ${name} on the CD`).not.toBeNull();
    cur = next!;
  }
  return iso.subarray(cur.lba * 2048, cur.lba * 2048 + cur.size);
}

describe("Linux images (npm run images)", () => {
  it("every output has the size and MD5 the manifest gives", () => {
    const m = manifest();
    for (const [name, o] of Object.entries(m.outputs)) {
      const b = need(name);
      expect(b.length, name).toBe(o.size);
      expect(md5(b), name).toBe(o.md5);
    }
  });

  it("the initramfs has /init, busybox, /dev/console and every module with modules.dep", () => {
    const m = manifest();
    const files = cpio(gunzipSync(need("linux/initrd.img")));
    expect(files.get("init")!.mode & 0o111).toBeTruthy();
    expect(files.get("init")!.data.toString()).toContain("exec /sbin/init");
    expect(files.get("bin/busybox")!.data.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(files.get("dev/console")!.rdev).toEqual([5, 1]);
    expect(files.get("etc/profile")!.data.toString()).toContain("PS1='# '");
    expect(files.get("etc/modules")!.data.toString().trim().split("\n")).toEqual(m.modules);
    const mods = `lib/modules/${m.kernel.release}/`;
    const dep = files.get(`${mods}modules.dep`)!.data.toString();
    for (const name of m.modules) {
      const line = dep.split("\n").find((l) => l.split(":")[0].replace(/^.*\/|\.ko$/g, "").replace(/-/g, "_") === name);
      expect(line, `${name} in modules.dep`).toBeTruthy();
      for (const p of line!.replace(/:/, " ").split(/\s+/).filter(Boolean)) expect(files.has(mods + p), p).toBe(true);
    }
  });

  it("the sandbox's tools archive: file(1), its loader and libraries, the magic database; /init mounts the sandbox", () => {
    const m = manifest() as unknown as { tools: { programs: string[]; files: { path: string; size?: number; link?: string }[] } };
    const files = cpio(gunzipSync(need("linux/tools.img")));
    for (const f of m.tools.files) {
      expect(files.has(f.path), f.path).toBe(true);
      if (f.link) expect(files.get(f.path)!.mode & 0o170000, f.path).toBe(0o120000);
      else expect(files.get(f.path)!.data.length, f.path).toBe(f.size);
    }
    for (const p of ["usr/bin/file", "lib/ld-linux.so.2", "lib/i386-linux-gnu/libc.so.6", "usr/lib/i386-linux-gnu/libmagic.so.1", "usr/lib/file/magic.mgc", "usr/share/misc/magic.mgc"]) expect(files.has(p), p).toBe(true);
    expect(files.get("usr/bin/file")!.mode & 0o111).toBeTruthy();
    expect(m.tools.programs).toEqual(expect.arrayContaining(["file", "strings", "xxd", "hexdump", "unzip", "sha256sum", "vi"]));
    const initrd = cpio(gunzipSync(need("linux/initrd.img")));
    expect(initrd.get("init")!.data.toString()).toContain("grep -qw tab86.sandbox /proc/cmdline && /sbin/tab86-sandbox");
    expect(initrd.get("sbin/tab86-sandbox")!.data.toString()).toMatch(/findfs LABEL=SANDBOX[\s\S]*mount -t vfat -o ro,iocharset=utf8/);
  });

  it("the hard disk: MBR with an active FAT16 partition holding syslinux, and ext2 with the test files", () => {
    const m = manifest();
    const hd = need("linux-hd.img");
    expect(hd.readUInt16LE(510)).toBe(0xaa55);
    const part = (i: number) => ({ active: hd[446 + 16 * i], type: hd[450 + 16 * i], start: hd.readUInt32LE(454 + 16 * i), sectors: hd.readUInt32LE(458 + 16 * i) });
    const { start: s0, sectors: n0 } = m.hd.partitions[0], { start: s1, sectors: n1 } = m.hd.partitions[1];
    expect(part(0)).toEqual({ active: 0x80, type: 0x06, start: s0, sectors: n0 });
    expect(part(1)).toEqual({ active: 0, type: 0x83, start: s1, sectors: n1 });
    const fat = hd.subarray(part(0).start * 512, (part(0).start + part(0).sectors) * 512);
    expect(fat.toString("latin1", 3, 11)).toBe("SYSLINUX"); // the installer's boot sector
    expect(fat.toString("latin1", 54, 62)).toBe("FAT16   ");
    expect(fat.readUInt32LE(28)).toBe(part(0).start); // hidden sectors
    expect(fat.includes(Buffer.from("LDLINUX SYS"))).toBe(true);
    const ext2 = hd.subarray(part(1).start * 512, (part(1).start + part(1).sectors) * 512);
    expect(ext2.readUInt16LE(1024 + 56)).toBe(0xef53);
    for (const f of m.hd.files) {
      const data = ext2File(ext2, f.guestPath);
      expect(md5(data), f.guestPath).toBe(f.md5);
      if (f.text) expect(data.toString()).toBe(f.text);
    }
    // e2fsck, where the host has it (Debian's e2fsprogs), finds nothing to fix.
    if (spawnSync("e2fsck", ["-V"]).status === 0) {
      const dir = mkdtempSync(join(tmpdir(), "tab86-ext2-"));
      writeFileSync(join(dir, "p2.img"), ext2);
      const r = spawnSync("e2fsck", ["-fn", join(dir, "p2.img")], { encoding: "utf8" });
      rmSync(dir, { recursive: true });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
  });

  it("the CD: El Torito no-emulation boot of isolinux.bin with its boot info table, and the test files", () => {
    const m = manifest();
    const iso = need("linux.iso");
    expect(iso.toString("latin1", 16 * 2048 + 1, 16 * 2048 + 6)).toBe("CD001");
    expect(iso.readUInt32LE(16 * 2048 + 80) * 2048).toBe(iso.length); // volume space size
    const br = 17 * 2048;
    expect(iso.toString("latin1", br + 7, br + 30)).toBe("EL TORITO SPECIFICATION");
    const cat = iso.readUInt32LE(br + 71) * 2048;
    let sum = 0;
    for (let i = 0; i < 32; i += 2) sum += iso.readUInt16LE(cat + i);
    expect(sum & 0xffff).toBe(0);
    expect([iso[cat + 32], iso[cat + 33], iso.readUInt16LE(cat + 38)]).toEqual([0x88, 0, 4]);
    const bootLba = iso.readUInt32LE(cat + 40);
    const isolinux = isoFile(iso, "ISOLINUX/ISOLINUX.BIN");
    expect(isolinux.byteOffset - iso.byteOffset).toBe(bootLba * 2048);
    expect([isolinux.readUInt32LE(8), isolinux.readUInt32LE(12), isolinux.readUInt32LE(16)]).toEqual([16, bootLba, isolinux.length]);
    let csum = 0;
    for (let i = 64; i < isolinux.length; i += 4) csum = (csum + isolinux.readUInt32LE(i)) >>> 0;
    expect(isolinux.readUInt32LE(20)).toBe(csum);
    expect(isoFile(iso, "ISOLINUX/ISOLINUX.CFG").toString()).toContain("SERIAL 0 115200");
    expect(md5(isoFile(iso, "VMLINUZ"))).toBe(m.outputs["linux/vmlinuz"].md5);
    expect(md5(isoFile(iso, "INITRD.IMG"))).toBe(m.outputs["linux/initrd.img"].md5);
    for (const f of m.iso.files) expect(md5(isoFile(iso, f.guestPath.toUpperCase())), f.guestPath).toBe(f.md5);
  });
});
