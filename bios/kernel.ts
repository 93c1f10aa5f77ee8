// Starting what the bootstrap loaded: a boot sector, or a kernel the host put in RAM for
// --kernel (host/kernel.ts) and described in BIOS_KERNEL (state.ts): u32 kind, then for Linux
// u32 real-mode segment, u32 stack pointer; for multiboot u32 entry, u32 information
// structure, u32 room for the memory map (8 entries of 24 bytes).
import { BIOS_KERNEL, BIOS_SCRATCH, EIP, CR0, A20_MASK, PORT92 } from "../core-as/state";
import { seg_load_real, seg_set_cache, update_mode } from "../core-as/cpu/segments";
import { S_CS, S_SS, S_DS, S_ES, S_FS, S_GS } from "../core-as/cpu/regs";
import { update_tlb_masks, tlb_flush_all } from "../core-as/cpu/tlb";
import { reset_fetch_window } from "../core-as/cpu/fetch_window";
import { F_IF, F_VM, F_TF, F_DF, F_RF, get_eflags, set_eflags_raw } from "../core-as/cpu/flags";
import { AX, BX, SP, w32, m32, s32 } from "./util";
import { e820_entry, e820_count } from "./system";

export const KERNEL_LINUX: u32 = 1;
export const KERNEL_MULTIBOOT: u32 = 2;

export function kernel_kind(): u32 { return load<u32>(BIOS_KERNEL); }

// Continue in real mode at cs:ip with DS = ES = FS = GS = data and the stack at ss:sp, as a
// boot sector or a kernel's real-mode entry expects.
export function enter_real(cs: u32, ip: u32, data: u32, ss: u32, sp: u32): void {
  seg_load_real(S_DS, data); seg_load_real(S_ES, data); seg_load_real(S_FS, data); seg_load_real(S_GS, data);
  seg_load_real(S_SS, ss);
  w32(SP, sp);
  seg_load_real(S_CS, cs);
  store<u32>(EIP, ip);
}

// Linux x86 boot protocol (Documentation/arch/x86/boot.rst, "Running the kernel"): the setup
// code is entered at segment+20h:0000 with DS = ES = FS = GS = SS = the segment of the real-mode
// part and the stack below the heap end the loader wrote into the header.
function linux(): void {
  const seg = load<u32>(BIOS_KERNEL + 4);
  for (let r = 0; r < 8; r++) w32(r, 0);
  enter_real(seg + 0x20, 0, seg, seg, load<u32>(BIOS_KERNEL + 8));
}

// Multiboot 1 (Multiboot Specification 0.6.96 §3.2 "Machine state"): EAX = 2BADB002h, EBX = the
// information structure, CS a 32-bit read/execute segment with offset 0 and limit 4 GiB, the
// other segments flat read/write, A20 enabled, CR0 with PE set and PG clear, EFLAGS with VM and
// IF clear. The kernel must not rely on GDTR; the real-mode one stays.
function multiboot(): void {
  const entry = load<u32>(BIOS_KERNEL + 4);
  const info = load<u32>(BIOS_KERNEL + 8);
  const mmap = load<u32>(BIOS_KERNEL + 12);
  // the memory fields (§3.3: flags bit 0 mem_lower/mem_upper in KiB, bit 6 mmap_length/addr),
  // from the same E820 map INT 15h gives
  let lower: u64 = 0, upper: u64 = 0, n: u32 = 0;
  for (let i: u32 = 0; i < e820_count() && n < 8; i++) {
    if (!e820_entry(i, BIOS_SCRATCH)) continue;
    const base = load<u64>(BIOS_SCRATCH), len = load<u64>(BIOS_SCRATCH + 8), type = load<u32>(BIOS_SCRATCH + 16);
    const e = mmap + n * 24;
    s32(e, 20); // size of the entry that follows
    s32(e + 4, <u32>base); s32(e + 8, <u32>(base >> 32));
    s32(e + 12, <u32>len); s32(e + 16, <u32>(len >> 32));
    s32(e + 20, type);
    n++;
    if (type == 1 && base == 0) lower = len >> 10;
    if (type == 1 && base == 0x100000) upper = len >> 10;
  }
  s32(info, m32(info) | 0x41);
  s32(info + 4, <u32>lower);
  s32(info + 8, <u32>upper);
  s32(info + 44, n * 24);
  s32(info + 48, mmap);

  store<u32>(A20_MASK, 0xffffffff);
  store<u32>(PORT92, load<u32>(PORT92) | 2);
  store<u32>(CR0, (load<u32>(CR0) | 1) & 0x7fffffff);
  set_eflags_raw(get_eflags() & ~(F_IF | F_VM | F_TF | F_DF | F_RF));
  // attributes: descriptor bits 40..55 (state.ts SEG_ATTR): present, DPL 0, G, D/B, limit 19:16
  seg_set_cache(S_CS, 0x08, 0, 0xffffffff, 0xcf9b);
  seg_set_cache(S_DS, 0x10, 0, 0xffffffff, 0xcf93);
  seg_set_cache(S_ES, 0x10, 0, 0xffffffff, 0xcf93);
  seg_set_cache(S_FS, 0x10, 0, 0xffffffff, 0xcf93);
  seg_set_cache(S_GS, 0x10, 0, 0xffffffff, 0xcf93);
  seg_set_cache(S_SS, 0x10, 0, 0xffffffff, 0xcf93);
  update_mode();
  update_tlb_masks();
  tlb_flush_all(true);
  reset_fetch_window();
  for (let r = 0; r < 8; r++) w32(r, 0);
  w32(AX, 0x2badb002);
  w32(BX, info);
  store<u32>(EIP, entry);
}

// Start the kernel the host loaded; false when there is none.
export function kernel_boot(): bool {
  const kind = kernel_kind();
  if (kind == KERNEL_LINUX) { linux(); return true; }
  if (kind == KERNEL_MULTIBOOT) { multiboot(); return true; }
  return false;
}
