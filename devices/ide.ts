// The IDE controller of the Intel 82371SB PIIX3 (PIIX3 data sheet, 290550), PCI function 00:01.1,
// in legacy (compatibility) mode, with up to four devices: ATA disks (devices/ata.ts) and ATAPI
// CD-ROM drives (devices/atapi.ts). This file is the controller: the task-file registers of both
// channels, the interrupt lines, software reset, the PCI function, the bus master and the
// transfer engine the command sets share. Register semantics: ATA/ATAPI-6 (T13/1410D) §7;
// bus master: PIIX3 data sheet §2.7 and SFF-8038i.
//
//   primary  secondary  read                      write
//   1F0      170        data (16/32 bits)         data
//   1F1      171        error                     features
//   1F2      172        sector count / ATAPI      sector count
//                       interrupt reason
//   1F3-1F5  173-175    LBA low/mid/high (ATAPI byte count in mid/high)
//   1F6      176        device (bit 4 DEV, bit 6 LBA, bits 3-0 head / LBA 27:24)
//   1F7      177        status (clears INTRQ)     command
//   3F6      376        alternate status          device control: bit 1 nIEN, bit 2 SRST,
//                                                 bit 7 HOB
//   BMIBA+0 / +8        bus master command: bit 0 start/stop, bit 3 direction (1 = to memory)
//   BMIBA+2 / +A        bus master status: bit 0 active, bit 1 error, bit 2 interrupt (both
//                       write-one-to-clear), bits 5-6 drive 0/1 DMA capable
//   BMIBA+4 / +C        PRD table address (dword aligned)
// The 48-bit registers are two-deep FIFOs (ATA-6 §7.9): a write pushes the previous value into
// the "high order byte" copy that reads return while device control HOB is set; a write to any
// command block register clears HOB.
//
// Absent devices (ATA-6 §9.16 and the PIIX's floating bus): with no device on a channel nothing
// drives the bus; the host's pull-down on DD7 (ATA-6 §9.1) makes every register read 7Fh (the
// data register FF7Fh). With device 0 present and device 1 absent, device 0 answers for device 1:
// status and alternate status read 00h, the other registers read the shared task file.
//
// Interrupts: each device has an INTRQ pending flag (set when it completes a command or opens
// a DRQ block, cleared by reading status or writing a command, ATA-6 §5.2.9); the channel drives
// IRQ 14/15 while the selected device's flag is set and nIEN is clear. A rising edge sets the
// bus master's interrupt bit. Every transition that interrupts happens after the guest could
// see BSY: either from the host's completion of a disk request (the machine does not run while
// one is posted) or from the EV_IDE event STEP_NS after the command.
//
// Transfers: data of a command flows through the channel's 64 KiB buffer at IDE_BUF + ch * 64K
// (never the whole image: the image is the host's; chunks come and go through the disk request
// slot, core-as/bus/disk.ts, in requests of at most 64 KiB). PIO moves one DRQ block at a time
// through the data register; DMA moves whole chunks through the bus master's PRD table, checking
// every guest address against RAM (an address outside RAM reads FFh and drops writes, as a master
// abort does, and sets the bus master error bit).
//
// Power-on state, as a BIOS POST leaves the function (the built-in BIOS does no PCI set-up):
// command = I/O + bus master enabled, BMIBA = C000h, IDETIM = 8000h on both channels (IDE decode
// enabled; Linux's ata_piix ignores a channel whose decode bit is clear).
//
// DEV_IDE layout (0x400 bytes):
//   +0x000 u32 PCI slot of the function, +0x004 u32 bus master base currently decoded (0 none),
//   +0x008 u32 1 once the function exists (ide_pci.ts)
//   +0x040 + 0x100 * ch  channel ch (C_* offsets below)
//   +0x240 + 0x60 * d    device d = ch * 2 + DEV (D_* offsets below)
import { DEV_IDE, DISK_BUF, PCI_CONFIG, DISK_OWNER_IDE0, DISK_READ, DISK_WRITE, DISK_OK,
  DISK_ERR_RANGE, DISK_ERR_READONLY, DISK_KIND_ATA, DISK_KIND_ATAPI, DISK_INFO, IDE_BUF, IDE_BUF_SIZE } from "../core-as/state";
import { irq_set } from "../core-as/bus/irq";
import { clock_now, event_schedule, event_cancel, EV_IDE } from "../core-as/time";
import { disk_post, disk_release, disk_req_status, disk_kind, disk_size } from "../core-as/bus/disk";
import { prd_move, bm_read, bm_write } from "./ide_bm";
import { ata_command, ata_identify_defaults } from "./ata";
import { atapi_command, atapi_packet } from "./atapi";

// ---- layout
export const G_SLOT: usize = DEV_IDE + 0x000;
export const G_BMBASE: usize = DEV_IDE + 0x004;
@inline export function chan(ch: u32): usize { return <usize>DEV_IDE + 0x40 + (<usize>(ch & 1) << 8); }
@inline export function dev(d: u32): usize { return <usize>DEV_IDE + 0x240 + <usize>(d & 3) * 0x60; }

// channel: the task file (shared by both devices), bus master, transfer state
export const C_FEAT: usize = 0x00; // +1 HOB copy (the same for COUNT, LBAL, LBAM, LBAH)
export const C_COUNT: usize = 0x02;
export const C_LBAL: usize = 0x04;
export const C_LBAM: usize = 0x06;
export const C_LBAH: usize = 0x08;
export const C_DEVICE: usize = 0x0a;
export const C_DEVCTL: usize = 0x0b;
const C_LINE: usize = 0x0c; // level driven on IRQ 14/15
export const C_BMCMD: usize = 0x0d;
export const C_BMSTS: usize = 0x0e;
export const C_XDEV: usize = 0x0f; // the device (0/1) the transfer in progress belongs to
export const C_PRD_TABLE: usize = 0x10; // u32 BMIDTP
export const C_PRD_NEXT: usize = 0x14; // u32 address of the next PRD
export const C_REG_ADDR: usize = 0x18; // u32 current region: address, bytes left, EOT seen
export const C_REG_LEFT: usize = 0x1c;
export const C_REG_EOT: usize = 0x20;
export const C_PRD_DONE: usize = 0x21; // the PRD table is exhausted
export const C_XKIND: usize = 0x22; // X_* below
const C_CONT: usize = 0x23; // what the EV_IDE event does next (CONT_*)
const C_POSTED: usize = 0x24; // 1 while our disk request is posted
const C_WANTPOST: usize = 0x25; // 1: the slot was busy, retry
export const C_ATAPI: usize = 0x26; // the transfer is a packet command's
export const C_FROMDISK: usize = 0x27; // reads fetch chunks from the disk (else the buffer holds all)
export const C_OFFSET: usize = 0x28; // u64 byte offset in the image of the next chunk
export const C_LEFT: usize = 0x30; // u64 bytes still to move between device and host
export const C_BUFLEN: usize = 0x38; // u32 bytes valid in the buffer (reads) / collected (writes)
export const C_BUFPOS: usize = 0x3c; // u32 next byte the host or the bus master moves
const C_DRQEND: usize = 0x40; // u32 end of the current PIO DRQ block in the buffer
export const C_BLOCK: usize = 0x44; // u32 PIO: bytes per DRQ block (ATA) or byte count limit (ATAPI)
const C_POSTOP: usize = 0x4c; // u32 the posted request: op, length
const C_POSTLEN: usize = 0x50;
const C_FIN_ST: usize = 0x54; // status and error to report at the end (CONT_DONE)
const C_FIN_ERR: usize = 0x55;
export const C_PKTPOS: usize = 0x56; // ATAPI: packet bytes received
const C_DEADLINE: usize = 0x58; // u64 EV_IDE deadline (0 = none)
export const C_PACKET: usize = 0x60; // 12 bytes: the ATAPI command packet
export const C_ERRLBA: usize = 0x70; // u64 sector of a failed chunk (ATA error reporting)
export const C_UNIT: usize = 0x78; // u32 sector size of the transfer (512 / 2048)
export const C_PKT_BCL: usize = 0x7c; // u16 ATAPI byte count limit of the PACKET command
export const C_PKT_DMA: usize = 0x7e; // u8 the PACKET command asked for DMA (features bit 0)

// device
export const D_STATUS: usize = 0x00;
export const D_ERROR: usize = 0x01;
const D_INTRQ: usize = 0x02;
export const D_MULT: usize = 0x03; // READ/WRITE MULTIPLE block (0 = disabled)
export const D_PIO: usize = 0x04; // selected PIO mode
export const D_MWDMA: usize = 0x05; // selected multiword DMA mode (0xFF none)
export const D_UDMA: usize = 0x06; // selected Ultra DMA mode (0xFF none)
export const D_POWER: usize = 0x07; // POWER_*
export const D_FEATURES: usize = 0x08; // bit 0 write cache, bit 1 read look-ahead, bit 2 revert to defaults
export const D_CUR_HEADS: usize = 0x09; // INITIALIZE DEVICE PARAMETERS: logical heads, sectors
export const D_CUR_SPT: usize = 0x0a;
export const D_CUR_VALID: usize = 0x0b; // 0: the last INITIALIZE DEVICE PARAMETERS was not valid
export const D_CUR_CYLS: usize = 0x0c; // u32
export const D_DEF_CYLS: usize = 0x10; // u32 default translation (IDENTIFY words 1, 3, 6)
export const D_DEF_HEADS: usize = 0x14;
export const D_DEF_SPT: usize = 0x15;
export const D_SENSE_KEY: usize = 0x18; // ATAPI sense data
export const D_ASC: usize = 0x19;
export const D_ASCQ: usize = 0x1a;
export const D_UA: usize = 0x1b; // a unit attention (medium changed) is pending
export const D_LOCKED: usize = 0x1c; // PREVENT ALLOW MEDIUM REMOVAL
export const D_EVENT: usize = 0x1d; // GET EVENT STATUS NOTIFICATION media event pending (MMC event code)
export const D_DRDY_SEEN: usize = 0x1e; // ATAPI: DRDY once a command ran after reset

export const POWER_STANDBY: u8 = 0;
export const POWER_IDLE: u8 = 1;
export const POWER_ACTIVE: u8 = 2;
export const POWER_SLEEP: u8 = 3;

// transfer kinds
export const X_NONE: u8 = 0;
export const X_PIO_IN: u8 = 1;
export const X_PIO_OUT: u8 = 2;
export const X_DMA_IN: u8 = 3;
export const X_DMA_OUT: u8 = 4;
export const X_PACKET: u8 = 5; // receiving an ATAPI command packet
export const X_VERIFY: u8 = 6; // READ VERIFY: chunks are read, nothing moves

const CONT_NONE: u8 = 0;
const CONT_BLOCK: u8 = 1; // open the next PIO DRQ block (and interrupt)
const CONT_DONE: u8 = 2; // report the command's end: C_FIN_ST/C_FIN_ERR, interrupt
const CONT_POST: u8 = 3; // post the disk request again (the slot was busy)
const CONT_PUMP: u8 = 4; // ATAPI DMA from the buffer: run the bus master

// status and error bits (ATA-6 §7.15, §7.11)
export const ST_BSY: u32 = 0x80;
export const ST_DRDY: u32 = 0x40;
export const ST_DF: u32 = 0x20;
export const ST_DSC: u32 = 0x10;
export const ST_DRQ: u32 = 0x08;
export const ST_ERR: u32 = 0x01;
export const ER_ICRC: u32 = 0x80;
export const ER_UNC: u32 = 0x40;
export const ER_IDNF: u32 = 0x10;
export const ER_ABRT: u32 = 0x04;

// How long a device stays busy before it reports (virtual ns). Real disks take 0.1-10 ms; what
// matters is that the guest can see BSY before the interrupt.
const STEP_NS: u64 = 2_000;

export const BM_ACTIVE: u32 = 0x01;
export const BM_ERROR: u32 = 0x02;
export const BM_INTR: u32 = 0x04;

// ---- small accessors
@inline export function cg(ch: u32, off: usize): u32 { return <u32>load<u8>(chan(ch) + off); }
@inline export function cs(ch: u32, off: usize, v: u32): void { store<u8>(chan(ch) + off, <u8>v); }
@inline export function dg(d: u32, off: usize): u32 { return <u32>load<u8>(dev(d) + off); }
@inline export function ds(d: u32, off: usize, v: u32): void { store<u8>(dev(d) + off, <u8>v); }
@inline export function buf(ch: u32): usize { return <usize>IDE_BUF + (<usize>(ch & 1) << 16); }
@inline export function selected(ch: u32): u32 { return (ch << 1) | ((cg(ch, C_DEVICE) >> 4) & 1); }
@inline export function kind(d: u32): u32 { return disk_kind(d); }
@inline export function present(d: u32): bool { const k = disk_kind(d); return k == DISK_KIND_ATA || k == DISK_KIND_ATAPI; }
@inline export function slot(): u32 { return load<u32>(G_SLOT); }
@inline export function cfg16(reg: u32): u32 { return <u32>load<u16>(PCI_CONFIG + slot() * 0x100 + reg); }

// The task file as the command sets read it: 28-bit LBA/CHS fields and the 48-bit pairs.
@inline export function tf(ch: u32, off: usize): u32 { return cg(ch, off); }
@inline export function tf_hob(ch: u32, off: usize): u32 { return cg(ch, off + 1); }
export function tf_set(ch: u32, off: usize, v: u32): void { cs(ch, off + 1, cg(ch, off)); cs(ch, off, v & 0xff); }

// ---- interrupts
export function update_irq(ch: u32): void {
  const d = selected(ch);
  const level: u32 = dg(d, D_INTRQ) != 0 && (cg(ch, C_DEVCTL) & 2) == 0 && present(d) ? 1 : 0;
  if (level == cg(ch, C_LINE)) return;
  cs(ch, C_LINE, level);
  if (level != 0) cs(ch, C_BMSTS, cg(ch, C_BMSTS) | BM_INTR); // PIIX3 §2.7.2: set on the edge
  irq_set(14 + <i32>ch, level != 0);
}

export function assert_intrq(d: u32): void {
  ds(d, D_INTRQ, 1);
  update_irq(d >> 1);
}

function clear_intrq(d: u32): void {
  if (dg(d, D_INTRQ) == 0) return;
  ds(d, D_INTRQ, 0);
  update_irq(d >> 1);
}

// ---- events
function reschedule(): void {
  const a = load<u64>(chan(0) + C_DEADLINE), b = load<u64>(chan(1) + C_DEADLINE);
  let best = a;
  if (b != 0 && (best == 0 || b < best)) best = b;
  if (best == 0) event_cancel(EV_IDE);
  else event_schedule(EV_IDE, best);
}

function later(ch: u32, what: u8): void {
  cs(ch, C_CONT, what);
  store<u64>(chan(ch) + C_DEADLINE, clock_now() + STEP_NS);
  reschedule();
}

function cancel_later(ch: u32): void {
  cs(ch, C_CONT, CONT_NONE);
  store<u64>(chan(ch) + C_DEADLINE, 0);
  reschedule();
}

export function ide_event(): void {
  const now = clock_now();
  for (let ch: u32 = 0; ch < 2; ch++) {
    const t = load<u64>(chan(ch) + C_DEADLINE);
    if (t == 0 || t > now) continue;
    store<u64>(chan(ch) + C_DEADLINE, 0);
    const what = <u8>cg(ch, C_CONT);
    cs(ch, C_CONT, CONT_NONE);
    switch (what) {
      case CONT_BLOCK: if (cg(ch, C_XKIND) == X_PIO_OUT) next_out_block(ch); else open_block(ch); break;
      case CONT_DONE: report_done(ch); break;
      case CONT_POST: post(ch, cg(ch, C_POSTOP), load<u32>(chan(ch) + C_POSTLEN)); break;
      case CONT_PUMP: pump(ch); break;
      default: break;
    }
  }
  reschedule();
}

// ---- command results (used by ata.ts and atapi.ts)

// The device is busy with the channel's command (nothing else is visible while BSY is set).
export function set_busy(d: u32): void {
  ds(d, D_STATUS, ST_BSY | (dg(d, D_STATUS) & (ST_DRDY | ST_DSC)));
}

// End the command after STEP_NS with this status and error, interrupting.
export function finish(d: u32, status: u32, error: u32): void {
  const ch = d >> 1;
  cs(ch, C_XDEV, d & 1);
  cs(ch, C_XKIND, X_NONE);
  cs(ch, C_FIN_ST, status);
  cs(ch, C_FIN_ERR, error);
  set_busy(d);
  later(ch, CONT_DONE);
}

function report_done(ch: u32): void {
  const d = (ch << 1) | cg(ch, C_XDEV);
  const st = cg(ch, C_FIN_ST);
  ds(d, D_ERROR, cg(ch, C_FIN_ERR));
  ds(d, D_STATUS, st);
  // a packet command ends with I/O = 1, C/D = 1 (ATA-6 §9.10, the status phase)
  if (kind(d) == DISK_KIND_ATAPI && cg(ch, C_ATAPI) != 0) { cs(ch, C_COUNT, 3); cs(ch, C_ATAPI, 0); }
  assert_intrq(d);
}

// ---- the transfer engine

// Start moving `total` bytes to the host: from the disk starting at byte `offset` (from_disk),
// or already in the channel buffer (buffer length = total). block: PIO bytes per DRQ block.
export function start_in(d: u32, dma: bool, total: u64, offset: u64, from_disk: bool, block: u32, atapi: bool, unit: u32): void {
  const ch = d >> 1;
  cs(ch, C_XDEV, d & 1);
  cs(ch, C_XKIND, dma ? X_DMA_IN : X_PIO_IN);
  cs(ch, C_ATAPI, atapi ? 1 : 0);
  cs(ch, C_FROMDISK, from_disk ? 1 : 0);
  store<u64>(chan(ch) + C_OFFSET, offset);
  store<u64>(chan(ch) + C_LEFT, total);
  store<u32>(chan(ch) + C_BLOCK, block);
  store<u32>(chan(ch) + C_UNIT, unit);
  store<u32>(chan(ch) + C_BUFPOS, 0);
  if (from_disk) store<u32>(chan(ch) + C_BUFLEN, 0);
  else store<u32>(chan(ch) + C_BUFLEN, <u32>total);
  set_busy(d);
  if (total == 0) { finish(d, ok_status(d), 0); return; }
  if (from_disk) fetch(ch);
  else if (dma) later(ch, CONT_PUMP);
  else later(ch, CONT_BLOCK);
}

// Start taking `total` bytes from the host, written to the disk at byte `offset`.
export function start_out(d: u32, dma: bool, total: u64, offset: u64, block: u32): void {
  const ch = d >> 1;
  cs(ch, C_XDEV, d & 1);
  cs(ch, C_XKIND, dma ? X_DMA_OUT : X_PIO_OUT);
  cs(ch, C_ATAPI, 0);
  cs(ch, C_FROMDISK, 1);
  store<u64>(chan(ch) + C_OFFSET, offset);
  store<u64>(chan(ch) + C_LEFT, total);
  store<u32>(chan(ch) + C_BLOCK, block);
  store<u32>(chan(ch) + C_UNIT, 512);
  store<u32>(chan(ch) + C_BUFPOS, 0);
  store<u32>(chan(ch) + C_BUFLEN, 0);
  if (dma) { set_busy(d); pump(ch); return; }
  // PIO out: the first DRQ block opens at once, without an interrupt (ATA-6 §9.8 PIO data-out)
  open_out_block(ch);
}

// READ VERIFY: read `total` bytes in chunks (so a failing or missing sector reports an error),
// moving nothing.
export function start_verify(d: u32, total: u64, offset: u64): void {
  const ch = d >> 1;
  cs(ch, C_XDEV, d & 1);
  cs(ch, C_XKIND, X_VERIFY);
  cs(ch, C_ATAPI, 0);
  cs(ch, C_FROMDISK, 1);
  store<u64>(chan(ch) + C_OFFSET, offset);
  store<u64>(chan(ch) + C_LEFT, total);
  store<u32>(chan(ch) + C_UNIT, 512);
  set_busy(d);
  fetch(ch);
}

// The status a device shows when it is ready (ATA: DRDY DSC; ATAPI: DRDY, ATA-6 §8.21).
export function ok_status(d: u32): u32 {
  return kind(d) == DISK_KIND_ATAPI ? ST_DRDY : ST_DRDY | ST_DSC;
}

@inline function xdev(ch: u32): u32 { return (ch << 1) | cg(ch, C_XDEV); }
@inline function left(ch: u32): u64 { return load<u64>(chan(ch) + C_LEFT); }

// Read the next chunk of the transfer from the disk into the channel buffer.
function fetch(ch: u32): void {
  let n = left(ch);
  if (n > <u64>IDE_BUF_SIZE) n = <u64>IDE_BUF_SIZE;
  post(ch, DISK_READ, <u32>n);
}

function post(ch: u32, op: u32, len: u32): void {
  store<u32>(chan(ch) + C_POSTOP, op);
  store<u32>(chan(ch) + C_POSTLEN, len);
  const d = xdev(ch);
  if (op == DISK_WRITE) memory.copy(DISK_BUF, buf(ch), len);
  if (disk_post(DISK_OWNER_IDE0 + ch, d, op, load<u64>(chan(ch) + C_OFFSET), len)) {
    cs(ch, C_POSTED, 1);
    cs(ch, C_WANTPOST, 0);
  } else {
    // another owner's request holds the slot (it is served before the machine runs on)
    cs(ch, C_WANTPOST, 1);
    later(ch, CONT_POST);
  }
}

// The host served our request (core-as/bus/disk.ts disk_done).
export function ide_disk_done(ch: u32): void {
  ch &= 1;
  const status = disk_req_status();
  if (cg(ch, C_POSTED) == 0) { disk_release(); return; } // a reset abandoned it
  cs(ch, C_POSTED, 0);
  const op = load<u32>(chan(ch) + C_POSTOP), len = load<u32>(chan(ch) + C_POSTLEN);
  if (op == DISK_READ && status == DISK_OK) memory.copy(buf(ch), DISK_BUF, len);
  disk_release();
  const d = xdev(ch);
  if (status != DISK_OK) { disk_error(ch, d, op, status); return; }
  const c = chan(ch);
  store<u64>(c + C_ERRLBA, load<u64>(c + C_OFFSET) / <u64>load<u32>(c + C_UNIT));
  store<u64>(c + C_OFFSET, load<u64>(c + C_OFFSET) + <u64>len);
  const k = <u8>cg(ch, C_XKIND);
  if (op == DISK_READ) {
    store<u32>(c + C_BUFLEN, len);
    store<u32>(c + C_BUFPOS, 0);
    if (k == X_VERIFY) {
      store<u64>(c + C_LEFT, left(ch) - <u64>len);
      if (left(ch) == 0) finish(d, ok_status(d), 0);
      else fetch(ch);
    } else if (k == X_PIO_IN) open_block(ch);
    else pump(ch);
    return;
  }
  // a write chunk is on the disk
  store<u32>(c + C_BUFLEN, 0);
  store<u32>(c + C_BUFPOS, 0);
  if (left(ch) == 0) { finish(d, ok_status(d), 0); return; }
  if (k == X_PIO_OUT) { open_out_block(ch); assert_intrq(d); }
  else pump(ch);
}

// A chunk failed: IDNF outside the image, UNC for a failing read, ABRT for a refused write
// (ATA-6 §8.27/§8.62 error outputs); for a packet device the sense data says it.
function disk_error(ch: u32, d: u32, op: u32, status: u32): void {
  const c = chan(ch);
  cs(ch, C_XKIND, X_NONE);
  if (cg(ch, C_ATAPI) != 0 || kind(d) == DISK_KIND_ATAPI) {
    if (status == DISK_ERR_RANGE) atapi_check(d, 0x05, 0x21, 0x00); // LBA out of range
    else atapi_check(d, 0x03, 0x11, 0x00); // medium error: unrecovered read error
    return;
  }
  const lba = load<u64>(c + C_OFFSET) / 512;
  store<u64>(c + C_ERRLBA, lba);
  ata_error_lba(ch, lba);
  let err: u32 = ER_ABRT;
  if (status == DISK_ERR_RANGE) err = ER_IDNF;
  else if (op == DISK_READ) err = ER_UNC;
  else if (status == DISK_ERR_READONLY) err = ER_ABRT;
  finish(d, ok_status(d) | ST_ERR, err);
}

// Put the address of a failing sector into the task file (ATA-6: "the address of the first
// unrecoverable error"), in the form of the command: 48-bit, 28-bit LBA or CHS.
export function ata_error_lba(ch: u32, lba: u64): void {
  const d = selected(ch);
  if ((cg(ch, C_DEVICE) & 0x40) == 0) {
    const heads = <u64>dg(d, D_CUR_HEADS), spt = <u64>dg(d, D_CUR_SPT);
    if (heads == 0 || spt == 0) return;
    const cyl = lba / (heads * spt), rem = lba % (heads * spt);
    cs(ch, C_LBAL, <u32>(rem % spt) + 1);
    cs(ch, C_LBAM, <u32>cyl & 0xff);
    cs(ch, C_LBAH, <u32>(cyl >> 8) & 0xff);
    cs(ch, C_DEVICE, (cg(ch, C_DEVICE) & 0xf0) | <u32>(rem / spt));
    return;
  }
  cs(ch, C_LBAL, <u32>lba & 0xff);
  cs(ch, C_LBAM, <u32>(lba >> 8) & 0xff);
  cs(ch, C_LBAH, <u32>(lba >> 16) & 0xff);
  cs(ch, C_LBAL + 1, <u32>(lba >> 24) & 0xff);
  cs(ch, C_LBAM + 1, <u32>(lba >> 32) & 0xff);
  cs(ch, C_LBAH + 1, <u32>(lba >> 40) & 0xff);
  cs(ch, C_DEVICE, (cg(ch, C_DEVICE) & 0xf0) | (<u32>(lba >> 24) & 0x0f));
}

// A packet command ends with CHECK CONDITION: the sense data is kept for REQUEST SENSE; the
// error register carries the sense key (bits 7-4) and ABRT for an illegal request (ATA-6 §8.21).
export function atapi_check(d: u32, key: u32, asc: u32, ascq: u32): void {
  ds(d, D_SENSE_KEY, key);
  ds(d, D_ASC, asc);
  ds(d, D_ASCQ, ascq);
  cs(d >> 1, C_ATAPI, 1);
  finish(d, ST_DRDY | ST_ERR, (key << 4) | (key == 0x05 ? ER_ABRT : 0));
}

// Open the next PIO data-in DRQ block (ATA) or data phase (ATAPI) from the buffer, fetching
// a chunk first if the buffer is used up.
function open_block(ch: u32): void {
  const c = chan(ch);
  const d = xdev(ch);
  if (cg(ch, C_XKIND) != X_PIO_IN) return;
  const pos = load<u32>(c + C_BUFPOS), len = load<u32>(c + C_BUFLEN);
  if (pos >= len) {
    if (cg(ch, C_FROMDISK) != 0 && left(ch) != 0) { set_busy(d); fetch(ch); return; }
    finish(d, ok_status(d), 0);
    return;
  }
  let n = len - pos;
  const lim = load<u32>(c + C_BLOCK);
  if (cg(ch, C_ATAPI) != 0) {
    // ATAPI byte count limit (ATA-6 §9.10): an odd limit moves an even count unless it is all
    // that is left
    const bcl: u32 = lim == 0 ? 0xfffe : lim;
    if (n > bcl) n = bcl & 0xfffe;
    if (n == 0) n = 2;
    cs(ch, C_LBAM, n & 0xff);
    cs(ch, C_LBAH, (n >> 8) & 0xff);
    cs(ch, C_COUNT, 2); // I/O = 1, C/D = 0: data to the host
  } else if (n > lim) n = lim;
  store<u32>(c + C_DRQEND, pos + n);
  ds(d, D_STATUS, ok_status(d) | ST_DRQ);
  assert_intrq(d);
}

// Open a PIO data-out block of the buffer for the host to fill (no interrupt: the caller
// interrupts when the block follows an earlier one).
function open_out_block(ch: u32): void {
  const c = chan(ch);
  const d = xdev(ch);
  let n = load<u32>(c + C_BLOCK);
  if (<u64>n > left(ch)) n = <u32>left(ch);
  const pos = load<u32>(c + C_BUFPOS);
  store<u32>(c + C_DRQEND, pos + n);
  ds(d, D_STATUS, ok_status(d) | ST_DRQ);
}

// The data register (16 bits; a 32-bit access is two transfers, as the PIIX splits it).
function data_read16(ch: u32): u32 {
  const c = chan(ch);
  const d = selected(ch);
  if (!present(d)) return present(d ^ 1) ? 0xffff : 0xff7f;
  if ((dg(d, D_STATUS) & (ST_DRQ | ST_BSY)) != ST_DRQ || cg(ch, C_XDEV) != (d & 1)) return 0xffff;
  const k = cg(ch, C_XKIND);
  if (k != X_PIO_IN) return 0xffff;
  const pos = load<u32>(c + C_BUFPOS);
  const end = load<u32>(c + C_DRQEND);
  let v: u32 = <u32>load<u16>(buf(ch) + pos);
  if (pos + 1 == end) v &= 0xff; // an odd last byte (ATAPI)
  const np = pos + 2 > end ? end : pos + 2;
  store<u32>(c + C_BUFPOS, np);
  const l = left(ch);
  store<u64>(c + C_LEFT, l > <u64>(np - pos) ? l - <u64>(np - pos) : 0);
  if (np >= end) block_done_in(ch, d);
  return v;
}

function block_done_in(ch: u32, d: u32): void {
  const c = chan(ch);
  if (left(ch) == 0) {
    cs(ch, C_XKIND, X_NONE);
    if (cg(ch, C_ATAPI) != 0) { finish(d, ok_status(d), 0); return; }
    // ATA-6 §9.7 PIO data-in: after the last block the device is ready, without an interrupt
    ds(d, D_STATUS, ok_status(d));
    return;
  }
  set_busy(d);
  if (load<u32>(c + C_BUFPOS) < load<u32>(c + C_BUFLEN)) later(ch, CONT_BLOCK);
  else fetch(ch);
}

function data_write16(ch: u32, v: u32): void {
  const c = chan(ch);
  const d = selected(ch);
  if (!present(d)) return;
  if ((dg(d, D_STATUS) & (ST_DRQ | ST_BSY)) != ST_DRQ || cg(ch, C_XDEV) != (d & 1)) return;
  const k = cg(ch, C_XKIND);
  if (k == X_PACKET) {
    const p = cg(ch, C_PKTPOS);
    if (p < 12) { store<u16>(c + C_PACKET + p, <u16>v); cs(ch, C_PKTPOS, p + 2); }
    if (p + 2 >= 12) { cs(ch, C_XKIND, X_NONE); set_busy(d); atapi_packet(d); }
    return;
  }
  if (k != X_PIO_OUT) return;
  const pos = load<u32>(c + C_BUFPOS);
  const end = load<u32>(c + C_DRQEND);
  store<u16>(buf(ch) + pos, <u16>v);
  store<u32>(c + C_BUFPOS, pos + 2);
  if (pos + 2 < end) return;
  // a block is complete: write the buffer when the command or the buffer ends, else take the
  // next block (ATA-6 §9.8: BSY, then DRQ with an interrupt)
  const n = end - load<u32>(c + C_BUFLEN);
  store<u32>(c + C_BUFLEN, end);
  store<u64>(c + C_LEFT, left(ch) - <u64>n);
  set_busy(d);
  if (left(ch) == 0 || end + load<u32>(c + C_BLOCK) > <u32>IDE_BUF_SIZE) post(ch, DISK_WRITE, end);
  else { open_out_block(ch); set_busy(d); later(ch, CONT_BLOCK); }
}

// The event after a PIO-out block that did not fill the buffer: the next block's DRQ and its
// interrupt.
function next_out_block(ch: u32): void {
  const d = xdev(ch);
  ds(d, D_STATUS, ok_status(d) | ST_DRQ);
  assert_intrq(d);
}

// Run the bus master for a DMA transfer that waits: move what the device has (reads) or wants
// (writes). Nothing moves unless the bus master is started in the device's direction and PCI
// bus mastering is enabled.
export function pump(ch: u32): void {
  const c = chan(ch);
  const k = cg(ch, C_XKIND);
  if (k != X_DMA_IN && k != X_DMA_OUT) return;
  if (cg(ch, C_POSTED) != 0 || cg(ch, C_WANTPOST) != 0) return;
  const d = xdev(ch);
  const to_mem = k == X_DMA_IN;
  // the device requests DMA: DRQ (ATA-6 §9.9)
  ds(d, D_STATUS, ok_status(d) | ST_DRQ);
  if ((cfg16(0x04) & 4) == 0) return;
  const cmd = cg(ch, C_BMCMD);
  if ((cmd & 1) == 0 || (cg(ch, C_BMSTS) & BM_ACTIVE) == 0) return;
  if (((cmd & 8) != 0) != to_mem) return; // the wrong direction: nothing matches the device's DMARQ
  const pos = load<u32>(c + C_BUFPOS);
  if (to_mem) {
    const len = load<u32>(c + C_BUFLEN);
    const moved = prd_move(ch, buf(ch) + pos, len - pos, true);
    store<u32>(c + C_BUFPOS, pos + moved);
    store<u64>(c + C_LEFT, left(ch) - <u64>moved);
    if (pos + moved < len) return; // the table ran out: the device waits with DRQ
    if (left(ch) == 0) { finish(d, ok_status(d), 0); return; }
    if (cg(ch, C_FROMDISK) != 0) { set_busy(d); fetch(ch); }
    return;
  }
  let want = left(ch);
  if (want > <u64>IDE_BUF_SIZE) want = <u64>IDE_BUF_SIZE;
  const moved = prd_move(ch, buf(ch) + pos, <u32>want - pos, false);
  store<u32>(c + C_BUFPOS, pos + moved);
  if (pos + moved < <u32>want) return;
  store<u64>(c + C_LEFT, left(ch) - want);
  set_busy(d);
  post(ch, DISK_WRITE, <u32>want);
}

// An ATAPI DMA transfer of a reply in the buffer starts when the packet is done (atapi.ts).
export function dma_pending(ch: u32): void { pump(ch); }

// ---- reset

// The signature a device leaves in the task file after a reset or a diagnostic (ATA-6 §9.12).
export function set_signature(d: u32): void {
  const ch = d >> 1;
  cs(ch, C_COUNT, 1);
  cs(ch, C_LBAL, 1);
  if (kind(d) == DISK_KIND_ATAPI) { cs(ch, C_LBAM, 0x14); cs(ch, C_LBAH, 0xeb); }
  else { cs(ch, C_LBAM, 0); cs(ch, C_LBAH, 0); }
  cs(ch, C_DEVICE, 0);
}

// Abandon whatever the channel was doing (a reset).
function abort_channel(ch: u32): void {
  cs(ch, C_XKIND, X_NONE);
  cs(ch, C_POSTED, 0); // a posted request's result is dropped (ide_disk_done)
  cs(ch, C_WANTPOST, 0);
  cs(ch, C_ATAPI, 0);
  cancel_later(ch);
}

// A device after power-on, hardware or software reset or EXECUTE DEVICE DIAGNOSTIC: status
// DRDY DSC for a disk, 00h for a packet device (DRDY is clear until a command, ATA-6 §9.12),
// error 01h (passed).
export function device_reset_state(d: u32): void {
  ds(d, D_ERROR, 0x01);
  ds(d, D_STATUS, kind(d) == DISK_KIND_ATAPI ? 0 : ST_DRDY | ST_DSC);
  ds(d, D_INTRQ, 0);
  if (dg(d, D_POWER) == POWER_SLEEP) ds(d, D_POWER, POWER_STANDBY);
  if ((dg(d, D_FEATURES) & 4) != 0 && kind(d) == DISK_KIND_ATA) ata_identify_defaults(d, false);
}

export function soft_reset(ch: u32): void {
  abort_channel(ch);
  for (let i: u32 = 0; i < 2; i++) {
    const d = (ch << 1) | i;
    device_reset_state(d);
  }
  // the task file shows device 0's signature (device 1's if only it exists)
  const d0 = ch << 1;
  set_signature(present(d0) ? d0 : d0 | 1);
  update_irq(ch);
}

// ---- ports

@inline function decoded(ch: u32): bool {
  // PCI command I/O space enable and the channel's IDETIM decode enable (PIIX3 §2.3.8)
  return (cfg16(0x04) & 1) != 0 && (cfg16(0x40 + ch * 2) & 0x8000) != 0;
}

export function ide_is_data(port: u32): bool {
  return port == 0x1f0 || port == 0x170;
}

export function ide_read(port: u32, size: u32): u32 {
  if (port == 0x1f0 || port == 0x170) {
    const ch: u32 = port == 0x170 ? 1 : 0;
    if (!decoded(ch)) return size == 4 ? 0xffffffff : size == 2 ? 0xffff : 0xff;
    if (size == 4) return data_read16(ch) | (data_read16(ch) << 16);
    const w = data_read16(ch);
    return size == 2 ? w : w & 0xff;
  }
  return read8(port);
}

export function ide_write(port: u32, size: u32, v: u32): void {
  if (port == 0x1f0 || port == 0x170) {
    const ch: u32 = port == 0x170 ? 1 : 0;
    if (!decoded(ch)) return;
    data_write16(ch, v & 0xffff);
    if (size == 4) data_write16(ch, v >>> 16);
    return;
  }
  write8(port, v & 0xff);
}

@inline function bm_base(): u32 { return load<u32>(G_BMBASE); }

function read8(port: u32): u32 {
  const bm = bm_base();
  if (bm != 0 && port >= bm && port < bm + 16) return (cfg16(0x04) & 1) != 0 ? bm_read(port - bm) : 0xff;
  let ch: u32, reg: u32;
  if (port >= 0x1f0 && port <= 0x1f7) { ch = 0; reg = port - 0x1f0; }
  else if (port >= 0x170 && port <= 0x177) { ch = 1; reg = port - 0x170; }
  else if (port == 0x3f6) { ch = 0; reg = 8; }
  else if (port == 0x376) { ch = 1; reg = 8; }
  else return 0xff;
  if (!decoded(ch)) return 0xff;
  const d = selected(ch);
  if (!present(d)) {
    // device 0 answers for an absent device 1 (status 00h); with nobody there the bus floats
    if (!present(d ^ 1) || (d & 1) == 0) return 0x7f;
    if (reg == 7 || reg == 8) return 0;
  }
  const hob = (cg(ch, C_DEVCTL) & 0x80) != 0 ? 1 : 0;
  switch (reg) {
    case 1: return dg(present(d) ? d : d ^ 1, D_ERROR); // not a FIFO: HOB does not change it
    case 2: return cg(ch, C_COUNT + hob);
    case 3: return cg(ch, C_LBAL + hob);
    case 4: return cg(ch, C_LBAM + hob);
    case 5: return cg(ch, C_LBAH + hob);
    case 6: return cg(ch, C_DEVICE) | 0xa0; // obsolete bits 7 and 5 read as one
    case 7: {
      const s = dg(d, D_STATUS);
      if (present(d)) clear_intrq(d); // ATA-6 §7.15: reading status clears a pending interrupt
      return s;
    }
    case 8: return dg(d, D_STATUS); // alternate status: the same, leaving INTRQ alone
    default: return 0xff;
  }
}

function write8(port: u32, v: u32): void {
  const bm = bm_base();
  if (bm != 0 && port >= bm && port < bm + 16) { if ((cfg16(0x04) & 1) != 0) bm_write(port - bm, v); return; }
  let ch: u32, reg: u32;
  if (port >= 0x1f0 && port <= 0x1f7) { ch = 0; reg = port - 0x1f0; }
  else if (port >= 0x170 && port <= 0x177) { ch = 1; reg = port - 0x170; }
  else if (port == 0x3f6) { ch = 0; reg = 8; }
  else if (port == 0x376) { ch = 1; reg = 8; }
  else return;
  if (!decoded(ch)) return;
  if (reg == 8) { write_devctl(ch, v); return; }
  // Both devices latch the command block registers (ATA-6 §7.1)
  cs(ch, C_DEVCTL, cg(ch, C_DEVCTL) & 0x7f); // any command block write clears HOB
  switch (reg) {
    case 1: tf_set(ch, C_FEAT, v); return;
    case 2: tf_set(ch, C_COUNT, v); return;
    case 3: tf_set(ch, C_LBAL, v); return;
    case 4: tf_set(ch, C_LBAM, v); return;
    case 5: tf_set(ch, C_LBAH, v); return;
    case 6: cs(ch, C_DEVICE, v & 0x5f); update_irq(ch); return;
    case 7: command(ch, v); return;
    default: return;
  }
}

function write_devctl(ch: u32, v: u32): void {
  const old = cg(ch, C_DEVCTL);
  cs(ch, C_DEVCTL, v & 0x86);
  if ((v & 4) != 0 && (old & 4) == 0) {
    // SRST asserted: both devices are busy until it is released (ATA-6 §9.2)
    abort_channel(ch);
    for (let i: u32 = 0; i < 2; i++) { const d = (ch << 1) | i; ds(d, D_STATUS, ST_BSY); ds(d, D_INTRQ, 0); }
  } else if ((v & 4) == 0 && (old & 4) != 0) {
    soft_reset(ch);
  }
  update_irq(ch);
}

function command(ch: u32, cmd: u32): void {
  const d = selected(ch);
  // EXECUTE DEVICE DIAGNOSTIC goes to both devices whichever is selected (ATA-6 §8.11)
  if (cmd == 0x90) { diagnostic(ch); return; }
  if (!present(d)) return; // nobody takes it
  // A device takes no command while BSY or DRQ is set (ATA-6 §7.4: the host shall not write
  // it then); DEVICE RESET is the exception for a packet device (ATA-6 §8.10).
  const busy = (dg(d, D_STATUS) & (ST_BSY | ST_DRQ)) != 0 || cg(ch, C_POSTED) != 0;
  if (busy && !(cmd == 0x08 && kind(d) == DISK_KIND_ATAPI)) return;
  if (busy) abort_channel(ch);
  clear_intrq(d);
  cs(ch, C_XDEV, d & 1);
  if (kind(d) == DISK_KIND_ATAPI) atapi_command(d, cmd);
  else ata_command(d, cmd);
}

function diagnostic(ch: u32): void {
  abort_channel(ch);
  for (let i: u32 = 0; i < 2; i++) device_reset_state((ch << 1) | i);
  const d0 = ch << 1;
  set_signature(present(d0) ? d0 : d0 | 1);
  // device 0 reports 01h (device 0 passed, device 1 passed or absent) and interrupts
  const d = present(d0) ? d0 : d0 | 1;
  cs(ch, C_XDEV, d & 1);
  cs(ch, C_FIN_ST, dg(d, D_STATUS));
  cs(ch, C_FIN_ERR, 0x01);
  ds(d, D_STATUS, ST_BSY);
  later(ch, CONT_DONE);
}

// A packet device asks for the 12-byte command packet: DRQ with C/D = 1, I/O = 0 and no
// interrupt (IDENTIFY PACKET DEVICE word 0 bits 6-5 = 10b, accelerated DRQ; ATA-6 §9.10).
export function expect_packet(d: u32): void {
  const ch = d >> 1;
  cs(ch, C_XDEV, d & 1);
  cs(ch, C_XKIND, X_PACKET);
  cs(ch, C_PKTPOS, 0);
  cs(ch, C_COUNT, 1);
  ds(d, D_STATUS, ST_DRDY | ST_DRQ);
}

// Host test hook: the level on IRQ 14 + ch.
export function ide_irq_level(ch: u32): bool { return cg(ch & 1, C_LINE) != 0; }

// the number of sectors (of the device's size) for the command sets
export function sectors(d: u32, unit: u32): u64 { return disk_size(d) / <u64>unit; }
export function drive_info_flags(d: u32): usize { return <usize>DISK_INFO + <usize>d * 16 + 12; }

export function posted(ch: u32): bool { return cg(ch, C_POSTED) != 0; }
