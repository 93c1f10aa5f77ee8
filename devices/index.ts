// The PC devices, compiled into the core module (DESIGN.md principle 2). devices_init() is
// called once by init() after the bus is set up: each device clears its state block (state.ts
// DEV_*), claims its ports (bus/ports.ts) and MMIO ranges, and schedules its first events.
// Port and MMIO accesses reach a device through the switch statements in bus/ports.ts and
// bus/mmio.ts, timer events through fire() in time.ts, and interrupts go out through
// irq_set() in bus/irq.ts: a device never sees the CPU.
import { pic_init } from "./pic";
import { pit_init } from "./pit";
import { rtc_init } from "./rtc";
import { uart_init } from "./uart";
import { kbc_init } from "./kbc";
import { dma_init } from "./dma";
import { vga_init } from "./vga";
import { pci_init } from "./pci";
import { fdc_init } from "./fdc";
import { ide_init } from "./ide_pci";

export function devices_init(): void {
  pic_init(); // first: the others may drive IRQ lines from their init
  pit_init();
  kbc_init();
  dma_init();
  rtc_init();
  uart_init();
  fdc_init();
  vga_init();
  pci_init();
  ide_init(); // after pci_init: it adds the PCI function 00:01.1
  // devices add their init calls here
}
