// INT 10h AH=10h (palette registers and the DAC, IBM VGA BIOS) and AH=0Bh (the CGA palette
// call), through the attribute controller and DAC ports like any program would use them.
// Tables come from and go to ES:DX.
import { io_read8, io_write8 } from "../core-as/bus/ports";
import { AL, AH, BL, BH, CL, CH, DH, BX, CX, DX, ES, r8, w8, r16, seg_lin, m8, s8, bda8, bda16 } from "./util";

function ar_write(i: u32, v: u32): void {
  io_read8(bda16(0x63) + 6); // reset the flip-flop (3DA / 3BA)
  io_write8(0x3c0, i & 0x1f);
  io_write8(0x3c0, v);
  io_write8(0x3c0, 0x20); // PAS back on: the display shows the palette again
}
function ar_read(i: u32): u32 {
  io_read8(bda16(0x63) + 6);
  io_write8(0x3c0, i & 0x1f);
  const v = io_read8(0x3c1);
  io_read8(bda16(0x63) + 6);
  io_write8(0x3c0, 0x20);
  return v;
}
function dac_write(i: u32, r: u32, g: u32, b: u32): void {
  io_write8(0x3c8, i & 0xff); io_write8(0x3c9, r); io_write8(0x3c9, g); io_write8(0x3c9, b);
}
function dac_read(i: u32): u32 {
  io_write8(0x3c7, i & 0xff);
  const r = io_read8(0x3c9), g = io_read8(0x3c9), b = io_read8(0x3c9);
  return r | (g << 8) | (b << 16);
}

export function int10_palette(): void {
  const es_dx = seg_lin(ES, r16(DX));
  switch (r8(AL)) {
    case 0x00: ar_write(r8(BL), r8(BH)); break;
    case 0x01: ar_write(0x11, r8(BH)); break;
    case 0x02:
      for (let i: u32 = 0; i < 16; i++) ar_write(i, m8(es_dx + i));
      ar_write(0x11, m8(es_dx + 16));
      break;
    case 0x03: { // AR10 bit 3: blink (BL=1) or background intensity (BL=0)
      const m = ar_read(0x10);
      ar_write(0x10, r8(BL) != 0 ? m | 8 : m & ~8);
      break;
    }
    case 0x07: w8(BH, ar_read(r8(BL))); break;
    case 0x08: w8(BH, ar_read(0x11)); break;
    case 0x09:
      for (let i: u32 = 0; i < 16; i++) s8(es_dx + i, ar_read(i));
      s8(es_dx + 16, ar_read(0x11));
      break;
    case 0x10: dac_write(r16(BX), r8(DH), r8(CH), r8(CL)); break;
    case 0x12: {
      const first = r16(BX), n = r16(CX);
      for (let i: u32 = 0; i < n && first + i < 256; i++) dac_write(first + i, m8(es_dx + i * 3), m8(es_dx + i * 3 + 1), m8(es_dx + i * 3 + 2));
      break;
    }
    case 0x13: { // colour page: BL=0 paging mode (AR10 bit 7) from BH, BL=1 page BH (AR14)
      const m = ar_read(0x10);
      if (r8(BL) == 0) ar_write(0x10, r8(BH) != 0 ? m | 0x80 : m & 0x7f);
      else ar_write(0x14, (m & 0x80) != 0 ? r8(BH) & 0x0f : (r8(BH) & 3) << 2);
      break;
    }
    case 0x15: { const v = dac_read(r16(BX)); w8(DH, v & 0xff); w8(CH, (v >> 8) & 0xff); w8(CL, v >> 16); break; }
    case 0x17: {
      const first = r16(BX), n = r16(CX);
      for (let i: u32 = 0; i < n && first + i < 256; i++) {
        const v = dac_read(first + i);
        s8(es_dx + i * 3, v & 0xff); s8(es_dx + i * 3 + 1, (v >> 8) & 0xff); s8(es_dx + i * 3 + 2, v >> 16);
      }
      break;
    }
    case 0x18: io_write8(0x3c6, r8(BL)); break;
    case 0x19: w8(BL, io_read8(0x3c6)); break;
    case 0x1a: {
      const m = ar_read(0x10), cs = ar_read(0x14);
      w8(BL, m >> 7);
      w8(BH, (m & 0x80) != 0 ? cs & 0x0f : (cs >> 2) & 3);
      break;
    }
    case 0x1b: { // sum to grey shades: 30% red + 59% green + 11% blue
      const first = r16(BX), n = r16(CX);
      for (let i: u32 = 0; i < n && first + i < 256; i++) {
        const v = dac_read(first + i);
        const y = ((v & 0xff) * 77 + ((v >> 8) & 0xff) * 151 + (v >> 16) * 28 + 0x80) >> 8;
        dac_write(first + i, y, y, y);
      }
      break;
    }
    default: break;
  }
}

// AH=0Bh: BH=0 background/border colour BL (graphics: palette entry 0 and the overscan; text:
// the border), BH=1 CGA palette BL (0 green/red/brown, 1 cyan/magenta/white) in modes 4/5.
export function int10_cga_palette(): void {
  const m = bda8(0x49);
  const text = m <= 3 || m == 7;
  const bl = r8(BL);
  if (r8(BH) == 0) {
    const c: u32 = (bl & 7) | ((bl & 0x10) != 0 ? 0x10 : 0) | ((bl & 8) != 0 ? 0x10 : 0);
    ar_write(0x11, c);
    if (!text) ar_write(0, c);
    // the intensity bit of BL selects the bright set of palette 1/2 (CGA port 3D9 bit 4)
    if (m == 4 || m == 5) {
      const pal = (ar_read(1) & 1) != 0 ? 1 : 0;
      for (let i: u32 = 1; i < 4; i++) ar_write(i, i * 2 + pal + ((bl & 0x10) != 0 ? 0x10 : 0));
    }
  } else if (m == 4 || m == 5) {
    const bright: u32 = (ar_read(1) & 0x10) != 0 ? 0x10 : 0;
    for (let i: u32 = 1; i < 4; i++) ar_write(i, (i * 2 + (bl & 1)) | bright);
  }
}
