// The display side for the host: vga_render() looks at the registers the way the CRTC,
// sequencer, attribute controller and DAC scan memory out, and brings
//   FRAMEBUFFER   RGBA pixels (width x height, 4 bytes each, row-major, R in the lowest byte)
//   VGA_TEXT      in a text mode: rows x cols cells of (character, attribute) bytes
//   SCREEN        the description below
// up to date. It redraws only what changed since the last call: a register write (any data
// port of the VGA or VBE) or a change of geometry redraws everything; otherwise a graphics
// line is redrawn only if the video memory it reads was written (PLANE_DIRTY per 64-byte
// block of plane offsets, VRAM_DIRTY per 4 KiB page of VRAM), and a text screen only when any
// of its memory was written or the blink phase changed. DIRTY_Y0..DIRTY_Y1 tell the host which
// lines to copy.
//
// What is drawn:
//   VBE enabled            the VBE framebuffer (vbe_render.ts)
//   GR6 bit 0 = 0          text (vga_text.ts)
//   GR6 bit 0 = 1          graphics: planar 16-colour, CGA 4-colour (GR5 bit 5), 256-colour
//                          (GR5 bit 6) (vga_render_gfx.ts)
//   screen off (SR1 bit 5) or the palette address source (AR index bit 5) clear: black
//
// Screen description (u32 each), at DEV_VGA + 0x700:
//   +0x00 MODE   0 text, 1 graphics (VGA or VBE), 2 blanked (screen off / palette access)
//   +0x04 WIDTH  pixels        +0x08 HEIGHT pixels
//   +0x0C COLS   text columns  +0x10 ROWS text rows (0 in graphics)
//   +0x14 CURSOR_COL, +0x18 CURSOR_ROW: the cursor cell, or 0xFFFFFFFF when it is off or not on screen
//   +0x1C CHAR_W, +0x20 CHAR_H: pixels per character cell
//   +0x24 DIRTY_Y0, +0x28 DIRTY_Y1: the lines [Y0, Y1) of FRAMEBUFFER this call redrew
//   +0x2C RENDERS: calls that redrew something (a counter for tests and --stats)
import { FRAMEBUFFER, FRAMEBUFFER_SIZE, DEV_VGA, VRAM_DIRTY } from "../core-as/state";
import { SEQ, GC, ATTR, DAC, PEL_MASK, ATTR_INDEX, PLANE_DIRTY, VGA_FULL, vga_frame, FRAME_NO } from "./vga";
import { vbe_enabled, vbe_dac8, vbe_lfb_consumed, VBE_FULL } from "./vbe";
import { render_text, text_geometry } from "./vga_text";
import { render_gfx, gfx_geometry } from "./vga_render_gfx";
import { render_vbe, vbe_geometry } from "./vbe_render";

export const SCREEN: u32 = DEV_VGA + 0x700;
export const S_MODE: u32 = SCREEN + 0x00;
export const S_WIDTH: u32 = SCREEN + 0x04;
export const S_HEIGHT: u32 = SCREEN + 0x08;
export const S_COLS: u32 = SCREEN + 0x0c;
export const S_ROWS: u32 = SCREEN + 0x10;
export const S_CUR_COL: u32 = SCREEN + 0x14;
export const S_CUR_ROW: u32 = SCREEN + 0x18;
export const S_CHAR_W: u32 = SCREEN + 0x1c;
export const S_CHAR_H: u32 = SCREEN + 0x20;
const S_DIRTY_Y0: u32 = SCREEN + 0x24;
const S_DIRTY_Y1: u32 = SCREEN + 0x28;
const S_RENDERS: u32 = SCREEN + 0x2c;

// What the previous call drew (a change redraws everything)
const LAST_W: u32 = DEV_VGA + 0x504;
const LAST_H: u32 = DEV_VGA + 0x508;
const LAST_KIND: u32 = DEV_VGA + 0x50c;
const LAST_BLINK: u32 = DEV_VGA + 0x510;

export const KIND_TEXT: u32 = 0, KIND_GFX: u32 = 1, KIND_BLANK: u32 = 2, KIND_VBE: u32 = 3;

// Derived each call from the attribute controller and the DAC (not machine state):
// COLORS16: RGBA of attribute colour 0-15; PAL256: RGBA of DAC index 0-255 after the pel mask.
export const COLORS16: u32 = <u32>memory.data(16 * 4);
export const PAL256: u32 = <u32>memory.data(256 * 4);

// RGBA of DAC entry i: 6-bit components widened to 8 bits (v << 2 | v >> 4), or the 8-bit
// values as they are when the VBE 8-bit DAC is on.
@inline function dac_rgba(i: u32, dac8: bool): u32 {
  let r: u32 = load<u8>(DAC + i * 3), g: u32 = load<u8>(DAC + i * 3 + 1), b: u32 = load<u8>(DAC + i * 3 + 2);
  if (!dac8) {
    r &= 0x3f; g &= 0x3f; b &= 0x3f;
    r = (r << 2) | (r >> 4); g = (g << 2) | (g >> 4); b = (b << 2) | (b >> 4);
  }
  return r | (g << 8) | (b << 16) | 0xff000000;
}

// The attribute controller's path from a 4-bit colour to a DAC index (IBM VGA: colour plane
// enable AR12, palette AR0-AR15, P5/P4 from AR14 bits 0-1 with AR10 bit 7, P7/P6 from AR14 bits
// 2-3), then the pel mask.
function build_palettes(): void {
  const dac8 = vbe_dac8();
  const pel: u32 = load<u8>(PEL_MASK);
  for (let i: u32 = 0; i < 256; i++) store<u32>(PAL256 + i * 4, dac_rgba(i & pel, dac8));
  const m: u32 = load<u8>(ATTR + 0x10), cs: u32 = load<u8>(ATTR + 0x14), en: u32 = load<u8>(ATTR + 0x12) & 0x0f;
  for (let c: u32 = 0; c < 16; c++) {
    let p: u32 = load<u8>(ATTR + (c & en)) & 0x3f;
    if ((m & 0x80) != 0) p = (p & 0x0f) | ((cs & 3) << 4);
    p |= (cs & 0x0c) << 4;
    store<u32>(COLORS16 + c * 4, load<u32>(PAL256 + p * 4));
  }
}

function any_plane_dirty(): bool {
  for (let i: u32 = 0; i < 128; i += 8) if (load<u64>(PLANE_DIRTY + i) != 0) return true;
  return false;
}

export function vga_render(): void {
  vga_frame(); // FRAME_NO for blinking
  let kind: u32;
  if (vbe_enabled()) { kind = KIND_VBE; vbe_geometry(); }
  else if ((load<u8>(GC + 6) & 1) != 0) { kind = KIND_GFX; gfx_geometry(); }
  else { kind = KIND_TEXT; text_geometry(); }
  const blank = !vbe_enabled() && ((load<u8>(SEQ + 1) & 0x20) != 0 || (load<u8>(ATTR_INDEX) & 0x20) == 0);
  if (blank) kind = KIND_BLANK;
  store<u32>(S_MODE, kind == KIND_VBE ? 1 : kind == KIND_TEXT ? 0 : kind == KIND_GFX ? 1 : 2);
  const w = load<u32>(S_WIDTH), h = load<u32>(S_HEIGHT);
  let y0: u32 = 0, y1: u32 = 0;
  const full = load<u32>(VGA_FULL) != 0 || load<u32>(VBE_FULL) != 0 || w != load<u32>(LAST_W) || h != load<u32>(LAST_H) || kind != load<u32>(LAST_KIND);
  if (<u64>w * <u64>h * 4 <= <u64>FRAMEBUFFER_SIZE) {
    build_palettes();
    if (kind == KIND_BLANK) {
      // a blanked text screen still has its cells (the host may read them)
      if ((load<u8>(GC + 6) & 1) == 0) render_text();
      memory.fill(FRAMEBUFFER, 0, w * h * 4);
      if (full) y1 = h;
    } else if (kind == KIND_TEXT) {
      const blink = <u32>(FRAME_NO >> 3) & 3;
      if (full || any_plane_dirty() || blink != load<u32>(LAST_BLINK)) { render_text(); y1 = h; }
      store<u32>(LAST_BLINK, blink);
    } else if (kind == KIND_GFX) {
      const r = render_gfx(full);
      y0 = r & 0xffff; y1 = r >> 16;
    } else {
      const r = render_vbe(full);
      y0 = r & 0xffff; y1 = r >> 16;
    }
  }
  if (y1 <= y0) { y0 = 0; y1 = 0; }
  else store<u32>(S_RENDERS, load<u32>(S_RENDERS) + 1);
  store<u32>(S_DIRTY_Y0, y0);
  store<u32>(S_DIRTY_Y1, y1);
  store<u32>(LAST_W, w); store<u32>(LAST_H, h); store<u32>(LAST_KIND, kind);
  store<u32>(VGA_FULL, 0);
  store<u32>(VBE_FULL, 0);
  memory.fill(PLANE_DIRTY, 0, 128);
  memory.fill(VRAM_DIRTY, 0, 0x4000);
  vbe_lfb_consumed();
}

// The next render redraws everything (the host wrote video memory directly, or wants a fresh
// full picture).
export function vga_invalidate(): void { store<u32>(VGA_FULL, 1); }
