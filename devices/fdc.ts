// Intel 82077AA floppy disk controller in PC-AT mode (Intel 82077AA data sheet, 290166), with
// drives A: and B:. Programs and kernels that drive the controller themselves (Linux's floppy
// driver, DOS formatters) use it; the BIOS's INT 13h reads the images directly.
//
//   port   read                              write
//   3F0    SRA (PS/2 style status A)         -
//   3F1    SRB (PS/2 style status B)         -
//   3F2    DOR                               DOR: bits 0-1 drive select, bit 2 /RESET (0 holds
//                                            the chip in reset; 0->1 ends it), bit 3 DMA gate
//                                            (gates DRQ and INT in AT mode), bits 4-7 motors
//   3F3    TDR                               TDR (tape drive select, stored)
//   3F4    MSR: 7 RQM, 6 DIO (1 = to CPU),   DSR: bit 7 software reset (self clearing),
//          5 NDMA, 4 CB, 3-0 drive busy      bit 6 power down, 1-0 data rate
//   3F5    FIFO: result bytes, PIO data      FIFO: command bytes, PIO data
//   3F7    DIR: bit 7 disk change            CCR: bits 1-0 data rate
// (3F6 is the IDE controller's.)
//
// Data rates (DSR/CCR bits 1-0): 0 = 500 kb/s, 1 = 300, 2 = 250, 3 = 1000. A disk is readable
// only at its own rate (1.44M/1.2M/DMF 500, 720K/360K 250 (360K also 300, as in a 1.2M drive),
// 2.88M 1000): at another rate no address mark is found (ST1 MA), which is how drivers such
// as Linux's detect the format.
//
// Images: drive n's bytes are at FLOPPY + n * FLOPPY_MAX, copied there by the host, which then
// calls fdc_insert(n, size, wp); the geometry comes from the size. Sector IDs on a track are
// (C = physical cylinder, H = physical head, R = 1..spt, N = 2). Every image access is checked
// against the inserted size, and guest memory is reached only through the DMA API (channel 2).
//
// Timing (virtual, EV_FDC): a rotation is 200 ms (300 rpm; 1.2M drives 360 rpm); each sector takes rotation/spt; a
// seek takes (16 - SRT) ms per step at 500 kb/s (x2 at 250, x1.67 at 300, x0.5 at 1000); a
// sector that is not found is reported after two index pulses (two rotations).
//
// Interrupt (IRQ 6): asserted when a read/write/format/verify/READ ID result phase begins
// (cleared by reading the first result byte), when a seek or recalibrate ends and after a reset
// (cleared by SENSE INTERRUPT STATUS), and in PIO execution while the FIFO wants service.
// Power-on state: as a BIOS POST leaves it, DOR = 0x0C (out of reset, DMA/IRQ enabled).
//
// DEV_FDC layout (0x100 bytes):
//   +0x00 u8 DOR  +0x01 TDR  +0x02 DSR  +0x03 data rate  +0x04 phase  +0x05 INT (result/PIO)
//   +0x06 command length  +0x07 command bytes received  +0x08 result length  +0x09 result read
//   +0x0A reset statuses pending (bit n: drive n)  +0x0B level driven on IRQ 6
//   +0x10 16 x u8 command bytes   +0x20 16 x u8 result bytes
//   +0x30 SPECIFY byte 1 (SRT/HUT), +0x31 byte 2 (HLT/ND), +0x32 CONFIGURE byte 2
//         (EIS EFIFO POLL FIFOTHR), +0x33 PRETRK, +0x34 LOCK, +0x35 PERPENDICULAR, +0x36 SC/EOT
//   +0x40 execution: op, drive, physical head, C, H, R, N, EOT, ST0, ST1, ST2, MT, SK, flags
//         (bit 0 PIO, bit 1 TC seen), sectors left (VERIFY EC), format sectors left
//   +0x50 u32 PIO: image offset of the sector, +0x54 u32 byte index, +0x58 u32 bytes in the
//         PIO unit, +0x5C 4 x u8 format ID bytes
//   +0x60 + 16*n drive n: type (CMOS code, 0 = none), disk in, write protected, PCN, physical
//         cylinder, disk change, seek status (bit 7 pending, ST0 in the rest), busy,
//         cylinders, heads, spt, rate mask (bit r: readable at rate r), u32 image size
//   +0xA0 u64 execution deadline, +0xA8 4 x u64 seek deadlines (0 = none)
import { DEV_FDC, FLOPPY, FLOPPY_MAX } from "../core-as/state";
import { port_claim, PORT_DEV_FDC } from "../core-as/bus/ports";
import { irq_set } from "../core-as/bus/irq";
import { clock_now, event_schedule, event_cancel, EV_FDC } from "../core-as/time";
import { dma_ready, dma_request, dma_write_to_memory, dma_read_from_memory, dma_terminal_count } from "./dma";
import { cmos_set, cmos_get, cmos_update_checksum } from "./rtc";

const F: usize = <usize>DEV_FDC;
const R_DOR: usize = F + 0x00;
const R_TDR: usize = F + 0x01;
const R_DSR: usize = F + 0x02;
const R_RATE: usize = F + 0x03;
const R_PHASE: usize = F + 0x04;
const R_INT: usize = F + 0x05;
const R_CMDLEN: usize = F + 0x06;
const R_CMDPOS: usize = F + 0x07;
const R_RESLEN: usize = F + 0x08;
const R_RESPOS: usize = F + 0x09;
const R_RESETPEND: usize = F + 0x0a;
const R_IRQLINE: usize = F + 0x0b;
const CMD: usize = F + 0x10;
const RES: usize = F + 0x20;
const R_SPEC1: usize = F + 0x30;
const R_SPEC2: usize = F + 0x31;
const R_CONFIG: usize = F + 0x32;
const R_PRETRK: usize = F + 0x33;
const R_LOCK: usize = F + 0x34;
const R_PERP: usize = F + 0x35;
const R_SCEOT: usize = F + 0x36;
const X_OP: usize = F + 0x40;
const X_DRIVE: usize = F + 0x41;
const X_PHEAD: usize = F + 0x42;
const X_C: usize = F + 0x43;
const X_H: usize = F + 0x44;
const X_R: usize = F + 0x45;
const X_N: usize = F + 0x46;
const X_EOT: usize = F + 0x47;
const X_ST0: usize = F + 0x48;
const X_ST1: usize = F + 0x49;
const X_ST2: usize = F + 0x4a;
const X_MT: usize = F + 0x4b;
const X_SK: usize = F + 0x4c;
const X_FLAGS: usize = F + 0x4d;
const X_LEFT: usize = F + 0x4e;
const X_FMTLEFT: usize = F + 0x4f;
const X_PIO_OFF: usize = F + 0x50;
const X_PIO_IDX: usize = F + 0x54;
const X_PIO_LEN: usize = F + 0x58;
const X_FMT_ID: usize = F + 0x5c;
@inline function drv(n: u32): usize { return F + 0x60 + ((<usize>n & 3) << 4); }
const D_TYPE: usize = 0;
const D_DISK: usize = 1;
const D_WP: usize = 2;
const D_PCN: usize = 3;
const D_PCYL: usize = 4;
const D_CHANGE: usize = 5;
const D_SEEKST: usize = 6;
const D_BUSY: usize = 7;
const D_CYLS: usize = 8;
const D_HEADS: usize = 9;
const D_SPT: usize = 10;
const D_RATES: usize = 11;
const D_SIZE: usize = 12;
const T_EXEC: usize = F + 0xa0;
@inline function t_seek(n: u32): usize { return F + 0xa8 + ((<usize>n & 3) << 3); }

// phases
const PH_COMMAND: u8 = 0; // idle or receiving command bytes
const PH_EXEC: u8 = 1; // execution (waiting for the event, or PIO data)
const PH_RESULT: u8 = 2;
const PH_RESET: u8 = 3; // held in reset by DOR bit 2 = 0

// execution operations
const OP_READ: u8 = 1;
const OP_WRITE: u8 = 2;
const OP_VERIFY: u8 = 3;
const OP_READID: u8 = 4;
const OP_FORMAT: u8 = 5;
const OP_READ_DEL: u8 = 6;

const FL_PIO: u8 = 1;
const FL_WAITING_HOST: u8 = 2; // PIO: the FIFO is being served by the CPU

// status bits
const ST0_ABNORMAL: u32 = 0x40;
const ST0_INVALID: u32 = 0x80;
const ST0_SE: u32 = 0x20;
const ST0_EC: u32 = 0x10;
const ST0_NR: u32 = 0x08;
const ST1_EN: u32 = 0x80;
const ST1_OR: u32 = 0x10;
const ST1_ND: u32 = 0x04;
const ST1_NW: u32 = 0x02;
const ST1_MA: u32 = 0x01;
const ST2_CM: u32 = 0x40;
const ST2_WC: u32 = 0x10;

const MSR_RQM: u32 = 0x80;
const MSR_DIO: u32 = 0x40;
const MSR_NDMA: u32 = 0x20;
const MSR_CB: u32 = 0x10;

const ROTATION_NS: u64 = 200_000_000; // 300 rpm
const SECTOR: u32 = 512;
const DMA_CH: u32 = 2;
const MAX_PHYS_CYL: u32 = 83; // how far the head can step

// ---- small helpers
@inline function g(a: usize): u32 { return <u32>load<u8>(a); }
@inline function s(a: usize, v: u32): void { store<u8>(a, <u8>v); }

function update_irq(): void {
  let pending = g(R_INT) != 0 || g(R_RESETPEND) != 0;
  for (let n: u32 = 0; n < 4; n++) if ((g(drv(n) + D_SEEKST) & 0x80) != 0) pending = true;
  // AT mode: DOR bit 3 gates the INT output
  const level: u32 = pending && (g(R_DOR) & 8) != 0 ? 1 : 0;
  if (level != g(R_IRQLINE)) {
    s(R_IRQLINE, level);
    irq_set(6, level != 0);
  }
}

function reschedule(): void {
  let best: u64 = 0;
  const e = load<u64>(T_EXEC);
  if (e != 0) best = e;
  for (let n: u32 = 0; n < 4; n++) {
    const t = load<u64>(t_seek(n));
    if (t != 0 && (best == 0 || t < best)) best = t;
  }
  if (best == 0) event_cancel(EV_FDC);
  else event_schedule(EV_FDC, best);
}

function exec_after(ns: u64): void {
  store<u64>(T_EXEC, clock_now() + (ns == 0 ? 1 : ns));
  reschedule();
}

// 1.2M drives spin at 360 rpm, the others at 300
@inline function rotation_ns(d: usize): u64 {
  return g(d + D_TYPE) == 2 ? 166_666_667 : ROTATION_NS;
}

@inline function sector_ns(d: usize): u64 {
  const spt = g(d + D_SPT);
  return rotation_ns(d) / <u64>(spt == 0 ? 18 : spt);
}

// step time in ns for the current data rate (SPECIFY SRT, data sheet table)
function step_ns(): u64 {
  const srt = <u64>(16 - (g(R_SPEC1) >> 4));
  switch (g(R_RATE) & 3) {
    case 0: return srt * 1_000_000;
    case 1: return srt * 1_666_666;
    case 2: return srt * 2_000_000;
    default: return srt * 500_000;
  }
}

// ---- init, reset
export function fdc_init(): void {
  memory.fill(F, 0, 0x100);
  port_claim(0x3f0, 6, PORT_DEV_FDC);
  port_claim(0x3f7, 1, PORT_DEV_FDC);
  s(R_DSR, 0x02);
  s(R_RATE, 2);
  s(R_CONFIG, 0x20); // EFIFO = 1 (FIFO disabled), polling enabled, threshold 0
  s(R_DOR, 0x0c);
  for (let n: u32 = 0; n < 4; n++) s(drv(n) + D_CHANGE, 1);
  s(R_PHASE, PH_COMMAND);
}

function enter_reset(): void {
  s(R_PHASE, PH_RESET);
  s(R_INT, 0);
  s(R_RESETPEND, 0);
  s(R_CMDPOS, 0);
  store<u64>(T_EXEC, 0);
  for (let n: u32 = 0; n < 4; n++) {
    const d = drv(n);
    s(d + D_SEEKST, 0);
    s(d + D_BUSY, 0);
    store<u64>(t_seek(n), 0);
  }
  dma_request(DMA_CH, false);
  reschedule();
  update_irq();
}

function leave_reset(): void {
  s(R_PHASE, PH_COMMAND);
  s(R_CMDPOS, 0);
  if (g(R_LOCK) == 0) {
    s(R_CONFIG, 0x20);
    s(R_PRETRK, 0);
  }
  s(R_PERP, g(R_PERP) & 0x3c); // GAP and WGATE clear; the drive bits stay
  s(R_DSR, g(R_DSR) & 0x3f);
  // the controller forgets where the heads are
  for (let n: u32 = 0; n < 4; n++) s(drv(n) + D_PCN, 0);
  // with polling enabled, four "ready changed" statuses for SENSE INTERRUPT STATUS
  s(R_RESETPEND, (g(R_CONFIG) & 0x10) == 0 ? 0x0f : 0);
  s(R_INT, (g(R_CONFIG) & 0x10) == 0 ? 0 : 1); // polling off: a plain reset interrupt
  update_irq();
}

// ---- ports
export function fdc_read(port: u32): u32 {
  switch (port) {
    case 0x3f0: return read_sra();
    case 0x3f1: {
      const dor = g(R_DOR);
      return 0xc0 | ((dor & 1) << 5) | ((dor >> 4) & 3);
    }
    case 0x3f2: return g(R_DOR);
    case 0x3f3: return g(R_TDR) & 3;
    case 0x3f4: return read_msr();
    case 0x3f5: return read_fifo();
    case 0x3f7: {
      const d = drv(g(R_DOR) & 3);
      return g(d + D_TYPE) != 0 && g(d + D_CHANGE) != 0 ? 0x80 : 0x00;
    }
    default: return 0xff;
  }
}

export function fdc_write(port: u32, v: u32): void {
  switch (port) {
    case 0x3f2: {
      const old = g(R_DOR);
      s(R_DOR, v);
      if ((v & 4) == 0) { if ((old & 4) != 0 || g(R_PHASE) != PH_RESET) enter_reset(); }
      else if ((old & 4) == 0) leave_reset();
      update_irq();
      break;
    }
    case 0x3f3: s(R_TDR, v & 3); break;
    case 0x3f4:
      s(R_DSR, v & 0x7f);
      s(R_RATE, v & 3);
      if ((v & 0x80) != 0) { enter_reset(); if ((g(R_DOR) & 4) != 0) leave_reset(); }
      break;
    case 0x3f5: write_fifo(v); break;
    case 0x3f7: s(R_RATE, v & 3); s(R_DSR, (g(R_DSR) & 0xfc) | (v & 3)); break;
    default: break;
  }
}

function read_sra(): u32 {
  const n = g(R_DOR) & 3;
  const d = drv(n);
  let v: u32 = 0;
  if (g(R_IRQLINE) != 0 || g(R_INT) != 0) v |= 0x80;
  if (g(drv(1) + D_TYPE) == 0) v |= 0x40; // /DRV2: no second drive
  if (!(g(d + D_TYPE) != 0 && g(d + D_PCYL) == 0)) v |= 0x10; // /TRK0
  if (!(g(d + D_DISK) != 0 && g(d + D_WP) != 0)) v |= 0x02; // /WP
  v |= 0x04; // /INDEX (not at the index hole)
  return v;
}

function read_msr(): u32 {
  const ph = g(R_PHASE);
  let v: u32 = 0;
  for (let n: u32 = 0; n < 4; n++) if (g(drv(n) + D_BUSY) != 0) v |= 1 << n;
  switch (ph) {
    case PH_RESET: return 0;
    case PH_COMMAND:
      v |= MSR_RQM;
      if (g(R_CMDPOS) != 0) v |= MSR_CB;
      return v;
    case PH_RESULT: return v | MSR_RQM | MSR_DIO | MSR_CB;
    default: { // execution
      v |= MSR_CB;
      const fl = g(X_FLAGS);
      if ((fl & FL_PIO) != 0) {
        v |= MSR_NDMA;
        if ((fl & FL_WAITING_HOST) != 0) {
          v |= MSR_RQM;
          if (g(X_OP) == OP_READ || g(X_OP) == OP_READ_DEL) v |= MSR_DIO;
        }
      }
      return v;
    }
  }
}

function read_fifo(): u32 {
  const ph = g(R_PHASE);
  if (ph == PH_RESULT) {
    const pos = g(R_RESPOS);
    const v = g(RES + pos);
    if (pos == 0 && g(R_INT) != 0) { s(R_INT, 0); update_irq(); }
    if (pos + 1 >= g(R_RESLEN)) { s(R_PHASE, PH_COMMAND); s(R_CMDPOS, 0); }
    else s(R_RESPOS, pos + 1);
    return v;
  }
  if (ph == PH_EXEC && (g(X_FLAGS) & (FL_PIO | FL_WAITING_HOST)) == (FL_PIO | FL_WAITING_HOST)) {
    const op = g(X_OP);
    if (op == OP_READ || op == OP_READ_DEL) return pio_byte_out();
  }
  return 0xff;
}

function write_fifo(v: u32): void {
  const ph = g(R_PHASE);
  if (ph == PH_COMMAND) {
    let pos = g(R_CMDPOS);
    if (pos == 0) {
      const len = command_length(v);
      s(R_CMDLEN, len);
    }
    s(CMD + pos, v);
    pos++;
    s(R_CMDPOS, pos);
    if (pos >= g(R_CMDLEN)) { s(R_CMDPOS, 0); execute(); }
    return;
  }
  if (ph == PH_EXEC && (g(X_FLAGS) & (FL_PIO | FL_WAITING_HOST)) == (FL_PIO | FL_WAITING_HOST)) {
    const op = g(X_OP);
    if (op == OP_WRITE || op == OP_FORMAT) pio_byte_in(v);
  }
}

// Command lengths (opcode byte included); 1 for an invalid opcode (answered with ST0 = 0x80).
function command_length(c: u32): u32 {
  switch (c & 0x1f) {
    case 0x06: case 0x0c: case 0x16: return 9; // READ DATA, READ DELETED, VERIFY (MT MFM SK)
    case 0x05: case 0x09: return (c & 0x20) == 0 ? 9 : 1; // WRITE (MT MFM)
    case 0x0a: return (c & 0xa0) == 0 ? 2 : 1; // READ ID (MFM)
    case 0x0d: return (c & 0xa0) == 0 ? 6 : 1; // FORMAT TRACK (MFM)
    case 0x0f: return (c == 0x0f || c == 0x8f || c == 0xcf) ? 3 : 1; // SEEK, relative seek
    default: break;
  }
  switch (c) {
    case 0x03: return 3; // SPECIFY
    case 0x04: return 2; // SENSE DRIVE STATUS
    case 0x07: return 2; // RECALIBRATE
    case 0x12: return 2; // PERPENDICULAR MODE
    case 0x13: return 4; // CONFIGURE
    default: return 1; // SENSE INTERRUPT, VERSION, DUMPREG, LOCK, invalid
  }
}

function result(n: u32, irq: bool): void {
  s(R_RESLEN, n);
  s(R_RESPOS, 0);
  s(R_PHASE, PH_RESULT);
  if (irq) { s(R_INT, 1); }
  update_irq();
}

function result1(v: u32): void {
  s(RES, v);
  result(1, false);
}

// ---- command execution
function execute(): void {
  const c = g(CMD);
  const low = c & 0x1f;
  const len = g(R_CMDLEN);
  if (len == 9 || (low == 0x0a && len == 2) || (low == 0x0d && len == 6)) { start_transfer(c); return; }
  switch (c) {
    case 0x03: // SPECIFY
      s(R_SPEC1, g(CMD + 1));
      s(R_SPEC2, g(CMD + 2));
      s(R_PHASE, PH_COMMAND);
      return;
    case 0x04: { // SENSE DRIVE STATUS
      const hds = g(CMD + 1) & 7;
      const d = drv(hds & 3);
      let st3: u32 = 0x28 | hds;
      if (g(d + D_DISK) == 0 || g(d + D_WP) != 0) st3 |= 0x40;
      if (g(d + D_TYPE) != 0 && g(d + D_PCYL) == 0) st3 |= 0x10;
      result1(st3);
      return;
    }
    case 0x07: // RECALIBRATE
      start_seek(g(CMD + 1) & 7, -1, true);
      return;
    case 0x0f: // SEEK
      start_seek(g(CMD + 1) & 7, <i32>g(CMD + 2), false);
      return;
    case 0x8f: case 0xcf: { // relative seek (bit 6: towards higher cylinders)
      const n = g(CMD + 1) & 3;
      const pcn = <i32>g(drv(n) + D_PCN);
      const rcn = <i32>g(CMD + 2);
      let target = (c & 0x40) != 0 ? pcn + rcn : pcn - rcn;
      if (target < 0) target = 0;
      if (target > 255) target = 255;
      start_seek(g(CMD + 1) & 7, target, false);
      return;
    }
    case 0x08: sense_interrupt(); return;
    case 0x10: result1(0x90); return; // VERSION: an enhanced controller
    case 0x0e: { // DUMPREG
      for (let n: u32 = 0; n < 4; n++) s(RES + n, g(drv(n) + D_PCN));
      s(RES + 4, g(R_SPEC1));
      s(RES + 5, g(R_SPEC2));
      s(RES + 6, g(R_SCEOT));
      s(RES + 7, (g(R_LOCK) << 7) | (g(R_PERP) & 0x3f));
      s(RES + 8, g(R_CONFIG) & 0x7f);
      s(RES + 9, g(R_PRETRK));
      result(10, false);
      return;
    }
    case 0x12: { // PERPENDICULAR MODE: OW (bit 7) allows D3-D0 to change
      const b = g(CMD + 1);
      let p = (g(R_PERP) & 0x3c) | (b & 3);
      if ((b & 0x80) != 0) p = (b & 0x3f);
      s(R_PERP, p);
      s(R_PHASE, PH_COMMAND);
      return;
    }
    case 0x13: // CONFIGURE
      s(R_CONFIG, g(CMD + 2) & 0x7f);
      s(R_PRETRK, g(CMD + 3));
      s(R_PHASE, PH_COMMAND);
      return;
    case 0x14: case 0x94: // LOCK
      s(R_LOCK, c >> 7);
      result1((c >> 7) << 4);
      return;
    default:
      result1(ST0_INVALID);
      return;
  }
}

function sense_interrupt(): void {
  const pend = g(R_RESETPEND);
  if (pend != 0) {
    let n: u32 = 0;
    while ((pend & (1 << n)) == 0) n++;
    s(R_RESETPEND, pend & ~(1 << n));
    s(RES, 0xc0 | n);
    s(RES + 1, g(drv(n) + D_PCN));
    s(R_INT, 0);
    result(2, false);
    return;
  }
  for (let n: u32 = 0; n < 4; n++) {
    const d = drv(n);
    const st = g(d + D_SEEKST);
    if ((st & 0x80) != 0) {
      s(d + D_SEEKST, 0);
      s(d + D_BUSY, 0);
      s(RES, st & 0x7f);
      s(RES + 1, g(d + D_PCN));
      s(R_INT, 0);
      result(2, false);
      return;
    }
  }
  if (g(R_INT) != 0 && (g(R_CONFIG) & 0x10) != 0) {
    // polling disabled: the plain reset interrupt
    s(R_INT, 0);
    s(RES, 0xc0 | (g(R_DOR) & 3));
    s(RES + 1, g(drv(g(R_DOR) & 3) + D_PCN));
    result(2, false);
    return;
  }
  result1(ST0_INVALID);
}

// target < 0: recalibrate
function start_seek(hds: u32, target: i32, recal: bool): void {
  const n = hds & 3;
  const d = drv(n);
  s(R_PHASE, PH_COMMAND);
  const installed = g(d + D_TYPE) != 0;
  const pcyl = <i32>g(d + D_PCYL);
  let steps: i32;
  let st0: u32 = ST0_SE | hds;
  if (recal) {
    steps = installed ? (pcyl < 79 ? pcyl : 79) : 79;
    let np = pcyl - steps;
    if (!installed || np != 0) st0 |= ST0_ABNORMAL | ST0_EC; // track 0 never seen
    if (np < 0) np = 0;
    s(d + D_PCYL, <u32>np);
    s(d + D_PCN, 0);
  } else {
    const delta = target - <i32>g(d + D_PCN);
    steps = delta < 0 ? -delta : delta;
    let np = pcyl + delta;
    if (np < 0) np = 0;
    if (np > <i32>MAX_PHYS_CYL) np = <i32>MAX_PHYS_CYL;
    s(d + D_PCYL, <u32>np);
    s(d + D_PCN, <u32>target);
  }
  // a step pulse with a disk in the drive resets the disk change line
  if (steps != 0 && installed && g(d + D_DISK) != 0) s(d + D_CHANGE, 0);
  s(d + D_BUSY, 1);
  s(d + D_SEEKST, st0 & 0x7f); // not pending until it completes
  store<u64>(t_seek(n), clock_now() + 50_000 + <u64>steps * step_ns());
  reschedule();
}

export function fdc_event(): void {
  const now = clock_now();
  for (let n: u32 = 0; n < 4; n++) {
    const t = load<u64>(t_seek(n));
    if (t != 0 && t <= now) {
      store<u64>(t_seek(n), 0);
      const d = drv(n);
      s(d + D_SEEKST, g(d + D_SEEKST) | 0x80);
    }
  }
  const e = load<u64>(T_EXEC);
  if (e != 0 && e <= now) {
    store<u64>(T_EXEC, 0);
    if (g(R_PHASE) == PH_EXEC) exec_step();
  }
  reschedule();
  update_irq();
}

// ---- data transfers
function start_transfer(c: u32): void {
  const low = c & 0x1f;
  const hds = g(CMD + 1) & 7;
  const n = hds & 3;
  const d = drv(n);
  let op: u8 = OP_READ;
  if (low == 0x05 || low == 0x09) op = OP_WRITE;
  else if (low == 0x0c) op = OP_READ_DEL;
  else if (low == 0x16) op = OP_VERIFY;
  else if (low == 0x0a) op = OP_READID;
  else if (low == 0x0d) op = OP_FORMAT;
  s(X_OP, op);
  s(X_DRIVE, n);
  s(X_PHEAD, (hds >> 2) & 1);
  s(X_MT, (c >> 7) & 1);
  s(X_SK, (c >> 5) & 1);
  s(X_ST0, hds);
  s(X_ST1, 0);
  s(X_ST2, 0);
  s(X_FLAGS, (g(R_SPEC2) & 1) != 0 ? FL_PIO : 0);
  s(R_PHASE, PH_EXEC);
  if (op == OP_FORMAT) {
    s(X_N, g(CMD + 2));
    s(X_FMTLEFT, g(CMD + 3));
    s(R_SCEOT, g(CMD + 3));
    s(X_C, g(d + D_PCYL));
    s(X_H, (hds >> 2) & 1);
    s(X_R, 0);
  } else if (op == OP_READID) {
    s(X_C, g(d + D_PCYL));
    s(X_H, (hds >> 2) & 1);
    s(X_R, 1);
    s(X_N, 2);
  } else {
    s(X_C, g(CMD + 2));
    s(X_H, g(CMD + 3));
    s(X_R, g(CMD + 4));
    s(X_N, g(CMD + 5));
    s(X_EOT, g(CMD + 6));
    s(R_SCEOT, g(CMD + 6));
    s(X_LEFT, g(CMD + 8)); // VERIFY with EC: sector count (DTL)
    // implied seek (CONFIGURE EIS)
    if ((g(R_CONFIG) & 0x40) != 0 && g(d + D_TYPE) != 0) {
      const target = <i32>g(CMD + 2);
      const delta = target - <i32>g(d + D_PCN);
      let np = <i32>g(d + D_PCYL) + delta;
      if (np < 0) np = 0;
      if (np > <i32>MAX_PHYS_CYL) np = <i32>MAX_PHYS_CYL;
      if (delta != 0 && g(d + D_DISK) != 0) s(d + D_CHANGE, 0);
      s(d + D_PCYL, <u32>np);
      s(d + D_PCN, <u32>target);
    }
  }
  // no drive or no disk: not ready
  if (g(d + D_TYPE) == 0 || g(d + D_DISK) == 0) {
    s(X_ST0, ST0_ABNORMAL | ST0_NR | hds);
    finish_after(1_000_000);
    return;
  }
  if ((op == OP_WRITE || op == OP_FORMAT) && g(d + D_WP) != 0) {
    s(X_ST0, ST0_ABNORMAL | hds);
    s(X_ST1, ST1_NW);
    finish_after(100_000);
    return;
  }
  if ((c & 0x40) == 0 || !rate_ok(d) || !track_exists(d)) {
    // FM, the wrong data rate, or no track here: no ID address mark is ever found
    s(X_ST0, ST0_ABNORMAL | hds);
    s(X_ST1, ST1_MA);
    finish_after(2 * rotation_ns(d));
    return;
  }
  if ((g(X_FLAGS) & FL_PIO) == 0) dma_request(DMA_CH, op != OP_VERIFY && op != OP_READID);
  exec_after(op == OP_FORMAT ? 2 * sector_ns(d) : sector_ns(d));
}

@inline function rate_ok(d: usize): bool {
  return (g(d + D_RATES) & (1 << (g(R_RATE) & 3))) != 0;
}

@inline function track_exists(d: usize): bool {
  return g(d + D_PCYL) < g(d + D_CYLS) && g(X_PHEAD) < g(d + D_HEADS);
}

// The result phase after `ns`: the execution event finishes with the prepared ST0-ST2.
function finish_after(ns: u64): void {
  s(X_FLAGS, g(X_FLAGS) | 0x80); // bit 7: only the result is left
  exec_after(ns);
}

function finish(): void {
  dma_request(DMA_CH, false);
  s(X_FLAGS, 0);
  s(RES, g(X_ST0));
  s(RES + 1, g(X_ST1));
  s(RES + 2, g(X_ST2));
  s(RES + 3, g(X_C));
  s(RES + 4, g(X_H));
  s(RES + 5, g(X_R));
  s(RES + 6, g(X_N));
  result(7, true);
}

// Byte offset in the image of the sector with ID (C, H, R, N) under the head, or -1 when no
// such ID is on the track (ST1/ST2 are set then).
function find_sector(d: usize): i64 {
  const pc = g(d + D_PCYL), ph = g(X_PHEAD);
  const c = g(X_C), h = g(X_H), r = g(X_R), n = g(X_N);
  if (ph >= g(d + D_HEADS)) { // MT onto the missing side of a single-sided disk: no IDs there
    s(X_ST0, (g(X_ST0) & 7) | ST0_ABNORMAL);
    s(X_ST1, g(X_ST1) | ST1_MA);
    return -1;
  }
  if (c != pc || h != ph || n != 2 || r < 1 || r > g(d + D_SPT)) {
    s(X_ST0, (g(X_ST0) & 7) | ST0_ABNORMAL);
    s(X_ST1, g(X_ST1) | ST1_ND);
    if (c != pc) s(X_ST2, g(X_ST2) | ST2_WC);
    return -1;
  }
  const off = ((<u64>pc * <u64>g(d + D_HEADS) + <u64>ph) * <u64>g(d + D_SPT) + <u64>(r - 1)) * SECTOR;
  if (off + SECTOR > <u64>load<u32>(d + D_SIZE)) {
    s(X_ST0, (g(X_ST0) & 7) | ST0_ABNORMAL);
    s(X_ST1, g(X_ST1) | ST1_ND);
    return -1;
  }
  return <i64>off;
}

@inline function image(n: u32): usize { return <usize>FLOPPY + <usize>n * <usize>FLOPPY_MAX; }

// Advance C/H/R after a sector, as the data sheet's result table says. Returns false at the
// end of the track (the command ends there).
function next_sector(): bool {
  const r = g(X_R);
  if (r != g(X_EOT)) { s(X_R, r + 1); return true; }
  s(X_R, 1);
  if (g(X_MT) != 0 && (g(X_H) & 1) == 0) {
    s(X_H, g(X_H) ^ 1);
    s(X_PHEAD, g(X_PHEAD) ^ 1);
    s(X_ST0, g(X_ST0) ^ 4);
    return true;
  }
  if (g(X_MT) != 0) s(X_H, g(X_H) ^ 1);
  s(X_C, g(X_C) + 1);
  return false;
}

function end_of_track(): void {
  s(X_ST0, (g(X_ST0) & 7) | ST0_ABNORMAL);
  s(X_ST1, g(X_ST1) | ST1_EN);
}

// One step of the execution phase (the EV_FDC event): one sector, one format ID, READ ID, or
// the prepared result.
function exec_step(): void {
  const n = g(X_DRIVE);
  const d = drv(n);
  const fl = g(X_FLAGS);
  if ((fl & 0x80) != 0) { finish(); return; }
  const op = g(X_OP);
  if (g(d + D_DISK) == 0) { // ejected during the command
    s(X_ST0, (g(X_ST0) & 7) | ST0_ABNORMAL | ST0_NR);
    finish();
    return;
  }
  if (op == OP_READID) {
    // the next ID to pass under the head
    const spt = <u64>g(d + D_SPT);
    s(X_C, g(d + D_PCYL));
    s(X_H, g(X_PHEAD));
    s(X_R, <u32>((clock_now() / sector_ns(d)) % spt) + 1);
    s(X_N, 2);
    finish();
    return;
  }
  if (op == OP_FORMAT) { format_step(d, n); return; }
  const off = find_sector(d);
  if (off < 0) { finish_after(2 * rotation_ns(d)); return; }
  if (op == OP_READ_DEL) {
    // a normal data address mark: SK=0 reads it, sets CM and stops without advancing R;
    // SK=1 skips it (CM set)
    s(X_ST2, g(X_ST2) | ST2_CM);
    if (g(X_SK) != 0) {
      if (!next_sector()) { end_of_track(); finish(); return; }
      exec_after(sector_ns(d));
      return;
    }
  }
  if (op == OP_VERIFY) {
    // no data moves; EC=1 counts DTL sectors, EC=0 runs to EOT (normal end)
    const ec = (g(CMD + 1) & 0x80) != 0;
    if (ec) {
      const left = g(X_LEFT) - 1;
      s(X_LEFT, left);
      const more = next_sector();
      if (left == 0) { finish(); return; }
      if (!more) { end_of_track(); finish(); return; }
    } else {
      if (!next_sector()) { finish(); return; }
    }
    exec_after(sector_ns(d));
    return;
  }
  const src = image(n) + <usize>off;
  if ((fl & FL_PIO) != 0) {
    store<u32>(X_PIO_OFF, <u32>off);
    store<u32>(X_PIO_IDX, 0);
    store<u32>(X_PIO_LEN, SECTOR);
    s(X_FLAGS, fl | FL_WAITING_HOST);
    s(R_INT, 1);
    return;
  }
  // DMA: one sector; the DMA controller's terminal count ends the command
  if (!dma_ready(DMA_CH) || (g(R_DOR) & 8) == 0) {
    s(X_ST0, (g(X_ST0) & 7) | ST0_ABNORMAL);
    s(X_ST1, g(X_ST1) | ST1_OR);
    finish();
    return;
  }
  let tc = false;
  if (op == OP_WRITE) {
    const got = dma_read_from_memory(DMA_CH, src, <i32>SECTOR);
    tc = dma_terminal_count(DMA_CH);
    if (got < <i32>SECTOR) memory.fill(src + <usize>got, 0, <usize>(<i32>SECTOR - got));
  } else {
    dma_write_to_memory(DMA_CH, src, <i32>SECTOR);
    tc = dma_terminal_count(DMA_CH);
  }
  sector_done(d, tc);
}

// A sector has been moved: stop at terminal count, after a READ DELETED of normal data, or at
// the end of the track; otherwise go on to the next sector.
function sector_done(d: usize, tc: bool): void {
  if (g(X_OP) == OP_READ_DEL && g(X_SK) == 0) { finish(); return; }
  const more = next_sector();
  if (tc) { finish(); return; }
  if (!more) { end_of_track(); finish(); return; }
  exec_after(sector_ns(d));
}

// PIO: the CPU reads a byte of the current sector
function pio_byte_out(): u32 {
  const n = g(X_DRIVE);
  const d = drv(n);
  const off = load<u32>(X_PIO_OFF), idx = load<u32>(X_PIO_IDX);
  let v: u32 = 0xff;
  if (<u64>off + <u64>idx < <u64>load<u32>(d + D_SIZE)) v = <u32>load<u8>(image(n) + <usize>off + <usize>idx);
  pio_advance(d, idx + 1);
  return v;
}

// PIO: the CPU writes a byte of the current sector or format ID
function pio_byte_in(v: u32): void {
  const n = g(X_DRIVE);
  const d = drv(n);
  const idx = load<u32>(X_PIO_IDX);
  if (g(X_OP) == OP_FORMAT) {
    s(X_FMT_ID + (idx & 3), v);
    store<u32>(X_PIO_IDX, idx + 1);
    s_int_clear();
    if (idx + 1 >= 4) {
      s(X_FLAGS, g(X_FLAGS) & ~FL_WAITING_HOST);
      format_id_done(d, n);
    }
    return;
  }
  const off = load<u32>(X_PIO_OFF);
  if (<u64>off + <u64>idx < <u64>load<u32>(d + D_SIZE)) store<u8>(image(n) + <usize>off + <usize>idx, <u8>v);
  pio_advance(d, idx + 1);
}

function s_int_clear(): bool {
  if (g(R_INT) != 0) { s(R_INT, 0); update_irq(); }
  return true;
}

function pio_advance(d: usize, idx: u32): void {
  store<u32>(X_PIO_IDX, idx);
  s_int_clear();
  if (idx < load<u32>(X_PIO_LEN)) return;
  s(X_FLAGS, g(X_FLAGS) & ~FL_WAITING_HOST);
  // no terminal count in PIO mode: the track's end (EOT) ends the command
  sector_done(d, false);
  update_irq();
}

// FORMAT TRACK: one sector ID (C H R N) per step, from DMA or the FIFO
function format_step(d: usize, n: u32): void {
  const fl = g(X_FLAGS);
  if ((fl & FL_PIO) != 0) {
    store<u32>(X_PIO_IDX, 0);
    store<u32>(X_PIO_LEN, 4);
    s(X_FLAGS, fl | FL_WAITING_HOST);
    s(R_INT, 1);
    return;
  }
  if (!dma_ready(DMA_CH) || (g(R_DOR) & 8) == 0) {
    s(X_ST0, (g(X_ST0) & 7) | ST0_ABNORMAL);
    s(X_ST1, g(X_ST1) | ST1_OR);
    finish();
    return;
  }
  const got = dma_read_from_memory(DMA_CH, X_FMT_ID, 4);
  if (got < 4) memory.fill(X_FMT_ID + <usize>got, 0, <usize>(4 - got));
  format_id_done(d, n);
}

function format_id_done(d: usize, n: u32): void {
  const c = g(X_FMT_ID), h = g(X_FMT_ID + 1), r = g(X_FMT_ID + 2), nn = g(X_FMT_ID + 3);
  s(X_C, c); s(X_H, h); s(X_R, r); s(X_N, nn);
  // The image keeps its geometry: an ID that fits it (N = 2, R within the track) gets its
  // sector filled at the physical position; other IDs have nowhere to go and are dropped.
  const pc = g(d + D_PCYL), ph = g(X_PHEAD);
  if (nn == 2 && r >= 1 && r <= g(d + D_SPT) && pc < g(d + D_CYLS) && ph < g(d + D_HEADS)) {
    const off = ((<u64>pc * <u64>g(d + D_HEADS) + <u64>ph) * <u64>g(d + D_SPT) + <u64>(r - 1)) * SECTOR;
    if (off + SECTOR <= <u64>load<u32>(d + D_SIZE)) memory.fill(image(n) + <usize>off, <u8>g(CMD + 5), SECTOR);
  }
  const left = g(X_FMTLEFT) - 1;
  s(X_FMTLEFT, left);
  if (left == 0 || left > 255) { finish(); update_irq(); return; }
  exec_after(rotation_ns(d) / <u64>(g(CMD + 3) == 0 ? 1 : g(CMD + 3)));
}

// ---- host API (core-as/index.ts)
export function fdc_irq_level(): bool { return g(R_IRQLINE) != 0; }

// Geometry from the image size: 0 on success, -1 bad drive, -2 an unknown size.
export function fdc_insert(n: u32, size: u32, wp: bool): i32 {
  if (n > 1) return -1;
  let cyls: u32 = 0, heads: u32 = 2, spt: u32 = 0, type: u32 = 0, rates: u32 = 0;
  switch (size) {
    case 163840: cyls = 40; heads = 1; spt = 8; type = 1; rates = 0x6; break; // 160K
    case 184320: cyls = 40; heads = 1; spt = 9; type = 1; rates = 0x6; break; // 180K
    case 327680: cyls = 40; spt = 8; type = 1; rates = 0x6; break; // 320K
    case 368640: cyls = 40; spt = 9; type = 1; rates = 0x6; break; // 360K: 250 (or 300 in a 1.2M drive)
    case 737280: cyls = 80; spt = 9; type = 3; rates = 0x4; break; // 720K
    case 1228800: cyls = 80; spt = 15; type = 2; rates = 0x1; break; // 1.2M
    case 1474560: cyls = 80; spt = 18; type = 4; rates = 0x1; break; // 1.44M
    case 1720320: cyls = 80; spt = 21; type = 4; rates = 0x1; break; // DMF 1.68M
    case 1763328: cyls = 82; spt = 21; type = 4; rates = 0x1; break; // 1.72M
    case 2949120: cyls = 80; spt = 36; type = 5; rates = 0x8; break; // 2.88M
    default: return -2;
  }
  if (size > <u32>FLOPPY_MAX) return -2;
  const d = drv(n);
  s(d + D_TYPE, type);
  s(d + D_DISK, 1);
  s(d + D_WP, wp ? 1 : 0);
  s(d + D_CHANGE, 1);
  s(d + D_CYLS, cyls);
  s(d + D_HEADS, heads);
  s(d + D_SPT, spt);
  s(d + D_RATES, rates);
  store<u32>(d + D_SIZE, size);
  update_cmos();
  return 0;
}

export function fdc_eject(n: u32): void {
  if (n > 1) return;
  const d = drv(n);
  s(d + D_DISK, 0);
  s(d + D_CHANGE, 1);
  store<u32>(d + D_SIZE, 0);
}

// The BIOS's INT 13h AH=16h: whether the disk was changed since the last call, as a BIOS learns
// it from DIR bit 7 and then clears with a seek (the change line resets on a step pulse with a
// disk in the drive).
export function fdc_take_change(n: u32): bool {
  if (n > 1) return false;
  const d = drv(n);
  const changed = g(d + D_CHANGE) != 0;
  if (g(d + D_DISK) != 0) s(d + D_CHANGE, 0);
  return changed;
}

export function fdc_image_size(n: u32): u32 {
  return n > 1 ? 0 : load<u32>(drv(n) + D_SIZE);
}

// CMOS 0x10: drive A type in the high nibble, B in the low; 0x14 bit 0 floppy drives present,
// bits 7-6 their number - 1.
function update_cmos(): void {
  const a = g(drv(0) + D_TYPE), b = g(drv(1) + D_TYPE);
  cmos_set(0x10, (a << 4) | b);
  const count: u32 = (a != 0 ? 1 : 0) + (b != 0 ? 1 : 0);
  let eq = cmos_get(0x14) & 0x3e;
  if (count != 0) eq |= 1 | ((count - 1) << 6);
  cmos_set(0x14, eq);
  cmos_update_checksum();
}
