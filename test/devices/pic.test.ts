// The 8259A pair (master 0x20/0x21, slave 0xA0/0xA1 on master IR2) and the ELCR (0x4D0/0x4D1),
// driven through their ports as a guest does. IRQ lines are driven with test_irq (as a device
// drives irq_set) and the CPU's interrupt acknowledge cycle is test_inta; INTR is the state word
// the CPU samples. Expected behaviour is from the Intel 8259A datasheet (order 231468) and, for
// the ELCR, the PIIX datasheets.
import { describe, it, expect } from "vitest";
import { bareMachine, real16 } from "../helpers.js";
import { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const outb = (m: Machine, port: number, v: number) => m.core.port_out(port, 1, v);
const inb = (m: Machine, port: number) => m.core.port_in(port, 1);
const irq = (m: Machine, line: number, level: boolean) => m.core.test_irq(line, level ? 1 : 0);
const inta = (m: Machine) => m.core.test_inta();
const intr = (m: Machine) => m.r32(S.INTR);

interface InitOpts { icw1?: number; master4?: number; slave4?: number; mbase?: number; sbase?: number }

/** The standard PC/AT initialization (as a BIOS does): cascade, edge, 8086 mode, IRQs unmasked. */
function init(m: Machine, o: InitOpts = {}): void {
  const icw1 = o.icw1 ?? 0x11;
  outb(m, 0x20, icw1); outb(m, 0x21, o.mbase ?? 0x08); outb(m, 0x21, 0x04); outb(m, 0x21, o.master4 ?? 0x01);
  outb(m, 0xa0, icw1); outb(m, 0xa1, o.sbase ?? 0x70); outb(m, 0xa1, 0x02); outb(m, 0xa1, o.slave4 ?? 0x01);
}

const readIRR = (m: Machine, port = 0x20) => { outb(m, port, 0x0a); return inb(m, port); };
const readISR = (m: Machine, port = 0x20) => { outb(m, port, 0x0b); return inb(m, port); };
const eoi = (m: Machine, port = 0x20) => outb(m, port, 0x20);
const specificEoi = (m: Machine, level: number, port = 0x20) => outb(m, port, 0x60 | level);

describe("8259A initialization and registers", () => {
  it("powers on with every input masked and nothing pending", async () => {
    const m = await bareMachine();
    expect(inb(m, 0x21)).toBe(0xff);
    expect(inb(m, 0xa1)).toBe(0xff);
    expect(readISR(m)).toBe(0);
    expect(readISR(m, 0xa0)).toBe(0);
    expect(inb(m, 0x4d0)).toBe(0);
    expect(inb(m, 0x4d1)).toBe(0);
    expect(intr(m)).toBe(0);
  });

  it("ICW1 clears the IMR, ICW2 sets the vector base, OCW1 is read back at A0=1", async () => {
    const m = await bareMachine();
    init(m, { mbase: 0x20, sbase: 0x28 });
    expect(inb(m, 0x21)).toBe(0); // ICW1: the interrupt mask register is cleared
    expect(inb(m, 0xa1)).toBe(0);
    outb(m, 0x21, 0x5a);
    expect(inb(m, 0x21)).toBe(0x5a);
    outb(m, 0x21, 0);
    irq(m, 3, true);
    expect(intr(m)).toBe(1);
    expect(inta(m)).toBe(0x23); // T7-T3 from ICW2, level in the low 3 bits
    irq(m, 10, true);
    eoi(m);
    expect(inta(m)).toBe(0x2a); // the slave supplies its own vector for IR2 of the master
  });

  it("ignores the low three bits of ICW2 in 8086 mode", async () => {
    const m = await bareMachine();
    init(m, { mbase: 0x47 });
    irq(m, 1, true);
    expect(inta(m)).toBe(0x41);
  });

  it("skips ICW3 in single mode and ICW4 when IC4 is 0 (MCS-80/85 mode: CALL address low byte)", async () => {
    const m = await bareMachine();
    // ICW1 = A7-A5 111, LTIM 0, ADI 1 (interval 4), SNGL, no ICW4; then ICW2 is the last word
    outb(m, 0x20, 0xf6); outb(m, 0x21, 0x12);
    outb(m, 0x21, 0x00); // this is already OCW1
    expect(inb(m, 0x21)).toBe(0x00);
    irq(m, 3, true);
    // the x86 takes the byte of the second INTA cycle: A7 A6 A5 0 1 1 0 0 at interval 4
    expect(inta(m)).toBe(0xec);
    // interval 8: A7 A6 0 1 1 0 0 0
    outb(m, 0x20, 0xd2); outb(m, 0x21, 0x12); outb(m, 0x21, 0x00);
    irq(m, 3, false); irq(m, 3, true);
    expect(inta(m)).toBe(0xd8);
  });

  it("raises no interrupt while the initialization sequence is incomplete", async () => {
    const m = await bareMachine();
    outb(m, 0x20, 0x11); // ICW1
    irq(m, 4, true);
    expect(intr(m)).toBe(0);
    outb(m, 0x21, 0x08); outb(m, 0x21, 0x04);
    expect(intr(m)).toBe(0);
    outb(m, 0x21, 0x01); // ICW4 completes the sequence (IMR = 0)
    expect(intr(m)).toBe(1);
    expect(inta(m)).toBe(0x0c);
  });

  it("reads the IRR or the ISR at A0=0 as OCW3 selects, the IRR after ICW1", async () => {
    const m = await bareMachine();
    init(m);
    outb(m, 0x21, 0xff); // all masked: requests stay in the IRR
    irq(m, 1, true); irq(m, 6, true);
    expect(inb(m, 0x20)).toBe(0x42); // IRR by default after initialization
    outb(m, 0x20, 0x0b);
    expect(inb(m, 0x20)).toBe(0x00);
    expect(inb(m, 0x20)).toBe(0x00); // the selection stays until changed
    outb(m, 0x20, 0x08); // OCW3 with RR = 0: no change
    expect(inb(m, 0x20)).toBe(0x00);
    outb(m, 0x20, 0x0a);
    expect(inb(m, 0x20)).toBe(0x42);
    expect(inb(m, 0x21)).toBe(0xff); // A0 = 1 always reads the IMR
  });
});

describe("8259A priority, masking and EOI", () => {
  it("resolves simultaneous requests IR0 (highest) to IR7 (lowest) and nests only higher levels", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 5, true); irq(m, 3, true); irq(m, 6, true);
    expect(inta(m)).toBe(0x0b);
    expect(readISR(m)).toBe(0x08);
    expect(readIRR(m)).toBe(0x60);
    expect(intr(m)).toBe(0); // 5 and 6 wait for IR3's EOI
    irq(m, 1, true); // a higher level interrupts the service routine
    expect(intr(m)).toBe(1);
    expect(inta(m)).toBe(0x09);
    expect(readISR(m)).toBe(0x0a);
    eoi(m); // non-specific: clears the highest-priority ISR bit (IR1)
    expect(readISR(m)).toBe(0x08);
    expect(intr(m)).toBe(0);
    eoi(m);
    expect(intr(m)).toBe(1);
    expect(inta(m)).toBe(0x0d);
    eoi(m);
    expect(inta(m)).toBe(0x0e);
    eoi(m);
    expect(readISR(m)).toBe(0);
    expect(intr(m)).toBe(0);
  });

  it("masks requests in the IMR without losing them", async () => {
    const m = await bareMachine();
    init(m);
    outb(m, 0x21, 0x10);
    irq(m, 4, true);
    expect(intr(m)).toBe(0);
    expect(readIRR(m)).toBe(0x10);
    outb(m, 0x21, 0x00);
    expect(intr(m)).toBe(1);
    expect(inta(m)).toBe(0x0c);
  });

  it("a masked in-service level still blocks lower levels outside special mask mode", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 3, true);
    inta(m);
    outb(m, 0x21, 0x08);
    irq(m, 5, true);
    expect(intr(m)).toBe(0);
  });

  it("specific EOI clears the named ISR bit only", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 4, true); inta(m);
    irq(m, 2 + 8, true); inta(m); // IR2 nested above IR4 via the slave
    irq(m, 1, true); inta(m);
    expect(readISR(m)).toBe(0x16);
    specificEoi(m, 4);
    expect(readISR(m)).toBe(0x06);
    specificEoi(m, 6); // not in service: nothing happens
    expect(readISR(m)).toBe(0x06);
  });

  it("non-specific EOI with nothing in service does nothing", async () => {
    const m = await bareMachine();
    init(m);
    eoi(m);
    expect(readISR(m)).toBe(0);
  });
});

describe("8259A rotation", () => {
  it("rotate on non-specific EOI makes the serviced level the lowest", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 1, true); irq(m, 4, true);
    expect(inta(m)).toBe(0x09);
    outb(m, 0x20, 0xa0); // rotate on non-specific EOI: IR1 becomes lowest, IR2 highest
    irq(m, 1, false); irq(m, 1, true);
    expect(inta(m)).toBe(0x0c); // IR4 now beats IR1
    outb(m, 0x20, 0xa0); // IR4 lowest: order 5 6 7 0 1 2 3 4
    irq(m, 3, true);
    expect(inta(m)).toBe(0x09); // IR1 beats IR3
    outb(m, 0x20, 0x20);
    expect(inta(m)).toBe(0x0b);
  });

  it("set priority command picks the lowest level", async () => {
    const m = await bareMachine();
    init(m);
    outb(m, 0x20, 0xc4); // IR4 lowest: 5 6 7 0 1 2 3 4
    irq(m, 3, true); irq(m, 6, true); irq(m, 4, true);
    expect(inta(m)).toBe(0x0e);
    expect(intr(m)).toBe(0);
    eoi(m); // the highest-priority ISR bit in the rotated order
    expect(inta(m)).toBe(0x0b);
    eoi(m);
    expect(inta(m)).toBe(0x0c);
  });

  it("in-service priority follows the rotation: a level rotated above the ISR interrupts", async () => {
    const m = await bareMachine();
    init(m);
    outb(m, 0x20, 0xc5); // IR5 lowest: IR6 highest ... IR5 lowest
    irq(m, 1, true);
    expect(inta(m)).toBe(0x09);
    irq(m, 7, true); // IR7 ranks above IR1 now
    expect(intr(m)).toBe(1);
    expect(inta(m)).toBe(0x0f);
    expect(readISR(m)).toBe(0x82);
  });

  it("rotate on specific EOI clears that level and makes it the lowest", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 6, true); inta(m);
    outb(m, 0x20, 0xe6); // rotate on specific EOI, L = 6: order 7 0 1 2 3 4 5 6
    expect(readISR(m)).toBe(0);
    irq(m, 1, true); irq(m, 7, true);
    expect(inta(m)).toBe(0x0f);
  });

  it("rotate in automatic EOI mode makes each acknowledged level the lowest", async () => {
    const m = await bareMachine();
    init(m, { master4: 0x03 });
    outb(m, 0x20, 0x80); // rotate in AEOI mode (set)
    irq(m, 1, true); irq(m, 5, true);
    expect(inta(m)).toBe(0x09);
    expect(readISR(m)).toBe(0);
    irq(m, 1, false); irq(m, 1, true);
    expect(inta(m)).toBe(0x0d); // IR1 went to the bottom
    irq(m, 3, true);
    // after IR5 rotated, order is 6 7 0 1 2 3 4 5: IR1 then IR3
    expect(inta(m)).toBe(0x09);
    expect(inta(m)).toBe(0x0b);
    outb(m, 0x20, 0x00); // rotate in AEOI mode (clear): priorities stay where they are
    irq(m, 3, false); irq(m, 3, true); irq(m, 7, true);
    expect(inta(m)).toBe(0x0f); // order after IR3 rotated: 4 5 6 7 0 1 2 3
    irq(m, 7, false); irq(m, 7, true);
    expect(inta(m)).toBe(0x0f); // no rotation any more: IR7 still ranks above IR3
  });
});

describe("8259A automatic EOI, poll, special modes", () => {
  it("automatic EOI leaves the ISR clear after the acknowledge", async () => {
    const m = await bareMachine();
    init(m, { master4: 0x03 });
    irq(m, 4, true); irq(m, 6, true);
    expect(inta(m)).toBe(0x0c);
    expect(readISR(m)).toBe(0);
    expect(intr(m)).toBe(1); // IR6 is not blocked by anything
    expect(inta(m)).toBe(0x0e);
  });

  it("poll command: the next read returns I and the level and acknowledges it", async () => {
    const m = await bareMachine();
    init(m);
    outb(m, 0x21, 0xff); // interrupts disabled at the PIC: the CPU polls instead
    outb(m, 0x21, 0x00);
    irq(m, 5, true); irq(m, 2 + 8, true);
    outb(m, 0x20, 0x0c);
    expect(inb(m, 0x20)).toBe(0x82); // highest level: IR2 (the slave)
    expect(readISR(m)).toBe(0x04);
    outb(m, 0xa0, 0x0c);
    expect(inb(m, 0xa1)).toBe(0x82); // the slave's own level, read at either address
    expect(readISR(m, 0xa0)).toBe(0x04);
    outb(m, 0x20, 0x0c);
    expect(inb(m, 0x20)).toBe(0x00); // IR5 is below the in-service IR2: I = 0
    expect(inb(m, 0x20)).toBe(0x04); // the poll is for one read only; back to the ISR
    eoi(m, 0xa0); eoi(m);
    outb(m, 0x20, 0x0c);
    expect(inb(m, 0x20)).toBe(0x85);
  });

  it("special mask mode lets lower levels in while the in-service level is masked", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 3, true);
    expect(inta(m)).toBe(0x0b);
    irq(m, 5, true);
    expect(intr(m)).toBe(0);
    outb(m, 0x20, 0x68); // set special mask mode
    outb(m, 0x21, 0x08); // mask IR3 (the level in service)
    expect(intr(m)).toBe(1);
    expect(inta(m)).toBe(0x0d);
    expect(readISR(m)).toBe(0x28);
    irq(m, 7, true);
    expect(intr(m)).toBe(0); // IR5 in service and not masked: it still blocks lower levels
    eoi(m); // non-specific EOI skips the masked IR3 bit: clears IR5
    expect(readISR(m)).toBe(0x08);
    expect(intr(m)).toBe(1);
    outb(m, 0x20, 0x48); // reset special mask mode
    expect(intr(m)).toBe(0); // IR3 in service blocks IR7 again
  });

  it("special fully nested mode lets a higher slave level through while the slave is in service", async () => {
    for (const sfnm of [false, true]) {
      const m = await bareMachine();
      init(m, { master4: sfnm ? 0x11 : 0x01 });
      irq(m, 12, true);
      expect(inta(m)).toBe(0x74);
      irq(m, 9, true); // higher priority on the slave
      expect(intr(m)).toBe(sfnm ? 1 : 0);
      if (sfnm) {
        expect(inta(m)).toBe(0x71);
        expect(readISR(m, 0xa0)).toBe(0x12);
        irq(m, 13, true); // lower than the slave's in-service levels: the slave holds it back
        expect(intr(m)).toBe(0);
      }
      irq(m, 6, true); // a lower master level stays blocked by the in-service cascade line
      expect(intr(m)).toBe(0);
    }
  });
});

describe("8259A triggering and the ELCR", () => {
  it("ELCR: IRQ 0, 1, 2, 8 and 13 are always edge triggered", async () => {
    const m = await bareMachine();
    outb(m, 0x4d0, 0xff);
    outb(m, 0x4d1, 0xff);
    expect(inb(m, 0x4d0)).toBe(0xf8);
    expect(inb(m, 0x4d1)).toBe(0xde);
  });

  it("edge triggered: a request held high interrupts once; it must go low and high again", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 5, true);
    expect(inta(m)).toBe(0x0d);
    eoi(m);
    expect(intr(m)).toBe(0);
    expect(readIRR(m)).toBe(0);
    irq(m, 5, false); irq(m, 5, true);
    expect(intr(m)).toBe(1);
  });

  it("edge triggered: an edge while in service is remembered in the IRR until EOI", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 5, true); inta(m);
    irq(m, 5, false); irq(m, 5, true);
    expect(readIRR(m)).toBe(0x20);
    expect(intr(m)).toBe(0);
    eoi(m);
    expect(inta(m)).toBe(0x0d);
  });

  it("level triggered (ELCR): a request still high after EOI interrupts again", async () => {
    const m = await bareMachine();
    init(m);
    outb(m, 0x4d0, 0x20);
    outb(m, 0x4d1, 0x08); // IRQ 11
    irq(m, 5, true);
    expect(inta(m)).toBe(0x0d);
    eoi(m);
    expect(intr(m)).toBe(1);
    expect(inta(m)).toBe(0x0d);
    irq(m, 5, false); // the device is serviced before EOI
    eoi(m);
    expect(intr(m)).toBe(0);
    irq(m, 11, true);
    expect(inta(m)).toBe(0x73);
    eoi(m, 0xa0); eoi(m);
    expect(inta(m)).toBe(0x73);
  });

  it("LTIM in ICW1 makes every input of that chip level triggered", async () => {
    const m = await bareMachine();
    init(m, { icw1: 0x19 });
    outb(m, 0x21, 0x01); // IRQ 0 is the timer's OUT, high since power-on: a level request too
    irq(m, 4, true);
    expect(inta(m)).toBe(0x0c);
    eoi(m);
    expect(inta(m)).toBe(0x0c);
  });

  it("ICW1 resets the edge sense latch: a line already high must go low first", async () => {
    const m = await bareMachine();
    irq(m, 4, true);
    init(m);
    expect(readIRR(m)).toBe(0);
    expect(intr(m)).toBe(0);
    irq(m, 4, false); irq(m, 4, true);
    expect(inta(m)).toBe(0x0c);
  });

  it("a request that goes away before INTA is answered with IR7 and sets no ISR bit", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 4, true);
    expect(readIRR(m)).toBe(0x10);
    irq(m, 4, false); // too short: gone before the acknowledge
    expect(readIRR(m)).toBe(0);
    expect(intr(m)).toBe(0);
    expect(inta(m)).toBe(0x0f); // the default IR7 vector
    expect(readISR(m)).toBe(0);
  });

  it("a level-triggered request dropped before INTA is gone as well", async () => {
    const m = await bareMachine();
    init(m);
    outb(m, 0x4d1, 0x02); // IRQ 9
    irq(m, 9, true);
    expect(intr(m)).toBe(1);
    irq(m, 9, false);
    expect(intr(m)).toBe(0);
    expect(readIRR(m, 0xa0)).toBe(0);
    expect(inta(m)).toBe(0x0f);
    expect(readISR(m)).toBe(0);
    expect(readISR(m, 0xa0)).toBe(0);
  });
});

describe("8259A cascade", () => {
  it("a slave request interrupts through IR2 and sets both ISR bits", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 14, true);
    expect(readIRR(m)).toBe(0x04);
    expect(inta(m)).toBe(0x76);
    expect(readISR(m)).toBe(0x04);
    expect(readISR(m, 0xa0)).toBe(0x40);
    eoi(m, 0xa0);
    eoi(m);
    expect(readISR(m)).toBe(0);
    expect(readISR(m, 0xa0)).toBe(0);
  });

  it("slave levels rank at the master's IR2: below IR0/IR1, above IR3-IR7", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 3, true); irq(m, 8, true); irq(m, 1, true);
    expect(inta(m)).toBe(0x09);
    eoi(m);
    expect(inta(m)).toBe(0x70);
    eoi(m, 0xa0); eoi(m);
    expect(inta(m)).toBe(0x0b);
  });

  it("the ISA bus IRQ 2 pin reaches the slave's IR1 (IRQ 9)", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 2, true);
    expect(readIRR(m, 0xa0)).toBe(0x02);
    expect(inta(m)).toBe(0x71);
  });

  it("masking IR2 on the master masks the whole slave", async () => {
    const m = await bareMachine();
    init(m);
    outb(m, 0x21, 0x04);
    irq(m, 15, true);
    expect(intr(m)).toBe(0);
    expect(readIRR(m, 0xa0)).toBe(0x80);
    outb(m, 0x21, 0x00);
    expect(inta(m)).toBe(0x77);
  });

  it("automatic EOI on both chips: a second slave request follows the first at once", async () => {
    const m = await bareMachine();
    init(m, { master4: 0x03, slave4: 0x03 });
    irq(m, 10, true); irq(m, 11, true);
    expect(inta(m)).toBe(0x72);
    // the slave's INT drops during the INTA cycles and rises again: a new edge on IR2
    expect(intr(m)).toBe(1);
    expect(inta(m)).toBe(0x73);
    expect(readISR(m)).toBe(0);
    expect(readISR(m, 0xa0)).toBe(0);
  });

  it("a second slave request after EOI arrives as a new edge on IR2", async () => {
    const m = await bareMachine();
    init(m);
    irq(m, 10, true); irq(m, 11, true);
    expect(inta(m)).toBe(0x72);
    eoi(m, 0xa0);
    eoi(m);
    expect(inta(m)).toBe(0x73);
  });
});

describe("8259A and the CPU", () => {
  it("interrupts a real-mode guest through the IVT; the handler's EOI allows the next one", async () => {
    const m = await bareMachine();
    real16(m);
    const ram = m.ram();
    // IVT[0x0B] (IRQ 3) -> 0000:0500: inc word [0x600]; mov al,0x20; out 0x20,al; iret
    ram.set([0x00, 0x05, 0x00, 0x00], 0x0b * 4);
    ram.set([0xff, 0x06, 0x00, 0x06, 0xb0, 0x20, 0xe6, 0x20, 0xcf], 0x500);
    ram.set([0xfb, 0xeb, 0xfe], 0x1000); // sti; jmp $
    m.w32(S.EIP, 0x1000);
    m.setReg(4, 0x8000);
    init(m);
    m.run(100);
    const count = () => ram[0x600] | (ram[0x601] << 8);
    expect(count()).toBe(0);
    irq(m, 3, true);
    m.run(100);
    expect(count()).toBe(1);
    m.run(100);
    expect(count()).toBe(1); // edge triggered: one interrupt per edge
    irq(m, 3, false); irq(m, 3, true);
    m.run(100);
    expect(count()).toBe(2);
    expect(readISR(m)).toBe(0);
  });

  it("delivers the spurious IR7 vector when INTR was raised but the request is gone", async () => {
    const m = await bareMachine();
    real16(m);
    const ram = m.ram();
    ram.set([0x00, 0x05, 0x00, 0x00], 0x0f * 4); // IR7 handler: inc word [0x600]; iret (no EOI)
    ram.set([0xff, 0x06, 0x00, 0x06, 0xcf], 0x500);
    ram.set([0xfb, 0xeb, 0xfe], 0x1000);
    m.w32(S.EIP, 0x1000);
    m.setReg(4, 0x8000);
    init(m);
    m.core.intr(1); // the CPU saw INT, the request went away before the acknowledge
    m.run(50);
    expect(ram[0x600]).toBe(1);
    expect(readISR(m)).toBe(0);
    expect(intr(m)).toBe(0);
  });
});
