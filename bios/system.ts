// INT 11h, 12h, 14h, 15h, 17h, 1Ah and the hardware interrupt handlers (IRQ 0, 8, defaults).
import { MEM_SIZE, ROM_SIZE, A20_MASK, BIOS_WAIT_UNTIL, BIOS_SCRATCH, SEG_SEL, BIOS_SERIAL_UNTIL } from "../core-as/state";
import { io_read8, io_write8 } from "../core-as/bus/ports";
import { set_a20 } from "../core-as/bus/sysports";
import { phys_read8, phys_write8 } from "../core-as/bus/memory";
import { clock_now } from "../core-as/time";
import { pci_bios } from "./pci";
import { set_flag, F_CF } from "../core-as/cpu/flags";
import { AL, AH, BL, BH, CL, CH, DL, DH, AX, BX, CX, DX, SI, DI, ES, r8, w8, r16, w16, r32, w32, m8, m32, s8, s32, seg_lin, bda8, bda16, bda32, set_bda8, set_bda16, set_bda32, ret_cf, ok_ah, fail_ah, bios_wait, set_sreg, sbase } from "./util";

export const EBDA_SEG: u32 = 0x9fc0;

function cmos_read(i: u32): u32 { io_write8(0x70, i); return io_read8(0x71); }
function cmos_write(i: u32, v: u32): void { io_write8(0x70, i); io_write8(0x71, v); }

function eoi(irq: u32): void {
  if (irq >= 8) io_write8(0xa0, 0x20);
  io_write8(0x20, 0x20);
}

// IRQ 0: the tick count (18.2 Hz), midnight, the diskette motor
export function irq0(): void {
  let t = bda32(0x6c) + 1;
  if (t >= 0x1800b0) { t = 0; set_bda8(0x70, 1); }
  set_bda32(0x6c, t);
  const motor = bda8(0x40);
  if (motor != 0) {
    set_bda8(0x40, motor - 1);
    if (motor == 1) {
      set_bda8(0x3f, bda8(0x3f) & 0xf0);
      io_write8(0x3f2, 0x0c); // all motors off, controller enabled, DMA on
    }
  }
}

// IRQ 8: the RTC periodic interrupt wakes INT 15h/86h and counts INT 15h/83h.
export function irq8(): void {
  const c = cmos_read(0x0c);
  if ((c & 0x40) != 0 && (bda8(0xa0) & 1) != 0) {
    const left = <i32>bda32(0x9c) - 976;
    if (left <= 0) {
      set_bda8(0xa0, 0);
      const lin = (bda16(0x9a) << 4) + bda16(0x98);
      s8(lin, m8(lin) | 0x80);
      set_bda32(0x9c, 0);
      if (load<u64>(BIOS_WAIT_UNTIL) == 0) cmos_write(0x0b, cmos_read(0x0b) & ~0x40);
    } else set_bda32(0x9c, <u32>left);
  }
  eoi(8);
}

// A hardware interrupt with no handler: acknowledge it (ignoring spurious IRQ 7 and 15, which
// have no in-service bit: 8259A datasheet) and mask lines that have no business interrupting.
export function irq_default(irq: u32): void {
  if (irq == 6) set_bda8(0x3e, bda8(0x3e) | 0x80); // diskette interrupt flag
  if (irq == 7 || irq == 15) {
    const port: u32 = irq == 7 ? 0x20 : 0xa0;
    io_write8(port, 0x0b);
    const isr = io_read8(port);
    if ((isr & 0x80) == 0) { if (irq == 15) io_write8(0x20, 0x20); return; }
  }
  eoi(irq);
}

export function int11(): void { w16(AX, bda16(0x10)); set_flag(F_CF, false); }
export function int12(): void { w16(AX, bda16(0x13)); set_flag(F_CF, false); }

// INT 14h's wait for the UART: true while the caller should halt and call again (the stub's
// STI/HLT loop, so the UART's and the timer's interrupts run), false once the port's time-out
// (BDA 40:7C + port, in seconds; 0 = do not wait) has passed.
function serial_wait(port: u32): bool {
  const now = clock_now();
  let until = load<u64>(BIOS_SERIAL_UNTIL);
  if (until == 0) {
    const secs = <u64>bda8(0x7c + port);
    if (secs == 0) return false;
    until = now + secs * 1_000_000_000;
    store<u64>(BIOS_SERIAL_UNTIL, until);
  }
  if (now < until) { bios_wait(); return true; }
  store<u64>(BIOS_SERIAL_UNTIL, 0);
  return false;
}

export function int14(): void {
  const port = r16(DX);
  const base = port < 4 ? bda16(port * 2) : 0;
  if (base == 0) { w8(AH, 0x80); return; }
  switch (r8(AH)) {
    case 0x00: {
      const al = r8(AL);
      const divs: StaticArray<u16> = [1047, 768, 384, 192, 96, 48, 24, 12];
      const d = <u32>divs[al >> 5];
      io_write8(base + 3, 0x80);
      io_write8(base, d & 0xff);
      io_write8(base + 1, d >> 8);
      io_write8(base + 3, al & 0x1f);
      w8(AH, io_read8(base + 5));
      w8(AL, io_read8(base + 6));
      return;
    }
    case 0x01: {
      // wait (with interrupts on) until the transmitter holding register is empty, at most the
      // port's time-out from BDA 40:7C (seconds here); then send, or report a time-out
      const lsr = io_read8(base + 5);
      if ((lsr & 0x20) == 0) {
        if (serial_wait(port)) return;
        w8(AH, lsr | 0x80);
        return;
      }
      store<u64>(BIOS_SERIAL_UNTIL, 0);
      io_write8(base, r8(AL));
      w8(AH, io_read8(base + 5));
      return;
    }
    case 0x02: {
      // wait for a received character the same way (IBM PC/AT technical reference, INT 14h)
      const lsr = io_read8(base + 5);
      if ((lsr & 1) == 0) {
        if (serial_wait(port)) return;
        w8(AH, (lsr & 0x1e) | 0x80);
        return;
      }
      store<u64>(BIOS_SERIAL_UNTIL, 0);
      w8(AL, io_read8(base));
      w8(AH, lsr & 0x1e);
      return;
    }
    case 0x03: w8(AH, io_read8(base + 5)); w8(AL, io_read8(base + 6)); return;
    default: return;
  }
}

export function int17(): void {
  // no parallel port: every function reports a time-out
  w8(AH, 0x01);
  set_flag(F_CF, false);
}

// The E820 map: [base, length, type] rows.
export function e820_entry(i: u32, out: usize): bool {
  const mem = load<u32>(MEM_SIZE);
  const rom = load<u32>(ROM_SIZE);
  const low_rom: u32 = rom < 0x20000 ? rom : 0x20000;
  let base: u64 = 0, len: u64 = 0, type: u32 = 0;
  if (i >= 3 && mem <= 0x100000) i++; // no extended memory: no empty row for it
  switch (i) {
    case 0: base = 0; len = EBDA_SEG << 4; type = 1; break;
    case 1: base = EBDA_SEG << 4; len = 0xa0000 - (EBDA_SEG << 4); type = 2; break;
    case 2: base = 0x100000 - low_rom; len = low_rom; type = 2; break;
    case 3: base = 0x100000; len = <u64>mem - 0x100000; type = 1; break;
    case 4: base = 0x100000000 - <u64>rom; len = <u64>rom; type = 2; break;
    default: return false;
  }
  store<u64>(out, base);
  store<u64>(out + 8, len);
  store<u32>(out + 16, type);
  return true;
}
export function e820_count(): u32 { return load<u32>(MEM_SIZE) > 0x100000 ? 5 : 4; }

// INT 15h/87h: copy CX words between the 24-bit (here 32-bit) linear addresses in the GDT at
// ES:SI (descriptor 2 source, 3 destination), with the A20 gate open during the copy.
function block_move(): void {
  const g = seg_lin(ES, r16(SI));
  const cx = r16(CX);
  if (cx > 0x8000) { fail_ah(0x01); return; }
  const src = (m32(g + 0x12) & 0xffffff) | (m8(g + 0x17) << 24);
  const dst = (m32(g + 0x1a) & 0xffffff) | (m8(g + 0x1f) << 24);
  const saved = load<u32>(A20_MASK);
  store<u32>(A20_MASK, 0xffffffff);
  const n = cx * 2;
  for (let i: u32 = 0; i < n; i++) phys_write8(dst + i, phys_read8(src + i));
  store<u32>(A20_MASK, saved);
  ok_ah();
}

export function int15(): void {
  set_flag(F_CF, false);
  const ah = r8(AH);
  const mem = load<u32>(MEM_SIZE);
  switch (ah) {
    case 0x4f: return; // keyboard intercept: the key goes through (CF stays as the caller set it)
    case 0x24: {
      const al = r8(AL);
      if (al == 0) { set_a20(false); ok_ah(); return; }
      if (al == 1) { set_a20(true); ok_ah(); return; }
      if (al == 2) { w8(AL, load<u32>(A20_MASK) == 0xffffffff ? 1 : 0); ok_ah(); return; }
      if (al == 3) { w16(BX, 3); ok_ah(); return; } // 8042 and port 92h
      fail_ah(0x86);
      return;
    }
    case 0x83: { // event wait: set a flag byte after CX:DX microseconds (RTC periodic interrupt)
      if (r8(AL) == 1) { set_bda8(0xa0, 0); ok_ah(); return; }
      if (bda8(0xa0) & 1) { fail_ah(0x80); return; }
      set_bda16(0x98, r16(BX));
      set_bda16(0x9a, load<u32>(SEG_SEL) & 0xffff); // ES selector
      set_bda32(0x9c, (r16(CX) << 16) | r16(DX));
      set_bda8(0xa0, 1);
      cmos_write(0x0b, cmos_read(0x0b) | 0x40);
      ret_cf(false);
      return;
    }
    case 0x86: { // wait CX:DX microseconds
      const now = clock_now();
      let until = load<u64>(BIOS_WAIT_UNTIL);
      if (until == 0) {
        const us = (<u64>r16(CX) << 16) | <u64>r16(DX);
        until = now + us * 1000;
        if (until == 0) until = 1;
        store<u64>(BIOS_WAIT_UNTIL, until);
        cmos_write(0x0b, cmos_read(0x0b) | 0x40); // periodic interrupts wake the HLT
      }
      if (now < until) { bios_wait(); return; }
      store<u64>(BIOS_WAIT_UNTIL, 0);
      if ((bda8(0xa0) & 1) == 0) cmos_write(0x0b, cmos_read(0x0b) & ~0x40);
      ok_ah();
      return;
    }
    case 0x87: block_move(); return;
    case 0x88: {
      const kb = (mem - 0x100000) >> 10;
      w16(AX, kb > 0xffff ? 0xffff : kb);
      ret_cf(false);
      return;
    }
    case 0x90: case 0x91: w8(AH, 0); ret_cf(false); return;
    case 0xc0: set_sreg(ES, 0xf000); w16(BX, 0xe6f5); ok_ah(); return;
    case 0xc1: set_sreg(ES, EBDA_SEG); ret_cf(false); return;
    case 0xe8: {
      const al = r8(AL);
      if (al == 0x01) {
        const ext = (mem - 0x100000) >> 10;
        const low: u32 = ext > 0x3c00 ? 0x3c00 : ext;
        const high: u32 = mem > 0x1000000 ? (mem - 0x1000000) >> 16 : 0;
        w16(AX, low); w16(CX, low); w16(BX, high); w16(DX, high);
        ret_cf(false);
        return;
      }
      if (al == 0x20 && r32(DX) == 0x534d4150) {
        const i = r32(BX);
        if (r32(CX) < 20 || !e820_entry(i, BIOS_SCRATCH)) { fail_ah(0x86); return; }
        const out = seg_lin(ES, r16(DI));
        s32(out, load<u32>(BIOS_SCRATCH)); s32(out + 4, load<u32>(BIOS_SCRATCH + 4));
        s32(out + 8, load<u32>(BIOS_SCRATCH + 8)); s32(out + 12, load<u32>(BIOS_SCRATCH + 12));
        s32(out + 16, load<u32>(BIOS_SCRATCH + 16));
        w32(AX, 0x534d4150);
        w32(CX, 20);
        w32(BX, i + 1 < e820_count() ? i + 1 : 0);
        ret_cf(false);
        return;
      }
      fail_ah(0x86);
      return;
    }
    default: fail_ah(0x86); return;
  }
}

export function int1a(): void {
  set_flag(F_CF, false);
  switch (r8(AH)) {
    case 0xb1: pci_bios(); return;
    case 0x00: {
      const t = bda32(0x6c);
      w16(CX, t >> 16); w16(DX, t & 0xffff);
      w8(AL, bda8(0x70));
      set_bda8(0x70, 0);
      return;
    }
    case 0x01: set_bda32(0x6c, (r16(CX) << 16) | r16(DX)); set_bda8(0x70, 0); return;
    case 0x02:
      w8(CH, cmos_read(4)); w8(CL, cmos_read(2)); w8(DH, cmos_read(0));
      w8(DL, cmos_read(0x0b) & 1);
      ret_cf(false);
      return;
    case 0x03: {
      const b = cmos_read(0x0b);
      cmos_write(0x0b, b | 0x80);
      cmos_write(4, r8(CH)); cmos_write(2, r8(CL)); cmos_write(0, r8(DH));
      cmos_write(0x0b, (b & ~0x81) | (r8(DL) & 1));
      ret_cf(false);
      return;
    }
    case 0x04:
      w8(CH, cmos_read(0x32)); w8(CL, cmos_read(9)); w8(DH, cmos_read(8)); w8(DL, cmos_read(7));
      ret_cf(false);
      return;
    case 0x05: {
      const b = cmos_read(0x0b);
      cmos_write(0x0b, b | 0x80);
      cmos_write(0x32, r8(CH)); cmos_write(9, r8(CL)); cmos_write(8, r8(DH)); cmos_write(7, r8(DL));
      cmos_write(0x0b, b & ~0x80);
      ret_cf(false);
      return;
    }
    case 0x06: {
      const b = cmos_read(0x0b);
      if (b & 0x20) { ret_cf(true); return; } // alarm already set
      cmos_write(5, r8(CH)); cmos_write(3, r8(CL)); cmos_write(1, r8(DH));
      cmos_write(0x0b, b | 0x20);
      ret_cf(false);
      return;
    }
    case 0x07: cmos_write(0x0b, cmos_read(0x0b) & ~0x20); ret_cf(false); return;
    default: ret_cf(true); return;
  }
}
