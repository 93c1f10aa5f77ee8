// Builds a FAT12/FAT16 disk image holding given files, for the sandbox (docs/sandbox.md): the
// user's files go to the guest on a disk that DOS and Linux both read, with their names kept
// as long file names (VFAT) and folders as subdirectories. Written from Microsoft's FAT spec
// (host/fat.ts says which); read back by host/fatread.ts, and checked in the tests with
// mtools and with Linux itself.
//
// The image, with `partitioned` (the default; DOS sees a hard disk only through a partition):
//
//   sector 0          MBR: a stub that gives the boot back to the BIOS (INT 18h), one partition
//   2048..            the FAT volume:
//     reserved (1)    boot sector with the BIOS parameter block
//     FAT 1, FAT 2    one entry per cluster (12 or 16 bits); entries 0 and 1 reserved
//     root directory  a fixed number of 32-byte entries (512, more when the files need them)
//     data            clusters 2, 3, ...: directories first where they are met, then files,
//                     each file in consecutive clusters
//
// The FAT type follows from the cluster count alone (FAT spec, "FAT Type Determination"): FAT12
// below 4085 clusters, FAT16 below 65525. Volumes under 8400 sectors get FAT12 with the
// smallest cluster that keeps the count below 4085; larger ones FAT16 with the spec's cluster
// size table (DskTableFAT16), so at most 2 GiB.
import {
  SECTOR, DIRENT, ATTR_ARCHIVE, ATTR_DIRECTORY, ATTR_VOLUME_ID, ATTR_LONG_NAME, LFN_CHARS, LFN_OFFSETS, LFN_MAX, LFN_INVALID,
  FAT12_MAX_CLUSTERS, FatType, fatTypeOf, shortNameChecksum, exactShortName, basisName, dosDateTime,
} from "./fat.js";

export interface FatFile {
  /** the file's path in the image: folders separated by "/" (made when missing) */
  path: string;
  data: Uint8Array;
  /** modification time (default: options.date) */
  mtime?: Date;
}

export interface FatImageOptions {
  /** volume label: up to 11 characters A-Z, 0-9, space and $%'-_@~`!(){}^#& (default none) */
  label?: string;
  /** an MBR with one partition holding the volume (default true); false: the volume alone */
  partitioned?: boolean;
  /** the image's size in bytes (default: what the files need, plus `free`) */
  size?: number;
  /** free space to leave on the volume, in bytes, when the size is not given (default 0) */
  free?: number;
  /** time stamp of directories and of files without one; also seeds the volume serial */
  date?: Date;
  /** volume serial number (default: derived from the names, sizes and date) */
  serial?: number;
}

export interface FatImage {
  image: Uint8Array;
  fatType: FatType;
  /** bytes per cluster */
  clusterSize: number;
  /** where each input file went, in input order: its path as given, after names a FAT cannot
   * hold were changed (invalid characters to "_", a second "a.txt" in a folder to "a (2).txt") */
  paths: string[];
}

/** Files that cannot make an image (too big, a bad label...); the message says which and why. */
export class FatError extends Error {}

/** Sectors before the volume in a partitioned image: the partition starts at 1 MiB. */
export const PARTITION_START = 2048;
const RESERVED = 1, NUM_FATS = 2, MEDIA = 0xf8, MIN_ROOT_ENTRIES = 512;
const MIN_VOLUME = 2048; // sectors: 1 MiB, FAT12 with 512-byte clusters
const MAX_VOLUME = 4194304; // sectors: 2 GiB, FAT16 with 32 KiB clusters
// DskTableFAT16 (FAT spec, "FAT Volume Initialization"): [up to sectors, sectors per cluster]
const FAT16_TABLE = [[32680, 2], [262144, 4], [524288, 8], [1048576, 16], [2097152, 32], [MAX_VOLUME, 64]];

interface Node {
  name: string;
  dir: boolean;
  mtime: Date;
  children: Node[];
  data?: Uint8Array;
  short?: Uint8Array;
  longName: boolean;
  cluster: number;
}

interface Layout { sectors: number; spc: number; fatSectors: number; rootEntries: number; clusters: number; type: FatType }

/** Build the image. Throws FatError for files that cannot make one. */
export function buildFatImage(files: FatFile[], opts: FatImageOptions = {}): FatImage {
  const date = opts.date ?? new Date();
  const label = checkLabel(opts.label);
  const partitioned = opts.partitioned ?? true;
  const hidden = partitioned ? PARTITION_START : 0;
  const root: Node = { name: "", dir: true, mtime: date, children: [], longName: false, cluster: 0 };
  const paths = files.map((f) => place(root, f, date));
  const dirs = allDirs(root);
  for (const d of dirs) shortNames(d);

  const rootEntries = Math.max(MIN_ROOT_ENTRIES, Math.ceil((entryCount(root) + (label ? 1 : 0)) / 16) * 16);
  if (rootEntries > 0xfff0) throw new FatError(`too many files in the top folder: ${entryCount(root)} directory entries, a FAT root directory holds at most 65520`);
  const need = (spc: number) => {
    const bytes = spc * SECTOR;
    let n = 0;
    for (const d of dirs) {
      if (d !== root) n += Math.max(1, Math.ceil(entryCount(d) * DIRENT / bytes));
      for (const c of d.children) if (!c.dir) n += Math.ceil(c.data!.length / bytes);
    }
    return n;
  };

  let layout: Layout | null;
  if (opts.size !== undefined) {
    if (!Number.isInteger(opts.size) || opts.size % SECTOR !== 0) throw new FatError(`image size ${opts.size}: expected a whole number of 512-byte sectors`);
    const sectors = opts.size / SECTOR - hidden;
    if (sectors < MIN_VOLUME || sectors > MAX_VOLUME) throw new FatError(`image size ${opts.size}: a volume here is 1 MiB to 2 GiB`);
    layout = volumeLayout(sectors, rootEntries);
    if (!layout || need(layout.spc) > layout.clusters) throw new FatError(`the files (${total(files)} bytes) do not fit in a ${opts.size}-byte FAT image`);
  } else {
    // grow from an estimate until the files fit (the cluster size grows with the volume)
    let sectors = Math.max(MIN_VOLUME, Math.ceil((total(files) + (opts.free ?? 0)) / SECTOR * 1.03) + 64);
    for (;;) {
      if (sectors > MAX_VOLUME) throw new FatError(`the files (${total(files)} bytes) are too big for a FAT16 disk, which holds at most 2 GiB`);
      layout = volumeLayout(sectors, rootEntries);
      const short = layout ? need(layout.spc) + Math.ceil((opts.free ?? 0) / (layout.spc * SECTOR)) - layout.clusters : 1;
      if (layout && short <= 0) break;
      sectors = Math.min(MAX_VOLUME + 1, sectors + Math.max(short * (layout?.spc ?? 1), 64));
    }
  }
  return write(root, dirs, layout!, { hidden, label, date, serial: opts.serial ?? serialOf(files, date), partitioned, paths });
}

function total(files: FatFile[]): number {
  return files.reduce((n, f) => n + f.data.length, 0);
}

function checkLabel(label?: string): string | undefined {
  if (label === undefined || label === "") return undefined;
  if (label.length > 11 || !/^[A-Z0-9 $%'\-_@~`!(){}^#&]+$/.test(label) || label.startsWith(" ")) {
    throw new FatError(`volume label "${label}": up to 11 characters A-Z, 0-9, space and $%'-_@~\`!(){}^#&, not starting with a space`);
  }
  return label;
}

/** A name a long name entry can hold: invalid characters become "_", trailing dots and spaces go. */
function cleanName(name: string): string {
  const s = [...name].map((c) => (LFN_INVALID.test(c) ? "_" : c)).join("").replace(/[. ]+$/, "");
  return s || "_";
}

// Put a file into the tree, making its folders; returns the path it got.
function place(root: Node, f: FatFile, date: Date): string {
  const parts = f.path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0) throw new FatError(`"${f.path}": a file needs a name`);
  if (parts.includes("..")) throw new FatError(`"${f.path}": a path may not contain ".."`);
  if (parts.length > 32) throw new FatError(`"${f.path}": folders nested more than 32 deep`);
  let dir = root;
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    let name = cleanName(parts[i]);
    if (name.length > LFN_MAX) throw new FatError(`"${f.path}": the name "${name.slice(0, 40)}…" is longer than ${LFN_MAX} characters, the most a FAT long name holds`);
    const same = (n: Node) => n.name.toUpperCase() === name.toUpperCase();
    if (!last) {
      let sub = dir.children.find((c) => c.dir && same(c));
      if (!sub) {
        name = unique(dir, name);
        sub = { name, dir: true, mtime: date, children: [], longName: false, cluster: 0 };
        dir.children.push(sub);
      }
      out.push(sub.name);
      dir = sub;
      continue;
    }
    name = unique(dir, name);
    if (name.length > LFN_MAX) throw new FatError(`"${f.path}": the name is longer than ${LFN_MAX} characters`);
    dir.children.push({ name, dir: false, mtime: f.mtime ?? date, children: [], data: f.data, longName: false, cluster: 0 });
    out.push(name);
  }
  return out.join("/");
}

// FAT names are unique without regard to case: a second "a.txt" becomes "a (2).txt".
function unique(dir: Node, name: string): string {
  const taken = (n: string) => dir.children.some((c) => c.name.toUpperCase() === n.toUpperCase());
  if (!taken(name)) return name;
  const dot = name.lastIndexOf(".");
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let k = 2; ; k++) if (!taken(`${base} (${k})${ext}`)) return `${base} (${k})${ext}`;
}

function allDirs(root: Node): Node[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const c of out[i].children) if (c.dir) out.push(c);
  return out;
}

const ascii11 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

// Short names for a folder's entries: names that are valid 8.3 as they stand keep them (and
// need no long name); the others get the basis name, with a numeric tail "~N" when the basis
// lost something or is taken (FAT spec, "Numeric-Tail Generation Algorithm").
function shortNames(dir: Node): void {
  const used = new Set<string>();
  for (const c of dir.children) {
    const exact = exactShortName(c.name);
    if (exact && !used.has(exact)) { c.short = ascii11(exact); used.add(exact); }
  }
  for (const c of dir.children) {
    if (c.short) continue;
    c.longName = true;
    const { base, ext, lossy } = basisName(c.name);
    let name = base.padEnd(8) + ext.padEnd(3);
    if (lossy || used.has(name)) {
      for (let n = 1; ; n++) {
        if (n > 999999) throw new FatError(`too many similar names in one folder (${c.name})`);
        const tail = `~${n}`;
        name = (base.slice(0, 8 - tail.length) + tail).padEnd(8) + ext.padEnd(3);
        if (!used.has(name)) break;
      }
    }
    used.add(name);
    c.short = ascii11(name);
  }
}

const lfnEntries = (n: Node) => (n.longName ? Math.ceil(n.name.length / LFN_CHARS) : 0);
// Entries a folder needs: its children with their long names; "." and ".." in subfolders.
function entryCount(dir: Node): number {
  return dir.children.reduce((n, c) => n + 1 + lfnEntries(c), dir.name === "" ? 0 : 2);
}

/** The volume's layout for a size in sectors, or null when no FAT12/16 layout fits it. */
function volumeLayout(sectors: number, rootEntries: number): Layout | null {
  const rootSectors = Math.ceil(rootEntries * DIRENT / SECTOR);
  const fit = (spc: number) => {
    // the FAT must map every cluster the rest of the volume holds (entries 0 and 1 reserved)
    let fatSectors = 1;
    for (;;) {
      const clusters = Math.floor((sectors - RESERVED - rootSectors - NUM_FATS * fatSectors) / spc);
      if (clusters < 1) return null;
      const bits = clusters <= FAT12_MAX_CLUSTERS ? 12 : 16;
      const needed = Math.ceil(Math.ceil((clusters + 2) * bits / 8) / SECTOR);
      if (needed <= fatSectors) return { sectors, spc, fatSectors, rootEntries, clusters, type: fatTypeOf(clusters) };
      fatSectors = needed;
    }
  };
  if (sectors < 8400) {
    // FAT12, staying clear of the 4085 boundary that some drivers compute differently
    for (let spc = 1; spc <= 64; spc *= 2) {
      const l = fit(spc);
      if (l && l.clusters <= FAT12_MAX_CLUSTERS - 16) return l;
    }
    return null;
  }
  const spc = FAT16_TABLE.find(([max]) => sectors <= max)?.[1];
  const l = spc ? fit(spc) : null;
  return l && l.type === 16 && l.clusters >= FAT12_MAX_CLUSTERS + 17 ? l : null;
}

function serialOf(files: FatFile[], date: Date): number {
  let h = 0x811c9dc5 ^ (date.getTime() / 1000 >>> 0);
  for (const f of files) for (const c of `${f.path}\0${f.data.length}\0`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

interface WriteOpts { hidden: number; label?: string; date: Date; serial: number; partitioned: boolean; paths: string[] }

function write(root: Node, dirs: Node[], L: Layout, o: WriteOpts): FatImage {
  const clusterSize = L.spc * SECTOR;
  const img = new Uint8Array((o.hidden + L.sectors) * SECTOR);
  const dv = new DataView(img.buffer);
  const vol = o.hidden * SECTOR;
  const fatStart = vol + RESERVED * SECTOR;
  const rootStart = fatStart + NUM_FATS * L.fatSectors * SECTOR;
  const dataStart = rootStart + Math.ceil(L.rootEntries * DIRENT / SECTOR) * SECTOR;
  const heads = o.hidden + L.sectors > 1024 * 16 * 63 ? 255 : 16, spt = 63;

  // the FAT: each chain is consecutive clusters, the last marked end-of-chain
  const fat = new Uint32Array(L.clusters + 2);
  const eoc = L.type === 12 ? 0xfff : 0xffff;
  fat[0] = (eoc & ~0xff) | MEDIA;
  fat[1] = eoc;
  let next = 2;
  const alloc = (n: number) => {
    if (n === 0) return 0;
    const first = next;
    for (let k = 0; k < n; k++) fat[first + k] = k === n - 1 ? eoc : first + k + 1;
    next += n;
    return first;
  };
  const at = (cluster: number) => dataStart + (cluster - 2) * clusterSize;
  for (const d of dirs) {
    if (d !== root) d.cluster = alloc(Math.max(1, Math.ceil(entryCount(d) * DIRENT / clusterSize)));
    for (const c of d.children) if (!c.dir) {
      c.cluster = alloc(Math.ceil(c.data!.length / clusterSize));
      if (c.cluster) img.set(c.data!, at(c.cluster));
    }
  }
  if (next - 2 > L.clusters) throw new FatError("internal: the files were counted wrong"); // volumeLayout checked

  // directories
  for (const d of dirs) {
    const entries: Uint8Array[] = [];
    if (d === root && o.label) entries.push(shortEntry(ascii11(o.label.padEnd(11)), ATTR_VOLUME_ID, 0, 0, o.date));
    if (d !== root) {
      entries.push(shortEntry(ascii11(".          "), ATTR_DIRECTORY, d.cluster, 0, d.mtime));
      const parent = dirs.find((p) => p.children.includes(d))!;
      entries.push(shortEntry(ascii11("..         "), ATTR_DIRECTORY, parent === root ? 0 : parent.cluster, 0, d.mtime));
    }
    for (const c of d.children) {
      if (c.longName) entries.push(...longEntries(c.name, c.short!));
      entries.push(shortEntry(c.short!, c.dir ? ATTR_DIRECTORY : ATTR_ARCHIVE, c.cluster, c.dir ? 0 : c.data!.length, c.mtime));
    }
    let p = d === root ? rootStart : at(d.cluster);
    for (const e of entries) { img.set(e, p); p += DIRENT; }
  }

  // boot sector: the BIOS parameter block (FAT spec, "Boot Sector and BPB Structure")
  img.set([0xeb, 0x3c, 0x90], vol);
  img.set(ascii11("MSWIN4.1"), vol + 3); // the OEM name the spec recommends
  dv.setUint16(vol + 11, SECTOR, true);
  img[vol + 13] = L.spc;
  dv.setUint16(vol + 14, RESERVED, true);
  img[vol + 16] = NUM_FATS;
  dv.setUint16(vol + 17, L.rootEntries, true);
  if (L.sectors < 0x10000) dv.setUint16(vol + 19, L.sectors, true); else dv.setUint32(vol + 32, L.sectors, true);
  img[vol + 21] = MEDIA;
  dv.setUint16(vol + 22, L.fatSectors, true);
  dv.setUint16(vol + 24, spt, true);
  dv.setUint16(vol + 26, heads, true);
  dv.setUint32(vol + 28, o.hidden, true);
  img[vol + 36] = 0x80; // BS_DrvNum: a hard disk
  img[vol + 38] = 0x29; // BS_BootSig: the next three fields are present
  dv.setUint32(vol + 39, o.serial, true);
  img.set(ascii11((o.label ?? "NO NAME").padEnd(11)), vol + 43);
  img.set(ascii11(`FAT${L.type}   `), vol + 54);
  img.set(NOT_BOOTABLE, vol + 62);
  img[vol + 510] = 0x55; img[vol + 511] = 0xaa;

  // the FATs
  const fatBytes = new Uint8Array(L.fatSectors * SECTOR);
  for (let n = 0; n < fat.length; n++) {
    const v = fat[n];
    if (L.type === 16) { fatBytes[n * 2] = v & 0xff; fatBytes[n * 2 + 1] = v >> 8; continue; }
    const b = (n * 3) >> 1; // FAT12: entry n at byte n*1.5, in the low or high 12 bits of a word
    if (n & 1) { fatBytes[b] |= (v & 0xf) << 4; fatBytes[b + 1] = v >> 4; } else { fatBytes[b] = v & 0xff; fatBytes[b + 1] |= v >> 8; }
  }
  for (let k = 0; k < NUM_FATS; k++) img.set(fatBytes, fatStart + k * L.fatSectors * SECTOR);

  if (o.partitioned) writeMbr(img, o.hidden, L.sectors, L.type, heads, spt, o.serial);
  return { image: img, fatType: L.type, clusterSize, paths: o.paths };
}

// Boot code for the MBR and the boot sector: INT 18h (boot from the next device, or the
// BIOS's "no bootable disk"), then halt.
const NOT_BOOTABLE = [0xcd, 0x18, 0xfa, 0xf4, 0xeb, 0xfd];

function shortEntry(name11: Uint8Array, attr: number, cluster: number, size: number, mtime: Date): Uint8Array {
  const e = new Uint8Array(DIRENT);
  const dv = new DataView(e.buffer);
  const { date, time } = dosDateTime(mtime);
  e.set(name11, 0);
  e[11] = attr;
  dv.setUint16(14, time, true); dv.setUint16(16, date, true); // creation
  dv.setUint16(18, date, true); // last access
  dv.setUint16(20, cluster >>> 16, true);
  dv.setUint16(22, time, true); dv.setUint16(24, date, true); // last write
  dv.setUint16(26, cluster & 0xffff, true);
  dv.setUint32(28, size, true);
  return e;
}

// The long name entries for a name, in the order they are stored (last part first).
function longEntries(name: string, short: Uint8Array): Uint8Array[] {
  const sum = shortNameChecksum(short);
  const n = Math.ceil(name.length / LFN_CHARS);
  const out: Uint8Array[] = [];
  for (let k = n; k >= 1; k--) {
    const e = new Uint8Array(DIRENT);
    e[0] = k | (k === n ? 0x40 : 0);
    e[11] = ATTR_LONG_NAME;
    e[13] = sum;
    for (let i = 0; i < LFN_CHARS; i++) {
      const j = (k - 1) * LFN_CHARS + i;
      // after the name: one 0x0000, then 0xFFFF padding
      const c = j < name.length ? name.charCodeAt(j) : j === name.length ? 0 : 0xffff;
      e[LFN_OFFSETS[i]] = c & 0xff;
      e[LFN_OFFSETS[i] + 1] = c >> 8;
    }
    out.push(e);
  }
  return out;
}

// One primary partition (type 01 FAT12, 04 FAT16 under 32 MiB, 06 FAT16, 0E FAT16 addressed by
// LBA when it ends past what CHS reaches), with CHS fields for the geometry in the BPB.
function writeMbr(img: Uint8Array, start: number, sectors: number, type: FatType, heads: number, spt: number, signature: number): void {
  const dv = new DataView(img.buffer);
  img.set(NOT_BOOTABLE, 0);
  dv.setUint32(440, signature, true);
  const end = start + sectors - 1;
  const chs = (lba: number) => {
    const c = Math.floor(lba / (heads * spt));
    if (c > 1023) return [heads - 1, 0xff, 0xff]; // beyond CHS: 1023/heads-1/63
    const h = Math.floor(lba / spt) % heads, s = (lba % spt) + 1;
    return [h, s | ((c >> 2) & 0xc0), c & 0xff];
  };
  const p = 446;
  img[p] = 0x00; // not active: nothing to boot
  img.set(chs(start), p + 1);
  img[p + 4] = type === 12 ? 0x01 : Math.floor(end / (heads * spt)) > 1023 ? 0x0e : sectors < 65536 ? 0x04 : 0x06;
  img.set(chs(end), p + 5);
  dv.setUint32(p + 8, start, true);
  dv.setUint32(p + 12, sectors, true);
  img[510] = 0x55; img[511] = 0xaa;
}
