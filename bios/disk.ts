// INT 13h for the floppy drives A: and B:, served straight from the images in the FLOPPY
// region (the 82077AA device model is for programs that drive the controller themselves).
// Status codes (IBM PC/AT technical reference, INT 13h): 00 ok, 01 bad command, 02 address
// mark not found, 03 write protected, 04 sector not found, 06 media changed, 09 DMA across a
// 64 KiB boundary, 0C media type not found, 80 timeout (drive not ready).
import { FLOPPY, FLOPPY_MAX, DEV_FDC } from "../core-as/state";
import { fdc_image_size, fdc_take_change } from "../devices/fdc";
import { FAULTED } from "../core-as/cpu/fault";
import { AL, AH, BL, BH, CL, CH, DL, DH, AX, BX, CX, DX, DI, ES, r8, w8, r16, w16, m8, s8, seg_lin, sbase, set_bda8, bda8, ret_cf, set_sreg } from "./util";

// The drives are the 82077AA model's (devices/fdc.ts): its per-drive record at DEV_FDC + 0x60 +
// 16 * n holds the CMOS type, disk present, write protect, and the geometry from the image size.
function drv(n: u32): usize { return <usize>DEV_FDC + 0x60 + 16 * n; }
export function floppy_size(drive: u32): u32 { return drive < 2 ? fdc_image_size(drive) : 0; }
export function floppy_type(drive: u32): u32 { return drive < 2 ? load<u8>(drv(drive)) : 0; }
function floppy_wp(drive: u32): bool { return load<u8>(drv(drive) + 2) != 0; }
// cylinders << 16 | heads << 8 | sectors per track, 0 with no disk
export function floppy_geometry(drive: u32): u32 {
  if (floppy_size(drive) == 0) return 0;
  const d = drv(drive);
  return (<u32>load<u8>(d + 8) << 16) | (<u32>load<u8>(d + 9) << 8) | <u32>load<u8>(d + 10);
}
export function floppy_count(): u32 { return (floppy_type(0) != 0 ? 1 : 0) + (floppy_type(1) != 0 ? 1 : 0); }

// The diskette parameter tables in the ROM (bios.asm), one per drive type 1..5.
export const DPT_BASE: u32 = 0x300;

function done(status: u32): void {
  set_bda8(0x41, status);
  w8(AH, status);
  ret_cf(status != 0);
}

// Copy count sectors between the image and guest memory at lin; returns sectors moved.
function transfer(drive: u32, lba: u32, count: u32, lin: u32, write: bool): u32 {
  let img = FLOPPY + drive * FLOPPY_MAX + lba * 512;
  for (let n: u32 = 0; n < count; n++) {
    for (let i: u32 = 0; i < 512; i++) {
      if (write) store<u8>(img + i, m8(lin + i));
      else s8(lin + i, load<u8>(img + i));
      if (FAULTED) return n;
    }
    img += 512;
    lin += 512;
  }
  return count;
}

export function int13(): void {
  const ah = r8(AH);
  const drive = r8(DL);
  if (drive >= 0x80) { // no hard disks yet
    if (ah == 0x00) { w8(AH, 0); ret_cf(false); return; }
    w8(AH, 0x01);
    ret_cf(true);
    return;
  }
  const size = floppy_size(drive);
  const geo = floppy_geometry(drive);
  const cyls = geo >> 16, heads = (geo >> 8) & 0xff, spt = geo & 0xff;
  // motor on for this drive; IRQ 0 turns it off after the BDA count
  if (drive < 2 && (ah >= 2 && ah <= 5)) {
    set_bda8(0x3f, (bda8(0x3f) & 0xf0) | (1 << drive));
    set_bda8(0x40, 0x25);
  }
  switch (ah) {
    case 0x00: done(drive < 2 ? 0 : 0x01); return; // reset (AH=0 for a drive that does not exist is still ok on a 2-drive controller)
    case 0x01: { const st = bda8(0x41); w8(AH, st); w8(AL, st); ret_cf(st != 0); return; }
    case 0x02: case 0x03: case 0x04: case 0x05: {
      if (drive >= 2) { w8(AL, 0); done(0x01); return; }
      if (geo == 0) { w8(AL, 0); done(0x80); return; }
      const count: u32 = ah == 0x05 ? spt : r8(AL);
      const cyl = r8(CH), sec: u32 = ah == 0x05 ? 1 : r8(CL) & 0x3f, head = r8(DH);
      if (count == 0 || (ah != 5 && count > 128)) { w8(AL, 0); done(0x01); return; }
      if (cyl >= cyls || head >= heads || sec == 0 || sec > spt) { w8(AL, 0); done(0x04); return; }
      const lba = (cyl * heads + head) * spt + sec - 1;
      if ((lba + count) * 512 > size) { w8(AL, 0); done(0x04); return; }
      if (ah == 0x04) { w8(AL, count); done(0); return; }
      if ((ah == 0x03 || ah == 0x05) && floppy_wp(drive)) { w8(AL, 0); done(0x03); return; }
      const lin = seg_lin(ES, r16(BX));
      if (ah == 0x05) {
        // format a track: the address fields at ES:BX are accepted; sectors get the fill byte
        const img = FLOPPY + drive * FLOPPY_MAX + lba * 512;
        memory.fill(img, 0xf6, count * 512);
        done(0);
        return;
      }
      // DMA cannot cross a 64 KiB physical boundary (the 8237 address counter wraps)
      const phys = (sbase(ES) + r16(BX)) & 0xfffff;
      if ((phys & 0xffff) + count * 512 > 0x10000) { w8(AL, 0); done(0x09); return; }
      const n = transfer(drive, lba, count, lin, ah == 0x03);
      if (FAULTED) return; // the page fault is delivered; the INT is restarted after it
      w8(AL, n);
      done(0);
      return;
    }
    case 0x08: {
      if (drive >= 2) { done(0x01); return; }
      const type = floppy_type(drive);
      w16(AX, 0);
      w8(BL, type);
      w8(BH, 0);
      w8(CH, cyls > 0 ? (cyls - 1) & 0xff : 0);
      w8(CL, spt);
      w8(DH, heads > 0 ? heads - 1 : 0);
      w8(DL, floppy_count());
      if (type != 0) { set_sreg(ES, 0xf000); w16(DI, DPT_BASE + (type - 1) * 16); }
      else { set_sreg(ES, 0); w16(DI, 0); }
      set_bda8(0x41, 0);
      ret_cf(false);
      return;
    }
    case 0x15:
      if (floppy_type(drive) != 0) { w8(AH, 0x02); ret_cf(false); } // diskette with change line
      else { w8(AH, 0x00); ret_cf(false); }
      return;
    case 0x16:
      if (drive >= 2 || size == 0) { done(0x80); return; }
      done(fdc_take_change(drive) ? 0x06 : 0x00); // 06: changed (or no longer known) since the last call
      return;
    case 0x17: done(drive < 2 ? 0 : 0x01); return;
    case 0x18: {
      if (drive >= 2 || size == 0) { done(0x80); return; }
      const want_spt = r8(CL) & 0x3f, want_cyl = r8(CH) | ((r8(CL) & 0xc0) << 2);
      if (want_spt != spt || want_cyl + 1 != cyls) { done(0x0c); return; }
      set_sreg(ES, 0xf000);
      w16(DI, DPT_BASE + (floppy_type(drive) - 1) * 16);
      done(0);
      return;
    }
    default: done(0x01); return;
  }
}

// Read the boot sector of a floppy to 0000:7C00. Returns false if the drive is empty.
export function floppy_boot(drive: u32): bool {
  if (floppy_geometry(drive) == 0) return false;
  transfer(drive, 0, 1, 0x7c00, false);
  return true;
}
