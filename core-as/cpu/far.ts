// Far control transfers in protected mode (SDM vol.3 §5.8, §7.3) and IRET.
import { EIP, EFLAGS } from "../state";
import { fatal, FATAL_UNIMPLEMENTED } from "./fatal";
import { peek, add_sp } from "./stack";
import { FAULTED, gp } from "./fault";
import { seg_load_real } from "./segments";
import { S_CS } from "./regs";
import { write_flags_checked } from "./ops/flags_sys";
import { SEG_LIMIT } from "../state";

export function far_jump_pm(sel: u32, off: u32, size: i32): void { fatal(FATAL_UNIMPLEMENTED); }
export function far_call_pm(sel: u32, off: u32, size: i32): void { fatal(FATAL_UNIMPLEMENTED); }
export function far_ret_pm(size: i32, imm: u32): void { fatal(FATAL_UNIMPLEMENTED); }
export function iret_pm(size: i32): void { fatal(FATAL_UNIMPLEMENTED); }

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
