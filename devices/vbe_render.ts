// The Bochs VBE framebuffer for vga_render.ts: XRES x YRES pixels from VRAM, starting at
// Y_OFFSET * line + X_OFFSET * bytes per pixel, a line being VIRT_WIDTH pixels (vbe.ts keeps
// that window inside VRAM). Pixel formats as the Bochs VBE BIOS reports them in the mode info
// (VBE 3.0, ModeInfoBlock RedMaskSize/RedFieldPosition...):
//   8 bpp   an index into the DAC (6- or 8-bit, VBE ENABLE bit 5) after the pel mask
//   15 bpp  x:1 r:5 g:5 b:5, 16 bpp r:5 g:6 b:5 (little-endian words), 5/6-bit components
//           widened by repeating their high bits
//   24 bpp  b, g, r bytes; 32 bpp b, g, r, x (a little-endian 0x00RRGGBB dword)
// A line is redrawn when one of the 4 KiB VRAM pages it reads was written (VRAM_DIRTY).
import { FRAMEBUFFER, VRAM, VRAM_DIRTY } from "../core-as/state";
import { vbe_reg, vbe_bytes_pp, vbe_line_bytes, VBE_XRES, VBE_YRES, VBE_BPP, VBE_XOFF, VBE_YOFF } from "./vbe";
import { S_WIDTH, S_HEIGHT, S_COLS, S_ROWS, S_CUR_COL, S_CUR_ROW, PAL256 } from "./vga_render";

export function vbe_geometry(): void {
  store<u32>(S_WIDTH, vbe_reg(VBE_XRES));
  store<u32>(S_HEIGHT, vbe_reg(VBE_YRES));
  store<u32>(S_COLS, 0);
  store<u32>(S_ROWS, 0);
  store<u32>(S_CUR_COL, 0xffffffff);
  store<u32>(S_CUR_ROW, 0xffffffff);
}

@inline function widen5(v: u32): u32 { return (v << 3) | (v >> 2); }
@inline function widen6(v: u32): u32 { return (v << 2) | (v >> 4); }

// Returns y0 | y1 << 16, the lines redrawn.
export function render_vbe(full: bool): u32 {
  const w: u32 = vbe_reg(VBE_XRES), h: u32 = vbe_reg(VBE_YRES);
  const bpp: u32 = vbe_reg(VBE_BPP), bytes: u32 = vbe_bytes_pp();
  const line: u32 = vbe_line_bytes();
  const base: u32 = vbe_reg(VBE_YOFF) * line + vbe_reg(VBE_XOFF) * bytes;
  let y0: u32 = 0xffff, y1: u32 = 0;
  for (let y: u32 = 0; y < h; y++) {
    const off: u32 = base + y * line;
    if (!full) {
      let dirty = false;
      const last = (off + w * bytes - 1) >> 12;
      for (let pg = off >> 12; pg <= last; pg++) if (load<u8>(VRAM_DIRTY + pg) != 0) { dirty = true; break; }
      if (!dirty) continue;
    }
    if (y < y0) y0 = y;
    y1 = y + 1;
    let src: u32 = VRAM + off;
    let dst: u32 = FRAMEBUFFER + y * w * 4;
    const end: u32 = dst + w * 4;
    if (bpp == 32) {
      for (; dst < end; dst += 4, src += 4) {
        const v: u32 = load<u32>(src);
        store<u32>(dst, ((v >> 16) & 0xff) | (v & 0xff00) | ((v & 0xff) << 16) | 0xff000000);
      }
    } else if (bpp == 24) {
      for (; dst < end; dst += 4, src += 3) {
        store<u32>(dst, <u32>load<u8>(src + 2) | (<u32>load<u8>(src + 1) << 8) | (<u32>load<u8>(src) << 16) | 0xff000000);
      }
    } else if (bpp == 16) {
      for (; dst < end; dst += 4, src += 2) {
        const v: u32 = load<u16>(src);
        store<u32>(dst, widen5(v >> 11) | (widen6((v >> 5) & 0x3f) << 8) | (widen5(v & 0x1f) << 16) | 0xff000000);
      }
    } else if (bpp == 15) {
      for (; dst < end; dst += 4, src += 2) {
        const v: u32 = load<u16>(src);
        store<u32>(dst, widen5((v >> 10) & 0x1f) | (widen5((v >> 5) & 0x1f) << 8) | (widen5(v & 0x1f) << 16) | 0xff000000);
      }
    } else {
      for (; dst < end; dst += 4, src += 1) store<u32>(dst, load<u32>(PAL256 + (<u32>load<u8>(src) << 2)));
    }
  }
  if (y1 == 0) return 0;
  return y0 | (y1 << 16);
}
