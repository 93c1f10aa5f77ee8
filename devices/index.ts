// The PC devices, compiled into the core module (DESIGN.md principle 2). devices_init() is
// called once by init() after the bus is set up: each device clears its state block (state.ts
// DEV_*), claims its ports (bus/ports.ts) and MMIO ranges, and schedules its first events.
// Port and MMIO accesses reach a device through the switch statements in bus/ports.ts and
// bus/mmio.ts, timer events through fire() in time.ts, and interrupts go out through
// irq_set() in bus/irq.ts: a device never sees the CPU.
export function devices_init(): void {
  // devices add their init calls here
}
