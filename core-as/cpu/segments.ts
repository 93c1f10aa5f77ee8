// Segment register caches (SDM vol.3 §3.4.3) and the checks derived from them.
// The hidden part of each segment register is SEG_BASE/SEG_LIMIT/SEG_ATTR; SEG_MIN/SEG_MAX/
// SEG_OK are derived from it (and the mode) by seg_update_checks so memory.ts checks an access
// with two compares. Real-mode and V86 loads live here; protected-mode loads with their
// descriptor checks are in descriptors.ts.
import { SEG_SEL, SEG_BASE, SEG_LIMIT, SEG_ATTR, SEG_MIN, SEG_MAX, SEG_OK, MODE, MODE_PE, MODE_VM, MODE_CODE32, MODE_STACK32, MODE_FLAT, CR0, EFLAGS, CPL } from "../state";
import { S_CS, S_SS, S_DS, S_ES } from "./regs";
import { reset_fetch_window } from "./fetch_window";
import { update_tlb_masks } from "./tlb";
import { prefixes_reset } from "./decode";

// SEG_ATTR layout: descriptor bits 40..55 >> 8, i.e. bits 0-3 type, 4 S, 5-6 DPL, 7 P,
// 12 AVL, 14 D/B, 15 G.
export const ATTR_ACCESSED: u32 = 0x1;
export const ATTR_RW: u32 = 0x2; // readable code / writable data
export const ATTR_DC: u32 = 0x4; // conforming code / expand-down data
export const ATTR_CODE: u32 = 0x8;
export const ATTR_S: u32 = 0x10; // code or data (not system)
export const ATTR_P: u32 = 0x80;
export const ATTR_DB: u32 = 0x4000;
export const ATTR_G: u32 = 0x8000;

@inline export function attr_dpl(attr: u32): u32 { return (attr >> 5) & 3; }

// Recompute the fast check data of segment s from its cache and the current mode.
export function seg_update_checks(s: i32): void {
  const attr = load<u32>(SEG_ATTR + (s << 2));
  const limit = load<u32>(SEG_LIMIT + (s << 2));
  const mode = load<u32>(MODE);
  let min: u32 = 0;
  let max: u32 = limit;
  let ok: u32 = 0;
  if ((mode & MODE_PE) == 0 || (mode & MODE_VM) != 0) {
    ok = 7; // real and V86 mode: only the limit applies
  } else if (s == S_CS) {
    ok = 4 | ((attr & ATTR_RW) != 0 ? 1 : 0);
  } else if ((load<u32>(SEG_SEL + (s << 2)) & 0xfffc) == 0 || (attr & ATTR_P) == 0 || (attr & ATTR_S) == 0) {
    ok = 0; // null selector (or nothing loaded): any use is #GP(0)
  } else if (attr & ATTR_CODE) {
    ok = 4 | ((attr & ATTR_RW) != 0 ? 1 : 0); // code: readable if R, never writable
  } else {
    ok = 5 | ((attr & ATTR_RW) != 0 ? 2 : 0);
    if (attr & ATTR_DC) {
      // expand-down: valid offsets are limit+1 .. 0xFFFF or 0xFFFFFFFF (SDM vol.3 §3.4.5)
      min = limit + 1;
      max = (attr & ATTR_DB) != 0 ? 0xffffffff : 0xffff;
      if (min == 0) ok = 0;
    }
  }
  store<u32>(SEG_MIN + (s << 2), min);
  store<u32>(SEG_MAX + (s << 2), max);
  store<u32>(SEG_OK + (s << 2), ok);
  if (s == S_ES || s == S_SS || s == S_DS) update_flat();
}

// MODE_FLAT: whether ES, SS and DS all have base 0 and allow reads and writes at every 32-bit
// offset (a flat model: Linux, DOS extenders). Compiled code made for it skips their segment
// checks, so a change ends the running block (CODE_CONTEXT_CHANGED) and selects other code.
export function update_flat(): void {
  const flat = is_flat(S_ES) && is_flat(S_SS) && is_flat(S_DS);
  const m = load<u32>(MODE);
  if (flat == ((m & MODE_FLAT) != 0)) return;
  store<u32>(MODE, flat ? m | MODE_FLAT : m & ~MODE_FLAT);
  reset_fetch_window();
}

@inline function is_flat(s: i32): bool {
  return load<u32>(SEG_BASE + (s << 2)) == 0 && load<u32>(SEG_MIN + (s << 2)) == 0 &&
    load<u32>(SEG_MAX + (s << 2)) == 0xffffffff && load<u32>(SEG_OK + (s << 2)) == 7;
}

// Recompute the MODE bits from CR0, EFLAGS.VM, CS.D and SS.B, and everything derived from
// them. Called after any change to those.
export function update_mode(): void {
  const cr0 = load<u32>(CR0);
  const vm = (load<u32>(EFLAGS) & 0x20000) != 0;
  let m: u32 = 0;
  if (cr0 & 1) {
    m |= MODE_PE;
    if (vm) m |= 2;
    else {
      if (load<u32>(SEG_ATTR + (S_CS << 2)) & ATTR_DB) m |= MODE_CODE32;
      if (load<u32>(SEG_ATTR + (S_SS << 2)) & ATTR_DB) m |= MODE_STACK32;
    }
  }
  if ((cr0 & 0x80000001) == 0x80000001) m |= 16;
  const old = load<u32>(MODE);
  store<u32>(MODE, m | (old & MODE_FLAT));
  if (((old ^ m) & (MODE_PE | MODE_VM)) != 0) for (let s = 0; s < 6; s++) seg_update_checks(s);
  update_tlb_masks();
  reset_fetch_window();
  prefixes_reset();
}

export function set_cpl(c: u32): void {
  store<u32>(CPL, c);
  update_tlb_masks();
}

// Load the whole cache of segment s.
export function seg_set_cache(s: i32, sel: u32, base: u32, limit: u32, attr: u32): void {
  store<u32>(SEG_SEL + (s << 2), sel & 0xffff);
  store<u32>(SEG_BASE + (s << 2), base);
  store<u32>(SEG_LIMIT + (s << 2), limit);
  store<u32>(SEG_ATTR + (s << 2), attr);
  seg_update_checks(s);
  if (s == S_CS || s == S_SS) update_mode();
}

// Real mode: only the selector and base change; limit and attributes stay as they were, which
// is what makes "unreal mode" work (SDM vol.3 §9.9.2; every DOS extender relies on it).
export function seg_load_real(s: i32, sel: u32): void {
  sel &= 0xffff;
  store<u32>(SEG_SEL + (s << 2), sel);
  store<u32>(SEG_BASE + (s << 2), sel << 4);
  if (s == S_CS) reset_fetch_window();
  else if (s == S_ES || s == S_SS || s == S_DS) update_flat();
}

// Virtual-8086 mode: base = selector * 16, limit 64 KiB, a present writable data segment of
// DPL 3 (SDM vol.3 §20.1.1).
export function seg_load_v86(s: i32, sel: u32): void {
  seg_set_cache(s, sel, (sel & 0xffff) << 4, 0xffff, s == S_CS ? 0xfb : 0xf3);
  if (s == S_CS) reset_fetch_window();
}
