// Two 8237A DMA controllers as wired in the PC/AT (Intel 8237A datasheet; IBM AT technical
// reference): the master (channels 0-3, byte transfers) at ports 0x00-0x0F, the slave
// (channels 4-7, word transfers) at 0xC0-0xDF with its registers on even ports (A0 is not
// decoded, so odd ports alias), and the page registers at 0x81-0x8F (0x80 stays the POST code
// port). The master cascades into slave channel 4: masking channel 4 (or disabling the slave)
// stops channels 0-3.
//
//   register        master  slave   notes
//   address ch n    2n      C0+4n   base and current, 16 bits through the byte flip-flop
//   count ch n      2n+1    C2+4n   (transfers - 1); reads give the current value
//   status/command  08      D0      read: bits 0-3 TC reached (cleared by the read), bits 4-7
//                                   request pending; write: bit 2 disables the controller
//   request         09      D2      bits 0-1 channel, bit 2 set/clear a software request
//   single mask     0A      D4      bits 0-1 channel, bit 2 set/clear its mask
//   mode            0B      D6      bits 0-1 channel, 2-3 type (00 verify, 01 write to memory,
//                                   10 read from memory), bit 4 auto-init, bit 5 decrement,
//                                   6-7 demand/single/block/cascade
//   clear flip-flop 0C      D8
//   master clear    0D      DA      write: reset, all masked; read: temporary register (0)
//   clear masks     0E      DC
//   all masks       0F      DE      write bits 0-3; read back as mask | F0 (as PIIX does)
//   page ch 0..7: 87 83 81 82 8F 8B 89 8A (the others are scratch registers)
//
// Addresses: channel 0-3 = page << 16 | address (wraps inside its 64 KiB);
// channel 5-7 = (page & 0xFE) << 16 | address << 1 (word address, wraps inside 128 KiB), count
// in words. Memory is reached through phys_read8/phys_write8 (bus/memory.ts): RAM, ROM
// (writes ignored), MMIO or open bus; nothing outside the guest's memory map can be touched.
// Note that those apply the A20 gate, which on hardware masks only the CPU's addresses.
//
// Device API (the floppy controller and any other ISA DMA device):
//   dma_request(ch, on)          the device's DREQ line (shows in the status register)
//   dma_ready(ch): bool          the channel would transfer now: DREQ or a software request,
//                                unmasked, controller (and cascade) enabled, not cascade mode
//   dma_write_to_memory(ch, src, len): i32
//                                a device -> memory transfer of up to len bytes from linear
//                                memory at src (the device's buffer); memory is written only
//                                if the mode says "write" (verify/read just count, as the
//                                8237A does); returns the bytes moved (0 if not ready)
//   dma_read_from_memory(ch, dst, len): i32
//                                memory -> device; dst receives memory if the mode says
//                                "read", else 0xFF (nothing drives the bus)
//   dma_terminal_count(ch): bool the last transfer ended at terminal count (the device's EOP:
//                                the floppy controller ends its command on it)
//   dma_mode(ch), dma_remaining(ch) (bytes until terminal count)
// A transfer stops at terminal count: TC is set in the status register, the software request
// is cleared, and the channel either reloads its base address/count (auto-init) or masks
// itself. Channels 5-7 move whole words (len is rounded down to even). Demand, single and block
// mode differ only in bus timing on hardware; here the device moves what it has.
//
// DEV_DMA layout (0x100 bytes):
//   +0x00 + 16*ch  u16 base address, u16 base count, u16 current address, u16 current count,
//                  u8 mode, u8 DREQ, u8 TC hit by the last transfer
//   +0x80 + 8*c    controller c (0 master, 1 slave): u8 command, u8 status TC bits, u8 software
//                  requests, u8 mask, u8 byte flip-flop
//   +0x90          16 x u8 page registers, indexed by port - 0x80
import { DEV_DMA } from "../core-as/state";
import { port_claim, PORT_DEV_DMA } from "../core-as/bus/ports";
import { phys_read8, phys_write8 } from "../core-as/bus/memory";

const D = DEV_DMA;
@inline function chan(ch: u32): usize { return D + (ch << 4); }
const CH_BASE_ADDR: usize = 0;
const CH_BASE_COUNT: usize = 2;
const CH_ADDR: usize = 4;
const CH_COUNT: usize = 6;
const CH_MODE: usize = 8;
const CH_DREQ: usize = 9;
const CH_TC: usize = 10;
@inline function ctl(c: u32): usize { return D + 0x80 + (c << 3); }
const C_COMMAND: usize = 0;
const C_STATUS: usize = 1;
const C_REQUEST: usize = 2;
const C_MASK: usize = 3;
const C_FLIPFLOP: usize = 4;
const PAGES: usize = D + 0x90;

export const DMA_VERIFY: u32 = 0;
export const DMA_WRITE: u32 = 1; // device -> memory
export const DMA_READ: u32 = 2; // memory -> device

// Page register port (low nibble) of each channel.
function page_index(ch: u32): u32 {
  switch (ch) {
    case 0: return 0x7;
    case 1: return 0x3;
    case 2: return 0x1;
    case 3: return 0x2;
    case 4: return 0xf;
    case 5: return 0xb;
    case 6: return 0x9;
    default: return 0xa;
  }
}

export function dma_init(): void {
  memory.fill(D, 0, 0x100);
  store<u8>(ctl(0) + C_MASK, 0x0f);
  store<u8>(ctl(1) + C_MASK, 0x0f);
  port_claim(0x00, 0x10, PORT_DEV_DMA);
  port_claim(0xc0, 0x20, PORT_DEV_DMA);
  port_claim(0x81, 0x0f, PORT_DEV_DMA);
}

function master_clear(c: u32): void {
  const b = ctl(c);
  store<u8>(b + C_COMMAND, 0);
  store<u8>(b + C_STATUS, 0);
  store<u8>(b + C_REQUEST, 0);
  store<u8>(b + C_FLIPFLOP, 0);
  store<u8>(b + C_MASK, 0x0f);
}

// The byte flip-flop: low byte first, then high; every access toggles it.
function flip(c: u32): u32 {
  const b = ctl(c) + C_FLIPFLOP;
  const f = <u32>load<u8>(b);
  store<u8>(b, f ^ 1);
  return f;
}

function request_bits(c: u32): u32 {
  let r = <u32>load<u8>(ctl(c) + C_REQUEST);
  for (let i: u32 = 0; i < 4; i++) if (load<u8>(chan(c * 4 + i) + CH_DREQ) != 0) r |= 1 << i;
  return r;
}

function reg_read(c: u32, r: u32): u32 {
  if (r < 8) {
    const p = chan(c * 4 + (r >> 1)) + ((r & 1) != 0 ? CH_COUNT : CH_ADDR);
    const v = <u32>load<u16>(p);
    return flip(c) != 0 ? v >> 8 : v & 0xff;
  }
  const b = ctl(c);
  switch (r) {
    case 8: {
      const v = (<u32>load<u8>(b + C_STATUS) & 0x0f) | (request_bits(c) << 4);
      store<u8>(b + C_STATUS, 0);
      return v;
    }
    case 13: return 0; // temporary register (memory-to-memory only)
    case 15: return <u32>load<u8>(b + C_MASK) | 0xf0;
    default: return 0xff;
  }
}

function reg_write(c: u32, r: u32, v: u32): void {
  const b = ctl(c);
  if (r < 8) {
    const p = chan(c * 4 + (r >> 1));
    const off = (r & 1) != 0 ? CH_BASE_COUNT : CH_BASE_ADDR;
    const old = <u32>load<u16>(p + off);
    const nv = flip(c) != 0 ? (old & 0xff) | (v << 8) : (old & 0xff00) | v;
    store<u16>(p + off, nv);
    store<u16>(p + off + 4, nv); // the current register follows the base register
    return;
  }
  switch (r) {
    case 8: store<u8>(b + C_COMMAND, v); return;
    case 9: {
      const bit: u32 = 1 << (v & 3);
      const q = <u32>load<u8>(b + C_REQUEST);
      store<u8>(b + C_REQUEST, (v & 4) != 0 ? q | bit : q & ~bit);
      return;
    }
    case 10: {
      const bit: u32 = 1 << (v & 3);
      const m = <u32>load<u8>(b + C_MASK);
      store<u8>(b + C_MASK, (v & 4) != 0 ? m | bit : m & ~bit);
      return;
    }
    case 11: store<u8>(chan(c * 4 + (v & 3)) + CH_MODE, v & 0xfc); return;
    case 12: store<u8>(b + C_FLIPFLOP, 0); return;
    case 13: master_clear(c); return;
    case 14: store<u8>(b + C_MASK, 0); return;
    case 15: store<u8>(b + C_MASK, v & 0x0f); return;
    default: return;
  }
}

export function dma_read8(port: u32): u32 {
  if (port < 0x10) return reg_read(0, port);
  if (port >= 0xc0 && port < 0xe0) return reg_read(1, (port - 0xc0) >> 1);
  if (port > 0x80 && port < 0x90) return load<u8>(PAGES + (port - 0x80));
  return 0xff;
}

export function dma_write8(port: u32, v: u32): void {
  if (port < 0x10) { reg_write(0, port, v); return; }
  if (port >= 0xc0 && port < 0xe0) { reg_write(1, (port - 0xc0) >> 1, v); return; }
  if (port > 0x80 && port < 0x90) store<u8>(PAGES + (port - 0x80), v);
}

// ---- device API
export function dma_request(ch: u32, on: bool): void {
  store<u8>(chan(ch & 7) + CH_DREQ, on ? 1 : 0);
}

function controller_enabled(c: u32, i: u32): bool {
  const b = ctl(c);
  return (load<u8>(b + C_COMMAND) & 4) == 0 && (load<u8>(b + C_MASK) & (1 << i)) == 0;
}

export function dma_ready(ch: u32): bool {
  ch &= 7;
  const c = ch >> 2, i = ch & 3;
  if (!controller_enabled(c, i)) return false;
  if (c == 0 && !controller_enabled(1, 0)) return false; // cascade through channel 4
  const p = chan(ch);
  if ((load<u8>(p + CH_MODE) & 0xc0) == 0xc0) return false; // cascade mode: not a transfer channel
  return load<u8>(p + CH_DREQ) != 0 || (load<u8>(ctl(c) + C_REQUEST) & (1 << i)) != 0;
}

export function dma_mode(ch: u32): u32 {
  return load<u8>(chan(ch & 7) + CH_MODE);
}

export function dma_terminal_count(ch: u32): bool {
  return load<u8>(chan(ch & 7) + CH_TC) != 0;
}

export function dma_remaining(ch: u32): u32 {
  ch &= 7;
  const n = <u32>load<u16>(chan(ch) + CH_COUNT) + 1;
  return ch >= 4 ? n << 1 : n;
}

function phys_address(ch: u32, addr: u32): u32 {
  const page = <u32>load<u8>(PAGES + page_index(ch));
  return ch >= 4 ? ((page & 0xfe) << 16) | (addr << 1) : (page << 16) | addr;
}

function transfer(ch: u32, buf: usize, len: i32, to_memory: bool): i32 {
  ch &= 7;
  const p = chan(ch);
  store<u8>(p + CH_TC, 0);
  if (!dma_ready(ch) || len <= 0) return 0;
  const c = ch >> 2, i = ch & 3;
  const mode = <u32>load<u8>(p + CH_MODE);
  const type = (mode >> 2) & 3;
  const unit: i32 = ch >= 4 ? 2 : 1;
  let done: i32 = 0;
  while (done + unit <= len) {
    const addr = <u32>load<u16>(p + CH_ADDR);
    const pa = phys_address(ch, addr);
    for (let k: i32 = 0; k < unit; k++) {
      if (to_memory) {
        if (type == DMA_WRITE) phys_write8(pa + <u32>k, load<u8>(buf + <usize>(done + k)));
      } else {
        store<u8>(buf + <usize>(done + k), type == DMA_READ ? phys_read8(pa + <u32>k) : 0xff);
      }
    }
    done += unit;
    store<u16>(p + CH_ADDR, (mode & 0x20) != 0 ? addr - 1 : addr + 1);
    const count = <u32>load<u16>(p + CH_COUNT);
    store<u16>(p + CH_COUNT, count - 1);
    if (count == 0) {
      // terminal count (EOP)
      const b = ctl(c);
      store<u8>(b + C_STATUS, <u32>load<u8>(b + C_STATUS) | (1 << i));
      store<u8>(b + C_REQUEST, <u32>load<u8>(b + C_REQUEST) & ~(1 << i));
      store<u8>(p + CH_TC, 1);
      if ((mode & 0x10) != 0) {
        store<u16>(p + CH_ADDR, load<u16>(p + CH_BASE_ADDR));
        store<u16>(p + CH_COUNT, load<u16>(p + CH_BASE_COUNT));
      } else {
        store<u8>(b + C_MASK, <u32>load<u8>(b + C_MASK) | (1 << i));
      }
      break;
    }
  }
  return done;
}

export function dma_write_to_memory(ch: u32, src: usize, len: i32): i32 {
  return transfer(ch, src, len, true);
}

export function dma_read_from_memory(ch: u32, dst: usize, len: i32): i32 {
  return transfer(ch, dst, len, false);
}

// ---- for the core's tests (exported through core-as/index.ts)
export const DMA_TEST_BUF: usize = memory.data(256);
