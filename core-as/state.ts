// The one table of where every piece of machine state lives in Wasm linear memory.
//
// This file is compiled by AssemblyScript into the core AND imported by the TypeScript host,
// so it may only contain `export const NAME = <integer expression>;` lines. The interpreter,
// (later) JIT code, host views and snapshots all read these same bytes.
//
// Linear memory map (addresses are byte offsets into the Wasm memory):
//
//   0x0000_0000  +--------------------------+
//                | null guard (unused)      |
//   0x0000_1000  +--------------------------+
//                | STATE: CPU, bus, clock   |  this table
//   0x0000_2000  +--------------------------+
//                | DEV_*: device registers  |  one block per PC device
//   0x0000_4000  +--------------------------+
//                | DEBUG_RING (port 0xE9)   |  64 KiB ring, drained by the host
//   0x0001_0000  +--------------------------+
//                | AssemblyScript statics   |  decode tables (asconfig memoryBase)
//   0x0004_0000  +--------------------------+
//                | QUEUES: host <-> devices |  serial, keyboard, mouse
//   0x0006_0000  | PORT_WATCH, PORT_TRACE   |  ports whose writes are recorded (--trace-port), the record ring
//   0x0008_0000  | JIT_SLOTS, _SERIALS      |  the JIT's function table slots (core-as/jit/)
//   0x0010_0000  +--------------------------+
//                | TLB: 1 Mi x u32          |  one entry per linear 4 KiB page
//   0x0050_0000  +--------------------------+
//                | TLB_LIST: filled pages   |  so a flush clears only what was filled
//   0x0051_0000  +--------------------------+
//                | PORT_MAP: 64 Ki x u8     |  device id per I/O port
//   0x0052_0000  +--------------------------+
//                | MMIO_MAP: 1 Mi x u8      |  device id per 4 KiB physical page (below 4 GiB)
//   0x0062_0000  +--------------------------+
//                | TRACE: last instructions |  ring of (CS:EIP, bytes) for --trace-cpu and the dump
//   0x0063_0000  +--------------------------+
//                | ROM (up to 1 MiB)        |  the BIOS image
//   0x0074_0000  +--------------------------+
//                | VGA_MEM: 4 planes x 64K  |  video memory
//   0x0078_0000  +--------------------------+
//                | VGA_TEXT, PCI_CONFIG     |  rendered text cells, PCI config spaces
//   0x007A_0000  | DISK_BUF: 128 KiB        |  sectors of the posted disk request
//   0x007C_0000  | IDE_BUF: 2 x 64 KiB      |  the IDE channels' data buffers (PIO, DMA chunks)
//                | VRAM_DIRTY, VRAM_WLIST   |  VRAM pages written since the last render, TLB entries to re-protect
//   0x007E_0000  | JIT_BUF: 64 KiB          |  the Wasm module the host compiles next
//   0x0080_0000  +--------------------------+
//                | FLOPPY: 2 x 3 MiB        |  the images in drives A: and B:
//   0x00E0_0000  | JIT_CODE_PAGES: 1 MiB    |  a byte per 4 KiB host page: blocks compiled from it
//   0x00F0_0000  | JIT_CACHE: 512 KiB       |  compiled blocks by entry (core-as/jit/)
//   0x0100_0000  +--------------------------+
//                | FRAMEBUFFER: 16 MiB RGBA |  what the display shows, for the host
//   0x0200_0000  +--------------------------+
//                | VRAM: up to 64 MiB       |  SVGA video memory (Bochs VBE, the PCI VGA's BAR0)
//   0x0600_0000  +--------------------------+
//                | guest RAM (mem_size)     |
//                +--------------------------+

// ---- general registers: 8 x u32 in the Intel encoding order (EAX ECX EDX EBX ESP EBP ESI EDI).
// 8-bit registers AL..BL are the low byte of reg 0..3, AH..BH the second byte (little endian).
export const STATE = 0x1000;
export const REGS = 0x1000;
export const REG_EAX = 0x1000;
export const REG_ECX = 0x1004;
export const REG_EDX = 0x1008;
export const REG_EBX = 0x100c;
export const REG_ESP = 0x1010;
export const REG_EBP = 0x1014;
export const REG_ESI = 0x1018;
export const REG_EDI = 0x101c;
export const EIP = 0x1020;
// EFLAGS bits that are not lazily computed, and the lazy ones when LF_MASK says they are not lazy.
export const EFLAGS = 0x1024;
// Lazy arithmetic flags (Bochs-style): the last flag-setting operation, its size and operands.
// LF_MASK is the set of flags (CF PF AF ZF SF OF bits) currently held lazily.
export const LF_MASK = 0x1028;
export const LF_OP = 0x102c;
export const LF_SIZE = 0x1030; // sign bit position: 7, 15 or 31
export const LF_RES = 0x1034;
export const LF_SRC1 = 0x1038;
export const LF_SRC2 = 0x103c;

// ---- segment registers. Index order: ES CS SS DS FS GS (the sreg encoding), then LDTR (6), TR (7).
// Each has a visible selector and a hidden descriptor cache (SDM vol.3 §3.4.3).
export const SEG_SEL = 0x1040; // 8 x u32
export const SEG_BASE = 0x1060; // 8 x u32
export const SEG_LIMIT = 0x1080; // 8 x u32, byte-granular (G already applied)
export const SEG_ATTR = 0x10a0; // 8 x u32: descriptor bits 40..55 shifted down by 8 (type, S, DPL, P, AVL, D/B, G)
// Derived from limit + attr when a segment is loaded: the lowest and highest valid offset,
// and whether reads/writes are allowed (SEG_OK bits), so an access checks two compares.
export const SEG_MIN = 0x10c0; // 8 x u32
export const SEG_MAX = 0x10e0; // 8 x u32
export const SEG_OK = 0x1100; // 8 x u32: bit0 readable, bit1 writable, bit2 usable

export const GDTR_BASE = 0x1120;
export const GDTR_LIMIT = 0x1124;
export const IDTR_BASE = 0x1128;
export const IDTR_LIMIT = 0x112c;

// ---- control, debug and model-specific registers
export const CR0 = 0x1130;
export const CR2 = 0x1134;
export const CR3 = 0x1138;
export const CR4 = 0x113c;
export const DR = 0x1140; // DR0..DR7, 8 x u32
export const CPL = 0x1160;
// Cached mode bits, recomputed when CR0, EFLAGS.VM or CS change:
// bit0 protected, bit1 v86, bit2 code32 (CS.D), bit3 stack32 (SS.B), bit4 paging
export const MODE = 0x1164;
export const HALTED = 0x1168; // 1 after hlt until an interrupt
export const INHIBIT = 0x116c; // interrupt shadow after mov ss / pop ss / sti (SDM vol.3 §6.8.3)
export const MSR_SYSENTER_CS = 0x1170;
export const MSR_SYSENTER_ESP = 0x1174;
export const MSR_SYSENTER_EIP = 0x1178;
export const MSR_APIC_BASE = 0x117c; // low 32 bits
export const TSC_OFFSET = 0x1180; // i64: tsc = icount + offset (written by wrmsr 0x10)
export const PDPTE = 0x1188; // 4 x u64: PAE page-directory pointers, loaded with CR3 (SDM vol.3 §4.4.1)
export const MSR_MISC_ENABLE = 0x11a8;
export const MSR_BIOS_SIGN = 0x11ac;
export const MTRR_DEF_TYPE = 0x11b0;
export const MSR_PAT = 0x11b8; // u64

// ---- pending exception (set by raise(), consumed by the step loop)
export const EXC_VECTOR = 0x11c0;
export const EXC_ERROR = 0x11c4;
export const EXC_HAS_ERROR = 0x11c8;
export const EXC_NESTING = 0x11cc; // 0 normal, 1 delivering an exception, 2 delivering #DF
export const INSN_EIP = 0x11d0; // EIP of the instruction being executed (faults restart here)
export const INSN_ESP = 0x11d4; // ESP at the start of the instruction (restored on a fault)

// ---- bus
export const MEM_SIZE = 0x1200; // bytes of guest RAM
export const ROM_SIZE = 0x1204; // bytes of BIOS ROM
export const A20_MASK = 0x1208; // 0xFFFFFFFF with A20 on, 0xFFEFFFFF off
export const PORT92 = 0x120c; // system control port A
export const POST_CODE = 0x1210; // last byte written to port 0x80
export const INTR = 0x1214; // the interrupt line from the (future) PIC: nonzero = asserted
export const NMI = 0x1218; // NMI pending
export const RESET_REQ = 0x121c; // a device asked for a CPU reset
export const DEBUG_HEAD = 0x1220; // write index into DEBUG_RING (free running)
export const DEBUG_TAIL = 0x1224; // read index (owned by the host)

// ---- clock (SDM-independent): virtual time in nanoseconds
export const ICOUNT = 0x1240; // u64 instructions retired
export const CLOCK_NS = 0x1248; // u64 virtual time at ICOUNT_BASE
export const ICOUNT_BASE = 0x1250; // u64
export const NS_PER_INSN_FP = 0x1258; // u32 fixed point 16.16 nanoseconds per instruction
export const DETERMINISTIC = 0x125c;
export const EVENTS = 0x1260; // EVENT_SLOTS x u64 deadlines (0 = unused)
export const EVENT_SLOTS = 16;
export const HALT_UNTIL = 0x12e0; // u64 deadline reported with a halt exit

// ---- diagnostics and counters (reported by --stats)
export const EXIT_REASON = 0x1300;
export const FATAL_CODE = 0x1304;
export const TLB_MISSES = 0x1308; // u64
export const TLB_FLUSHES = 0x1310; // u64
export const TLB_LIST_LEN = 0x1318;
export const TRACE_HEAD = 0x131c;
export const CONFIG_FLAGS = 0x1320; // bit0: triple fault stops the run instead of resetting; bit1: instruction trace (TRACE)
export const PAGE_FAULTS = 0x1328; // u64
export const TRIPLE_FAULTS = 0x1330;
export const CPUID_SIG = 0x1334;

// ---- disk requests (core-as/bus/disk.ts). A device or a BIOS service that needs bytes of a
// disk image posts one request here; run() then exits with EXIT_DISK, the host's block device
// (host/blockdev.ts) moves the bytes between the image and DISK_BUF and calls disk_done(). The
// machine does not run while a request is posted, so one slot is enough.
export const DISK_REQ_STATE = 0x1340; // 0 idle, 1 posted (the host must serve it), 2 done (result below)
export const DISK_REQ_OWNER = 0x1344; // who posted it: DISK_OWNER_*
export const DISK_REQ_DRIVE = 0x1348; // 0..3: IDE primary master, primary slave, secondary master, secondary slave
export const DISK_REQ_OP = 0x134c; // DISK_READ (image -> DISK_BUF) or DISK_WRITE (DISK_BUF -> image)
export const DISK_REQ_OFFSET = 0x1350; // u64: byte offset in the image
export const DISK_REQ_LEN = 0x1358; // bytes, 1 .. DISK_BUF_SIZE
export const DISK_REQ_STATUS = 0x135c; // DISK_OK or DISK_ERR_*

// ---- the built-in BIOS (bios/*.ts)
export const BIOS_BOOT_ORDER = 0x1388; // u32: boot devices, one per nibble from the low end (1 = A:, 0 = end)
export const BIOS_WAIT_UNTIL = 0x1390; // u64: virtual time an INT 15h/86h wait ends (0 = none)
export const BIOS_FLAGS = 0x1398; // u32: bit0 INT 16h was called, bit1 the guest waits for a key (the host clears it; --send types then), bits 8-15 empty INT 16h peeks in a row
export const BIOS_SCRATCH = 0x13a0; // 0x20 bytes: scratch for BIOS services (an E820 entry)

export const FETCH_BUF = 0x13d0; // 16 bytes + padding: code bytes read ahead by the decoder near a page end

// ---- MTRRs (SDM vol.3 §11.11): stored and read back; with no caches to control they have no
// other effect (CPUID reports MTRR so firmware and operating systems may program them)
export const MTRR_VAR = 0x1400; // 8 x (PhysBase u64, PhysMask u64): MSRs 0x200..0x20F
export const MTRR_FIX = 0x1480; // 11 x u64: MSRs 0x250, 0x258, 0x259, 0x268..0x26F

// The drives the host attached, 4 x 16 bytes: u64 size in bytes, u32 kind (DISK_KIND_*),
// u32 flags (DISK_FLAG_*). Written by the host (Machine.attachDisk), read by IDE and the BIOS.
export const DISK_INFO = 0x1500;
export const DISK_DRIVES = 4;
// BIOS disk services (bios/diskio.ts): a BIOS call that moves disk data runs again after each
// request the host serves; these say how far it got: u32 transfers finished in this call, u32
// bytes done of the current one.
export const BIOS_IO = 0x1540;
// El Torito CD emulation (bios/eltorito.ts), 0x20 bytes: u8 active, u8 media type (1..3 floppy,
// 4 hard disk), u8 emulated drive number, u8 IDE drive of the CD, u32 image LBA (2048-byte
// sectors), u16 load segment, u16 sector count, u8 system type, u8 CD lock count (INT 13h/45h)
export const BIOS_CDEMU = 0x1548;
// Direct kernel boot (--kernel, bios/kernel.ts; host/kernel.ts loads it), 0x20 bytes: u32 kind
// (0 none, 1 Linux boot protocol, 2 multiboot), then for Linux: u32 real-mode segment, u32
// stack pointer; for multiboot: u32 entry point, u32 multiboot information address
export const BIOS_KERNEL = 0x1568;
// INT 14h (bios/system.ts): u64 virtual time a wait for the serial port ends (0 = not waiting)
export const BIOS_SERIAL_UNTIL = 0x1588;

// Ports the host watches (core-as/bus/portwatch.ts). Every write to a port whose bit is set in
// PORT_WATCH is appended to PORT_TRACE_RING (entries of 8 bytes: u32 value, u16 port, u8 size
// in bytes, u8 0); the host drains it (--trace-port). A write to the exit port (isa-debug-exit,
// --exit-port) stores its value in GUEST_EXIT_VALUE and sets GUEST_EXIT_REQ; run() then returns
// EXIT_GUEST_EXIT.
export const PORT_TRACE_HEAD = 0x15e8; // write index, entries (free running)
export const PORT_TRACE_TAIL = 0x15ec; // read index (owned by the host)
export const GUEST_EXIT_REQ = 0x15f0; // 1: the guest wrote the exit port, run() returns EXIT_GUEST_EXIT
export const GUEST_EXIT_VALUE = 0x15f4; // the value written (8, 16 or 32 bits as the access was)
export const EXIT_PORT = 0x15f8; // the exit port's number, 0xFFFFFFFF when there is none

// ---- the basic-block JIT (core-as/jit/, docs/jit.md): switches, the handoff to the host and
// the counters --stats reports
export const JIT_CONFIG = 0x1590; // bit0 on, bit1 forced (compile every block at its first execution)
export const JIT_COMPILED = 0x1594; // modules compiled
export const JIT_BYTES = 0x1598; // u64 bytes of Wasm emitted
export const JIT_ENTRIES = 0x15a0; // u64 entries into compiled code
export const JIT_INSNS = 0x15a8; // u64 instructions run in compiled code
export const JIT_INVALIDATIONS = 0x15b0; // compiled blocks dropped because their page was written
export const JIT_EVICTIONS = 0x15b4; // compiled blocks dropped because the table was full
export const JIT_EXITS = 0x15b8; // 4 x u32 exits by reason: JIT_EXIT_*
export const JIT_PENDING_LEN = 0x15c8; // bytes of the module waiting in JIT_BUF (0 = none)
export const JIT_PENDING_SLOT = 0x15cc; // the table slot it goes to
export const JIT_SLOT_BASE = 0x15d0; // first table index the JIT may use (set by the host)
export const JIT_SLOT_COUNT = 0x15d4; // how many
export const JIT_FLUSHES = 0x15d8; // whole-cache flushes (the host wrote memory, state restored)
export const JIT_LAST_EXIT = 0x15dc; // why the last block returned (JIT_EXIT_*), written by compiled code
export const TLB_RMASK_NOW = 0x15e0; // the TLB masks of cpu/tlb.ts (TLB_RMASK, TLB_WMASK) for compiled code
export const TLB_WMASK_NOW = 0x15e4;

export const STATE_END = 0x1600;

// ---- x87 FPU (cpu/fpu/, cpu/ops/x87.ts; SDM vol.1 §8.1). The data registers by physical
// number R0..R7 (ST(i) is R[(TOP + i) & 7]), each 16 bytes: the 64-bit significand (explicit
// integer bit 63) at +0, sign (bit 15) and biased exponent (bits 0-14) as a u16 at +8, +10..15
// zero. Only empty/non-empty is kept per register (FPU_FULL): the full tag word FSTENV and
// FSAVE store is derived from the contents, as the P6 does.
export const FPU_STATE = 0x1800;
export const FPU_REGS = 0x1800; // 8 x 16 bytes
export const FPU_CW = 0x1880; // control word (u32, low 16 bits)
export const FPU_SW = 0x1884; // status word with the TOP field (bits 11-13) zero: TOP is in FPU_TOP
export const FPU_TOP = 0x1888; // 0..7
export const FPU_FULL = 0x188c; // bit i set: physical register Ri is not empty
export const FPU_FIP = 0x1890; // last instruction pointer: offset (the EIP of its first prefix)
export const FPU_FCS = 0x1894; // ... and CS selector
export const FPU_FOP = 0x1898; // last opcode: 11 bits, (first opcode byte & 7) << 8 | ModRM
export const FPU_FDP = 0x189c; // last data (memory operand) pointer: offset
export const FPU_FDS = 0x18a0; // ... and segment selector
export const FPU_IGNNE = 0x18a4; // 1 after an OUT to port 0xF0 while FERR# is asserted: ignore the error
export const FPU_FERR = 0x18a8; // 1 while FERR# drives IRQ 13 (legacy error reporting, CR0.NE=0)
export const FPU_END = 0x18c0;

// ---- PC device state blocks (issue: the PC platform). Each device keeps all of its registers
// in its block; the layout inside a block is documented at the top of the device's file.
export const DEV_PIC = 0x2000; // 0x100: two 8259A (master, slave) and the ELCR
export const DEV_PIT = 0x2100; // 0x100: 8254 channels 0-2, port 0x61
export const DEV_RTC = 0x2200; // 0x200: MC146818 registers, 128 bytes of CMOS (+128 extended)
export const DEV_KBC = 0x2400; // 0x200: 8042 controller, PS/2 keyboard and mouse, their queues
export const DEV_DMA = 0x2600; // 0x100: two 8237A and the page registers
export const DEV_UART = 0x2700; // 4 x 0x80: 16550A COM1..COM4 (FIFOs inside)
export const DEV_UART_SIZE = 0x80;
export const DEV_FDC = 0x2900; // 0x100: 82077AA
export const DEV_PCI = 0x2a00; // 0x400: configuration address and the functions' config spaces
export const DEV_VGA = 0x2e00; // 0x800: VGA registers
export const DEV_IDE = 0x3600; // 0x400: two IDE channels
export const DEV_VBE = 0x3a00; // 0x100: Bochs VBE (DISPI) registers, LFB mapping, render bookkeeping (devices/vbe.ts)
export const DEV_END = 0x4000;

export const DEBUG_RING = 0x4000;
export const DEBUG_RING_SIZE = 0xc000;

// Host <-> device queues (bytes; each a ring with a u32 head and tail at its start, see
// bus/queue.ts): serial output per COM port, serial input, keyboard and mouse input.
export const QUEUES = 0x40000;
export const QUEUE_SERIAL_OUT = 0x40000; // 4 x 0x4000 (COM1..COM4 transmit to the host)
export const QUEUE_SERIAL_IN = 0x50000; // 4 x 0x1000 (host to COM1..COM4 receive)
export const QUEUE_KEYS = 0x54000; // 0x1000: scancodes (set 2 make/break) from the host keyboard
export const QUEUE_MOUSE = 0x55000; // 0x1000: mouse packets from the host (dx, dy, buttons, wheel)
export const QUEUES_END = 0x60000;

export const TLB = 0x100000;
export const TLB_LIST = 0x500000;
export const TLB_LIST_MAX = 0x4000; // entries (u32 page numbers)
export const PORT_MAP = 0x510000;
export const MMIO_MAP = 0x520000;
// The instruction trace (CONFIG_FLAGS bit 1, --trace-cpu): TRACE_LEN entries of TRACE_ENTRY
// bytes, written as each instruction is decoded (cpu/cpu.ts): u32 linear address (CS base +
// EIP), u32 EIP, u16 CS selector, u8 length (0: the fetch faulted), u8 bits (16 or 32), u32 0,
// then the 16 code bytes the decoder read (zero past what could be fetched).
export const TRACE = 0x620000;
export const TRACE_LEN = 0x800;
export const TRACE_ENTRY = 0x20;
export const ROM = 0x630000;
export const ROM_MAX = 0x100000;
export const VGA_MEM = 0x740000;
export const VGA_MEM_SIZE = 0x40000;
export const VGA_TEXT = 0x780000; // 0x4000: text cells (character, attribute) from vga_render() (devices/vga_text.ts)
export const PCI_CONFIG = 0x784000; // 0x2000: PCI functions' config spaces and write masks (devices/pci.ts)
export const DISK_BUF = 0x7a0000; // 0x20000: sector data of the posted disk request (DISK_REQ_*)
export const DISK_BUF_SIZE = 0x20000;
export const IDE_BUF = 0x7c0000; // 2 x 0x10000: channel n's transfer buffer at IDE_BUF + n * IDE_BUF_SIZE (devices/ide.ts)
export const IDE_BUF_SIZE = 0x10000;
export const VRAM_DIRTY = 0x786000; // 0x4000: a byte per 4 KiB page of VRAM, nonzero = written since the last render (devices/vbe.ts)
export const VRAM_WLIST = 0x78a000; // 0x1000: linear pages whose TLB entry lets the CPU write VRAM directly (devices/vbe.ts)
export const VRAM_WLIST_MAX = 0x400;
export const PORT_WATCH = 0x60000; // 0x2000: a bit per I/O port, set = record its writes (bus/portwatch.ts)
export const PORT_TRACE_RING = 0x62000; // PORT_TRACE_SIZE entries of 8 bytes (PORT_TRACE_HEAD)
export const PORT_TRACE_SIZE = 0x1000;
// The JIT (core-as/jit/cache.ts): JIT_CACHE_N entries of 32 bytes keyed by the entry's host
// address, EIP and mode; JIT_SLOTS holds, per table slot, the cache entry using it (+1, 0 free).
export const JIT_CACHE = 0xf00000; // JIT_CACHE_N x 32 bytes
export const JIT_CACHE_N = 16384;
export const JIT_SLOTS = 0x80000; // up to JIT_SLOTS_MAX x u32
export const JIT_SLOTS_MAX = 4096;
export const JIT_SLOT_SERIALS = 0x84000; // JIT_SLOTS_MAX x u32: the serial number of the module in each slot (0 free)
export const JIT_BUF = 0x7e0000;
export const JIT_BUF_SIZE = 0x10000;
export const JIT_CODE_PAGES = 0xe00000; // one byte per 4 KiB host page, the whole 4 GiB (RAM goes up to 0xC6000000)
export const FLOPPY = 0x800000; // drive n at FLOPPY + n * FLOPPY_MAX
export const FLOPPY_MAX = 0x300000;
export const FRAMEBUFFER = 0x1000000;
export const FRAMEBUFFER_SIZE = 0x1000000;
// SVGA video memory: the Bochs VBE modes' pixels, seen through the banked window at A0000 and
// the linear framebuffer (PCI BAR0). VRAM_MAX bytes are reserved; the size the guest sees
// (a power of two, 4..64 MiB, default 16) is in the DEV_VBE block. The 256 KiB of VGA planes
// stay in VGA_MEM.
export const VRAM = 0x2000000;
export const VRAM_MAX = 0x4000000;
export const RAM = 0x6000000;

// ---- exit reasons returned by run()
export const EXIT_BUDGET = 0; // the instruction budget is spent
export const EXIT_HALT = 1; // hlt with nothing to do until HALT_UNTIL (0 = forever: IF clear)
export const EXIT_RESET = 2; // the guest reset the machine (port 0x92, 0xCF9, 8042)
export const EXIT_TRIPLE_FAULT = 3; // a triple fault, with CONFIG_FLAGS bit0 set
export const EXIT_FATAL = 4; // an emulator error; FATAL_CODE says which
export const EXIT_DEBUG_FULL = 5; // the debug ring needs draining
export const EXIT_DISK = 6; // a disk request is posted (DISK_REQ_*): serve it, call disk_done(), run on
export const EXIT_GUEST_EXIT = 7; // the guest wrote the exit port: GUEST_EXIT_VALUE (isa-debug-exit)
export const EXIT_JIT = 8; // a Wasm module is waiting in JIT_BUF: compile it, put it at JIT_PENDING_SLOT, call jit_installed(), run on
// JIT exit reasons (JIT_EXITS counters)
export const JIT_EXIT_BRANCH = 0; // control left the block (a branch to code outside it, or its end)
export const JIT_EXIT_BUDGET = 1; // the instruction budget or the next device deadline
export const JIT_EXIT_HELPER = 2; // an instruction run by the interpreter faulted, signalled or changed mode/paging/code

// ---- disk request values (DISK_REQ_*, DISK_INFO)
export const DISK_OWNER_BIOS = 1; // a BIOS service (INT 13h, boot): it re-executes and finds the result
export const DISK_OWNER_IDE0 = 2; // the primary IDE channel (devices/ide*.ts)
export const DISK_OWNER_IDE1 = 3; // the secondary IDE channel
export const DISK_READ = 1;
export const DISK_WRITE = 2;
export const DISK_OK = 0;
export const DISK_ERR_RANGE = 1; // outside the image
export const DISK_ERR_IO = 2; // the backend failed (a file or network error)
export const DISK_ERR_READONLY = 3; // a write to a read-only medium
export const DISK_KIND_NONE = 0;
export const DISK_KIND_ATA = 1; // a hard disk, 512-byte sectors
export const DISK_KIND_ATAPI = 2; // a CD-ROM drive, 2048-byte sectors
export const DISK_FLAG_MEDIUM = 1; // a medium is present (always for a hard disk)
export const DISK_FLAG_CHANGED = 2; // the medium changed since the device last looked (CD)
export const DISK_FLAG_READONLY = 4;

// ---- the MODE bits
export const MODE_PE = 1;
export const MODE_VM = 2;
export const MODE_CODE32 = 4;
export const MODE_STACK32 = 8;
export const MODE_PG = 16;
export const MODE_FLAT = 32; // ES, SS and DS: base 0, offsets 0..4G, read/write (compiled code skips their checks)
