// ATA hard disk commands (ATA/ATAPI-6, T13/1410D §8) for the IDE controller in devices/ide.ts.
// A disk is the image the host attached (DISK_INFO), 512-byte sectors, addressed by CHS (the
// translation of INITIALIZE DEVICE PARAMETERS), 28-bit or 48-bit LBA. Data moves through the
// controller's transfer engine (start_in/start_out/start_verify): PIO one DRQ block at a time
// (one sector, or the READ/WRITE MULTIPLE block), DMA through the bus master.
//
// Identity (IDENTIFY DEVICE, §8.15): model "tab86 HARDDISK", serial "TAB86HD000000000000n"
// (n = drive 0..3), firmware "1.0"; the default translation is 16 heads x 63 sectors with up to
// 16383 cylinders (§6.2.1: disks above 16,514,064 sectors report 16383/16/63); multiple block
// up to 16 sectors; PIO 0-4, multiword DMA 0-2, Ultra DMA 0-5 with an 80-conductor cable
// reported (word 93 bit 13, so Linux keeps UDMA modes above 2); 48-bit addressing; write cache
// and read look-ahead (enabled at power-on, switchable by SET FEATURES, which changes nothing
// else: every write reaches the block device before the command ends); FLUSH CACHE (EXT).
//
// Power: IDLE/STANDBY (IMMEDIATE) change the mode CHECK POWER MODE reports (FFh active or idle
// after media access, 80h idle, 00h standby); timers are accepted and never expire. SLEEP makes
// the device ignore every command until a reset (§6.11: only a reset leaves Sleep).
// Errors (§8, each command's "error outputs"): an address outside the disk or the translation
// is IDNF, a command or parameter the disk does not take is ABRT; both end with ERR in status,
// the failing address in the task file and an interrupt.
import {
  C_COUNT, C_LBAL, C_LBAM, C_LBAH, C_DEVICE, C_FEAT, D_MULT, D_PIO, D_MWDMA, D_UDMA, D_POWER, D_FEATURES,
  D_CUR_HEADS, D_CUR_SPT, D_CUR_VALID, D_CUR_CYLS, D_DEF_CYLS, D_DEF_HEADS, D_DEF_SPT,
  POWER_STANDBY, POWER_IDLE, POWER_ACTIVE, POWER_SLEEP, ST_ERR, ER_ABRT, ER_IDNF,
  cg, cs, dg, ds, dev, buf, tf, tf_hob, present, sectors, finish, ok_status, start_in, start_out, start_verify,
  ata_error_lba, set_signature,
} from "./ide";

const MAX_MULTIPLE: u32 = 16;
const MODE_PIO: u32 = 0;
const MODE_MULTIPLE: u32 = 1;
const MODE_DMA: u32 = 2;

// ---- identify data helpers (shared with atapi.ts)

// ATA strings: two characters per word, the first in the high byte (§8.15.x), space padded.
export function put_string(p: usize, word: u32, words: u32, s: string): void {
  for (let i: u32 = 0; i < words * 2; i++) {
    const ch: u32 = i < <u32>s.length ? <u32>s.charCodeAt(i) : 0x20;
    store<u8>(p + (word * 2) + (i ^ 1), <u8>ch);
  }
}

@inline export function put_word(p: usize, word: u32, v: u32): void { store<u16>(p + word * 2, <u16>v); }

// Word 255: signature A5h in the low byte, and a checksum making the 512 bytes sum to 0.
export function put_checksum(p: usize): void {
  let sum: u32 = 0xa5;
  for (let i: u32 = 0; i < 510; i++) sum += <u32>load<u8>(p + i);
  put_word(p, 255, (((0x100 - (sum & 0xff)) & 0xff) << 8) | 0xa5);
}

// Word 93: hardware reset results (§8.15.52): how the device was configured (01b jumper),
// diagnostics passed, PDIAG-/DASP- seen from device 1, and CBLID- above ViH (an 80-conductor
// cable).
export function reset_result_word(d: u32): u32 {
  let w: u32 = 0x6000;
  if ((d & 1) == 0) {
    w |= 0x000b;
    if (present(d | 1)) w |= 0x0030;
  } else w |= 0x0b00;
  return w;
}

// Words 63 and 88: the supported modes and the one selected.
export function dma_words(p: usize, d: u32): void {
  const mw = dg(d, D_MWDMA), u = dg(d, D_UDMA);
  put_word(p, 63, 0x0007 | (mw <= 2 ? 0x100 << mw : 0));
  put_word(p, 88, 0x003f | (u <= 5 ? 0x100 << u : 0));
}

// ---- geometry and power-on state

// The default CHS translation (IDENTIFY words 1/3/6) and, at power-on, the device's settings.
export function ata_identify_defaults(d: u32, power_on: bool): void {
  if (power_on) {
    const total = sectors(d, 512);
    let cyl: u64, heads: u32 = 16, spt: u32 = 63;
    if (total >= 16383 * 16 * 63) cyl = 16383;
    else if (total >= 16 * 63) cyl = total / (16 * 63);
    else { heads = 1; spt = total < 63 ? <u32>total : 63; cyl = spt == 0 ? 0 : total / <u64>spt; }
    store<u32>(dev(d) + D_DEF_CYLS, <u32>cyl);
    ds(d, D_DEF_HEADS, heads);
    ds(d, D_DEF_SPT, spt);
    ds(d, D_CUR_HEADS, heads);
    ds(d, D_CUR_SPT, spt);
    store<u32>(dev(d) + D_CUR_CYLS, <u32>cyl);
    ds(d, D_CUR_VALID, 1);
    ds(d, D_MULT, 0);
    ds(d, D_POWER, POWER_ACTIVE);
  }
  // SET FEATURES settings at power-on, and after a reset with reverting enabled (§8.37.13)
  ds(d, D_FEATURES, 0x03 | (power_on ? 0 : dg(d, D_FEATURES) & 4));
  ds(d, D_PIO, 0);
  ds(d, D_MWDMA, 0xff);
  ds(d, D_UDMA, 0xff);
}

function identify(d: u32): void {
  const ch = d >> 1;
  const p = buf(ch);
  memory.fill(p, 0, 512);
  const total = sectors(d, 512);
  const cyl = load<u32>(dev(d) + D_DEF_CYLS);
  put_word(p, 0, 0x0040); // fixed device, not removable
  put_word(p, 1, cyl);
  put_word(p, 3, dg(d, D_DEF_HEADS));
  put_word(p, 6, dg(d, D_DEF_SPT));
  put_string(p, 10, 10, "TAB86HD000000000000");
  store<u8>(p + 20 + (19 ^ 1), <u8>(0x30 + d)); // the serial's last character: the drive number
  put_string(p, 23, 4, "1.0");
  put_string(p, 27, 20, "tab86 HARDDISK");
  put_word(p, 47, 0x8000 | MAX_MULTIPLE);
  put_word(p, 49, 0x0f00); // IORDY supported and can be disabled, LBA, DMA
  put_word(p, 50, 0x4000);
  put_word(p, 51, 0x0200); // obsolete PIO timing mode 2
  put_word(p, 53, 0x0007); // words 54-58, 64-70 and 88 are valid
  if (dg(d, D_CUR_VALID) != 0) {
    const cc = load<u32>(dev(d) + D_CUR_CYLS), ch2 = dg(d, D_CUR_HEADS), cspt = dg(d, D_CUR_SPT);
    put_word(p, 54, cc);
    put_word(p, 55, ch2);
    put_word(p, 56, cspt);
    const cap = cc * ch2 * cspt;
    put_word(p, 57, cap & 0xffff);
    put_word(p, 58, cap >> 16);
  }
  const mult = dg(d, D_MULT);
  put_word(p, 59, mult != 0 ? 0x0100 | mult : 0);
  const lba28: u64 = total < 0x0fffffff ? total : 0x0fffffff;
  put_word(p, 60, <u32>lba28 & 0xffff);
  put_word(p, 61, <u32>(lba28 >> 16));
  put_word(p, 64, 0x0003); // PIO modes 3 and 4
  put_word(p, 65, 120); // multiword DMA cycle times (ns): minimum, recommended
  put_word(p, 66, 120);
  put_word(p, 67, 120); // PIO cycle times: without and with IORDY
  put_word(p, 68, 120);
  put_word(p, 80, 0x007e); // ATA-1 .. ATA/ATAPI-6
  put_word(p, 81, 0x0000); // minor version not reported
  const f = dg(d, D_FEATURES);
  // 82: NOP, look-ahead, write cache, power management; 83: FLUSH CACHE EXT, FLUSH CACHE,
  // 48-bit address (bit 14 set, 15 clear: the word is valid)
  put_word(p, 82, 0x4068);
  put_word(p, 83, 0x7400);
  put_word(p, 84, 0x4000);
  put_word(p, 85, 0x4008 | ((f & 1) != 0 ? 0x20 : 0) | ((f & 2) != 0 ? 0x40 : 0));
  put_word(p, 86, 0x3400);
  put_word(p, 87, 0x4000);
  dma_words(p, d);
  put_word(p, 93, reset_result_word(d));
  put_word(p, 100, <u32>total & 0xffff);
  put_word(p, 101, <u32>(total >> 16) & 0xffff);
  put_word(p, 102, <u32>(total >> 32) & 0xffff);
  put_word(p, 103, <u32>(total >> 48) & 0xffff);
  put_checksum(p);
  start_in(d, false, 512, 0, false, 512, false, 512);
}

// ---- commands

function abort(d: u32): void { finish(d, ok_status(d) | ST_ERR, ER_ABRT); }
function done(d: u32): void { finish(d, ok_status(d), 0); }

// The address and count of a read/write/verify command, checked against the disk. Returns
// false (with the IDNF error under way) when any sector is outside it.
let cmd_lba: u64 = 0;
let cmd_count: u64 = 0;
function address(d: u32, ext: bool): bool {
  const ch = d >> 1;
  const total = sectors(d, 512);
  if (ext) {
    cmd_lba = <u64>tf(ch, C_LBAL) | (<u64>tf(ch, C_LBAM) << 8) | (<u64>tf(ch, C_LBAH) << 16) |
      (<u64>tf_hob(ch, C_LBAL) << 24) | (<u64>tf_hob(ch, C_LBAM) << 32) | (<u64>tf_hob(ch, C_LBAH) << 40);
    cmd_count = <u64>tf(ch, C_COUNT) | (<u64>tf_hob(ch, C_COUNT) << 8);
    if (cmd_count == 0) cmd_count = 65536;
  } else {
    cmd_count = <u64>tf(ch, C_COUNT);
    if (cmd_count == 0) cmd_count = 256;
    const devreg = cg(ch, C_DEVICE);
    if ((devreg & 0x40) != 0) {
      cmd_lba = <u64>tf(ch, C_LBAL) | (<u64>tf(ch, C_LBAM) << 8) | (<u64>tf(ch, C_LBAH) << 16) | (<u64>(devreg & 0x0f) << 24);
    } else {
      // CHS through the current translation (§6.2.1)
      const cyl = tf(ch, C_LBAM) | (tf(ch, C_LBAH) << 8), head = devreg & 0x0f, sec = tf(ch, C_LBAL);
      const heads = dg(d, D_CUR_HEADS), spt = dg(d, D_CUR_SPT);
      if (dg(d, D_CUR_VALID) == 0 || sec == 0 || sec > spt || head >= heads || cyl >= load<u32>(dev(d) + D_CUR_CYLS)) {
        finish(d, ok_status(d) | ST_ERR, ER_IDNF);
        return false;
      }
      cmd_lba = (<u64>cyl * <u64>heads + <u64>head) * <u64>spt + <u64>(sec - 1);
    }
  }
  if (cmd_lba >= total || cmd_count > total - cmd_lba) {
    // the first sector that does not exist is the failing address
    ata_error_lba(ch, cmd_lba >= total ? cmd_lba : total);
    finish(d, ok_status(d) | ST_ERR, ER_IDNF);
    return false;
  }
  ds(d, D_POWER, POWER_ACTIVE);
  return true;
}

function read(d: u32, ext: bool, mode: u32): void {
  if (mode == MODE_MULTIPLE && dg(d, D_MULT) == 0) { abort(d); return; } // §8.26: multiple disabled
  if (!address(d, ext)) return;
  const block: u32 = mode == MODE_MULTIPLE ? dg(d, D_MULT) * 512 : 512;
  start_in(d, mode == MODE_DMA, cmd_count * 512, cmd_lba * 512, true, block, false, 512);
}

function write(d: u32, ext: bool, mode: u32): void {
  if (mode == MODE_MULTIPLE && dg(d, D_MULT) == 0) { abort(d); return; }
  if (!address(d, ext)) return;
  const block: u32 = mode == MODE_MULTIPLE ? dg(d, D_MULT) * 512 : 512;
  start_out(d, mode == MODE_DMA, cmd_count * 512, cmd_lba * 512, block);
}

function verify(d: u32, ext: bool): void {
  if (!address(d, ext)) return;
  start_verify(d, cmd_count * 512, cmd_lba * 512);
}

// SET MULTIPLE MODE (§8.39): a block of 2^n sectors up to word 47's 16; 0 disables.
function set_multiple(d: u32): void {
  const n = tf(d >> 1, C_COUNT);
  if (n > MAX_MULTIPLE || (n & (n - 1)) != 0) { abort(d); return; }
  ds(d, D_MULT, n);
  done(d);
}

// SET FEATURES (§8.37)
function set_features(d: u32): void {
  const ch = d >> 1;
  const sub = tf(ch, C_FEAT);
  const f = dg(d, D_FEATURES);
  switch (sub) {
    case 0x02: ds(d, D_FEATURES, f | 1); break; // enable write cache
    case 0x82: ds(d, D_FEATURES, f & ~1); break; // disable write cache
    case 0xaa: ds(d, D_FEATURES, f | 2); break; // enable read look-ahead
    case 0x55: ds(d, D_FEATURES, f & ~2); break; // disable read look-ahead
    case 0xcc: ds(d, D_FEATURES, f | 4); break; // enable reverting to power-on defaults
    case 0x66: ds(d, D_FEATURES, f & ~4); break; // disable reverting
    case 0x03: if (!set_transfer_mode(d, tf(ch, C_COUNT))) { abort(d); return; } break;
    default: abort(d); return;
  }
  done(d);
}

// Sector count of SET FEATURES 03h (§8.37.10): 00h/01h PIO default, 08h+n PIO flow control
// mode n, 20h+n multiword DMA mode n, 40h+n Ultra DMA mode n. One DMA mode is selected at a time.
export function set_transfer_mode(d: u32, v: u32): bool {
  const n = v & 7;
  switch (v >> 3) {
    case 0: if (n > 1) return false; ds(d, D_PIO, 0); return true;
    case 1: if (n > 4) return false; ds(d, D_PIO, n); return true;
    case 4: if (n > 2) return false; ds(d, D_MWDMA, n); ds(d, D_UDMA, 0xff); return true;
    case 8: if (n > 5) return false; ds(d, D_UDMA, n); ds(d, D_MWDMA, 0xff); return true;
    default: return false;
  }
}

// INITIALIZE DEVICE PARAMETERS (§8.16): the logical heads (device register + 1) and sectors per
// track (sector count) of CHS addressing. An unusable translation is aborted and, until a good
// one, CHS commands fail with IDNF.
function init_params(d: u32): void {
  const ch = d >> 1;
  const spt = tf(ch, C_COUNT), heads = (cg(ch, C_DEVICE) & 0x0f) + 1;
  const total = sectors(d, 512);
  let cyl: u64 = spt == 0 ? 0 : total / (<u64>heads * <u64>spt);
  if (cyl > 65535) cyl = 65535;
  if (cyl == 0) { ds(d, D_CUR_VALID, 0); abort(d); return; }
  ds(d, D_CUR_HEADS, heads);
  ds(d, D_CUR_SPT, spt);
  store<u32>(dev(d) + D_CUR_CYLS, <u32>cyl);
  ds(d, D_CUR_VALID, 1);
  done(d);
}

export function ata_command(d: u32, cmd: u32): void {
  const ch = d >> 1;
  // §6.11.4: in Sleep the device answers nothing but a reset
  if (dg(d, D_POWER) == POWER_SLEEP) return;
  switch (cmd) {
    case 0x20: case 0x21: read(d, false, MODE_PIO); return; // READ SECTORS (with/without retry)
    case 0x24: read(d, true, MODE_PIO); return; // READ SECTORS EXT
    case 0xc4: read(d, false, MODE_MULTIPLE); return; // READ MULTIPLE
    case 0x29: read(d, true, MODE_MULTIPLE); return; // READ MULTIPLE EXT
    case 0xc8: case 0xc9: read(d, false, MODE_DMA); return; // READ DMA
    case 0x25: read(d, true, MODE_DMA); return; // READ DMA EXT
    case 0x30: case 0x31: write(d, false, MODE_PIO); return; // WRITE SECTORS
    case 0x34: write(d, true, MODE_PIO); return; // WRITE SECTORS EXT
    case 0xc5: write(d, false, MODE_MULTIPLE); return; // WRITE MULTIPLE
    case 0x39: write(d, true, MODE_MULTIPLE); return; // WRITE MULTIPLE EXT
    case 0xca: case 0xcb: write(d, false, MODE_DMA); return; // WRITE DMA
    case 0x35: write(d, true, MODE_DMA); return; // WRITE DMA EXT
    case 0x40: case 0x41: verify(d, false); return; // READ VERIFY SECTORS
    case 0x42: verify(d, true); return; // READ VERIFY SECTORS EXT
    case 0xc6: set_multiple(d); return;
    case 0xec: identify(d); return;
    case 0xef: set_features(d); return;
    case 0x91: init_params(d); return;
    case 0xe7: case 0xea: done(d); return; // FLUSH CACHE (EXT): nothing is held back
    case 0xe0: case 0xe2: ds(d, D_POWER, POWER_STANDBY); done(d); return; // STANDBY (IMMEDIATE)
    case 0xe1: case 0xe3: ds(d, D_POWER, POWER_IDLE); done(d); return; // IDLE (IMMEDIATE)
    case 0xe5: { // CHECK POWER MODE (§8.6): 00h standby, 80h idle, FFh active or idle
      const pm = dg(d, D_POWER);
      cs(ch, C_COUNT, pm == POWER_STANDBY ? 0x00 : pm == POWER_IDLE ? 0x80 : 0xff);
      done(d);
      return;
    }
    case 0xe6: ds(d, D_POWER, POWER_SLEEP); done(d); return; // SLEEP
    default:
      // obsolete RECALIBRATE (1xh) and SEEK (7xh) still succeed on disks, as DOS drivers expect
      if ((cmd & 0xf0) == 0x10 || (cmd & 0xf0) == 0x70) { done(d); return; }
      abort(d); // NOP, DEVICE RESET, PACKET, IDENTIFY PACKET DEVICE and unknown codes (§8.x: ABRT)
      return;
  }
}

// Packet devices abort IDENTIFY DEVICE and READ SECTORS with their signature in the task file
// (§8.15, so that old software finds them); atapi.ts uses this.
export function abort_with_signature(d: u32): void {
  set_signature(d);
  cs(d >> 1, C_DEVICE, (d & 1) << 4);
  finish(d, ok_status(d) | ST_ERR, ER_ABRT);
}
