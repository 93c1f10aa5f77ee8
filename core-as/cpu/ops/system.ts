// System instructions (SDM vol.2, vol.3 chapters 2-5): segment register moves and loads,
// descriptor tables, LDTR/TR, access-rights tests, control and debug registers, MSRs, time
// stamp and performance counters, CPUID, SYSENTER/SYSEXIT.
//
// Privileged instructions raise #GP(0) at CPL > 0 (always in V86 mode, where CPL is 3). The
// descriptor-table instructions SLDT STR LLDT LTR VERR VERW LAR LSL ARPL are #UD in real and
// V86 mode.
import {
  CR0, CR2, CR3, CR4, DR, CPL, EIP, REG_ESP, GDTR_BASE, GDTR_LIMIT, IDTR_BASE, IDTR_LIMIT, INHIBIT, ICOUNT,
  TSC_OFFSET, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_APIC_BASE, MSR_MISC_ENABLE,
  MSR_BIOS_SIGN, MTRR_DEF_TYPE, MSR_PAT, MTRR_VAR, MTRR_FIX, CPUID_SIG, SEG_BASE,
} from "../../state";
import { MOD, RM, REG, SEG, EA, O32 } from "../decode";
import { readE, rmwE, writeRMW, readG } from "../operand";
import { reg32, set_reg32, set_reg16, pm_not_v86, protected_mode, seg_sel, R_EAX, R_ECX, R_EDX, R_EBX, S_CS, S_SS, S_LDTR, S_TR } from "../regs";
import { read16, read32, write16, write32, probe_write, sys_write8 } from "../memory";
import { FAULTED, raise, gp, np, ud, EXC_DB } from "../fault";
import {
  load_seg, fetch_desc, fetch_gdt_desc, DESC_LO, DESC_HI, DESC_ADDR, desc_base, desc_limit, desc_attr, desc_dpl,
  desc_present, desc_is_seg, desc_is_code, desc_is_data, desc_conforming, desc_sys_type, load_cache_from_desc,
} from "../descriptors";
import { seg_set_cache, update_mode, set_cpl } from "../segments";
import { get_eflags, set_eflags_raw, set_flag, F_ZF, F_VM, F_IF, F_RF } from "../flags";
import { tlb_flush_all, tlb_flush_page } from "../tlb";
import { load_pdptes } from "../paging";
import { request_exit_check } from "../signal";
import { debug_update } from "../debug";
import { CHUNK_DONE } from "../../time";

// CPUID leaf 1 EDX bit 0: the x87 FPU (cpu/ops/x87.ts) is fitted.
export const CPUID_HAS_FPU: bool = true;

@inline function cpl0(): bool {
  if (load<u32>(CPL) != 0) { gp(0); return false; }
  return true;
}

// ---------------------------------------------------------------- segment registers

// MOV Sreg, Ew: MOV CS and sreg 6/7 are #UD; MOV SS blocks interrupts and traps for one
// instruction (SDM vol.2 MOV, vol.3 §6.8.3).
export function mov_SE(): void {
  const s = REG;
  if (s == S_CS || s > 5) { ud(); return; }
  const v = readE(16);
  if (FAULTED) return;
  if (!load_seg(s, v)) return;
  if (s == S_SS) {
    store<u32>(INHIBIT, 1);
    request_exit_check();
  }
}

// MOV Ev, Sreg: a 32-bit register destination gets the selector zero-extended (P6 and later);
// a memory destination is always 16 bits.
export function mov_ES(size: i32): void {
  const s = REG;
  if (s > 5) { ud(); return; }
  const v = seg_sel(s);
  if (MOD == 3) {
    if (size == 32) set_reg32(RM, v); else set_reg16(RM, v);
  } else write16(SEG, EA, v);
}

// LES LDS LSS LFS LGS: offset then selector; the segment is loaded first so that a fault
// leaves the register alone.
export function load_far_ptr(size: i32, s: i32): void {
  const off = size == 32 ? read32(SEG, EA) : read16(SEG, EA);
  const sel = read16(SEG, EA + <u32>(size >> 3));
  if (FAULTED) return;
  if (!load_seg(s, sel)) return;
  if (size == 32) set_reg32(REG, off); else set_reg16(REG, off);
}

// store a selector-like value: 32-bit register destinations are zero-extended
function store_sel(v: u32): void {
  if (MOD == 3) {
    if (O32) set_reg32(RM, v); else set_reg16(RM, v);
  } else write16(SEG, EA, v);
}

// ---------------------------------------------------------------- LDTR and TR

export function sldt_E(): void {
  if (!pm_not_v86()) { ud(); return; }
  store_sel(seg_sel(S_LDTR));
}

export function str_E(): void {
  if (!pm_not_v86()) { ud(); return; }
  store_sel(seg_sel(S_TR));
}

export function lldt_E(): void {
  if (!pm_not_v86()) { ud(); return; }
  if (!cpl0()) return;
  const sel = readE(16);
  if (FAULTED) return;
  const err = sel & 0xfffc;
  if (err == 0) { seg_set_cache(S_LDTR, sel, 0, 0, 0); return; } // LDTR invalid
  if (!fetch_gdt_desc(sel)) { if (!FAULTED) gp(err); return; }
  const hi = DESC_HI;
  if (desc_is_seg(hi) || desc_sys_type(hi) != 2) { gp(err); return; }
  if (!desc_present(hi)) { np(err); return; }
  load_cache_from_desc(S_LDTR, sel, DESC_LO, hi);
}

export function ltr_E(): void {
  if (!pm_not_v86()) { ud(); return; }
  if (!cpl0()) return;
  const sel = readE(16);
  if (FAULTED) return;
  const err = sel & 0xfffc;
  if (err == 0) { gp(0); return; }
  if (!fetch_gdt_desc(sel)) { if (!FAULTED) gp(err); return; }
  const lo = DESC_LO;
  const hi = DESC_HI;
  const type = desc_sys_type(hi);
  if (type != 1 && type != 9) { gp(err); return; }
  if (!desc_present(hi)) { np(err); return; }
  sys_write8(DESC_ADDR + 5, ((hi >>> 8) & 0xff) | 2); // busy
  if (FAULTED) return;
  seg_set_cache(S_TR, sel, desc_base(lo, hi), desc_limit(lo, hi), desc_attr(hi) | 2);
}

// ---------------------------------------------------------------- VERR VERW LAR LSL ARPL

// Data and non-conforming code need DPL >= CPL and DPL >= RPL; conforming code never checks.
function visible(sel: u32, hi: u32): bool {
  if (desc_is_code(hi) && desc_conforming(hi)) return true;
  const dpl = desc_dpl(hi);
  return dpl >= load<u32>(CPL) && dpl >= (sel & 3);
}

export function verrw_E(write: bool): void {
  if (!pm_not_v86()) { ud(); return; }
  const sel = readE(16);
  if (FAULTED) return;
  let ok = false;
  if ((sel & 0xfffc) != 0 && fetch_desc(sel)) {
    const hi = DESC_HI;
    if (desc_is_seg(hi)) {
      if (write) ok = desc_is_data(hi) && (hi & 0x200) != 0 && visible(sel, hi);
      else ok = (desc_is_data(hi) || (hi & 0x200) != 0) && visible(sel, hi);
    }
  }
  if (FAULTED) return;
  set_flag(F_ZF, ok);
}

// Does LAR (lsl = false) or LSL (lsl = true) accept the descriptor of sel? (SDM vol.2 LAR/LSL)
function lar_lsl_ok(sel: u32, lsl: bool): bool {
  if ((sel & 0xfffc) == 0 || !fetch_desc(sel)) return false;
  const hi = DESC_HI;
  if (!desc_is_seg(hi)) {
    const t = desc_sys_type(hi);
    const valid = lsl ? (t == 1 || t == 2 || t == 3 || t == 9 || t == 11)
                      : (t == 1 || t == 2 || t == 3 || t == 4 || t == 5 || t == 9 || t == 11 || t == 12);
    if (!valid) return false;
  }
  return visible(sel, hi);
}

export function lar_GE(size: i32): void {
  if (!pm_not_v86()) { ud(); return; }
  const sel = readE(16);
  if (FAULTED) return;
  const ok = lar_lsl_ok(sel, false);
  if (FAULTED) return;
  if (ok) {
    if (size == 32) set_reg32(REG, DESC_HI & 0x00ffff00); else set_reg16(REG, DESC_HI & 0xff00);
  }
  set_flag(F_ZF, ok);
}

export function lsl_GE(size: i32): void {
  if (!pm_not_v86()) { ud(); return; }
  const sel = readE(16);
  if (FAULTED) return;
  const ok = lar_lsl_ok(sel, true);
  if (FAULTED) return;
  if (ok) {
    const limit = desc_limit(DESC_LO, DESC_HI);
    if (size == 32) set_reg32(REG, limit); else set_reg16(REG, limit);
  }
  set_flag(F_ZF, ok);
}

export function arpl_EG(): void {
  if (!pm_not_v86()) { ud(); return; }
  const d = rmwE(16);
  if (FAULTED) return;
  const s = readG(16);
  if ((d & 3) < (s & 3)) {
    writeRMW(16, (d & ~3) | (s & 3));
    set_flag(F_ZF, true);
  } else set_flag(F_ZF, false);
}

// ---------------------------------------------------------------- GDTR IDTR MSW

// SGDT/SIDT: 16-bit limit, then the base; with a 16-bit operand size only 24 bits of the base
// are stored and the fourth byte is 0 (SDM vol.2 SGDT).
export function sdt_M(idt: bool): void {
  const limit = load<u32>(idt ? IDTR_LIMIT : GDTR_LIMIT);
  let base = load<u32>(idt ? IDTR_BASE : GDTR_BASE);
  if (!O32) base &= 0xffffff;
  if (!probe_write(16, SEG, EA) || !probe_write(32, SEG, EA + 2)) return;
  write16(SEG, EA, limit);
  write32(SEG, EA + 2, base);
}

// LGDT/LIDT: with a 16-bit operand size the base is 24 bits.
export function ldt_M(idt: bool): void {
  if (!cpl0()) return;
  const limit = read16(SEG, EA);
  let base = read32(SEG, EA + 2);
  if (FAULTED) return;
  if (!O32) base &= 0xffffff;
  store<u32>(idt ? IDTR_LIMIT : GDTR_LIMIT, limit);
  store<u32>(idt ? IDTR_BASE : GDTR_BASE, base);
}

// SMSW: a register destination gets all of CR0 with a 32-bit operand size (as the P6 does).
export function smsw_E(): void {
  const cr0 = load<u32>(CR0);
  if (MOD == 3) {
    if (O32) set_reg32(RM, cr0); else set_reg16(RM, cr0);
  } else write16(SEG, EA, cr0);
}

// LMSW loads PE MP EM TS; it can set PE but not clear it.
export function lmsw_E(): void {
  if (!cpl0()) return;
  const v = readE(16);
  if (FAULTED) return;
  const old = load<u32>(CR0);
  const nv = (old & ~0xe) | (v & 0xf);
  store<u32>(CR0, nv);
  if (nv != old) update_mode();
}

export function clts(): void {
  if (!cpl0()) return;
  store<u32>(CR0, load<u32>(CR0) & ~8);
}

// INVD and WBINVD: there are no caches to write back.
export function invd(): void {
  cpl0();
}

export function invlpg_M(): void {
  if (!cpl0()) return;
  tlb_flush_page(load<u32>(SEG_BASE + (SEG << 2)) + EA);
}

// ---------------------------------------------------------------- control registers

export function mov_RC(): void {
  const r = REG;
  if (r == 1 || r > 4) { ud(); return; }
  if (!cpl0()) return;
  let v: u32;
  if (r == 0) v = load<u32>(CR0);
  else if (r == 2) v = load<u32>(CR2);
  else if (r == 3) v = load<u32>(CR3);
  else v = load<u32>(CR4);
  set_reg32(RM, v);
}

export function mov_CR(): void {
  const r = REG;
  if (r == 1 || r > 4) { ud(); return; }
  if (!cpl0()) return;
  const v = reg32(RM);
  if (r == 0) write_cr0(v);
  else if (r == 2) store<u32>(CR2, v);
  else if (r == 3) write_cr3(v);
  else write_cr4(v);
}

// CR0 bits a P6 implements: PE MP EM TS ET NE WP AM NW CD PG; ET is hardwired to 1.
const CR0_BITS: u32 = 0xe005003f;

function write_cr0(v: u32): void {
  v = (v & CR0_BITS) | 0x10;
  if ((v & 0x80000001) == 0x80000000) { gp(0); return; } // PG without PE
  if ((v & 0x60000000) == 0x20000000) { gp(0); return; } // NW without CD
  const old = load<u32>(CR0);
  // enabling PAE paging loads the PDPTEs (SDM vol.3 §4.4.1)
  if ((v & 0x80000000) != 0 && (old & 0x80000000) == 0 && (load<u32>(CR4) & 0x20) != 0) {
    if (!load_pdptes()) return;
  }
  store<u32>(CR0, v);
  if (((old ^ v) & 0x80010001) != 0) tlb_flush_all(true); // PG, WP, PE
  update_mode();
}

function write_cr3(v: u32): void {
  const old = load<u32>(CR3);
  store<u32>(CR3, v);
  if ((load<u32>(CR0) & 0x80000000) != 0 && (load<u32>(CR4) & 0x20) != 0) {
    if (!load_pdptes()) { store<u32>(CR3, old); return; }
  }
  tlb_flush_all(false);
}

// CR4 bits implemented: TSD DE PSE PAE PGE PCE (no VME/PVI, no machine checks).
const CR4_BITS: u32 = 0x1bc;

function write_cr4(v: u32): void {
  if ((v & ~CR4_BITS) != 0) { gp(0); return; }
  const old = load<u32>(CR4);
  if ((v & 0x20) != 0 && (old & 0x20) == 0 && (load<u32>(CR0) & 0x80000000) != 0) {
    store<u32>(CR4, v);
    if (!load_pdptes()) { store<u32>(CR4, old); return; }
  }
  store<u32>(CR4, v);
  // changing PSE, PAE or PGE invalidates every TLB entry, global ones too (SDM vol.3 §4.10.4.1)
  if (((old ^ v) & 0xb0) != 0) tlb_flush_all(true);
}

// ---------------------------------------------------------------- debug registers

// DR4/DR5 alias DR6/DR7 unless CR4.DE, which makes them #UD; DR7.GD turns any access into a
// #DB fault with DR6.BD set (SDM vol.3 §17.2.2, §17.2.4).
function debug_reg_index(): i32 {
  let r = REG;
  if (!cpl0()) return -1;
  if (r == 4 || r == 5) {
    if ((load<u32>(CR4) & 8) != 0) { ud(); return -1; }
    r += 2;
  }
  const dr7 = load<u32>(DR + 7 * 4);
  if ((dr7 & 0x2000) != 0) {
    store<u32>(DR + 6 * 4, load<u32>(DR + 6 * 4) | 0x2000);
    store<u32>(DR + 7 * 4, dr7 & ~0x2000);
    raise(EXC_DB, 0, false);
    return -1;
  }
  return r;
}

export function mov_RD(): void {
  const r = debug_reg_index();
  if (r < 0) return;
  set_reg32(RM, load<u32>(DR + (r << 2)));
}

export function mov_DR(): void {
  const r = debug_reg_index();
  if (r < 0) return;
  let v = reg32(RM);
  if (r == 6) v = (v & 0xe00f) | 0xffff0ff0;
  else if (r == 7) v = (v & 0xffff23ff) | 0x400;
  store<u32>(DR + (r << 2), v);
  if (r != 6) debug_update();
}

// ---------------------------------------------------------------- MSRs, TSC, PMCs

// TSC = instructions retired + TSC_OFFSET; inside a run chunk ICOUNT is only brought up to date
// at the end, so the chunk's count so far is added (time.ts).
@inline function tsc(): u64 { return load<u64>(ICOUNT) + <u64>CHUNK_DONE + load<u64>(TSC_OFFSET); }

// Address of the stored 64-bit MTRR for msr, or 0.
function mtrr_addr(msr: u32): u32 {
  if (msr >= 0x200 && msr <= 0x20f) return MTRR_VAR + ((msr - 0x200) << 3);
  if (msr == 0x250) return MTRR_FIX;
  if (msr == 0x258) return MTRR_FIX + 8;
  if (msr == 0x259) return MTRR_FIX + 16;
  if (msr >= 0x268 && msr <= 0x26f) return MTRR_FIX + 24 + ((msr - 0x268) << 3);
  return 0;
}

export function rdmsr(): void {
  if (!cpl0()) return;
  const msr = reg32(R_ECX);
  let v: u64 = 0;
  switch (msr) {
    case 0x10: v = tsc(); break;
    case 0x1b: v = <u64>load<u32>(MSR_APIC_BASE); break;
    case 0x2a: v = 0; break; // EBL_CR_POWERON: nothing configured
    case 0x8b: v = <u64>load<u32>(MSR_BIOS_SIGN) << 32; break;
    case 0xfe: v = 0x508; break; // MTRRcap: 8 variable ranges, fixed ranges, write-combining
    case 0x174: v = <u64>load<u32>(MSR_SYSENTER_CS); break;
    case 0x175: v = <u64>load<u32>(MSR_SYSENTER_ESP); break;
    case 0x176: v = <u64>load<u32>(MSR_SYSENTER_EIP); break;
    case 0x1a0: v = <u64>load<u32>(MSR_MISC_ENABLE); break;
    case 0x277: v = load<u64>(MSR_PAT); break;
    case 0x2ff: v = <u64>load<u32>(MTRR_DEF_TYPE); break;
    default: {
      const a = mtrr_addr(msr);
      if (a == 0) { gp(0); return; }
      v = load<u64>(a);
    }
  }
  set_reg32(R_EAX, <u32>v);
  set_reg32(R_EDX, <u32>(v >> 32));
}

export function wrmsr(): void {
  if (!cpl0()) return;
  const msr = reg32(R_ECX);
  const lo = reg32(R_EAX);
  const hi = reg32(R_EDX);
  const v = (<u64>hi << 32) | <u64>lo;
  switch (msr) {
    // the P6 writes the low 32 bits of the TSC and clears the upper half (SDM vol.3 §17.17)
    case 0x10: store<u64>(TSC_OFFSET, <u64>lo - load<u64>(ICOUNT) - <u64>CHUNK_DONE); break;
    case 0x1b: store<u32>(MSR_APIC_BASE, lo & 0xfffff900); break;
    case 0x79: break; // BIOS_UPDT_TRIG: no microcode to update
    case 0x8b: store<u32>(MSR_BIOS_SIGN, hi); break;
    case 0x174: store<u32>(MSR_SYSENTER_CS, lo & 0xffff); break;
    case 0x175: store<u32>(MSR_SYSENTER_ESP, lo); break;
    case 0x176: store<u32>(MSR_SYSENTER_EIP, lo); break;
    case 0x1a0: store<u32>(MSR_MISC_ENABLE, lo); break;
    case 0x277: {
      // each PAT entry is a memory type 0, 1, 4, 5, 6 or 7
      for (let i = 0; i < 8; i++) {
        const t = <u32>(v >> (i * 8)) & 0xff;
        if (t == 2 || t == 3 || t > 7) { gp(0); return; }
      }
      store<u64>(MSR_PAT, v);
      break;
    }
    case 0x2ff:
      if ((hi | (lo & ~0xcff)) != 0) { gp(0); return; }
      store<u32>(MTRR_DEF_TYPE, lo);
      break;
    default: {
      const a = mtrr_addr(msr);
      if (a == 0) { gp(0); return; }
      store<u64>(a, v);
    }
  }
}

// RDTSC: #GP(0) with CR4.TSD at CPL > 0.
export function rdtsc(): void {
  if ((load<u32>(CR4) & 4) != 0 && load<u32>(CPL) != 0) { gp(0); return; }
  const t = tsc();
  set_reg32(R_EAX, <u32>t);
  set_reg32(R_EDX, <u32>(t >> 32));
}

// RDPMC: the two P6 counters exist and count nothing; #GP(0) for other counters or at CPL > 0
// without CR4.PCE.
export function rdpmc(): void {
  if ((load<u32>(CR4) & 0x100) == 0 && load<u32>(CPL) != 0) { gp(0); return; }
  if (reg32(R_ECX) > 1) { gp(0); return; }
  set_reg32(R_EAX, 0);
  set_reg32(R_EDX, 0);
}

// ---------------------------------------------------------------- CPUID

// Leaf 1 EDX: DE PSE TSC MSR PAE CX8 SEP MTRR PGE CMOV PAT (and FPU once it exists). No VME,
// no MCE/MCA, no APIC, no PSE-36, no MMX.
const FEATURES_EDX: u32 = 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x8000 | 0x10000;

export function cpuid(): void {
  let leaf = reg32(R_EAX);
  if (leaf > 2) leaf = 2; // above the maximum: the highest basic leaf (SDM vol.2 CPUID)
  if (leaf == 0) {
    set_reg32(R_EAX, 2);
    set_reg32(R_EBX, 0x756e6547); // "Genu"
    set_reg32(R_EDX, 0x49656e69); // "ineI"
    set_reg32(R_ECX, 0x6c65746e); // "ntel"
  } else if (leaf == 1) {
    set_reg32(R_EAX, load<u32>(CPUID_SIG));
    set_reg32(R_EBX, 0);
    set_reg32(R_ECX, 0);
    set_reg32(R_EDX, FEATURES_EDX | (CPUID_HAS_FPU ? 1 : 0));
  } else {
    // Pentium Pro descriptors: one iteration; ITLB 4K (01) and 4M (02), DTLB 4K (03) and 4M
    // (04), 8 KiB L1 code (06) and data (0A), 256 KiB L2 (42)
    set_reg32(R_EAX, 0x03020101);
    set_reg32(R_EBX, 0);
    set_reg32(R_ECX, 0);
    set_reg32(R_EDX, 0x0a044206);
  }
}

// ---------------------------------------------------------------- SYSENTER / SYSEXIT

// Flat segments SYSENTER and SYSEXIT load (SDM vol.2 SYSENTER/SYSEXIT): base 0, limit 4 GiB,
// 32-bit, accessed; code execute/read, data read/write.
const FLAT_CODE0: u32 = 0xc09b;
const FLAT_DATA0: u32 = 0xc093;
const FLAT_CODE3: u32 = 0xc0fb;
const FLAT_DATA3: u32 = 0xc0f3;

export function sysenter(): void {
  const cs = load<u32>(MSR_SYSENTER_CS);
  if (!protected_mode() || (cs & 0xfffc) == 0) { gp(0); return; }
  set_eflags_raw(get_eflags() & ~(F_VM | F_IF | F_RF));
  update_mode();
  set_cpl(0);
  seg_set_cache(S_CS, cs & 0xfffc, 0, 0xffffffff, FLAT_CODE0);
  seg_set_cache(S_SS, (cs & 0xfffc) + 8, 0, 0xffffffff, FLAT_DATA0);
  store<u32>(REG_ESP, load<u32>(MSR_SYSENTER_ESP));
  store<u32>(EIP, load<u32>(MSR_SYSENTER_EIP));
}

export function sysexit(): void {
  const cs = load<u32>(MSR_SYSENTER_CS);
  if (!protected_mode() || load<u32>(CPL) != 0 || (cs & 0xfffc) == 0) { gp(0); return; }
  set_cpl(3);
  seg_set_cache(S_CS, ((cs + 16) & 0xfffc) | 3, 0, 0xffffffff, FLAT_CODE3);
  seg_set_cache(S_SS, ((cs + 24) & 0xfffc) | 3, 0, 0xffffffff, FLAT_DATA3);
  store<u32>(REG_ESP, reg32(R_ECX));
  store<u32>(EIP, reg32(R_EDX));
}
