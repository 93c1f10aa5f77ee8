// IN and OUT (SDM vol.2). In protected mode the access must pass the IOPL / I/O permission
// bitmap check (iopl.ts) before the port is touched.
import { set_reg, reg, R_EAX } from "../regs";
import { io_read8, io_read16, io_read32, io_write8, io_write16, io_write32 } from "../../bus/ports";
import { io_permitted } from "../iopl";

@inline export function port_read(size: i32, port: u32): u32 {
  if (size == 8) return io_read8(port);
  if (size == 16) return io_read16(port);
  return io_read32(port);
}

@inline export function port_write(size: i32, port: u32, v: u32): void {
  if (size == 8) io_write8(port, v);
  else if (size == 16) io_write16(port, v);
  else io_write32(port, v);
}

@inline export function in_(size: i32, port: u32): void {
  if (!io_permitted(port, size >> 3)) return;
  set_reg(size, R_EAX, port_read(size, port));
}

@inline export function out_(size: i32, port: u32): void {
  if (!io_permitted(port, size >> 3)) return;
  port_write(size, port, reg(size, R_EAX));
}
