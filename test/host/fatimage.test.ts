// The FAT image writer (host/fatimage.ts) and reader (host/fatread.ts), each checked against
// mtools, which is not ours: images we build are listed and copied out by mdir/mcopy, images
// mtools builds are read by our reader. The reader gets damaged images too: it must say so
// (FatReadError), never crash or hang, since the export disk it reads is the guest's to write.
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFatImage, FatError, FatFile, PARTITION_START } from "../../host/fatimage.js";
import { readFatImage, FatReadError } from "../../host/fatread.js";
import { shortNameChecksum, basisName, exactShortName } from "../../host/fat.js";
import { Mtools, mimage } from "./mtools.js";

const tmp = mkdtempSync(join(tmpdir(), "tab86-fat-"));
let mt: Mtools;
beforeAll(() => { mt = new Mtools(); });

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const text = (s: string) => new TextEncoder().encode(s);
let n = 0;
function save(img: Uint8Array): string {
  const p = join(tmp, `img${n++}.img`);
  writeFileSync(p, img);
  return p;
}

const DATE = new Date(Date.UTC(2024, 4, 17, 13, 45, 30));
const sample = (): FatFile[] => [
  { path: "hello.txt", data: text("hello, sandbox\n") },
  { path: "README", data: text("an 8.3 name in upper case needs no long name\n") },
  { path: "A long name with spaces.tar.gz", data: randomBytes(3000) },
  { path: "naïve café ✓.txt", data: text("unicode names\n") },
  { path: "empty", data: new Uint8Array(0) },
  { path: "random.bin", data: randomBytes(100_000) },
  { path: "dir/sub/deep.bin", data: randomBytes(5000) },
  { path: "dir/Same.txt", data: text("first\n") },
  { path: "dir/same.txt", data: text("second\n") },
  { path: "bad:name?.txt", data: text("invalid characters\n") },
  { path: ".hidden-ish", data: text("leading dot\n") },
];

describe("short names (FAT spec)", () => {
  it("computes the long-name checksum and basis names as the spec does", () => {
    // the checksum of "README  TXT", computed by hand with the spec's rotate-right-and-add
    let sum = 0;
    for (const c of "README  TXT") sum = ((sum & 1 ? 0x80 : 0) + (sum >> 1) + c.charCodeAt(0)) & 0xff;
    expect(shortNameChecksum(Uint8Array.from("README  TXT", (c) => c.charCodeAt(0)))).toBe(sum);
    expect(exactShortName("README.TXT")).toBe("README  TXT");
    expect(exactShortName("readme.txt")).toBeNull();
    expect(exactShortName("TOOLONGNAME.TXT")).toBeNull();
    expect(basisName("The quick brown.fox")).toEqual({ base: "THEQUICK", ext: "FOX", lossy: true });
    expect(basisName("a+b.c")).toEqual({ base: "A_B", ext: "C", lossy: true });
    expect(basisName("readme.txt")).toEqual({ base: "README", ext: "TXT", lossy: false });
  });
});

describe("buildFatImage read back by mtools", () => {
  it("a partitioned FAT12 image: mdir lists the long names, mcopy gives every file's bytes", () => {
    const files = sample();
    const r = buildFatImage(files, { label: "SANDBOX", date: DATE });
    expect(r.fatType).toBe(12);
    expect(r.paths).toEqual([
      "hello.txt", "README", "A long name with spaces.tar.gz", "naïve café ✓.txt", "empty", "random.bin",
      "dir/sub/deep.bin", "dir/Same.txt", "dir/same (2).txt", "bad_name_.txt", ".hidden-ish",
    ]);
    const img = mimage(save(r.image), PARTITION_START * 512);
    const listing = mt.run("mdir", ["-/", "-a", "-i", img, "::"]).toString("utf8");
    expect(listing).toMatch(/Volume in drive : is SANDBOX/);
    for (const p of ["A long name with spaces.tar.gz", "naïve café ✓.txt", "hello.txt", "deep.bin", "same (2).txt", "bad_name_.txt", ".hidden-ish"]) expect(listing).toContain(p);
    files.forEach((f, i) => {
      const out = mt.run("mcopy", ["-n", "-i", img, `::/${r.paths[i]}`, "-"]);
      expect(sha(out), r.paths[i]).toBe(sha(f.data));
    });
    // the file times: mdir shows 2024-05-17 13:45 (DOS keeps even seconds)
    expect(listing).toMatch(/HELLO\s+TXT\s+15 2024-05-17\s+13:45\s+hello\.txt/);
    // minfo agrees on the geometry and type
    const info = mt.run("minfo", ["-i", img, "::"]).toString();
    expect(info).toMatch(/hidden sectors: 2048/);
    expect(info).toMatch(/disk type="FAT12   "/);
  });

  it("FAT16 for bigger volumes, and a volume without a partition table", () => {
    const big = randomBytes(20 * 1024 * 1024);
    const r = buildFatImage([{ path: "big.bin", data: big }, { path: "x/y.txt", data: text("y\n") }], { label: "BIG", partitioned: false, date: DATE });
    expect(r.fatType).toBe(16);
    const img = save(r.image);
    expect(sha(mt.run("mcopy", ["-n", "-i", img, "::/big.bin", "-"]))).toBe(sha(big));
    expect(mt.run("mtype", ["-i", img, "::/x/y.txt"]).toString()).toBe("y\n");
    expect(mt.run("minfo", ["-i", img, "::"]).toString()).toMatch(/disk type="FAT16   "/);
  });

  it("volumes of every size class around the FAT12/FAT16 boundary are consistent for mtools", () => {
    for (const mib of [1, 2, 3, 4, 4.1, 4.2, 5, 8, 16, 17, 40]) {
      const size = Math.round(mib * 1024 * 1024 / 512) * 512 + PARTITION_START * 512;
      const data = randomBytes(Math.floor(mib * 1024 * 1024 / 2));
      const r = buildFatImage([{ path: "half.bin", data }], { size, date: DATE });
      const img = mimage(save(r.image), PARTITION_START * 512);
      expect(sha(mt.run("mcopy", ["-n", "-i", img, "::/half.bin", "-"])), `${mib} MiB`).toBe(sha(data));
      // mtools writes to it too: a file copied in reads back through our reader
      const extra = join(tmp, `extra${mib}`);
      writeFileSync(extra, text(`written by mcopy into ${mib} MiB\n`));
      mt.run("mcopy", ["-i", img, extra, "::/extra.txt"]);
      const back = readFatImage(readFileSync(img.split("@@")[0]));
      expect(back.files.map((f) => f.path).sort()).toEqual(["extra.txt", "half.bin"]);
      expect(new TextDecoder().decode(back.files.find((f) => f.path === "extra.txt")!.data)).toBe(`written by mcopy into ${mib} MiB\n`);
    }
  });

  it("a root folder with more than 512 entries, and many long names in a subfolder", () => {
    const files: FatFile[] = [];
    for (let i = 0; i < 600; i++) files.push({ path: `a rather long file name number ${i}.txt`, data: text(`${i}\n`) });
    for (let i = 0; i < 300; i++) files.push({ path: `sub/another long name ${i}.dat`, data: text(`sub ${i}\n`) });
    const r = buildFatImage(files, { date: DATE });
    const img = mimage(save(r.image), PARTITION_START * 512);
    const root = mt.run("mdir", ["-b", "-i", img, "::/"]).toString().split("\n").filter(Boolean);
    expect(root.length).toBe(601);
    expect(mt.run("mtype", ["-i", img, "::/a rather long file name number 599.txt"]).toString()).toBe("599\n");
    expect(mt.run("mtype", ["-i", img, "::/sub/another long name 299.dat"]).toString()).toBe("sub 299\n");
  });
});

describe("buildFatImage refuses what a FAT cannot hold, with a message", () => {
  it("bad labels, long names, paths going up, files that do not fit", () => {
    expect(() => buildFatImage([], { label: "lower" })).toThrow(FatError);
    expect(() => buildFatImage([], { label: "MUCH TOO LONG" })).toThrow(/up to 11 characters/);
    expect(() => buildFatImage([{ path: "x".repeat(256), data: new Uint8Array(1) }])).toThrow(/longer than 255/);
    expect(() => buildFatImage([{ path: "../etc/passwd", data: new Uint8Array(1) }])).toThrow(/may not contain "\.\."/);
    expect(() => buildFatImage([{ path: "a.bin", data: new Uint8Array(3 << 20) }], { size: 2 << 20 })).toThrow(/do not fit/);
    expect(() => buildFatImage([{ path: "/", data: new Uint8Array(1) }])).toThrow(/needs a name/);
  });
});

describe("readFatImage", () => {
  it("reads back what buildFatImage wrote: names, bytes, times, folders, label", () => {
    const files = sample();
    const r = buildFatImage(files, { label: "SANDBOX", date: DATE });
    const v = readFatImage(r.image);
    expect(v.label).toBe("SANDBOX");
    expect(v.offset).toBe(PARTITION_START * 512);
    expect(v.dirs).toEqual(["dir", "dir/sub"]);
    const byPath = new Map(v.files.map((f) => [f.path, f]));
    files.forEach((f, i) => expect(sha(byPath.get(r.paths[i])!.data), r.paths[i]).toBe(sha(f.data)));
    expect(byPath.get("hello.txt")!.mtime.toISOString()).toBe("2024-05-17T13:45:30.000Z");
  });

  it("reads images mtools made: FAT12, FAT16 and FAT32, with long names and folders", () => {
    for (const [fmt, sizeKiB] of [[[], 1440], [["-T", "65536"], 32768], [["-F", "-T", "131072"], 65536]] as const) {
      const p = join(tmp, `mformat${sizeKiB}.img`);
      writeFileSync(p, new Uint8Array(sizeKiB * 1024));
      mt.run("mformat", ["-i", p, ...(fmt.length ? fmt : ["-f", "1440"]), "-v", "MTOOLS", "::"]);
      const a = join(tmp, "Mixed Case Name.txt"), b = join(tmp, "payload.bin");
      const payload = randomBytes(50_000);
      writeFileSync(a, text("from mtools\n"));
      writeFileSync(b, payload);
      mt.run("mmd", ["-i", p, "::/Folder One"]);
      mt.run("mcopy", ["-i", p, a, "::/"]);
      mt.run("mcopy", ["-i", p, b, "::/Folder One/payload.bin"]);
      const v = readFatImage(readFileSync(p));
      expect(v.type, `${sizeKiB} KiB`).toBe(sizeKiB === 1440 ? 12 : sizeKiB === 32768 ? 16 : 32);
      expect(v.label).toBe("MTOOLS");
      expect(v.dirs).toEqual(["Folder One"]);
      expect(v.files.map((f) => f.path).sort()).toEqual(["Folder One/payload.bin", "Mixed Case Name.txt"]);
      expect(sha(v.files.find((f) => f.path.endsWith("payload.bin"))!.data)).toBe(sha(payload));
    }
  });

  it("says what is wrong with damaged images, and never throws anything else", () => {
    const r = buildFatImage([{ path: "a.bin", data: randomBytes(10_000) }, { path: "d/b.txt", data: text("b\n") }], { date: DATE, partitioned: false });
    const base = r.image;
    expect(() => readFatImage(new Uint8Array(100))).toThrow(/too small/);
    expect(() => readFatImage(new Uint8Array(4096))).toThrow(/no FAT file system/);
    expect(() => readFatImage(base.subarray(0, 4096))).toThrow(/longer than the/);
    const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    const fatAt = 512, fat12 = (b: Uint8Array, n: number, v: number) => {
      const o = fatAt + n + (n >> 1), w = dv(b).getUint16(o, true);
      dv(b).setUint16(o, n & 1 ? (w & 0xf) | (v << 4) : (w & 0xf000) | v, true);
    };
    // clusters: 2 is folder d, 3..22 a.bin (20 of 512 bytes), 23 d/b.txt
    expect(readFatImage(base).files.find((f) => f.path === "a.bin")!.data.length).toBe(10_000);
    // a loop in a.bin's chain, a cross-link, a chain into a free cluster, a cluster past the end
    const loop = base.slice(); fat12(loop, 10, 3);
    expect(() => readFatImage(loop)).toThrow(/a\.bin: cluster 3 also belongs to another file or folder \(or the chain loops\)/);
    const cross = base.slice(); fat12(cross, 22, 23); fat12(cross, 21, 23);
    expect(() => readFatImage(cross)).toThrow(/cluster 23 also belongs/);
    const free = base.slice(); fat12(free, 3, 0);
    expect(() => readFatImage(free)).toThrow(/free cluster/);
    const far = base.slice(); fat12(far, 3, 0xf00);
    expect(() => readFatImage(far)).toThrow(/outside the volume/);
    // fuzz: random bytes changed anywhere in the first 64 KiB
    let ok = 0, refused = 0;
    for (let k = 0; k < 400; k++) {
      const b = base.slice();
      for (let j = 0; j < 8; j++) b[Math.floor(Math.random() * 65536)] = Math.floor(Math.random() * 256);
      try { readFatImage(b); ok++; } catch (e) {
        if (!(e instanceof FatReadError)) throw e;
        refused++;
      }
    }
    expect(ok + refused).toBe(400);
  });

  it("keeps a guest's names inside their folder: no separators, no . or ..", () => {
    const r = buildFatImage([{ path: "x.txt", data: text("x\n") }], { date: DATE, partitioned: false });
    const img = r.image.slice();
    // rewrite the long name of x.txt to "../../evil" (the LFN entry sits before the short one)
    const root = 512 + 2 * 512 * (new DataView(img.buffer).getUint16(22, true));
    const lfn = root; // no label: the first entry is x.txt's long name
    expect(img[lfn + 11]).toBe(0x0f);
    const name = "../../evil";
    const offs = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
    offs.forEach((o, i) => { const c = i < name.length ? name.charCodeAt(i) : i === name.length ? 0 : 0xffff; img[lfn + o] = c & 0xff; img[lfn + o + 1] = c >> 8; });
    const v = readFatImage(img);
    expect(v.files.map((f) => f.path)).toEqual([".._.._evil"]);
  });
});
