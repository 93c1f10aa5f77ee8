// ATAPI CD-ROM drive (ATA/ATAPI-6 §8.21 PACKET, §8.16 IDENTIFY PACKET DEVICE; SFF-8020i for the
// packet commands and their data; MMC-2 for GET CONFIGURATION, GET EVENT STATUS NOTIFICATION,
// READ DISC INFORMATION, MECHANISM STATUS; SPC for sense data) for the IDE controller in
// devices/ide.ts. The medium is the image the host attached (2048-byte sectors, one data track
// starting at LBA 0); Machine.changeCd swaps it and flags the change in DISK_INFO.
//
// Packet protocol (ATA-6 §9.10): PACKET (A0h) -> DRQ with interrupt reason C/D=1 I/O=0 (no
// interrupt: IDENTIFY PACKET DEVICE word 0 says accelerated DRQ) -> the host writes 12 bytes ->
// BSY -> for data to the host, PIO phases of at most the byte count limit (LBA mid/high at the
// PACKET command), each with reason I/O=1 C/D=0, the count in LBA mid/high and an interrupt, or
// a DMA transfer through the bus master (features bit 0) -> the status phase: reason I/O=1
// C/D=1, DRDY (ERR = CHECK CONDITION, the sense key in the error register), an interrupt.
//
// Sense (SPC fixed format, 18 bytes) after CHECK CONDITION: 02/3A/00 no medium, 05/20/00 unknown
// command, 05/21/00 LBA out of range, 05/24/00 invalid field in the packet, 05/39/00 saving
// parameters not supported, 05/53/02 medium removal prevented, 06/28/00 the medium changed
// (reported once, by the first command other than INQUIRY, REQUEST SENSE, GET CONFIGURATION and
// GET EVENT STATUS NOTIFICATION), 03/11/00 the host could not read the image.
// Not modelled: the power-on unit attention (06/29), audio play, READ CD, READ SUB-CHANNEL,
// multi-session and DVD media, tray timing (a load or eject is instantaneous).
import { DISK_FLAG_MEDIUM, DISK_FLAG_CHANGED } from "../core-as/state";
import {
  C_FEAT, C_COUNT, C_LBAM, C_LBAH, C_DEVICE, C_PACKET, C_ATAPI, C_PKT_BCL, C_PKT_DMA,
  D_POWER, D_SENSE_KEY, D_ASC, D_ASCQ, D_UA, D_LOCKED, D_EVENT,
  POWER_STANDBY, POWER_IDLE, POWER_ACTIVE, POWER_SLEEP, ST_DRDY, ST_ERR, ER_ABRT,
  chan, cg, cs, dg, ds, buf, tf, sectors, finish, start_in, atapi_check, expect_packet, device_reset_state,
  set_signature, drive_info_flags,
} from "./ide";
import { put_string, put_word, put_checksum, reset_result_word, dma_words, set_transfer_mode, abort_with_signature } from "./ata";
import { disk_size } from "../core-as/bus/disk";

const SECTOR: u32 = 2048;

// ---- ATA commands to a packet device (ATA-6 §6.3: the packet command feature set)

export function atapi_command(d: u32, cmd: u32): void {
  const ch = d >> 1;
  if (dg(d, D_POWER) == POWER_SLEEP && cmd != 0x08) return; // only a reset wakes it
  switch (cmd) {
    case 0xa0: // PACKET: no overlap, no queuing (IDENTIFY PACKET DEVICE word 49)
      if ((tf(ch, C_FEAT) & 0x02) != 0) { abort(d); return; }
      store<u16>(chan(ch) + C_PKT_BCL, <u16>(tf(ch, C_LBAM) | (tf(ch, C_LBAH) << 8)));
      cs(ch, C_PKT_DMA, tf(ch, C_FEAT) & 1);
      expect_packet(d);
      return;
    case 0xa1: identify_packet(d); return;
    case 0x08: // DEVICE RESET (§8.10): the signature, status 00h, no interrupt
      device_reset_state(d);
      set_signature(d);
      cs(ch, C_DEVICE, (d & 1) << 4);
      return;
    case 0xec: case 0x20: case 0x21: abort_with_signature(d); return;
    case 0xef: {
      const sub = tf(ch, C_FEAT);
      if (sub == 0x03) { if (!set_transfer_mode(d, tf(ch, C_COUNT))) { abort(d); return; } }
      else if (sub != 0x66 && sub != 0xcc) { abort(d); return; }
      ok_ata(d);
      return;
    }
    case 0xe5: {
      const pm = dg(d, D_POWER);
      cs(ch, C_COUNT, pm == POWER_STANDBY ? 0x00 : pm == POWER_IDLE ? 0x80 : 0xff);
      ok_ata(d);
      return;
    }
    case 0xe0: ds(d, D_POWER, POWER_STANDBY); ok_ata(d); return;
    case 0xe1: ds(d, D_POWER, POWER_IDLE); ok_ata(d); return;
    case 0xe6: ds(d, D_POWER, POWER_SLEEP); ok_ata(d); return;
    default: abort(d); return;
  }
}

function abort(d: u32): void { cs(d >> 1, C_ATAPI, 0); finish(d, ST_DRDY | ST_ERR, ER_ABRT); }
function ok_ata(d: u32): void { cs(d >> 1, C_ATAPI, 0); finish(d, ST_DRDY, 0); }

// IDENTIFY PACKET DEVICE (§8.16)
function identify_packet(d: u32): void {
  const ch = d >> 1;
  const p = buf(ch);
  memory.fill(p, 0, 512);
  // 10b ATAPI, type 05h CD-ROM, removable, accelerated DRQ (50 us), 12-byte packets
  put_word(p, 0, 0x85c0);
  put_string(p, 10, 10, "TAB86CD000000000000");
  store<u8>(p + 20 + (19 ^ 1), <u8>(0x30 + d));
  put_string(p, 23, 4, "1.0");
  put_string(p, 27, 20, "tab86 CD-ROM");
  put_word(p, 49, 0x0f00); // IORDY, IORDY can be disabled, LBA, DMA
  put_word(p, 53, 0x0006); // words 64-70 and 88 valid
  put_word(p, 64, 0x0003);
  put_word(p, 65, 120);
  put_word(p, 66, 120);
  put_word(p, 67, 120);
  put_word(p, 68, 120);
  put_word(p, 71, 30); // bus release times after PACKET and SERVICE (ns)
  put_word(p, 72, 30);
  put_word(p, 80, 0x0070); // ATA/ATAPI-4 .. -6
  put_word(p, 82, 0x4218); // NOP, DEVICE RESET, PACKET, power management
  put_word(p, 83, 0x4000);
  put_word(p, 84, 0x4000);
  put_word(p, 85, 0x4218);
  put_word(p, 86, 0x0000);
  put_word(p, 87, 0x4000);
  dma_words(p, d);
  put_word(p, 93, reset_result_word(d));
  put_checksum(p);
  ds(d, D_POWER, POWER_ACTIVE);
  start_in(d, false, 512, 0, false, 512, false, 512);
}

// ---- packet commands

@inline function pk(ch: u32, i: u32): u32 { return <u32>load<u8>(chan(ch) + C_PACKET + i); }
@inline function pk16(ch: u32, i: u32): u32 { return (pk(ch, i) << 8) | pk(ch, i + 1); }
@inline function pk32(ch: u32, i: u32): u32 { return (pk16(ch, i) << 16) | pk16(ch, i + 2); }
@inline function be16(p: usize, v: u32): void { store<u8>(p, <u8>(v >> 8)); store<u8>(p + 1, <u8>v); }
@inline function be32(p: usize, v: u32): void { be16(p, v >> 16); be16(p + 2, v & 0xffff); }

function medium(d: u32): bool {
  return (load<u32>(drive_info_flags(d)) & DISK_FLAG_MEDIUM) != 0 && disk_size(d) >= <u64>SECTOR;
}

function good(d: u32): void {
  ds(d, D_SENSE_KEY, 0); ds(d, D_ASC, 0); ds(d, D_ASCQ, 0);
  cs(d >> 1, C_ATAPI, 1);
  finish(d, ST_DRDY, 0);
}

// Send `len` bytes of reply from the channel buffer, cut to the allocation length.
function reply(d: u32, len: u32, alloc: u32): void {
  const ch = d >> 1;
  ds(d, D_SENSE_KEY, 0); ds(d, D_ASC, 0); ds(d, D_ASCQ, 0);
  const n = len < alloc ? len : alloc;
  start_in(d, cg(ch, C_PKT_DMA) != 0, <u64>n, 0, false, <u32>load<u16>(chan(ch) + C_PKT_BCL), true, SECTOR);
}

// The packet is in (ide.ts data_write16).
export function atapi_packet(d: u32): void {
  const ch = d >> 1;
  cs(ch, C_ATAPI, 1);
  ds(d, D_POWER, POWER_ACTIVE);
  // a medium change the host made since the last command: one unit attention, one media event
  const fl = drive_info_flags(d);
  const flags = load<u32>(fl);
  if ((flags & DISK_FLAG_CHANGED) != 0) {
    store<u32>(fl, flags & ~DISK_FLAG_CHANGED);
    ds(d, D_UA, 1);
    ds(d, D_EVENT, (flags & DISK_FLAG_MEDIUM) != 0 ? 2 : 3); // new media / media removal
  }
  const op = pk(ch, 0);
  const ua_exempt = op == 0x12 || op == 0x03 || op == 0x46 || op == 0x4a;
  if (dg(d, D_UA) != 0 && !ua_exempt) {
    ds(d, D_UA, 0);
    atapi_check(d, 0x06, 0x28, 0x00); // NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED
    return;
  }
  const needs_medium = op == 0x00 || op == 0x25 || op == 0x28 || op == 0xa8 || op == 0x43 || op == 0x51;
  if (needs_medium && !medium(d)) { atapi_check(d, 0x02, 0x3a, 0x00); return; } // MEDIUM NOT PRESENT
  switch (op) {
    case 0x00: good(d); return; // TEST UNIT READY
    case 0x03: request_sense(d); return;
    case 0x12: inquiry(d); return;
    case 0x1b: start_stop(d); return;
    case 0x1e: ds(d, D_LOCKED, pk(ch, 4) & 1); good(d); return; // PREVENT ALLOW MEDIUM REMOVAL
    case 0x25: { // READ CAPACITY: the last LBA and the block length
      const p = buf(ch);
      be32(p, <u32>sectors(d, SECTOR) - 1);
      be32(p + 4, SECTOR);
      reply(d, 8, 8);
      return;
    }
    case 0x28: read(d, pk32(ch, 2), pk16(ch, 7)); return; // READ(10)
    case 0xa8: read(d, pk32(ch, 2), pk32(ch, 6)); return; // READ(12)
    case 0x43: read_toc(d); return;
    case 0x5a: mode_sense(d); return;
    case 0x46: get_configuration(d); return;
    case 0x4a: event_status(d); return;
    case 0x51: disc_information(d); return;
    case 0xbd: { // MECHANISM STATUS: no changer, idle, door closed, no slot tables
      memory.fill(buf(ch), 0, 8);
      reply(d, 8, pk16(ch, 8));
      return;
    }
    case 0xbb: good(d); return; // SET CD SPEED: the drive reads at one speed
    default: atapi_check(d, 0x05, 0x20, 0x00); return; // INVALID COMMAND OPERATION CODE
  }
}

function read(d: u32, lba: u32, count: u32): void {
  const ch = d >> 1;
  const total = sectors(d, SECTOR);
  if (<u64>lba + <u64>count > total) { atapi_check(d, 0x05, 0x21, 0x00); return; }
  ds(d, D_SENSE_KEY, 0); ds(d, D_ASC, 0); ds(d, D_ASCQ, 0);
  start_in(d, cg(ch, C_PKT_DMA) != 0, <u64>count * SECTOR, <u64>lba * SECTOR, true, <u32>load<u16>(chan(ch) + C_PKT_BCL), true, SECTOR);
}

// REQUEST SENSE (SPC §4.5 fixed format): the sense of the last command, or a pending unit
// attention; reporting clears it.
function request_sense(d: u32): void {
  const ch = d >> 1;
  const p = buf(ch);
  memory.fill(p, 0, 18);
  let key = dg(d, D_SENSE_KEY), asc = dg(d, D_ASC), ascq = dg(d, D_ASCQ);
  if (key == 0 && dg(d, D_UA) != 0) { key = 0x06; asc = 0x28; ascq = 0; ds(d, D_UA, 0); }
  store<u8>(p, 0x70); // current error, fixed format
  store<u8>(p + 2, <u8>key);
  store<u8>(p + 7, 10); // additional sense length
  store<u8>(p + 12, <u8>asc);
  store<u8>(p + 13, <u8>ascq);
  reply(d, 18, pk(ch, 4));
}

// INQUIRY (SFF-8020i §10.8.2): CD-ROM, removable, ATAPI response format.
function inquiry(d: u32): void {
  const ch = d >> 1;
  if ((pk(ch, 1) & 1) != 0) { atapi_check(d, 0x05, 0x24, 0x00); return; } // no vital product data pages
  const p = buf(ch);
  memory.fill(p, 0, 36);
  store<u8>(p, 0x05); // peripheral device type: CD-ROM
  store<u8>(p + 1, 0x80); // RMB
  store<u8>(p + 2, 0x00); // ANSI version 0
  store<u8>(p + 3, 0x21); // ATAPI version 2, response data format 1
  store<u8>(p + 4, 31); // additional length
  ascii(p + 8, 8, "TAB86");
  ascii(p + 16, 16, "CD-ROM");
  ascii(p + 32, 4, "1.0");
  reply(d, 36, pk(ch, 4));
}

function ascii(p: usize, n: u32, s: string): void {
  for (let i: u32 = 0; i < n; i++) store<u8>(p + i, <u8>(i < <u32>s.length ? s.charCodeAt(i) : 0x20));
}

// START STOP UNIT (SFF-8020i §10.8.25): LoEj with Start = 0 ejects (unless prevented), with
// Start = 1 loads the medium the host still holds; Start alone spins up or down.
function start_stop(d: u32): void {
  const ch = d >> 1;
  const b4 = pk(ch, 4);
  if ((b4 & 2) != 0) {
    const fl = drive_info_flags(d);
    if ((b4 & 1) == 0) {
      if (dg(d, D_LOCKED) != 0) { atapi_check(d, 0x05, 0x53, 0x02); return; }
      if ((load<u32>(fl) & DISK_FLAG_MEDIUM) != 0) ds(d, D_EVENT, 3);
      store<u32>(fl, load<u32>(fl) & ~DISK_FLAG_MEDIUM);
    } else if (disk_size(d) != 0 && (load<u32>(fl) & DISK_FLAG_MEDIUM) == 0) {
      store<u32>(fl, load<u32>(fl) | DISK_FLAG_MEDIUM);
      ds(d, D_EVENT, 2);
    }
  } else ds(d, D_POWER, (b4 & 1) != 0 ? POWER_ACTIVE : POWER_STANDBY);
  good(d);
}

// An address in a TOC: LBA, or MSF with the 2-second (150 frame) lead-in offset.
function toc_addr(p: usize, lba: u32, msf: bool): void {
  if (!msf) { be32(p, lba); return; }
  const x = lba + 150;
  store<u8>(p, 0);
  store<u8>(p + 1, <u8>(x / (75 * 60)));
  store<u8>(p + 2, <u8>((x / 75) % 60));
  store<u8>(p + 3, <u8>(x % 75));
}

// READ TOC (SFF-8020i §10.8.20, MMC-2 §6.1.34): format 0 (the TOC: track 1 and the lead-out
// AAh) and 1 (multi-session information: one session); the format is in byte 2, or for older
// software in the top bits of byte 9.
function read_toc(d: u32): void {
  const ch = d >> 1;
  const msf = (pk(ch, 1) & 2) != 0;
  let format = pk(ch, 2) & 0x0f;
  if (format == 0) format = pk(ch, 9) >> 6;
  const track = pk(ch, 6);
  const alloc = pk16(ch, 7);
  const p = buf(ch);
  const total = <u32>sectors(d, SECTOR);
  memory.fill(p, 0, 32);
  if (format == 0) {
    if (track > 1 && track != 0xaa) { atapi_check(d, 0x05, 0x24, 0x00); return; }
    let q: u32 = 4;
    if (track <= 1) {
      store<u8>(p + q + 1, 0x14); // ADR 1 (position), control 4 (data track)
      store<u8>(p + q + 2, 1);
      toc_addr(p + q + 4, 0, msf);
      q += 8;
    }
    store<u8>(p + q + 1, 0x14);
    store<u8>(p + q + 2, 0xaa);
    toc_addr(p + q + 4, total, msf);
    q += 8;
    be16(p, q - 2);
    store<u8>(p + 2, 1); // first and last track
    store<u8>(p + 3, 1);
    reply(d, q, alloc);
    return;
  }
  if (format == 1) {
    be16(p, 10);
    store<u8>(p + 2, 1); // first and last session
    store<u8>(p + 3, 1);
    store<u8>(p + 5, 0x14);
    store<u8>(p + 6, 1); // first track in the last session
    toc_addr(p + 8, 0, msf);
    reply(d, 12, alloc);
    return;
  }
  atapi_check(d, 0x05, 0x24, 0x00);
}

// MODE SENSE(10) (SFF-8020i §10.8.11): page 01h read error recovery, 2Ah capabilities and
// mechanical status, 3Fh all of them; current, changeable (nothing is) and default values.
function mode_sense(d: u32): void {
  const ch = d >> 1;
  const pc = pk(ch, 2) >> 6, page = pk(ch, 2) & 0x3f;
  if (pc == 3) { atapi_check(d, 0x05, 0x39, 0x00); return; } // saved values: not supported
  if (page != 0x01 && page != 0x2a && page != 0x3f) { atapi_check(d, 0x05, 0x24, 0x00); return; }
  const p = buf(ch);
  memory.fill(p, 0, 64);
  store<u8>(p + 2, medium(d) ? 0x01 : 0x70); // medium type: 120 mm data CD / door closed, no disc
  let q: u32 = 8;
  if (page == 0x01 || page == 0x3f) {
    store<u8>(p + q, 0x01);
    store<u8>(p + q + 1, 0x06);
    if (pc != 1) store<u8>(p + q + 3, 5); // read retry count
    q += 8;
  }
  if (page == 0x2a || page == 0x3f) {
    store<u8>(p + q, 0x2a);
    store<u8>(p + q + 1, 0x12);
    if (pc != 1) {
      store<u8>(p + q + 4, 0x71); // audio play, mode 2 form 1 and 2, multi-session
      store<u8>(p + q + 6, <u8>(0x29 | (dg(d, D_LOCKED) != 0 ? 0x02 : 0))); // tray, eject, lock (+ state)
      be16(p + q + 8, 706); // maximum read speed (kB/s): 4x
      be16(p + q + 10, 256); // volume levels
      be16(p + q + 12, 512); // buffer (KiB)
      be16(p + q + 14, 706); // current read speed
    }
    q += 20;
  }
  be16(p, q - 2);
  reply(d, q, pk16(ch, 7));
}

// GET CONFIGURATION (MMC-2 §6.1.4): features 0000h profile list (CD-ROM), 0001h core (ATAPI),
// 0003h removable medium (tray, eject, lock), 0010h random readable and 001Eh CD read (current
// with a medium). RT 0: all from the starting feature, 1: the current ones, 2: that one.
function get_configuration(d: u32): void {
  const ch = d >> 1;
  const rt = pk(ch, 1) & 3, first = pk16(ch, 2);
  const has = medium(d);
  const p = buf(ch);
  memory.fill(p, 0, 64);
  let q: u32 = 8;
  for (let i: u32 = 0; i < 5; i++) {
    const code: u32 = i == 0 ? 0x0000 : i == 1 ? 0x0001 : i == 2 ? 0x0003 : i == 3 ? 0x0010 : 0x001e;
    const current = i < 3 || has;
    if (rt == 2 ? code != first : code < first) continue;
    if (rt == 1 && !current) continue;
    const f = p + q;
    be16(f, code);
    store<u8>(f + 2, <u8>((i < 3 ? 2 : 0) | (current ? 1 : 0))); // persistent, current
    switch (i) {
      case 0: store<u8>(f + 3, 4); be16(f + 4, 0x0008); store<u8>(f + 6, has ? 1 : 0); break;
      case 1: store<u8>(f + 3, 4); be32(f + 4, 2); break; // physical interface: ATAPI
      case 2: store<u8>(f + 3, 4); store<u8>(f + 4, 0x29); break; // tray, eject, lock
      case 3: store<u8>(f + 3, 8); be32(f + 4, SECTOR); be16(f + 8, 1); break;
      default: store<u8>(f + 3, 4); break;
    }
    q += 4 + <u32>load<u8>(f + 3);
  }
  be32(p, q - 4);
  be16(p + 6, has ? 0x0008 : 0x0000); // current profile
  reply(d, q, pk16(ch, 7));
}

// GET EVENT STATUS NOTIFICATION (MMC-2 §6.1.6), polled only: the media class, with the pending
// new-media or media-removal event, reported once.
function event_status(d: u32): void {
  const ch = d >> 1;
  if ((pk(ch, 1) & 1) == 0) { atapi_check(d, 0x05, 0x24, 0x00); return; } // asynchronous: not supported
  const p = buf(ch);
  memory.fill(p, 0, 8);
  store<u8>(p + 3, 0x10); // supported classes: media
  if ((pk(ch, 4) & 0x10) == 0) {
    be16(p, 2);
    store<u8>(p + 2, 0x80); // no event available
    reply(d, 4, pk16(ch, 7));
    return;
  }
  be16(p, 6);
  store<u8>(p + 2, 0x04); // media class
  store<u8>(p + 4, <u8>dg(d, D_EVENT));
  ds(d, D_EVENT, 0);
  store<u8>(p + 5, medium(d) ? 0x02 : 0x00); // media present, tray closed
  reply(d, 8, pk16(ch, 7));
}

// READ DISC INFORMATION (MMC-2 §6.1.18): a complete single-session disc with one track.
function disc_information(d: u32): void {
  const ch = d >> 1;
  const p = buf(ch);
  memory.fill(p, 0, 34);
  be16(p, 32);
  store<u8>(p + 2, 0x0e); // last session complete, disc complete, not erasable
  store<u8>(p + 3, 1); // first track
  store<u8>(p + 4, 1); // sessions
  store<u8>(p + 5, 1); // first and last track in the last session
  store<u8>(p + 6, 1);
  be32(p + 16, 0xffffffff); // last session lead-in start: none (complete disc)
  be32(p + 20, 0xffffffff); // last possible lead-out start: none
  reply(d, 34, pk16(ch, 7));
}
