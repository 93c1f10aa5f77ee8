// The one disk request slot (state.ts DISK_REQ_*): devices and BIOS services ask the host for
// bytes of a disk image here and never call the host themselves (DESIGN.md principle 2). A
// request is posted during an instruction; the run loop then exits with EXIT_DISK, the host
// serves it through its block device (synchronously in Node, possibly after an await in the
// browser) and calls disk_done(), which hands the result to whoever posted it.
import {
  DISK_REQ_STATE, DISK_REQ_OWNER, DISK_REQ_DRIVE, DISK_REQ_OP, DISK_REQ_OFFSET, DISK_REQ_LEN,
  DISK_REQ_STATUS, DISK_BUF_SIZE, DISK_INFO, DISK_DRIVES, DISK_OWNER_IDE0, DISK_OWNER_IDE1,
} from "../state";
import { request_exit_check } from "../cpu/signal";
import { ide_disk_done } from "../../devices/ide";

export const REQ_IDLE: u32 = 0;
export const REQ_POSTED: u32 = 1;
export const REQ_DONE: u32 = 2;

@inline export function disk_req_state(): u32 { return load<u32>(DISK_REQ_STATE); }
@inline export function disk_req_owner(): u32 { return load<u32>(DISK_REQ_OWNER); }
@inline export function disk_req_status(): u32 { return load<u32>(DISK_REQ_STATUS); }

// Post a request for len bytes (1 .. DISK_BUF_SIZE) at byte offset of drive. Returns false if
// the slot is busy or the request is malformed (a caller's bug, not the guest's: devices
// check the guest's LBA and count against DISK_INFO before they get here).
export function disk_post(owner: u32, drive: u32, op: u32, offset: u64, len: u32): bool {
  if (load<u32>(DISK_REQ_STATE) != REQ_IDLE) return false;
  if (drive >= <u32>DISK_DRIVES || len == 0 || len > <u32>DISK_BUF_SIZE) return false;
  store<u32>(DISK_REQ_OWNER, owner);
  store<u32>(DISK_REQ_DRIVE, drive);
  store<u32>(DISK_REQ_OP, op);
  store<u64>(DISK_REQ_OFFSET, offset);
  store<u32>(DISK_REQ_LEN, len);
  store<u32>(DISK_REQ_STATUS, 0);
  store<u32>(DISK_REQ_STATE, REQ_POSTED);
  request_exit_check();
  return true;
}

// The owner has taken the result: the slot is free again.
export function disk_release(): void {
  store<u32>(DISK_REQ_STATE, REQ_IDLE);
}

// Called by the host (index.ts export) after it served the posted request and wrote
// DISK_REQ_STATUS. A BIOS service finds the result when its instruction re-executes; a device
// is told now.
export function disk_done(): void {
  if (load<u32>(DISK_REQ_STATE) != REQ_POSTED) return;
  store<u32>(DISK_REQ_STATE, REQ_DONE);
  const owner = load<u32>(DISK_REQ_OWNER);
  if (owner == DISK_OWNER_IDE0 || owner == DISK_OWNER_IDE1) ide_disk_done(owner - DISK_OWNER_IDE0);
}

// The attached drives (written by the host)
@inline export function disk_size(drive: u32): u64 { return drive < <u32>DISK_DRIVES ? load<u64>(DISK_INFO + drive * 16) : 0; }
@inline export function disk_kind(drive: u32): u32 { return drive < <u32>DISK_DRIVES ? load<u32>(DISK_INFO + drive * 16 + 8) : 0; }
@inline export function disk_flags(drive: u32): u32 { return drive < <u32>DISK_DRIVES ? load<u32>(DISK_INFO + drive * 16 + 12) : 0; }
export function disk_set_flags(drive: u32, flags: u32): void {
  if (drive < <u32>DISK_DRIVES) store<u32>(DISK_INFO + drive * 16 + 12, flags);
}
