// The CPU's one maskable interrupt line (INTR) and NMI. A device raises and lowers INTR
// through the interrupt controller; the CPU acknowledges with pic_acknowledge(), which returns
// the vector (or -1 when the request went away: a spurious interrupt is the PIC's business).
// Until the 8259A pair exists (the platform issue) nothing drives the line.
import { INTR, NMI } from "../state";
import { request_exit_check } from "../cpu/signal";

// A device's interrupt request line: level true = asserted. Routed to the interrupt
// controller (the 8259A pair, devices/pic.ts, when it exists).
export function irq_set(line: i32, level: bool): void {
  // the PIC adds its input here
}

export function set_intr(level: bool): void {
  store<u32>(INTR, level ? 1 : 0);
  if (level) request_exit_check();
}

export function raise_nmi(): void {
  store<u32>(NMI, 1);
  request_exit_check();
}

// Interrupt acknowledge cycle. With no interrupt controller on the bus, nobody answers and the
// line is released.
export function pic_acknowledge(): i32 {
  store<u32>(INTR, 0);
  return -1;
}
