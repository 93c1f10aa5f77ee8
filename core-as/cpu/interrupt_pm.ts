// Protected-mode and V86-mode interrupt delivery through the IDT (SDM vol.3 §6.10-6.14, vol.2
// INT n "Operation", vol.3 §20.3 for interrupts out of virtual-8086 mode).
//
// Error codes of faults raised while delivering carry the EXT bit when the event is not a
// software interrupt (INT n, INT3, INTO): an external interrupt or an exception (§6.13).
// Delivery is atomic: the gate, the target code segment, the inner stack and every push are
// checked and written before SS, ESP, CS, EIP, EFLAGS or CPL change.
import { EIP, EFLAGS, CPL, REG_ESP, IDTR_BASE, IDTR_LIMIT } from "../state";
import { FAULTED, gp, np } from "./fault";
import { sys_read32 } from "./memory";
import {
  fetch_desc, DESC_LO, DESC_HI, DESC_ADDR, desc_limit, desc_dpl, desc_present, desc_is_code, desc_conforming,
  load_null,
} from "./descriptors";
import { ns_current, ns_new, ns_push, ns_commit, commit_cs, mark_accessed, tss_stack, check_inner_ss, TSS_SS, TSS_ESP } from "./far";
import { task_gate, TS_CALL } from "./task";
import { get_eflags, set_eflags_raw, F_IF, F_TF, F_NT, F_RF, F_VM, F_IOPL } from "./flags";
import { set_cpl, update_mode } from "./segments";
import { seg_sel, S_CS, S_SS, S_ES, S_DS, S_FS, S_GS } from "./regs";
import { SRC_SOFT, SRC_INT3, SRC_EXC } from "./interrupt";

// Exceptions of the fault class, whose pushed EFLAGS image has RF set so that the restarted
// instruction does not trigger an instruction breakpoint again (SDM vol.3 §17.3.1.1); #DB is
// left out (an instruction breakpoint must not set it).
function is_fault(v: u32): bool {
  return v == 0 || (v >= 5 && v <= 7) || (v >= 10 && v <= 14) || v == 16 || v == 17 || v == 19;
}

export function deliver_pm(vector: u32, error: u32, has_error: bool, src: i32): void {
  const soft = src == SRC_SOFT || src == SRC_INT3;
  const ext: u32 = soft ? 0 : 1;
  let flags = get_eflags();
  // a fault sets RF (as Bochs does, in EFLAGS itself: the image pushed or saved in a TSS has it,
  // also when the delivery fails and a #DF follows)
  if (src == SRC_EXC && is_fault(vector)) {
    flags |= F_RF;
    store<u32>(EFLAGS, flags);
  }
  const vm = (flags & F_VM) != 0;
  // INT n in V86 mode is IOPL-sensitive (SDM vol.3 §20.2.7); INT3/INTO/INT1 are not
  if (vm && src == SRC_SOFT && (flags & F_IOPL) != F_IOPL) { gp(0); return; }
  const idt_err = vector * 8 + 2 + ext;
  if (vector * 8 + 7 > load<u32>(IDTR_LIMIT)) { gp(idt_err); return; }
  const gaddr = load<u32>(IDTR_BASE) + vector * 8;
  const glo = sys_read32(gaddr);
  const ghi = sys_read32(gaddr + 4);
  if (FAULTED) return;
  const type = (ghi >>> 8) & 0x1f; // S bit and type
  if (type != 5 && type != 6 && type != 7 && type != 14 && type != 15) { gp(idt_err); return; }
  const cpl = load<u32>(CPL);
  if (soft && desc_dpl(ghi) < cpl) { gp(vector * 8 + 2); return; }
  if (!desc_present(ghi)) { np(idt_err); return; }
  if (type == 5) {
    task_gate(glo >>> 16, TS_CALL, ext, error, has_error);
    return;
  }

  // interrupt or trap gate
  const gsize: i32 = type >= 14 ? 32 : 16;
  const csel = glo >>> 16;
  const off = gsize == 32 ? (glo & 0xffff) | (ghi & 0xffff0000) : glo & 0xffff;
  const cerr = (csel & 0xfffc) | ext;
  if ((csel & 0xfffc) == 0) { gp(ext); return; }
  if (!fetch_desc(csel)) { if (!FAULTED) gp(cerr); return; }
  const clo = DESC_LO;
  const chi = DESC_HI;
  const caddr = DESC_ADDR;
  const dpl = desc_dpl(chi);
  if (!desc_is_code(chi) || dpl > cpl) { gp(cerr); return; }
  if (!desc_present(chi)) { np(cerr); return; }

  const old_cs = seg_sel(S_CS);
  const ret = load<u32>(EIP);
  let new_cpl = cpl;
  if (!desc_conforming(chi) && dpl < cpl) {
    // inter-privilege: the stack for `dpl` from the TSS
    if (vm && dpl != 0) { gp(cerr); return; }
    if (!tss_stack(dpl, ext)) return;
    const ss = TSS_SS;
    if (!check_inner_ss(ss, dpl, ext)) return;
    ns_new(ss, DESC_LO, DESC_HI, TSS_ESP, (ss & 0xfffc) | ext);
    if (vm) {
      if (!ns_push(gsize, seg_sel(S_GS))) return;
      if (!ns_push(gsize, seg_sel(S_FS))) return;
      if (!ns_push(gsize, seg_sel(S_DS))) return;
      if (!ns_push(gsize, seg_sel(S_ES))) return;
    }
    if (!ns_push(gsize, seg_sel(S_SS))) return;
    if (!ns_push(gsize, load<u32>(REG_ESP))) return;
    new_cpl = dpl;
  } else {
    // same privilege (conforming code or DPL == CPL); never out of V86 mode
    if (vm) { gp(cerr); return; }
    ns_current(ext);
  }
  if (!ns_push(gsize, flags)) return;
  if (!ns_push(gsize, old_cs)) return;
  if (!ns_push(gsize, ret)) return;
  if (has_error && !ns_push(gsize, error)) return;
  if (off > desc_limit(clo, chi)) { gp(ext); return; }
  mark_accessed(caddr, chi);
  if (FAULTED) return;

  // ---- commit
  let nf = flags & ~(F_TF | F_NT | F_RF | F_VM);
  if (type == 6 || type == 14) nf &= ~F_IF; // interrupt gate
  set_eflags_raw(nf);
  if (vm) update_mode();
  if (new_cpl != cpl) set_cpl(new_cpl);
  ns_commit();
  commit_cs(csel, clo, chi, new_cpl, off);
  if (vm) {
    load_null(S_ES, 0);
    load_null(S_DS, 0);
    load_null(S_FS, 0);
    load_null(S_GS, 0);
  }
}
