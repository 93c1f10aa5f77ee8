// Disk data for the BIOS services (INT 13h, the bootstrap). The images live on the host, so a
// BIOS service cannot read them directly: it posts a request in the disk slot
// (core-as/bus/disk.ts) and makes its own BIOS-call instruction run again (EIP back to the
// instruction). The run loop exits, the host serves the request, and when the instruction runs
// again the service starts over from the top and finds the data. BIOS_IO (state.ts) records
// how many transfers of the call are finished, so the ones before are skipped; every service
// must therefore make the same transfers in the same order each time it runs, keep the data of
// a finished transfer where a later run can read it again (never overwrite it with a later
// transfer), and write the caller's registers only once it no longer returns IO_PENDING.
//
// The BIOS runs with interrupts off (INT clears IF), so no other BIOS call can start between
// two runs of one call.
import { BIOS_IO, EIP, INSN_EIP, DISK_BUF, DISK_BUF_SIZE, DISK_REQ_LEN, DISK_OWNER_BIOS, DISK_OK, DISK_READ, DISK_WRITE } from "../core-as/state";
import { disk_post, disk_release, disk_req_state, disk_req_owner, disk_req_status, REQ_DONE } from "../core-as/bus/disk";
import { FAULTED } from "../core-as/cpu/fault";
import { m8, s8 } from "./util";

export const IO_PENDING: u32 = 0xffffffff;

// transfers started so far in this run of the service
let step: u32 = 0;

// Called by the dispatcher before each service run.
export function io_begin(): void { step = 0; }

// Called by the dispatcher after a run that did not ask to run again: the call is over.
export function io_end(): void {
  // a call that gave up (an error, a bad boot record) may leave a served request unread
  if (disk_req_state() == REQ_DONE && disk_req_owner() == <u32>DISK_OWNER_BIOS) disk_release();
  store<u32>(BIOS_IO, 0);
  store<u32>(BIOS_IO + 4, 0);
}

// Whether the last run asked to run again.
export function io_again(): bool { return load<u32>(EIP) == load<u32>(INSN_EIP); }

// Move len bytes between byte offset of IDE drive (0..3) and guest memory at linear address
// lin. Returns DISK_OK or a DISK_ERR_* code when the transfer is over, IO_PENDING while the
// host has yet to serve it (the caller must return at once).
export function io_transfer(drive: u32, write: bool, offset: u64, len: u32, lin: u32): u32 {
  const me = step++;
  if (me < load<u32>(BIOS_IO)) return DISK_OK; // finished in an earlier run of this call
  let progress = load<u32>(BIOS_IO + 4);
  if (disk_req_state() == REQ_DONE && disk_req_owner() == <u32>DISK_OWNER_BIOS) {
    const status = disk_req_status();
    const n = load<u32>(DISK_REQ_LEN);
    if (status == <u32>DISK_OK && !write) {
      for (let i: u32 = 0; i < n; i++) {
        s8(lin + progress + i, load<u8>(DISK_BUF + i));
        if (FAULTED) break; // a page fault in V86 mode: delivered, the INT restarts later
      }
    }
    disk_release();
    if (FAULTED) return IO_PENDING;
    if (status != <u32>DISK_OK) return status;
    progress += n;
    if (progress >= len) {
      store<u32>(BIOS_IO, me + 1);
      store<u32>(BIOS_IO + 4, 0);
      return DISK_OK;
    }
    store<u32>(BIOS_IO + 4, progress);
  }
  const left = len - progress;
  const chunk: u32 = left < <u32>DISK_BUF_SIZE ? left : <u32>DISK_BUF_SIZE;
  if (write) {
    for (let i: u32 = 0; i < chunk; i++) {
      store<u8>(DISK_BUF + i, <u8>m8(lin + progress + i));
      if (FAULTED) return IO_PENDING;
    }
  }
  disk_post(DISK_OWNER_BIOS, drive, write ? DISK_WRITE : DISK_READ, offset + <u64>progress, chunk);
  store<u32>(EIP, load<u32>(INSN_EIP)); // run this BIOS call again once the host has served it
  return IO_PENDING;
}
