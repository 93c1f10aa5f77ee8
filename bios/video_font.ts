// INT 10h AH=11h, the character generator functions of the IBM VGA BIOS:
//   00h/10h user font from ES:BP (CX characters from DX, BH bytes each) into block BL of
//           plane 2; 01h/11h 8x14, 02h/12h 8x8, 04h/14h 8x16 from the ROM. The 1xh forms then
//           recompute the text geometry as the BIOS does: character height (CR09), cursor
//           (CR0A/CR0B), vertical display end (CR12) = rows * height - 1 with rows = the scan
//           lines of the mode / height, and the BDA rows (84h), height (85h), page size (4Ch).
//           So 1112h in mode 3 gives 80x50 and 1111h 80x28.
//   03h     character map select: SR3 = BL
//   20h     INT 1Fh = ES:BP (graphics characters 80h-FFh, 8x8)
//   21h-24h INT 43h = ES:BP (CX bytes each) / the ROM 8x14, 8x8, 8x16 font for graphics modes,
//           rows from BL (0: DL, 1: 14, 2: 25, 3: 43)
//   30h     information: ES:BP = the font BH asks for, CX = height, DL = rows - 1
// Plane 2 holds 8 character maps of 8 KiB, 32 bytes per character; map n starts at
// 0, 4000h, 8000h, C000h, 2000h, 6000h, A000h, E000h (SR3's map select fields).
import { VGA_MEM } from "../core-as/state";
import { io_read8, io_write8 } from "../core-as/bus/ports";
import { vga_invalidate } from "../devices/vga_render";
import { AL, BL, BH, DL, CX, DX, BP, ES, r8, w8, r16, w16, m8, m16, s16, seg_lin, set_sreg, bda8, bda16, set_bda8, set_bda16 } from "./util";

// Fonts in bios.asm (segment F000)
export const ROM_FONT_8X16: u32 = 0x1000;
export const ROM_FONT_8X8: u32 = 0x2000; // 256 characters; +0x400 is INT 1Fh
const ROM_FONT_ALT_NONE: u32 = 0x2800; // an empty 9-dot replacement table
export const ROM_FONT_8X14: u32 = 0x3000;
const ROM_FONT_8X8_LOW: u32 = 0xfa6e; // INT 43h of the PC: characters 00h-7Fh

const MAP_OFFSET: usize = memory.data<u16>([0x0000, 0x4000, 0x8000, 0xc000, 0x2000, 0x6000, 0xa000, 0xe000]);

function crtc_port(): u32 { return bda16(0x63) == 0x3b4 ? 0x3b4 : 0x3d4; }
function crtc_w(i: u32, v: u32): void { const p = crtc_port(); io_write8(p, i); io_write8(p + 1, v & 0xff); }
function crtc_r(i: u32): u32 { const p = crtc_port(); io_write8(p, i); return io_read8(p + 1); }

// Copy `count` glyphs of `height` bytes from linear address src into map `block` from `first`.
function load_font(src: u32, count: u32, first: u32, block: u32, height: u32): void {
  if (height > 32) height = 32;
  const base: u32 = VGA_MEM + 0x20000 + <u32>load<u16>(MAP_OFFSET + (block & 7) * 2);
  for (let i: u32 = 0; i < count && first + i < 256; i++) {
    const dst = base + (first + i) * 32;
    for (let r: u32 = 0; r < 32; r++) store<u8>(dst + r, r < height ? m8(src + i * height + r) : 0);
  }
  vga_invalidate();
}

// The text geometry for a character height (the 1xh forms).
export function font_recalc(h: u32): void {
  if (h == 0 || h > 32) return;
  const o7 = crtc_r(7);
  const lines: u32 = (crtc_r(0x12) | ((o7 & 2) << 7) | ((o7 & 0x40) << 3)) + 1;
  const dbl: u32 = (crtc_r(9) & 0x80) != 0 ? 2 : 1;
  const rows: u32 = lines / (h * dbl);
  crtc_w(9, (crtc_r(9) & 0xe0) | (h - 1));
  crtc_w(0x12, rows * h * dbl - 1); // bits 8-9 in CR07 stay: every text mode has 350-400 lines
  const cs: u32 = h > 8 ? h - 3 : h - 2, ce: u32 = h > 8 ? h - 2 : h - 1;
  crtc_w(0x0a, cs);
  crtc_w(0x0b, ce);
  set_bda16(0x60, (cs << 8) | ce);
  set_bda8(0x84, rows - 1);
  set_bda8(0x85, h);
  let cols = bda16(0x4a);
  if (cols == 0) cols = 80;
  set_bda16(0x4c, (rows * cols * 2 + 0xff) & ~0xff);
}

function set_vec(v: u32, seg: u32, off: u32): void { s16(v * 4, off); s16(v * 4 + 2, seg); }

function graphics_rows(h: u32): void {
  let rows: u32;
  switch (r8(BL)) {
    case 0: rows = r8(DL); break;
    case 1: rows = 14; break;
    case 3: rows = 43; break;
    default: rows = 25; break;
  }
  if (rows == 0) rows = 25;
  set_bda8(0x84, rows - 1);
  set_bda8(0x85, h);
}

export function int10_font(): void {
  const al = r8(AL);
  const rom: u32 = 0xf0000;
  switch (al) {
    case 0x00: case 0x10: {
      const h = r8(BH);
      load_font(seg_lin(ES, r16(BP)), r16(CX), r16(DX), r8(BL), h);
      if (al == 0x10) font_recalc(h);
      break;
    }
    case 0x01: case 0x11: load_font(rom + ROM_FONT_8X14, 256, 0, r8(BL), 14); if (al == 0x11) font_recalc(14); break;
    case 0x02: case 0x12: load_font(rom + ROM_FONT_8X8, 256, 0, r8(BL), 8); if (al == 0x12) font_recalc(8); break;
    case 0x04: case 0x14: load_font(rom + ROM_FONT_8X16, 256, 0, r8(BL), 16); if (al == 0x14) font_recalc(16); break;
    case 0x03: io_write8(0x3c4, 3); io_write8(0x3c5, r8(BL)); vga_invalidate(); break;
    case 0x20: set_vec(0x1f, (seg_lin(ES, 0) >> 4) & 0xffff, r16(BP)); break;
    case 0x21: set_vec(0x43, (seg_lin(ES, 0) >> 4) & 0xffff, r16(BP)); graphics_rows(r16(CX)); break;
    case 0x22: set_vec(0x43, 0xf000, ROM_FONT_8X14); graphics_rows(14); break;
    case 0x23: set_vec(0x43, 0xf000, ROM_FONT_8X8); graphics_rows(8); break;
    case 0x24: set_vec(0x43, 0xf000, ROM_FONT_8X16); graphics_rows(16); break;
    case 0x30: {
      let seg: u32 = 0xf000, off: u32 = 0;
      switch (r8(BH)) {
        case 0: seg = m16(0x1f * 4 + 2); off = m16(0x1f * 4); break;
        case 1: seg = m16(0x43 * 4 + 2); off = m16(0x43 * 4); break;
        case 2: off = ROM_FONT_8X14; break;
        case 3: off = ROM_FONT_8X8_LOW; break;
        case 4: off = ROM_FONT_8X8 + 0x400; break;
        case 5: case 7: off = ROM_FONT_ALT_NONE; break;
        case 6: off = ROM_FONT_8X16; break;
        default: seg = 0; off = 0; break;
      }
      set_sreg(ES, seg);
      w16(BP, off);
      w16(CX, bda8(0x85));
      w8(DL, bda8(0x84));
      break;
    }
    default: break;
  }
}
