// INT 10h AH=1Bh, video state information, and AH=1Ch, save and restore the video state (IBM
// VGA BIOS), and the buffer format 1Ch uses, which VBE 4F04h shares. CX selects the parts (bit 0 hardware, bit 1 BIOS data area,
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
import { AL, BX, CX, DI, ES, r8, w8, r16, w16, seg_lin, m8, s8, m16, s16, bda8, bda16 } from "./util";

// The static functionality table 1Bh points to (bios.asm, segment F000)
const ROM_VIDEO_STATIC: u32 = 0x2810;

// AH=1Bh BX=0: the 64-byte dynamic state at ES:DI (IBM VGA BIOS "functionality/state
// information"): a pointer to the static table, the BDA video fields, the display combination,
// colours, pages, scan lines, the character blocks SR3 selects, and 256 KiB of memory.
export function int10_state_info(): void {
  if (r16(BX) != 0) return;
  const buf = seg_lin(ES, r16(DI));
  for (let i: u32 = 0; i < 64; i++) s8(buf + i, 0);
  s16(buf, ROM_VIDEO_STATIC); s16(buf + 2, 0xf000);
  const mode = bda8(0x49);
  s8(buf + 0x04, mode);
  s16(buf + 0x05, bda16(0x4a)); s16(buf + 0x07, bda16(0x4c)); s16(buf + 0x09, bda16(0x4e));
  for (let i: u32 = 0; i < 16; i++) s8(buf + 0x0b + i, m8(0x450 + i));
  s8(buf + 0x1b, bda8(0x60)); s8(buf + 0x1c, bda8(0x61)); s8(buf + 0x1d, bda8(0x62));
  s16(buf + 0x1e, bda16(0x63));
  s8(buf + 0x20, bda8(0x65)); s8(buf + 0x21, bda8(0x66));
  s8(buf + 0x22, bda8(0x84) + 1); s16(buf + 0x23, bda8(0x85));
  s8(buf + 0x25, 0x08); // VGA with a colour display
  const mono = mode == 7 || mode == 0x0f;
  const colours: u32 = mode == 0x13 ? 256 : mono ? 0 : mode == 4 || mode == 5 ? 4 : mode == 6 || mode == 0x11 ? 2 : 16;
  s16(buf + 0x27, colours);
  const pages: u32 = mode <= 3 || mode == 7 || mode == 0x0d ? 8 : mode == 0x0e ? 4 : mode == 0x0f || mode == 0x10 ? 2 : 1;
  s8(buf + 0x29, pages);
  const lines: u32 = mode <= 3 || mode == 7 ? 2 : mode == 0x0f || mode == 0x10 ? 1 : mode == 0x11 || mode == 0x12 ? 3 : 0;
  s8(buf + 0x2a, lines);
  io_write8(0x3c4, 3);
  const sr3 = io_read8(0x3c5);
  s8(buf + 0x2b, (((sr3 >> 5) & 1) << 2) | ((sr3 >> 2) & 3)); // attribute bit 3 = 1
  s8(buf + 0x2c, (((sr3 >> 4) & 1) << 2) | (sr3 & 3));
  s8(buf + 0x2d, (load<u8>(DEV_VGA + 0x60 + 0x10) & 8) != 0 ? 0x20 : 0); // blinking
  s8(buf + 0x31, 3); // 256 KiB
  w8(AL, 0x1b);
}

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
