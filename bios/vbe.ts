// INT 10h AH=4Fh: VESA BIOS Extension 3.0 (VBE Core Functions Standard 3.0) over the Bochs
// VBE registers (devices/vbe.ts): 4F00h controller information, 4F01h mode information,
// 4F02h/4F03h set/get mode (bit 14 linear framebuffer, bit 15 keep memory), 4F04h state
// save/restore (video_state.ts), 4F05h bank window, 4F06h logical line length, 4F07h display
// start, 4F08h DAC width, 4F09h palette data, 4F0Ah the protected-mode interface (32-bit code
// in the ROM at F000:3E00, bios/rom/bios.asm, for functions 5, 7 and 9).
// AX returns 004Fh on success, 014Fh on failure (VBE 3.0 §4.2).
//
// The mode list: the VESA numbers for 8/15/16/24 bpp and the Bochs/QEMU numbers for 32 bpp,
// each offered only when it fits in VRAM. Every mode has a linear framebuffer at the PCI
// VGA's BAR0 and a 64 KiB window A at A000h with 64 KiB granularity.
import { io_read8, io_write8, io_read16, io_write16 } from "../core-as/bus/ports";
import { pci_vga_bar0 } from "../devices/pci";
import { VRAM_BYTES } from "../devices/vbe";
import { vga_load_dac_256 } from "../devices/vga_mode";
import { AL, AH, BL, BH, AX, BX, CX, DX, DI, ES, r8, w8, r16, w16, r32, w32, seg_lin, set_sreg, m8, s8, s16, s32, m16, m32 } from "./util";

// The protected-mode table and code of 4F0Ah in bios.asm (segment F000)
const ROM_VBE_PM: u32 = 0x3e00;
import { state_size, state_save, state_restore } from "./video_state";

// number, width, height, bits per pixel
const MODES: usize = memory.data<u16>([
  0x100, 640, 400, 8, 0x101, 640, 480, 8, 0x103, 800, 600, 8, 0x105, 1024, 768, 8, 0x107, 1280, 1024, 8,
  0x10d, 320, 200, 15, 0x10e, 320, 200, 16, 0x10f, 320, 200, 24,
  0x110, 640, 480, 15, 0x111, 640, 480, 16, 0x112, 640, 480, 24,
  0x113, 800, 600, 15, 0x114, 800, 600, 16, 0x115, 800, 600, 24,
  0x116, 1024, 768, 15, 0x117, 1024, 768, 16, 0x118, 1024, 768, 24,
  0x119, 1280, 1024, 15, 0x11a, 1280, 1024, 16, 0x11b, 1280, 1024, 24,
  0x140, 320, 200, 32, 0x141, 640, 400, 32, 0x142, 640, 480, 32, 0x143, 800, 600, 32,
  0x144, 1024, 768, 32, 0x145, 1280, 1024, 32, 0x146, 320, 200, 8, 0x147, 1600, 1200, 32,
  0x148, 1152, 864, 8, 0x14c, 1152, 864, 32, 0x17f, 1920, 1080, 16, 0x180, 1920, 1080, 32,
  0x181, 1920, 1200, 32, 0x182, 2560, 1600, 32,
]);
const NMODES: u32 = 40;

// The OEM strings of 4F00h, NUL-separated: OEM, vendor, product, revision
const OEM: usize = memory.data<u8>([
  0x74, 0x61, 0x62, 0x38, 0x36, 0x20, 0x56, 0x42, 0x45, 0, // "tab86 VBE"
  0x74, 0x61, 0x62, 0x38, 0x36, 0, // "tab86"
  0x42, 0x6f, 0x63, 0x68, 0x73, 0x20, 0x56, 0x42, 0x45, 0, // "Bochs VBE"
  0x31, 0x2e, 0x30, 0, // "1.0"
]);
const OEM_LEN: u32 = 36;

// The current VBE mode number with its bit 14 (0 while a VGA mode is set), in the EBDA
// (9FC0:0100), which POST clears.
const CUR_MODE: u32 = 0x9fc00 + 0x100;

function bytes_pp(bpp: u32): u32 { return bpp == 32 ? 4 : bpp == 24 ? 3 : bpp >= 15 ? 2 : 1; }
function vram(): u32 { return load<u32>(VRAM_BYTES); }

// The MODES entry of mode n if it exists and fits in VRAM, else 0.
function find(n: u32): usize {
  for (let i: u32 = 0; i < NMODES; i++) {
    const e = MODES + i * 8;
    if (<u32>load<u16>(e) != n) continue;
    const w: u32 = load<u16>(e + 2), h: u32 = load<u16>(e + 4), b: u32 = load<u16>(e + 6);
    return w * h * bytes_pp(b) <= vram() ? e : 0;
  }
  return 0;
}

function dispi_w(i: u32, v: u32): void { io_write16(0x1ce, i); io_write16(0x1cf, v); }
function dispi_r(i: u32): u32 { io_write16(0x1ce, i); return io_read16(0x1cf); }

function controller_info(): void {
  const seg = (seg_lin(ES, 0) >> 4) & 0xffff, off = r16(DI);
  const buf = seg_lin(ES, off);
  const vbe2 = m32(buf) == 0x32454256; // "VBE2": the caller gave 512 bytes
  const len: u32 = vbe2 ? 512 : 256;
  for (let i: u32 = 0; i < len; i++) s8(buf + i, 0);
  s32(buf, 0x41534556); // "VESA"
  s16(buf + 4, 0x0300);
  s32(buf + 0x0a, 1); // capabilities: the DAC can be switched to 8 bits
  s16(buf + 0x12, vram() >> 16);
  s16(buf + 0x14, 0x0100);
  // the mode list in the reserved area (22h), then the strings
  let p = buf + 0x22;
  s16(buf + 0x0e, off + 0x22); s16(buf + 0x10, seg);
  for (let i: u32 = 0; i < NMODES; i++) {
    const n: u32 = load<u16>(MODES + i * 8);
    if (find(n) != 0) { s16(p, n); p += 2; }
  }
  s16(p, 0xffff); p += 2;
  let k: u32 = 0;
  for (let f: u32 = 0; f < 4; f++) {
    // far pointers at 06h (OEM), 16h (vendor), 1Ah (product), 1Eh (revision)
    const slot: u32 = f == 0 ? 0x06 : 0x12 + f * 4;
    s16(buf + slot, off + (p - buf)); s16(buf + slot + 2, seg);
    do { s8(p++, load<u8>(OEM + k)); } while (load<u8>(OEM + k++) != 0 && k < OEM_LEN);
  }
}

function mode_info(e: usize, buf: u32): void {
  for (let i: u32 = 0; i < 256; i++) s8(buf + i, 0);
  const w: u32 = load<u16>(e + 2), h: u32 = load<u16>(e + 4), bpp: u32 = load<u16>(e + 6);
  const pitch = w * bytes_pp(bpp);
  let pages = vram() / (pitch * h);
  pages = pages > 256 ? 255 : pages - 1;
  // supported, optional info, BIOS TTY output, colour, graphics, linear framebuffer
  s16(buf + 0x00, 0x009f);
  s8(buf + 0x02, 7); // window A: exists, readable, writable
  s16(buf + 0x04, 64); s16(buf + 0x06, 64); // granularity and size in KiB
  s16(buf + 0x08, 0xa000);
  s16(buf + 0x10, pitch);
  s16(buf + 0x12, w); s16(buf + 0x14, h);
  s8(buf + 0x16, 8); s8(buf + 0x17, 16);
  s8(buf + 0x18, 1); s8(buf + 0x19, bpp); s8(buf + 0x1a, 1);
  s8(buf + 0x1b, bpp == 8 ? 4 : 6); // packed pixel or direct colour
  s8(buf + 0x1d, pages);
  s8(buf + 0x1e, 1);
  // red, green, blue, reserved: mask size and field position
  let rs: u32 = 0, rp: u32 = 0, gs: u32 = 0, gp: u32 = 0, bs: u32 = 0, xs: u32 = 0, xp: u32 = 0;
  if (bpp == 15) { rs = 5; rp = 10; gs = 5; gp = 5; bs = 5; xs = 1; xp = 15; }
  else if (bpp == 16) { rs = 5; rp = 11; gs = 6; gp = 5; bs = 5; }
  else if (bpp >= 24) { rs = 8; rp = 16; gs = 8; gp = 8; bs = 8; if (bpp == 32) { xs = 8; xp = 24; } }
  s8(buf + 0x1f, rs); s8(buf + 0x20, rp); s8(buf + 0x21, gs); s8(buf + 0x22, gp);
  s8(buf + 0x23, bs); s8(buf + 0x24, 0); s8(buf + 0x25, xs); s8(buf + 0x26, xp);
  s32(buf + 0x28, pci_vga_bar0());
  s16(buf + 0x32, pitch);
  s8(buf + 0x34, pages); s8(buf + 0x35, pages);
  s8(buf + 0x36, rs); s8(buf + 0x37, rp); s8(buf + 0x38, gs); s8(buf + 0x39, gp);
  s8(buf + 0x3a, bs); s8(buf + 0x3b, 0); s8(buf + 0x3c, xs); s8(buf + 0x3d, xp);
  s32(buf + 0x3e, 0);
}

// 4F02h for a VBE mode (the INT 10h dispatcher sends VGA mode numbers to the VGA mode set).
function set_mode(bx: u32): bool {
  const e = find(bx & 0x1ff);
  if (e == 0) return false;
  const bpp: u32 = load<u16>(e + 6);
  dispi_w(4, 0);
  dispi_w(1, load<u16>(e + 2));
  dispi_w(2, load<u16>(e + 4));
  dispi_w(3, bpp);
  dispi_w(4, 0x01 | ((bx & 0x4000) != 0 ? 0x40 : 0) | ((bx & 0x8000) != 0 ? 0x80 : 0));
  if (bpp == 8) vga_load_dac_256();
  s16(CUR_MODE, bx & 0x41ff);
  return true;
}

// Leave a VBE mode (a VGA mode is being set).
export function vbe_disable(): void {
  if ((dispi_r(4) & 1) != 0) dispi_w(4, 0);
  s16(CUR_MODE, 0);
}

export function int10_vbe(): void {
  const al = r8(AL);
  let ok = true;
  switch (al) {
    case 0x00: controller_info(); break;
    case 0x01: {
      const e = find(r16(CX) & 0x1ff);
      if (e == 0) { ok = false; break; }
      mode_info(e, seg_lin(ES, r16(DI)));
      break;
    }
    case 0x03: w16(BX, m16(CUR_MODE) != 0 ? m16(CUR_MODE) : 3); break;
    case 0x04: {
      const parts = r16(CX) & 0x0f, buf = seg_lin(ES, r16(BX));
      const dl = r8(2); // DL
      if (dl == 0) w16(BX, state_size(parts));
      else if (dl == 1) state_save(buf, parts);
      else if (dl == 2) state_restore(buf, parts);
      else ok = false;
      break;
    }
    case 0x05: {
      if (r8(BL) != 0) { ok = false; break; } // only window A
      if (r8(BH) == 0) {
        if (r16(DX) >= (vram() >> 16)) { ok = false; break; }
        dispi_w(5, r16(DX));
      } else if (r8(BH) == 1) w16(DX, dispi_r(5));
      else ok = false;
      break;
    }
    case 0x06: {
      const bl = r8(BL);
      const bpp = dispi_r(3), bpb = bytes_pp(bpp);
      if (bl == 0) dispi_w(6, r16(CX));
      else if (bl == 2) dispi_w(6, r16(CX) / bpb);
      else if (bl == 3) { w16(BX, 0xffff); w16(CX, (0xffff / bpb) & 0xffff); w16(DX, vram() / 0xffff); break; }
      else if (bl != 1) { ok = false; break; }
      const vw = dispi_r(6);
      w16(BX, vw * bpb); w16(CX, vw); w16(DX, dispi_r(7));
      break;
    }
    case 0x07: {
      const bl = r8(BL) & 0x7f;
      if (bl == 0) { dispi_w(8, r16(CX)); dispi_w(9, r16(DX)); }
      else if (bl == 1) { w8(BH, 0); w16(CX, dispi_r(8)); w16(DX, dispi_r(9)); }
      else if (bl == 2) { // VBE 3.0: ECX = start address in bytes
        const line = dispi_r(6) * bytes_pp(dispi_r(3));
        const a = r32(CX);
        if (line == 0) { ok = false; break; }
        dispi_w(9, a / line); dispi_w(8, (a % line) / bytes_pp(dispi_r(3)));
      } else if (bl == 4) w16(CX, 0); // the scheduled flip has happened
      else ok = false;
      break;
    }
    case 0x08: {
      if (r8(BL) == 0) {
        const en = dispi_r(4);
        dispi_w(4, r8(BH) >= 8 ? en | 0x20 : en & ~0x20);
      } else if (r8(BL) != 1) { ok = false; break; }
      w8(BH, (dispi_r(4) & 0x20) != 0 ? 8 : 6);
      break;
    }
    case 0x09: {
      const bl = r8(BL) & 0x7f, first = r16(DX), n = r16(CX);
      const buf = seg_lin(ES, r16(DI));
      if (bl == 0) {
        for (let i: u32 = 0; i < n && first + i < 256; i++) {
          io_write8(0x3c8, first + i);
          io_write8(0x3c9, m8(buf + i * 4 + 2)); io_write8(0x3c9, m8(buf + i * 4 + 1)); io_write8(0x3c9, m8(buf + i * 4));
        }
      } else if (bl == 1) {
        for (let i: u32 = 0; i < n && first + i < 256; i++) {
          io_write8(0x3c7, first + i);
          const r = io_read8(0x3c9), g = io_read8(0x3c9), b = io_read8(0x3c9);
          s8(buf + i * 4, b); s8(buf + i * 4 + 1, g); s8(buf + i * 4 + 2, r); s8(buf + i * 4 + 3, 0);
        }
      } else ok = false;
      break;
    }
    case 0x0a:
      if (r8(BL) != 0) { ok = false; break; }
      set_sreg(ES, 0xf000);
      w16(DI, ROM_VBE_PM);
      w16(CX, 0x100);
      break;
    default: ok = false; break;
  }
  w8(AL, 0x4f);
  w8(AH, ok ? 0 : 1);
}

// 4F02h: returns true when BX named a VBE mode (set or failed); false for a VGA mode number,
// which the caller sets through the VGA path.
export function vbe_set_mode_call(): bool {
  const bx = r16(BX);
  if ((bx & 0x1ff) < 0x100) return false;
  w8(AL, 0x4f);
  w8(AH, set_mode(bx) ? 0 : 1);
  return true;
}
