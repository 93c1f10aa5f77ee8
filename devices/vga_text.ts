// The VGA display side for the host: vga_render() reads the registers and video memory the way
// the CRTC, sequencer and attribute controller scan them out, and writes
//   FRAMEBUFFER   RGBA pixels (width x height, 4 bytes each, row-major)
//   VGA_TEXT      in a text mode: rows x cols cells of (character, attribute) bytes
//   DEV_VGA+0x700 the screen description below
// Text modes, and the planar 16-colour and 256-colour graphics modes (render_graphics).
//
// Screen description (u32 each), at DEV_VGA + 0x700:
//   +0x00 MODE   0 text, 1 graphics, 2 blanked (screen off / palette access)
//   +0x04 WIDTH  pixels        +0x08 HEIGHT pixels
//   +0x0C COLS   text columns  +0x10 ROWS text rows
//   +0x14 CURSOR_COL, +0x18 CURSOR_ROW: the cursor cell, or 0xFFFFFFFF when it is off or not on screen
//   +0x1C CHAR_W, +0x20 CHAR_H: pixels per character cell
//
// Geometry from the registers: columns = CR01 + 1, character width 9 or 8 (SR1 bit 0), scan
// lines = vertical display end (CR12 + overflow bits) + 1, a character row is CR09 bits 0-4 + 1
// scan lines (each doubled with CR09 bit 7), rows = scan lines / row height. Memory: the cell at
// (row, col) is at CRTC address start (CR0C:CR0D) + row * 2 * offset (CR13) + col, in word mode
// (CR17 bit 6 = 0) at plane address 2 * address (byte mode: address; doubleword, CR14 bit 6:
// 4 * address); the character is in plane 0 and the attribute in plane 1 there. The preset row
// scan (CR08 bits 0-4) shifts the first row up and the line compare (CR18 + bits in CR07/CR09)
// restarts the scan at address 0 below that line (the split screen). Glyphs come from plane 2 at
// the character map that SR3 selects for attribute bit 3. Not modelled: horizontal pel panning,
// the cursor skew and the overscan border.
import { VGA_MEM, VGA_TEXT, FRAMEBUFFER, DEV_VGA } from "../core-as/state";
import { SEQ, ATTR, DAC, PEL_MASK, ATTR_INDEX, PLANE_SIZE, crtc, v_display, FRAME_NO, vga_frame } from "./vga";

export const SCREEN: u32 = DEV_VGA + 0x700;
const S_MODE: u32 = SCREEN + 0x00;
const S_WIDTH: u32 = SCREEN + 0x04;
const S_HEIGHT: u32 = SCREEN + 0x08;
const S_COLS: u32 = SCREEN + 0x0c;
const S_ROWS: u32 = SCREEN + 0x10;
const S_CUR_COL: u32 = SCREEN + 0x14;
const S_CUR_ROW: u32 = SCREEN + 0x18;
const S_CHAR_W: u32 = SCREEN + 0x1c;
const S_CHAR_H: u32 = SCREEN + 0x20;

// Character map n (SR3 fields) starts at this plane-2 offset.
const MAP_OFFSET: u32 = memory.data<u16>([0x0000, 0x4000, 0x8000, 0xc000, 0x2000, 0x6000, 0xa000, 0xe000]);

// The 16 RGBA colours of the attribute controller's palette as they come out of the DAC.
const COLORS: u32 = memory.data(16 * 4);

@inline function attr_reg(i: u32): u32 { return load<u8>(ATTR + i); }

// RGBA (little-endian u32: R in the low byte) of attribute colour index c (0-15).
function dac_color(c: u32): u32 {
  c &= attr_reg(0x12) & 0x0f; // colour plane enable
  let p: u32 = attr_reg(c) & 0x3f;
  const m = attr_reg(0x10), cs = attr_reg(0x14);
  if ((m & 0x80) != 0) p = (p & 0x0f) | ((cs & 3) << 4);
  p |= (cs & 0x0c) << 4;
  p &= load<u8>(PEL_MASK);
  const r: u32 = load<u8>(DAC + p * 3) & 0x3f, g: u32 = load<u8>(DAC + p * 3 + 1) & 0x3f, b: u32 = load<u8>(DAC + p * 3 + 2) & 0x3f;
  return ((r << 2) | (r >> 4)) | (((g << 2) | (g >> 4)) << 8) | (((b << 2) | (b >> 4)) << 16) | 0xff000000;
}

// Graphics modes: 16 colours from the four planes (8 pixels per address, plane p gives bit p
// of the colour, as in modes 0Dh-12h) or 256 colours (GR5 bit 6: a byte per pixel from the
// planes in turn, as in mode 13h). A scan line is CR09 bits 0-4 + 1 (doubled with bit 7)
// display lines; the picture is reported at its logical size (320x200 for 13h, 640x480 for 12h).
// CGA-compatible addressing (CR17 bits 0-1) and the split screen are not modelled here.
function render_graphics(blank: bool): void {
  const mscan: u32 = crtc(9);
  const lines_per: u32 = ((mscan & 0x1f) + 1) * ((mscan & 0x80) != 0 ? 2 : 1);
  const height: u32 = v_display() / lines_per;
  const c256 = (load<u8>(DEV_VGA + 0x030 + 5) & 0x40) != 0;
  const chars: u32 = crtc(1) + 1;
  const width: u32 = c256 ? chars * 4 : chars * 8;
  store<u32>(S_WIDTH, width);
  store<u32>(S_HEIGHT, height);
  store<u32>(S_COLS, 0);
  store<u32>(S_ROWS, 0);
  if (width * height * 4 > 0x1000000) return;
  if (blank) { memory.fill(FRAMEBUFFER, 0, width * height * 4); return; }
  const start: u32 = (crtc(0x0c) << 8) | crtc(0x0d);
  const pitch: u32 = crtc(0x13) * 2;
  const shift: u32 = (crtc(0x14) & 0x40) != 0 ? 2 : (crtc(0x17) & 0x40) != 0 ? 0 : 1;
  for (let i: u32 = 0; i < 16; i++) store<u32>(COLORS + i * 4, dac_color(i));
  const pel = load<u8>(PEL_MASK);
  for (let y: u32 = 0; y < height; y++) {
    const row: u32 = start + y * pitch;
    let px: u32 = FRAMEBUFFER + y * width * 4;
    if (c256) {
      for (let x: u32 = 0; x < width; x++) {
        const pa: u32 = ((row + (x >> 2)) << shift) & 0xffff;
        const v: u32 = load<u8>(VGA_MEM + (x & 3) * PLANE_SIZE + pa) & pel;
        const r: u32 = load<u8>(DAC + v * 3) & 0x3f, g: u32 = load<u8>(DAC + v * 3 + 1) & 0x3f, b: u32 = load<u8>(DAC + v * 3 + 2) & 0x3f;
        store<u32>(px, ((r << 2) | (r >> 4)) | (((g << 2) | (g >> 4)) << 8) | (((b << 2) | (b >> 4)) << 16) | 0xff000000);
        px += 4;
      }
    } else {
      for (let c: u32 = 0; c < chars; c++) {
        const pa: u32 = ((row + c) << shift) & 0xffff;
        const p0: u32 = load<u8>(VGA_MEM + pa), p1: u32 = load<u8>(VGA_MEM + PLANE_SIZE + pa);
        const p2: u32 = load<u8>(VGA_MEM + 2 * PLANE_SIZE + pa), p3: u32 = load<u8>(VGA_MEM + 3 * PLANE_SIZE + pa);
        for (let b: i32 = 7; b >= 0; b--) {
          const s = <u32>b;
          const ci: u32 = ((p0 >> s) & 1) | (((p1 >> s) & 1) << 1) | (((p2 >> s) & 1) << 2) | (((p3 >> s) & 1) << 3);
          store<u32>(px, load<u32>(COLORS + ci * 4));
          px += 4;
        }
      }
    }
  }
}

export function vga_render(): void {
  vga_frame(); // FRAME_NO for blinking
  const seq1: u32 = load<u8>(SEQ + 1);
  const char_w: u32 = (seq1 & 1) != 0 ? 8 : 9;
  const cols: u32 = crtc(1) + 1;
  const lines: u32 = v_display();
  const mscan: u32 = crtc(9);
  const dbl: u32 = (mscan & 0x80) != 0 ? 2 : 1;
  const char_h: u32 = (mscan & 0x1f) + 1;
  const row_lines = char_h * dbl;
  let rows: u32 = lines / row_lines;
  if (rows * cols > 0x2000) rows = 0x2000 / cols; // VGA_TEXT holds 8 Ki cells
  const width = cols * char_w;
  const height = lines;
  store<u32>(S_WIDTH, width);
  store<u32>(S_HEIGHT, height);
  store<u32>(S_COLS, cols);
  store<u32>(S_ROWS, rows);
  store<u32>(S_CHAR_W, char_w);
  store<u32>(S_CHAR_H, char_h);
  store<u32>(S_CUR_COL, 0xffffffff);
  store<u32>(S_CUR_ROW, 0xffffffff);
  const graphics = (load<u8>(DEV_VGA + 0x030 + 6) & 1) != 0;
  const blank = (seq1 & 0x20) != 0 || (load<u8>(ATTR_INDEX) & 0x20) == 0;
  store<u32>(S_MODE, graphics ? 1 : blank ? 2 : 0);
  if (graphics) { render_graphics(blank); return; }
  if (width * height * 4 > 0x1000000) return;
  if (blank) memory.fill(FRAMEBUFFER, 0, width * height * 4);

  const start: u32 = (crtc(0x0c) << 8) | crtc(0x0d);
  const stride: u32 = crtc(0x13) * 2;
  const shift: u32 = (crtc(0x14) & 0x40) != 0 ? 2 : (crtc(0x17) & 0x40) != 0 ? 0 : 1;
  const o7 = crtc(7);
  const line_compare: u32 = crtc(0x18) | ((o7 & 0x10) << 4) | ((mscan & 0x40) << 3);
  const preset: u32 = crtc(8) & 0x1f;
  const cursor: u32 = (crtc(0x0e) << 8) | crtc(0x0f);
  const cur_on = (crtc(0x0a) & 0x20) == 0;
  const cur_start: u32 = crtc(0x0a) & 0x1f, cur_end: u32 = crtc(0x0b) & 0x1f;
  const mode: u32 = attr_reg(0x10);
  const blink_enable = (mode & 8) != 0;
  const line_gfx = (mode & 4) != 0;
  const mono = (mode & 2) != 0;
  const underline: u32 = crtc(0x14) & 0x1f;
  const blink_on = (FRAME_NO & 16) == 0; // characters: 16 frames on, 16 off
  const cur_blink_on = (FRAME_NO & 8) == 0; // the cursor: 8 on, 8 off
  const sr3: u32 = load<u8>(SEQ + 3);
  const map_a: u32 = load<u16>(MAP_OFFSET + ((((sr3 >> 5) & 1) << 2) | ((sr3 >> 2) & 3)) * 2);
  const map_b: u32 = load<u16>(MAP_OFFSET + ((((sr3 >> 4) & 1) << 2) | (sr3 & 3)) * 2);
  for (let i: u32 = 0; i < 16; i++) store<u32>(COLORS + i * 4, dac_color(i));

  // the text cells (the first screen's worth, from the start address; the split screen part
  // is only drawn into the pixels)
  for (let r: u32 = 0; r < rows; r++) {
    for (let c: u32 = 0; c < cols; c++) {
      const a: u32 = start + r * stride + c;
      const pa: u32 = (a << shift) & 0xffff;
      store<u8>(VGA_TEXT + (r * cols + c) * 2, load<u8>(VGA_MEM + pa));
      store<u8>(VGA_TEXT + (r * cols + c) * 2 + 1, load<u8>(VGA_MEM + PLANE_SIZE + pa));
      if (a == cursor && cur_on && cur_start <= cur_end) { store<u32>(S_CUR_COL, c); store<u32>(S_CUR_ROW, r); }
    }
  }
  if (blank) return;

  // the pixels, scan line by scan line
  let row_addr: u32 = start;
  let row_scan: u32 = preset; // scan line within the character row
  let sub: u32 = 0; // 0/1 within a doubled scan line
  for (let y: u32 = 0; y < height; y++) {
    if (y == line_compare + 1 && line_compare < height) { row_addr = 0; row_scan = 0; sub = 0; }
    const dst: u32 = FRAMEBUFFER + y * width * 4;
    const in_cell = row_scan < char_h;
    for (let c: u32 = 0; c < cols; c++) {
      const a: u32 = row_addr + c;
      const pa: u32 = (a << shift) & 0xffff;
      const ch: u32 = load<u8>(VGA_MEM + pa);
      const at: u32 = load<u8>(VGA_MEM + PLANE_SIZE + pa);
      let fg: u32 = at & 0x0f, bg: u32 = at >> 4;
      let bits: u32 = 0;
      if (in_cell) bits = load<u8>(VGA_MEM + 2 * PLANE_SIZE + ((at & 8) != 0 ? map_a : map_b) + ch * 32 + row_scan);
      if (blink_enable) { bg &= 7; if ((at & 0x80) != 0 && !blink_on) bits = 0; }
      if (mono && (at & 0x77) == 0x01 && row_scan == underline) bits = 0xff;
      if (a == cursor && cur_on && cur_blink_on && row_scan >= cur_start && row_scan <= cur_end) bits = 0xff;
      const cf = load<u32>(COLORS + fg * 4), cb = load<u32>(COLORS + bg * 4);
      let px: u32 = dst + c * char_w * 4;
      for (let b: i32 = 7; b >= 0; b--) { store<u32>(px, ((bits >> <u32>b) & 1) != 0 ? cf : cb); px += 4; }
      if (char_w == 9) store<u32>(px, line_gfx && ch >= 0xc0 && ch <= 0xdf && (bits & 1) != 0 ? cf : cb);
    }
    if (++sub == dbl) {
      sub = 0;
      if (++row_scan >= char_h) { row_scan = 0; row_addr += stride; }
    }
  }
}
