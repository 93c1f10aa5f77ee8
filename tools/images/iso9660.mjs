// An ISO 9660 CD image (level 1 names, no Rock Ridge or Joliet) that boots through El Torito
// in "no emulation" mode, written directly instead of through xorriso or genisoimage (each
// needs a handful of libraries that a fresh Debian lacks). isolinux.bin gets the boot info
// table that `-boot-info-table` would write.
import { u16, u32, ascii } from "./util.mjs";

const SECTOR = 2048;

// files: [{ path: "ISOLINUX/ISOLINUX.BIN", data }] with level 1 names (8.3, A-Z 0-9 _).
// boot: the path of the El Torito boot file. Returns the image.
export function buildIso(files, { volume = "CDROM", boot, date = new Date(0) }) {
  for (const f of files) checkName(f.path);

  // Directories, numbered in path table order: by depth, then parent, then name.
  const dirs = [{ path: "", name: "", children: [], files: [], lba: 0 }];
  const byPath = new Map([["", dirs[0]]]);
  const need = (path) => {
    if (byPath.has(path)) return byPath.get(path);
    const i = path.lastIndexOf("/");
    const parent = need(i < 0 ? "" : path.slice(0, i));
    const d = { path, name: path.slice(i + 1), children: [], files: [], up: parent, lba: 0 };
    parent.children.push(d);
    byPath.set(path, d);
    return d;
  };
  for (const f of files) {
    const i = f.path.lastIndexOf("/");
    need(i < 0 ? "" : f.path.slice(0, i)).files.push({ ...f, name: f.path.slice(i + 1) });
  }
  const ordered = [];
  for (let level = [dirs[0]]; level.length; ) {
    ordered.push(...level);
    level = level.flatMap((d) => [...d.children].sort((a, b) => cmp(a.name, b.name)));
  }
  ordered.forEach((d, i) => (d.num = i + 1));

  // Sector allocation.
  let lba = 16;
  const pvdLba = lba++;
  const bootRecLba = boot ? lba++ : 0;
  lba++; // terminator
  const pathTable = (bigEndian) => {
    const parts = ordered.map((d) => {
      const name = d.path ? Buffer.from(d.name) : Buffer.alloc(1);
      const e = Buffer.alloc(8 + name.length + (name.length & 1));
      e[0] = name.length;
      if (bigEndian) e.writeUInt32BE(d.lba, 2), e.writeUInt16BE(d.up ? d.up.num : 1, 6);
      else e.writeUInt32LE(d.lba, 2), e.writeUInt16LE(d.up ? d.up.num : 1, 6);
      name.copy(e, 8);
      return e;
    });
    return Buffer.concat(parts);
  };
  const ptSize = pathTable(false).length; // the size is known before the LBAs are
  const ptSectors = Math.ceil(ptSize / SECTOR);
  const ptL = lba; lba += ptSectors;
  const ptM = lba; lba += ptSectors;
  for (const d of ordered) {
    d.records = () => dirRecords(d, date);
    d.size = layout(recordSizes(d)) * SECTOR;
    d.lba = lba;
    lba += d.size / SECTOR;
  }
  const catalogLba = boot ? lba++ : 0;
  const all = ordered.flatMap((d) => d.files);
  for (const f of all) {
    f.lba = lba;
    lba += Math.max(1, Math.ceil(f.data.length / SECTOR));
  }
  const total = lba + 150; // trailing padding, as mkisofs adds, for drives that read ahead

  const img = Buffer.alloc(total * SECTOR);
  for (const f of all) {
    const data = f.path === boot ? bootInfoTable(f.data, pvdLba, f.lba) : f.data;
    data.copy(img, f.lba * SECTOR);
  }
  for (const d of ordered) writeRecords(img, d.lba * SECTOR, d.records());
  pathTable(false).copy(img, ptL * SECTOR);
  pathTable(true).copy(img, ptM * SECTOR);

  // Primary volume descriptor.
  const p = pvdLba * SECTOR;
  img[p] = 1;
  ascii(img, p + 1, "CD001");
  img[p + 6] = 1;
  img.fill(0x20, p + 8, p + 72);
  ascii(img, p + 40, volume.slice(0, 32));
  both32(img, p + 80, total);
  both16(img, p + 120, 1); // volume set size
  both16(img, p + 124, 1); // volume sequence number
  both16(img, p + 128, SECTOR);
  both32(img, p + 132, ptSize);
  u32(img, p + 140, ptL);
  img.writeUInt32BE(ptM, p + 148);
  record(ordered[0], Buffer.alloc(1), true, date).copy(img, p + 156);
  img.fill(0x20, p + 190, p + 813); // volume set, publisher, preparer, application, file ids
  ascii(img, p + 574, "TAB86 TOOLS/IMAGES/BUILD.MJS");
  const stamp = longDate(date);
  for (const off of [813, 830]) stamp.copy(img, p + off); // creation, modification
  for (const off of [847, 864]) Buffer.from("0000000000000000\0", "latin1").copy(img, p + off); // expiration, effective: none
  img[p + 881] = 1; // file structure version

  if (boot) {
    // Boot record volume descriptor, pointing at the boot catalog.
    const b = bootRecLba * SECTOR;
    ascii(img, b + 1, "CD001");
    img[b + 6] = 1;
    ascii(img, b + 7, "EL TORITO SPECIFICATION");
    u32(img, b + 71, catalogLba);
    const bootFile = all.find((f) => f.path === boot);
    if (!bootFile) throw new Error(`iso: boot file ${boot} is not among the files`);
    catalog(bootFile.lba).copy(img, catalogLba * SECTOR);
  }
  const t = (bootRecLba ? bootRecLba + 1 : pvdLba + 1) * SECTOR; // set terminator
  img[t] = 255;
  ascii(img, t + 1, "CD001");
  img[t + 6] = 1;
  return img;
}

function checkName(path) {
  for (const part of path.split("/")) {
    if (!/^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{0,3})?$/.test(part)) throw new Error(`iso: "${path}" is not an ISO 9660 level 1 name`);
  }
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// The records of a directory: ".", "..", then entries sorted by identifier.
function dirRecords(d, date) {
  const up = d.up || d;
  const entries = [
    ...d.children.map((c) => ({ id: c.name, rec: () => record(c, Buffer.from(c.name), true, date) })),
    ...d.files.map((f) => ({ id: fileId(f.name), rec: () => record(f, Buffer.from(fileId(f.name)), false, date) })),
  ].sort((a, b) => cmp(a.id, b.id));
  return [record(d, Buffer.from([0]), true, date), record(up, Buffer.from([1]), true, date), ...entries.map((e) => e.rec())];
}

// Sizes only (LBAs are not known yet when the layout is computed).
function recordSizes(d) {
  const len = (n) => 33 + n + ((n + 1) & 1);
  return [len(1), len(1), ...d.children.map((c) => len(c.name.length)), ...d.files.map((f) => len(fileId(f.name).length))];
}

// Sectors a list of records takes: a record never crosses a sector boundary.
function layout(sizes) {
  let sectors = 1, used = 0;
  for (const s of sizes) {
    if (used + s > SECTOR) sectors++, (used = 0);
    used += s;
  }
  return sectors;
}

function writeRecords(img, at, records) {
  let off = 0;
  for (const r of records) {
    if ((off % SECTOR) + r.length > SECTOR) off = Math.ceil(off / SECTOR) * SECTOR;
    r.copy(img, at + off);
    off += r.length;
  }
}

const fileId = (name) => `${name.includes(".") ? name : name + "."};1`;

function record(target, id, isDir, date) {
  const r = Buffer.alloc(33 + id.length + ((id.length + 1) & 1));
  r[0] = r.length;
  both32(r, 2, target.lba ?? 0);
  both32(r, 10, isDir ? target.size ?? 0 : target.data.length);
  shortDate(date).copy(r, 18);
  r[25] = isDir ? 2 : 0;
  both16(r, 28, 1);
  r[32] = id.length;
  id.copy(r, 33);
  return r;
}

// El Torito catalog: validation entry, then the default entry (no emulation, 4 sectors of
// 512 bytes loaded at 07C0:0000, as isolinux expects).
function catalog(bootLba) {
  const c = Buffer.alloc(SECTOR);
  c[0] = 1; // header id; platform 0 = 80x86
  ascii(c, 4, "TAB86");
  c[30] = 0x55;
  c[31] = 0xaa;
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum += c.readUInt16LE(i);
  u16(c, 28, -sum & 0xffff); // the 16 words sum to zero
  c[32] = 0x88; // bootable
  c[33] = 0; // no emulation
  u16(c, 38, 4);
  u32(c, 40, bootLba);
  return c;
}

// isolinux.bin finds itself on the CD through this table at byte 8: the primary volume
// descriptor's LBA, its own LBA and length, and a checksum of its bytes from 64 on.
function bootInfoTable(data, pvdLba, lba) {
  const b = Buffer.from(data);
  let sum = 0;
  for (let i = 64; i + 4 <= b.length; i += 4) sum = (sum + b.readUInt32LE(i)) >>> 0;
  b.fill(0, 8, 64);
  u32(b, 8, pvdLba);
  u32(b, 12, lba);
  u32(b, 16, b.length);
  u32(b, 20, sum);
  return b;
}

function both16(b, off, v) {
  b.writeUInt16LE(v, off);
  b.writeUInt16BE(v, off + 2);
}
function both32(b, off, v) {
  b.writeUInt32LE(v, off);
  b.writeUInt32BE(v, off + 4);
}

function shortDate(d) {
  return Buffer.from([d.getUTCFullYear() - 1900, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), 0]);
}
function longDate(d) {
  const s = d.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "00";
  return Buffer.concat([Buffer.from(s, "latin1"), Buffer.from([0])]);
}
