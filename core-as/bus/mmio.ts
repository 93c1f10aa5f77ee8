// Memory-mapped I/O: MMIO_MAP holds a device id per 4 KiB physical page below 4 GiB; 0 means
// nothing claims the page (RAM/ROM/open bus, decided in memory.ts). Devices claim ranges with
// mmio_claim() at init; accesses are dispatched here by id. The CPU never sees a device.
import { MMIO_MAP } from "../state";
import { vga_mem_read8, vga_mem_write8 } from "../../devices/vga_gc";
import { vbe_lfb_read8, vbe_lfb_write8, vbe_lfb_read32, vbe_lfb_write32 } from "../../devices/vbe";

export const MMIO_NONE: u8 = 0;
// Open bus: claimed explicitly where a range must never read as RAM. Reads all ones.
export const MMIO_OPEN_BUS: u8 = 1;
export const MMIO_VGA: u8 = 2; // 0xA0000-0xBFFFF: the VGA's memory window (devices/vga_gc.ts)
export const MMIO_LFB: u8 = 3; // the VBE linear framebuffer at the PCI VGA's BAR0 (devices/vbe.ts)

export function mmio_claim(base: u32, size: u32, id: u8): void {
  const first = base >>> 12;
  const last = (base + size - 1) >>> 12;
  for (let pg = first; pg <= last; pg++) store<u8>(MMIO_MAP + pg, id);
}

@inline function mmio_id(p: u32): u8 {
  return load<u8>(MMIO_MAP + (p >>> 12));
}

export function mmio_read8(p: u32): u32 {
  switch (mmio_id(p)) {
    // devices add their cases here (vga, lfb, apic) as they are built
    case MMIO_VGA: return vga_mem_read8(p);
    case MMIO_LFB: return vbe_lfb_read8(p);
    default: return 0xff;
  }
}

export function mmio_write8(p: u32, v: u32): void {
  switch (mmio_id(p)) {
    case MMIO_VGA: vga_mem_write8(p, v); return;
    case MMIO_LFB: vbe_lfb_write8(p, v); return;
    default: return;
  }
}

// 32-bit accesses: callers pass accesses that stay inside one 4 KiB page.
export function mmio_read32(p: u32): u32 {
  if (mmio_id(p) == MMIO_LFB) return vbe_lfb_read32(p);
  return mmio_read8(p) | (mmio_read8(p + 1) << 8) | (mmio_read8(p + 2) << 16) | (mmio_read8(p + 3) << 24);
}

export function mmio_write32(p: u32, v: u32): void {
  if (mmio_id(p) == MMIO_LFB) { vbe_lfb_write32(p, v); return; }
  mmio_write8(p, v & 0xff);
  mmio_write8(p + 1, (v >>> 8) & 0xff);
  mmio_write8(p + 2, (v >>> 16) & 0xff);
  mmio_write8(p + 3, v >>> 24);
}
