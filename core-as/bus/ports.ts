// The I/O port table: PORT_MAP holds a device id per port (64 Ki x u8); accesses are
// dispatched by id. Unassigned ports read as all ones and ignore writes, as on an ISA bus with
// nothing driving it. 16- and 32-bit accesses to byte-wide devices become byte accesses at
// consecutive ports, which is what the ISA bus does for a wide access to an 8-bit device.
import { PORT_MAP } from "../state";
import { sysport_read8, sysport_write8, PORT_DEV_SYS } from "./sysports";
import { kbc_read8, kbc_write8 } from "../../devices/kbc";
import { pic_read8, pic_write8 } from "../../devices/pic";
import { pit_read8, pit_write8 } from "../../devices/pit";
import { dma_read8, dma_write8 } from "../../devices/dma";
import { rtc_read, rtc_write } from "../../devices/rtc";
import { uart_read, uart_write } from "../../devices/uart";
import { vga_read8, vga_write8 } from "../../devices/vga";
import { vbe_read, vbe_write } from "../../devices/vbe";
import { pci_read, pci_write } from "../../devices/pci";
import { fdc_read, fdc_write } from "../../devices/fdc";
import { ide_read, ide_write, ide_is_data } from "../../devices/ide";
import { PORT_DEV_EXIT, port_watched, port_record, exit_port_write } from "./portwatch";

export const PORT_DEV_NONE: u8 = 0;
// Device ids (PORT_DEV_SYS = 1 is in sysports.ts). Each device's file claims its ports at init.
export const PORT_DEV_PIC: u8 = 2; // 0x20-0x21, 0xA0-0xA1, ELCR 0x4D0-0x4D1
export const PORT_DEV_PIT: u8 = 3; // 0x40-0x43, 0x61
export const PORT_DEV_RTC: u8 = 4; // 0x70-0x71 (0x72-0x73 extended bank)
export const PORT_DEV_KBC: u8 = 5; // 0x60, 0x64, reset control 0xCF9 (byte accesses)
export const PORT_DEV_DMA: u8 = 6; // 0x00-0x0F, 0xC0-0xDF, page registers 0x81-0x8F
export const PORT_DEV_UART: u8 = 7; // 0x3F8, 0x2F8, 0x3E8, 0x2E8 (+0..7)
export const PORT_DEV_FDC: u8 = 8; // 0x3F0-0x3F7 (not 0x3F6)
export const PORT_DEV_PCI: u8 = 9; // 0xCF8-0xCFF except 0xCF9 (the KBC's reset control: claim around it)
export const PORT_DEV_VGA: u8 = 10; // 0x3B0-0x3DF, Bochs VBE 0x1CE-0x1CF
export const PORT_DEV_IDE: u8 = 11; // 0x1F0-0x1F7, 0x3F6, 0x170-0x177, 0x376, bus master (PCI BAR4, 16 ports)
// PORT_DEV_EXIT = 12 (bus/portwatch.ts): the exit port, where the host puts it

export function port_claim(port: u32, count: u32, id: u8): void {
  for (let i: u32 = 0; i < count; i++) store<u8>(PORT_MAP + ((port + i) & 0xffff), id);
}

export function io_read8(port: u32): u32 {
  port &= 0xffff;
  switch (load<u8>(PORT_MAP + port)) {
    case PORT_DEV_SYS: return sysport_read8(port);
    case PORT_DEV_PIC: return pic_read8(port);
    case PORT_DEV_PIT: return pit_read8(port);
    case PORT_DEV_KBC: return kbc_read8(port);
    case PORT_DEV_DMA: return dma_read8(port);
    case PORT_DEV_RTC: return rtc_read(port);
    case PORT_DEV_UART: return uart_read(port);
    case PORT_DEV_VGA: return vga_read8(port);
    case PORT_DEV_PCI: return pci_read(port, 1);
    case PORT_DEV_FDC: return fdc_read(port);
    case PORT_DEV_IDE: return ide_read(port, 1);
    default: return 0xff;
  }
}

export function io_write8(port: u32, v: u32): void {
  port &= 0xffff;
  v &= 0xff;
  if (port_watched(port)) port_record(port, 1, v);
  switch (load<u8>(PORT_MAP + port)) {
    case PORT_DEV_SYS: sysport_write8(port, v); return;
    case PORT_DEV_PIC: pic_write8(port, v); return;
    case PORT_DEV_PIT: pit_write8(port, v); return;
    case PORT_DEV_KBC: kbc_write8(port, v); return;
    case PORT_DEV_DMA: dma_write8(port, v); return;
    case PORT_DEV_RTC: rtc_write(port, v); return;
    case PORT_DEV_UART: uart_write(port, v); return;
    case PORT_DEV_VGA: vga_write8(port, v); return;
    case PORT_DEV_PCI: pci_write(port, 1, v); return;
    case PORT_DEV_FDC: fdc_write(port, v); return;
    case PORT_DEV_IDE: ide_write(port, 1, v); return;
    case PORT_DEV_EXIT: exit_port_write(v); return;
    default: return;
  }
}

// 0xCF9 is the byte-wide reset control register (devices/kbc.ts); a word or dword access at
// 0xCF8 is the PCI configuration address, never a byte access to 0xCF9 (which would reset).
@inline function wide_at_cf8(port: u32): bool {
  return (port & 0xffff) == 0xcf8 && load<u8>(PORT_MAP + 0xcf9) == PORT_DEV_KBC;
}

// The PCI configuration ports take word and dword accesses whole (devices/pci.ts).
@inline function is_pci(port: u32): bool {
  return load<u8>(PORT_MAP + (port & 0xffff)) == PORT_DEV_PCI;
}

// The IDE data registers move 16 bits per access (32-bit accesses are two of them, as the
// PIIX does): never split into byte accesses (devices/ide.ts).
@inline function is_ide_data(port: u32): bool {
  return load<u8>(PORT_MAP + (port & 0xffff)) == PORT_DEV_IDE && ide_is_data(port & 0xffff);
}

// The Bochs VBE index and data registers are 16 bits wide (devices/vbe.ts).
@inline function is_vbe(port: u32): bool {
  const p = port & 0xffff;
  return (p == 0x1ce || p == 0x1cf) && load<u8>(PORT_MAP + p) == PORT_DEV_VGA;
}

export function io_read16(port: u32): u32 {
  if (is_pci(port)) return pci_read(port & 0xffff, 2);
  if (is_ide_data(port)) return ide_read(port & 0xffff, 2);
  if (is_vbe(port)) return vbe_read(port & 0xffff);
  if (wide_at_cf8(port)) return io_read8(port) | 0xff00;
  return io_read8(port) | (io_read8(port + 1) << 8);
}

// A wide write that a device takes whole: recorded once with its size if the port is watched.
@inline function whole(port: u32): bool {
  const id = load<u8>(PORT_MAP + (port & 0xffff));
  return id == PORT_DEV_PCI || id == PORT_DEV_EXIT || (id == PORT_DEV_IDE && ide_is_data(port & 0xffff)) || is_vbe(port);
}
function watch_wide(port: u32, size: u32, v: u32): void {
  if (port_watched(port & 0xffff) && whole(port)) port_record(port & 0xffff, size, v);
}
@inline function is_exit(port: u32): bool {
  return load<u8>(PORT_MAP + (port & 0xffff)) == PORT_DEV_EXIT;
}

export function io_write16(port: u32, v: u32): void {
  watch_wide(port, 2, v & 0xffff);
  if (is_exit(port)) { exit_port_write(v & 0xffff); return; }
  if (is_pci(port)) { pci_write(port & 0xffff, 2, v & 0xffff); return; }
  if (is_ide_data(port)) { ide_write(port & 0xffff, 2, v & 0xffff); return; }
  if (is_vbe(port)) { vbe_write(port & 0xffff, v & 0xffff); return; }
  io_write8(port, v & 0xff);
  if (wide_at_cf8(port)) return;
  io_write8(port + 1, (v >>> 8) & 0xff);
}

export function io_read32(port: u32): u32 {
  if (is_pci(port)) return pci_read(port & 0xffff, 4);
  if (is_ide_data(port)) return ide_read(port & 0xffff, 4);
  return io_read16(port) | (io_read16(port + 2) << 16);
}

export function io_write32(port: u32, v: u32): void {
  watch_wide(port, 4, v);
  if (is_exit(port)) { exit_port_write(v); return; }
  if (is_pci(port)) { pci_write(port & 0xffff, 4, v); return; }
  if (is_ide_data(port)) { ide_write(port & 0xffff, 4, v); return; }
  io_write16(port, v & 0xffff);
  io_write16(port + 2, v >>> 16);
}
