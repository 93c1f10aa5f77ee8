// The CPU's one maskable interrupt line (INTR) and NMI. A device raises and lowers its IRQ line
// with irq_set(); the 8259A pair (devices/pic.ts) resolves priorities and drives INTR; the CPU
// acknowledges with pic_acknowledge(), which returns the vector (a request that went away before
// the acknowledge gets the PIC's default IR7 vector: a spurious interrupt).
import { INTR, NMI } from "../state";
import { request_exit_check } from "../cpu/signal";
import { pic_irq_input, pic_inta } from "../../devices/pic";

// A device's interrupt request line 0-15: level true = asserted. Lines 0-7 are the master
// 8259A's IR inputs, 8-15 the slave's; edge or level triggering is the PIC's ELCR/LTIM setting.
export function irq_set(line: i32, level: bool): void {
  pic_irq_input(line, level);
}

export function set_intr(level: bool): void {
  store<u32>(INTR, level ? 1 : 0);
  if (level) request_exit_check();
}

export function raise_nmi(): void {
  store<u32>(NMI, 1);
  request_exit_check();
}

// Interrupt acknowledge cycle (the two INTA bus cycles): the vector the PIC puts on the bus.
export function pic_acknowledge(): i32 {
  return pic_inta();
}
