// The I/O port table: PORT_MAP holds a device id per port (64 Ki x u8); accesses are
// dispatched by id. Unassigned ports read as all ones and ignore writes, as on an ISA bus with
// nothing driving it. 16- and 32-bit accesses to byte-wide devices become byte accesses at
// consecutive ports, which is what the ISA bus does for a wide access to an 8-bit device.
import { PORT_MAP } from "../state";
import { sysport_read8, sysport_write8, PORT_DEV_SYS } from "./sysports";

export const PORT_DEV_NONE: u8 = 0;

export function port_claim(port: u32, count: u32, id: u8): void {
  for (let i: u32 = 0; i < count; i++) store<u8>(PORT_MAP + ((port + i) & 0xffff), id);
}

export function io_read8(port: u32): u32 {
  port &= 0xffff;
  switch (load<u8>(PORT_MAP + port)) {
    case PORT_DEV_SYS: return sysport_read8(port);
    default: return 0xff;
  }
}

export function io_write8(port: u32, v: u32): void {
  port &= 0xffff;
  v &= 0xff;
  switch (load<u8>(PORT_MAP + port)) {
    case PORT_DEV_SYS: sysport_write8(port, v); return;
    default: return;
  }
}

export function io_read16(port: u32): u32 {
  return io_read8(port) | (io_read8(port + 1) << 8);
}

export function io_write16(port: u32, v: u32): void {
  io_write8(port, v & 0xff);
  io_write8(port + 1, (v >>> 8) & 0xff);
}

export function io_read32(port: u32): u32 {
  return io_read16(port) | (io_read16(port + 2) << 16);
}

export function io_write32(port: u32, v: u32): void {
  io_write16(port, v & 0xffff);
  io_write16(port + 2, v >>> 16);
}
