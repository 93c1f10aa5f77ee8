// The code cache: which blocks are compiled, where their functions sit in the shared table,
// and which host pages hold their code (so a write to one drops them).
//
// JIT_CACHE is a two-way set-associative table of JIT_CACHE_N entries of 32 bytes, keyed by
// what the compiled code depends on: the host address of the entry byte (the physical
// location: RAM and ROM have fixed host addresses), the entry EIP (compiled code writes EIP
// constants) and the mode key (code size, stack size, protected/V86/paging, CPL 3,
// single-instruction block, cache generation):
//
//   +0 host  +4 eip  +8 mode key  +12 slot (0 not compiled, NO_SLOT never)  +16 hits
//   +20 the longest block of the region (bits 0-15) and this entry's block in it (16-31)
//   +24 the module's serial number  +28 highest EIP the region fetches or jumps to
//
// A region (jit/compile.ts) has an entry here for each of its blocks, all naming its table
// slot; the first (the one that was hot) owns the slot. The serial number tells whether the
// slot still holds that module: when the owner is dropped, the others stop matching.
//
// A new entry takes the way entered less often once that way's count, halved by each
// newcomer, reaches zero (jit/jit.ts); the old block's table slot is freed. Table slots are handed out
// from JIT_SLOTS; when all are taken, the coldest block (fewest entries since the last
// eviction round) is evicted.
import {
  JIT_CACHE, JIT_CACHE_N, JIT_SLOTS, JIT_SLOT_SERIALS, JIT_SLOT_BASE, JIT_SLOT_COUNT, JIT_CODE_PAGES, JIT_INVALIDATIONS,
  JIT_EVICTIONS, JIT_FLUSHES, TLB, TLB_LIST, TLB_LIST_LEN, TLB_LIST_MAX,
} from "../state";
import { TLB_MMIO, TLB_NO_WRITE_USER, TLB_NO_WRITE_SUP } from "../cpu/tlb";

export const E_HOST = 0;
export const E_EIP = 4;
export const E_MODE = 8;
export const E_SLOT = 12;
export const E_HITS = 16;
export const E_INSNS = 20;
export const E_SERIAL = 24;
export const E_MAXEIP = 28; // highest EIP the block reads code at or jumps to (checked against the CS limit at entry)
export const NO_SLOT: u32 = 0xffffffff;

// Set when compiled code was dropped while it may be running (a helper wrote to its page):
// the helper then ends the block (jit/jit.ts).
export let JIT_INVALIDATED: bool = false;
@inline export function clear_invalidated(): void { JIT_INVALIDATED = false; }

// The first of the two entries of the set for (host, eip); the other is at +32.
@inline export function entry_addr(host: u32, eip: u32): u32 {
  const h = (host ^ (host >>> 12) ^ (eip << 3) ^ (eip >>> 9)) & <u32>(JIT_CACHE_N - 2);
  return JIT_CACHE + (h << 5);
}

// JIT_CODE_PAGES has a byte per host page: bit 0 set while blocks compiled from the page
// exist (then no TLB entry may write the page directly), bits 1-7 how often they were dropped
// because the page was written (saturating). Pages that keep being written hold data next to
// code (DOS programs keep variables and the stack beside their code): after PAGE_WRITES_MAX
// invalidations the page is left to the interpreter, which needs no invalidation. The counts
// are halved every AGE_INSNS instructions, so that a page Linux recycles for new contents now
// and then (page cache, freed and reused memory) does not end up interpreted for good, while a
// page written all the time is back on the list after a few compiles.
const PAGE_WRITES_MAX: u32 = 4;
const AGE_INSNS: u64 = 256 << 20;
let next_age: u64 = AGE_INSNS;

// Bit 0 of the page's byte.
@inline export function code_page_flag(host: u32): u32 {
  return <u32>load<u8>(JIT_CODE_PAGES + (host >>> 12)) & 1;
}

// Whether blocks may still be compiled from the page of `host` (`now` is ICOUNT).
export function page_compilable(host: u32, now: u64): bool {
  if (now >= next_age) {
    next_age = now + AGE_INSNS;
    // halve every count, keep bit 0: byte = count << 1 | flag
    for (let a: usize = JIT_CODE_PAGES; a < <usize>(JIT_CODE_PAGES + 0x100000); a += 8) {
      const w = load<u64>(a);
      if (w != 0) store<u64>(a, ((w >>> 1) & 0x7e7e7e7e7e7e7e7e) | (w & 0x0101010101010101));
    }
  }
  return (<u32>load<u8>(JIT_CODE_PAGES + (host >>> 12)) >> 1) < PAGE_WRITES_MAX;
}

// Compiled-code lookups compare the mode key, whose bits 8-31 are this generation: a flush
// starts a new one, so every older entry stops matching without clearing the table.
export let JIT_GEN: u32 = 1;

function free_slot_of(e: u32): void {
  const slot = load<u32>(e + E_SLOT);
  if (slot != 0 && slot != NO_SLOT) {
    // (an entry from before a flush may name a slot that another block owns by now)
    const i = slot - load<u32>(JIT_SLOT_BASE);
    const own = JIT_SLOTS + (i << 2);
    if (i < load<u32>(JIT_SLOT_COUNT) && load<u32>(own) == (e - JIT_CACHE) / 32 + 1) {
      store<u32>(own, 0);
      store<u32>(JIT_SLOT_SERIALS + (i << 2), 0);
    }
  }
  store<u32>(e + E_SLOT, 0);
}

export function drop_entry(e: u32): void {
  free_slot_of(e);
  store<u32>(e + E_HOST, 0);
}

// Serial numbers of installed modules (never 0: a free slot's serial).
let serial: u32 = 0;
export function next_serial(): u32 {
  serial++;
  if (serial == 0) { jit_flush_all(); serial = 1; }
  return serial;
}

// Whether entry e names a table slot that still holds its module.
@inline export function slot_current(e: u32, slot: u32): bool {
  return load<u32>(JIT_SLOT_SERIALS + ((slot - load<u32>(JIT_SLOT_BASE)) << 2)) == load<u32>(e + E_SERIAL);
}

// An entry for block `insns >>> 16` of a region just installed, in the way that has no
// compiled code of its own (a block that is also the start of another region keeps it).
// Gives up when both ways hold compiled code.
export function add_region_entry(host: u32, eip: u32, key: u32, slot: u32, ser: u32, insns: u32, maxeip: u32, hits: u32): void {
  const e1 = entry_addr(host, eip), e2 = e1 ^ 32;
  let e: u32 = 0;
  if (matches(e1, host, eip, key)) e = e1;
  else if (matches(e2, host, eip, key)) e = e2;
  if (e != 0 && compiled(e, key)) return;
  if (e == 0) {
    if (!compiled(e1, key) && (compiled(e2, key) || load<u32>(e1 + E_HITS) <= load<u32>(e2 + E_HITS) || (load<u32>(e1 + E_MODE) >>> 8) != JIT_GEN)) e = e1;
    else if (!compiled(e2, key)) e = e2;
    else return;
    if (load<u32>(e + E_HOST) != 0) drop_entry(e);
    store<u32>(e + E_HOST, host);
    store<u32>(e + E_EIP, eip);
    store<u32>(e + E_MODE, key);
  } else free_slot_of(e);
  store<u32>(e + E_SLOT, slot);
  store<u32>(e + E_HITS, hits);
  store<u32>(e + E_INSNS, insns);
  store<u32>(e + E_SERIAL, ser);
  store<u32>(e + E_MAXEIP, maxeip);
}

@inline function matches(e: u32, host: u32, eip: u32, key: u32): bool {
  return load<u32>(e + E_HOST) == host && load<u32>(e + E_EIP) == eip && load<u32>(e + E_MODE) == key;
}

// A current-generation entry with its module in the table
function compiled(e: u32, key: u32): bool {
  if (load<u32>(e + E_HOST) == 0 || (load<u32>(e + E_MODE) >>> 8) != JIT_GEN) return false;
  const slot = load<u32>(e + E_SLOT);
  return slot != 0 && slot != NO_SLOT && slot_current(e, slot);
}

// A free table slot for entry e (evicting the coldest block if none is free); returns the table
// index, or 0 when the host gave the JIT no slots.
let slot_cursor: u32 = 0;
export function take_slot(e: u32): u32 {
  const n = load<u32>(JIT_SLOT_COUNT);
  if (n == 0) return 0;
  for (let k: u32 = 0; k < n; k++) {
    const i = (slot_cursor + k) % n;
    if (load<u32>(JIT_SLOTS + (i << 2)) == 0) {
      slot_cursor = i + 1;
      store<u32>(JIT_SLOTS + (i << 2), (e - JIT_CACHE) / 32 + 1);
      return load<u32>(JIT_SLOT_BASE) + i;
    }
  }
  // full: evict the block entered least often, and age every count so that blocks that were
  // hot long ago do not stay forever
  let best: u32 = 0;
  let best_hits: u32 = 0xffffffff;
  for (let i: u32 = 0; i < n; i++) {
    const owner = JIT_CACHE + ((load<u32>(JIT_SLOTS + (i << 2)) - 1) << 5);
    const hits = load<u32>(owner + E_HITS);
    store<u32>(owner + E_HITS, hits >>> 1);
    if (owner != e && hits < best_hits) { best_hits = hits; best = i; }
  }
  const victim = JIT_CACHE + ((load<u32>(JIT_SLOTS + (best << 2)) - 1) << 5);
  drop_entry(victim);
  store<u32>(JIT_EVICTIONS, load<u32>(JIT_EVICTIONS) + 1);
  store<u32>(JIT_SLOTS + (best << 2), (e - JIT_CACHE) / 32 + 1);
  return load<u32>(JIT_SLOT_BASE) + best;
}

// Forget every compiled block (the host wrote guest memory, or the state was replaced). The
// table is not cleared (512 KiB, and Machine.step() with the JIT forced flushes before every
// instruction): a new generation makes the old entries miss. JIT_CODE_PAGES keeps its flags: a
// flagged page without blocks only costs its next write a trip through tlb_fill.
export function jit_flush_all(): void {
  JIT_GEN++;
  if (JIT_GEN > 0xffffff) {
    memory.fill(JIT_CACHE, 0, JIT_CACHE_N * 32);
    JIT_GEN = 1;
  }
  const n = load<u32>(JIT_SLOT_COUNT);
  memory.fill(JIT_SLOTS, 0, n * 4);
  memory.fill(JIT_SLOT_SERIALS, 0, n * 4);
  store<u32>(JIT_FLUSHES, load<u32>(JIT_FLUSHES) + 1);
  JIT_INVALIDATED = true;
}

// Mark the host page holding compiled code and take write permission away from every TLB
// entry that maps it, so the next write to it reaches tlb_fill (cpu/paging.ts), which calls
// jit_invalidate_page. Only entries that exist are changed: the TLB stays what the guest
// would expect (stale entries keep their translation; SDM vol.3 §4.10.4).
export function protect_code_page(host: u32): void {
  const p = host >>> 12;
  const v = <u32>load<u8>(JIT_CODE_PAGES + p);
  if ((v & 1) != 0) return;
  store<u8>(JIT_CODE_PAGES + p, v | 1);
  const n = load<u32>(TLB_LIST_LEN);
  if (n > <u32>TLB_LIST_MAX) {
    for (let page: u32 = 0; page < 0x100000; page++) protect_entry(page, p);
  } else {
    for (let i: u32 = 0; i < n; i++) protect_entry(load<u32>(TLB_LIST + (i << 2)), p);
  }
}

@inline function protect_entry(page: u32, p: u32): void {
  const a = TLB + (page << 2);
  const e = load<u32>(a);
  if (e == 0 || (e & TLB_MMIO) != 0) return;
  if ((((e & 0xfffff000) ^ (page << 12)) >>> 12) == p) store<u32>(a, e | TLB_NO_WRITE_USER | TLB_NO_WRITE_SUP);
}

// Something is about to write the host page holding `host`: drop the blocks compiled from it.
// (Blocks never span pages; the compiled ones are those holding a table slot.)
export function jit_invalidate_page(host: u32): void {
  if (code_page_flag(host) == 0) return;
  const p = host >>> 12;
  let dropped: u32 = 0;
  const n = load<u32>(JIT_SLOT_COUNT);
  for (let i: u32 = 0; i < n; i++) {
    const owner = load<u32>(JIT_SLOTS + (i << 2));
    if (owner == 0) continue;
    const e = JIT_CACHE + ((owner - 1) << 5);
    if ((load<u32>(e + E_HOST) >>> 12) == p) { drop_entry(e); dropped++; }
  }
  const count = (<u32>load<u8>(JIT_CODE_PAGES + p) >> 1) + (dropped != 0 ? 1 : 0);
  store<u8>(JIT_CODE_PAGES + p, (count < 127 ? count : 127) << 1);
  store<u32>(JIT_INVALIDATIONS, load<u32>(JIT_INVALIDATIONS) + dropped);
  JIT_INVALIDATED = true;
}

// A write of len bytes at host address host by a device or the bus (DMA, phys_write*).
export function jit_invalidate_range(host: u32, len: u32): void {
  if (len == 0) return;
  const last = host + len - 1;
  for (let p = host & 0xfffff000; ; p += 0x1000) {
    if (code_page_flag(p) != 0) jit_invalidate_page(p);
    if (p >= (last & 0xfffff000)) break;
  }
}
