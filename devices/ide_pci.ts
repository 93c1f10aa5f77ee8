// The PIIX3 IDE PCI function 00:01.1 (PIIX3 data sheet 290550 §2.3): identity, the command
// register, BMIBA (BAR4) and the IDE timing registers; the function's power-on state; the host's
// attach hook; the CMOS hard disk bytes. See ide.ts for the controller itself.
import { DEV_IDE, PCI_CONFIG, PORT_MAP, DISK_KIND_ATA } from "../core-as/state";
import { port_claim, PORT_DEV_IDE, PORT_DEV_NONE } from "../core-as/bus/ports";
import { pci_add_function, pci_set } from "./pci";
import { cmos_set, cmos_update_checksum } from "./rtc";
import { ata_identify_defaults } from "./ata";
import {
  G_SLOT, G_BMBASE, C_XKIND, C_BMSTS, X_NONE, D_MWDMA, D_UDMA, D_POWER, D_DEF_CYLS, D_DEF_HEADS, D_DEF_SPT, POWER_ACTIVE,
  cg, cs, dg, ds, dev, kind, present, slot, cfg16, soft_reset, posted,
} from "./ide";

export function ide_pci_update(): void {
  // the bus master registers follow BMIBA (BAR4) while I/O space is enabled
  const want: u32 = (cfg16(0x04) & 1) != 0 ? (load<u32>(PCI_CONFIG + slot() * 0x100 + 0x20) & 0xfff0) : 0;
  const cur = load<u32>(G_BMBASE);
  if (want == cur) return;
  if (cur != 0) for (let p = cur; p < cur + 16; p++) if (load<u8>(PORT_MAP + p) == PORT_DEV_IDE) port_claim(p, 1, PORT_DEV_NONE);
  store<u32>(G_BMBASE, 0);
  if (want == 0) return;
  // only free ports: a base on top of another device's ports does not take them over
  for (let p = want; p < want + 16; p++) if (load<u8>(PORT_MAP + p) == PORT_DEV_NONE) port_claim(p, 1, PORT_DEV_IDE);
  store<u32>(G_BMBASE, want);
}

export function ide_is_function(s: u32): bool { return s == slot() && load<u32>(DEV_IDE + 8) != 0; }

export function ide_init(): void {
  memory.fill(DEV_IDE, 0, 0x400);
  const s = pci_add_function(1, 1, 0x8086, 0x7010, 0x0101, 0x00, 0x00);
  store<u32>(G_SLOT, s);
  store<u32>(DEV_IDE + 8, 1); // the function exists (ide_is_function)
  pci_set(s, 0x09, 1, 0x80, 0); // programming interface: bus master capable, both channels legacy
  pci_set(s, 0x04, 2, 0x0005, 0x0005); // I/O space, bus master
  pci_set(s, 0x06, 2, 0x0280, 0); // status: fast back-to-back, medium DEVSEL
  pci_set(s, 0x0d, 1, 0x00, 0xf0); // latency timer
  pci_set(s, 0x20, 4, 0x0000c001, 0x0000fff0); // BMIBA: 16 bytes of I/O
  pci_set(s, 0x40, 4, 0x80008000, 0xf3fff3ff); // IDETIM primary, secondary (bits 11-10 reserved)
  pci_set(s, 0x44, 1, 0x00, 0xff); // SIDETIM
  port_claim(0x1f0, 8, PORT_DEV_IDE);
  port_claim(0x170, 8, PORT_DEV_IDE);
  port_claim(0x3f6, 1, PORT_DEV_IDE);
  port_claim(0x376, 1, PORT_DEV_IDE);
  ide_pci_update();
  for (let d: u32 = 0; d < 4; d++) { ds(d, D_MWDMA, 0xff); ds(d, D_UDMA, 0xff); ds(d, D_POWER, POWER_ACTIVE); }
  for (let ch: u32 = 0; ch < 2; ch++) soft_reset(ch);
}

// The host attached (or changed) a drive (Machine.attachDisk): the device's power-on state, the
// channel's signature, the bus master's "DMA capable" bits and the CMOS disk bytes.
export function ide_attach(d: u32): void {
  d &= 3;
  const ch = d >> 1;
  if (kind(d) == DISK_KIND_ATA) ata_identify_defaults(d, true);
  if (cg(ch, C_XKIND) == X_NONE && !posted(ch)) soft_reset(ch);
  const capable: u32 = (present(ch << 1) ? 0x20 : 0) | (present((ch << 1) | 1) ? 0x40 : 0);
  cs(ch, C_BMSTS, (cg(ch, C_BMSTS) & 0x07) | capable);
  ide_cmos();
}

// CMOS hard disk bytes as AMI and Award BIOSes keep them: 12h types (Fh = see 19h/1Ah), 19h/1Ah
// type 47 (user defined), and the user parameters for drive C: at 1Bh-23h and D: at 24h-2Ch:
// cylinders (word), heads, write precompensation (word, FFFFh none), control byte (08h: more than
// 8 heads), landing zone (word), sectors per track. Drives C:/D: are the primary master/slave.
function ide_cmos(): void {
  let types: u32 = 0;
  for (let i: u32 = 0; i < 2; i++) {
    const base: u32 = i == 0 ? 0x1b : 0x24;
    if (kind(i) != DISK_KIND_ATA) {
      cmos_set(0x19 + i, 0);
      for (let r: u32 = 0; r < 9; r++) cmos_set(base + r, 0);
      continue;
    }
    types |= 0x0f << (i == 0 ? 4 : 0);
    cmos_set(0x19 + i, 47);
    const cyl = load<u32>(dev(i) + D_DEF_CYLS), heads = dg(i, D_DEF_HEADS), spt = dg(i, D_DEF_SPT);
    cmos_set(base + 0, cyl & 0xff);
    cmos_set(base + 1, cyl >> 8);
    cmos_set(base + 2, heads);
    cmos_set(base + 3, 0xff);
    cmos_set(base + 4, 0xff);
    cmos_set(base + 5, heads > 8 ? 0x08 : 0x00);
    cmos_set(base + 6, cyl & 0xff);
    cmos_set(base + 7, cyl >> 8);
    cmos_set(base + 8, spt);
  }
  cmos_set(0x12, types);
  cmos_update_checksum();
}

