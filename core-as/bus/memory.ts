// Physical memory map (the bus side; paging and segmentation live in cpu/).
//
//   0x0000_0000 .. mem_size      guest RAM, host address RAM + p
//   0x000A_0000 .. 0x000F_FFFF   legacy hole: pages claimed in MMIO_MAP go to their device,
//                                the top min(ROM_SIZE,128K) bytes show the BIOS ROM (read-only),
//                                anything else is RAM (like chipset shadow RAM)
//   mem_size .. 4 GiB            MMIO_MAP pages go to their device (the VBE linear framebuffer's
//                                pages are VRAM itself, with writes tracked), the top ROM_SIZE bytes
//                                show the ROM again (the reset vector is at 0xFFFF_FFF0),
//                                the rest is open bus: reads give all ones, writes are dropped
//
// The A20 gate masks bit 20 of every physical address when closed (8086 wrap-around).
import { MEM_SIZE, ROM_SIZE, ROM, RAM, A20_MASK, MMIO_MAP } from "../state";
import { mmio_read8, mmio_write8, mmio_read32, mmio_write32, MMIO_LFB } from "./mmio";
import { vbe_lfb_host_page } from "../../devices/vbe";
import { code_page_flag, jit_invalidate_page } from "../jit/cache";

// What a physical page is, for the TLB. Host address in the high bits, kind in the low bits.
export const PAGE_RAM: u32 = 0;
export const PAGE_ROM: u32 = 1;
export const PAGE_MMIO: u32 = 2; // device or open bus: every access goes through phys_read/write
// Device memory the CPU may access directly, but whose writes the device must see: the VBE
// linear framebuffer (VRAM). Reads are plain loads; the TLB entry lets writes through only after
// the first write has told the device (cpu/paging.ts, devices/vbe.ts vbe_lfb_page_written), and
// the device takes that permission back when it has consumed the page (after each render).
export const PAGE_TRACKED: u32 = 3;

// Classify the 4 KiB physical page holding p (A20 already applied). For RAM and ROM, returns the
// host address of the page | kind; for MMIO returns PAGE_MMIO (the host address is meaningless).
export function phys_page(p: u32): u32 {
  const page = p & 0xfffff000;
  const id = load<u8>(MMIO_MAP + (page >>> 12));
  if (id != 0) {
    if (id == MMIO_LFB) { const h = vbe_lfb_host_page(page); if (h != 0) return h | PAGE_TRACKED; }
    return PAGE_MMIO;
  }
  const romSize = load<u32>(ROM_SIZE);
  const memSize = load<u32>(MEM_SIZE);
  if (page >= 0xa0000 && page < 0x100000) {
    const low = romSize < 0x20000 ? romSize : 0x20000;
    if (page >= 0x100000 - low) return (ROM + romSize - (0x100000 - page)) | PAGE_ROM;
    return RAM + page; // shadow RAM; always present since mem_size >= 1 MiB
  }
  if (page < memSize) return RAM + page;
  if (romSize != 0 && page >= 0 - romSize) return (ROM + (page - (0 - romSize))) | PAGE_ROM;
  return PAGE_MMIO;
}

@inline export function a20(p: u32): u32 {
  return p & load<u32>(A20_MASK);
}

// Slow physical accesses: used for MMIO pages, page-crossing accesses and by devices (DMA).
export function phys_read8(p: u32): u32 {
  p = a20(p);
  const pg = phys_page(p);
  if ((pg & 3) == PAGE_MMIO) return mmio_read8(p);
  return load<u8>((pg & 0xfffff000) + (p & 0xfff));
}

export function phys_write8(p: u32, v: u32): void {
  p = a20(p);
  const pg = phys_page(p);
  const kind = pg & 3;
  if (kind >= PAGE_MMIO) { mmio_write8(p, v); return; } // (a tracked page's device marks the write)
  if (kind == PAGE_ROM) return; // ROM ignores writes
  if (code_page_flag(pg) != 0) jit_invalidate_page(pg); // a device or the bus writes compiled code
  store<u8>((pg & 0xfffff000) + (p & 0xfff), v);
}

export function phys_read16(p: u32): u32 {
  return phys_read8(p) | (phys_read8(p + 1) << 8);
}

export function phys_read32(p: u32): u32 {
  if ((p & 0xfff) <= 0xffc) {
    const q = a20(p);
    const pg = phys_page(q);
    const kind = pg & 3;
    if (kind == PAGE_MMIO) return mmio_read32(q);
    return load<u32>((pg & 0xfffff000) + (q & 0xfff));
  }
  return phys_read16(p) | (phys_read16(p + 2) << 16);
}

export function phys_write16(p: u32, v: u32): void {
  phys_write8(p, v & 0xff);
  phys_write8(p + 1, (v >>> 8) & 0xff);
}

export function phys_write32(p: u32, v: u32): void {
  if ((p & 0xfff) <= 0xffc) {
    const q = a20(p);
    const pg = phys_page(q);
    const kind = pg & 3;
    if (kind >= PAGE_MMIO) { mmio_write32(q, v); return; }
    if (kind == PAGE_ROM) return;
    if (code_page_flag(pg) != 0) jit_invalidate_page(pg);
    store<u32>((pg & 0xfffff000) + (q & 0xfff), v);
    return;
  }
  phys_write16(p, v & 0xffff);
  phys_write16(p + 2, v >>> 16);
}

export function phys_read64(p: u32): u64 {
  return <u64>phys_read32(p) | (<u64>phys_read32(p + 4) << 32);
}
