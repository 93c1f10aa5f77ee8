// INT 10h in the graphics modes: pixels (0Ch/0Dh), characters drawn with the INT 43h font
// (09h/0Ah/0Eh/13h), scrolling (06h/07h). Pixels go straight into the planes in VGA_MEM (or
// VRAM in a VBE 8-bit mode) in each mode's memory layout, marking the renderer's dirty blocks,
// so they do not depend on the graphics controller state a program left behind (the IBM BIOS
// reprograms it for the same reason). Layouts (IBM VGA technical reference, BIOS modes):
//   4/5   CGA: byte (y & 1) * 2000h + (y >> 1) * 80 + x / 4 at B8000, 2 bits per pixel from the
//         left; even bytes in plane 0, odd bytes in plane 1 (odd/even), at the even offset
//   6     CGA: byte (y & 1) * 2000h + (y >> 1) * 80 + x / 8 in plane 0, 1 bit per pixel
//   0Dh-12h  planar: byte page + y * bytes per line + x / 8, bit 7 - x % 8 of plane p = colour bit p
//   13h   chain 4: byte y * 320 + x is in plane (y * 320 + x) & 3 at offset & ~3
// A colour with bit 7 set is XORed onto the screen (not in 13h), as the IBM BIOS does.
import { VGA_MEM, VRAM, VRAM_DIRTY } from "../core-as/state";
import { PLANE_SIZE, vga_mark_dirty } from "../devices/vga";
import { vbe_enabled, vbe_reg, vbe_line_bytes, VBE_BPP, VBE_XRES, VBE_YRES, VRAM_BYTES } from "../devices/vbe";
import { m8, m16, bda8, bda16 } from "./util";

export const GFX_NONE: u32 = 0, GFX_CGA4: u32 = 1, GFX_CGA2: u32 = 2, GFX_PLANAR: u32 = 3, GFX_256: u32 = 4, GFX_VBE8: u32 = 5;

// The pixel layout of the current BIOS mode (BDA 49h), or of the VBE mode when it is on.
export function gfx_class(): u32 {
  if (vbe_enabled()) return vbe_reg(VBE_BPP) == 8 ? GFX_VBE8 : GFX_NONE;
  const m = bda8(0x49);
  if (m == 4 || m == 5) return GFX_CGA4;
  if (m == 6) return GFX_CGA2;
  if (m >= 0x0d && m <= 0x12) return GFX_PLANAR;
  if (m == 0x13) return GFX_256;
  return GFX_NONE;
}

// Pixels per line of the current graphics mode (for bounds and the planar pitch).
export function gfx_width(): u32 {
  if (vbe_enabled()) return vbe_reg(VBE_XRES);
  const m = bda8(0x49);
  return m == 4 || m == 5 || m == 0x0d || m == 0x13 ? 320 : 640;
}
function gfx_height(): u32 {
  if (vbe_enabled()) return vbe_reg(VBE_YRES);
  const m = bda8(0x49);
  return m == 0x0f || m == 0x10 ? 350 : m == 0x11 || m == 0x12 ? 480 : 200;
}

@inline function mark(off: u32): void { vga_mark_dirty(off); }

// Write colour c (bit 7: XOR) at (x, y) on display page `page`.
export function put_pixel(x: u32, y: u32, c: u32, page: u32): void {
  if (x >= gfx_width() || y >= gfx_height()) return;
  const xor = (c & 0x80) != 0;
  switch (gfx_class()) {
    case GFX_CGA4: {
      const o: u32 = (y & 1) * 0x2000 + (y >> 1) * 80 + (x >> 2);
      const a: u32 = VGA_MEM + (o & 1) * PLANE_SIZE + (o & ~1);
      const s: u32 = (3 - (x & 3)) * 2;
      let b: u32 = load<u8>(a);
      if (xor) b ^= (c & 3) << s; else b = (b & ~(3 << s)) | ((c & 3) << s);
      store<u8>(a, b); mark(o);
      return;
    }
    case GFX_CGA2: {
      const o: u32 = (y & 1) * 0x2000 + (y >> 1) * 80 + (x >> 3);
      const bit: u32 = 0x80 >> (x & 7);
      let b: u32 = load<u8>(VGA_MEM + o);
      if (xor) b ^= (c & 1) != 0 ? bit : 0; else b = (c & 1) != 0 ? b | bit : b & ~bit;
      store<u8>(VGA_MEM + o, b); mark(o);
      return;
    }
    case GFX_PLANAR: {
      const o: u32 = (page * bda16(0x4c) + y * (gfx_width() >> 3) + (x >> 3)) & 0xffff;
      const bit: u32 = 0x80 >> (x & 7);
      for (let p: u32 = 0; p < 4; p++) {
        const a = VGA_MEM + p * PLANE_SIZE + o;
        let b: u32 = load<u8>(a);
        const on = ((c >> p) & 1) != 0;
        if (xor) { if (on) b ^= bit; } else b = on ? b | bit : b & ~bit;
        store<u8>(a, b);
      }
      mark(o);
      return;
    }
    case GFX_256: {
      const o: u32 = y * 320 + x;
      store<u8>(VGA_MEM + (o & 3) * PLANE_SIZE + (o & ~3), c); mark(o & ~3);
      return;
    }
    case GFX_VBE8: {
      const o: u32 = y * vbe_line_bytes() + x;
      if (o >= load<u32>(VRAM_BYTES)) return;
      store<u8>(VRAM + o, c);
      store<u8>(VRAM_DIRTY + (o >> 12), 1);
      return;
    }
    default: return;
  }
}

export function get_pixel(x: u32, y: u32, page: u32): u32 {
  if (x >= gfx_width() || y >= gfx_height()) return 0;
  switch (gfx_class()) {
    case GFX_CGA4: {
      const o: u32 = (y & 1) * 0x2000 + (y >> 1) * 80 + (x >> 2);
      return (<u32>load<u8>(VGA_MEM + (o & 1) * PLANE_SIZE + (o & ~1)) >> ((3 - (x & 3)) * 2)) & 3;
    }
    case GFX_CGA2: {
      const o: u32 = (y & 1) * 0x2000 + (y >> 1) * 80 + (x >> 3);
      return (<u32>load<u8>(VGA_MEM + o) >> (7 - (x & 7))) & 1;
    }
    case GFX_PLANAR: {
      const o: u32 = (page * bda16(0x4c) + y * (gfx_width() >> 3) + (x >> 3)) & 0xffff;
      let c: u32 = 0;
      for (let p: u32 = 0; p < 4; p++) c |= ((<u32>load<u8>(VGA_MEM + p * PLANE_SIZE + o) >> (7 - (x & 7))) & 1) << p;
      return c;
    }
    case GFX_256: {
      const o: u32 = y * 320 + x;
      return load<u8>(VGA_MEM + (o & 3) * PLANE_SIZE + (o & ~3));
    }
    case GFX_VBE8: {
      const o: u32 = y * vbe_line_bytes() + x;
      return o < load<u32>(VRAM_BYTES) ? <u32>load<u8>(VRAM + o) : 0;
    }
    default: return 0;
  }
}

// The glyph font for graphics modes: INT 43h (the BIOS points it at the 8x8, 8x14 or 8x16
// table at a mode set; 1121h-1124h change it). Character height from BDA 85h.
function char_h(): u32 { const h = bda8(0x85); return h == 0 ? 8 : h; }

// Draw character ch at cell (col, row): foreground c, background 0 (XOR with c bit 7, keeping
// what is under the clear pixels).
export function gfx_char(ch: u32, col: u32, row: u32, c: u32, page: u32): void {
  const h = char_h();
  const font: u32 = (m16(0x43 * 4 + 2) << 4) + m16(0x43 * 4) + ch * h;
  const xor = (c & 0x80) != 0 && gfx_class() != GFX_256;
  for (let r: u32 = 0; r < h; r++) {
    const bits = m8(font + r);
    for (let b: u32 = 0; b < 8; b++) {
      const on = ((bits << b) & 0x80) != 0;
      if (xor) { if (on) put_pixel(col * 8 + b, row * h + r, c, page); }
      else put_pixel(col * 8 + b, row * h + r, on ? c & 0x7f : 0, page);
    }
  }
}

// Scroll the character window (r0, c0)-(r1, c1) up or down by n rows (0: clear), filling with
// colour fill.
export function gfx_scroll(up: bool, n: u32, fill: u32, r0: u32, c0: u32, r1: u32, c1: u32, page: u32): void {
  const h = char_h();
  const rows = r1 - r0 + 1;
  if (n == 0 || n > rows) n = rows;
  const x0 = c0 * 8, x1 = (c1 + 1) * 8;
  const cls = gfx_class();
  for (let i: u32 = 0; i < rows * h; i++) {
    const y: u32 = up ? r0 * h + i : (r1 + 1) * h - 1 - i; // destination line
    const from_row_ok = i + n * h < rows * h;
    const src: u32 = up ? y + n * h : y - n * h;
    if (cls == GFX_PLANAR && from_row_ok) {
      // whole bytes per plane: the window is on character (8-pixel) boundaries
      const pitch = gfx_width() >> 3, base = page * bda16(0x4c);
      for (let p: u32 = 0; p < 4; p++) {
        const d = ((base + y * pitch + c0) & 0xffff), s = ((base + src * pitch + c0) & 0xffff);
        if (d + (c1 - c0 + 1) <= 0x10000 && s + (c1 - c0 + 1) <= 0x10000) memory.copy(VGA_MEM + p * PLANE_SIZE + d, VGA_MEM + p * PLANE_SIZE + s, c1 - c0 + 1);
      }
      mark(base + y * pitch + c0);
      mark(base + y * pitch + c1);
      continue;
    }
    for (let x = x0; x < x1; x++) put_pixel(x, y, from_row_ok ? get_pixel(x, src, page) : fill & 0x7f, page);
  }
}
