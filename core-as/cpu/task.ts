// Hardware task switching (SDM vol.3 §7.3): JMP or CALL to a TSS or a task gate, an interrupt
// or exception through a task gate, and IRET with NT=1.
//
// Order of events (SDM vol.3 §7.3 and table 7-1): the new TSS descriptor was checked by the
// caller (privilege, type/busy, present); here the TSS limit is checked (#TS), the whole new
// TSS is read and the outgoing state is written to the old TSS (page faults happen now, with
// nothing committed), then the busy bits and the back link are updated and the new state is
// loaded: that is the commit point. The segment descriptors of the new task are checked after
// it, and a fault there is reported in the context of the new task (INSN_EIP/INSN_ESP are
// moved to it so the step loop's rewind lands in the new task).
import {
  EIP, CR0, CR3, CR4, DR, CPL, REG_ESP, SEG_SEL, SEG_BASE, SEG_LIMIT, SEG_ATTR, GDTR_BASE, INSN_EIP, INSN_ESP,
  MODE, MODE_PG,
} from "../state";
import { FAULTED, raise, gp, np, ts, ss_fault, EXC_DB } from "./fault";
import {
  fetch_desc, fetch_gdt_desc, DESC_LO, DESC_HI, DESC_ADDR, desc_base, desc_limit, desc_attr, desc_dpl,
  desc_present, desc_is_seg, desc_is_code, desc_is_data, desc_conforming, desc_sys_type, set_accessed,
  load_null, load_cache_from_desc,
} from "./descriptors";
import { sys_read16, sys_read32, sys_write16, sys_write32, sys_read8, sys_write8 } from "./memory";
import { seg_set_cache, seg_load_v86, set_cpl, update_mode } from "./segments";
import { reg32, set_reg32, reg16, seg_sel, S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_LDTR, S_TR } from "./regs";
import { get_eflags, set_eflags_raw, F_NT, F_VM } from "./flags";
import { tlb_flush_all, update_tlb_masks } from "./tlb";
import { load_pdptes } from "./paging";
import { push } from "./stack";
import { request_exit_check } from "./signal";
import { debug_update } from "./debug";

export const TS_JMP = 0;
export const TS_CALL = 1; // CALL, and interrupts/exceptions through a task gate
export const TS_IRET = 2;

// Through a task gate (JMP, CALL, INT n, an exception or interrupt): the gate names a TSS in
// the GDT that must be available (SDM vol.2 JMP/CALL "TASK-GATE", INT n "TASK-GATE").
export function task_gate(tsel: u32, kind: i32, ext: u32, error: u32, has_error: bool): void {
  const err = (tsel & 0xfffc) | ext;
  if (!fetch_gdt_desc(tsel)) { if (!FAULTED) gp(err); return; }
  const lo = DESC_LO;
  const hi = DESC_HI;
  const type = desc_sys_type(hi);
  if (type != 1 && type != 9) { gp(err); return; }
  if (!desc_present(hi)) { np(err); return; }
  task_switch(tsel, lo, hi, DESC_ADDR, kind, ext, error, has_error);
}

// The incoming task's state, read before the commit
let N_EIP: u32 = 0;
let N_EFL: u32 = 0;
let N_CR3: u32 = 0;
let N_LDT: u32 = 0;
let N_TRAP: bool = false;
// 8 registers and 6 selectors in a small scratch area of statics
const N_REGS = memory.data(32);
const N_SEGS = memory.data(24);

// Switch to the task whose TSS descriptor (lo, hi at linear address addr) selector sel names.
// ext is the EXT bit for error codes; error/has_error an exception's error code, pushed on the
// new task's stack.
export function task_switch(sel: u32, lo: u32, hi: u32, addr: u32, kind: i32, ext: u32, error: u32, has_error: bool): void {
  const nbase = desc_base(lo, hi);
  const nlimit = desc_limit(lo, hi);
  const n32 = (hi & 0x800) != 0;
  const serr = (sel & 0xfffc) | ext;
  const min_limit: u32 = n32 ? 0x67 : 0x2b;
  if (nlimit < min_limit) { ts(serr); return; }

  // ---- read the new TSS
  if (n32) {
    N_CR3 = sys_read32(nbase + 0x1c);
    N_EIP = sys_read32(nbase + 0x20);
    N_EFL = sys_read32(nbase + 0x24);
    for (let r = 0; r < 8; r++) store<u32>(N_REGS + (r << 2), sys_read32(nbase + 0x28 + (r << 2)));
    for (let s = 0; s < 6; s++) store<u32>(N_SEGS + (s << 2), sys_read16(nbase + 0x48 + (s << 2)));
    N_LDT = sys_read16(nbase + 0x60);
    N_TRAP = (sys_read16(nbase + 0x64) & 1) != 0;
  } else {
    N_CR3 = 0;
    N_EIP = sys_read16(nbase + 0x0e);
    N_EFL = sys_read16(nbase + 0x10);
    for (let r = 0; r < 8; r++) store<u32>(N_REGS + (r << 2), (reg32(r) & 0xffff0000) | sys_read16(nbase + 0x12 + (r << 1)));
    for (let s = 0; s < 4; s++) store<u32>(N_SEGS + (s << 2), sys_read16(nbase + 0x22 + (s << 1)));
    store<u32>(N_SEGS + (S_FS << 2), 0);
    store<u32>(N_SEGS + (S_GS << 2), 0);
    N_LDT = sys_read16(nbase + 0x2a);
    N_TRAP = false;
  }
  if (FAULTED) return;

  // ---- save the outgoing task in the current TSS
  const obase = load<u32>(SEG_BASE + (S_TR << 2));
  const o32 = (load<u32>(SEG_ATTR + (S_TR << 2)) & 8) != 0;
  const osel = seg_sel(S_TR);
  let oflags = get_eflags();
  if (kind == TS_IRET) oflags &= ~F_NT;
  if (o32) {
    sys_write32(obase + 0x20, load<u32>(EIP));
    sys_write32(obase + 0x24, oflags);
    for (let r = 0; r < 8; r++) sys_write32(obase + 0x28 + (r << 2), reg32(r));
    for (let s = 0; s < 6; s++) sys_write16(obase + 0x48 + (s << 2), seg_sel(s));
  } else {
    sys_write16(obase + 0x0e, load<u32>(EIP));
    sys_write16(obase + 0x10, oflags);
    for (let r = 0; r < 8; r++) sys_write16(obase + 0x12 + (r << 1), reg16(r));
    for (let s = 0; s < 4; s++) sys_write16(obase + 0x22 + (s << 1), seg_sel(s));
  }
  if (FAULTED) return;

  // ---- busy bits and the back link
  if (kind == TS_JMP || kind == TS_IRET) {
    const oaddr = load<u32>(GDTR_BASE) + (osel & 0xfff8);
    const b = sys_read8(oaddr + 5);
    if (FAULTED) return;
    sys_write8(oaddr + 5, b & ~2);
  }
  let nflags = N_EFL;
  if (kind == TS_CALL) {
    sys_write16(nbase, osel);
    nflags |= F_NT;
  }
  if (kind != TS_IRET) sys_write8(addr + 5, ((hi >>> 8) & 0xff) | 2);
  if (FAULTED) return;

  // ---- commit: load the new task's state
  seg_set_cache(S_TR, sel, nbase, nlimit, desc_attr(hi) | 2);
  store<u32>(CR0, load<u32>(CR0) | 8); // TS
  if (n32 && (load<u32>(MODE) & MODE_PG) != 0) {
    store<u32>(CR3, N_CR3);
    if ((load<u32>(CR4) & 0x20) != 0) load_pdptes();
    tlb_flush_all(false);
    if (FAULTED) return;
  }
  set_eflags_raw(n32 ? nflags : nflags & 0xffff);
  for (let r = 0; r < 8; r++) set_reg32(r, load<u32>(N_REGS + (r << 2)));
  store<u32>(EIP, N_EIP);
  store<u32>(DR + 7 * 4, load<u32>(DR + 7 * 4) & ~0x155); // local breakpoints end with the task
  debug_update();
  store<u32>(INSN_EIP, N_EIP);
  store<u32>(INSN_ESP, load<u32>(REG_ESP));
  for (let s = 0; s < 6; s++) store<u32>(SEG_SEL + (s << 2), load<u32>(N_SEGS + (s << 2)));
  update_mode();
  request_exit_check();

  // ---- the new task's descriptors (faults are the new task's)
  load_task_ldt(N_LDT, ext);
  if (FAULTED) return;
  if ((nflags & F_VM) != 0 && n32) {
    set_cpl(3);
    for (let s = 0; s < 6; s++) seg_load_v86(s, load<u32>(N_SEGS + (s << 2)));
  } else {
    if (!load_task_cs(load<u32>(N_SEGS + (S_CS << 2)), ext)) return;
    const cpl = load<u32>(CPL);
    if (!load_task_ss(load<u32>(N_SEGS + (S_SS << 2)), cpl, ext)) return;
    if (!load_task_data(S_DS, load<u32>(N_SEGS + (S_DS << 2)), cpl, ext)) return;
    if (!load_task_data(S_ES, load<u32>(N_SEGS + (S_ES << 2)), cpl, ext)) return;
    if (!load_task_data(S_FS, load<u32>(N_SEGS + (S_FS << 2)), cpl, ext)) return;
    if (!load_task_data(S_GS, load<u32>(N_SEGS + (S_GS << 2)), cpl, ext)) return;
  }
  update_tlb_masks();

  // an exception's error code goes on the new task's stack
  if (has_error) {
    push(n32 ? 32 : 16, error);
    if (FAULTED) return;
    store<u32>(INSN_ESP, load<u32>(REG_ESP));
  }
  if (N_EIP > load<u32>(SEG_LIMIT + (S_CS << 2))) { gp(ext); return; }
  if (N_TRAP) {
    // the T bit: #DB trap before the first instruction of the task (SDM vol.3 §17.3.1.5)
    store<u32>(DR + 6 * 4, load<u32>(DR + 6 * 4) | 0x8000);
    raise(EXC_DB, 0, false);
  }
}

function load_task_ldt(sel: u32, ext: u32): void {
  const err = (sel & 0xfffc) | ext;
  if ((sel & 0xfffc) == 0) {
    seg_set_cache(S_LDTR, sel, 0, 0, 0); // no LDT
    return;
  }
  if (!fetch_gdt_desc(sel)) { if (!FAULTED) ts(err); return; }
  const hi = DESC_HI;
  if (desc_is_seg(hi) || desc_sys_type(hi) != 2 || !desc_present(hi)) { ts(err); return; }
  load_cache_from_desc(S_LDTR, sel, DESC_LO, hi);
}

function load_task_cs(sel: u32, ext: u32): bool {
  const err = (sel & 0xfffc) | ext;
  if ((sel & 0xfffc) == 0) { ts(ext); return false; }
  if (!fetch_desc(sel)) { if (!FAULTED) ts(err); return false; }
  const hi = DESC_HI;
  const rpl = sel & 3;
  if (!desc_is_code(hi)) { ts(err); return false; }
  if (desc_conforming(hi) ? desc_dpl(hi) > rpl : desc_dpl(hi) != rpl) { ts(err); return false; }
  if (!desc_present(hi)) { np(err); return false; }
  set_accessed();
  if (FAULTED) return false;
  set_cpl(rpl);
  load_cache_from_desc(S_CS, sel, DESC_LO, DESC_HI);
  return true;
}

function load_task_ss(sel: u32, cpl: u32, ext: u32): bool {
  const err = (sel & 0xfffc) | ext;
  if ((sel & 0xfffc) == 0) { ts(ext); return false; }
  if (!fetch_desc(sel)) { if (!FAULTED) ts(err); return false; }
  const hi = DESC_HI;
  if ((sel & 3) != cpl || desc_dpl(hi) != cpl || !desc_is_data(hi) || (hi & 0x200) == 0) { ts(err); return false; }
  if (!desc_present(hi)) { ss_fault(err); return false; }
  set_accessed();
  if (FAULTED) return false;
  load_cache_from_desc(S_SS, sel, DESC_LO, DESC_HI);
  return true;
}

function load_task_data(s: i32, sel: u32, cpl: u32, ext: u32): bool {
  const err = (sel & 0xfffc) | ext;
  if ((sel & 0xfffc) == 0) { load_null(s, sel); return true; }
  if (!fetch_desc(sel)) { if (!FAULTED) ts(err); return false; }
  const hi = DESC_HI;
  if (!desc_is_seg(hi) || (desc_is_code(hi) && (hi & 0x200) == 0)) { ts(err); return false; }
  if (!desc_conforming(hi)) {
    const dpl = desc_dpl(hi);
    if (dpl < cpl || dpl < (sel & 3)) { ts(err); return false; }
  }
  if (!desc_present(hi)) { np(err); return false; }
  set_accessed();
  if (FAULTED) return false;
  load_cache_from_desc(s, sel, DESC_LO, DESC_HI);
  return true;
}
