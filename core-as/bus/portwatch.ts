// Ports the host listens to, without the core calling the host (DESIGN.md principle 2):
//
// - Port traces (--trace-port): a bit per port in PORT_WATCH; every write to a watched port is
//   appended to PORT_TRACE_RING (u32 value, u16 port, u8 size, u8 0) before the port's own
//   device sees it, so a port keeps working while it is traced (0x80 still latches the POST
//   code). Byte-wide devices see a word or dword write as bytes at consecutive ports, so those
//   are recorded as bytes; the devices that take wide writes whole (PCI configuration, IDE data,
//   Bochs VBE, the exit port) are recorded with the access size. When the ring is half full the
//   run loop exits with EXIT_DEBUG_FULL for the host to drain it; if the host never drains, the
//   oldest records are overwritten.
// - The exit port (--exit-port), QEMU's isa-debug-exit: a write of value V stores V and makes
//   run() return EXIT_GUEST_EXIT; the host ends with status (V << 1) | 1. Reads give 0xFF (open
//   bus), as QEMU's device does. Its own device id in PORT_MAP, so the port table dispatches it
//   like any device; word and dword writes at the port are one write of the whole value.
import { PORT_WATCH, PORT_TRACE_RING, PORT_TRACE_SIZE, PORT_TRACE_HEAD, PORT_TRACE_TAIL, GUEST_EXIT_REQ, GUEST_EXIT_VALUE } from "../state";
import { request_exit_check } from "../cpu/signal";

export const PORT_DEV_EXIT: u8 = 12;

@inline export function port_watched(port: u32): bool {
  return (<u32>load<u8>(PORT_WATCH + (port >> 3)) & (<u32>1 << (port & 7))) != 0;
}

export function port_record(port: u32, size: u32, v: u32): void {
  const head = load<u32>(PORT_TRACE_HEAD);
  const at = PORT_TRACE_RING + (head & (PORT_TRACE_SIZE - 1)) * 8;
  store<u32>(at, v);
  store<u16>(at + 4, <u16>port);
  store<u8>(at + 6, <u8>size);
  store<u8>(at + 7, 0);
  store<u32>(PORT_TRACE_HEAD, head + 1);
  if (head + 1 - load<u32>(PORT_TRACE_TAIL) >= <u32>(PORT_TRACE_SIZE / 2)) request_exit_check();
}

export function exit_port_write(v: u32): void {
  store<u32>(GUEST_EXIT_VALUE, v);
  store<u32>(GUEST_EXIT_REQ, 1);
  request_exit_check();
}
