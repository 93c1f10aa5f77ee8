// Page walks (SDM vol.3 chapter 4): 32-bit paging with 4 KiB and 4 MiB (CR4.PSE) pages, PAE
// paging (CR4.PAE: PDPTEs cached at CR3 load, 2 MiB and 4 KiB pages), global pages (CR4.PGE),
// CR0.WP, accessed and dirty bits. tlb_fill() walks for one access, raises #PF on a fault and
// otherwise installs the TLB entry. Physical addresses at or above 4 GiB (PAE) read as open bus.
import { CR0, CR2, CR3, CR4, PDPTE, PAGE_FAULTS, TLB_MISSES, MODE, MODE_PG } from "../state";
import { phys_read32, phys_write32, phys_page, a20, PAGE_MMIO, PAGE_ROM, PAGE_TRACKED, PAGE_RAM } from "../bus/memory";
import { code_page_flag, jit_invalidate_page } from "../jit/cache";
import { vbe_lfb_page_written } from "../../devices/vbe";
import { raise, EXC_PF, PROBING } from "./fault";
import { tlb_set, TLB_NO_USER, TLB_NO_WRITE_USER, TLB_NO_WRITE_SUP, TLB_MMIO, TLB_GLOBAL, TLB_ROM } from "./tlb";

const PTE_P: u32 = 1;
const PTE_W: u32 = 2;
const PTE_U: u32 = 4;
const PTE_A: u32 = 0x20;
const PTE_D: u32 = 0x40;
const PTE_PS: u32 = 0x80;
const PTE_G: u32 = 0x100;

const PF_P: u32 = 1;
const PF_W: u32 = 2;
const PF_U: u32 = 4;
const PF_RSVD: u32 = 8;

function page_fault(lin: u32, code: u32): void {
  if (PROBING) { raise(EXC_PF, code, true); return; } // noted as a failed probe only
  store<u32>(CR2, lin);
  store<u64>(PAGE_FAULTS, load<u64>(PAGE_FAULTS) + 1);
  raise(EXC_PF, code, true);
}

function set_bits32(addr: u32, entry: u32, bits: u32): void {
  if ((entry & bits) != bits) phys_write32(addr, entry | bits);
}

// Result of a walk
let W_PHYS: u32 = 0; // physical address of the page (A20 not yet applied)
let W_NONE: bool = false; // page lies above 4 GiB
let W_FLAGS: u32 = 0; // TLB permission flags

// Walk for `lin`. Returns false after raising #PF.
function walk(lin: u32, write: bool, user: bool): bool {
  const cr4 = load<u32>(CR4);
  const wp = (load<u32>(CR0) & 0x10000) != 0;
  const pge = (cr4 & 0x80) != 0;
  const err_base: u32 = (write ? PF_W : 0) | (user ? PF_U : 0);
  let perm_u: bool;
  let perm_w: bool;
  let dirty: bool;
  let global: bool;
  W_NONE = false;
  if ((cr4 & 0x20) == 0) {
    // 32-bit paging
    const pde_addr = (load<u32>(CR3) & 0xfffff000) | ((lin >>> 22) << 2);
    const pde = phys_read32(pde_addr);
    if ((pde & PTE_P) == 0) { page_fault(lin, err_base); return false; }
    if ((pde & PTE_PS) != 0 && (cr4 & 0x10) != 0) {
      perm_u = (pde & PTE_U) != 0;
      perm_w = (pde & PTE_W) != 0;
      if (!check(lin, perm_u, perm_w, write, user, wp, err_base)) return false;
      set_bits32(pde_addr, pde, PTE_A | (write ? PTE_D : 0));
      dirty = write || (pde & PTE_D) != 0;
      global = pge && (pde & PTE_G) != 0;
      W_PHYS = (pde & 0xffc00000) | (lin & 0x3ff000);
    } else {
      const pte_addr = (pde & 0xfffff000) | (((lin >>> 12) & 0x3ff) << 2);
      const pte = phys_read32(pte_addr);
      if ((pte & PTE_P) == 0) { page_fault(lin, err_base); return false; }
      perm_u = (pde & pte & PTE_U) != 0;
      perm_w = (pde & pte & PTE_W) != 0;
      if (!check(lin, perm_u, perm_w, write, user, wp, err_base)) return false;
      set_bits32(pde_addr, pde, PTE_A);
      set_bits32(pte_addr, pte, PTE_A | (write ? PTE_D : 0));
      dirty = write || (pte & PTE_D) != 0;
      global = pge && (pte & PTE_G) != 0;
      W_PHYS = pte & 0xfffff000;
    }
  } else {
    // PAE paging: the PDPTEs were loaded with CR3 (SDM vol.3 §4.4.1)
    const pdpte = load<u64>(PDPTE + ((lin >>> 30) << 3));
    if ((pdpte & PTE_P) == 0) { page_fault(lin, err_base); return false; }
    const pde_addr = (<u32>pdpte & 0xfffff000) + (((lin >>> 21) & 0x1ff) << 3);
    const pde_lo = phys_read32(pde_addr);
    const pde_hi = phys_read32(pde_addr + 4);
    if ((pde_lo & PTE_P) == 0) { page_fault(lin, err_base); return false; }
    // bits 63:36 are reserved on a P6 (36-bit physical addresses, no NX)
    if ((pde_hi & 0xfffffff0) != 0) { page_fault(lin, err_base | PF_P | PF_RSVD); return false; }
    if ((pde_lo & PTE_PS) != 0) {
      if ((pde_lo & 0x1fe000) != 0) { page_fault(lin, err_base | PF_P | PF_RSVD); return false; }
      perm_u = (pde_lo & PTE_U) != 0;
      perm_w = (pde_lo & PTE_W) != 0;
      if (!check(lin, perm_u, perm_w, write, user, wp, err_base)) return false;
      set_bits32(pde_addr, pde_lo, PTE_A | (write ? PTE_D : 0));
      dirty = write || (pde_lo & PTE_D) != 0;
      global = pge && (pde_lo & PTE_G) != 0;
      W_PHYS = (pde_lo & 0xffe00000) | (lin & 0x1ff000);
      W_NONE = (pde_hi & 0xf) != 0;
    } else {
      const pte_addr = (pde_lo & 0xfffff000) + (((lin >>> 12) & 0x1ff) << 3);
      const pte_lo = phys_read32(pte_addr);
      const pte_hi = phys_read32(pte_addr + 4);
      if ((pte_lo & PTE_P) == 0) { page_fault(lin, err_base); return false; }
      if ((pte_hi & 0xfffffff0) != 0) { page_fault(lin, err_base | PF_P | PF_RSVD); return false; }
      perm_u = (pde_lo & pte_lo & PTE_U) != 0;
      perm_w = (pde_lo & pte_lo & PTE_W) != 0;
      if (!check(lin, perm_u, perm_w, write, user, wp, err_base)) return false;
      set_bits32(pde_addr, pde_lo, PTE_A);
      set_bits32(pte_addr, pte_lo, PTE_A | (write ? PTE_D : 0));
      dirty = write || (pte_lo & PTE_D) != 0;
      global = pge && (pte_lo & PTE_G) != 0;
      W_PHYS = pte_lo & 0xfffff000;
      W_NONE = (pte_hi & 0xf) != 0;
    }
  }
  let f: u32 = 0;
  if (!perm_u) f |= TLB_NO_USER | TLB_NO_WRITE_USER;
  if (!perm_w) { f |= TLB_NO_WRITE_USER; if (wp) f |= TLB_NO_WRITE_SUP; }
  // a clean page: the first write must come back through the walk to set D
  if (!dirty) f |= TLB_NO_WRITE_USER | TLB_NO_WRITE_SUP;
  if (global) f |= TLB_GLOBAL;
  W_FLAGS = f;
  return true;
}

// Protection check (SDM vol.3 §4.6): user accesses need U in every level and, to write, W in
// every level; supervisor writes need W only when CR0.WP is set.
function check(lin: u32, perm_u: bool, perm_w: bool, write: bool, user: bool, wp: bool, err: u32): bool {
  let ok = true;
  if (user) ok = perm_u && (!write || perm_w);
  else if (write && wp) ok = perm_w;
  if (!ok) page_fault(lin, err | PF_P);
  return ok;
}

// Fill the TLB entry for `lin` for an access of the given kind. Returns false after a fault.
export function tlb_fill(lin: u32, write: bool, user: bool): bool {
  store<u64>(TLB_MISSES, load<u64>(TLB_MISSES) + 1);
  let phys: u32;
  let flags: u32 = 0;
  let none = false;
  if ((load<u32>(MODE) & MODE_PG) != 0) {
    if (!walk(lin, write, user)) return false;
    phys = W_PHYS;
    flags = W_FLAGS;
    none = W_NONE;
  } else {
    phys = lin & 0xfffff000;
  }
  phys = a20(phys);
  const pg: u32 = none ? PAGE_MMIO : phys_page(phys);
  const kind = pg & 3;
  let host: u32;
  if (kind == PAGE_MMIO) {
    // MMIO entries keep the physical page; above 4 GiB, a page no device claims (open bus)
    host = none ? 0xfffff000 : phys;
    flags |= TLB_MMIO;
  } else {
    host = pg & 0xfffff000;
    // a page holding compiled code is never directly writable: the first write comes here and
    // drops the code compiled from it (self-modifying code, jit/cache.ts)
    if (kind == PAGE_RAM && code_page_flag(host) != 0) {
      if (write) jit_invalidate_page(host);
      else flags |= TLB_NO_WRITE_USER | TLB_NO_WRITE_SUP;
    }
    if (kind == PAGE_ROM) flags |= TLB_ROM | TLB_NO_WRITE_USER | TLB_NO_WRITE_SUP;
    else if (kind == PAGE_TRACKED) {
      // a write fill tells the device (which will take the permission back); until then
      // writes come here (bus/memory.ts PAGE_TRACKED)
      if (write) vbe_lfb_page_written(phys, lin);
      else flags |= TLB_NO_WRITE_USER | TLB_NO_WRITE_SUP;
    }
  }
  tlb_set(lin, ((host ^ lin) & 0xfffff000) | flags);
  return true;
}

// Load the four PAE PDPTEs from CR3 (done at mov cr3 and when PAE paging is switched on).
// Returns false (after #GP(0)) if one that is present has reserved bits set.
export function load_pdptes(): bool {
  const base = load<u32>(CR3) & 0xffffffe0;
  for (let i: u32 = 0; i < 4; i++) {
    const e = <u64>phys_read32(base + i * 8) | (<u64>phys_read32(base + i * 8 + 4) << 32);
    // reserved: bits 1,2,5..8 and 63:36 (SDM vol.3 §4.4.1, table 4-8)
    if ((e & 1) != 0 && (e & 0xfffffff0000001e6) != 0) { raise(13, 0, true); return false; }
    store<u64>(PDPTE + i * 8, e);
  }
  return true;
}
