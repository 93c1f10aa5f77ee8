// Guest memory as the CPU sees it: linear accesses through the TLB (fast path inline, one slow
// path), and segmented accesses with the limit and type checks of SDM vol.3 §5.3.
//
// "user" below means the access is checked with user privilege: CPL 3 for ordinary accesses;
// implicit accesses to descriptor tables and the TSS are supervisor accesses (sys_*).
import { SEG_BASE, SEG_MIN, SEG_MAX, SEG_OK, CPL } from "../state";
import { tlb_entry, TLB_RMASK, TLB_WMASK, TLB_VALID, TLB_MMIO, TLB_ROM, TLB_ALWAYS } from "./tlb";
import { tlb_fill } from "./paging";
import { FAULTED, PROBE_FAILED, raise, EXC_GP, EXC_SS, EXC_AC } from "./fault";
import { mmio_read8, mmio_write8, mmio_read32, mmio_write32 } from "../bus/mmio";
import { S_SS } from "./regs";
import { DBG_DATA, dbg_data_access } from "./debug";

// ---------------------------------------------------------------- linear, slow path

// Make sure the TLB entry for lin allows this access; returns it (0 after a fault).
function tlb_prepare(lin: u32, write: bool, user: bool): u32 {
  let e = tlb_entry(lin);
  let mask: u32 = TLB_VALID;
  if (user) mask |= write ? 2 | 4 : 2; // TLB_NO_USER | TLB_NO_WRITE_USER
  else if (write) mask |= 8; // TLB_NO_WRITE_SUP
  if ((e & mask) != TLB_VALID) {
    if (!tlb_fill(lin, write, user)) return 0;
    e = tlb_entry(lin);
  }
  return e;
}

// Alignment check (#AC(0)) when the masks say it is active (CPL 3, CR0.AM, EFLAGS.AC).
@inline function align_fault(lin: u32, size: u32, user: bool): bool {
  if (user && (TLB_RMASK & TLB_ALWAYS) != 0 && (lin & (size - 1)) != 0) {
    raise(EXC_AC, 0, true);
    return true;
  }
  return false;
}

export function lin_read8_slow(lin: u32, user: bool): u32 {
  const e = tlb_prepare(lin, false, user);
  if (FAULTED || PROBE_FAILED) return 0; // a failed probe leaves no usable entry
  if (DBG_DATA != 0) dbg_data_access(lin, 1, false);
  if (e & TLB_MMIO) return mmio_read8(((e & 0xfffff000) ^ lin));
  return load<u8>((e & 0xfffff000) ^ lin);
}

export function lin_read16_slow(lin: u32, user: bool): u32 {
  if (align_fault(lin, 2, user)) return 0;
  if ((lin & 0xfff) == 0xfff) {
    const lo = lin_read8_slow(lin, user);
    const hi = lin_read8_slow(lin + 1, user);
    return lo | (hi << 8);
  }
  const e = tlb_prepare(lin, false, user);
  if (FAULTED || PROBE_FAILED) return 0; // a failed probe leaves no usable entry
  if (DBG_DATA != 0) dbg_data_access(lin, 2, false);
  if (e & TLB_MMIO) {
    const p = (e & 0xfffff000) ^ lin;
    return mmio_read8(p) | (mmio_read8(p + 1) << 8);
  }
  return load<u16>((e & 0xfffff000) ^ lin);
}

export function lin_read32_slow(lin: u32, user: bool): u32 {
  if (align_fault(lin, 4, user)) return 0;
  if ((lin & 0xfff) > 0xffc) {
    // crosses a page: both pages are checked before the value is assembled
    let v: u32 = 0;
    for (let i: u32 = 0; i < 4; i++) v |= lin_read8_slow(lin + i, user) << (i << 3);
    return v;
  }
  const e = tlb_prepare(lin, false, user);
  if (FAULTED || PROBE_FAILED) return 0; // a failed probe leaves no usable entry
  if (DBG_DATA != 0) dbg_data_access(lin, 4, false);
  if (e & TLB_MMIO) return mmio_read32((e & 0xfffff000) ^ lin);
  return load<u32>((e & 0xfffff000) ^ lin);
}

// Write `size` bytes of v at lin. A page-crossing write checks both pages before writing any
// byte, so a fault on the second page leaves memory untouched (SDM: the access is restarted).
export function lin_write_slow(lin: u32, v: u32, size: u32, user: bool): void {
  if (size > 1 && align_fault(lin, size, user)) return;
  const last = lin + size - 1;
  const e0 = tlb_prepare(lin, true, user);
  if (FAULTED || PROBE_FAILED) return;
  let e1 = e0;
  if (((last ^ lin) & 0xfffff000) != 0) {
    e1 = tlb_prepare(last, true, user);
    if (FAULTED || PROBE_FAILED) return;
    // filling the second entry cannot evict the first: entries are per page, never shared
  }
  if (DBG_DATA != 0) dbg_data_access(lin, size, true);
  // a dword inside one device page goes to the device whole (the LFB stores it at once)
  if (size == 4 && e0 == e1 && (e0 & TLB_MMIO) != 0 && ((last ^ lin) & 0xfffff000) == 0) {
    mmio_write32((e0 & 0xfffff000) ^ lin, v);
    return;
  }
  for (let i: u32 = 0; i < size; i++) {
    const a = lin + i;
    const e = ((a ^ lin) & 0xfffff000) == 0 ? e0 : e1;
    const b = (v >>> (i << 3)) & 0xff;
    if (e & TLB_MMIO) mmio_write8((e & 0xfffff000) ^ a, b);
    else if ((e & TLB_ROM) == 0) store<u8>((e & 0xfffff000) ^ a, b);
  }
}

// Check that a write of size bytes at lin would succeed, without writing (read-modify-write
// instructions call this before they read, so their final write cannot fault).
export function lin_probe_write(lin: u32, size: u32, user: bool): void {
  if (size > 1 && align_fault(lin, size, user)) return;
  tlb_prepare(lin, true, user);
  if (FAULTED) return;
  const last = lin + size - 1;
  if (((last ^ lin) & 0xfffff000) != 0) tlb_prepare(last, true, user);
}

// ---------------------------------------------------------------- linear, fast path

@inline function is_user(): bool { return load<u32>(CPL) == 3; }

@inline export function lin_read8(lin: u32): u32 {
  const e = tlb_entry(lin);
  if ((e & TLB_RMASK) == TLB_VALID) return load<u8>((e & 0xfffff000) ^ lin);
  return lin_read8_slow(lin, is_user());
}

@inline export function lin_read16(lin: u32): u32 {
  const e = tlb_entry(lin);
  if ((e & TLB_RMASK) == TLB_VALID && (lin & 0xfff) != 0xfff) return load<u16>((e & 0xfffff000) ^ lin);
  return lin_read16_slow(lin, is_user());
}

@inline export function lin_read32(lin: u32): u32 {
  const e = tlb_entry(lin);
  if ((e & TLB_RMASK) == TLB_VALID && (lin & 0xfff) <= 0xffc) return load<u32>((e & 0xfffff000) ^ lin);
  return lin_read32_slow(lin, is_user());
}

@inline export function lin_write8(lin: u32, v: u32): void {
  const e = tlb_entry(lin);
  if ((e & TLB_WMASK) == TLB_VALID) { store<u8>((e & 0xfffff000) ^ lin, v); return; }
  lin_write_slow(lin, v, 1, is_user());
}

@inline export function lin_write16(lin: u32, v: u32): void {
  const e = tlb_entry(lin);
  if ((e & TLB_WMASK) == TLB_VALID && (lin & 0xfff) != 0xfff) { store<u16>((e & 0xfffff000) ^ lin, v); return; }
  lin_write_slow(lin, v, 2, is_user());
}

@inline export function lin_write32(lin: u32, v: u32): void {
  const e = tlb_entry(lin);
  if ((e & TLB_WMASK) == TLB_VALID && (lin & 0xfff) <= 0xffc) { store<u32>((e & 0xfffff000) ^ lin, v); return; }
  lin_write_slow(lin, v, 4, is_user());
}

// Supervisor-privilege accesses (descriptor tables, TSS, IDT, during task switches and
// interrupt delivery), whatever the CPL.
export function sys_read8(lin: u32): u32 { return lin_read8_slow(lin, false); }
export function sys_read16(lin: u32): u32 { return lin_read16_slow(lin, false); }
export function sys_read32(lin: u32): u32 { return lin_read32_slow(lin, false); }
export function sys_write8(lin: u32, v: u32): void { lin_write_slow(lin, v, 1, false); }
export function sys_write16(lin: u32, v: u32): void { lin_write_slow(lin, v, 2, false); }
export function sys_write32(lin: u32, v: u32): void { lin_write_slow(lin, v, 4, false); }

// ---------------------------------------------------------------- segmented

export const ACC_READ: u32 = 1;
export const ACC_WRITE: u32 = 2;
export const SEG_USABLE: u32 = 4;

// Limit and type check for `size` bytes at offset off of segment s (SDM vol.3 §5.3, §5.4).
// SEG_MIN/SEG_MAX already express expand-down segments and the B bit; SEG_OK has the
// read/write/usable bits. A violation is #SS(0) for SS and #GP(0) otherwise.
@inline export function seg_check(s: i32, off: u32, size: u32, acc: u32): bool {
  const min = load<u32>(SEG_MIN + (s << 2));
  const max = load<u32>(SEG_MAX + (s << 2));
  if ((load<u32>(SEG_OK + (s << 2)) & acc) == acc && off >= min && off <= max && max - off >= size - 1) return true;
  seg_fault(s);
  return false;
}

export function seg_fault(s: i32): void {
  if (s == S_SS) raise(EXC_SS, 0, true);
  else raise(EXC_GP, 0, true);
}

@inline export function lin_addr(s: i32, off: u32): u32 {
  return load<u32>(SEG_BASE + (s << 2)) + off;
}

@inline export function read8(s: i32, off: u32): u32 {
  if (!seg_check(s, off, 1, ACC_READ | SEG_USABLE)) return 0;
  return lin_read8(lin_addr(s, off));
}
@inline export function read16(s: i32, off: u32): u32 {
  if (!seg_check(s, off, 2, ACC_READ | SEG_USABLE)) return 0;
  return lin_read16(lin_addr(s, off));
}
@inline export function read32(s: i32, off: u32): u32 {
  if (!seg_check(s, off, 4, ACC_READ | SEG_USABLE)) return 0;
  return lin_read32(lin_addr(s, off));
}
@inline export function write8(s: i32, off: u32, v: u32): void {
  if (!seg_check(s, off, 1, ACC_WRITE | SEG_USABLE)) return;
  lin_write8(lin_addr(s, off), v);
}
@inline export function write16(s: i32, off: u32, v: u32): void {
  if (!seg_check(s, off, 2, ACC_WRITE | SEG_USABLE)) return;
  lin_write16(lin_addr(s, off), v);
}
@inline export function write32(s: i32, off: u32, v: u32): void {
  if (!seg_check(s, off, 4, ACC_WRITE | SEG_USABLE)) return;
  lin_write32(lin_addr(s, off), v);
}

// Sized forms; size is a constant at the call site.
@inline export function read(size: i32, s: i32, off: u32): u32 {
  if (size == 8) return read8(s, off);
  if (size == 16) return read16(s, off);
  return read32(s, off);
}
@inline export function write(size: i32, s: i32, off: u32, v: u32): void {
  if (size == 8) write8(s, off, v);
  else if (size == 16) write16(s, off, v);
  else write32(s, off, v);
}

// For read-modify-write: check the segment for writing and probe the page for a write, so
// the read that follows and the final write cannot fault.
export function probe_write(size: i32, s: i32, off: u32): bool {
  const n = <u32>(size >> 3);
  if (!seg_check(s, off, n, ACC_WRITE | ACC_READ | SEG_USABLE)) return false;
  lin_probe_write(lin_addr(s, off), n, load<u32>(CPL) == 3);
  return !FAULTED;
}

// 64-bit read for cmpxchg8b, far pointers etc. are composed by callers from read32.
