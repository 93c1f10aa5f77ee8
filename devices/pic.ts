// Two Intel 8259A programmable interrupt controllers (8259A datasheet, order 231468), wired as in
// the PC/AT: the master at 0x20/0x21 drives the CPU's INTR, the slave at 0xA0/0xA1 drives the
// master's IR2; plus the PIIX/ISA edge/level control registers (ELCR) at 0x4D0/0x4D1.
//
// State block DEV_PIC (0x100 bytes): one 0x20-byte block per chip, master at +0x00, slave at +0x20
//   +0x00  u8  IRR    interrupt request register
//   +0x01  u8  ISR    in-service register
//   +0x02  u8  IMR    interrupt mask register (OCW1)
//   +0x03  u8  LINES  the level of each IR input as driven now (irq_set)
//   +0x04  u8  ICW1   as written (bit 0 IC4, bit 1 SNGL, bit 2 ADI, bit 3 LTIM, bits 5-7 A7-A5)
//   +0x05  u8  ICW2   as written (bits 3-7: vector base T7-T3 in 8086 mode)
//   +0x06  u8  ICW3   master: bit n = a slave on IRn; slave: bits 0-2 its ID
//   +0x07  u8  ICW4   bit 0 uPM (8086), bit 1 AEOI, bit 2 M/S, bit 3 BUF, bit 4 SFNM (0 when IC4=0)
//   +0x08  u8  INIT   0 ready, 1/2/3 expecting ICW2/ICW3/ICW4
//   +0x09  u8  LOWEST the IR level with the lowest priority (7 after ICW1; rotation moves it)
//   +0x0A  u8  RIS    1: port A0=0 reads the ISR, 0: the IRR (OCW3 RR/RIS)
//   +0x0B  u8  POLL   1: the next read is the poll word (OCW3 P)
//   +0x0C  u8  SMM    special mask mode (OCW3 ESMM/SMM)
//   +0x0D  u8  RAEOI  rotate in automatic EOI mode (OCW2 R=1 SL=0 EOI=0 sets, R=0 clears)
//   +0x0E  u8  LEVEL  derived: the level-triggered inputs (LTIM ? 0xFF : ELCR)
//   +0x0F  u8  ELCR   edge/level control register (1 = level) at 0x4D0 (master) / 0x4D1 (slave)
//
// Request model. An IRR bit is set when its input goes high (edge and level mode alike) and
// cleared when the input goes low again: the datasheet requires the request to stay high until
// the first INTA, and a request that went away before it is answered with the default IR7
// vector (a spurious interrupt, no ISR bit). INTA clears the IRR bit; in level mode an input
// that is still high sets it again at once, so it requests again after EOI, while in edge mode
// the input must go low and high again. ICW1 resets the edge sense latches (IRR = the inputs
// that are high and level-triggered). While a chip waits for ICW2-ICW4 it raises no request.
//
// Priority: the highest-priority unmasked IRR bit is accepted when it has higher priority than
// every ISR bit (fully nested mode); in special mask mode ISR bits masked in the IMR do not
// block, and in special fully nested mode the master does not let an in-service slave line block
// a new request from that same slave. Priority rotates (LOWEST); priority p of level i is
// (i - LOWEST - 1) & 7, 0 the highest. INT of each chip is this resolver's output, recomputed
// whenever something it depends on changes: the slave's INT is the master's IR2 input (edge
// triggered on a PC), the master's INT is the CPU's INTR.
//
// INTA (pic_acknowledge): the master sets the ISR bit of the accepted level (or, in AEOI mode,
// leaves it clear and rotates if "rotate in AEOI" is set). If the level has a slave (cascade mode,
// ICW3 bit) the slave whose ID matches the cascade address supplies the vector from its own
// resolver (its IR7 if its request went away: a spurious IRQ 15). The slave's INT drops during
// the INTA sequence, so a request it still has afterwards reaches the master's IR2 as a new edge.
// In MCS-80/85 mode (ICW4 uPM = 0, or IC4 = 0) the x86 reads the byte of the second INTA cycle,
// which the chip fills with the low byte of the CALL address (ICW1 A7-A5 and the level at the
// ADI interval); the third INTA cycle that mode expects never comes.
import { DEV_PIC, INTR } from "../core-as/state";
import { port_claim, PORT_DEV_PIC } from "../core-as/bus/ports";
import { set_intr } from "../core-as/bus/irq";

const MASTER: u32 = DEV_PIC;
const SLAVE: u32 = DEV_PIC + 0x20;

const IRR: u32 = 0x00;
const ISR: u32 = 0x01;
const IMR: u32 = 0x02;
const LINES: u32 = 0x03;
const ICW1: u32 = 0x04;
const ICW2: u32 = 0x05;
const ICW3: u32 = 0x06;
const ICW4: u32 = 0x07;
const INIT: u32 = 0x08;
const LOWEST: u32 = 0x09;
const RIS: u32 = 0x0a;
const POLL: u32 = 0x0b;
const SMM: u32 = 0x0c;
const RAEOI: u32 = 0x0d;
const LEVEL: u32 = 0x0e;
const ELCR: u32 = 0x0f;

@inline function rd(chip: u32, reg: u32): u32 { return <u32>load<u8>(chip + reg); }
@inline function wr(chip: u32, reg: u32, v: u32): void { store<u8>(chip + reg, <u8>v); }

function chip_reset(chip: u32, icw2: u32, icw3: u32): void {
  // The 8259A has no reset input; power-on leaves it as a PC BIOS programs it, all inputs masked:
  // edge triggered, cascade, 8086 mode, normal EOI.
  wr(chip, ICW1, 0x11);
  wr(chip, ICW2, icw2);
  wr(chip, ICW3, icw3);
  wr(chip, ICW4, 0x01);
  wr(chip, IMR, 0xff);
  wr(chip, LOWEST, 7);
}

export function pic_init(): void {
  memory.fill(DEV_PIC, 0, 0x100);
  chip_reset(MASTER, 0x08, 0x04);
  chip_reset(SLAVE, 0x70, 0x02);
  port_claim(0x20, 2, PORT_DEV_PIC);
  port_claim(0xa0, 2, PORT_DEV_PIC);
  port_claim(0x4d0, 2, PORT_DEV_PIC);
  store<u32>(INTR, 0);
}

// The level with the highest priority among the bits of mask (lowest = the lowest-priority level),
// or -1 when mask is empty.
@inline function highest(mask: u32, lowest: u32): i32 {
  const rot = (lowest + 1) & 7;
  const r = ((mask >> rot) | (mask << (8 - rot))) & 0xff;
  if (r == 0) return -1;
  return <i32>((ctz(r) + rot) & 7);
}

@inline function cascaded(chip: u32): bool { return (rd(chip, ICW1) & 2) == 0; }

// The priority resolver: the level this chip would have the CPU acknowledge now, or -1 (INT low).
function resolve(chip: u32): i32 {
  const imr = rd(chip, IMR);
  const req = rd(chip, IRR) & ~imr;
  if (req == 0 || rd(chip, INIT) != 0) return -1;
  const lowest = rd(chip, LOWEST);
  const irq = highest(req, lowest);
  let isr = rd(chip, ISR);
  if (isr == 0) return irq;
  if (rd(chip, SMM) != 0) isr &= ~imr;
  // special fully nested mode (master only): a slave's in-service level does not block it
  if (chip == MASTER && (rd(chip, ICW4) & 0x10) != 0 && cascaded(chip)) isr &= ~((<u32>1 << irq) & rd(chip, ICW3));
  const cur = highest(isr, lowest);
  if (cur < 0) return irq;
  const rot = (lowest + 1) & 7;
  return ((<u32>irq - rot) & 7) < ((<u32>cur - rot) & 7) ? irq : -1;
}

// Drive one IR input of a chip. Returns false when the level did not change.
@inline function input(chip: u32, bit: u32, level: bool): bool {
  const lines = rd(chip, LINES);
  if (level) {
    if (lines & bit) return false;
    wr(chip, LINES, lines | bit);
    wr(chip, IRR, rd(chip, IRR) | bit);
  } else {
    if ((lines & bit) == 0) return false;
    wr(chip, LINES, lines & ~bit);
    wr(chip, IRR, rd(chip, IRR) & ~bit);
  }
  return true;
}

// Propagate: slave INT -> master IR2, master INT -> CPU INTR.
function update(): void {
  input(MASTER, 4, resolve(SLAVE) >= 0);
  const m = resolve(MASTER) >= 0;
  if ((load<u32>(INTR) != 0) != m) set_intr(m);
}

// irq_set() lands here: line 0-7 the master's IR inputs, 8-15 the slave's. The master's IR2 is
// the slave's INT; the ISA bus pin called IRQ 2 is wired to IR1 of the slave (IRQ 9) on a PC/AT.
export function pic_irq_input(line: i32, level: bool): void {
  if (line == 2) line = 9;
  const chip = line < 8 ? MASTER : SLAVE;
  if (input(chip, <u32>1 << (<u32>line & 7), level)) update();
}

// An acknowledge (INTA, or a poll read): the ISR bit is set (AEOI: the non-specific EOI at the
// end of the sequence clears it again, which leaves it clear), the IRR bit cleared.
function ack(chip: u32, irq: i32): void {
  const bit = <u32>1 << irq;
  wr(chip, IRR, (rd(chip, IRR) & ~bit) | (rd(chip, LINES) & rd(chip, LEVEL) & bit));
  if (rd(chip, ICW4) & 2) {
    if (rd(chip, RAEOI)) wr(chip, LOWEST, irq);
  } else {
    wr(chip, ISR, rd(chip, ISR) | bit);
  }
}

function vector(chip: u32, irq: i32): i32 {
  if (rd(chip, ICW4) & 1) return <i32>(rd(chip, ICW2) & 0xf8) | irq;
  const icw1 = rd(chip, ICW1);
  return (icw1 & 4) != 0 ? <i32>(icw1 & 0xe0) | (irq << 2) : <i32>(icw1 & 0xc0) | (irq << 3);
}

export function pic_inta(): i32 {
  const irq = resolve(MASTER);
  let v: i32;
  if (irq < 0) {
    v = vector(MASTER, 7); // the request went away: default IR7, no ISR bit
  } else {
    ack(MASTER, irq);
    if (cascaded(MASTER) && (rd(MASTER, ICW3) & (<u32>1 << irq)) != 0) {
      if (cascaded(SLAVE) && <i32>(rd(SLAVE, ICW3) & 7) == irq) {
        const s = resolve(SLAVE);
        if (s < 0) v = vector(SLAVE, 7);
        else { ack(SLAVE, s); v = vector(SLAVE, s); }
      } else {
        v = 0xff; // no slave has this ID: nobody drives the data bus
      }
      input(MASTER, 4, false); // the slave's INT drops during INTA
    } else {
      v = vector(MASTER, irq);
    }
  }
  update();
  return v;
}

// OCW2 non-specific EOI: the highest-priority ISR bit (in special mask mode, not a masked one).
function eoi_nonspecific(chip: u32, rotate: bool): void {
  let isr = rd(chip, ISR);
  if (rd(chip, SMM)) isr &= ~rd(chip, IMR);
  const irq = highest(isr, rd(chip, LOWEST));
  if (irq < 0) return;
  wr(chip, ISR, rd(chip, ISR) & ~(<u32>1 << irq));
  if (rotate) wr(chip, LOWEST, irq);
}

function write_cmd(chip: u32, v: u32): void {
  if (v & 0x10) {
    // ICW1: starts the initialization sequence
    wr(chip, ICW1, v);
    wr(chip, INIT, 1);
    wr(chip, IMR, 0);
    wr(chip, ISR, 0);
    wr(chip, LOWEST, 7);
    wr(chip, RIS, 0);
    wr(chip, POLL, 0);
    wr(chip, SMM, 0);
    wr(chip, RAEOI, 0);
    if ((v & 1) == 0) wr(chip, ICW4, 0);
    const level = (v & 8) != 0 ? 0xff : rd(chip, ELCR);
    wr(chip, LEVEL, level);
    wr(chip, IRR, rd(chip, LINES) & level); // edge sense latches reset
    return;
  }
  if (v & 0x08) {
    // OCW3
    if (v & 0x04) wr(chip, POLL, 1);
    if (v & 0x02) wr(chip, RIS, v & 1);
    if (v & 0x40) wr(chip, SMM, (v >> 5) & 1);
    return;
  }
  // OCW2: R SL EOI
  const l = v & 7;
  switch (v >> 5) {
    case 0: wr(chip, RAEOI, 0); break; // rotate in AEOI mode (clear)
    case 1: eoi_nonspecific(chip, false); break; // non-specific EOI
    case 3: wr(chip, ISR, rd(chip, ISR) & ~(<u32>1 << l)); break; // specific EOI
    case 4: wr(chip, RAEOI, 1); break; // rotate in AEOI mode (set)
    case 5: eoi_nonspecific(chip, true); break; // rotate on non-specific EOI
    case 6: wr(chip, LOWEST, l); break; // set priority
    case 7: wr(chip, ISR, rd(chip, ISR) & ~(<u32>1 << l)); wr(chip, LOWEST, l); break; // rotate on specific EOI
    default: break; // 2: no operation
  }
}

function write_data(chip: u32, v: u32): void {
  const state = rd(chip, INIT);
  const icw1 = rd(chip, ICW1);
  if (state == 1) {
    wr(chip, ICW2, v);
    wr(chip, INIT, (icw1 & 2) == 0 ? 2 : (icw1 & 1) != 0 ? 3 : 0);
  } else if (state == 2) {
    wr(chip, ICW3, v);
    wr(chip, INIT, (icw1 & 1) != 0 ? 3 : 0);
  } else if (state == 3) {
    wr(chip, ICW4, v);
    wr(chip, INIT, 0);
  } else {
    wr(chip, IMR, v); // OCW1
  }
}

function write_elcr(chip: u32, v: u32): void {
  // IRQ 0, 1, 2 (timer, keyboard, cascade) and 8, 13 (RTC, FPU error) are always edge triggered
  wr(chip, ELCR, v & (chip == MASTER ? 0xf8 : 0xde));
  const level = (rd(chip, ICW1) & 8) != 0 ? 0xff : rd(chip, ELCR);
  wr(chip, LEVEL, level);
  wr(chip, IRR, rd(chip, IRR) | (rd(chip, LINES) & level));
}

export function pic_read8(port: u32): u32 {
  if ((port & 0xfffe) == 0x4d0) return rd(port & 1 ? SLAVE : MASTER, ELCR);
  const chip = (port & 0x80) != 0 ? SLAVE : MASTER;
  if (rd(chip, POLL)) {
    // poll: this read is the acknowledge; I (bit 7) and the level W2-W0
    wr(chip, POLL, 0);
    const irq = resolve(chip);
    if (irq < 0) return 0;
    ack(chip, irq);
    update();
    return 0x80 | <u32>irq;
  }
  if (port & 1) return rd(chip, IMR);
  return rd(chip, RIS) != 0 ? rd(chip, ISR) : rd(chip, IRR);
}

export function pic_write8(port: u32, v: u32): void {
  if ((port & 0xfffe) == 0x4d0) write_elcr(port & 1 ? SLAVE : MASTER, v);
  else {
    const chip = (port & 0x80) != 0 ? SLAVE : MASTER;
    if (port & 1) write_data(chip, v);
    else write_cmd(chip, v);
  }
  update();
}
