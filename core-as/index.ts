// The core's exported API (DESIGN.md principle 3). The host loads this module with an imported
// memory and table, calls init(), loads a ROM into ROM..ROM+size, then calls run(budget)
// repeatedly and acts on the exit reason. All state is in linear memory at the addresses in
// state.ts, which the host imports too.
import { EIP, MEM_SIZE, ROM_SIZE, CONFIG_FLAGS, PORT92, DEBUG_HEAD, DEBUG_TAIL, EXIT_REASON, ICOUNT, EXIT_PORT, PORT_MAP } from "./state";
import { PORT_DEV_EXIT } from "./bus/portwatch";
import { cpu_reset, run as cpu_run, step as cpu_step } from "./cpu/cpu";
import { port_claim, io_read8, io_read16, io_read32, io_write8, io_write16, io_write32 } from "./bus/ports";
import { PORT_DEV_SYS } from "./bus/sysports";
import { clock_init, clock_sync, clock_now, clock_skip_to, event_schedule, event_cancel, test_events_fired } from "./time";
import { decode } from "./cpu/decode";
import { FAULTED, clear_fault } from "./cpu/fault";
import { update_mode, seg_update_checks, set_cpl } from "./cpu/segments";
import { tlb_flush_all, update_tlb_masks } from "./cpu/tlb";
import { reset_fetch_window } from "./cpu/fetch_window";
import { get_eflags } from "./cpu/flags";
import { debug_update } from "./cpu/debug";
import { set_intr, irq_set, pic_acknowledge } from "./bus/irq";
import { devices_init } from "../devices/index";
import { SIGNAL, request_exit_check, clear_signal } from "./cpu/signal";
import { TLB, TLB_LIST_LEN } from "./state";
import { clock_restored } from "./time";
import { vbe_restored } from "../devices/vbe";
import { vga_invalidate } from "../devices/vga_render";
import { kbc_host_input } from "../devices/kbc";
import { dma_request, dma_write_to_memory, dma_read_from_memory, dma_terminal_count, DMA_TEST_BUF } from "../devices/dma";
import { rtc_set_time, rtc_irq_level } from "../devices/rtc";
import { uart_host_input, uart_irq_level } from "../devices/uart";
import { fdc_insert, fdc_eject, fdc_image_size, fdc_irq_level } from "../devices/fdc";
import { ide_irq_level } from "../devices/ide";
// The host attached a drive at IDE position 0..3 (DISK_INFO written): the device's power-on
// state and the CMOS disk bytes (devices/ide.ts).
export { ide_attach } from "../devices/ide_pci";
export { cmos_set, cmos_get, cmos_update_checksum, nmi_masked } from "../devices/rtc";
// The display: vga_render() brings FRAMEBUFFER (RGBA), VGA_TEXT (text cells) and the screen
// description at DEV_VGA + 0x700 up to date, redrawing what changed (devices/vga_render.ts); the
// host reads them after the call. vga_invalidate() makes the next call redraw everything.
export { vga_render, vga_invalidate } from "../devices/vga_render";
import { vbe_set_vram } from "../devices/vbe";
import { pci_vga_vram_resized } from "../devices/pci";
// VRAM size in MiB (a power of two, 4..64; the default is 16), before the guest runs. Returns
// 0 for a size that is not allowed.
export function vga_set_vram(mib: u32): u32 {
  if (!vbe_set_vram(mib)) return 0;
  pci_vga_vram_resized();
  return 1;
}
// Program a standard BIOS video mode through the VGA ports (devices/vga_mode.ts): for a BIOS
// and for hosts running without one. Returns 0 for a mode without a table.
export { vga_set_mode } from "../devices/vga_mode";


// AssemblyScript calls this on an internal assertion (debug build only; the release build has
// --noAssert). The host turns it into a diagnostic dump.
@external("env", "core_abort")
declare function core_abort(msg: usize, file: usize, line: u32, col: u32): void;
export function abort_handler(msg: usize, file: usize, line: u32, col: u32): void {
  core_abort(msg, file, line, col);
  unreachable();
}

// Set up a machine with mem_size bytes of RAM and a rom_size-byte ROM (already copied to ROM).
// The RTC starts at rtc_start_seconds since 1970-01-01 00:00:00 and runs with virtual time.
export function init(mem_size: u32, rom_size: u32, flags: u32, ns_per_insn_fp: u32, deterministic: bool, rtc_start_seconds: f64): void {
  store<u32>(MEM_SIZE, mem_size);
  store<u32>(ROM_SIZE, rom_size);
  store<u32>(CONFIG_FLAGS, flags);
  store<u32>(PORT92, 2);
  store<u32>(DEBUG_HEAD, 0);
  store<u32>(DEBUG_TAIL, 0);
  store<u64>(ICOUNT, 0);
  store<u32>(EXIT_PORT, 0xffffffff);
  port_claim(0x80, 1, PORT_DEV_SYS);
  port_claim(0x92, 1, PORT_DEV_SYS);
  port_claim(0xe9, 1, PORT_DEV_SYS);
  port_claim(0xf0, 1, PORT_DEV_SYS); // FPU error latch (bus/sysports.ts)
  clock_init(ns_per_insn_fp, deterministic);
  devices_init();
  rtc_set_time(rtc_start_seconds);
  cpu_reset();
}

export function run(budget: i32): i32 {
  store<u32>(EXIT_REASON, 0);
  return cpu_run(budget);
}

export function reset(): void { cpu_reset(); }

export function sync_clock(wall_ns: u64): void { clock_sync(wall_ns); }
export function now_ns(): u64 { return clock_now(); }
export function idle_until(t: u64): void { clock_skip_to(t); }

// After the host writes registers, segment caches or control registers directly into the
// state block (tests, snapshot restore), everything derived from them is rebuilt here.
export function state_changed(): void {
  jit_flush_all(); // memory may have changed under compiled code too
  for (let s = 0; s < 8; s++) seg_update_checks(s);
  update_mode();
  update_tlb_masks();
  tlb_flush_all(true);
  reset_fetch_window();
  debug_update(); // re-arm DR7 breakpoints from the restored debug registers
}

// Snapshots (host/snapshot.ts, docs/snapshots.md). Between run() calls the machine's state is
// the listed regions of linear memory plus one Wasm global: SIGNAL, the run loop's "look before
// the next instruction" bit (a snapshot taken just after a device raised an interrupt line must
// look at it at the same instruction after a restore). Everything else outside memory is a
// per-instruction transient or derived, and restored() derives it again after the host wrote
// the saved regions: the TLB (cleared whole: the list of filled pages belonged to the machine
// before), compiled code, the segment checks and mode bits, the fetch window, the next device
// deadline, the VRAM write list, and a full redraw of the display.
export function signal_pending(): u32 { return SIGNAL != 0 ? 1 : 0; }
export function restored(signal: u32): void {
  memory.fill(TLB, 0, 0x400000);
  store<u32>(TLB_LIST_LEN, 0);
  vbe_restored();
  state_changed();
  clock_restored();
  vga_invalidate();
  if (signal != 0) request_exit_check();
  else clear_signal();
}

export function set_cpl_from_state(c: u32): void { set_cpl(c); }

// Materialize the lazy flags and return EFLAGS (for dumps and tests).
export function eflags(): u32 { return get_eflags(); }

// Execute exactly one instruction (tests); returns 1 on a triple fault.
export function step(): i32 { return cpu_step() ? 1 : 0; }

// Decode the instruction at CS:eip without executing it; returns its length, or 0 if decoding
// faulted (the decoder-length test compares this with iced-x86).
export function decode_length(eip: u32): u32 {
  const saved = load<u32>(EIP);
  const ok = decode(eip);
  const len = load<u32>(EIP) - eip;
  store<u32>(EIP, saved);
  if (FAULTED) { clear_fault(); return 0; }
  return ok ? len : 0;
}

export function intr(level: bool): void { set_intr(level); }

// Port access from the host, exactly as a guest IN/OUT reaches the devices (device tests).
export function port_in(port: u32, size: i32): u32 {
  if (size == 1) return io_read8(port);
  if (size == 2) return io_read16(port);
  return io_read32(port);
}
export function port_out(port: u32, size: i32, v: u32): void {
  if (size == 1) io_write8(port, v);
  else if (size == 2) io_write16(port, v);
  else io_write32(port, v);
}

// Event queue access for the core's tests
export function test_event_schedule(at: u64): void { event_schedule(15, at); }
export function test_event_cancel(): void { event_cancel(15); }
export function test_event_count(): u32 { return test_events_fired; }

// Interrupt lines for the PIC's tests: drive IRQ line 0-15 as a device would, and run one
// interrupt acknowledge cycle as the CPU does (returns the vector).
export function test_irq(line: i32, level: bool): void { irq_set(line, level); }
export function test_inta(): i32 { return pic_acknowledge(); }

// The host added bytes to COM n+1's input queue (QUEUE_SERIAL_IN + n * 0x1000).
export function serial_input(n: u32): void { uart_host_input(n); }

// Test hook: the level the RTC (line 8) or the UARTs (lines 3, 4) drive on an IRQ line.
export function test_irq_level(line: i32): u32 {
  if (line == 8) return rtc_irq_level() ? 1 : 0;
  if (line == 6) return fdc_irq_level() ? 1 : 0;
  if (line == 14 || line == 15) return ide_irq_level(<u32>(line - 14)) ? 1 : 0;
  return uart_irq_level(line) ? 1 : 0;
}

// The host added bytes to QUEUE_KEYS (scancode set 2) or records to QUEUE_MOUSE.
export function input_ready(): void { kbc_host_input(); }

// Test hooks for the DMA device API: a 256-byte buffer in linear memory, the DREQ line, and
// the two transfer directions a device uses (returns bytes moved; bit 16 set at terminal count).
export function test_dma_buffer(): usize { return DMA_TEST_BUF; }
export function test_dma_request(ch: u32, on: bool): void { dma_request(ch, on); }
export function test_dma_to_memory(ch: u32, len: i32): i32 {
  const n = dma_write_to_memory(ch, DMA_TEST_BUF, len < 256 ? len : 256);
  return n | (dma_terminal_count(ch) ? 0x10000 : 0);
}
export function test_dma_from_memory(ch: u32, len: i32): i32 {
  const n = dma_read_from_memory(ch, DMA_TEST_BUF, len < 256 ? len : 256);
  return n | (dma_terminal_count(ch) ? 0x10000 : 0);
}

// Floppy drives A: (0) and B: (1): the host copies the image to FLOPPY + drive * FLOPPY_MAX and
// calls floppy_insert; returns 0, -1 for a bad drive number, -2 for an image size that is not a
// known floppy format. The (possibly written) image stays there; floppy_size gives its length.
export function floppy_insert(drive: u32, size_bytes: u32, write_protected: bool): i32 { return fdc_insert(drive, size_bytes, write_protected); }
export function floppy_eject(drive: u32): void { fdc_eject(drive); }
export function floppy_size(drive: u32): u32 { return fdc_image_size(drive); }

// The JIT (core-as/jit/, host/jit.ts): configuration, module installation, and the helpers
// compiled code imports.
export { jit_configure, jit_installed, jit_flush, jit_prepare_step, jit_insn, jit_cond, jit_cf } from "./jit/jit";
import { jit_flush_all } from "./jit/cache";

// The host served the posted disk request (state.ts DISK_REQ_*, bus/disk.ts) and wrote its status.
export { disk_done } from "./bus/disk";

// Put the exit port (QEMU's isa-debug-exit, bus/portwatch.ts) at `port`. Returns 0, or the id
// of the device that already has the port (bus/ports.ts PORT_DEV_*), which keeps it.
export function exit_port_set(port: u32): u32 {
  port &= 0xffff;
  const id = <u32>load<u8>(PORT_MAP + port);
  if (id != 0 && id != <u32>PORT_DEV_EXIT) return id;
  port_claim(port, 1, PORT_DEV_EXIT);
  store<u32>(EXIT_PORT, port);
  return 0;
}
