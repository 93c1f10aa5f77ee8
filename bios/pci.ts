// INT 1Ah AH=B1h: the PCI BIOS (PCI BIOS specification 2.1), on bus 0 through configuration
// mechanism #1 (ports 0CF8h/0CFCh, devices/pci.ts). Status in AH: 00 ok, 81 function not
// supported, 83 bad vendor ID, 86 device not found, 87 bad register number.
import { io_read8, io_read16, io_read32, io_write8, io_write16, io_write32 } from "../core-as/bus/ports";
import { AL, AH, BL, BH, CL, AX, BX, CX, DX, SI, DI, r8, w8, r16, w16, r32, w32, ret_cf } from "./util";

function addr(devfn: u32, reg: u32): void { io_write32(0xcf8, 0x80000000 | (devfn << 8) | (reg & 0xfc)); }
function cfg_read32(devfn: u32, reg: u32): u32 { addr(devfn, reg); return io_read32(0xcfc); }

function status(code: u32): void { w8(AH, code); ret_cf(code != 0); }

export function pci_bios(): void {
  const al = r8(AL);
  const bus = r8(BH), devfn = r8(BL), reg = r16(DI);
  switch (al) {
    case 0x01:
      w8(AH, 0); w8(AL, 0x01); // configuration mechanism #1
      w16(BX, 0x0210); w8(CL, 0); // version 2.10, last bus 0
      w32(DX, 0x20494350); // "PCI "
      ret_cf(false);
      return;
    case 0x02: case 0x03: {
      if (al == 0x02 && r16(DX) == 0xffff) { status(0x83); return; }
      let n = r16(SI);
      for (let df: u32 = 0; df < 256; df++) {
        const id = cfg_read32(df, 0);
        if ((id & 0xffff) == 0xffff) { if ((df & 7) == 0) df += 7; continue; }
        const match = al == 0x02
          ? id == ((r16(CX) << 16) | r16(DX))
          : (cfg_read32(df, 8) >>> 8) == (r32(CX) & 0xffffff);
        if (match) {
          if (n == 0) { w8(BH, 0); w8(BL, df); status(0); return; }
          n--;
        }
        // single-function devices answer only at function 0
        if ((df & 7) == 0 && (cfg_read32(df, 0x0c) & 0x800000) == 0) df += 7;
      }
      status(0x86);
      return;
    }
    case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: {
      const size: u32 = al == 0x08 || al == 0x0b ? 1 : (al == 0x09 || al == 0x0c ? 2 : 4);
      if (reg > 0xff || (reg & (size - 1)) != 0) { status(0x87); return; }
      if (bus != 0) { // no other bus: reads give all ones, writes are dropped
        if (al <= 0x0a) { if (size == 4) w32(CX, 0xffffffff); else if (size == 2) w16(CX, 0xffff); else w8(CL, 0xff); }
        status(0);
        return;
      }
      addr(devfn, reg);
      const port = 0xcfc + (reg & 3);
      if (al == 0x08) w8(CL, io_read8(port));
      else if (al == 0x09) w16(CX, io_read16(port));
      else if (al == 0x0a) w32(CX, io_read32(port));
      else if (al == 0x0b) io_write8(port, r8(CL));
      else if (al == 0x0c) io_write16(port, r16(CX));
      else io_write32(port, r32(CX));
      status(0);
      return;
    }
    default: status(0x81); return;
  }
}
