// INT 10h AH=1Ch, save and restore the video state (IBM VGA BIOS), and the buffer format it
// uses, which VBE 4F04h shares. CX selects the parts (bit 0 hardware, bit 1 BIOS data area,
// bit 2 DAC; VBE adds bit 3 for the SVGA registers); AL=00h returns the size in 64-byte blocks
// in BX, AL=01h saves to ES:BX, AL=02h restores from ES:BX. The layout is this BIOS's own (the
// caller treats the buffer as opaque); a header word holds the parts saved.
//   +0    u16 parts, then per part in order:
//   hardware (64 bytes): misc, the SEQ, GC, CRTC and attribute indexes, SEQ 0-4, GC 0-8,
//                        CRTC 0-24, AR 0-20, the latches
//   BIOS data (64 bytes): BDA 49h-66h, 84h-8Ah, INT 1Fh and INT 43h vectors
//   DAC (772 bytes): pel mask, write index, 768 component bytes
//   SVGA (32 bytes): the VBE registers 1-9 (ID, XRES, YRES, BPP, ENABLE, BANK, VIRT_WIDTH,
//                    VIRT_HEIGHT, X/Y offsets)
import { DEV_VGA } from "../core-as/state";
import { io_read8, io_write8, io_read16, io_write16 } from "../core-as/bus/ports";
import { vga_invalidate } from "../devices/vga_render";
import { AL, BX, CX, ES, r8, w8, r16, w16, seg_lin, m8, s8, m16, s16 } from "./util";

const HW: u32 = 64, BDA_PART: u32 = 64, DACP: u32 = 772, SVGA: u32 = 32;

export function state_size(parts: u32): u32 {
  let n: u32 = 2;
  if (parts & 1) n += HW;
  if (parts & 2) n += BDA_PART;
  if (parts & 4) n += DACP;
  if (parts & 8) n += SVGA;
  return (n + 63) >> 6;
}

function crtc_port(): u32 { return (io_read8(0x3cc) & 1) != 0 ? 0x3d4 : 0x3b4; }

export function state_save(buf: u32, parts: u32): void {
  s16(buf, parts & 0x0f);
  let p = buf + 2;
  if (parts & 1) {
    const crtc = crtc_port();
    s8(p, io_read8(0x3cc)); s8(p + 1, io_read8(0x3c4)); s8(p + 2, io_read8(0x3ce)); s8(p + 3, io_read8(crtc));
    s8(p + 4, io_read8(0x3c0));
    for (let i: u32 = 0; i < 5; i++) { io_write8(0x3c4, i); s8(p + 5 + i, io_read8(0x3c5)); }
    for (let i: u32 = 0; i < 9; i++) { io_write8(0x3ce, i); s8(p + 10 + i, io_read8(0x3cf)); }
    for (let i: u32 = 0; i < 25; i++) { io_write8(crtc, i); s8(p + 19 + i, io_read8(crtc + 1)); }
    // the attribute registers are read straight from the device block: reading them through
    // the ports would have to disturb the flip-flop and the palette address source
    for (let i: u32 = 0; i < 21; i++) s8(p + 44 + i, load<u8>(DEV_VGA + 0x60 + i));
    io_write8(0x3c4, m8(p + 1)); io_write8(0x3ce, m8(p + 2)); io_write8(crtc, m8(p + 3));
    p += HW;
  }
  if (parts & 2) {
    for (let i: u32 = 0; i < 0x1e; i++) s8(p + i, m8(0x449 + i));
    for (let i: u32 = 0; i < 7; i++) s8(p + 0x1e + i, m8(0x484 + i));
    for (let i: u32 = 0; i < 4; i++) { s8(p + 0x25 + i, m8(0x1f * 4 + i)); s8(p + 0x29 + i, m8(0x43 * 4 + i)); }
    p += BDA_PART;
  }
  if (parts & 4) {
    s8(p, io_read8(0x3c6)); s8(p + 1, io_read8(0x3c8));
    io_write8(0x3c7, 0);
    for (let i: u32 = 0; i < 768; i++) s8(p + 4 + i, io_read8(0x3c9));
    io_write8(0x3c8, m8(p + 1));
    p += DACP;
  }
  if (parts & 8) {
    for (let i: u32 = 0; i < 10; i++) { io_write16(0x1ce, i); s16(p + i * 2, io_read16(0x1cf)); }
  }
}

export function state_restore(buf: u32, parts: u32): void {
  parts &= m16(buf);
  let p = buf + 2;
  if (parts & 1) {
    const misc = m8(p);
    io_write8(0x3c2, misc);
    const crtc: u32 = (misc & 1) != 0 ? 0x3d4 : 0x3b4;
    for (let i: u32 = 0; i < 5; i++) { io_write8(0x3c4, i); io_write8(0x3c5, m8(p + 5 + i)); }
    for (let i: u32 = 0; i < 9; i++) { io_write8(0x3ce, i); io_write8(0x3cf, m8(p + 10 + i)); }
    io_write8(crtc, 0x11); io_write8(crtc + 1, 0); // unprotect CR00-CR07, CR11 is restored last
    for (let i: u32 = 0; i < 25; i++) { if (i != 0x11) { io_write8(crtc, i); io_write8(crtc + 1, m8(p + 19 + i)); } }
    io_write8(crtc, 0x11); io_write8(crtc + 1, m8(p + 19 + 0x11));
    io_read8(crtc + 6);
    for (let i: u32 = 0; i < 21; i++) { io_write8(0x3c0, i); io_write8(0x3c0, m8(p + 44 + i)); }
    io_write8(0x3c0, m8(p + 4) | 0x20);
    io_write8(0x3c4, m8(p + 1)); io_write8(0x3ce, m8(p + 2)); io_write8(crtc, m8(p + 3));
    p += HW;
  }
  if (parts & 2) {
    for (let i: u32 = 0; i < 0x1e; i++) s8(0x449 + i, m8(p + i));
    for (let i: u32 = 0; i < 7; i++) s8(0x484 + i, m8(p + 0x1e + i));
    for (let i: u32 = 0; i < 4; i++) { s8(0x1f * 4 + i, m8(p + 0x25 + i)); s8(0x43 * 4 + i, m8(p + 0x29 + i)); }
    p += BDA_PART;
  }
  if (parts & 4) {
    io_write8(0x3c6, m8(p));
    io_write8(0x3c8, 0);
    for (let i: u32 = 0; i < 768; i++) io_write8(0x3c9, m8(p + 4 + i));
    io_write8(0x3c8, m8(p + 1));
    p += DACP;
  }
  if (parts & 8) {
    // geometry first with the interface disabled, then ENABLE (no clearing), then the rest
    io_write16(0x1ce, 4); io_write16(0x1cf, 0);
    for (let i: u32 = 1; i < 4; i++) { io_write16(0x1ce, i); io_write16(0x1cf, m16(p + i * 2)); }
    io_write16(0x1ce, 4); io_write16(0x1cf, m16(p + 8) | 0x80);
    for (let i: u32 = 5; i < 10; i++) { if (i != 7) { io_write16(0x1ce, i); io_write16(0x1cf, m16(p + i * 2)); } }
  }
  vga_invalidate();
}

export function int10_state(): void {
  const parts = r16(CX) & 7;
  const buf = seg_lin(ES, r16(BX));
  switch (r8(AL)) {
    case 0: w16(BX, state_size(parts)); break;
    case 1: state_save(buf, parts); break;
    case 2: state_restore(buf, parts); break;
    default: return;
  }
  w8(AL, 0x1c);
}
