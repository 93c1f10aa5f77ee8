// Power-on self test, done in the core when the ROM's POST entry (F000:E05B) calls service 00h:
// interrupt vectors, BIOS data area, EBDA, PIC/PIT/RTC/8042 set-up through their ports, CMOS
// configuration, video mode 3. Then the ROM executes INT 19h (bootstrap, service 19h here).
import { MEM_SIZE, BIOS_BOOT_ORDER, BIOS_WAIT_UNTIL, BIOS_CDEMU, BIOS_IO, BIOS_SERIAL_UNTIL } from "../core-as/state";
import { io_read8, io_write8, io_write16, io_write32 } from "../core-as/bus/ports";
import { cmos_set, cmos_get, cmos_update_checksum } from "../devices/rtc";
import { s8, s16, set_bda8, set_bda16, set_bda32, w8, DL } from "./util";
import { video_set_mode, video_print } from "./video";
import { floppy_type, floppy_count, floppy_boot } from "./disk";
import { hard_disk_boot, hard_disk_count } from "./harddisk";
import { cd_boot } from "./eltorito";
import { IO_PENDING } from "./diskio";
import { enter_real, kernel_boot } from "./kernel";
import { EBDA_SEG } from "./system";
import { CPUID_HAS_FPU } from "../core-as/cpu/ops/system";
import { fpu_init_state } from "../core-as/cpu/ops/x87";

// Entry points in bios.asm (segment F000)
const ROM_DUMMY: u32 = 0x100;
const ROM_IRQ0_DEFAULT: u32 = 0x108; // + 8 * irq
const ROM_SERVICES: usize = memory.data<u16>([
  0x10, 0x188, 0x11, 0x198, 0x12, 0x1a8, 0x13, 0x1b8, 0x14, 0x1c8, 0x15, 0x1d8, 0x16, 0x1e8,
  0x17, 0x1f8, 0x1a, 0x208, 0x08, 0x218, 0x09, 0x228, 0x18, 0x248, 0x19, 0x258, 0x70, 0x278,
  0x1c, 0x288, 0x02, 0xe2c3, 0x1d, 0xf0a4, 0x1e, 0xefc7, 0x43, 0xfa6e, 0x05, 0xff53,
]);
const ROM_SERVICES_N = 20;

function set_vector(v: u32, seg: u32, off: u32): void { s16(v * 4, off); s16(v * 4 + 2, seg); }

export function post(): void {
  const mem = load<u32>(MEM_SIZE);
  store<u64>(BIOS_WAIT_UNTIL, 0);
  store<u64>(BIOS_SERIAL_UNTIL, 0);
  // interrupt vectors
  for (let v: u32 = 0; v < 256; v++) set_vector(v, v >= 0x60 && v < 0x68 ? 0 : 0xf000, v >= 0x60 && v < 0x68 ? 0 : ROM_DUMMY);
  for (let i: u32 = 0; i < 8; i++) set_vector(0x08 + i, 0xf000, ROM_IRQ0_DEFAULT + i * 8);
  for (let i: u32 = 0; i < 8; i++) set_vector(0x70 + i, 0xf000, ROM_IRQ0_DEFAULT + (8 + i) * 8);
  for (let i = 0; i < ROM_SERVICES_N; i++) {
    set_vector(load<u16>(ROM_SERVICES + i * 4), 0xf000, load<u16>(ROM_SERVICES + i * 4 + 2));
  }
  set_vector(0x1f, 0xf000, 0x2400); // 8x8 font, characters 80h-FFh (bios.asm)

  // BIOS data area
  for (let a: u32 = 0x400; a < 0x500; a++) s8(a, 0);
  set_bda16(0x00, 0x3f8); set_bda16(0x02, 0x2f8); set_bda16(0x04, 0x3e8); set_bda16(0x06, 0x2e8);
  set_bda16(0x0e, EBDA_SEG);
  // serial time-outs for INT 14h (40:7C-7F, one per port), parallel (40:78-7B)
  for (let i: u32 = 0; i < 4; i++) { set_bda8(0x7c + i, 1); set_bda8(0x78 + i, 0x14); }
  const nfd = floppy_count();
  // equipment: diskettes (bit 0, count-1 in 6-7), x87 (bit 1), 80x25 colour (4-5), 4 serial ports (9-11)
  let eq: u32 = 0x0020 | (4 << 9) | (CPUID_HAS_FPU ? 2 : 0);
  if (nfd > 0) eq |= 1 | ((nfd - 1) << 6);
  set_bda16(0x10, eq);
  set_bda16(0x13, (EBDA_SEG << 4) >> 10);
  set_bda16(0x1a, 0x1e); set_bda16(0x1c, 0x1e); set_bda16(0x80, 0x1e); set_bda16(0x82, 0x3e);
  set_bda8(0x96, 0x10); // 101/102-key keyboard
  set_bda8(0x75, hard_disk_count());
  for (let a: u32 = 0; a < 0x20; a++) store<u8>(BIOS_CDEMU + a, 0);
  store<u64>(BIOS_IO, 0);
  set_bda8(0x40, 0);
  set_bda32(0x6c, 0);
  // EBDA: its size in KiB in the first byte
  s8(EBDA_SEG << 4, 1);
  for (let a: u32 = 1; a < 0x400; a++) s8((EBDA_SEG << 4) + a, 0);

  // the coprocessor as FNINIT leaves it (power-on leaves every exception unmasked)
  if (CPUID_HAS_FPU) fpu_init_state();

  // 8259A pair: ICW1-4, vectors 08h and 70h, cascade on IRQ 2
  io_write8(0x20, 0x11); io_write8(0x21, 0x08); io_write8(0x21, 0x04); io_write8(0x21, 0x01);
  io_write8(0xa0, 0x11); io_write8(0xa1, 0x70); io_write8(0xa1, 0x02); io_write8(0xa1, 0x01);
  // unmask IRQ 0 timer, 1 keyboard, 2 cascade, 6 diskette; 8 RTC
  io_write8(0x21, 0xb8);
  io_write8(0xa1, 0xfe);
  // 8254 channel 0: mode 3, divisor 65536 (18.2 Hz)
  io_write8(0x43, 0x36); io_write8(0x40, 0); io_write8(0x40, 0);
  // MC146818: 32.768 kHz base, 1024 Hz periodic rate; 24-hour BCD; no interrupts yet
  io_write8(0x70, 0x0a); io_write8(0x71, 0x26);
  io_write8(0x70, 0x0b); io_write8(0x71, 0x02);
  io_write8(0x70, 0x0c); io_read8(0x71);
  io_write8(0x70, 0x0d); io_read8(0x71);
  // 8042: translate to set 1, keyboard interrupt, system flag; mouse clock off
  io_write8(0x64, 0x60); io_write8(0x60, 0x65);

  // CMOS configuration
  // 0x10 (diskette types) and the diskette bits of 0x14 are kept up to date by the FDC model
  cmos_set(0x10, (floppy_type(0) << 4) | floppy_type(1));
  let ceq: u32 = cmos_get(0x14) & 0x30; // display type bits: 00 = EGA/VGA
  if (nfd > 0) ceq |= 1 | ((nfd - 1) << 6);
  cmos_set(0x14, ceq);
  cmos_set(0x15, 0x80); cmos_set(0x16, 0x02); // 640 KiB base memory
  const ext = (mem - 0x100000) >> 10;
  const ext16: u32 = ext > 0xffff ? 0xffff : ext;
  cmos_set(0x17, ext16 & 0xff); cmos_set(0x18, ext16 >> 8);
  cmos_set(0x30, ext16 & 0xff); cmos_set(0x31, ext16 >> 8);
  const above16: u32 = mem > 0x1000000 ? (mem - 0x1000000) >> 16 : 0;
  cmos_set(0x34, above16 & 0xff); cmos_set(0x35, (above16 >> 8) & 0xff);
  if (cmos_get(0x32) == 0) cmos_set(0x32, 0x20);
  cmos_update_checksum();

  // the PCI VGA (00:02.0): its linear framebuffer (BAR0) at E0000000h, where the Bochs BIOS
  // puts it, above any RAM size tab86 offers; then I/O and memory decoding on
  io_write32(0xcf8, 0x80001010); io_write32(0xcfc, 0xe0000000);
  io_write32(0xcf8, 0x80001004); io_write16(0xcfc, 0x0003);

  video_set_mode(3);
}

const NO_BOOT: usize = memory.data<u8>([
  0x4e, 0x6f, 0x20, 0x62, 0x6f, 0x6f, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x20, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x2e, 13, 10,
]); // "No bootable device.\r\n"

// INT 19h: try the devices of the boot order (BIOS_BOOT_ORDER, one per nibble: 1 A:, 2 B:,
// 3 the first hard disk, 4 the first CD drive, 5 the kernel the host loaded) and start the
// first that has something to boot: a boot sector at 0000:7C00 with DL = its drive, an El
// Torito image at its load segment, or the kernel. Returns false if none could. The disk reads
// make this service run again (bios/diskio.ts): it then starts over and skips what it read.
export function bootstrap(): bool {
  let order = load<u32>(BIOS_BOOT_ORDER);
  if (order == 0) order = 0x431; // A:, the first hard disk, the first CD
  for (let i = 0; i < 8; i++) {
    const dev = (order >> (i * 4)) & 0xf;
    if (dev == 0) break;
    if ((dev == 1 || dev == 2) && floppy_boot(dev - 1)) { boot_sector(dev - 1); return true; }
    if (dev == 3) {
      const r = hard_disk_boot();
      if (r == IO_PENDING) return true;
      if (r == 1) { boot_sector(0x80); return true; }
    }
    if (dev == 4) {
      const drive = cd_boot();
      if (drive == IO_PENDING) return true;
      if (drive != 0xffff) {
        set_bda8(0x75, hard_disk_count());
        const seg: u32 = load<u16>(BIOS_CDEMU + 8);
        enter_real(seg == 0x7c0 ? 0 : seg, seg == 0x7c0 ? 0x7c00 : 0, 0, 0, 0x7c00);
        w8(DL, drive);
        return true;
      }
    }
    if (dev == 5 && kernel_boot()) return true;
  }
  return false;
}

function boot_sector(drive: u32): void {
  enter_real(0, 0x7c00, 0, 0, 0x7c00);
  w8(DL, drive);
}

export function no_boot(): void { video_print(NO_BOOT, 21); }
