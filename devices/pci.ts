// PCI configuration space, mechanism #1 (PCI Local Bus Specification 2.1, §3.7.4.1): the
// CONFIG_ADDRESS register at 0xCF8 (dword accesses only: bit 31 enable, bits 23-16 bus, 15-11
// device, 10-8 function, 7-2 register) and the CONFIG_DATA window at 0xCFC-0xCFF (byte, word or
// dword at any offset: port 0xCFC + k reaches register (CONFIG_ADDRESS & 0xFC) + k). Byte and
// word accesses to 0xCF8-0xCFB are not the address register (0xCF9 is the reset control
// register in devices/kbc.ts; the others ignore writes and read all ones).
//
// Bus 0 holds a table of functions, each a 256-byte configuration space with a write mask per
// byte (a bit set = writable; everything else is read-only and keeps its default):
//   00:00.0  Intel 82441FX (i440FX) PCI and memory controller, 8086:1237, class 0600
//            0x50-0x72 and 0x90-0x93 are stored as written. Only stored: the PAM registers
//            (0x59-0x5F, shadow RAM control) do not change the memory map (the C0000-FFFFF
//            ranges stay as bus/memory.ts maps them), nor do SMRAM (0x72) or the DRAM rows.
//   00:01.0  Intel 82371SB PIIX3 PCI-ISA bridge, 8086:7000, class 0601, multifunction (0x80)
//            PIRQ route control 0x60-0x63 (default 0x80: disabled) and the other ISA bridge
//            registers (0x4C-0x4F, 0x69-0x7F, 0x80-0x82, 0xA0-0xAF) are stored only: interrupt
//            routing reads them when PCI devices with interrupts exist (pci_pirq_route).
//   00:02.0  Bochs/QEMU standard VGA, 1234:1111, class 0300; BAR0 a prefetchable memory BAR
//            the size of VRAM (16 MiB by default) for the VBE linear framebuffer: writing BAR0
//            or the command register's memory enable maps it (devices/vbe.ts).
//   00:01.1  PIIX3 IDE, 8086:7010, class 0101 (added by devices/ide.ts, which see)
// Other devices add functions with pci_add_function().
// A function not in the table reads 0xFFFFFFFF and ignores writes.
//
// State: DEV_PCI (0x400 bytes)
//   +0x00 u32 CONFIG_ADDRESS (bits 30-24 and 1-0 read 0)
//   +0x04 u32 NFUNCS
//   +0x10 u16 BDF[16]  bus << 8 | device << 3 | function of each slot
// PCI_CONFIG + slot * 0x100: the config space of slot; PCI_CONFIG + 0x1000 + slot * 0x100: its
// write masks.
import { DEV_PCI, PCI_CONFIG } from "../core-as/state";
import { port_claim, PORT_DEV_PCI } from "../core-as/bus/ports";
import { ide_is_function, ide_pci_update } from "./ide_pci";
import { vbe_pci_update, vbe_bar_mask } from "./vbe";

// The slot of the VGA function (set by pci_init; the same on every machine of a build).
let VGA_SLOT: u32 = 0xff;

const ADDR: u32 = DEV_PCI + 0x00;
const NFUNCS: u32 = DEV_PCI + 0x04;
const BDF: u32 = DEV_PCI + 0x10;
const MAX_FUNCS: u32 = 16;
const WMASK: u32 = PCI_CONFIG + 0x1000;

@inline function cfg(slot: u32): u32 { return PCI_CONFIG + slot * 0x100; }

// Add function dev.fn on bus 0; returns its slot (its config space is at cfg(slot)).
export function pci_add_function(dev: u32, fn: u32, vendor: u32, device: u32, class_code: u32, revision: u32, header_type: u32): u32 {
  const slot = load<u32>(NFUNCS);
  if (slot >= MAX_FUNCS) unreachable();
  store<u32>(NFUNCS, slot + 1);
  store<u16>(BDF + slot * 2, (dev << 3) | fn);
  const c = cfg(slot);
  memory.fill(c, 0, 0x100);
  memory.fill(WMASK + slot * 0x100, 0, 0x100);
  store<u16>(c + 0x00, vendor);
  store<u16>(c + 0x02, device);
  store<u32>(c + 0x08, (class_code << 16) | revision); // class 0x0600 -> base 06 sub 00 prog-if 00
  store<u8>(c + 0x0e, header_type);
  return slot;
}

// Set the default value and write mask of `len` bytes from register reg.
export function pci_set(slot: u32, reg: u32, len: u32, value: u32, mask: u32): void {
  for (let i: u32 = 0; i < len; i++) {
    store<u8>(cfg(slot) + reg + i, (value >> (i * 8)) & 0xff);
    store<u8>(WMASK + slot * 0x100 + reg + i, (mask >> (i * 8)) & 0xff);
  }
}

// The read-only defaults plus writable ranges (each byte fully writable).
function writable(slot: u32, first: u32, last: u32): void {
  for (let r = first; r <= last; r++) store<u8>(WMASK + slot * 0x100 + r, 0xff);
}

export function pci_config_read8(slot: u32, reg: u32): u32 { return load<u8>(cfg(slot) + (reg & 0xff)); }

// The IRQ a PIIX3 PIRQ line (0-3 = A-D) is routed to, or 0xFF when routing is disabled.
export function pci_pirq_route(n: u32): u32 {
  const v: u32 = load<u8>(cfg(1) + 0x60 + (n & 3));
  return (v & 0x80) != 0 ? 0xff : v & 0x0f;
}

export function pci_init(): void {
  memory.fill(DEV_PCI, 0, 0x400);
  memory.fill(PCI_CONFIG, 0, 0x2000);
  // 00:00.0 i440FX (82441FX datasheet, register defaults)
  let s = pci_add_function(0, 0, 0x8086, 0x1237, 0x0600, 0x02, 0x00);
  pci_set(s, 0x04, 2, 0x0006, 0x0147); // command: memory + bus master on
  pci_set(s, 0x06, 2, 0x0280, 0); // status: fast back-to-back, medium DEVSEL
  pci_set(s, 0x0d, 1, 0x00, 0xf8); // latency timer
  writable(s, 0x50, 0x72);
  writable(s, 0x90, 0x93);
  for (let r: u32 = 0x60; r <= 0x67; r++) pci_set(s, r, 1, 0x01, 0xff); // DRAM row boundaries
  pci_set(s, 0x72, 1, 0x02, 0x7f); // SMRAM: C_BASE_SEG = 010 (A0000)
  // 00:01.0 PIIX3 ISA bridge (82371SB datasheet, function 0 defaults)
  s = pci_add_function(1, 0, 0x8086, 0x7000, 0x0601, 0x00, 0x80);
  pci_set(s, 0x04, 2, 0x0007, 0x0008); // I/O, memory, bus master always on; special cycles
  pci_set(s, 0x06, 2, 0x0200, 0);
  writable(s, 0x4c, 0x4f);
  pci_set(s, 0x4c, 1, 0x4d, 0xff); // ISA I/O recovery timer
  pci_set(s, 0x4e, 2, 0x0003, 0xffff); // X-bus chip select
  writable(s, 0x60, 0x7f);
  pci_set(s, 0x60, 4, 0x80808080, 0x8f8f8f8f); // PIRQA-D route control: disabled
  pci_set(s, 0x69, 1, 0x02, 0xff); // top of memory
  pci_set(s, 0x70, 1, 0x80, 0xff); // motherboard IRQ route 0: disabled
  pci_set(s, 0x76, 2, 0x0404, 0xffff); // motherboard DMA: none
  writable(s, 0x80, 0x82);
  writable(s, 0xa0, 0xaf);
  pci_set(s, 0xa0, 1, 0x08, 0xff); // SMI control
  pci_set(s, 0xa8, 1, 0x0f, 0xff); // fast off timer
  // 00:02.0 standard VGA (Bochs/QEMU "std vga": VBE dispi interface, linear framebuffer BAR0)
  s = pci_add_function(2, 0, 0x1234, 0x1111, 0x0300, 0x02, 0x00);
  VGA_SLOT = s;
  pci_set(s, 0x04, 2, 0x0000, 0x0023); // I/O, memory, palette snoop
  pci_set(s, 0x10, 4, 0x00000008, vbe_bar_mask()); // BAR0: VRAM size, 32-bit, prefetchable
  pci_set(s, 0x2c, 4, 0x11001af4, 0); // subsystem 1af4:1100
  pci_set(s, 0x3c, 1, 0x00, 0xff); // interrupt line (no pin)
  port_claim(0xcf8, 1, PORT_DEV_PCI);
  port_claim(0xcfa, 6, PORT_DEV_PCI); // 0xCF9 stays the KBC's reset control
}

function find(addr: u32): i32 {
  if ((addr & 0x80000000) == 0) return -1;
  const bdf = (addr >> 8) & 0xffff;
  const n = load<u32>(NFUNCS);
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u16>(BDF + i * 2) == bdf) return <i32>i;
  return -1;
}

// A port access of `size` bytes (1, 2, 4) at 0xCF8-0xCFF.
export function pci_read(port: u32, size: u32): u32 {
  const ones: u32 = size == 4 ? 0xffffffff : (1 << (size * 8)) - 1;
  if (port == 0xcf8 && size == 4) return load<u32>(ADDR);
  if (port < 0xcfc) return ones;
  const addr = load<u32>(ADDR);
  const slot = find(addr);
  if (slot < 0) return ones;
  const reg = (addr & 0xfc) + (port - 0xcfc);
  let v: u32 = 0;
  for (let i: u32 = 0; i < size; i++) v |= <u32>load<u8>(cfg(slot) + ((reg + i) & 0xff)) << (i * 8);
  return v;
}

export function pci_write(port: u32, size: u32, v: u32): void {
  if (port == 0xcf8 && size == 4) { store<u32>(ADDR, v & 0x80fffffc); return; }
  if (port < 0xcfc) return;
  const addr = load<u32>(ADDR);
  const slot = find(addr);
  if (slot < 0) return;
  const reg = (addr & 0xfc) + (port - 0xcfc);
  for (let i: u32 = 0; i < size; i++) {
    const r = (reg + i) & 0xff;
    const m: u32 = load<u8>(WMASK + <u32>slot * 0x100 + r);
    const p = cfg(slot) + r;
    store<u8>(p, (load<u8>(p) & ~m) | ((v >> (i * 8)) & m));
  }
  // the IDE function decodes its bus master registers where BAR4 and the command register say
  if (ide_is_function(<u32>slot)) ide_pci_update();
  if (<u32>slot == VGA_SLOT && (reg < 0x14 && reg + size > 0x10 || reg < 0x06 && reg + size > 0x04)) pci_vga_changed();
}

// The VGA's BAR0 or command register changed: (re)map the linear framebuffer.
function pci_vga_changed(): void {
  vbe_pci_update(load<u32>(cfg(VGA_SLOT) + 0x10), load<u16>(cfg(VGA_SLOT) + 0x04));
}

// BAR0 of the VGA function (the LFB address the VBE BIOS reports).
export function pci_vga_bar0(): u32 { return VGA_SLOT < MAX_FUNCS ? load<u32>(cfg(VGA_SLOT) + 0x10) & 0xfffffff0 : 0; }

// VRAM was resized (the host's --vram): BAR0 decodes that many bytes.
export function pci_vga_vram_resized(): void {
  pci_set(VGA_SLOT, 0x10, 4, (load<u32>(cfg(VGA_SLOT) + 0x10) & vbe_bar_mask()) | 8, vbe_bar_mask());
  pci_vga_changed();
}
