// Reads the files back from a FAT12/16/32 image: the sandbox's export disk after the guest
// wrote to it (docs/sandbox.md), and the tests' check of host/fatimage.ts. The guest controls
// every byte of that image, so every field is checked before it is used: sizes and offsets
// against the image, cluster numbers against the volume, chains for loops and for clusters
// that two files claim, names for path separators, the number of files and the depth of
// folders. A damaged file system gives a FatReadError that says what is wrong, never an
// exception from a typed array or a hang. Formats as in host/fat.ts.
import { SECTOR, DIRENT, ATTR_DIRECTORY, ATTR_VOLUME_ID, ATTR_LONG_NAME, LFN_OFFSETS, FAT_PARTITION_TYPES, FatType, fatTypeOf, shortNameChecksum, fromDosDateTime } from "./fat.js";
import { CP437 } from "./cp437.js";

export interface FatEntry {
  /** folders separated by "/" */
  path: string;
  data: Uint8Array;
  mtime: Date;
}

export interface FatVolume {
  type: FatType;
  /** the volume label ("" when none) */
  label: string;
  /** byte offset of the volume in the image (the partition's start, or 0) */
  offset: number;
  files: FatEntry[];
  /** the folders, as paths */
  dirs: string[];
}

export class FatReadError extends Error {}

export interface ReadOptions {
  /** refuse images with more files and folders than this (default 65536) */
  maxEntries?: number;
  /** refuse folders nested deeper (default 64) */
  maxDepth?: number;
}

/** The byte offset of the FAT volume: the image itself when it starts with a boot sector, else
 * the first partition of a FAT type in its MBR. */
export function findFatVolume(img: Uint8Array): number {
  if (img.length < SECTOR) throw new FatReadError(`${img.length} bytes is too small for a disk image`);
  if (looksLikeBootSector(img, 0)) return 0;
  if (img[510] !== 0x55 || img[511] !== 0xaa) throw new FatReadError("no FAT file system: sector 0 is neither a FAT boot sector nor an MBR");
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  for (let k = 0; k < 4; k++) {
    const p = 446 + k * 16;
    const start = dv.getUint32(p + 8, true);
    if (!FAT_PARTITION_TYPES.has(img[p + 4]) || start === 0) continue;
    if (start * SECTOR + SECTOR > img.length) throw new FatReadError(`partition ${k + 1} starts at sector ${start}, past the end of the ${img.length}-byte image`);
    if (looksLikeBootSector(img, start * SECTOR)) return start * SECTOR;
  }
  throw new FatReadError("no FAT file system: the MBR lists no FAT partition with a valid boot sector");
}

function looksLikeBootSector(img: Uint8Array, at: number): boolean {
  if (at + SECTOR > img.length) return false;
  const b = (o: number) => img[at + o];
  const bps = b(11) | (b(12) << 8), spc = b(13), rsvd = b(14) | (b(15) << 8);
  return (b(0) === 0xeb || b(0) === 0xe9) && [512, 1024, 2048, 4096].includes(bps) && spc > 0 && (spc & (spc - 1)) === 0 && rsvd > 0 && b(16) > 0 && b(510) === 0x55 && b(511) === 0xaa;
}

/** Every file and folder on the image's FAT volume. */
export function readFatImage(img: Uint8Array, opts: ReadOptions = {}): FatVolume {
  const maxEntries = opts.maxEntries ?? 65536, maxDepth = opts.maxDepth ?? 64;
  const vol = findFatVolume(img);
  const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  const u16 = (o: number) => dv.getUint16(vol + o, true), u32 = (o: number) => dv.getUint32(vol + o, true);
  const bps = u16(11), spc = img[vol + 13], rsvd = u16(14), nfats = img[vol + 16], rootEnt = u16(17);
  const fat32 = u16(22) === 0;
  const fatSz = fat32 ? u32(36) : u16(22);
  const total = u16(19) || u32(32);
  const bad = (why: string) => new FatReadError(`damaged FAT file system: ${why}`);
  if (fatSz === 0 || total === 0) throw bad("the boot sector gives no FAT size or no volume size");
  if (vol + total * bps > img.length) throw bad(`the volume (${total} sectors of ${bps} bytes at byte ${vol}) is longer than the ${img.length}-byte image`);
  const rootSectors = Math.ceil(rootEnt * DIRENT / bps);
  const firstData = rsvd + nfats * fatSz + rootSectors;
  if (firstData >= total) throw bad("the FATs and the root directory leave no room for data");
  let clusters = Math.floor((total - firstData) / spc);
  const type: FatType = fat32 ? 32 : fatTypeOf(clusters);
  if (!fat32 && type === 32) throw bad(`${clusters} clusters is too many for FAT16 and the boot sector is not FAT32's`);
  const bits = type === 12 ? 12 : type === 16 ? 16 : 32;
  clusters = Math.min(clusters, Math.floor(fatSz * bps * 8 / bits) - 2); // only what the FAT maps
  if (clusters < 1) throw bad("no clusters");
  const fatAt = vol + rsvd * bps, rootAt = vol + (rsvd + nfats * fatSz) * bps, dataAt = vol + firstData * bps;
  const clusterBytes = spc * bps;
  const EOC = type === 12 ? 0xff8 : type === 16 ? 0xfff8 : 0x0ffffff8;

  const fat = (n: number): number => {
    if (type === 16) return dv.getUint16(fatAt + n * 2, true);
    if (type === 32) return dv.getUint32(fatAt + n * 4, true) & 0x0fffffff;
    const w = dv.getUint16(fatAt + n + (n >> 1), true);
    return n & 1 ? w >> 4 : w & 0xfff;
  };
  const owner = new Uint8Array(clusters + 2); // clusters already in a chain
  // the clusters of a chain, at most `limit` of them (all, for a folder)
  const chain = (first: number, limit: number, what: string): number[] => {
    const out: number[] = [];
    let c = first;
    while (out.length < limit) {
      if (c < 2 || c > clusters + 1) throw bad(`${what}: cluster ${c} is outside the volume's clusters 2..${clusters + 1}`);
      if (owner[c]) throw bad(`${what}: cluster ${c} also belongs to another file or folder (or the chain loops)`);
      owner[c] = 1;
      out.push(c);
      const next = fat(c);
      if (next >= EOC) break;
      if (out.length < limit && (next === 0 || next === EOC - 1)) throw bad(`${what}: the chain ends in a ${next === 0 ? "free" : "bad"} cluster`);
      c = next;
    }
    return out;
  };
  const clusterAt = (c: number) => dataAt + (c - 2) * clusterBytes;

  const files: FatEntry[] = [], dirs: string[] = [];
  let label = "";
  let count = 0;
  const walk = (entries: Uint8Array, prefix: string, depth: number) => {
    for (const e of parseDir(entries, type === 32)) {
      if (e.attr & ATTR_VOLUME_ID) { if (!prefix && !(e.attr & ATTR_DIRECTORY)) label = e.name.trim(); continue; }
      if (e.name === "." || e.name === "..") continue;
      if (++count > maxEntries) throw new FatReadError(`more than ${maxEntries} files and folders: not read`);
      const path = prefix + e.name;
      if (e.attr & ATTR_DIRECTORY) {
        if (depth >= maxDepth) throw new FatReadError(`${path}: folders nested deeper than ${maxDepth}`);
        dirs.push(path);
        if (e.cluster === 0) continue; // an empty folder a careless writer left without a cluster
        const cs = chain(e.cluster, clusters, path);
        walk(gather(cs, cs.length * clusterBytes), path + "/", depth + 1);
      } else {
        const n = Math.ceil(e.size / clusterBytes);
        if (n > 0 && e.cluster === 0) throw bad(`${path}: ${e.size} bytes but no first cluster`);
        const cs = n ? chain(e.cluster, n, path) : [];
        if (cs.length < n) throw bad(`${path}: ${e.size} bytes, but its cluster chain holds only ${cs.length * clusterBytes}`);
        files.push({ path, data: gather(cs, e.size), mtime: e.mtime });
      }
    }
  };
  const gather = (cs: number[], size: number) => {
    const out = new Uint8Array(size);
    cs.forEach((c, k) => {
      const n = Math.min(clusterBytes, size - k * clusterBytes);
      out.set(img.subarray(clusterAt(c), clusterAt(c) + n), k * clusterBytes);
    });
    return out;
  };
  if (type === 32) {
    const cs = chain(u32(44), clusters, "the root folder");
    walk(gather(cs, cs.length * clusterBytes), "", 0);
  } else walk(img.subarray(rootAt, rootAt + rootEnt * DIRENT), "", 0);
  if (!label) label = new TextDecoder("latin1").decode(img.subarray(vol + (fat32 ? 71 : 43), vol + (fat32 ? 82 : 54))).trim();
  if (label === "NO NAME") label = "";
  return { type, label, offset: vol, files, dirs };
}

interface DirEntry { name: string; attr: number; cluster: number; size: number; mtime: Date }

// The entries of a folder, with their long names where a valid set of long name entries comes
// right before the short entry (matching checksum, parts counting down to 1).
function parseDir(b: Uint8Array, fat32: boolean): DirEntry[] {
  const out: DirEntry[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let parts: string[] = [], expect = 0, sum = -1;
  for (let o = 0; o + DIRENT <= b.length; o += DIRENT) {
    const first = b[o], attr = b[o + 11];
    if (first === 0x00) break; // this and every later entry are free
    if (first === 0xe5) { parts = []; expect = 0; continue; } // deleted
    if ((attr & 0x3f) === ATTR_LONG_NAME) {
      const ord = first & 0x1f;
      if (first & 0x40) { parts = []; expect = ord; sum = b[o + 13]; }
      if (ord === 0 || ord !== expect || b[o + 13] !== sum) { parts = []; expect = 0; continue; }
      let s = "";
      for (const off of LFN_OFFSETS) {
        const c = b[o + off] | (b[o + off + 1] << 8);
        if (c === 0 || c === 0xffff) break;
        s += String.fromCharCode(c);
      }
      parts[ord - 1] = s;
      expect = ord - 1;
      continue;
    }
    const short = b.subarray(o, o + 11);
    const long = expect === 0 && parts.length > 0 && sum === shortNameChecksum(short) ? parts.join("") : "";
    parts = []; expect = 0;
    const name = long || shortName(short, b[o + 12]);
    out.push({
      name: attr & ATTR_VOLUME_ID ? name : safeName(name),
      attr,
      // DIR_FstClusHI only counts on FAT32 (elsewhere it may hold anything, e.g. OS/2's EA handle)
      cluster: ((fat32 ? dv.getUint16(o + 20, true) << 16 : 0) | dv.getUint16(o + 26, true)) >>> 0,
      size: dv.getUint32(o + 28, true),
      mtime: fromDosDateTime(dv.getUint16(o + 24, true), dv.getUint16(o + 22, true)),
    });
  }
  return out;
}

// An 8.3 name as text: CP437, 0x05 in the first byte stands for 0xE5, and the NT case bits
// (DIR_NTRes bit 3 base, bit 4 extension in lower case) that Windows and Linux write.
function shortName(n: Uint8Array, nt: number): string {
  const text = (a: Uint8Array) => [...a].map((c, i) => CP437[i === 0 && c === 0x05 ? 0xe5 : c]).join("").trimEnd();
  let base = text(n.subarray(0, 8)), ext = text(n.subarray(8, 11));
  if (nt & 0x08) base = base.toLowerCase();
  if (nt & 0x10) ext = ext.toLowerCase();
  return ext ? `${base}.${ext}` : base;
}

// A name as one path component: no separators or control characters (a guest can write any).
function safeName(name: string): string {
  const s = name.replace(/[\\/\x00-\x1f\x7f]/g, "_");
  return s === "" ? "_" : s;
}
