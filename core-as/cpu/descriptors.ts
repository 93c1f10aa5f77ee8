// Segment register loads. Real and V86 mode are simple (segments.ts); protected-mode loads read
// the descriptor from the GDT/LDT and apply the checks of SDM vol.3 §5 (and vol.2 MOV/POP/LDS).
//
// Descriptor helpers used by every protected-mode transfer (far.ts, interrupt_pm.ts, task.ts,
// ops/system.ts) live here too: fetch_desc() reads the 8 bytes a selector names into DESC_LO/
// DESC_HI without raising anything (the caller knows which exception and error code apply),
// and the desc_* functions decode them.
import { MODE, MODE_PE, MODE_VM, GDTR_BASE, GDTR_LIMIT, SEG_SEL, SEG_BASE, SEG_LIMIT, SEG_ATTR, CPL } from "../state";
import { seg_load_real, seg_load_v86, seg_set_cache, seg_update_checks, ATTR_P, ATTR_S, ATTR_CODE, ATTR_RW, ATTR_DC, ATTR_G } from "./segments";
import { sys_read32, sys_write8 } from "./memory";
import { FAULTED, gp, np, ss_fault } from "./fault";
import { S_SS, S_LDTR } from "./regs";

export function load_seg(s: i32, sel: u32): bool {
  const m = load<u32>(MODE);
  if ((m & MODE_PE) == 0) { seg_load_real(s, sel); return true; }
  if ((m & MODE_VM) != 0) { seg_load_v86(s, sel); return true; }
  return load_seg_pm(s, sel);
}

// ---------------------------------------------------------------- descriptor access

export let DESC_LO: u32 = 0; // bytes 0..3 of the last fetched descriptor
export let DESC_HI: u32 = 0; // bytes 4..7
export let DESC_ADDR: u32 = 0; // its linear address (to set the accessed or busy bit)

// Read the descriptor that selector `sel` names (GDT for TI=0, LDT for TI=1). Returns false
// without raising if the index lies beyond the table limit or TI=1 while the LDTR holds no
// valid LDT; a page fault while reading sets FAULTED and also returns false.
export function fetch_desc(sel: u32): bool {
  let base: u32;
  let limit: u32;
  if (sel & 4) {
    // LLDT with a null selector (or a task without an LDT) leaves the LDTR marked invalid
    // (not present); the reset state is a valid LDT at 0 with limit FFFF (SDM vol.3 table 9-1)
    if ((load<u32>(SEG_ATTR + (S_LDTR << 2)) & ATTR_P) == 0) return false;
    base = load<u32>(SEG_BASE + (S_LDTR << 2));
    limit = load<u32>(SEG_LIMIT + (S_LDTR << 2));
  } else {
    base = load<u32>(GDTR_BASE);
    limit = load<u32>(GDTR_LIMIT);
  }
  const idx = sel & 0xfff8;
  if (idx + 7 > limit) return false;
  DESC_ADDR = base + idx;
  DESC_LO = sys_read32(DESC_ADDR);
  DESC_HI = sys_read32(DESC_ADDR + 4);
  return !FAULTED;
}

// Fetch from the GDT only (TSS and LDT descriptors, task gate targets).
export function fetch_gdt_desc(sel: u32): bool {
  if (sel & 4) return false;
  return fetch_desc(sel);
}

@inline export function desc_base(lo: u32, hi: u32): u32 {
  return (lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000);
}

// byte-granular limit (G applied)
@inline export function desc_limit(lo: u32, hi: u32): u32 {
  const l = (lo & 0xffff) | (hi & 0xf0000);
  return (hi & 0x800000) != 0 ? (l << 12) | 0xfff : l;
}

// descriptor bits 40..55 >> 8 without the limit nibble: the SEG_ATTR layout
@inline export function desc_attr(hi: u32): u32 { return (hi >>> 8) & 0xf0ff; }
@inline export function desc_dpl(hi: u32): u32 { return (hi >>> 13) & 3; }
@inline export function desc_present(hi: u32): bool { return (hi & 0x8000) != 0; }
// S=1: code or data
@inline export function desc_is_seg(hi: u32): bool { return (hi & 0x1000) != 0; }
@inline export function desc_is_code(hi: u32): bool { return (hi & 0x1800) == 0x1800; }
@inline export function desc_is_data(hi: u32): bool { return (hi & 0x1800) == 0x1000; }
@inline export function desc_conforming(hi: u32): bool { return (hi & 0x1c00) == 0x1c00; }
// system descriptor type (S=0): 0..15
@inline export function desc_sys_type(hi: u32): u32 { return (hi >>> 8) & 0x1f; }

// Set the accessed bit of the descriptor last fetched (a supervisor write; may page-fault).
export function set_accessed(): void {
  if ((DESC_HI & 0x100) == 0) {
    DESC_HI |= 0x100;
    sys_write8(DESC_ADDR + 5, (DESC_HI >>> 8) & 0xff);
  }
}

// Load segment register s from the fetched descriptor (selector as given, RPL included).
export function load_cache_from_desc(s: i32, sel: u32, lo: u32, hi: u32): void {
  seg_set_cache(s, sel, desc_base(lo, hi), desc_limit(lo, hi), desc_attr(hi));
}

// A null selector in DS/ES/FS/GS: the selector is loaded and every access through the
// register faults (seg_update_checks sees the null selector); the rest of the hidden part
// keeps its old contents, as on Intel processors.
export function load_null(s: i32, sel: u32): void {
  store<u32>(SEG_SEL + (s << 2), sel & 0xffff);
  seg_update_checks(s);
}

// ---------------------------------------------------------------- MOV/POP/LxS Sreg

// Protected-mode load of DS, ES, FS, GS or SS (SDM vol.2 MOV "Operation": the checks in the
// order the manual lists them). Returns false after raising.
export function load_seg_pm(s: i32, sel: u32): bool {
  sel &= 0xffff;
  const cpl = load<u32>(CPL);
  const rpl = sel & 3;
  const err = sel & 0xfffc;
  if (s == S_SS) {
    if (err == 0) { gp(0); return false; }
    if (!fetch_desc(sel)) { if (!FAULTED) gp(err); return false; }
    const hi = DESC_HI;
    if (rpl != cpl || !desc_is_data(hi) || (hi & 0x200) == 0 || desc_dpl(hi) != cpl) { gp(err); return false; }
    if (!desc_present(hi)) { ss_fault(err); return false; }
    set_accessed();
    if (FAULTED) return false;
    load_cache_from_desc(s, sel, DESC_LO, DESC_HI);
    return true;
  }
  if (err == 0) { load_null(s, sel); return true; }
  if (!fetch_desc(sel)) { if (!FAULTED) gp(err); return false; }
  const hi = DESC_HI;
  // data, or readable code
  if (!desc_is_seg(hi) || (desc_is_code(hi) && (hi & 0x200) == 0)) { gp(err); return false; }
  // data and non-conforming code: DPL >= max(CPL, RPL)
  if (!desc_conforming(hi)) {
    const dpl = desc_dpl(hi);
    if (rpl > dpl || cpl > dpl) { gp(err); return false; }
  }
  if (!desc_present(hi)) { np(err); return false; }
  set_accessed();
  if (FAULTED) return false;
  load_cache_from_desc(s, sel, DESC_LO, DESC_HI);
  return true;
}

// Tests on a SEG_ATTR value.
@inline export function attr_is_code(attr: u32): bool { return (attr & (ATTR_S | ATTR_CODE)) == (ATTR_S | ATTR_CODE); }
@inline export function attr_conforming(attr: u32): bool { return (attr & (ATTR_S | ATTR_CODE | ATTR_DC)) == (ATTR_S | ATTR_CODE | ATTR_DC); }
@inline export function attr_writable_data(attr: u32): bool { return (attr & (ATTR_S | ATTR_CODE | ATTR_RW)) == (ATTR_S | ATTR_RW); }
@inline export function attr_granular(attr: u32): bool { return (attr & ATTR_G) != 0; }
