// A small ext2 file system (revision 1, 4 KiB blocks, one block group) holding a few files,
// written directly: Debian's genext2fs drags in libarchive and its libraries, and mke2fs
// needs root to fill a file system (a loop mount). One group limits the size to 128 MiB,
// plenty for test files. Checked with e2fsck -fn and by mounting it in the guest.
import { createHash } from "node:crypto";
import { u16, u32, ascii } from "./util.mjs";

const BS = 4096, INODE_SIZE = 128, ROOT = 2, FIRST_INO = 11;
const S_IFDIR = 0o040000, S_IFREG = 0o100000;
const FT_REG = 1, FT_DIR = 2;

// files: [{ path: "a/b.txt", data }]; size in bytes. Returns the file system image.
export function buildExt2(files, { size, label = "", mtime = 0, inodes = 256 }) {
  const blocks = Math.floor(size / BS);
  if (blocks > 8 * BS) throw new Error("ext2: one block group holds at most 128 MiB");
  const img = Buffer.alloc(blocks * BS);
  const itableBlocks = (inodes * INODE_SIZE) / BS;
  // Block 0: boot area + superblock; 1: group descriptors; 2, 3: bitmaps; then inode table.
  let nextBlock = 4 + itableBlocks;
  const alloc = () => {
    if (nextBlock >= blocks) throw new Error("ext2: file system too small for the files");
    return nextBlock++;
  };

  // The directory tree: root, lost+found (e2fsck wants it), then the files' folders.
  let nextIno = FIRST_INO;
  const dir = (ino, parent) => ({ ino, parent, entries: [] });
  const root = dir(ROOT, ROOT);
  const dirs = [root];
  const byPath = new Map([["", root]]);
  const lf = dir(nextIno++, ROOT);
  dirs.push(lf);
  root.entries.push({ name: "lost+found", ino: lf.ino, type: FT_DIR });
  const regular = [];
  for (const f of files) {
    const parts = f.path.split("/");
    let d = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts.slice(0, i + 1).join("/");
      if (!byPath.has(p)) {
        const nd = dir(nextIno++, d.ino);
        d.entries.push({ name: parts[i], ino: nd.ino, type: FT_DIR });
        byPath.set(p, nd);
        dirs.push(nd);
      }
      d = byPath.get(p);
    }
    const ino = nextIno++;
    d.entries.push({ name: parts.at(-1), ino, type: FT_REG });
    regular.push({ ino, data: f.data });
  }
  if (nextIno > inodes + 1) throw new Error("ext2: too many files for the inode table");

  const inode = (ino, mode, size, links, blockList) => {
    const at = 4 * BS + (ino - 1) * INODE_SIZE;
    u16(img, at, mode);
    u32(img, at + 4, size);
    for (const t of [8, 12, 16]) u32(img, at + t, mtime); // atime, ctime, mtime
    u16(img, at + 26, links);
    const { ptrs, count } = mapBlocks(blockList);
    u32(img, at + 28, count * (BS / 512));
    ptrs.forEach((p, i) => u32(img, at + 40 + 4 * i, p));
  };
  // Direct pointers for the first 12 blocks, one indirect block for up to 1024 more.
  const mapBlocks = (list) => {
    const ptrs = list.slice(0, 12);
    let count = list.length;
    if (list.length > 12) {
      if (list.length > 12 + BS / 4) throw new Error("ext2: file too large (no double indirect blocks)");
      const ind = alloc();
      list.slice(12).forEach((b, i) => u32(img, ind * BS + 4 * i, b));
      ptrs[12] = ind;
      count++;
    }
    return { ptrs, count };
  };

  for (const f of regular) {
    const list = [];
    for (let off = 0; off < f.data.length; off += BS) {
      const b = alloc();
      f.data.copy(img, b * BS, off, Math.min(off + BS, f.data.length));
      list.push(b);
    }
    inode(f.ino, S_IFREG | 0o644, f.data.length, 1, list);
  }
  for (const d of dirs) {
    const b = alloc();
    writeDir(img, b * BS, [{ name: ".", ino: d.ino, type: FT_DIR }, { name: "..", ino: d.parent, type: FT_DIR }, ...d.entries]);
    const subdirs = d.entries.filter((e) => e.type === FT_DIR).length;
    inode(d.ino, S_IFDIR | 0o755, BS, 2 + subdirs, [b]);
  }

  const used = nextBlock;
  // Bitmaps: used blocks and inodes, and the bits past the end of the group set, as mke2fs does.
  setBits(img, 2 * BS, 0, used);
  setBits(img, 2 * BS, blocks, 8 * BS);
  setBits(img, 3 * BS, 0, nextIno - 1);
  setBits(img, 3 * BS, inodes, 8 * BS);

  const gd = BS;
  u32(img, gd, 2);
  u32(img, gd + 4, 3);
  u32(img, gd + 8, 4);
  u16(img, gd + 12, blocks - used);
  u16(img, gd + 14, inodes - (nextIno - 1));
  u16(img, gd + 16, dirs.length);

  const sb = 1024;
  u32(img, sb + 0, inodes);
  u32(img, sb + 4, blocks);
  u32(img, sb + 12, blocks - used);
  u32(img, sb + 16, inodes - (nextIno - 1));
  u32(img, sb + 20, 0); // first data block: 0 for blocks larger than 1 KiB
  u32(img, sb + 24, 2); // log2(block size) - 10
  u32(img, sb + 28, 2);
  u32(img, sb + 32, 8 * BS); // blocks per group
  u32(img, sb + 36, 8 * BS);
  u32(img, sb + 40, inodes);
  u32(img, sb + 44, mtime); // mount time
  u32(img, sb + 48, mtime); // write time
  u16(img, sb + 54, 0xffff); // max mount count: no forced checks
  u16(img, sb + 56, 0xef53);
  u16(img, sb + 58, 1); // clean
  u16(img, sb + 60, 1); // on errors: continue
  u32(img, sb + 64, mtime); // last check
  u32(img, sb + 76, 1); // revision 1: dynamic inode sizes, feature flags
  u32(img, sb + 84, FIRST_INO);
  u16(img, sb + 88, INODE_SIZE);
  u32(img, sb + 96, 0x2); // incompat: file type in directory entries
  createHash("md5").update(`tab86-ext2-${label}`).digest().copy(img, sb + 104); // uuid, fixed
  ascii(img, sb + 120, label.slice(0, 16));
  u32(img, sb + 264, mtime); // mkfs time
  return img;
}

function writeDir(img, at, entries) {
  let off = 0;
  entries.forEach((e, i) => {
    const name = Buffer.from(e.name);
    const need = (8 + name.length + 3) & ~3;
    const len = i === entries.length - 1 ? BS - off : need;
    if (off + need > BS) throw new Error("ext2: directory larger than one block");
    u32(img, at + off, e.ino);
    u16(img, at + off + 4, len);
    img[at + off + 6] = name.length;
    img[at + off + 7] = e.type;
    name.copy(img, at + off + 8);
    off += len;
  });
}

function setBits(img, at, from, to) {
  for (let i = from; i < to; i++) img[at + (i >> 3)] |= 1 << (i & 7);
}
