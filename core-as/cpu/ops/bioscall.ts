// The built-in BIOS's call instruction, 0F 3F ib (undefined on Intel CPUs; see bios/rom/bios.asm).
// It performs BIOS service ib only when fetched from the ROM image in real or virtual-8086
// mode; anywhere else it is #UD like any undefined opcode. The check uses the TLB entry of the
// instruction's linear address (filled by the fetch), so a paging memory manager that maps
// the ROM elsewhere, or maps RAM over F0000, gets the right answer.
import { INSN_EIP, MODE, MODE_PE, MODE_VM } from "../../state";
import { IMM } from "../decode";
import { ud } from "../fault";
import { seg_base, S_CS } from "../regs";
import { tlb_entry, TLB_VALID, TLB_ROM } from "../tlb";
import { bios_service } from "../../../bios/dispatch";

export function bios_call(): void {
  const m = load<u32>(MODE);
  if ((m & (MODE_PE | MODE_VM)) == MODE_PE) { ud(); return; }
  const e = tlb_entry(seg_base(S_CS) + load<u32>(INSN_EIP));
  if ((e & (TLB_VALID | TLB_ROM)) != (TLB_VALID | TLB_ROM)) { ud(); return; }
  bios_service(IMM & 0xff);
}
