// VGA graphics modes for vga_render.ts, drawn from the registers alone, so BIOS modes 4-6 and
// 0Dh-13h and tweaked modes (mode X, 320x400, 360x480, split screens, smooth scrolling) come out
// the same way (IBM VGA technical reference: CRTC, graphics controller mode register,
// attribute controller; FreeVGA "CRTC addressing").
//
// The CRTC walks memory a scan line at a time: the line's character row is its scan line
// divided by the character height (CR09 bits 0-4 + 1; every scan line twice with CR09 bit 7),
// its address start (CR0C:CR0D) + row * 2 * offset (CR13); the line compare (CR18 + CR07 bit 4
// + CR09 bit 6) restarts the address at 0 on the scan line after it (split screen). Each
// character clock reads one byte from each plane at the memory address, which is the CRTC
// address shifted as CR14 bit 6 (doubleword: << 2) and CR17 bit 6 (byte: as is; word: << 1 with
// bit 13 or 15, CR17 bit 5, into bit 0) say; with CR17 bit 0 (bit 1) clear, bit 13 (14) of it
// is the row scan counter's bit 0 (1): the CGA's (Hercules') interleaved scan lines.
// The four bytes become pixels by GR5:
//   bit 6 set    256 colours: 4 pixels, one byte from each plane in turn, through the DAC
//                (the attribute palette in between is identity in every BIOS mode and ignored)
//   bit 5 set    CGA 4 colours: 8 pixels of 2 bits, 4 from plane 0 then 4 from plane 1 (planes
//                2/3 give bits 2-3), through the attribute palette
//   else         16 colours: 8 pixels, plane p gives bit p, through the attribute palette
// The attribute controller's horizontal pel panning (AR13) shifts the picture left by 0-7
// pixels (256 colours: by AR13 / 2); AR10 bit 5 stops the panning below the split.
//
// The picture is reported at its logical resolution: scan lines that repeat the previous one
// (double scanning, a character height > 1 without CGA interleave) are drawn once, so mode 13h
// is 320x200, mode 12h 640x480, mode X 320x240.
import { FRAMEBUFFER, VGA_MEM } from "../core-as/state";
import { GC, ATTR, PLANE_SIZE, PLANE_DIRTY, crtc, v_display } from "./vga";
import { S_WIDTH, S_HEIGHT, S_COLS, S_ROWS, S_CUR_COL, S_CUR_ROW, COLORS16, PAL256 } from "./vga_render";

// The geometry of the current graphics mode (also used by vga_render to notice changes).
let SCAN_REPEAT: u32 = 1; // scan-counter lines drawn as one output line
export function gfx_geometry(): void {
  const mscan: u32 = crtc(9);
  const dbl: u32 = (mscan & 0x80) != 0 ? 2 : 1;
  const cr17: u32 = crtc(0x17);
  const char_h: u32 = (mscan & 0x1f) + 1;
  SCAN_REPEAT = (cr17 & 3) == 3 ? char_h : 1;
  const lines: u32 = v_display() / dbl;
  const chars: u32 = crtc(1) + 1;
  const c256 = (load<u8>(GC + 5) & 0x40) != 0;
  store<u32>(S_WIDTH, c256 ? chars * 4 : chars * 8);
  store<u32>(S_HEIGHT, lines / SCAN_REPEAT);
  store<u32>(S_COLS, 0);
  store<u32>(S_ROWS, 0);
  store<u32>(S_CUR_COL, 0xffffffff);
  store<u32>(S_CUR_ROW, 0xffffffff);
}

// The plane offset the CRTC reads for address ma on a line with row scan counter rs.
@inline function mem_offset(ma: u32, shift: u32, wrap_bit: u32, cr17: u32, rs: u32): u32 {
  let o: u32;
  if (shift == 2) o = ma << 2;
  else if (shift == 0) o = ma;
  else o = (ma << 1) | ((ma >> wrap_bit) & 1);
  if ((cr17 & 1) == 0) o = (o & ~0x2000) | ((rs & 1) << 13);
  if ((cr17 & 2) == 0) o = (o & ~0x4000) | ((rs & 2) << 13);
  return o & 0xffff;
}

// Whether any 64-byte block from offset a to offset b (inclusive, wrapping at 64K) was written.
function range_dirty(a: u32, b: u32): bool {
  let i = a >> 6;
  const last = b >> 6;
  for (let n: u32 = 0; n < 1024; n++) {
    if ((load<u8>(PLANE_DIRTY + (i >> 3)) & (1 << (i & 7))) != 0) return true;
    if (i == last) break;
    i = (i + 1) & 0x3ff;
  }
  return false;
}

// Draws the lines that changed (all of them when full). Returns y0 | y1 << 16, the range of
// lines redrawn.
export function render_gfx(full: bool): u32 {
  const width: u32 = load<u32>(S_WIDTH), height: u32 = load<u32>(S_HEIGHT);
  const mscan: u32 = crtc(9);
  const dbl: u32 = (mscan & 0x80) != 0 ? 2 : 1;
  const char_h: u32 = (mscan & 0x1f) + 1;
  const cr17: u32 = crtc(0x17);
  const gr5: u32 = load<u8>(GC + 5);
  const c256 = (gr5 & 0x40) != 0, cga = !c256 && (gr5 & 0x20) != 0;
  const chars: u32 = crtc(1) + 1;
  const start: u32 = (crtc(0x0c) << 8) | crtc(0x0d);
  const pitch: u32 = crtc(0x13) * 2;
  const shift: u32 = (crtc(0x14) & 0x40) != 0 ? 2 : (cr17 & 0x40) != 0 ? 0 : 1;
  const wrap_bit: u32 = (cr17 & 0x20) != 0 ? 15 : 13;
  const o7 = crtc(7);
  const line_compare: u32 = crtc(0x18) | ((o7 & 0x10) << 4) | ((mscan & 0x40) << 3);
  // the first scan-counter line below the split (line compare counts displayed scan lines)
  const split: u32 = (line_compare + 1) / dbl;
  let pan: u32 = load<u8>(ATTR + 0x13) & 0x0f;
  pan = c256 ? (pan >> 1) & 3 : pan & 7;
  const pan_split_reset = (load<u8>(ATTR + 0x10) & 0x20) != 0;
  const ppc: u32 = c256 ? 4 : 8; // pixels per character clock
  const nchars: u32 = pan != 0 ? chars + 1 : chars;
  let y0: u32 = 0xffff, y1: u32 = 0;
  for (let y: u32 = 0; y < height; y++) {
    let sl: u32 = y * SCAN_REPEAT; // scan-counter line
    let base = start;
    let p = pan;
    if (sl >= split) { sl -= split; base = 0; if (pan_split_reset) p = 0; }
    const row: u32 = sl / char_h, rs: u32 = sl % char_h;
    const a: u32 = base + row * pitch;
    if (!full) {
      const o0 = mem_offset(a, shift, wrap_bit, cr17, rs), o1 = mem_offset(a + nchars - 1, shift, wrap_bit, cr17, rs);
      if (!range_dirty(o0, shift == 2 ? (o1 + 3) & 0xffff : o1)) continue;
    }
    if (y < y0) y0 = y;
    y1 = y + 1;
    const line: u32 = FRAMEBUFFER + y * width * 4;
    if (p == 0 && c256) {
      // the common case (13h, mode X) without per-pixel bounds checks
      let px = line;
      for (let c: u32 = 0; c < chars; c++) {
        const o = VGA_MEM + mem_offset(a + c, shift, wrap_bit, cr17, rs);
        store<u32>(px, load<u32>(PAL256 + (<u32>load<u8>(o) << 2)));
        store<u32>(px + 4, load<u32>(PAL256 + (<u32>load<u8>(o + PLANE_SIZE) << 2)));
        store<u32>(px + 8, load<u32>(PAL256 + (<u32>load<u8>(o + 2 * PLANE_SIZE) << 2)));
        store<u32>(px + 12, load<u32>(PAL256 + (<u32>load<u8>(o + 3 * PLANE_SIZE) << 2)));
        px += 16;
      }
      continue;
    }
    let x: i32 = -<i32>p;
    for (let c: u32 = 0; c < nchars; c++) {
      const o = VGA_MEM + mem_offset(a + c, shift, wrap_bit, cr17, rs);
      const b0: u32 = load<u8>(o), b1: u32 = load<u8>(o + PLANE_SIZE);
      const b2: u32 = load<u8>(o + 2 * PLANE_SIZE), b3: u32 = load<u8>(o + 3 * PLANE_SIZE);
      for (let i: u32 = 0; i < ppc; i++, x++) {
        if (x < 0 || x >= <i32>width) continue;
        let rgba: u32;
        if (c256) {
          const v: u32 = i == 0 ? b0 : i == 1 ? b1 : i == 2 ? b2 : b3;
          rgba = load<u32>(PAL256 + v * 4);
        } else if (cga) {
          const s: u32 = 6 - 2 * (i & 3);
          const ci: u32 = i < 4 ? ((b0 >> s) & 3) | (((b2 >> s) & 3) << 2) : ((b1 >> s) & 3) | (((b3 >> s) & 3) << 2);
          rgba = load<u32>(COLORS16 + ci * 4);
        } else {
          const s: u32 = 7 - i;
          const ci: u32 = ((b0 >> s) & 1) | (((b1 >> s) & 1) << 1) | (((b2 >> s) & 1) << 2) | (((b3 >> s) & 1) << 3);
          rgba = load<u32>(COLORS16 + ci * 4);
        }
        store<u32>(line + (<u32>x) * 4, rgba);
      }
    }
  }
  if (y1 == 0) return 0;
  return y0 | (y1 << 16);
}
