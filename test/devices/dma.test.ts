// The two 8237A DMA controllers and the page registers, programmed through their ports as a
// BIOS or driver does, with transfers made through the device API (test hooks in
// core-as/index.ts stand in for the floppy controller). Expected behaviour: Intel 8237A data
// sheet, IBM PC/AT technical reference (page registers, 16-bit channels).
import { describe, it, expect } from "vitest";
import { Machine } from "../../host/machine.js";
import { bareMachine } from "../helpers.js";

const outb = (m: Machine, port: number, v: number) => m.core.port_out(port, 1, v);
const inb = (m: Machine, port: number) => m.core.port_in(port, 1);
const TC = 0x10000;

function buf(m: Machine): Uint8Array {
  return m.u8.subarray(m.core.test_dma_buffer(), m.core.test_dma_buffer() + 256);
}

/** Program master channel ch (0-3): mode, 24-bit address (page + 16 bits), count - 1. */
function program8(m: Machine, ch: number, mode: number, addr: number, count: number) {
  const page = [0x87, 0x83, 0x81, 0x82][ch];
  outb(m, 0x0a, 0x04 | ch); // mask
  outb(m, 0x0c, 0); // flip-flop
  outb(m, 0x0b, mode | ch);
  outb(m, ch * 2, addr & 0xff); outb(m, ch * 2, (addr >> 8) & 0xff);
  outb(m, page, addr >>> 16);
  outb(m, ch * 2 + 1, count & 0xff); outb(m, ch * 2 + 1, count >> 8);
  outb(m, 0x0a, ch); // unmask
}

function cascade(m: Machine) {
  outb(m, 0xd6, 0xc0); // channel 4: cascade mode
  outb(m, 0xd4, 0x00); // unmask channel 4
}

function read16(m: Machine, port: number): number {
  const lo = inb(m, port);
  return lo | (inb(m, port) << 8);
}

describe("8237A DMA", () => {
  it("moves bytes from a device to memory, counting down to terminal count", async () => {
    const m = await bareMachine(2);
    cascade(m);
    program8(m, 2, 0x44, 0x031234, 15); // single, write to memory, 16 bytes at 0x31234
    for (let i = 0; i < 32; i++) buf(m)[i] = 0xa0 + i;
    expect(m.core.test_dma_to_memory(2, 32)).toBe(0); // no DREQ yet
    m.core.test_dma_request(2, 1);
    expect(m.core.test_dma_to_memory(2, 10)).toBe(10);
    outb(m, 0x0c, 0);
    expect(read16(m, 0x04)).toBe(0x123e);
    expect(read16(m, 0x05)).toBe(5);
    expect(m.core.test_dma_to_memory(2, 32)).toBe(6 | TC);
    expect(Array.from(m.ram().subarray(0x31234, 0x31245))).toEqual(
      [...Array.from({ length: 10 }, (_, i) => 0xa0 + i), ...Array.from({ length: 6 }, (_, i) => 0xa0 + i), 0]);
    expect(read16(m, 0x04)).toBe(0x1244);
    expect(read16(m, 0x05)).toBe(0xffff);
    // status: TC for channel 2 and its request line; TC clears on read
    expect(inb(m, 0x08)).toBe(0x44);
    expect(inb(m, 0x08)).toBe(0x40);
    // without auto-init the channel masked itself
    expect(inb(m, 0x0f) & 0x04).toBe(0x04);
    expect(m.core.test_dma_to_memory(2, 32)).toBe(0);
  });

  it("reads memory for a device, and verify transfers touch nothing", async () => {
    const m = await bareMachine(2);
    cascade(m);
    m.ram().set([1, 2, 3, 4, 5, 6, 7, 8], 0x8000);
    program8(m, 1, 0x48, 0x8000, 7); // read from memory
    m.core.test_dma_request(1, 1);
    expect(m.core.test_dma_from_memory(1, 100)).toBe(8 | TC);
    expect(Array.from(buf(m).subarray(0, 8))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    program8(m, 1, 0x40, 0x8000, 3); // verify
    buf(m).fill(0x77, 0, 8);
    expect(m.core.test_dma_to_memory(1, 100)).toBe(4 | TC);
    expect(Array.from(m.ram().subarray(0x8000, 0x8004))).toEqual([1, 2, 3, 4]);
    outb(m, 0x0c, 0);
    expect(read16(m, 0x02)).toBe(0x8004);
  });

  it("reloads base address and count at terminal count in auto-init mode", async () => {
    const m = await bareMachine(2);
    cascade(m);
    program8(m, 3, 0x54, 0x2000, 3); // write, auto-init, 4 bytes
    m.core.test_dma_request(3, 1);
    buf(m).set([9, 8, 7, 6, 5, 4, 3, 2]);
    expect(m.core.test_dma_to_memory(3, 8)).toBe(4 | TC);
    outb(m, 0x0c, 0);
    expect(read16(m, 0x06)).toBe(0x2000);
    expect(read16(m, 0x07)).toBe(3);
    expect(inb(m, 0x0f) & 0x08).toBe(0); // still unmasked
    expect(m.core.test_dma_to_memory(3, 2)).toBe(2);
    expect(Array.from(m.ram().subarray(0x2000, 0x2004))).toEqual([9, 8, 7, 6]);
  });

  it("counts the address down in decrement mode", async () => {
    const m = await bareMachine(2);
    cascade(m);
    program8(m, 0, 0x64, 0x1010, 3); // write, decrement
    m.core.test_dma_request(0, 1);
    buf(m).set([0x11, 0x22, 0x33, 0x44]);
    expect(m.core.test_dma_to_memory(0, 4)).toBe(4 | TC);
    expect(Array.from(m.ram().subarray(0x100d, 0x1011))).toEqual([0x44, 0x33, 0x22, 0x11]);
    outb(m, 0x0c, 0);
    expect(read16(m, 0x00)).toBe(0x100c);
  });

  it("moves words on channels 5-7 with word addresses and counts", async () => {
    const m = await bareMachine(4);
    outb(m, 0xd4, 0x05); // mask channel 5
    outb(m, 0xd8, 0);
    outb(m, 0xd6, 0x45); // single, write, channel 5
    outb(m, 0xc4, 0x00); outb(m, 0xc4, 0x80); // word address 0x8000
    outb(m, 0x8b, 0x03); // page: bit 0 is ignored for 16-bit channels
    outb(m, 0xc6, 3); outb(m, 0xc6, 0); // 4 words
    outb(m, 0xd4, 0x01); // unmask
    m.core.test_dma_request(5, 1);
    buf(m).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(m.core.test_dma_to_memory(5, 7)).toBe(6); // whole words only
    expect(m.core.test_dma_to_memory(5, 10)).toBe(2 | TC);
    expect(Array.from(m.ram().subarray(0x30000, 0x30008))).toEqual([1, 2, 3, 4, 5, 6, 1, 2]);
    outb(m, 0xd8, 0);
    expect(read16(m, 0xc4)).toBe(0x8004);
    expect(read16(m, 0xc6)).toBe(0xffff);
    expect(inb(m, 0xd0) & 0x0f).toBe(0x02); // TC on the slave's channel 1 (= 5)
  });

  it("cascades channels 0-3 through channel 4, honours masks, requests and master clear", async () => {
    const m = await bareMachine(2);
    program8(m, 2, 0x48, 0x1000, 0);
    m.core.test_dma_request(2, 1);
    expect(m.core.test_dma_from_memory(2, 1)).toBe(0); // channel 4 still masked
    cascade(m);
    outb(m, 0x0f, 0x0f); // mask all
    expect(inb(m, 0x0f)).toBe(0xff);
    expect(m.core.test_dma_from_memory(2, 1)).toBe(0);
    outb(m, 0x0e, 0); // clear all masks
    expect(inb(m, 0x0f)).toBe(0xf0);
    outb(m, 0x08, 0x04); // controller disabled
    expect(m.core.test_dma_from_memory(2, 1)).toBe(0);
    outb(m, 0x08, 0x00);
    m.core.test_dma_request(2, 0);
    expect(m.core.test_dma_from_memory(2, 1)).toBe(0); // no request
    outb(m, 0x09, 0x06); // software request, channel 2
    expect(inb(m, 0x08)).toBe(0x40);
    expect(m.core.test_dma_from_memory(2, 1)).toBe(1 | TC);
    expect(inb(m, 0x08)).toBe(0x04); // TC, and the software request is gone
    outb(m, 0x0d, 0); // master clear: all masked
    expect(inb(m, 0x0f)).toBe(0xff);
  });

  it("keeps the page registers, including the spare ones, apart from port 0x80", async () => {
    const m = await bareMachine(2);
    for (let p = 0x81; p <= 0x8f; p++) outb(m, p, p ^ 0x5a);
    outb(m, 0x80, 0x12); // POST code
    for (let p = 0x81; p <= 0x8f; p++) expect(inb(m, p)).toBe(p ^ 0x5a);
    expect(m.postCode).toBe(0x12);
  });
});
