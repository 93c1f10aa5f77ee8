// Direct kernel boot (--kernel): put a Linux bzImage or a multiboot kernel into guest RAM the
// way a boot loader would, and tell the BIOS (bios/kernel.ts) to start it at the end of POST
// instead of reading a boot sector. Anything else is refused with a message saying what the
// file is not.
import * as S from "../core-as/state.js";
import { Machine, ConfigError } from "./machine.js";

export interface KernelModule { name: string; data: Uint8Array }

export interface KernelOptions {
  /** the kernel file's bytes and its name (for messages) */
  kernel: Uint8Array;
  name: string;
  /** Linux: the initial ramdisk; multiboot: modules */
  initrd?: KernelModule[];
  /** the kernel command line */
  append?: string;
}

/** The boot order nibble that starts the loaded kernel (bios/post.ts). */
export const BOOT_KERNEL = 5;

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

const MULTIBOOT_MAGIC = 0x1badb002;

/** "linux", "multiboot" or a description of why the file is neither. */
export function kernelType(k: Uint8Array): "linux" | "multiboot" | string {
  if (k.length >= 0x250 && u32(k, 0x202) === 0x53726448 /* "HdrS" */) return "linux";
  if (findMultibootHeader(k) >= 0) return "multiboot";
  if (k.length >= 0x202 && u16(k, 0x1fe) === 0xaa55) return "a boot sector or an old zImage without a boot protocol header (no \"HdrS\" at 202h)";
  if (k.length >= 4 && u32(k, 0) === 0x464c457f) return "an ELF file without a multiboot header in its first 8 KiB";
  return "neither a Linux bzImage (no \"HdrS\" header at 202h) nor a multiboot kernel (no multiboot header in the first 8 KiB)";
}

function findMultibootHeader(k: Uint8Array): number {
  const end = Math.min(k.length, 8192) - 12;
  for (let o = 0; o <= end; o += 4) {
    if (u32(k, o) === MULTIBOOT_MAGIC && ((u32(k, o) + u32(k, o + 4) + u32(k, o + 8)) >>> 0) === 0) return o;
  }
  return -1;
}

/** Load the kernel into the machine and make the BIOS start it (boot order: the kernel only). */
export function loadKernel(m: Machine, opts: KernelOptions): void {
  const type = kernelType(opts.kernel);
  if (type === "linux") loadLinux(m, opts);
  else if (type === "multiboot") loadMultiboot(m, opts);
  else throw new ConfigError(`--kernel ${opts.name}: ${type}`);
  m.w32(S.BIOS_BOOT_ORDER, BOOT_KERNEL);
}

function ramWrite(m: Machine, addr: number, data: Uint8Array, what: string): void {
  const ram = m.ram();
  if (addr < 0 || addr + data.length > ram.length) {
    throw new ConfigError(`${what} does not fit in guest memory (${data.length} bytes at ${hex(addr)}, RAM is ${ram.length >> 20} MiB): give more with --mem`);
  }
  ram.set(data, addr);
}

const hex = (v: number) => "0x" + v.toString(16);

// Linux boot protocol 2.02+ (Documentation/arch/x86/boot.rst). The real-mode part (boot sector
// and setup, (setup_sects + 1) x 512 bytes) goes at REAL, the command line after its heap, the
// protected-mode kernel at 1 MiB, the initrd as high as the header allows.
const REAL = 0x10000;
const CMDLINE = 0x20000;
const HEAP_END = 0xe000; // offset from REAL: stack and heap end below the command line

function loadLinux(m: Machine, opts: KernelOptions): void {
  const k = opts.kernel;
  const name = `--kernel ${opts.name}`;
  const version = u16(k, 0x206);
  if (version < 0x202) throw new ConfigError(`${name}: boot protocol ${version >> 8}.${(version & 0xff).toString().padStart(2, "0")} is too old (2.02 or later needed)`);
  const loadflags = k[0x211];
  if (!(loadflags & 1)) throw new ConfigError(`${name}: a zImage (loaded low); only bzImage kernels are supported`);
  let setupSects = k[0x1f1];
  if (setupSects === 0) setupSects = 4;
  const realSize = (setupSects + 1) * 512;
  if (k.length <= realSize) throw new ConfigError(`${name}: truncated (${k.length} bytes, the setup code alone is ${realSize})`);
  const syssize = u32(k, 0x1f4) * 16; // size of the protected-mode part in 16-byte units
  const pm = k.subarray(realSize);
  if (syssize > 0 && pm.length < syssize) throw new ConfigError(`${name}: truncated (the header says ${syssize} bytes of kernel after the setup code, the file has ${pm.length})`);
  const memSize = m.ram().length;
  // The kernel decompresses itself to its preferred address (pref_address, 2.10+: 16 MiB for
  // Debian's 686 kernels) and needs init_size bytes from there (boot.rst, "Details of header
  // fields"); below 2.10, assume 1 MiB and four times the compressed size.
  const initSize = version >= 0x20a ? u32(k, 0x260) : pm.length * 4;
  const prefAddress = version >= 0x20a ? Math.max(0x100000, u32(k, 0x258)) : 0x100000;
  const kernelEnd = prefAddress + initSize;
  if (kernelEnd > memSize) throw new ConfigError(`${name}: needs ${Math.ceil(kernelEnd / 1048576)} MiB of RAM to start (it unpacks itself at ${prefAddress >> 20} MiB), the machine has ${memSize >> 20} MiB (--mem)`);

  const real = k.slice(0, realSize);
  const cmdline = new TextEncoder().encode((opts.append ?? "") + "\0");
  const cmdMax = version >= 0x206 ? u32(k, 0x238) : 255;
  if (cmdline.length - 1 > cmdMax) throw new ConfigError(`--append: the command line is ${cmdline.length - 1} bytes, this kernel takes at most ${cmdMax}`);
  const dv = new DataView(real.buffer);
  dv.setUint16(0x1fa, videoMode(opts.append ?? ""), true); // vid_mode: vga= is the loader's job
  real[0x210] = 0xff; // type_of_loader: undefined
  real[0x211] = loadflags | 0x80; // CAN_USE_HEAP
  dv.setUint16(0x224, HEAP_END - 0x200, true); // heap_end_ptr
  dv.setUint32(0x228, CMDLINE, true); // cmd_line_ptr
  if (opts.initrd && opts.initrd.length > 0) {
    // several: one after the other, as GRUB loads them; the kernel unpacks each archive in turn
    const rd = opts.initrd.length === 1 ? opts.initrd[0].data : joinInitrds(opts.initrd.map((r) => r.data));
    // highest page-aligned place below the kernel's limit and the end of RAM, above the kernel
    const max = Math.min(u32(k, 0x22c) + 1, memSize);
    const addr = Math.floor((max - rd.length) / 4096) * 4096;
    const rdName = opts.initrd.map((r) => r.name).join(",");
    if (addr < kernelEnd) throw new ConfigError(`--initrd ${rdName}: ${rd.length} bytes do not fit beside the kernel in ${memSize >> 20} MiB of RAM (--mem)`);
    ramWrite(m, addr, rd, `--initrd ${rdName}`);
    dv.setUint32(0x218, addr, true);
    dv.setUint32(0x21c, rd.length, true);
  }
  ramWrite(m, REAL, real, name);
  ramWrite(m, CMDLINE, cmdline, "--append");
  ramWrite(m, 0x100000, pm, name);
  m.w32(S.BIOS_KERNEL, 1);
  m.w32(S.BIOS_KERNEL + 4, REAL >> 4);
  m.w32(S.BIOS_KERNEL + 8, HEAP_END);
}

// vga= on the command line is read by the boot loader, which writes vid_mode (boot.rst,
// "Special command line options"): normal, ext, ask or a mode number.
function videoMode(cmdline: string): number {
  const v = /(?:^|\s)vga=(\S+)/.exec(cmdline)?.[1];
  if (!v || v === "normal") return 0xffff;
  if (v === "ext") return 0xfffe;
  if (v === "ask") return 0xfffd;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new ConfigError(`--append: vga=${v} is not normal, ext, ask or a mode number`);
  return n;
}

// Multiboot 1 (Multiboot Specification 0.6.96 §3.1): an ELF32 executable (segments loaded at
// their physical addresses) or, with flag 16, a flat image placed by the header's address
// fields. Modules follow the kernel, page aligned; the information structure, the command
// lines and the module list go in low memory at MB_INFO.
const MB_INFO = 0x9000; // info (0x60) + mmap room (0xc0) + module list + strings, below 0x10000

function loadMultiboot(m: Machine, opts: KernelOptions): void {
  const k = opts.kernel;
  const name = `--kernel ${opts.name}`;
  const h = findMultibootHeader(k);
  const flags = u32(k, h + 4);
  // bits 0-15 are requirements: 0 page-aligned modules, 1 memory information, 2 video mode
  // (optional for the loader: ignored); anything else we cannot honour must be refused (§3.1.2)
  if (flags & 0xfff8) throw new ConfigError(`${name}: the multiboot header requires features this loader does not have (flags ${hex(flags)})`);
  let entry: number;
  let end: number;
  if (flags & 0x10000) {
    const headerAddr = u32(k, h + 12), loadAddr = u32(k, h + 16);
    let loadEnd = u32(k, h + 20);
    const bssEnd = u32(k, h + 24);
    entry = u32(k, h + 28);
    const fileStart = h - (headerAddr - loadAddr);
    if (fileStart < 0 || headerAddr < loadAddr) throw new ConfigError(`${name}: the multiboot address fields are inconsistent (header_addr below load_addr)`);
    if (loadEnd === 0) loadEnd = loadAddr + (k.length - fileStart);
    const image = k.subarray(fileStart, fileStart + (loadEnd - loadAddr));
    if (image.length < loadEnd - loadAddr) throw new ConfigError(`${name}: truncated (the header says ${loadEnd - loadAddr} bytes from load_addr)`);
    ramWrite(m, loadAddr, image, name);
    end = loadEnd;
    if (bssEnd > loadEnd) { ramWrite(m, loadEnd, new Uint8Array(bssEnd - loadEnd), name); end = bssEnd; }
  } else {
    if (u32(k, 0) !== 0x464c457f) throw new ConfigError(`${name}: a multiboot header without address fields, and not an ELF file`);
    if (k[4] !== 1 || k[5] !== 1 || u16(k, 18) !== 3) throw new ConfigError(`${name}: not a 32-bit little-endian x86 ELF file`);
    entry = u32(k, 24);
    const phoff = u32(k, 28), phentsize = u16(k, 42), phnum = u16(k, 44);
    if (phoff + phnum * phentsize > k.length) throw new ConfigError(`${name}: truncated ELF program headers`);
    end = 0;
    let loaded = 0;
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize;
      if (u32(k, p) !== 1) continue; // PT_LOAD
      const off = u32(k, p + 4), paddr = u32(k, p + 12), filesz = u32(k, p + 16), memsz = u32(k, p + 20);
      if (off + filesz > k.length) throw new ConfigError(`${name}: truncated (segment ${i} extends past the end of the file)`);
      ramWrite(m, paddr, k.subarray(off, off + filesz), name);
      if (memsz > filesz) ramWrite(m, paddr + filesz, new Uint8Array(memsz - filesz), name);
      end = Math.max(end, paddr + memsz);
      loaded++;
    }
    if (loaded === 0) throw new ConfigError(`${name}: the ELF file has no loadable segment`);
  }

  // the information structure (§3.3)
  const info = new DataView(new ArrayBuffer(0x60));
  let strAt = MB_INFO + 0x60 + 0xc0 + 16 * 16;
  const putString = (s: string): number => {
    const bytes = new TextEncoder().encode(s + "\0");
    const at = strAt;
    if (at + bytes.length > 0x10000) throw new ConfigError(`${name}: the command lines are too long for the multiboot information area`);
    ramWrite(m, at, bytes, "multiboot strings");
    strAt += bytes.length;
    return at;
  };
  let iflags = 0x4 | 0x200; // cmdline, boot_loader_name
  info.setUint32(16, putString(`${opts.name}${opts.append ? " " + opts.append : ""}`), true);
  info.setUint32(64, putString("tab86"), true);
  const mods = opts.initrd ?? [];
  if (mods.length > 16) throw new ConfigError(`--initrd: at most 16 multiboot modules, got ${mods.length}`);
  if (mods.length > 0) {
    let at = Math.ceil(end / 4096) * 4096;
    const list = new DataView(new ArrayBuffer(mods.length * 16));
    mods.forEach((mod, i) => {
      ramWrite(m, at, mod.data, `--initrd ${mod.name}`);
      list.setUint32(i * 16, at, true);
      list.setUint32(i * 16 + 4, at + mod.data.length, true);
      list.setUint32(i * 16 + 8, putString(mod.name), true);
      at = Math.ceil((at + mod.data.length) / 4096) * 4096;
    });
    ramWrite(m, MB_INFO + 0x60 + 0xc0, new Uint8Array(list.buffer), "multiboot module list");
    info.setUint32(20, mods.length, true);
    info.setUint32(24, MB_INFO + 0x60 + 0xc0, true);
    iflags |= 0x8;
  }
  info.setUint32(0, iflags, true); // the BIOS adds the memory fields and the map
  ramWrite(m, MB_INFO, new Uint8Array(info.buffer), "multiboot information");
  m.w32(S.BIOS_KERNEL, 2);
  m.w32(S.BIOS_KERNEL + 4, entry);
  m.w32(S.BIOS_KERNEL + 8, MB_INFO);
  m.w32(S.BIOS_KERNEL + 12, MB_INFO + 0x60);
}

/** One initramfs from several archives (--initrd A,B): the kernel unpacks them one after the
 * other (Documentation/driver-api/early-userspace/buffer-format.rst), each 4-byte aligned, the
 * zero bytes between them skipped. */
export function joinInitrds(parts: Uint8Array[]): Uint8Array {
  const at: number[] = [];
  let n = 0;
  for (const p of parts) { at.push(n); n = Math.ceil((n + p.length) / 4) * 4; }
  const out = new Uint8Array(n);
  parts.forEach((p, i) => out.set(p, at[i]));
  return out;
}
