// Far control transfers in protected mode (SDM vol.2 JMP/CALL/RET/IRET "Operation", vol.3
// §5.8 privilege levels and call gates, §7.3 task switching) and IRET in every mode.
//
// Every transfer checks and reads everything first and commits CS/SS/ESP/EIP/EFLAGS/CPL only
// at the end. Pushes onto a stack that is not loaded yet (the inner stack of a call gate or an
// interrupt) go through the "pending stack" below: its writes may fault, but nothing of the
// CPU state has changed when they do, and ns_commit() loads SS:ESP afterwards.
import { EIP, CPL, REG_ESP, SEG_BASE, SEG_LIMIT, SEG_ATTR, MODE, MODE_STACK32 } from "../state";
import { peek, add_sp } from "./stack";
import { FAULTED, gp, np, ts, ss_fault } from "./fault";
import { seg_load_real, seg_load_v86, seg_set_cache, set_cpl, update_mode, ATTR_DB, ATTR_DC, ATTR_S, ATTR_CODE } from "./segments";
import { S_CS, S_SS, S_ES, S_DS, S_FS, S_GS, S_TR, seg_sel } from "./regs";
import { write_flags_checked } from "./ops/flags_sys";
import { get_eflags, set_eflags_raw, F_IF, F_IOPL, F_NT, F_VM, F_VIF, F_VIP, F_RF, F_AC, F_ID } from "./flags";
import { read, lin_write_slow, sys_read16, sys_read32, sys_write8 } from "./memory";
import {
  fetch_desc, fetch_gdt_desc, DESC_LO, DESC_HI, DESC_ADDR, desc_base, desc_limit, desc_attr, desc_dpl,
  desc_present, desc_is_seg, desc_is_code, desc_is_data, desc_conforming, desc_sys_type, set_accessed, load_null,
} from "./descriptors";
import { task_switch, task_gate, TS_JMP, TS_CALL, TS_IRET } from "./task";
import { update_tlb_masks } from "./tlb";
import { request_exit_check } from "./signal";

// ---------------------------------------------------------------- pending stack

let NS_SEL: u32 = 0; // selector of the stack (with RPL)
let NS_LO: u32 = 0; // its descriptor (a new SS), or 0/0 for the current SS
let NS_HI: u32 = 0;
let NS_NEW: bool = false; // SS changes at commit
let NS_BASE: u32 = 0;
let NS_MIN: u32 = 0; // valid offsets NS_MIN..NS_MAX
let NS_MAX: u32 = 0;
let NS_B: bool = false; // 32-bit stack pointer
let NS_ESP: u32 = 0; // the stack pointer as it will be committed
let NS_USER: bool = false; // writes with user privilege (CPL 3 and no privilege change)
let NS_ERR: u32 = 0; // #SS error code when a push does not fit

function ns_bounds(limit: u32, attr: u32): void {
  NS_B = (attr & ATTR_DB) != 0;
  if ((attr & (ATTR_S | ATTR_CODE | ATTR_DC)) == (ATTR_S | ATTR_DC)) {
    NS_MIN = limit + 1; // expand-down
    NS_MAX = NS_B ? 0xffffffff : 0xffff;
  } else {
    NS_MIN = 0;
    NS_MAX = limit;
  }
}

// Pushes go to the current SS:ESP (the transfer keeps its privilege level).
export function ns_current(err: u32): void {
  NS_NEW = false;
  NS_SEL = seg_sel(S_SS);
  NS_BASE = load<u32>(SEG_BASE + (S_SS << 2));
  ns_bounds(load<u32>(SEG_LIMIT + (S_SS << 2)), load<u32>(SEG_ATTR + (S_SS << 2)));
  NS_ESP = load<u32>(REG_ESP);
  NS_USER = load<u32>(CPL) == 3;
  NS_ERR = err;
}

// Pushes go to a new stack (descriptor already checked), committed by ns_commit().
export function ns_new(sel: u32, lo: u32, hi: u32, esp: u32, err: u32): void {
  NS_NEW = true;
  NS_SEL = sel;
  NS_LO = lo;
  NS_HI = hi;
  NS_BASE = desc_base(lo, hi);
  ns_bounds(desc_limit(lo, hi), desc_attr(hi));
  NS_ESP = esp;
  NS_USER = false; // an inner stack: always CPL 0..2
  NS_ERR = err;
}

// Push `size` bits (16/32). Returns false after raising #SS(NS_ERR) or #PF.
export function ns_push(size: i32, v: u32): bool {
  const n = <u32>(size >> 3);
  let off: u32;
  if (NS_B) { NS_ESP -= n; off = NS_ESP; }
  else { off = (NS_ESP - n) & 0xffff; NS_ESP = (NS_ESP & 0xffff0000) | off; }
  if (off < NS_MIN || off > NS_MAX || NS_MAX - off < n - 1) { ss_fault(NS_ERR); return false; }
  lin_write_slow(NS_BASE + off, size == 16 ? v & 0xffff : v, n, NS_USER);
  return !FAULTED;
}

// Load SS (if it changes) and ESP. Call after set_cpl for a privilege change.
export function ns_commit(): void {
  if (NS_NEW) seg_set_cache(S_SS, NS_SEL, NS_BASE, desc_limit(NS_LO, NS_HI), desc_attr(NS_HI));
  store<u32>(REG_ESP, NS_ESP);
}

// ---------------------------------------------------------------- shared checks

// SS:ESP for privilege level `dpl` from the current TSS (SDM vol.3 §7.2.1, §6.12.1).
export let TSS_SS: u32 = 0;
export let TSS_ESP: u32 = 0;

export function tss_stack(dpl: u32, ext: u32): bool {
  const attr = load<u32>(SEG_ATTR + (S_TR << 2));
  const base = load<u32>(SEG_BASE + (S_TR << 2));
  const limit = load<u32>(SEG_LIMIT + (S_TR << 2));
  const err = (seg_sel(S_TR) & 0xfffc) | ext;
  if (attr & 8) {
    const off: u32 = 4 + dpl * 8;
    if (off + 5 > limit) { ts(err); return false; }
    TSS_ESP = sys_read32(base + off);
    TSS_SS = sys_read16(base + off + 4);
  } else {
    const off: u32 = 2 + dpl * 4;
    if (off + 3 > limit) { ts(err); return false; }
    TSS_ESP = sys_read16(base + off);
    TSS_SS = sys_read16(base + off + 2);
  }
  return !FAULTED;
}

// The inner stack of a call gate or an interrupt: #TS(selector | ext) unless it is a present
// writable data segment with RPL = DPL = the new CPL; #SS(selector | ext) if not present.
// On success the descriptor is in DESC_LO/DESC_HI with the accessed bit set.
export function check_inner_ss(sel: u32, cpl: u32, ext: u32): bool {
  const err = (sel & 0xfffc) | ext;
  if ((sel & 0xfffc) == 0) { ts(ext); return false; }
  if (!fetch_desc(sel)) { if (!FAULTED) ts(err); return false; }
  const hi = DESC_HI;
  if ((sel & 3) != cpl || desc_dpl(hi) != cpl || !desc_is_data(hi) || (hi & 0x200) == 0) { ts(err); return false; }
  if (!desc_present(hi)) { ss_fault(err); return false; }
  set_accessed();
  return !FAULTED;
}

// The outer stack of RET/IRET: #GP(selector) unless a present writable data segment with
// RPL = DPL = the new CPL; #SS(selector) if not present.
function check_outer_ss(sel: u32, cpl: u32): bool {
  const err = sel & 0xfffc;
  if (err == 0) { gp(0); return false; }
  if (!fetch_desc(sel)) { if (!FAULTED) gp(err); return false; }
  const hi = DESC_HI;
  if ((sel & 3) != cpl || desc_dpl(hi) != cpl || !desc_is_data(hi) || (hi & 0x200) == 0) { gp(err); return false; }
  if (!desc_present(hi)) { ss_fault(err); return false; }
  set_accessed();
  return !FAULTED;
}

// A direct JMP/CALL to a code segment (SDM vol.2 JMP "CONFORMING/NONCONFORMING-CODE-SEGMENT").
function check_direct_code(sel: u32, hi: u32, cpl: u32): bool {
  const err = sel & 0xfffc;
  if (!desc_is_code(hi)) { gp(err); return false; }
  if (desc_conforming(hi)) {
    if (desc_dpl(hi) > cpl) { gp(err); return false; }
  } else if ((sel & 3) > cpl || desc_dpl(hi) != cpl) { gp(err); return false; }
  if (!desc_present(hi)) { np(err); return false; }
  return true;
}

// Load CS from a code descriptor with RPL = cpl and jump.
export function commit_cs(sel: u32, lo: u32, hi: u32, cpl: u32, eip: u32): void {
  if (cpl != load<u32>(CPL)) set_cpl(cpl);
  seg_set_cache(S_CS, (sel & 0xfffc) | cpl, desc_base(lo, hi), desc_limit(lo, hi), desc_attr(hi) | 1);
  store<u32>(EIP, eip);
}

// Set the accessed bit of a descriptor at addr whose high word is hi (after other fetches
// replaced DESC_*).
export function mark_accessed(addr: u32, hi: u32): void {
  if ((hi & 0x100) == 0) sys_write8(addr + 5, ((hi >>> 8) & 0xff) | 1);
}

// After a return to an outer level: DS/ES/FS/GS that hold data or non-conforming code more
// privileged than the new CPL become null (SDM vol.2 RET/IRET "RETURN-TO-OUTER-PRIVILEGE").
export function null_inaccessible_segs(cpl: u32): void {
  for (let s = 0; s < 6; s++) {
    if (s != S_ES && s != S_DS && s != S_FS && s != S_GS) continue;
    if ((seg_sel(s) & 0xfffc) == 0) continue;
    const attr = load<u32>(SEG_ATTR + (s << 2));
    const conforming_code = (attr & (ATTR_S | ATTR_CODE | ATTR_DC)) == (ATTR_S | ATTR_CODE | ATTR_DC);
    if (conforming_code) continue;
    if (((attr >> 5) & 3) < cpl) load_null(s, 0);
  }
}

// ---------------------------------------------------------------- JMP far

export function far_jump_pm(sel: u32, off: u32, size: i32): void {
  const cpl = load<u32>(CPL);
  const err = sel & 0xfffc;
  if (err == 0) { gp(0); return; }
  if (!fetch_desc(sel)) { if (!FAULTED) gp(err); return; }
  const lo = DESC_LO;
  const hi = DESC_HI;
  const addr = DESC_ADDR;
  if (desc_is_seg(hi)) {
    if (!check_direct_code(sel, hi, cpl)) return;
    if (off > desc_limit(lo, hi)) { gp(0); return; }
    mark_accessed(addr, hi);
    if (FAULTED) return;
    commit_cs(sel, lo, hi, cpl, off);
    return;
  }
  const dpl = desc_dpl(hi);
  const type = desc_sys_type(hi);
  if (type == 1 || type == 9 || type == 5 || type == 4 || type == 12) {
    if (dpl < cpl || dpl < (sel & 3)) { gp(err); return; }
    if (!desc_present(hi)) { np(err); return; }
  }
  switch (type) {
    case 1: case 9: // available TSS
      task_switch(sel, lo, hi, addr, TS_JMP, 0, 0, false);
      return;
    case 5: // task gate
      task_gate(lo >>> 16, TS_JMP, 0, 0, false);
      return;
    case 4: case 12: { // call gate: same privilege only
      const tsel = lo >>> 16;
      const toff = type == 12 ? (lo & 0xffff) | (hi & 0xffff0000) : lo & 0xffff;
      const terr = tsel & 0xfffc;
      if (terr == 0) { gp(0); return; }
      if (!fetch_desc(tsel)) { if (!FAULTED) gp(terr); return; }
      const clo = DESC_LO;
      const chi = DESC_HI;
      const caddr = DESC_ADDR;
      if (!desc_is_code(chi)) { gp(terr); return; }
      if (desc_conforming(chi) ? desc_dpl(chi) > cpl : desc_dpl(chi) != cpl) { gp(terr); return; }
      if (!desc_present(chi)) { np(terr); return; }
      if (toff > desc_limit(clo, chi)) { gp(0); return; }
      mark_accessed(caddr, chi);
      if (FAULTED) return;
      commit_cs(tsel, clo, chi, cpl, toff);
      return;
    }
    default:
      gp(err); // busy TSS, LDT, interrupt/trap gate, reserved
  }
}

// ---------------------------------------------------------------- CALL far

export function far_call_pm(sel: u32, off: u32, size: i32): void {
  const cpl = load<u32>(CPL);
  const err = sel & 0xfffc;
  if (err == 0) { gp(0); return; }
  if (!fetch_desc(sel)) { if (!FAULTED) gp(err); return; }
  const lo = DESC_LO;
  const hi = DESC_HI;
  const addr = DESC_ADDR;
  if (desc_is_seg(hi)) {
    if (!check_direct_code(sel, hi, cpl)) return;
    if (off > desc_limit(lo, hi)) { gp(0); return; }
    ns_current(0);
    if (!ns_push(size, seg_sel(S_CS))) return;
    if (!ns_push(size, load<u32>(EIP))) return;
    mark_accessed(addr, hi);
    if (FAULTED) return;
    ns_commit();
    commit_cs(sel, lo, hi, cpl, off);
    return;
  }
  const dpl = desc_dpl(hi);
  const type = desc_sys_type(hi);
  if (type == 1 || type == 9 || type == 5 || type == 4 || type == 12) {
    if (dpl < cpl || dpl < (sel & 3)) { gp(err); return; }
    if (!desc_present(hi)) { np(err); return; }
  }
  switch (type) {
    case 1: case 9:
      task_switch(sel, lo, hi, addr, TS_CALL, 0, 0, false);
      return;
    case 5:
      task_gate(lo >>> 16, TS_CALL, 0, 0, false);
      return;
    case 4: case 12:
      call_gate(lo, hi, cpl);
      return;
    default:
      gp(err);
  }
}

// CALL through a call gate (SDM vol.2 CALL "CALL-GATE", vol.3 §5.8.5, §5.8.6).
function call_gate(glo: u32, ghi: u32, cpl: u32): void {
  const gsize: i32 = (ghi & 0x800) != 0 ? 32 : 16;
  const tsel = glo >>> 16;
  const toff = gsize == 32 ? (glo & 0xffff) | (ghi & 0xffff0000) : glo & 0xffff;
  const terr = tsel & 0xfffc;
  if (terr == 0) { gp(0); return; }
  if (!fetch_desc(tsel)) { if (!FAULTED) gp(terr); return; }
  const clo = DESC_LO;
  const chi = DESC_HI;
  const caddr = DESC_ADDR;
  const tdpl = desc_dpl(chi);
  if (!desc_is_code(chi) || tdpl > cpl) { gp(terr); return; }
  if (!desc_present(chi)) { np(terr); return; }
  const old_cs = seg_sel(S_CS);
  const ret = load<u32>(EIP);
  if (!desc_conforming(chi) && tdpl < cpl) {
    // more privilege: switch to the stack for tdpl from the TSS
    if (!tss_stack(tdpl, 0)) return;
    const ss = TSS_SS;
    if (!check_inner_ss(ss, tdpl, 0)) return;
    const slo = DESC_LO;
    const shi = DESC_HI;
    const count = ghi & 0x1f;
    const n = <u32>(gsize >> 3);
    ns_new(ss, slo, shi, TSS_ESP, ss & 0xfffc);
    const old_ss = seg_sel(S_SS);
    const old_esp = load<u32>(REG_ESP);
    const s32 = (load<u32>(MODE) & MODE_STACK32) != 0;
    if (!ns_push(gsize, old_ss)) return;
    if (!ns_push(gsize, old_esp)) return;
    for (let i = <i32>count - 1; i >= 0; i--) {
      let a = old_esp + <u32>i * n;
      if (!s32) a &= 0xffff;
      const v = read(gsize, S_SS, a);
      if (FAULTED) return;
      if (!ns_push(gsize, v)) return;
    }
    if (toff > desc_limit(clo, chi)) { gp(0); return; }
    if (!ns_push(gsize, old_cs)) return;
    if (!ns_push(gsize, ret)) return;
    mark_accessed(caddr, chi);
    if (FAULTED) return;
    set_cpl(tdpl);
    ns_commit();
    commit_cs(tsel, clo, chi, tdpl, toff);
    return;
  }
  // same privilege (conforming, or DPL == CPL)
  if (!desc_conforming(chi) && tdpl != cpl) { gp(terr); return; }
  ns_current(0);
  if (!ns_push(gsize, old_cs)) return;
  if (!ns_push(gsize, ret)) return;
  if (toff > desc_limit(clo, chi)) { gp(0); return; }
  mark_accessed(caddr, chi);
  if (FAULTED) return;
  ns_commit();
  commit_cs(tsel, clo, chi, cpl, toff);
}

// ---------------------------------------------------------------- RET far

// Check the code segment a RET/IRET returns to (SDM vol.2 RET "PROTECTED-MODE"); on success
// its descriptor is in RC_LO/RC_HI/RC_ADDR.
let RC_LO: u32 = 0;
let RC_HI: u32 = 0;
let RC_ADDR: u32 = 0;

function check_return_cs(cs: u32, cpl: u32): bool {
  const err = cs & 0xfffc;
  const rpl = cs & 3;
  if (err == 0) { gp(0); return false; }
  if (rpl < cpl) { gp(err); return false; }
  if (!fetch_desc(cs)) { if (!FAULTED) gp(err); return false; }
  const hi = DESC_HI;
  if (!desc_is_code(hi)) { gp(err); return false; }
  if (desc_conforming(hi) ? desc_dpl(hi) > rpl : desc_dpl(hi) != rpl) { gp(err); return false; }
  if (!desc_present(hi)) { np(err); return false; }
  RC_LO = DESC_LO;
  RC_HI = hi;
  RC_ADDR = DESC_ADDR;
  return true;
}

// Set ESP after loading a new SS: ESP or SP by the new SS.B.
function set_outer_esp(v: u32): void {
  if (load<u32>(MODE) & MODE_STACK32) store<u32>(REG_ESP, v);
  else store<u32>(REG_ESP, (load<u32>(REG_ESP) & 0xffff0000) | (v & 0xffff));
}

export function far_ret_pm(size: i32, imm: u32): void {
  const n = <u32>(size >> 3);
  const cpl = load<u32>(CPL);
  const eip = peek(size, 0);
  const cs = peek(size, n) & 0xffff;
  if (FAULTED) return;
  if (!check_return_cs(cs, cpl)) return;
  const rpl = cs & 3;
  if (rpl == cpl) {
    if (eip > desc_limit(RC_LO, RC_HI)) { gp(0); return; }
    mark_accessed(RC_ADDR, RC_HI);
    if (FAULTED) return;
    add_sp(2 * n + imm);
    commit_cs(cs, RC_LO, RC_HI, cpl, eip);
    return;
  }
  // return to an outer privilege level: pop SS:ESP too
  const clo = RC_LO;
  const chi = RC_HI;
  const caddr = RC_ADDR;
  const esp = peek(size, 2 * n + imm);
  const ss = peek(size, 3 * n + imm) & 0xffff;
  if (FAULTED) return;
  if (!check_outer_ss(ss, rpl)) return;
  const slo = DESC_LO;
  const shi = DESC_HI;
  if (eip > desc_limit(clo, chi)) { gp(0); return; }
  mark_accessed(caddr, chi);
  if (FAULTED) return;
  set_cpl(rpl);
  commit_cs(cs, clo, chi, rpl, eip);
  seg_set_cache(S_SS, ss, desc_base(slo, shi), desc_limit(slo, shi), desc_attr(shi));
  set_outer_esp(esp + imm);
  null_inaccessible_segs(rpl);
}

// ---------------------------------------------------------------- IRET

// IRET in real mode: pop IP, CS, FLAGS (SDM vol.2 IRET, real-address-mode operation)
export function iret_real(size: i32): void {
  const n = <u32>(size >> 3);
  const ip = peek(size, 0);
  const cs = peek(size, n);
  const fl = peek(size, 2 * n);
  if (FAULTED) return;
  if (ip > load<u32>(SEG_LIMIT + (S_CS << 2))) { gp(0); return; }
  add_sp(3 * n);
  seg_load_real(S_CS, cs & 0xffff);
  store<u32>(EIP, ip);
  write_flags_checked(fl, size);
}

// EFLAGS from a protected-mode IRET: what the old CPL may change (SDM vol.2 IRET).
function iret_flags(v: u32, size: i32, cpl: u32): void {
  const old = get_eflags();
  let m: u32 = 0x4fd5; // CF PF AF ZF SF TF DF OF NT
  if (size == 32) m |= F_RF | F_AC | F_ID;
  if (cpl <= ((old >> 12) & 3)) m |= F_IF;
  if (cpl == 0) {
    m |= F_IOPL;
    if (size == 32) m |= F_VIF | F_VIP;
  }
  set_eflags_raw((old & ~m) | (v & m));
  update_tlb_masks();
  request_exit_check();
}

export function iret_pm(size: i32): void {
  const f = get_eflags();
  if (f & F_VM) {
    // IRET in virtual-8086 mode: like real mode at IOPL 3, else #GP(0) (SDM vol.3 §20.2.7)
    if ((f & F_IOPL) != F_IOPL) { gp(0); return; }
    const n = <u32>(size >> 3);
    const ip = peek(size, 0);
    const cs = peek(size, n);
    const fl = peek(size, 2 * n);
    if (FAULTED) return;
    if (ip > 0xffff) { gp(0); return; }
    add_sp(3 * n);
    seg_load_v86(S_CS, cs & 0xffff);
    store<u32>(EIP, ip);
    write_flags_checked(fl, size); // keeps VM and IOPL in V86 mode
    return;
  }
  if (f & F_NT) {
    iret_task();
    return;
  }
  const n = <u32>(size >> 3);
  const cpl = load<u32>(CPL);
  const eip = peek(size, 0);
  const cs = peek(size, n) & 0xffff;
  const fl = peek(size, 2 * n);
  if (FAULTED) return;
  if (size == 32 && (fl & F_VM) != 0 && cpl == 0) {
    iret_to_v86(eip, cs, fl);
    return;
  }
  if (!check_return_cs(cs, cpl)) return;
  const rpl = cs & 3;
  if (rpl == cpl) {
    if (eip > desc_limit(RC_LO, RC_HI)) { gp(0); return; }
    mark_accessed(RC_ADDR, RC_HI);
    if (FAULTED) return;
    add_sp(3 * n);
    commit_cs(cs, RC_LO, RC_HI, cpl, eip);
    iret_flags(fl, size, cpl);
    return;
  }
  const clo = RC_LO;
  const chi = RC_HI;
  const caddr = RC_ADDR;
  const esp = peek(size, 3 * n);
  const ss = peek(size, 4 * n) & 0xffff;
  if (FAULTED) return;
  if (!check_outer_ss(ss, rpl)) return;
  const slo = DESC_LO;
  const shi = DESC_HI;
  if (eip > desc_limit(clo, chi)) { gp(0); return; }
  mark_accessed(caddr, chi);
  if (FAULTED) return;
  iret_flags(fl, size, cpl);
  set_cpl(rpl);
  commit_cs(cs, clo, chi, rpl, eip);
  seg_set_cache(S_SS, ss, desc_base(slo, shi), desc_limit(slo, shi), desc_attr(shi));
  set_outer_esp(esp);
  null_inaccessible_segs(rpl);
}

// IRET from CPL 0 with VM=1 in the popped EFLAGS (SDM vol.2 IRET "RETURN-TO-VIRTUAL-8086-MODE"):
// the stack also holds ESP, SS, ES, DS, FS, GS.
function iret_to_v86(eip: u32, cs: u32, fl: u32): void {
  const esp = peek(32, 12);
  const ss = peek(32, 16);
  const es = peek(32, 20);
  const ds = peek(32, 24);
  const fs = peek(32, 28);
  const gs = peek(32, 32);
  if (FAULTED) return;
  if ((eip & 0xffff0000) != 0) { gp(0); return; }
  set_eflags_raw(fl);
  update_mode();
  set_cpl(3);
  seg_load_v86(S_CS, cs);
  seg_load_v86(S_SS, ss);
  seg_load_v86(S_ES, es);
  seg_load_v86(S_DS, ds);
  seg_load_v86(S_FS, fs);
  seg_load_v86(S_GS, gs);
  store<u32>(EIP, eip);
  store<u32>(REG_ESP, esp);
  update_tlb_masks();
  request_exit_check();
}

// IRET with NT=1: return to the task in the back link of the current TSS (SDM vol.3 §7.3).
function iret_task(): void {
  const link = sys_read16(load<u32>(SEG_BASE + (S_TR << 2)));
  if (FAULTED) return;
  const err = link & 0xfffc;
  if (!fetch_gdt_desc(link)) { if (!FAULTED) ts(err); return; }
  const lo = DESC_LO;
  const hi = DESC_HI;
  const type = desc_sys_type(hi);
  if (type != 3 && type != 11) { ts(err); return; }
  if (!desc_present(hi)) { np(err); return; }
  task_switch(link, lo, hi, DESC_ADDR, TS_IRET, 0, 0, false);
}
