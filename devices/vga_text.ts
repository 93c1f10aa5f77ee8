// Text modes for vga_render.ts (IBM VGA technical reference: CRTC, sequencer character map
// select, attribute controller mode control): text_geometry() fills in the screen description,
// render_text() draws the cells to FRAMEBUFFER and copies them to VGA_TEXT.
//
// Geometry from the registers: columns = CR01 + 1, character width 9 or 8 (SR1 bit 0), scan
// lines = vertical display end (CR12 + overflow bits) + 1, a character row is CR09 bits 0-4 + 1
// scan lines (each doubled with CR09 bit 7), rows = scan lines / row height. Memory: the cell at
// (row, col) is at CRTC address start (CR0C:CR0D) + row * 2 * offset (CR13) + col, in word mode
// (CR17 bit 6 = 0) at plane address 2 * address (byte mode: address; doubleword, CR14 bit 6:
// 4 * address); the character is in plane 0 and the attribute in plane 1 there. The preset row
// scan (CR08 bits 0-4) shifts the first row up and the line compare (CR18 + bits in CR07/CR09)
// restarts the scan at address 0 below that line (the split screen). Glyphs come from plane 2 at
// the character map that SR3 selects for attribute bit 3. Not modelled: horizontal pel panning
// in text modes, the cursor skew and the overscan border.
import { VGA_MEM, VGA_TEXT, FRAMEBUFFER } from "../core-as/state";
import { SEQ, ATTR, PLANE_SIZE, crtc, v_display, FRAME_NO } from "./vga";
import { S_WIDTH, S_HEIGHT, S_COLS, S_ROWS, S_CUR_COL, S_CUR_ROW, S_CHAR_W, S_CHAR_H, COLORS16 } from "./vga_render";

// Character map n (SR3 fields) starts at this plane-2 offset.
const MAP_OFFSET: u32 = memory.data<u16>([0x0000, 0x4000, 0x8000, 0xc000, 0x2000, 0x6000, 0xa000, 0xe000]);


@inline function attr_reg(i: u32): u32 { return load<u8>(ATTR + i); }

export function text_geometry(): void {
  const seq1: u32 = load<u8>(SEQ + 1);
  const char_w: u32 = (seq1 & 1) != 0 ? 8 : 9;
  const cols: u32 = crtc(1) + 1;
  const mscan: u32 = crtc(9);
  const dbl: u32 = (mscan & 0x80) != 0 ? 2 : 1;
  const char_h: u32 = (mscan & 0x1f) + 1;
  let rows: u32 = v_display() / (char_h * dbl);
  if (rows * cols > 0x2000) rows = 0x2000 / cols; // VGA_TEXT holds 8 Ki cells
  store<u32>(S_WIDTH, cols * char_w);
  store<u32>(S_HEIGHT, v_display());
  store<u32>(S_COLS, cols);
  store<u32>(S_ROWS, rows);
  store<u32>(S_CHAR_W, char_w);
  store<u32>(S_CHAR_H, char_h);
}

export function render_text(): void {
  const char_w: u32 = load<u32>(S_CHAR_W), char_h: u32 = load<u32>(S_CHAR_H);
  const cols: u32 = load<u32>(S_COLS), rows: u32 = load<u32>(S_ROWS);
  const width: u32 = load<u32>(S_WIDTH), height: u32 = load<u32>(S_HEIGHT);
  const mscan: u32 = crtc(9);
  const dbl: u32 = (mscan & 0x80) != 0 ? 2 : 1;
  store<u32>(S_CUR_COL, 0xffffffff);
  store<u32>(S_CUR_ROW, 0xffffffff);
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
      const cf = load<u32>(COLORS16 + fg * 4), cb = load<u32>(COLORS16 + bg * 4);
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
