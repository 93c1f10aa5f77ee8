// Bochs VBE ("DISPI") extensions of the standard VGA, as QEMU's stdvga and Bochs implement them
// (Bochs vbe.h / "VBE display interface" notes; QEMU hw/display/vga.c): an index register at
// port 0x1CE and a 16-bit data register at 0x1CF, a framebuffer of XRES x YRES pixels at
// 8/15/16/24/32 bits per pixel in VRAM, a virtual width and X/Y offsets (panning, double
// buffering), a 64 KiB bank window at A0000 and the linear framebuffer at the PCI VGA
// function's BAR0 (devices/pci.ts, 1234:1111).
//
//   index  register        notes
//   0      ID              0xB0C0..0xB0C5 are accepted (the interface version the driver wants)
//   1, 2   XRES, YRES      up to VBE_MAX_XRES x VBE_MAX_YRES (the framebuffer region's limit)
//   3      BPP             4 (planar, treated as 8), 8, 15, 16, 24, 32; 0 means 8
//   4      ENABLE          bit 0 enabled, 1 GETCAPS (XRES/YRES/BPP read the maxima), 5 8-bit
//                          DAC, 6 LFB (informational), 7 NOCLEARMEM
//   5      BANK            64 KiB bank shown at A0000-AFFFF while enabled
//   6, 7   VIRT_WIDTH, VIRT_HEIGHT  line length in pixels; the height follows from VRAM size
//   8, 9   X_OFFSET, Y_OFFSET       the displayed window's top left in the virtual screen
//   10     VIDEO_MEMORY_64K         VRAM size in 64 KiB units (read only)
// Settings that cannot be shown (a resolution or virtual size that does not fit in VRAM, a
// bad depth) are corrected when written, as QEMU's vbe_fixup_regs does, so the renderer never
// reads outside VRAM.
//
// State block DEV_VBE (0x100 bytes):
//   +0x00 u16 INDEX
//   +0x02 u16 REG[11]     the registers above, by index
//   +0x40 u32 VRAM_BYTES  VRAM size (power of two, 4..64 MiB)
//   +0x44 u32 LFB_BASE    physical address the LFB is mapped at, 0 = not mapped
//   +0x48 u32 FULL        nonzero: the next render redraws everything (a register changed)
//   +0x4C u32 WLIST_LEN   linear pages in VRAM_WLIST (> VRAM_WLIST_MAX: the list overflowed)
//
// The LFB is not a slow MMIO range: its pages are VRAM, which the CPU reads and writes through
// the TLB like RAM (bus/memory.ts PAGE_TRACKED). The first write to a page after a render
// comes through the TLB fill, which marks the page dirty here and lists the linear page; the
// render (vbe_lfb_consumed) clears those TLB entries again, so the next write is seen too.
import { DEV_VBE, VRAM, VRAM_MAX, VRAM_DIRTY, VRAM_WLIST, VRAM_WLIST_MAX, MEM_SIZE, ROM_SIZE } from "../core-as/state";
import { port_claim, PORT_DEV_VGA } from "../core-as/bus/ports";
import { mmio_claim, MMIO_LFB, MMIO_NONE } from "../core-as/bus/mmio";
import { tlb_flush_all, tlb_flush_page } from "../core-as/cpu/tlb";

const INDEX: u32 = DEV_VBE + 0x00;
const REG: u32 = DEV_VBE + 0x02;
export const VRAM_BYTES: u32 = DEV_VBE + 0x40;
const LFB_BASE: u32 = DEV_VBE + 0x44;
export const VBE_FULL: u32 = DEV_VBE + 0x48;
const WLIST_LEN: u32 = DEV_VBE + 0x4c;

export const VBE_ID: u32 = 0, VBE_XRES: u32 = 1, VBE_YRES: u32 = 2, VBE_BPP: u32 = 3, VBE_ENABLE: u32 = 4;
export const VBE_BANK: u32 = 5, VBE_VIRT_W: u32 = 6, VBE_VIRT_H: u32 = 7, VBE_XOFF: u32 = 8, VBE_YOFF: u32 = 9;
const VBE_MEM64K: u32 = 10;
export const VBE_ENABLED: u32 = 0x01;
const VBE_GETCAPS: u32 = 0x02;
export const VBE_8BIT_DAC: u32 = 0x20;
const VBE_NOCLEARMEM: u32 = 0x80;
// The largest mode: its RGBA picture must fit the 16 MiB FRAMEBUFFER (2560 x 1600 x 4 bytes).
export const VBE_MAX_XRES: u32 = 2560;
export const VBE_MAX_YRES: u32 = 1600;

@inline export function vbe_reg(i: u32): u32 { return load<u16>(REG + i * 2); }
@inline function set_reg(i: u32, v: u32): void { store<u16>(REG + i * 2, v); }
@inline export function vbe_enabled(): bool { return (vbe_reg(VBE_ENABLE) & VBE_ENABLED) != 0; }
@inline export function vbe_dac8(): bool { return (vbe_reg(VBE_ENABLE) & VBE_8BIT_DAC) != 0; }

// Bytes per pixel of the current depth (15 and 16 bpp: 2; 4 bpp is kept as 1 like 8).
export function vbe_bytes_pp(): u32 {
  const b = vbe_reg(VBE_BPP);
  return b == 32 ? 4 : b == 24 ? 3 : b == 15 || b == 16 ? 2 : 1;
}
export function vbe_line_bytes(): u32 { return vbe_reg(VBE_VIRT_W) * vbe_bytes_pp(); }

export function vbe_init(): void {
  memory.fill(DEV_VBE, 0, 0x100);
  store<u32>(VRAM_BYTES, 16 << 20);
  set_reg(VBE_ID, 0xb0c5);
  set_reg(VBE_XRES, 640);
  set_reg(VBE_YRES, 480);
  set_reg(VBE_BPP, 8);
  set_reg(VBE_VIRT_W, 640);
  set_reg(VBE_MEM64K, (16 << 20) >> 16);
  fixup();
  port_claim(0x1ce, 2, PORT_DEV_VGA);
}

// The host's --vram choice (MiB, a power of two from 4 to 64); returns false for another size.
export function vbe_set_vram(mib: u32): bool {
  if (mib < 4 || mib > (<u32>VRAM_MAX >> 20) || (mib & (mib - 1)) != 0) return false;
  store<u32>(VRAM_BYTES, mib << 20);
  set_reg(VBE_MEM64K, (mib << 20) >> 16);
  memory.fill(VRAM, 0, mib << 20);
  fixup();
  return true;
}

// Make the registers consistent (QEMU vbe_fixup_regs): valid depth, resolution within the
// limits and VRAM, virtual width >= XRES, virtual height from the VRAM size, offsets such that
// the displayed window stays inside VRAM.
function fixup(): void {
  let bpp = vbe_reg(VBE_BPP);
  if (bpp != 4 && bpp != 8 && bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32) bpp = 8;
  set_reg(VBE_BPP, bpp);
  let xres = vbe_reg(VBE_XRES) & ~7, yres = vbe_reg(VBE_YRES);
  if (xres == 0) xres = 8;
  if (xres > VBE_MAX_XRES) xres = VBE_MAX_XRES;
  if (yres == 0) yres = 1;
  if (yres > VBE_MAX_YRES) yres = VBE_MAX_YRES;
  const bpp_bytes = vbe_bytes_pp();
  const vram = load<u32>(VRAM_BYTES);
  let vw = vbe_reg(VBE_VIRT_W);
  if (vw < xres) vw = xres;
  if (vw * bpp_bytes * yres > vram) vw = xres; // a virtual width that leaves no room: drop it
  if (xres * bpp_bytes * yres > vram) { yres = vram / (xres * bpp_bytes); if (yres == 0) { xres = 640; yres = 480; vw = 640; } }
  let vh = vram / (vw * bpp_bytes);
  if (vh > 0xffff) vh = 0xffff;
  let xo = vbe_reg(VBE_XOFF), yo = vbe_reg(VBE_YOFF);
  if (xo + xres > vw) xo = vw - xres;
  if (yo + yres > vh) yo = vh - yres;
  set_reg(VBE_XRES, xres); set_reg(VBE_YRES, yres);
  set_reg(VBE_VIRT_W, vw); set_reg(VBE_VIRT_H, vh);
  set_reg(VBE_XOFF, xo); set_reg(VBE_YOFF, yo);
}

export function vbe_read(port: u32): u32 {
  if (port == 0x1ce) return load<u16>(INDEX);
  const i: u32 = load<u16>(INDEX);
  if (i > VBE_MEM64K) return 0;
  if ((vbe_reg(VBE_ENABLE) & VBE_GETCAPS) != 0) {
    if (i == VBE_XRES) return VBE_MAX_XRES;
    if (i == VBE_YRES) return VBE_MAX_YRES;
    if (i == VBE_BPP) return 32;
  }
  return vbe_reg(i);
}

export function vbe_write(port: u32, v: u32): void {
  v &= 0xffff;
  if (port == 0x1ce) { store<u16>(INDEX, v); return; }
  const i: u32 = load<u16>(INDEX);
  store<u32>(VBE_FULL, 1);
  switch (i) {
    case VBE_ID: if (v >= 0xb0c0 && v <= 0xb0c5) set_reg(VBE_ID, v); return;
    case VBE_XRES: case VBE_YRES: case VBE_BPP:
      // geometry changes only take effect while disabled (Bochs ignores them when enabled)
      if (vbe_enabled()) return;
      set_reg(i, i == VBE_BPP && v == 0 ? 8 : v);
      return;
    case VBE_ENABLE: {
      const was = vbe_enabled();
      if ((v & VBE_ENABLED) != 0 && !was) {
        set_reg(VBE_VIRT_W, 0); set_reg(VBE_XOFF, 0); set_reg(VBE_YOFF, 0); set_reg(VBE_BANK, 0);
        set_reg(VBE_ENABLE, v);
        fixup();
        if ((v & VBE_NOCLEARMEM) == 0) memory.fill(VRAM, 0, vbe_line_bytes() * vbe_reg(VBE_VIRT_H));
      } else set_reg(VBE_ENABLE, v);
      return;
    }
    case VBE_BANK:
      if (v < (load<u32>(VRAM_BYTES) >> 16)) set_reg(VBE_BANK, v);
      return;
    case VBE_VIRT_W: case VBE_XOFF: case VBE_YOFF:
      set_reg(i, v);
      fixup();
      return;
    default: return; // VIRT_HEIGHT and the memory size are computed
  }
}

// ---- video memory: the bank window (A0000-AFFFF while enabled) and the linear framebuffer

@inline function mark(off: u32): void { store<u8>(VRAM_DIRTY + (off >> 12), 1); }

export function vbe_bank_read8(p: u32): u32 {
  const off = (vbe_reg(VBE_BANK) << 16) + (p & 0xffff);
  return off < load<u32>(VRAM_BYTES) ? load<u8>(VRAM + off) : 0xff;
}
export function vbe_bank_write8(p: u32, v: u32): void {
  const off = (vbe_reg(VBE_BANK) << 16) + (p & 0xffff);
  if (off >= load<u32>(VRAM_BYTES)) return;
  store<u8>(VRAM + off, v);
  mark(off);
}

// LFB accesses: p is a physical address inside the claimed BAR range (the MMIO map only sends
// those here); the offset is still checked against VRAM's size.
export function vbe_lfb_read8(p: u32): u32 {
  const off = p - load<u32>(LFB_BASE);
  return off < load<u32>(VRAM_BYTES) ? load<u8>(VRAM + off) : 0xff;
}
export function vbe_lfb_write8(p: u32, v: u32): void {
  const off = p - load<u32>(LFB_BASE);
  if (off >= load<u32>(VRAM_BYTES)) return;
  store<u8>(VRAM + off, v);
  mark(off);
}
// The host address of the VRAM page behind LFB physical page `page`, or 0 (bus/memory.ts).
export function vbe_lfb_host_page(page: u32): u32 {
  const off = page - load<u32>(LFB_BASE);
  return off < load<u32>(VRAM_BYTES) ? VRAM + off : 0;
}

// The TLB is about to let the CPU write LFB physical page `phys` through linear page `lin`.
export function vbe_lfb_page_written(phys: u32, lin: u32): void {
  const off = phys - load<u32>(LFB_BASE);
  if (off < load<u32>(VRAM_BYTES)) mark(off);
  const n = load<u32>(WLIST_LEN);
  if (n < <u32>VRAM_WLIST_MAX) store<u32>(VRAM_WLIST + n * 4, lin >>> 12);
  store<u32>(WLIST_LEN, n + 1);
}

// The renderer has consumed VRAM_DIRTY: take the write permission back from the TLB entries
// handed out since, so the next write to those pages is seen again.
export function vbe_lfb_consumed(): void {
  const n = load<u32>(WLIST_LEN);
  if (n == 0) return;
  if (n > <u32>VRAM_WLIST_MAX) tlb_flush_all(true);
  else for (let i: u32 = 0; i < n; i++) tlb_flush_page(load<u32>(VRAM_WLIST + i * 4) << 12);
  store<u32>(WLIST_LEN, 0);
}

// A snapshot was restored (core-as/index.ts restored()): the TLB is empty, so no entry holds a
// write permission to take back, and every page is drawn again.
export function vbe_restored(): void {
  store<u32>(WLIST_LEN, 0);
  memory.fill(VRAM_DIRTY, 1, 0x4000);
}

// 32-bit accesses inside one page (mmio_read32/write32 only call these for such accesses)
export function vbe_lfb_read32(p: u32): u32 {
  const off = p - load<u32>(LFB_BASE);
  return off + 3 < load<u32>(VRAM_BYTES) ? load<u32>(VRAM + off) : 0xffffffff;
}
export function vbe_lfb_write32(p: u32, v: u32): void {
  const off = p - load<u32>(LFB_BASE);
  if (off + 3 >= load<u32>(VRAM_BYTES)) return;
  store<u32>(VRAM + off, v);
  mark(off);
}

// The PCI configuration of the VGA function changed (BAR0 or the command register): map the
// LFB where BAR0 says, if memory decoding is on and the range is a legal place for it (above
// RAM, below the ROM at the top of 4 GiB, aligned to its size). A BAR the guest points at RAM
// or the ROM is not decoded, as the chipset would send those cycles to DRAM / the firmware hub.
export function vbe_pci_update(bar0: u32, command: u32): void {
  const size = load<u32>(VRAM_BYTES);
  const old = load<u32>(LFB_BASE);
  let base: u32 = bar0 & 0xfffffff0;
  if ((command & 2) == 0 || base == 0 || (base & (size - 1)) != 0) base = 0;
  const mem = load<u32>(MEM_SIZE), rom = load<u32>(ROM_SIZE);
  if (base != 0 && (base < mem || <u64>base + <u64>size > <u64>0x100000000 - <u64>rom)) base = 0;
  if (base == old) return;
  store<u32>(WLIST_LEN, 0);
  if (old != 0) mmio_claim(old, size, MMIO_NONE);
  if (base != 0) mmio_claim(base, size, MMIO_LFB);
  store<u32>(LFB_BASE, base);
  // the TLB caches what each physical page is: forget it (bus/memory.ts classifies again)
  tlb_flush_all(true);
}

// The BAR0 size mask for the PCI function (VRAM is a power of two).
export function vbe_bar_mask(): u32 { return ~(load<u32>(VRAM_BYTES) - 1); }
