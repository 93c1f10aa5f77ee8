// The VGA's video memory as the CPU sees it (IBM VGA technical reference, "Graphics Controller
// Registers"; FreeVGA "VGA memory organization" and "Read/Write modes"): the memory map select
// window (GR6 bits 2-3: A0000 128K, A0000 64K, B0000 32K, B8000 32K), the sequencer's
// addressing (chain 4, odd/even, planar with the map mask), the four latches that every read
// loads, read modes 0/1 and write modes 0-3 with set/reset, rotate, the logical operation and
// the bit mask. While the Bochs VBE is enabled the A0000 64K window shows a bank of VRAM
// instead (vbe.ts).
//
// Every plane write marks its 64-byte block in PLANE_DIRTY (a bit per block), so vga_render.ts
// redraws only the lines that read a written block.
import { VGA_MEM } from "../core-as/state";
import { MISC, LATCHES, PLANE_SIZE, seq, gc, vga_mark_dirty } from "./vga";
import { vbe_enabled, vbe_bank_read8, vbe_bank_write8 } from "./vbe";

const LATCH: u32 = LATCHES;
@inline function plane(p: u32): u32 { return VGA_MEM + p * PLANE_SIZE; }

// The offset of physical address p in the selected window, or -1 outside it (or memory off).
@inline function window_offset(p: u32): i32 {
  if ((load<u8>(MISC) & 2) == 0) return -1; // RAM enable off
  switch ((gc(6) >> 2) & 3) {
    case 0: return <i32>(p - 0xa0000);
    case 1: return p < 0xb0000 ? <i32>(p - 0xa0000) : -1;
    case 2: return p >= 0xb0000 && p < 0xb8000 ? <i32>(p - 0xb0000) : -1;
    default: return p >= 0xb8000 ? <i32>(p - 0xb8000) : -1;
  }
}

export function vga_mem_read8(p: u32): u32 {
  if (vbe_enabled()) return p < 0xb0000 ? vbe_bank_read8(p) : 0xff;
  const off = window_offset(p);
  if (off < 0) return 0xff;
  const o = <u32>off;
  let addr: u32, pl: u32;
  if ((seq(4) & 8) != 0) { pl = o & 3; addr = o & ~3; } // chain 4
  else if ((gc(5) & 0x10) != 0) { pl = (gc(4) & 2) | (o & 1); addr = o & ~1; } // odd/even
  else { pl = gc(4) & 3; addr = o; }
  addr &= 0xffff;
  for (let i: u32 = 0; i < 4; i++) store<u8>(LATCH + i, load<u8>(plane(i) + addr));
  if ((gc(5) & 8) == 0) return load<u8>(LATCH + pl); // read mode 0
  // read mode 1: a 1 for each pixel whose colour matches the colour compare register in the
  // planes selected by colour don't care
  const cc = gc(2), dc = gc(7);
  let diff: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    if ((dc >> i) & 1) diff |= load<u8>(LATCH + i) ^ (((cc >> i) & 1) != 0 ? 0xff : 0);
  }
  return ~diff & 0xff;
}

@inline function alu(d: u32, latch: u32): u32 {
  switch ((gc(3) >> 3) & 3) {
    case 1: return d & latch;
    case 2: return d | latch;
    case 3: return d ^ latch;
    default: return d;
  }
}

export function vga_mem_write8(p: u32, v: u32): void {
  if (vbe_enabled()) { if (p < 0xb0000) vbe_bank_write8(p, v); return; }
  const off = window_offset(p);
  if (off < 0) return;
  const o = <u32>off;
  let addr: u32, planes: u32 = seq(2) & 0x0f;
  if ((seq(4) & 8) != 0) { planes &= 1 << (o & 3); addr = o & ~3; } // chain 4
  else if ((seq(4) & 4) == 0) { planes &= (o & 1) != 0 ? 0x0a : 0x05; addr = o & ~1; } // odd/even
  else addr = o;
  if (planes == 0) return;
  addr &= 0xffff;
  const mode = gc(5) & 3;
  const rot = gc(3) & 7;
  const rv = ((v >> rot) | (v << (8 - rot))) & 0xff;
  const sr = gc(0), esr = gc(1);
  vga_mark_dirty(addr);
  let mask = gc(8);
  if (mode == 3) mask &= rv;
  for (let i: u32 = 0; i < 4; i++) {
    if (((planes >> i) & 1) == 0) continue;
    const latch: u32 = load<u8>(LATCH + i);
    let d: u32;
    if (mode == 1) { store<u8>(plane(i) + addr, latch); continue; }
    if (mode == 0) d = ((esr >> i) & 1) != 0 ? (((sr >> i) & 1) != 0 ? 0xff : 0) : rv;
    else if (mode == 2) d = ((v >> i) & 1) != 0 ? 0xff : 0;
    else d = ((sr >> i) & 1) != 0 ? 0xff : 0;
    d = alu(d, latch);
    store<u8>(plane(i) + addr, (d & mask) | (latch & ~mask));
  }
}
