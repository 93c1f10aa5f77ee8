// INT 10h over the BDA video fields (IBM PC/AT and VGA BIOS references): mode set for the
// standard modes 0-7 and 0Dh-13h, the text services, and dispatch to the graphics (video_gfx.ts),
// palette (video_pal.ts), font (video_font.ts), state (video_state.ts) and VBE (vbe.ts) parts.
// In text modes characters go to video memory at B8000 (B0000 for mode 7) through the CPU's
// linear accessors (so through the VGA device's memory path), the cursor and start address to
// the CRTC through its ports; in graphics modes they are drawn with the INT 43h font.
import { io_write8 } from "../core-as/bus/ports";
import { vga_set_mode } from "../devices/vga_mode";
import { set_flag, F_CF } from "../core-as/cpu/flags";
import { AL, AH, BL, BH, CL, CH, DL, DH, AX, BX, CX, DX, BP, ES, r8, w8, r16, w16, m8, s16, m16, seg_lin, bda8, bda16, set_bda8, set_bda16, set_sreg } from "./util";
import { gfx_class, GFX_NONE, put_pixel, get_pixel, gfx_char, gfx_scroll } from "./video_gfx";
import { int10_palette, int10_cga_palette } from "./video_pal";
import { int10_font, ROM_FONT_8X8, ROM_FONT_8X14, ROM_FONT_8X16 } from "./video_font";
import { int10_state, int10_state_info } from "./video_state";
import { int10_vbe, vbe_set_mode_call, vbe_disable } from "./vbe";

// Per standard mode: columns, rows, character height, page size / 256 (IBM VGA BIOS "video
// parameter table" and BDA values), indexed by mode number 0-13h (0 = no such mode).
const MODE_INFO: usize = memory.data<u8>([
  40, 25, 16, 0x08, 40, 25, 16, 0x08, 80, 25, 16, 0x10, 80, 25, 16, 0x10,
  40, 25, 8, 0x40, 40, 25, 8, 0x40, 80, 25, 8, 0x40, 80, 25, 16, 0x10,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  40, 25, 8, 0x20, 80, 25, 8, 0x40, 80, 25, 14, 0x80, 80, 25, 14, 0x80,
  80, 30, 16, 0x00, 80, 30, 16, 0x00, 40, 25, 8, 0x00,
]);
// (page sizes of 11h-13h are 64 KiB, which the BDA word cannot hold: 0 as the IBM BIOS keeps)

function text_mode(): bool { const m = bda8(MODE); return m <= 3 || m == 7; }

const MODE = 0x49, COLS = 0x4a, PAGE_SIZE = 0x4c, PAGE_START = 0x4e, CURSOR = 0x50, SHAPE = 0x60, PAGE = 0x62, CRTC = 0x63, ROWS = 0x84, CHAR_H = 0x85;

function vmem(): u32 { return bda8(MODE) == 7 ? 0xb0000 : 0xb8000; }
function crtc(): u32 { const p = bda16(CRTC); return p == 0x3b4 ? 0x3b4 : 0x3d4; }
function crtc_w(idx: u32, v: u32): void { const p = crtc(); io_write8(p, idx); io_write8(p + 1, v & 0xff); }
function rows(): u32 { return bda8(ROWS) + 1; }
function cols(): u32 { const c = bda16(COLS); return c == 0 ? 80 : c; }
function page_base(page: u32): u32 { return vmem() + page * bda16(PAGE_SIZE); }
function cell(page: u32, row: u32, col: u32): u32 { return page_base(page) + (row * cols() + col) * 2; }

function update_cursor(): void {
  const page = bda8(PAGE);
  const pos = bda16(CURSOR + page * 2);
  const off = (bda16(PAGE_START) >> 1) + (pos >> 8) * cols() + (pos & 0xff);
  crtc_w(0x0e, off >> 8);
  crtc_w(0x0f, off);
}

export function video_set_mode(mode: u32): void {
  const noclear = (mode & 0x80) != 0;
  mode &= 0x7f;
  if (mode > 0x13 || load<u8>(MODE_INFO + mode * 4) == 0) return; // no such mode: nothing changes
  vbe_disable();
  // the VGA registers, DAC, font and (unless bit 7) memory: devices/vga_mode.ts
  if (!vga_set_mode(mode, !noclear)) return;
  const text = mode <= 3 || mode == 7;
  const info = MODE_INFO + mode * 4;
  const c: u32 = load<u8>(info), nrows: u32 = load<u8>(info + 1), ch: u32 = load<u8>(info + 2);
  set_bda8(MODE, mode);
  set_bda16(COLS, c);
  set_bda16(PAGE_SIZE, <u32>load<u8>(info + 3) << 8);
  set_bda16(PAGE_START, 0);
  for (let i: u32 = 0; i < 8; i++) set_bda16(CURSOR + i * 2, 0);
  set_bda8(PAGE, 0);
  set_bda16(CRTC, mode == 7 || mode == 0x0f ? 0x3b4 : 0x3d4);
  // CGA mode control and palette registers as the BIOS leaves them (3D8h, 3D9h images)
  set_bda8(0x65, mode == 7 ? 0x29 : mode == 6 ? 0x1e : mode == 4 ? 0x2a : mode == 5 ? 0x2e : (c == 40 ? 0x28 : 0x29));
  set_bda8(0x66, mode == 6 ? 0x3f : 0x30);
  set_bda8(ROWS, nrows - 1);
  set_bda8(CHAR_H, ch);
  set_bda8(0x87, 0x60 | (noclear ? 0x80 : 0));
  set_bda8(0x88, 0x09);
  set_bda8(0x89, 0x51);
  // equipment word bits 4-5: 11 monochrome, 10 80x25 color, 01 40x25 color
  const eq = bda16(0x10) & ~0x30;
  set_bda16(0x10, eq | (mode == 7 ? 0x30 : (c == 40 && text ? 0x10 : 0x20)));
  // the graphics character font (INT 43h) for the mode's character height
  const font: u32 = ch == 16 ? ROM_FONT_8X16 : ch == 14 ? ROM_FONT_8X14 : ROM_FONT_8X8;
  s16(0x43 * 4, font); s16(0x43 * 4 + 2, 0xf000);
  if (!text) return;
  const shape: u32 = mode == 7 ? 0x0b0c : 0x0607;
  set_bda16(SHAPE, shape);
  crtc_w(0x0a, shape >> 8);
  crtc_w(0x0b, shape & 0xff);
  crtc_w(0x0c, 0);
  crtc_w(0x0d, 0);
  update_cursor();
}

function scroll(up: bool, lines: u32, attr: u32, r0: u32, c0: u32, r1: u32, c1: u32): void {
  const page = bda8(PAGE);
  const nr = rows(), nc = cols();
  if (r1 >= nr) r1 = nr - 1;
  if (c1 >= nc) c1 = nc - 1;
  if (r0 > r1 || c0 > c1) return;
  if (!text_mode()) { if (gfx_class() != GFX_NONE) gfx_scroll(up, lines, attr, r0, c0, r1, c1, page); return; }
  const h = r1 - r0 + 1;
  if (lines == 0 || lines > h) lines = h;
  const blank = (attr << 8) | 0x20;
  if (up) {
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const v = r + lines <= r1 ? m16(cell(page, r + lines, c)) : blank;
        s16(cell(page, r, c), v);
      }
    }
  } else {
    for (let r = r1; r >= r0 && r <= r1; r--) {
      for (let c = c0; c <= c1; c++) {
        const v = r >= r0 + lines ? m16(cell(page, r - lines, c)) : blank;
        s16(cell(page, r, c), v);
      }
      if (r == 0) break;
    }
  }
}

// The foreground colour of teletype output in graphics modes (BL of INT 10h/0Eh).
let tty_color: u32 = 0x0f;

// Teletype output of one character on the given page (INT 10h/0Eh; also used by the BIOS).
export function video_tty(ch: u32, page: u32): void {
  if (page > 7) page = bda8(PAGE);
  const pos = bda16(CURSOR + page * 2);
  let row = pos >> 8, col = pos & 0xff;
  const nc = cols(), nr = rows();
  if (ch == 7) return;
  if (ch == 8) { if (col > 0) col--; }
  else if (ch == 13) col = 0;
  else if (ch == 10) row++;
  else {
    if (text_mode()) {
      const a = cell(page, row, col);
      s16(a, (m16(a) & 0xff00) | (ch & 0xff));
    } else gfx_char(ch & 0xff, col, row, tty_color, page);
    col++;
    if (col >= nc) { col = 0; row++; }
  }
  if (row >= nr) {
    row = nr - 1;
    const attr = text_mode() ? m8(cell(page, row, col) + 1) : 0;
    const save = bda8(PAGE);
    set_bda8(PAGE, page);
    scroll(true, 1, attr, 0, 0, nr - 1, nc - 1);
    set_bda8(PAGE, save);
  }
  set_bda16(CURSOR + page * 2, (row << 8) | col);
  if (page == bda8(PAGE)) update_cursor();
}

export function int10(): void {
  const ah = r8(AH);
  switch (ah) {
    case 0x00: {
      video_set_mode(r8(AL));
      const m = r8(AL) & 0x7f;
      w8(AL, m == 6 ? 0x3f : (m > 7 ? 0x20 : 0x30));
      // (modes without a parameter table leave everything as it was)
      break;
    }
    case 0x01: {
      const cx = r16(CX);
      set_bda16(SHAPE, cx);
      crtc_w(0x0a, cx >> 8);
      crtc_w(0x0b, cx & 0xff);
      break;
    }
    case 0x02: {
      const page = r8(BH) & 7;
      set_bda16(CURSOR + page * 2, r16(DX));
      if (page == bda8(PAGE)) update_cursor();
      break;
    }
    case 0x03: {
      const page = r8(BH) & 7;
      w16(DX, bda16(CURSOR + page * 2));
      w16(CX, bda16(SHAPE));
      w16(AX, 0);
      break;
    }
    case 0x04: w8(AH, 0); break; // no light pen
    case 0x05: {
      const page = r8(AL) & 7;
      set_bda8(PAGE, page);
      const start = page * bda16(PAGE_SIZE);
      set_bda16(PAGE_START, start);
      crtc_w(0x0c, (start >> 1) >> 8);
      crtc_w(0x0d, start >> 1);
      update_cursor();
      break;
    }
    case 0x06: case 0x07:
      scroll(ah == 6, r8(AL), r8(BH), r8(CH), r8(CL), r8(DH), r8(DL));
      break;
    case 0x08: {
      const page = r8(BH) & 7;
      const pos = bda16(CURSOR + page * 2);
      if (!text_mode()) { w16(AX, 0); break; } // (no glyph matching in graphics modes)
      w16(AX, m16(cell(page, pos >> 8, pos & 0xff)));
      break;
    }
    case 0x09: case 0x0a: {
      const page = r8(BH) & 7;
      const pos = bda16(CURSOR + page * 2);
      if (!text_mode()) {
        // graphics: draw CX copies in colour BL (09h and 0Ah alike), without moving the cursor
        let col = pos & 0xff;
        for (let n = r16(CX); n > 0 && col < cols(); n--, col++) gfx_char(r8(AL), col, pos >> 8, r8(BL), page);
        break;
      }
      let a = cell(page, pos >> 8, pos & 0xff);
      const end = page_base(page) + rows() * cols() * 2;
      const ch = r8(AL), attr = r8(BL);
      for (let n = r16(CX); n > 0 && a < end; n--, a += 2) {
        if (ah == 9) s16(a, (attr << 8) | ch);
        else s16(a, (m16(a) & 0xff00) | ch);
      }
      break;
    }
    case 0x0e: tty_color = r8(BL); video_tty(r8(AL), r8(BH)); tty_color = 0x0f; break;
    case 0x0f:
      w8(AL, bda8(MODE));
      w8(AH, cols());
      w8(BH, bda8(PAGE));
      break;
    case 0x0b: int10_cga_palette(); break;
    case 0x0c: put_pixel(r16(CX), r16(DX), r8(AL), r8(BH)); break;
    case 0x0d: w8(AL, get_pixel(r16(CX), r16(DX), r8(BH))); break;
    case 0x10: int10_palette(); break;
    case 0x11: int10_font(); break;
    case 0x12:
      if (r8(BL) == 0x10) { w8(BH, 0); w8(BL, 3); w8(CH, 0); w8(CL, 9); }
      else if (r8(BL) >= 0x30 && r8(BL) <= 0x36) w8(AL, 0x12);
      break;
    case 0x13: {
      const mode = r8(AL), page = r8(BH) & 7;
      tty_color = r8(BL);
      let attr = r8(BL);
      const save = bda16(CURSOR + page * 2);
      set_bda16(CURSOR + page * 2, r16(DX));
      let p = r16(BP);
      for (let n = r16(CX); n > 0; n--) {
        const ch = m8(seg_lin(ES, p)); p++;
        if (mode & 2) { attr = m8(seg_lin(ES, p)); p++; }
        if (ch == 7 || ch == 8 || ch == 10 || ch == 13) { video_tty(ch, page); continue; }
        const pos = bda16(CURSOR + page * 2);
        if (text_mode()) s16(cell(page, pos >> 8, pos & 0xff), (attr << 8) | ch);
        else gfx_char(ch, pos & 0xff, pos >> 8, attr, page);
        video_tty_advance(page);
      }
      if ((mode & 1) == 0) set_bda16(CURSOR + page * 2, save);
      if (page == bda8(PAGE)) update_cursor();
      tty_color = 0x0f;
      break;
    }
    case 0x1a:
      if (r8(AL) == 0) { w8(AL, 0x1a); w8(BL, 0x08); w8(BH, 0); }
      else if (r8(AL) == 1) w8(AL, 0x1a);
      break;
    case 0x1b: int10_state_info(); break;
    case 0x1c: int10_state(); break;
    case 0x4f:
      if (r8(AL) == 0x02) {
        if (!vbe_set_mode_call()) {
          // a VGA mode number through VBE: the standard mode set (bit 15 keeps memory)
          const bx = r16(BX);
          video_set_mode((bx & 0x7f) | ((bx & 0x8000) != 0 ? 0x80 : 0));
          w16(AX, bda8(MODE) == (bx & 0x7f) ? 0x004f : 0x014f);
        }
      } else int10_vbe();
      break;
    default: break; // unsupported functions return with the registers unchanged
  }
  set_flag(F_CF, false);
}

// Move the cursor one cell on (INT 10h/13h), scrolling at the end of the screen.
function video_tty_advance(page: u32): void {
  const pos = bda16(CURSOR + page * 2);
  let row = pos >> 8, col = (pos & 0xff) + 1;
  if (col >= cols()) { col = 0; row++; }
  if (row >= rows()) {
    row = rows() - 1;
    scroll(true, 1, 0x07, 0, 0, rows() - 1, cols() - 1);
  }
  set_bda16(CURSOR + page * 2, (row << 8) | col);
}

// A NUL-terminated message from the BIOS itself (in AS static data).
export function video_print(s: usize, len: i32): void {
  for (let i = 0; i < len; i++) video_tty(load<u8>(s + i), 0xff);
}
