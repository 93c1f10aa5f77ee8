// INT 13h for hard disks (DL = 80h..) and CD-ROM drives (DL = E0h..), and for a drive that El
// Torito emulates from a CD image (bios/eltorito.ts). The data comes from the host through
// bios/diskio.ts. References: IBM PC/AT technical reference (INT 13h fixed disk), Phoenix
// "BIOS Enhanced Disk Drive Specification" 1.1 and 3.0 (functions 41h-48h), "El Torito"
// bootable CD-ROM format specification 1.0 (function 4Bh).
//
// Status codes (AH, also kept in BDA 40:74): 00 ok, 01 bad command or parameter, 03 write
// protected, 04 sector not found, 0C unsupported track / media type, 31 no medium,
// 80 timeout (the image could not be read), AA drive not ready.
import { DISK_DRIVES, DISK_KIND_ATA, DISK_KIND_ATAPI, DISK_FLAG_MEDIUM, DISK_FLAG_READONLY, DISK_OK, DISK_ERR_READONLY, BIOS_CDEMU } from "../core-as/state";
import { disk_size, disk_kind, disk_flags } from "../core-as/bus/disk";
import { AL, AH, BL, CL, CH, DL, DH, AX, BX, CX, DX, SI, DI, ES, DS, r8, w8, r16, w16, m8, m16, m32, s8, s16, s32, seg_lin, set_bda8, bda8, ret_cf, set_sreg } from "./util";
import { io_transfer, IO_PENDING } from "./diskio";
import { floppy_count, DPT_BASE } from "./disk";
import { cdemu_active, cdemu_drive, cdemu_status } from "./eltorito";

// ---- the drive a BIOS number names (temporaries of one call, filled by resolve())
let d_ide: u32 = 0; // IDE position 0..3
let d_base: u64 = 0; // byte offset of sector 0 in the image (an emulated drive starts inside a CD)
let d_ssize: u32 = 512; // bytes per sector
let d_sectors: u64 = 0;
let d_cyls: u32 = 0, d_heads: u32 = 0, d_spt: u32 = 0; // CHS geometry (0 for a CD)
let d_ro = false;
let d_cd = false; // a CD-ROM drive: only the extended functions

// IDE position of the n-th drive of a kind, or -1
function nth_drive(kind: u32, n: u32): i32 {
  for (let i: u32 = 0; i < <u32>DISK_DRIVES; i++) {
    if (disk_kind(i) != kind) continue;
    if (n == 0) return <i32>i;
    n--;
  }
  return -1;
}

export function hard_disk_count(): u32 {
  let n: u32 = 0;
  for (let i: u32 = 0; i < <u32>DISK_DRIVES; i++) if (disk_kind(i) == <u32>DISK_KIND_ATA) n++;
  return n + (cdemu_active() && cdemu_drive() >= 0x80 ? 1 : 0);
}

// The usual "LBA-assisted" translation of large disks (Phoenix EDD 1.1 §"translation"): 63
// sectors per track and the fewest heads (16, 32, 64, 128, 255) that keep the cylinders at
// 1024 or below.
function set_hd_geometry(sectors: u64): void {
  let heads: u32 = 255;
  if (sectors <= 1024 * 16 * 63) heads = 16;
  else if (sectors <= 1024 * 32 * 63) heads = 32;
  else if (sectors <= 1024 * 64 * 63) heads = 64;
  else if (sectors <= 1024 * 128 * 63) heads = 128;
  let cyls = sectors / <u64>(heads * 63);
  if (cyls > 1024) cyls = 1024;
  if (cyls == 0) cyls = 1;
  d_heads = heads; d_spt = 63; d_cyls = <u32>cyls;
}

// Fill the d_* description of BIOS drive dl; false if there is none.
function resolve(dl: u32): bool {
  d_base = 0; d_ro = false; d_cd = false;
  if (cdemu_active() && dl == cdemu_drive()) {
    // an emulated drive: its sectors start at the image's LBA on the CD (El Torito §5)
    d_ide = load<u8>(BIOS_CDEMU + 3);
    d_base = <u64>load<u32>(BIOS_CDEMU + 4) * 2048;
    d_ssize = 512; d_ro = true;
    const media = load<u8>(BIOS_CDEMU + 1);
    if (media == 4) {
      // hard-disk emulation: the geometry of the image's first partition entry end (El Torito §5.2)
      d_sectors = (disk_size(d_ide) - d_base) / 512;
      set_hd_geometry(d_sectors);
    } else {
      d_cyls = 80; d_heads = 2;
      d_spt = media == 1 ? 15 : media == 2 ? 18 : 36;
      d_sectors = <u64>(d_cyls * d_heads * d_spt);
    }
    return true;
  }
  if (dl >= 0xe0) {
    const i = nth_drive(DISK_KIND_ATAPI, dl - 0xe0);
    if (i < 0) return false;
    d_ide = <u32>i; d_ssize = 2048; d_cd = true; d_ro = true;
    d_sectors = disk_size(d_ide) / 2048;
    d_cyls = 0; d_heads = 0; d_spt = 0;
    return true;
  }
  if (dl < 0x80) return false;
  let n = dl - 0x80;
  if (cdemu_active() && cdemu_drive() == 0x80) n--; // the emulated disk took 80h
  const i = nth_drive(DISK_KIND_ATA, n);
  if (i < 0) return false;
  d_ide = <u32>i; d_ssize = 512;
  d_sectors = disk_size(d_ide) / 512;
  d_ro = (disk_flags(d_ide) & DISK_FLAG_READONLY) != 0;
  set_hd_geometry(d_sectors);
  return true;
}

function done(status: u32): void {
  set_bda8(0x74, status);
  w8(AH, status);
  ret_cf(status != 0);
}

// BIOS status for a finished transfer
function io_status(st: u32): u32 {
  if (st == <u32>DISK_OK) return 0;
  if (st == <u32>DISK_ERR_READONLY) return 0x03;
  return 0x80;
}

// Move count sectors at lba between the drive and linear address lin. Returns a BIOS status or
// IO_PENDING.
function transfer(lba: u64, count: u32, lin: u32, write: bool): u32 {
  if (lba + <u64>count > d_sectors) return 0x04;
  if (write && d_ro) return 0x03;
  if (d_cd && (disk_flags(d_ide) & DISK_FLAG_MEDIUM) == 0) return 0x31;
  const st = io_transfer(d_ide, write, d_base + lba * <u64>d_ssize, count * d_ssize, lin);
  return st == IO_PENDING ? IO_PENDING : io_status(st);
}

export function int13_hd(): void {
  const ah = r8(AH);
  const dl = r8(DL);
  if (!resolve(dl)) {
    done(0x01);
    return;
  }
  if (d_cd) { int13_cd(ah); return; }
  switch (ah) {
    case 0x00: case 0x09: case 0x0c: case 0x0d: case 0x10: case 0x11: case 0x14:
      done(0); return; // reset, set parameters, seek, alternate reset, ready, recalibrate, diagnostic
    case 0x01: { const st = bda8(0x74); w8(AH, st); w8(AL, st); ret_cf(st != 0); return; }
    case 0x02: case 0x03: case 0x04: case 0x05: {
      const count: u32 = ah == 0x05 ? d_spt : r8(AL);
      const cyl = r8(CH) | ((r8(CL) & 0xc0) << 2), sec: u32 = ah == 0x05 ? 1 : r8(CL) & 0x3f, head = r8(DH);
      if (count == 0) { w8(AL, 0); done(0x01); return; }
      if (cyl >= d_cyls || head >= d_heads || sec == 0 || sec > d_spt) { w8(AL, 0); done(0x04); return; }
      const lba = <u64>((cyl * d_heads + head) * d_spt + sec - 1);
      if (lba + <u64>count > d_sectors) { w8(AL, 0); done(0x04); return; }
      // verify and format touch no data (an ATA disk has no format; BIOSes report success)
      if (ah == 0x04 || ah == 0x05) { if (ah == 0x04) w8(AL, count); done(ah == 0x05 && d_ro ? 0x03 : 0); return; }
      const st = transfer(lba, count, seg_lin(ES, r16(BX)), ah == 0x03);
      if (st == IO_PENDING) return;
      w8(AL, st == 0 ? count : 0);
      done(st);
      return;
    }
    case 0x08: {
      if (r8(DL) < 0x80) { emulated_floppy_params(); return; }
      const maxc = d_cyls - 1;
      w8(AL, 0);
      w8(CH, maxc & 0xff);
      w8(CL, (d_spt & 0x3f) | ((maxc >> 2) & 0xc0));
      w8(DH, d_heads - 1);
      w8(DL, hard_disk_count());
      done(0);
      return;
    }
    case 0x15: {
      // fixed disk: CX:DX = sectors addressable through CHS
      const n = d_cyls * d_heads * d_spt;
      w16(CX, n >> 16); w16(DX, n & 0xffff);
      w8(AH, 0x03);
      set_bda8(0x74, 0);
      ret_cf(false);
      return;
    }
    case 0x41: case 0x42: case 0x43: case 0x44: case 0x47: case 0x48:
      edd(ah); return;
    case 0x4b: cdemu_status(dl); return;
    default: done(0x01); return;
  }
}

// 08h for a diskette El Torito emulates: what the diskette BIOS returns for that drive type
// (BL the CMOS type, the geometry, DL the diskette drives, ES:DI its parameter table).
function emulated_floppy_params(): void {
  const media = load<u8>(BIOS_CDEMU + 1); // 1 = 1.2M, 2 = 1.44M, 3 = 2.88M
  const type: u32 = media == 1 ? 2 : media == 2 ? 4 : 5;
  w8(AL, 0);
  w8(BL, type);
  w8(CH, d_cyls - 1);
  w8(CL, d_spt);
  w8(DH, d_heads - 1);
  w8(DL, floppy_count() > 0 ? floppy_count() : 1);
  set_sreg(ES, 0xf000);
  w16(DI, DPT_BASE + (type - 1) * 16);
  done(0);
}

// The CD-ROM drive: the EDD functions with 2048-byte sectors, lock/eject, El Torito status.
function int13_cd(ah: u32): void {
  switch (ah) {
    case 0x00: case 0x0d: case 0x10: case 0x11: case 0x14: done(0); return;
    case 0x01: { const st = bda8(0x74); w8(AH, st); w8(AL, st); ret_cf(st != 0); return; }
    case 0x15: w8(AH, 0x02); set_bda8(0x74, 0); ret_cf(false); return; // removable, change line
    case 0x41: case 0x42: case 0x44: case 0x47: case 0x48: edd(ah); return;
    case 0x43: done(0x03); return; // write protected
    case 0x45: { // lock (AL=0) / unlock (1) / status (2): the count of locks (EDD 3.0)
      const al = r8(AL);
      let locks = load<u8>(BIOS_CDEMU + 13);
      if (al == 0) { if (locks == 0xff) { done(0xb4); return; } locks++; }
      else if (al == 1) { if (locks == 0) { done(0xb0); return; } locks--; }
      else if (al != 2) { done(0x01); return; }
      store<u8>(BIOS_CDEMU + 13, <u8>locks);
      w8(AL, locks != 0 ? 1 : 0);
      done(0);
      return;
    }
    case 0x46: done(load<u8>(BIOS_CDEMU + 13) != 0 ? 0xb1 : 0); return; // eject: refused while locked
    case 0x49: done(0); return; // the medium has not been changed
    case 0x4b: cdemu_status(r8(DL)); return;
    default: done(0x01); return;
  }
}

// EDD functions (Phoenix EDD 3.0 §7): 41h check, 42h/43h/44h/47h through the disk address
// packet at DS:SI, 48h drive parameters.
function edd(ah: u32): void {
  if (ah == 0x41) {
    if (r16(BX) != 0x55aa) { done(0x01); return; }
    w16(BX, 0xaa55);
    w8(AH, 0x30); // EDD 3.0
    // bit 0 fixed disk access (42h-44h, 47h, 48h), bit 1 removable drive functions (45h, 46h,
    // 48h, 49h), bit 2 EDD drive parameters (48h)
    w16(CX, d_cd ? 0x07 : 0x05);
    set_bda8(0x74, 0);
    ret_cf(false);
    return;
  }
  const pkt = seg_lin(DS, r16(SI));
  if (ah == 0x48) { edd_params(pkt); return; }
  // the disk address packet: size, 0, count (u16), buffer offset:segment, LBA (u64), and with
  // size 18h the flat 64-bit buffer address used when the segment:offset is FFFF:FFFF
  const size = m8(pkt);
  if (size < 0x10) { done(0x01); return; }
  const count = m16(pkt + 2);
  const lba = (<u64>m32(pkt + 12) << 32) | <u64>m32(pkt + 8);
  if (ah == 0x47) { done(lba < d_sectors ? 0 : 0x04); return; } // seek
  if (count > 0x7f) { s16(pkt + 2, 0); done(0x01); return; }
  if (lba + <u64>count > d_sectors) { s16(pkt + 2, 0); done(0x04); return; }
  if (ah == 0x44) { done(0); return; } // verify
  const off = m16(pkt + 4), seg = m16(pkt + 6);
  const lin: u32 = (off == 0xffff && seg == 0xffff && size >= 0x18) ? m32(pkt + 16) : (seg << 4) + off;
  if (count == 0) { done(0); return; }
  const st = transfer(lba, count, lin, ah == 0x43);
  if (st == IO_PENDING) return;
  if (st != 0) s16(pkt + 2, 0);
  done(st);
}

// 48h: the result buffer's first word is its size; fill as much as fits (1Ah: EDD 1.1, 1Eh:
// + the DPTE pointer, 42h: + the EDD 3.0 device path).
function edd_params(p: u32): void {
  const size = m16(p);
  if (size < 0x1a) { done(0x01); return; }
  // flags: bit 1 CHS information valid, bit 2 removable, bit 4 change line, bit 5 lockable,
  // bit 6 geometry set to maximum (no medium)
  const flags: u32 = d_cd ? 0x74 : 0x02;
  s16(p + 2, flags);
  s32(p + 4, d_cd ? 0xffffffff : d_cyls);
  s32(p + 8, d_cd ? 0xffffffff : d_heads);
  s32(p + 12, d_cd ? 0xffffffff : d_spt);
  s32(p + 16, <u32>d_sectors);
  s32(p + 20, <u32>(d_sectors >> 32));
  s16(p + 24, d_ssize);
  let used: u32 = 0x1a;
  if (size >= 0x1e) {
    s32(p + 26, 0xffffffff); // no DPTE
    used = 0x1e;
  }
  if (size >= 0x42) {
    // device path (EDD 3.0 §7.13): host bus "PCI", interface "ATA"/"ATAPI", the PIIX3 IDE
    // function at 00:01.1, the channel (interface path byte 3) and master/slave (device path)
    s16(p + 0x1e, 0xbedd);
    s8(p + 0x20, 0x24);
    s8(p + 0x21, 0); s16(p + 0x22, 0);
    const bus = "PCI ";
    for (let i = 0; i < 4; i++) s8(p + 0x24 + i, bus.charCodeAt(i));
    const itf = d_cd ? "ATAPI   " : "ATA     ";
    for (let i = 0; i < 8; i++) s8(p + 0x28 + i, itf.charCodeAt(i));
    for (let i: u32 = 0; i < 16; i++) s8(p + 0x30 + i, 0);
    s8(p + 0x30, 0); s8(p + 0x31, 1); s8(p + 0x32, 1); // bus 0, device 1, function 1
    s8(p + 0x33, d_ide >> 1); // channel
    s8(p + 0x38, d_ide & 1); // master 0 / slave 1
    s8(p + 0x40, 0);
    let sum: u32 = 0;
    for (let i: u32 = 0x1e; i < 0x41; i++) sum += m8(p + i);
    s8(p + 0x41, (0x100 - (sum & 0xff)) & 0xff);
    used = 0x42;
  }
  s16(p, used);
  done(0);
}

// Read the master boot record of the first hard disk to 0000:7C00. Returns 1 when it is there
// with the 55AA signature, 0 when there is no disk or no signature, IO_PENDING while reading.
export function hard_disk_boot(): u32 {
  if (!resolve(0x80)) return 0;
  const st = transfer(0, 1, 0x7c00, false);
  if (st == IO_PENDING) return IO_PENDING;
  if (st != 0) return 0;
  return m16(0x7dfe) == 0xaa55 ? 1 : 0;
}

