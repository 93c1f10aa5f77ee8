// IBM VGA: the registers (sequencer, graphics controller, attribute controller, CRTC, DAC,
// general registers) at 0x3B0-0x3DF and the timing of the status bits. Register semantics from
// the IBM VGA technical reference (and FreeVGA's notes on it). The CPU's accesses to video
// memory (0xA0000-0xBFFFF, the graphics controller's read and write modes) are vga_gc.ts; the
// display side (what the host shows) is vga_render.ts; the Bochs VBE registers at 0x1CE/0x1CF,
// which share this device's port id, are vbe.ts.
//
// Video memory: VGA_MEM holds the four 64 KiB planes one after the other (plane p at
// VGA_MEM + p * 0x10000). In the text modes characters are in plane 0 and attributes in plane 1
// (odd/even: even CPU addresses go to planes 0/2, odd ones to planes 1/3, both at the even plane
// address), and the fonts are in plane 2 at 32 bytes per character.
//
// Stored only (no effect yet): the sequencer reset register (SR0), GR6 bit 1 (chain odd/even,
// the EGA 64K trick), misc bit 5 (odd/even page select), the feature control and video
// subsystem enable registers; the vertical retrace interrupt (CR11 bits 4-5, IRQ 2) is not
// raised. Input status 0 reads 10h (switch sense high: a colour monitor is attached).
//
// State block DEV_VGA (0x800 bytes):
//   +0x000 u8  MISC          miscellaneous output (write 3C2, read 3CC)
//   +0x001 u8  SEQ_INDEX
//   +0x002 u8  GC_INDEX
//   +0x003 u8  CRTC_INDEX
//   +0x004 u8  ATTR_INDEX    bits 0-4 index, bit 5 palette address source (PAS)
//   +0x005 u8  ATTR_FF       0: the next 3C0 write is an index, 1: data
//   +0x006 u8  DAC_STATE     0: the DAC was last given a write index (3C8), 3: a read index (3C7)
//   +0x007 u8  DAC_WINDEX    write index (3C8)
//   +0x008 u8  DAC_RINDEX    read index (3C7)
//   +0x009 u8  DAC_SUB       which component (0 red, 1 green, 2 blue) the next 3C9 access is
//   +0x00A u8  PEL_MASK      3C6
//   +0x00B u8  FEATURE       feature control (write 3DA/3BA, read 3CA)
//   +0x00C u8  DAC_LATCH[3]  the components written so far for the write index
//   +0x00F u8  VSE           video subsystem enable (3C3) bit 0
//   +0x010 u8  LATCH[4]      the four plane latches loaded by every CPU read
//   +0x020 u8  SEQ[8]        sequencer registers 0-4
//   +0x030 u8  GC[16]        graphics controller registers 0-8
//   +0x040 u8  CRTC[32]      CRTC registers 0x00-0x18
//   +0x060 u8  ATTR[32]      attribute controller registers 0x00-0x14
//   +0x100 u8  DAC[256*3]    the DAC's red, green, blue per colour: 6 bits, or 8 with the VBE 8-bit DAC
//   +0x400 u8  PLANE_DIRTY[128]  a bit per 64-byte block of plane offsets: written since the last render
//   +0x500 u32 FULL          nonzero: a register changed, the next render redraws everything
//   +0x504 u32 LAST_*        what the last render drew (vga_render.ts)
//   +0x700 u32 screen info written by vga_render() (vga_render.ts)
import { DEV_VGA, VGA_MEM } from "../core-as/state";
import { port_claim, PORT_DEV_VGA } from "../core-as/bus/ports";
import { mmio_claim, MMIO_VGA } from "../core-as/bus/mmio";
import { clock_now } from "../core-as/time";
import { FONT_8X16 } from "./vga_font";
import { vbe_init, vbe_read, vbe_write, vbe_dac8 } from "./vbe";

export const MISC: u32 = DEV_VGA + 0x000;
const SEQ_INDEX: u32 = DEV_VGA + 0x001;
const GC_INDEX: u32 = DEV_VGA + 0x002;
const CRTC_INDEX: u32 = DEV_VGA + 0x003;
export const ATTR_INDEX: u32 = DEV_VGA + 0x004;
const ATTR_FF: u32 = DEV_VGA + 0x005;
const DAC_STATE: u32 = DEV_VGA + 0x006;
const DAC_WINDEX: u32 = DEV_VGA + 0x007;
const DAC_RINDEX: u32 = DEV_VGA + 0x008;
const DAC_SUB: u32 = DEV_VGA + 0x009;
export const PEL_MASK: u32 = DEV_VGA + 0x00a;
const FEATURE: u32 = DEV_VGA + 0x00b;
const DAC_LATCH: u32 = DEV_VGA + 0x00c;
const VSE: u32 = DEV_VGA + 0x00f;
const LATCH: u32 = DEV_VGA + 0x010;
export const SEQ: u32 = DEV_VGA + 0x020;
export const GC: u32 = DEV_VGA + 0x030;
export const CRTC: u32 = DEV_VGA + 0x040;
export const ATTR: u32 = DEV_VGA + 0x060;
export const DAC: u32 = DEV_VGA + 0x100;
export const PLANE_SIZE: u32 = 0x10000;
export const PLANE_DIRTY: u32 = DEV_VGA + 0x400;
export const VGA_FULL: u32 = DEV_VGA + 0x500;
export const LATCHES: u32 = LATCH;

// Plane offset off (any plane) was written: the renderer redraws the lines that read it.
@inline export function vga_mark_dirty(off: u32): void {
  const a = PLANE_DIRTY + ((off & 0xffff) >> 9);
  store<u8>(a, <u32>load<u8>(a) | (<u32>1 << ((off >> 6) & 7)));
}

// Writable bits of each register (bits outside read back as 0). Sequencer registers 5-7,
// graphics registers 9-15 and CRTC registers 0x19-0x1F do not exist: they read 0.
const SEQ_MASK: u32 = memory.data<u8>([0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0, 0, 0]);
const GC_MASK: u32 = memory.data<u8>([0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff, 0, 0, 0, 0, 0, 0, 0]);
const CRTC_MASK: u32 = memory.data<u8>([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0x3f, 0x7f, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xef, 0xff, 0, 0, 0, 0, 0, 0, 0,
]);
const ATTR_MASK_HI: u32 = memory.data<u8>([0xef, 0xff, 0x3f, 0x0f, 0x0f]); // 0x10-0x14; 0x00-0x0F: 0x3F

// The register values of BIOS mode 3 (80x25 text, 720x400 at 70 Hz), loaded at power-on so the
// machine shows text before a BIOS sets a mode (IBM VGA technical reference, mode 3+ table).
const MODE3_SEQ: u32 = memory.data<u8>([0x03, 0x00, 0x03, 0x00, 0x02]);
const MODE3_GC: u32 = memory.data<u8>([0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x0f, 0xff]);
const MODE3_CRTC: u32 = memory.data<u8>([
  0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00,
  0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
]);
const MODE3_ATTR: u32 = memory.data<u8>([
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
  0x0c, 0x00, 0x0f, 0x08, 0x00,
]);

@inline export function seq(i: u32): u32 { return load<u8>(SEQ + i); }
@inline export function gc(i: u32): u32 { return load<u8>(GC + i); }
@inline export function crtc(i: u32): u32 { return load<u8>(CRTC + i); }
@inline function plane(p: u32): u32 { return VGA_MEM + p * PLANE_SIZE; }

export function vga_init(): void {
  memory.fill(DEV_VGA, 0, 0x800);
  memory.fill(VGA_MEM, 0, 4 * PLANE_SIZE);
  store<u8>(MISC, 0x67);
  store<u8>(PEL_MASK, 0xff);
  store<u8>(VSE, 1);
  memory.copy(SEQ, MODE3_SEQ, 5);
  memory.copy(GC, MODE3_GC, 9);
  memory.copy(CRTC, MODE3_CRTC, 25);
  memory.copy(ATTR, MODE3_ATTR, 21);
  store<u8>(ATTR_INDEX, 0x20);
  // the 16 EGA colours in the first DAC entries (6-bit components), the rest black
  for (let i: u32 = 0; i < 64; i++) {
    const hi: u32 = 0x2a, lo: u32 = 0x15;
    let r: u32 = (i & 4) != 0 ? hi : 0, g: u32 = (i & 2) != 0 ? hi : 0, b: u32 = (i & 1) != 0 ? hi : 0;
    if ((i & 0x20) != 0) r += lo;
    if ((i & 0x10) != 0) g += lo;
    if ((i & 0x08) != 0) b += lo;
    store<u8>(DAC + i * 3, r);
    store<u8>(DAC + i * 3 + 1, g);
    store<u8>(DAC + i * 3 + 2, b);
  }
  // the 8x16 font in plane 2, map 0 (what a BIOS does at a mode 3 set)
  for (let c: u32 = 0; c < 256; c++) memory.copy(plane(2) + c * 32, FONT_8X16 + c * 16, 16);
  store<u32>(VGA_FULL, 1);
  port_claim(0x3b0, 0x30, PORT_DEV_VGA);
  mmio_claim(0xa0000, 0x20000, MMIO_VGA);
  vbe_init();
}

// ---- timing (input status 1): computed from the CRTC registers and the virtual clock

// Nanoseconds per character clock x 1000 (picoseconds), from the dot clock (misc bits 2-3:
// 25.175 or 28.322 MHz), the character width (SR1 bit 0) and the dot clock divider (SR1 bit 3).
function char_ps(): u64 {
  const clk: u64 = (load<u8>(MISC) & 0x0c) == 0x04 ? 28322 : 25175; // kHz
  let dots: u64 = (seq(1) & 1) != 0 ? 8 : 9;
  if ((seq(1) & 8) != 0) dots *= 2;
  return dots * 1000000000 / clk; // ps
}

export function h_total(): u32 { return crtc(0) + 5; }
export function v_total(): u32 {
  const o = crtc(7);
  return (crtc(6) | ((o & 1) << 8) | ((o & 0x20) << 4)) + 2;
}
export function v_display(): u32 {
  const o = crtc(7);
  return (crtc(0x12) | ((o & 2) << 7) | ((o & 0x40) << 3)) + 1;
}
function v_retrace_start(): u32 {
  const o = crtc(7);
  return crtc(0x10) | ((o & 4) << 6) | ((o & 0x80) << 2);
}

// The frame number and position in it now: returns the line; sets POS_IN_LINE (character clocks).
let POS_IN_LINE: u32 = 0;
export let FRAME_NO: u64 = 0;
function scan_position(): u32 {
  const line_ps: u64 = char_ps() * <u64>h_total();
  const frame_ps: u64 = line_ps * <u64>v_total();
  const t: u64 = clock_now() * 1000;
  FRAME_NO = t / frame_ps;
  const in_frame = t % frame_ps;
  POS_IN_LINE = <u32>((in_frame % line_ps) / char_ps());
  return <u32>(in_frame / line_ps);
}

// Input status 1: bit 0 = display disabled (horizontal or vertical blanking interval), bit 3 =
// vertical retrace. Bits 4-5 are diagnostic (colour plane outputs selected by AR12): 0 here.
function input_status_1(): u32 {
  const line = scan_position();
  const vrs = v_retrace_start();
  let vlen = ((crtc(0x11) & 0x0f) - (vrs & 0x0f)) & 0x0f;
  if (vlen == 0) vlen = 16;
  let v: u32 = 0;
  if (line >= vrs && line < vrs + vlen) v |= 8;
  if (line >= v_display() || POS_IN_LINE >= crtc(1) + 1) v |= 1;
  return v;
}

// Updates FRAME_NO (the renderer's blink phase) from the clock.
export function vga_frame(): void { scan_position(); }

// ---- ports

@inline function color_crtc(): bool { return (load<u8>(MISC) & 1) != 0; }

export function vga_read8(port: u32): u32 {
  if (port < 0x3b0) return vbe_read(port) & 0xff;
  // the CRTC and status ports answer at 3Dx (colour) or 3Bx (mono) only
  if ((port >= 0x3b0 && port <= 0x3bf && color_crtc()) || (port >= 0x3d0 && port <= 0x3df && !color_crtc())) return 0xff;
  switch (port) {
    case 0x3b4: case 0x3d4: return load<u8>(CRTC_INDEX);
    case 0x3b5: case 0x3d5: {
      const i = load<u8>(CRTC_INDEX);
      return crtc(i) & load<u8>(CRTC_MASK + i);
    }
    case 0x3ba: case 0x3da:
      store<u8>(ATTR_FF, 0);
      return input_status_1();
    case 0x3c0: return load<u8>(ATTR_INDEX);
    case 0x3c1: {
      const i: u32 = load<u8>(ATTR_INDEX) & 0x1f;
      return i <= 0x14 ? load<u8>(ATTR + i) : 0;
    }
    case 0x3c2: return 0x10; // input status 0: switch sense high (a colour monitor), no retrace interrupt
    case 0x3c3: return load<u8>(VSE);
    case 0x3c4: return load<u8>(SEQ_INDEX);
    case 0x3c5: return seq(load<u8>(SEQ_INDEX));
    case 0x3c6: return load<u8>(PEL_MASK);
    case 0x3c7: return load<u8>(DAC_STATE);
    case 0x3c8: return load<u8>(DAC_WINDEX);
    case 0x3c9: {
      const idx: u32 = load<u8>(DAC_RINDEX);
      let sub: u32 = load<u8>(DAC_SUB);
      const v: u32 = load<u8>(DAC + idx * 3 + sub);
      if (++sub == 3) { sub = 0; store<u8>(DAC_RINDEX, idx + 1); }
      store<u8>(DAC_SUB, sub);
      return v;
    }
    case 0x3ca: return load<u8>(FEATURE);
    case 0x3cc: return load<u8>(MISC);
    case 0x3ce: return load<u8>(GC_INDEX);
    case 0x3cf: return gc(load<u8>(GC_INDEX));
    default: return 0xff;
  }
}

export function vga_write8(port: u32, v: u32): void {
  if (port < 0x3b0) { vbe_write(port, v); return; }
  // any data register may change the picture; index writes cannot (vga_render.ts then
  // redraws everything once instead of only the lines whose memory was written)
  if (port != 0x3b4 && port != 0x3d4 && port != 0x3c4 && port != 0x3ce && port != 0x3c7 && port != 0x3c8) store<u32>(VGA_FULL, 1);
  if ((port >= 0x3b0 && port <= 0x3bf && color_crtc()) || (port >= 0x3d0 && port <= 0x3df && !color_crtc())) return;
  switch (port) {
    case 0x3b4: case 0x3d4: store<u8>(CRTC_INDEX, v & 0x1f); return;
    case 0x3b5: case 0x3d5: {
      const i: u32 = load<u8>(CRTC_INDEX);
      // CR11 bit 7 protects CR00-CR07, except the line compare bit 8 in CR07 (bit 4)
      if (i <= 7 && (crtc(0x11) & 0x80) != 0) {
        if (i == 7) store<u8>(CRTC + 7, (crtc(7) & ~0x10) | (v & 0x10));
        return;
      }
      store<u8>(CRTC + i, v & load<u8>(CRTC_MASK + i));
      return;
    }
    case 0x3ba: case 0x3da: store<u8>(FEATURE, v & 0x0b); return;
    case 0x3c0: {
      if (load<u8>(ATTR_FF) == 0) {
        store<u8>(ATTR_INDEX, v & 0x3f);
      } else {
        const i: u32 = load<u8>(ATTR_INDEX) & 0x1f;
        if (i < 0x10) store<u8>(ATTR + i, v & 0x3f);
        else if (i <= 0x14) store<u8>(ATTR + i, v & load<u8>(ATTR_MASK_HI + i - 0x10));
      }
      store<u8>(ATTR_FF, load<u8>(ATTR_FF) ^ 1);
      return;
    }
    case 0x3c2: store<u8>(MISC, v & 0xef); return;
    case 0x3c3: store<u8>(VSE, v & 1); return;
    case 0x3c4: store<u8>(SEQ_INDEX, v & 7); return;
    case 0x3c5: {
      const i: u32 = load<u8>(SEQ_INDEX);
      store<u8>(SEQ + i, v & load<u8>(SEQ_MASK + i));
      return;
    }
    case 0x3c6: store<u8>(PEL_MASK, v); return;
    case 0x3c7: store<u8>(DAC_RINDEX, v); store<u8>(DAC_SUB, 0); store<u8>(DAC_STATE, 3); return;
    case 0x3c8: store<u8>(DAC_WINDEX, v); store<u8>(DAC_SUB, 0); store<u8>(DAC_STATE, 0); return;
    case 0x3c9: {
      let sub: u32 = load<u8>(DAC_SUB);
      store<u8>(DAC_LATCH + sub, vbe_dac8() ? v : v & 0x3f); // 6-bit unless the VBE 8-bit DAC is on
      if (++sub == 3) {
        const idx: u32 = load<u8>(DAC_WINDEX);
        memory.copy(DAC + idx * 3, DAC_LATCH, 3);
        store<u8>(DAC_WINDEX, idx + 1);
        sub = 0;
      }
      store<u8>(DAC_SUB, sub);
      return;
    }
    case 0x3ce: store<u8>(GC_INDEX, v & 0x0f); return;
    case 0x3cf: {
      const i: u32 = load<u8>(GC_INDEX);
      store<u8>(GC + i, v & load<u8>(GC_MASK + i));
      return;
    }
    default: return;
  }
}

