// The few ports a bare machine has before any PC device exists:
//   0x80  POST code latch (write: remembered, reported by --stats; read: last value)
//   0x92  system control port A (PS/2): bit 1 = A20 gate, bit 0 = fast CPU reset (write 1)
//   0xE9  debug console (Bochs/QEMU convention): bytes go to DEBUG_RING; reads give 0xE9
//   0xF0  coprocessor error latch (write): clears IRQ 13 and lets the CPU ignore a pending FPU
//         error (IGNNE#) until it is cleared, the PC's FERR# logic (cpu/ops/x87.ts)
import { fpu_port_f0 } from "../cpu/ops/x87";
import { POST_CODE, PORT92, A20_MASK, RESET_REQ, DEBUG_RING, DEBUG_RING_SIZE, DEBUG_HEAD } from "../state";
import { tlb_flush_all } from "../cpu/tlb";
import { request_exit_check } from "../cpu/signal";

export const PORT_DEV_SYS: u8 = 1;

export function set_a20(on: bool): void {
  const mask: u32 = on ? 0xffffffff : 0xffefffff;
  if (load<u32>(A20_MASK) != mask) {
    store<u32>(A20_MASK, mask);
    tlb_flush_all(true); // translations cache the physical page, which A20 changes
  }
}

export function sysport_read8(port: u32): u32 {
  if (port == 0x80) return load<u32>(POST_CODE);
  if (port == 0x92) return load<u32>(PORT92) & 0xfe; // the reset bit reads back as 0
  if (port == 0xe9) return 0xe9;
  return 0xff;
}

export function sysport_write8(port: u32, v: u32): void {
  if (port == 0x80) { store<u32>(POST_CODE, v); return; }
  if (port == 0x92) {
    store<u32>(PORT92, v & 0xfe);
    set_a20((v & 2) != 0);
    if (v & 1) { store<u32>(RESET_REQ, 1); request_exit_check(); }
    return;
  }
  if (port == 0xf0) { fpu_port_f0(); return; }
  if (port == 0xe9) {
    const head = load<u32>(DEBUG_HEAD);
    store<u8>(DEBUG_RING + (head % DEBUG_RING_SIZE), v);
    store<u32>(DEBUG_HEAD, head + 1);
    request_exit_check();
    return;
  }
}
