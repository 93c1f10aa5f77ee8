// INT 10h: text modes 0-3 and 7 over the BDA video fields (IBM PC/AT and VGA BIOS references).
// Characters go to video memory at B8000 (B0000 for mode 7) through the CPU's linear accessors
// (so through the VGA device's memory path when it claims the range), the cursor and start
// address to the CRTC through its ports.
import { io_write8 } from "../core-as/bus/ports";
import { vga_set_mode } from "../devices/vga_mode";
import { set_flag, F_CF } from "../core-as/cpu/flags";
import { AL, AH, BL, BH, CL, CH, DL, DH, AX, BX, CX, DX, BP, ES, r8, w8, r16, w16, m8, s16, m16, seg_lin, bda8, bda16, set_bda8, set_bda16, set_sreg } from "./util";

// BDA offsets
// fonts in bios.asm (segment F000)
const ROM_FONT_8X16: u32 = 0x1000;
const ROM_FONT_8X8: u32 = 0x2000;
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
  // the VGA registers, DAC, font and (unless bit 7) memory: devices/vga_mode.ts
  if (!vga_set_mode(mode, !noclear)) return; // a mode with no parameter table: nothing changes
  const text = mode <= 3 || mode == 7;
  const c: u32 = mode <= 1 || mode == 0x13 ? 40 : 80;
  set_bda8(MODE, mode);
  set_bda16(COLS, c);
  set_bda16(PAGE_SIZE, text ? (c == 40 ? 0x800 : 0x1000) : 0);
  set_bda16(PAGE_START, 0);
  for (let i: u32 = 0; i < 8; i++) set_bda16(CURSOR + i * 2, 0);
  set_bda8(PAGE, 0);
  set_bda16(CRTC, mode == 7 ? 0x3b4 : 0x3d4);
  set_bda8(0x65, mode == 7 ? 0x29 : (c == 40 ? 0x28 : 0x29));
  set_bda8(0x66, 0x30);
  set_bda8(ROWS, mode == 0x12 ? 29 : 24);
  set_bda8(CHAR_H, mode == 0x13 ? 8 : 16);
  set_bda8(0x87, 0x60 | (noclear ? 0x80 : 0));
  set_bda8(0x88, 0x09);
  set_bda8(0x89, 0x51);
  // equipment word bits 4-5: 11 monochrome, 10 80x25 color, 01 40x25 color
  const eq = bda16(0x10) & ~0x30;
  set_bda16(0x10, eq | (mode == 7 ? 0x30 : (c == 40 && text ? 0x10 : 0x20)));
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
    const a = cell(page, row, col);
    s16(a, (m16(a) & 0xff00) | (ch & 0xff));
    col++;
    if (col >= nc) { col = 0; row++; }
  }
  if (row >= nr) {
    row = nr - 1;
    const attr = m8(cell(page, row, col) + 1);
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
      w16(AX, m16(cell(page, pos >> 8, pos & 0xff)));
      break;
    }
    case 0x09: case 0x0a: {
      const page = r8(BH) & 7;
      const pos = bda16(CURSOR + page * 2);
      let a = cell(page, pos >> 8, pos & 0xff);
      const end = page_base(page) + rows() * cols() * 2;
      const ch = r8(AL), attr = r8(BL);
      for (let n = r16(CX); n > 0 && a < end; n--, a += 2) {
        if (ah == 9) s16(a, (attr << 8) | ch);
        else s16(a, (m16(a) & 0xff00) | ch);
      }
      break;
    }
    case 0x0e: video_tty(r8(AL), r8(BH)); break;
    case 0x0f:
      w8(AL, bda8(MODE));
      w8(AH, cols());
      w8(BH, bda8(PAGE));
      break;
    case 0x10: break; // palette: accepted, no effect in text output
    case 0x11:
      if (r8(AL) == 0x30) {
        // font information: ES:BP = the table BH asks for, CX = character height, DL = rows - 1
        let seg: u32 = 0xf000, off: u32 = 0;
        switch (r8(BH)) {
          case 0: seg = m16(0x1f * 4 + 2); off = m16(0x1f * 4); break;
          case 1: seg = m16(0x43 * 4 + 2); off = m16(0x43 * 4); break;
          case 2: case 6: off = ROM_FONT_8X16; break; // no 8x14 font: the 8x16 one stands in
          case 3: off = 0xfa6e; break;
          case 4: off = ROM_FONT_8X8 + 0x400; break;
          default: seg = 0; off = 0; break; // 9x14 / 9x16 alternates: none
        }
        set_sreg(ES, seg);
        w16(BP, off);
        w16(CX, bda8(CHAR_H));
        w8(DL, bda8(ROWS));
      }
      break;
    case 0x12:
      if (r8(BL) == 0x10) { w8(BH, 0); w8(BL, 3); w8(CH, 0); w8(CL, 9); }
      else if (r8(BL) >= 0x30 && r8(BL) <= 0x36) w8(AL, 0x12);
      break;
    case 0x13: {
      const mode = r8(AL), page = r8(BH) & 7;
      let attr = r8(BL);
      const save = bda16(CURSOR + page * 2);
      set_bda16(CURSOR + page * 2, r16(DX));
      let p = r16(BP);
      for (let n = r16(CX); n > 0; n--) {
        const ch = m8(seg_lin(ES, p)); p++;
        if (mode & 2) { attr = m8(seg_lin(ES, p)); p++; }
        if (ch == 7 || ch == 8 || ch == 10 || ch == 13) { video_tty(ch, page); continue; }
        const pos = bda16(CURSOR + page * 2);
        s16(cell(page, pos >> 8, pos & 0xff), (attr << 8) | ch);
        video_tty_advance(page);
      }
      if ((mode & 1) == 0) set_bda16(CURSOR + page * 2, save);
      if (page == bda8(PAGE)) update_cursor();
      break;
    }
    case 0x1a:
      if (r8(AL) == 0) { w8(AL, 0x1a); w8(BL, 0x08); w8(BH, 0); }
      else if (r8(AL) == 1) w8(AL, 0x1a);
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
