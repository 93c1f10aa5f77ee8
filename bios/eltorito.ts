// Booting from a CD: "El Torito" Bootable CD-ROM Format Specification 1.0 (Phoenix/IBM 1995).
// Sector 17 of the disc holds the Boot Record Volume Descriptor, which points at the boot
// catalog; the catalog's initial entry says where the boot image is, how to load it and
// whether the BIOS must make it look like a diskette or a hard disk (emulation) or run it as
// it is (no emulation, as isolinux wants). State in BIOS_CDEMU (state.ts).
import { BIOS_CDEMU, DISK_DRIVES, DISK_KIND_ATAPI, DISK_FLAG_MEDIUM } from "../core-as/state";
import { disk_kind, disk_flags } from "../core-as/bus/disk";
import { AH, AL, DL, SI, DS, r8, w8, r16, m8, m16, m32, s8, s16, s32, seg_lin, set_bda8, ret_cf } from "./util";
import { io_transfer, IO_PENDING } from "./diskio";

// BIOS drive number of the first CD drive for INT 13h (as SeaBIOS numbers it)
export const CD_DRIVE: u32 = 0xe0;
// Where the descriptor and the catalog are read: conventional memory below the boot image's
// usual place (7C00h), one area each, because a re-run of cd_boot() skips the reads done before
// (bios/diskio.ts) and must still find both.
const DESCRIPTOR: u32 = 0x6000;
const CATALOG: u32 = 0x6800;

export function cdemu_active(): bool { return load<u8>(BIOS_CDEMU) != 0; }
export function cdemu_drive(): u32 { return load<u8>(BIOS_CDEMU + 2); }

function first_cd(): i32 {
  for (let i: u32 = 0; i < <u32>DISK_DRIVES; i++) if (disk_kind(i) == <u32>DISK_KIND_ATAPI) return <i32>i;
  return -1;
}

function text_at(lin: u32, s: string): bool {
  for (let i = 0; i < s.length; i++) if (m8(lin + <u32>i) != <u32>s.charCodeAt(i)) return false;
  return true;
}

// Boot from the first CD drive. Returns the boot drive number for DL (the emulated drive, or
// CD_DRIVE with no emulation), 0xffff when there is nothing bootable, IO_PENDING while reading.
// On success the image is loaded at its load segment; the caller jumps to it (the load
// segment is returned in BIOS_CDEMU + 8).
export function cd_boot(): u32 {
  store<u8>(BIOS_CDEMU, 0);
  const ide = first_cd();
  if (ide < 0 || (disk_flags(<u32>ide) & DISK_FLAG_MEDIUM) == 0) return 0xffff;
  // Boot Record Volume Descriptor (El Torito §2.0): type 0, "CD001", version 1, the boot
  // system identifier, and the catalog's sector at offset 47h
  let st = io_transfer(<u32>ide, false, 17 * 2048, 2048, DESCRIPTOR);
  if (st == IO_PENDING) return IO_PENDING;
  if (st != 0 || m8(DESCRIPTOR) != 0 || !text_at(DESCRIPTOR + 1, "CD001") || m8(DESCRIPTOR + 6) != 1 ||
      !text_at(DESCRIPTOR + 7, "EL TORITO SPECIFICATION")) return 0xffff;
  const catalog = m32(DESCRIPTOR + 0x47);
  st = io_transfer(<u32>ide, false, <u64>catalog * 2048, 2048, CATALOG);
  if (st == IO_PENDING) return IO_PENDING;
  if (st != 0) return 0xffff;
  // Validation entry (§2.1): header 01, key bytes 55 AA, the 16 words sum to zero
  if (m8(CATALOG) != 1 || m8(CATALOG + 0x1e) != 0x55 || m8(CATALOG + 0x1f) != 0xaa) return 0xffff;
  let sum: u32 = 0;
  for (let i: u32 = 0; i < 32; i += 2) sum += m16(CATALOG + i);
  if ((sum & 0xffff) != 0) return 0xffff;
  // Initial/default entry (§2.2): 88 bootable, media type, load segment, system type, sector
  // count (virtual 512-byte sectors), load RBA
  const e = CATALOG + 0x20;
  if (m8(e) != 0x88) return 0xffff;
  const media = m8(e + 1) & 0x0f;
  if (media > 4) return 0xffff;
  let seg = m16(e + 2);
  if (seg == 0) seg = 0x7c0;
  const systype = m8(e + 4);
  const count = m16(e + 6);
  const rba = m32(e + 8);
  // Emulated media boot like the diskette or disk they stand for: one sector at 0000:7C00.
  const bytes: u32 = media == 0 ? (count == 0 ? 512 : count * 512) : 512;
  const load_seg: u32 = media == 0 ? seg : 0x7c0;
  st = io_transfer(<u32>ide, false, <u64>rba * 2048, bytes, load_seg << 4);
  if (st == IO_PENDING) return IO_PENDING;
  if (st != 0) return 0xffff;
  const drive: u32 = media == 0 ? CD_DRIVE : media == 4 ? 0x80 : 0x00;
  store<u8>(BIOS_CDEMU, media == 0 ? 0 : 1);
  store<u8>(BIOS_CDEMU + 1, <u8>media);
  store<u8>(BIOS_CDEMU + 2, <u8>drive);
  store<u8>(BIOS_CDEMU + 3, <u8>ide);
  store<u32>(BIOS_CDEMU + 4, rba);
  store<u16>(BIOS_CDEMU + 8, <u16>load_seg);
  store<u16>(BIOS_CDEMU + 10, <u16>count);
  store<u8>(BIOS_CDEMU + 12, <u8>systype);
  store<u8>(BIOS_CDEMU + 14, 1); // booted from CD: 4Bh reports the specification packet
  return drive;
}

// INT 13h/4Bh: AL=00 terminate emulation, AL=01 return status; DS:SI gets the specification
// packet (El Torito §7.4, 13h bytes).
export function cdemu_status(dl: u32): void {
  const al = r8(AL);
  if ((al != 0 && al != 1) || load<u8>(BIOS_CDEMU + 14) == 0) { w8(AH, 0x01); set_bda8(0x74, 1); ret_cf(true); return; }
  const p = seg_lin(DS, r16(SI));
  const media = load<u8>(BIOS_CDEMU + 1);
  const ide = load<u8>(BIOS_CDEMU + 3);
  s8(p, 0x13);
  s8(p + 1, media); // boot media type (bit 6/7: ATAPI/SCSI driver flags left clear)
  s8(p + 2, media == 0 ? CD_DRIVE : cdemu_drive());
  s8(p + 3, ide >> 1); // controller index
  s32(p + 4, load<u32>(BIOS_CDEMU + 4)); // image LBA
  s16(p + 8, ide & 1); // device specification: slave bit
  s16(p + 10, 0); // user buffer segment
  s16(p + 12, load<u16>(BIOS_CDEMU + 8)); // load segment
  s16(p + 14, load<u16>(BIOS_CDEMU + 10)); // sector count
  // CHS of the emulated diskette (cylinder count low, sector|cyl high, head count)
  const spt: u32 = media == 1 ? 15 : media == 2 ? 18 : media == 3 ? 36 : 0;
  s8(p + 16, media >= 1 && media <= 3 ? 79 : 0);
  s8(p + 17, spt);
  s8(p + 18, media >= 1 && media <= 3 ? 1 : 0);
  if (al == 0 && dl != 0x7f) store<u8>(BIOS_CDEMU, 0); // terminate the emulation
  w8(AH, 0);
  set_bda8(0x74, 0);
  ret_cf(false);
}
