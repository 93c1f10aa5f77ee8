// PUSHF POPF CLI STI: the IOPL-sensitive flag instructions (SDM vol.2 and vol.3 §20.2.7 for
// virtual-8086 mode; VME is not implemented, CR4.VME/PVI read as 0 in CPUID).
import { EFLAGS, CPL, INHIBIT } from "../../state";
import { push, peek, add_sp } from "../stack";
import { FAULTED, gp } from "../fault";
import { get_eflags, set_eflags_raw, F_IF, F_IOPL, F_VM, F_RF, F_VIF, F_VIP } from "../flags";
import { protected_mode, v86_mode } from "../regs";
import { update_tlb_masks } from "../tlb";
import { request_exit_check } from "../signal";

@inline function iopl(): u32 { return (load<u32>(EFLAGS) >> 12) & 3; }

@inline export function pushf(size: i32): void {
  if (v86_mode() && iopl() < 3) { gp(0); return; }
  // the pushed image has VM and RF clear (SDM vol.2 PUSHF)
  push(size, get_eflags() & ~(F_VM | F_RF) & (size == 16 ? 0xffff : 0xffffffff));
}

// Write new flag bits, keeping what the current privilege may not change.
export function write_flags_checked(v: u32, size: i32): void {
  const old = get_eflags();
  let keep: u32 = F_VM | F_RF | F_VIF | F_VIP; // POPF never changes these
  if (protected_mode()) {
    const c = load<u32>(CPL);
    if (v86_mode()) keep |= F_IOPL; // only reached with IOPL 3
    else {
      if (c > 0) keep |= F_IOPL;
      if (c > iopl()) keep |= F_IF;
    }
  }
  if (size == 16) keep |= 0xffff0000;
  const nf = (old & keep) | (v & ~keep);
  set_eflags_raw(nf & ~F_RF); // POPF clears RF
  update_tlb_masks(); // AC may have changed
  request_exit_check(); // IF may allow an interrupt, TF starts single-stepping
}

@inline export function popf(size: i32): void {
  if (v86_mode() && iopl() < 3) { gp(0); return; }
  const v = peek(size, 0);
  if (FAULTED) return;
  add_sp(<u32>(size >> 3));
  write_flags_checked(v, size);
}

// CLI/STI: allowed when CPL <= IOPL in protected mode, IOPL == 3 in V86 mode, always in real mode.
@inline function if_allowed(): bool {
  if (!protected_mode()) return true;
  if (v86_mode()) return iopl() == 3;
  return load<u32>(CPL) <= iopl();
}

export function cli(): void {
  if (!if_allowed()) { gp(0); return; }
  store<u32>(EFLAGS, load<u32>(EFLAGS) & ~F_IF);
}

// STI delays interrupts until after the next instruction (SDM vol.2 STI).
export function sti(): void {
  if (!if_allowed()) { gp(0); return; }
  const f = load<u32>(EFLAGS);
  if ((f & F_IF) == 0) {
    store<u32>(EFLAGS, f | F_IF);
    store<u32>(INHIBIT, 1);
    request_exit_check();
  }
}
