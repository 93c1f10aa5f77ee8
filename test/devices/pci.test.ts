// PCI configuration mechanism #1 through ports 0xCF8/0xCFC as a guest BIOS drives it
// (PCI Local Bus Specification 2.1 §3.7.4.1 and §6.2.5.1 for BAR sizing); device identities
// and defaults from the 82441FX and 82371SB datasheets and QEMU's std VGA.
import { describe, it, expect } from "vitest";
import { bareMachine } from "../helpers.js";
import { Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";

const addr = (dev: number, fn: number, reg: number, bus = 0) => (0x80000000 | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xfc)) >>> 0;
function rd(m: Machine, dev: number, fn: number, reg: number, size = 4, bus = 0): number {
  m.core.port_out(0xcf8, 4, addr(dev, fn, reg, bus));
  return m.core.port_in(0xcfc + (reg & 3), size) >>> 0;
}
function wr(m: Machine, dev: number, fn: number, reg: number, v: number, size = 4): void {
  m.core.port_out(0xcf8, 4, addr(dev, fn, reg));
  m.core.port_out(0xcfc + (reg & 3), size, v);
}

describe("PCI configuration mechanism #1", () => {
  it("CONFIG_ADDRESS is a dword register; byte and word accesses do not reach it", async () => {
    const m = await bareMachine();
    m.core.port_out(0xcf8, 4, 0x80001234);
    expect(m.core.port_in(0xcf8, 4) >>> 0).toBe(0x80001234);
    m.core.port_out(0xcf8, 4, 0xffffffff); // reserved bits 30-24 and 1-0 read 0
    expect(m.core.port_in(0xcf8, 4) >>> 0).toBe(0x80fffffc);
    m.core.port_out(0xcf8, 2, 0x0000);
    m.core.port_out(0xcfa, 2, 0x0000);
    m.core.port_out(0xcfb, 1, 0x00);
    expect(m.core.port_in(0xcf8, 4) >>> 0).toBe(0x80fffffc);
    expect(m.core.port_in(0xcf8, 2)).toBe(0xffff);
    expect(m.r32(S.RESET_REQ)).toBe(0); // a word access at 0xCF8 never touches 0xCF9
  });

  it("identifies the host bridge, the ISA bridge and the VGA", async () => {
    const m = await bareMachine();
    expect(rd(m, 0, 0, 0x00).toString(16)).toBe("12378086");
    expect(rd(m, 1, 0, 0x00).toString(16)).toBe("70008086");
    expect(rd(m, 2, 0, 0x00).toString(16)).toBe("11111234");
    expect(rd(m, 0, 0, 0x08) >>> 8).toBe(0x060000);
    expect(rd(m, 1, 0, 0x08) >>> 8).toBe(0x060100);
    expect(rd(m, 2, 0, 0x08) >>> 8).toBe(0x030000);
    expect(rd(m, 0, 0, 0x0e, 1)).toBe(0x00);
    expect(rd(m, 1, 0, 0x0e, 1)).toBe(0x80); // multifunction
    expect(rd(m, 2, 0, 0x2c)).toBe(0x11001af4);
  });

  it("absent functions, other buses and a clear enable bit read all ones", async () => {
    const m = await bareMachine();
    expect(rd(m, 3, 0, 0)).toBe(0xffffffff);
    expect(rd(m, 1, 7, 0)).toBe(0xffffffff);
    expect(rd(m, 0, 0, 0, 4, 1)).toBe(0xffffffff);
    expect(rd(m, 31, 0, 0, 2)).toBe(0xffff);
    m.core.port_out(0xcf8, 4, 0x00000000); // enable bit clear
    expect(m.core.port_in(0xcfc, 4) >>> 0).toBe(0xffffffff);
    wr(m, 3, 0, 0x3c, 0x12345678); // ignored
    expect(rd(m, 3, 0, 0x3c)).toBe(0xffffffff);
  });

  it("BAR sizing: all ones reads back the 16 MiB size mask with the type bits", async () => {
    const m = await bareMachine();
    expect(rd(m, 2, 0, 0x10)).toBe(0x00000008); // prefetchable 32-bit memory
    wr(m, 2, 0, 0x10, 0xffffffff);
    expect(rd(m, 2, 0, 0x10)).toBe(0xff000008);
    wr(m, 2, 0, 0x10, 0xe0123456);
    expect(rd(m, 2, 0, 0x10)).toBe(0xe0000008);
    for (const bar of [0x14, 0x18, 0x1c, 0x20, 0x24]) {
      wr(m, 2, 0, bar, 0xffffffff);
      expect(rd(m, 2, 0, bar)).toBe(0); // unimplemented BARs
    }
  });

  it("byte and word accesses at offsets inside the dword; read-only fields keep their value", async () => {
    const m = await bareMachine();
    expect(rd(m, 1, 0, 0x60)).toBe(0x80808080); // PIRQ routing disabled
    wr(m, 1, 0, 0x61, 0x0b, 1);
    expect(rd(m, 1, 0, 0x60)).toBe(0x80800b80);
    expect(rd(m, 1, 0, 0x62, 2)).toBe(0x8080);
    wr(m, 1, 0, 0x62, 0xffff, 2); // reserved bits 6-4 stay 0
    expect(rd(m, 1, 0, 0x60)).toBe(0x8f8f0b80);
    expect(rd(m, 1, 0, 0x61, 1)).toBe(0x0b);
    expect(rd(m, 1, 0, 0x63, 1)).toBe(0x8f);
    // vendor/device/class are read-only
    wr(m, 0, 0, 0x00, 0);
    wr(m, 0, 0, 0x08, 0);
    expect(rd(m, 0, 0, 0x00)).toBe(0x12378086);
    expect(rd(m, 0, 0, 0x08)).toBe(0x06000002);
    // i440FX PAM registers are stored as written
    for (let r = 0x59; r <= 0x5f; r++) wr(m, 0, 0, r, 0x30 + r - 0x59, 1);
    expect(rd(m, 0, 0, 0x58)).toBe(0x32313000);
    expect(rd(m, 0, 0, 0x5c)).toBe(0x36353433);
    // a word write at 0xCFE goes to register + 2 (PIIX3 XBCS at 0x4E, after IORT = 4Dh)
    wr(m, 1, 0, 0x4e, 0x1234, 2);
    expect(rd(m, 1, 0, 0x4c)).toBe(0x1234004d);
    // VGA interrupt line/pin
    wr(m, 2, 0, 0x3c, 0x050b, 2);
    expect(rd(m, 2, 0, 0x3c)).toBe(0x0000000b); // the pin (0x3D) is read-only
    // the VGA's command register: I/O, memory, palette snoop
    wr(m, 2, 0, 0x04, 0xffff, 2);
    expect(rd(m, 2, 0, 0x04, 2)).toBe(0x0023);
  });
});
