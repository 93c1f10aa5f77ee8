// The PIIX3 IDE bus master (PIIX3 data sheet 290550 §2.7, SFF-8038i): per channel a command
// register (start/stop, direction), a status register (active, error, interrupt, the two "DMA
// capable" bits) and the PRD table pointer, at BMIBA (PCI BAR4, devices/ide_pci.ts) + 0 and + 8.
// A PRD is two dwords: the region's physical address (bit 0 ignored) and its byte count (bits
// 15-1, 0 = 64 KiB) with EOT in bit 31. The state lives in the channel block of DEV_IDE (the
// C_BM*/C_PRD*/C_REG* offsets in ide.ts); the transfer engine (ide.ts pump) calls prd_move.
import { MEM_SIZE, RAM } from "../core-as/state";
import { phys_read8, phys_write8 } from "../core-as/bus/memory";
import { jit_invalidate_range } from "../core-as/jit/cache";
import {
  chan, cg, cs, pump, C_BMCMD, C_BMSTS, C_PRD_TABLE, C_PRD_NEXT, C_REG_ADDR, C_REG_LEFT, C_REG_EOT, C_PRD_DONE,
  BM_ACTIVE, BM_ERROR, BM_INTR,
} from "./ide";

// Copy between the channel buffer and guest physical memory, bounds-checked: RAM below
// MEM_SIZE (the legacy hole A0000-FFFFF goes through the bus for VGA and ROM), nothing else.
// Outside RAM is a master abort: reads give FFh, writes vanish, and the error bit is set.
function mem_copy(ch: u32, addr: u32, host: usize, n: u32, to_mem: bool): void {
  const mem = <u64>load<u32>(MEM_SIZE);
  const end = <u64>addr + <u64>n;
  if (end <= mem && (end <= 0xa0000 || addr >= 0x100000)) {
    if (to_mem) jit_invalidate_range(RAM + addr, n); // DMA over compiled code drops it
    if (to_mem) memory.copy(<usize>RAM + <usize>addr, host, n);
    else memory.copy(host, <usize>RAM + <usize>addr, n);
    return;
  }
  for (let i: u32 = 0; i < n; i++) {
    const a = <u64>addr + <u64>i;
    if (a >= mem) {
      if (!to_mem) store<u8>(host + i, 0xff);
      cs(ch, C_BMSTS, cg(ch, C_BMSTS) | BM_ERROR);
    } else if (a >= 0xa0000 && a < 0x100000) {
      if (to_mem) phys_write8(<u32>a, <u32>load<u8>(host + i));
      else store<u8>(host + i, <u8>phys_read8(<u32>a));
    } else if (to_mem) { jit_invalidate_range(RAM + <u32>a, 1); store<u8>(<usize>RAM + <usize>a, load<u8>(host + i)); }
    else store<u8>(host + i, load<u8>(<usize>RAM + <usize>a));
  }
}

function mem_read32(ch: u32, addr: u32): u32 {
  const tmp = chan(ch) + 0xf0; // 4 scratch bytes at the end of the channel block
  mem_copy(ch, addr, tmp, 4, false);
  return load<u32>(tmp);
}

// Move up to n bytes between the buffer at host and the PRD regions; returns bytes moved
// (less than n when the table is exhausted).
export function prd_move(ch: u32, host: usize, n: u32, to_mem: bool): u32 {
  const c = chan(ch);
  let moved: u32 = 0;
  while (moved < n) {
    let rl = load<u32>(c + C_REG_LEFT);
    if (rl == 0) {
      if (cg(ch, C_PRD_DONE) != 0) break;
      const p = load<u32>(c + C_PRD_NEXT);
      const base = mem_read32(ch, p) & 0xfffffffe;
      const w = mem_read32(ch, p + 4);
      rl = w & 0xfffe;
      if (rl == 0) rl = 0x10000; // a count of 0 means 64 KiB
      store<u32>(c + C_PRD_NEXT, p + 8);
      store<u32>(c + C_REG_ADDR, base);
      cs(ch, C_REG_EOT, (w >>> 31) & 1);
    }
    let k = n - moved;
    if (k > rl) k = rl;
    const a = load<u32>(c + C_REG_ADDR);
    mem_copy(ch, a, host + moved, k, to_mem);
    moved += k;
    rl -= k;
    store<u32>(c + C_REG_ADDR, a + k);
    store<u32>(c + C_REG_LEFT, rl);
    if (rl == 0 && cg(ch, C_REG_EOT) != 0) cs(ch, C_PRD_DONE, 1);
  }
  // a table used up ends the bus master's activity (SFF-8038i table 1)
  if (cg(ch, C_PRD_DONE) != 0 && load<u32>(c + C_REG_LEFT) == 0) cs(ch, C_BMSTS, cg(ch, C_BMSTS) & ~BM_ACTIVE);
  return moved;
}


export function bm_read(off: u32): u32 {
  const ch = off >> 3;
  switch (off & 7) {
    case 0: return cg(ch, C_BMCMD) & 0x09;
    case 2: {
      // bit 7 simplex only = 0: both channels may DMA at once
      return cg(ch, C_BMSTS) & 0x67;
    }
    case 4: case 5: case 6: case 7: return (load<u32>(chan(ch) + C_PRD_TABLE) >> (((off & 3)) * 8)) & 0xff;
    default: return 0;
  }
}

export function bm_write(off: u32, v: u32): void {
  const ch = off >> 3;
  const c = chan(ch);
  switch (off & 7) {
    case 0: {
      const old = cg(ch, C_BMCMD);
      if ((old & 1) == 0 && (v & 1) != 0) {
        // start: the bus master begins at the table's first entry (PIIX3 §2.7.1)
        store<u32>(c + C_PRD_NEXT, load<u32>(c + C_PRD_TABLE));
        store<u32>(c + C_REG_LEFT, 0);
        cs(ch, C_REG_EOT, 0);
        cs(ch, C_PRD_DONE, 0);
        cs(ch, C_BMCMD, v & 0x09);
        cs(ch, C_BMSTS, cg(ch, C_BMSTS) | BM_ACTIVE);
        pump(ch);
        return;
      }
      if ((v & 1) == 0) {
        cs(ch, C_BMSTS, cg(ch, C_BMSTS) & ~BM_ACTIVE); // stop: the transfer is abandoned
        cs(ch, C_BMCMD, v & 0x08);
        return;
      }
      // the direction cannot change while the bus master runs
      return;
    }
    case 2: {
      const s = cg(ch, C_BMSTS);
      cs(ch, C_BMSTS, (s & BM_ACTIVE) | (s & ~v & (BM_ERROR | BM_INTR)) | (v & 0x60));
      return;
    }
    case 4: case 5: case 6: case 7: {
      const sh = (off & 3) * 8;
      let t = load<u32>(c + C_PRD_TABLE);
      t = (t & ~(<u32>0xff << sh)) | ((v & 0xff) << sh);
      store<u32>(c + C_PRD_TABLE, t & 0xfffffffc);
      return;
    }
    default: return;
  }
}

