// The TLB: one u32 per linear 4 KiB page at TLB (1 Mi entries), as STYLE.md asks:
//
//   entry = (host_page ^ linear_page) | flags       host address = (entry & ~0xFFF) ^ linear
//
// For MMIO pages the high bits hold the physical page instead of a host page. The fast path
// is one load, one AND, one compare and a XOR: (entry & mask) == TLB_VALID, where the mask for
// the current access kind and privilege includes every flag that must be clear. Everything
// unusual (miss, MMIO, ROM write, first write to a clean page, page crossing, alignment check)
// takes the one slow path in cpu/memory.ts. Filled page numbers are listed at TLB_LIST so a
// flush clears only them; when the list overflows the whole array is cleared.
import { TLB, TLB_LIST, TLB_LIST_MAX, TLB_LIST_LEN, TLB_FLUSHES, CPL, CR0, EFLAGS, TLB_RMASK_NOW, TLB_WMASK_NOW } from "../state";
import { reset_fetch_window } from "./fetch_window";

export const TLB_VALID: u32 = 1;
export const TLB_NO_USER: u32 = 2; // CPL 3 may not access
export const TLB_NO_WRITE_USER: u32 = 4; // CPL 3 may not write (or the page is clean/ROM)
export const TLB_NO_WRITE_SUP: u32 = 8; // CPL 0-2 may not write (WP=1 read-only, clean, ROM)
export const TLB_MMIO: u32 = 16; // device page: high bits are the physical page
export const TLB_GLOBAL: u32 = 32; // survives a CR3 load (CR4.PGE)
export const TLB_ROM: u32 = 64; // reads from host memory, writes dropped
export const TLB_ALWAYS: u32 = 128; // set in every entry; in the masks only while #AC checks apply
export const TLB_DEBUG: u32 = 256; // set in every entry; in the masks while data breakpoints are armed (debug.ts)

// The current masks (derived from CPL and the alignment-check state; see update_tlb_masks).
export let TLB_RMASK: u32 = TLB_VALID | TLB_MMIO;
export let TLB_WMASK: u32 = TLB_VALID | TLB_MMIO | TLB_NO_WRITE_SUP;

// Data breakpoints armed: every access takes the slow path, which checks them (debug.ts).
let DEBUG_ON: bool = false;
export function set_tlb_debug(on: bool): void { DEBUG_ON = on; }

export function update_tlb_masks(): void {
  const user = load<u32>(CPL) == 3;
  // Alignment checking (SDM vol.3 §6.15, #AC): CR0.AM and EFLAGS.AC at CPL 3.
  const ac = user && (load<u32>(CR0) & 0x40000) != 0 && (load<u32>(EFLAGS) & 0x40000) != 0;
  const extra = (ac ? TLB_ALWAYS : 0) | (DEBUG_ON ? TLB_DEBUG : 0);
  TLB_RMASK = TLB_VALID | TLB_MMIO | extra | (user ? TLB_NO_USER : 0);
  TLB_WMASK = TLB_VALID | TLB_MMIO | extra | (user ? TLB_NO_USER | TLB_NO_WRITE_USER : TLB_NO_WRITE_SUP);
  store<u32>(TLB_RMASK_NOW, TLB_RMASK); // compiled code's inline accesses load them from here
  store<u32>(TLB_WMASK_NOW, TLB_WMASK);
}

@inline export function tlb_entry(lin: u32): u32 {
  return load<u32>(TLB + ((lin >>> 12) << 2));
}

export function tlb_set(lin: u32, entry: u32): void {
  const page = lin >>> 12;
  const addr = TLB + (page << 2);
  if (load<u32>(addr) == 0) {
    const n = load<u32>(TLB_LIST_LEN);
    if (n < <u32>TLB_LIST_MAX) {
      store<u32>(TLB_LIST + (n << 2), page);
      store<u32>(TLB_LIST_LEN, n + 1);
    } else {
      // list full: forget the list; the next flush clears the whole array
      store<u32>(TLB_LIST_LEN, TLB_LIST_MAX + 1);
    }
  }
  store<u32>(addr, entry | TLB_VALID | TLB_ALWAYS | TLB_DEBUG);
}

// Flush everything (keep_global false) or everything but global pages (a CR3 load with PGE).
export function tlb_flush_all(include_global: bool): void {
  const n = load<u32>(TLB_LIST_LEN);
  store<u64>(TLB_FLUSHES, load<u64>(TLB_FLUSHES) + 1);
  if (n > <u32>TLB_LIST_MAX) {
    if (include_global) {
      memory.fill(TLB, 0, 0x400000);
      store<u32>(TLB_LIST_LEN, 0);
    } else {
      // rebuild the list with the surviving global entries
      let kept: u32 = 0;
      for (let page: u32 = 0; page < 0x100000; page++) {
        const addr = TLB + (page << 2);
        const e = load<u32>(addr);
        if (e == 0) continue;
        if ((e & TLB_GLOBAL) != 0 && kept < <u32>TLB_LIST_MAX) {
          store<u32>(TLB_LIST + (kept << 2), page);
          kept++;
        } else store<u32>(addr, 0);
      }
      store<u32>(TLB_LIST_LEN, kept);
    }
  } else {
    let kept: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const page = load<u32>(TLB_LIST + (i << 2));
      const addr = TLB + (page << 2);
      if (!include_global && (load<u32>(addr) & TLB_GLOBAL) != 0) {
        store<u32>(TLB_LIST + (kept << 2), page);
        kept++;
      } else store<u32>(addr, 0);
    }
    store<u32>(TLB_LIST_LEN, kept);
  }
  reset_fetch_window();
}

// invlpg: drop one page, global or not (SDM vol.2 INVLPG). The list keeps the stale page
// number; clearing a zero entry again at the next flush is harmless.
export function tlb_flush_page(lin: u32): void {
  store<u32>(TLB + ((lin >>> 12) << 2), 0);
  reset_fetch_window();
}
