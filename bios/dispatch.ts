// BIOS service dispatch: the ROM's call instruction (0F 3F ib, core-as/cpu/ops/bioscall.ts)
// lands here with the service number ib. See bios/rom/bios.asm for the protocol.
import { set_flag, F_CF } from "../core-as/cpu/flags";
import { REGS } from "../core-as/state";
import { cdemu_active, cdemu_drive } from "./eltorito";
import { int10 } from "./video";
import { int13 } from "./disk";
import { int16, kbd_irq } from "./keyboard";
import { int11, int12, int14, int15, int17, int1a, irq0, irq8, irq_default } from "./system";
import { post, bootstrap, no_boot } from "./post";
import { int13_hd } from "./harddisk";
import { io_begin, io_end, io_again } from "./diskio";

export function bios_service(n: u32): void {
  set_flag(F_CF, false); // the live CF set means "wait for an interrupt and call again"
  io_begin();
  switch (n) {
    case 0x00: post(); break;
    case 0x08: irq0(); break;
    case 0x09: kbd_irq(); break;
    case 0x10: int10(); break;
    case 0x11: int11(); break;
    case 0x12: int12(); break;
    case 0x13: if (load<u8>(REGS + 8) >= 0x80 || cdemu_active() && load<u8>(REGS + 8) == cdemu_drive()) int13_hd(); else int13(); break;
    case 0x14: int14(); break;
    case 0x15: int15(); break;
    case 0x16: int16(); break;
    case 0x17: int17(); break;
    case 0x18: no_boot(); break;
    case 0x19: if (!bootstrap()) set_flag(F_CF, true); break;
    case 0x1a: int1a(); break;
    case 0x70: irq8(); break;
    default:
      if (n >= 0x80 && n < 0x90) irq_default(n - 0x80);
      break;
  }
  // a service that waits for the host's disk data runs again (bios/diskio.ts)
  if (!io_again()) io_end();
}
