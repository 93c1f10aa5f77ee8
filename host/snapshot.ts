// Machine snapshots (docs/snapshots.md, DESIGN.md principle 9): save a machine's state between
// run() calls and restore it into a machine of the same configuration, any number of times
// (each restore is an independent machine: a fork).
//
// A snapshot is a copy of the regions of linear memory that hold machine state (core-as/state.ts),
// zero pages left out, deflated, plus the floppy and hard-disk blocks that differ from the images
// the machine was started with. Derived data (TLB, compiled code, the framebuffer, render
// bookkeeping) is not saved: the core's restored() rebuilds it.
//
//   "TAB86SNP"  u32 format version  u32 header length  header (JSON, UTF-8)
//   payload (deflate-raw)  u32 CRC-32 of everything before it
//
// The header says what machine the snapshot fits (RAM, VRAM, clock mode, ROM, state layout,
// floppies and drives with the identity of their images) and how long the payload is. The
// payload, inflated, is a list of sections: u32 tag, u32 count n, n x u32 page or block numbers
// (ascending), n x 4096 bytes. A snapshot is untrusted input: restoreState() checks all of it
// (container, header, every section against the region it names) before it writes anything,
// and a failed check throws SnapshotError naming what is wrong.
//
// Shared by Node and browsers: compression is the platform's CompressionStream("deflate-raw"),
// hashes are crypto.subtle's SHA-256.
import * as S from "../core-as/state.js";
import type { Machine } from "./machine.js";
import { CLOCK_RATE_MIN_NS, CLOCK_RATE_MAX_NS } from "./machine.js";
import { Overlay, BlockDevice, readFrom } from "./blockdev.js";
import { crc32Of } from "./crc32.js";
import { TAB86_VERSION } from "./version.js";

export const SNAPSHOT_MAGIC = "TAB86SNP";
export const SNAPSHOT_FORMAT = 1;
const PAGE = 4096;

/** A snapshot that cannot be restored into this machine, or is not a snapshot; the message says
 * why (the CLI prints it like a configuration error). */
export class SnapshotError extends Error {}

// ---- what is saved: regions of linear memory, by tag (docs/snapshots.md lists what is not)
// size: bytes saved now; limit: bytes a snapshot may write there (restore clears them first)
interface Region { tag: number; name: string; base: number; size: (m: Machine) => number; limit?: number }
const REGIONS: Region[] = [
  { tag: 1, name: "CPU, FPU and device registers", base: S.STATE, size: () => S.DEV_END - S.STATE },
  { tag: 2, name: "debug port ring", base: S.DEBUG_RING, size: () => S.DEBUG_RING_SIZE },
  { tag: 3, name: "serial, keyboard and mouse queues", base: S.QUEUES, size: () => S.QUEUES_END - S.QUEUES },
  { tag: 4, name: "I/O port map", base: S.PORT_MAP, size: () => 0x10000 },
  { tag: 5, name: "MMIO page map", base: S.MMIO_MAP, size: () => 0x100000 },
  { tag: 6, name: "VGA planes", base: S.VGA_MEM, size: () => S.VGA_MEM_SIZE },
  { tag: 7, name: "PCI configuration spaces", base: S.PCI_CONFIG, size: () => 0x2000 },
  // only while a served request's result waits for its owner (DISK_REQ_STATE 2)
  { tag: 8, name: "disk request buffer", base: S.DISK_BUF, size: diskBufLive, limit: S.DISK_BUF_SIZE },
  { tag: 9, name: "IDE channel buffers", base: S.IDE_BUF, size: () => 2 * S.IDE_BUF_SIZE },
  { tag: 10, name: "video memory", base: S.VRAM, size: (m) => m.r32(VBE_VRAM_BYTES) },
  { tag: 11, name: "RAM", base: S.RAM, size: (m) => m.r32(S.MEM_SIZE) },
];
const VBE_VRAM_BYTES = S.DEV_VBE + 0x40; // devices/vbe.ts
// The bytes of DISK_BUF that hold a served request's result not yet taken by its owner (the
// rest is stale, as after any shorter transfer)
function diskBufLive(m: Machine): number {
  return m.r32(S.DISK_REQ_STATE) === 2 ? Math.min(m.r32(S.DISK_REQ_LEN), S.DISK_BUF_SIZE) : 0;
}
// (the VRAM size is configuration: differences() checked that the snapshot's is this machine's)
const regionLimit = (r: Region, m: Machine) => r.limit ?? r.size(m);
const TAG_FLOPPY = 0x100; // + drive 0..1: 4 KiB blocks that differ from the inserted image
const TAG_DISK = 0x200; // + IDE position 0..3: the overlay's changed blocks
const TAG_END = 0;

// Words of the state block that belong to the host running the machine, not to the machine: a
// restore keeps the restoring machine's values (its trace and JIT settings, its JIT's counters
// and table slots, the port trace it drains).
const HOST_WORDS: [number, number][] = [
  [S.CONFIG_FLAGS, 4], [S.TRACE_HEAD, 4], [S.JIT_CONFIG, S.PORT_TRACE_TAIL + 4 - S.JIT_CONFIG],
];
// ...and what a state digest leaves out besides: counters of derived machinery (TLB, JIT),
// per-instruction transients, and the lazy-flag record (the digest takes EFLAGS as computed).
const DIGEST_SKIP: [number, number][] = [
  ...HOST_WORDS, [S.EXIT_REASON, 4], [S.TLB_MISSES, 16], [S.TLB_LIST_LEN, 4], [S.FETCH_BUF, 16],
  [S.INSN_EIP, 8], [S.EFLAGS, S.LF_SRC2 + 4 - S.EFLAGS],
  [S.DEV_VGA + 0x700, 0x30], // the screen description vga_render() writes (its output, and a counter)
];

/** The machine a snapshot fits. */
export interface SnapshotMachine {
  memMiB: number;
  vramMiB: number;
  deterministic: boolean;
  nsPerInstruction: number;
  /** SHA-256 of the ROM image */
  rom: string;
  /** a digest of core-as/state.ts (the addresses every region and field lives at) */
  layout: string;
  floppies: { drive: number; size: number; image: string }[];
  drives: { position: number; kind: "hd" | "cd"; size: number; image: string | null; overlay: boolean }[];
}

export interface SnapshotHeader {
  tab86: string;
  machine: SnapshotMachine;
  instructions: string;
  /** the run loop's pending-check bit (core-as/index.ts restored()) */
  signal: number;
  payloadBytes: number;
}

// ---- hashes and compression (platform APIs, asynchronous)

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
async function sha256(parts: Uint8Array[]): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", concat(parts) as BufferSource));
}

// Through a (De)CompressionStream, at most `limit` bytes out (a hostile payload must not
// inflate without end).
async function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) { await reader.cancel(); throw new Error("too large"); }
    parts.push(value);
  }
  return concat(parts, total);
}

function concat(parts: Uint8Array[], total = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** How the payload is compressed: deflate-raw (RFC 1951) either way; `inflate` gives at most
 * `limit` bytes or throws. */
export interface SnapshotCodec {
  deflate(raw: Uint8Array): Uint8Array | Promise<Uint8Array>;
  inflate(packed: Uint8Array, limit: number): Uint8Array | Promise<Uint8Array>;
}
let codec: SnapshotCodec = {
  deflate: (b) => transform(b, new CompressionStream("deflate-raw")),
  inflate: (b, limit) => transform(b, new DecompressionStream("deflate-raw"), limit),
};
/** Use another deflate-raw implementation: host/node.ts gives Node's zlib, several times faster
 * there than Node's CompressionStream (the files are the same). */
export function setSnapshotCodec(c: SnapshotCodec): void { codec = c; }

const ID_SPAN = 1 << 20;
/** The identity of a disk image: SHA-256 over its size, first and last MiB (a whole image up to
 * 2 MiB). Cheap for a large image and it changes with the partition table, the boot sector,
 * the file system's superblock and its backup. An image read over HTTP fetches those two MiB. */
export async function imageIdentity(dev: BlockDevice): Promise<string> {
  const first = new Uint8Array(Math.min(dev.size, ID_SPAN));
  await readFrom(dev, 0, first);
  const lastLen = Math.min(Math.max(dev.size - ID_SPAN, 0), ID_SPAN);
  const last = new Uint8Array(lastLen);
  if (lastLen) await readFrom(dev, dev.size - lastLen, last);
  return sha256([new TextEncoder().encode(`${dev.size}:`), first, last]);
}

let layoutDigest: Promise<string> | undefined;
function stateLayout(): Promise<string> {
  layoutDigest ??= sha256([new TextEncoder().encode(JSON.stringify(Object.entries(S).sort()))]);
  return layoutDigest;
}

// The image under a drive: an overlay's base (its changes are saved as blocks), else the device.
const baseOf = (dev: BlockDevice) => (dev instanceof Overlay ? dev.base : dev);

async function describe(m: Machine): Promise<SnapshotMachine> {
  const floppies: SnapshotMachine["floppies"] = [];
  for (const drive of [0, 1]) {
    const size = m.core.floppy_size(drive);
    const image = m.floppySource(drive);
    if (size && image) floppies.push({ drive, size, image: await sha256([image]) });
  }
  const drives: SnapshotMachine["drives"] = [];
  for (let position = 0; position < 4; position++) {
    const kind = m.r32(S.DISK_INFO + position * 16 + 8);
    if (kind === S.DISK_KIND_NONE) continue;
    const dev = m.disk(position);
    drives.push({
      position, kind: kind === S.DISK_KIND_ATA ? "hd" : "cd", size: dev ? dev.size : 0,
      image: dev ? await imageIdentity(baseOf(dev)) : null, overlay: dev instanceof Overlay,
    });
  }
  return {
    memMiB: m.r32(S.MEM_SIZE) / 1048576, vramMiB: m.r32(VBE_VRAM_BYTES) / 1048576,
    deterministic: !!m.options.deterministic, nsPerInstruction: m.options.nsPerInstruction ?? 10,
    rom: await sha256([m.u8.subarray(S.ROM, S.ROM + m.r32(S.ROM_SIZE))]), layout: await stateLayout(),
    floppies, drives,
  };
}

// ---- saving

// Sections of the payload, captured synchronously (so a machine that keeps running while the
// payload is compressed is saved as it was at the call).
class SectionWriter {
  readonly parts: Uint8Array[] = [];
  size = 0;
  add(tag: number, numbers: number[], data: Uint8Array[]): void {
    const head = new Uint8Array(8 + numbers.length * 4);
    const dv = new DataView(head.buffer);
    dv.setUint32(0, tag, true);
    dv.setUint32(4, numbers.length, true);
    numbers.forEach((n, i) => dv.setUint32(8 + i * 4, n, true));
    this.parts.push(head, ...data);
    this.size += head.length + data.reduce((n, d) => n + d.length, 0);
  }
  bytes(): Uint8Array { return concat(this.parts, this.size); }
}

const isZero = (b: Uint8Array) => {
  const w = new Uint32Array(b.buffer, b.byteOffset, b.length >> 2);
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
  return true;
};

// Pages of [base, base + size) that are not all zero (copies).
function pagesOf(u8: Uint8Array, base: number, size: number, skipZero = true): { numbers: number[]; data: Uint8Array[] } {
  const numbers: number[] = [], data: Uint8Array[] = [];
  for (let p = 0; p * PAGE < size; p++) {
    const page = u8.subarray(base + p * PAGE, base + (p + 1) * PAGE);
    if (skipZero && isZero(page)) continue;
    numbers.push(p);
    data.push(page.slice());
  }
  return { numbers, data };
}

/** Save the machine's state (between runs). The state is captured at the call; the returned
 * promise resolves with the snapshot file's bytes. */
export async function saveState(m: Machine): Promise<Uint8Array> {
  if (m.r32(S.DISK_REQ_STATE) === 1) throw new SnapshotError("cannot save: a disk request is waiting to be served (save between runs)");
  if (m.r32(S.JIT_PENDING_LEN) !== 0) throw new SnapshotError("cannot save: a compiled block is waiting to be installed (save between runs)");
  const w = new SectionWriter();
  for (const r of REGIONS) {
    const size = r.size(m);
    if (size === 0) continue;
    const { numbers, data } = pagesOf(m.u8, r.base, Math.ceil(size / PAGE) * PAGE);
    w.add(r.tag, numbers, data);
  }
  for (const drive of [0, 1]) {
    const size = m.core.floppy_size(drive);
    const image = m.floppySource(drive);
    if (!size || !image) continue;
    const base = S.FLOPPY + drive * S.FLOPPY_MAX;
    const numbers: number[] = [], data: Uint8Array[] = [];
    for (let b = 0; b * PAGE < size; b++) {
      const now = m.u8.subarray(base + b * PAGE, base + Math.min((b + 1) * PAGE, size));
      const was = image.subarray(b * PAGE, Math.min((b + 1) * PAGE, size));
      if (now.some((v, i) => v !== was[i])) { numbers.push(b); data.push(padPage(now)); }
    }
    w.add(TAG_FLOPPY + drive, numbers, data);
  }
  for (let position = 0; position < 4; position++) {
    const dev = m.disk(position);
    if (!dev) continue;
    if (dev instanceof Overlay) {
      const numbers = dev.blocks();
      w.add(TAG_DISK + position, numbers, numbers.map((n) => padPage(dev.block(n)!)));
    } else if (!dev.readOnly) {
      throw new SnapshotError(`cannot save: the disk at the ${driveName(position)} is written in place (--persist), so a snapshot could not hold its contents`);
    }
  }
  w.add(TAG_END, [], []);
  const raw = w.bytes();
  const signal = m.core.signal_pending();
  const instructions = m.instructions;
  const machine = await describe(m);
  const payload = await codec.deflate(raw);
  const header: SnapshotHeader = { tab86: TAB86_VERSION, machine, instructions: String(instructions), signal, payloadBytes: payload.length };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const file = new Uint8Array(16 + headerBytes.length + payload.length + 4);
  const dv = new DataView(file.buffer);
  for (let i = 0; i < 8; i++) file[i] = SNAPSHOT_MAGIC.charCodeAt(i);
  dv.setUint32(8, SNAPSHOT_FORMAT, true);
  dv.setUint32(12, headerBytes.length, true);
  file.set(headerBytes, 16);
  file.set(payload, 16 + headerBytes.length);
  dv.setUint32(file.length - 4, crc32Of(file.subarray(0, file.length - 4)), true);
  return file;
}

function padPage(b: Uint8Array): Uint8Array {
  if (b.length === PAGE) return b.slice();
  const p = new Uint8Array(PAGE);
  p.set(b);
  return p;
}

const DRIVE_NAMES = ["primary master", "primary slave", "secondary master", "secondary slave"];
const driveName = (p: number) => DRIVE_NAMES[p] ?? `IDE position ${p}`;

// ---- reading and checking

/** The header of a snapshot file, after checking the container (magic, format version,
 * length, checksum). `name` is used in messages. */
export function readHeader(file: Uint8Array, name = "snapshot"): { header: SnapshotHeader; payload: Uint8Array } {
  const magic = String.fromCharCode(...file.subarray(0, 8));
  if (file.length < 16 || magic !== SNAPSHOT_MAGIC) throw new SnapshotError(`${name}: not a tab86 snapshot (no "${SNAPSHOT_MAGIC}" at the start)`);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const format = dv.getUint32(8, true);
  if (format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`${name}: snapshot format ${format}, this tab86 (${TAB86_VERSION}) reads format ${SNAPSHOT_FORMAT}${format > SNAPSHOT_FORMAT ? ": it was made by a newer tab86" : ""}`);
  }
  const headerLen = dv.getUint32(12, true);
  if (16 + headerLen + 4 > file.length) throw new SnapshotError(`${name}: truncated (${file.length} bytes, the header alone needs ${16 + headerLen + 4})`);
  let header: SnapshotHeader;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(file.subarray(16, 16 + headerLen)));
  } catch {
    header = undefined as unknown as SnapshotHeader;
  }
  const expected = header && Number.isSafeInteger(header.payloadBytes) ? 16 + headerLen + header.payloadBytes + 4 : -1;
  if (expected > file.length) throw new SnapshotError(`${name}: truncated (${file.length} bytes of ${expected})`);
  const crc = crc32Of(file.subarray(0, file.length - 4));
  if (crc !== dv.getUint32(file.length - 4, true)) throw new SnapshotError(`${name}: corrupted (checksum mismatch)`);
  if (expected < 0 || !validHeader(header)) throw new SnapshotError(`${name}: corrupted (the header is not a snapshot header)`);
  if (expected !== file.length) throw new SnapshotError(`${name}: corrupted (${file.length - expected} bytes after the end)`);
  return { header, payload: file.subarray(16 + headerLen, file.length - 4) };
}

function validHeader(h: SnapshotHeader): boolean {
  const m = h?.machine;
  const unique = (a: number[]) => new Set(a).size === a.length;
  return typeof h === "object" && typeof h.tab86 === "string" && typeof h.instructions === "string" && /^\d+$/.test(h.instructions) &&
    (h.signal === 0 || h.signal === 1) && typeof m === "object" && m !== null && Array.isArray(m.floppies) && Array.isArray(m.drives) &&
    typeof m.rom === "string" && typeof m.layout === "string" && Number.isFinite(m.memMiB) && Number.isFinite(m.vramMiB) &&
    m.floppies.every((f) => (f?.drive === 0 || f?.drive === 1) && Number.isInteger(f.size) && f.size > 0 && f.size <= S.FLOPPY_MAX && typeof f.image === "string") &&
    unique(m.floppies.map((f) => f.drive)) &&
    m.drives.every((d) => Number.isInteger(d?.position) && d.position >= 0 && d.position < 4 && (d.kind === "hd" || d.kind === "cd") && Number.isSafeInteger(d.size)) &&
    unique(m.drives.map((d) => d.position));
}

// What differs between the machine a snapshot was taken of and this one (empty: it fits).
function differences(saved: SnapshotMachine, now: SnapshotMachine): string[] {
  const out: string[] = [];
  if (saved.layout !== now.layout) out.push("it was made by a tab86 whose machine state is laid out differently");
  if (saved.memMiB !== now.memMiB) out.push(`RAM: the snapshot has ${saved.memMiB} MiB, this machine ${now.memMiB} MiB (--mem ${saved.memMiB})`);
  if (saved.vramMiB !== now.vramMiB) out.push(`video memory: the snapshot has ${saved.vramMiB} MiB, this machine ${now.vramMiB} MiB (--vram ${saved.vramMiB})`);
  if (saved.deterministic !== now.deterministic) out.push(`the snapshot's clock is ${saved.deterministic ? "" : "not "}deterministic, this machine's is ${now.deterministic ? "" : "not"}${saved.deterministic ? " (--deterministic)" : ""}`);
  else if (saved.nsPerInstruction !== now.nsPerInstruction) out.push(`nanoseconds per instruction: ${saved.nsPerInstruction} in the snapshot, ${now.nsPerInstruction} here`);
  if (saved.rom !== now.rom) out.push("the BIOS ROM differs");
  for (const drive of [0, 1]) {
    const a = saved.floppies.find((f) => f.drive === drive), b = now.floppies.find((f) => f.drive === drive);
    const letter = drive ? "B:" : "A:";
    if (a && !b) out.push(`floppy ${letter} the snapshot has a ${a.size}-byte image there, this machine none`);
    else if (!a && b) out.push(`floppy ${letter} the snapshot has no image there, this machine has one`);
    else if (a && b && (a.image !== b.image || a.size !== b.size)) out.push(`floppy ${letter} a different image than the snapshot was taken with`);
  }
  for (let p = 0; p < 4; p++) {
    const a = saved.drives.find((d) => d.position === p), b = now.drives.find((d) => d.position === p);
    const where = `the ${driveName(p)}`;
    if (a && !b) out.push(`${where}: the snapshot has a ${a.kind === "hd" ? "hard disk" : "CD-ROM drive"} there, this machine nothing`);
    else if (!a && b) out.push(`${where}: the snapshot has nothing there, this machine a ${b.kind === "hd" ? "hard disk" : "CD-ROM drive"}`);
    else if (a && b) {
      if (a.kind !== b.kind) out.push(`${where}: a ${a.kind === "hd" ? "hard disk" : "CD-ROM drive"} in the snapshot, a ${b.kind === "hd" ? "hard disk" : "CD-ROM drive"} here`);
      else if (a.size !== b.size || a.image !== b.image) out.push(`${where}: a different image than the snapshot was taken with${a.size !== b.size ? ` (${a.size} bytes then, ${b.size} now)` : ""}`);
    }
  }
  return out;
}

/** Why a snapshot made on `saved` (its header's machine) would not fit this machine, as
 * restoreState would say it (empty: it fits). With `ignoreRam`, a different RAM size is not
 * counted (a host that can make a machine of the snapshot's size asks this first). */
export async function snapshotDifferences(m: Machine, saved: SnapshotMachine, opts: { ignoreRam?: boolean } = {}): Promise<string[]> {
  const now = await describe(m);
  return differences(opts.ignoreRam ? { ...saved, memMiB: now.memMiB } : saved, now);
}

interface Section { tag: number; numbers: Uint32Array; data: Uint8Array }

// Words of the saved state block that the host set up and the guest cannot change (sizes of
// RAM, ROM, VRAM, the drives' images and the floppies, the clock's rate and mode): the core
// trusts them, so a snapshot must have this machine's (a hostile file could otherwise make the
// core reach past the guest's regions).
const FDC_SIZE = (n: number) => S.DEV_FDC + 0x60 + n * 16 + 12; // devices/fdc.ts D_SIZE
const CONFIG_WORDS: [number, string][] = [
  [S.MEM_SIZE, "RAM size"], [S.ROM_SIZE, "ROM size"], [S.NS_PER_INSN_FP, "clock rate"], [S.DETERMINISTIC, "clock mode"],
  [VBE_VRAM_BYTES, "video memory size"], [FDC_SIZE(0), "floppy A: size"], [FDC_SIZE(1), "floppy B: size"],
  ...[0, 1, 2, 3].flatMap((p): [number, string][] => [[S.DISK_INFO + p * 16, `drive ${p} size`], [S.DISK_INFO + p * 16 + 4, `drive ${p} size`], [S.DISK_INFO + p * 16 + 8, `drive ${p} kind`]]),
];
function checkConfigWords(m: Machine, sections: Section[], name: string): void {
  const state = sections.find((s) => s.tag === 1);
  for (const [addr, what] of CONFIG_WORDS) {
    const page = (addr - S.STATE) >> 12;
    const i = state ? state.numbers.indexOf(page) : -1;
    const saved = i < 0 ? 0 : new DataView(state!.data.buffer, state!.data.byteOffset).getUint32(i * PAGE + ((addr - S.STATE) & (PAGE - 1)), true);
    // with the clock on wall time the rate follows the machine's speed (Machine.adaptClockRate):
    // any rate the host could have set is fine
    if (addr === S.NS_PER_INSN_FP && !m.options.deterministic) {
      if (saved >= CLOCK_RATE_MIN_NS * 65536 && saved <= Math.ceil(CLOCK_RATE_MAX_NS * 65536) + 1) continue;
      throw new SnapshotError(`${name}: corrupted (the saved clock rate is out of range)`);
    }
    if (saved !== m.r32(addr)) throw new SnapshotError(`${name}: corrupted (the saved ${what} is not this machine's)`);
  }
}

// The most a payload for this machine can hold: every page of every region, floppy and disk.
function payloadLimit(m: Machine, saved: SnapshotMachine): number {
  const pages = (bytes: number) => Math.ceil(bytes / PAGE) * (PAGE + 4) + 8;
  let n = 8 + REGIONS.reduce((t, r) => t + pages(regionLimit(r, m)), 0);
  for (const f of saved.floppies) n += pages(f.size);
  for (let p = 0; p < 4; p++) n += pages(m.disk(p)?.size ?? 0);
  return n;
}

// Split the inflated payload into sections, checking each against what it may write.
function parseSections(raw: Uint8Array, m: Machine, saved: SnapshotMachine, name: string): Section[] {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const bad = (why: string) => new SnapshotError(`${name}: corrupted (${why})`);
  const out: Section[] = [];
  const seen = new Set<number>();
  let at = 0;
  for (;;) {
    if (at + 8 > raw.length) throw bad("the payload ends inside a section");
    const tag = dv.getUint32(at, true), n = dv.getUint32(at + 4, true);
    at += 8;
    if (tag === TAG_END) {
      if (n !== 0 || at !== raw.length) throw bad("data after the end");
      return out;
    }
    if (seen.has(tag)) throw bad(`section ${tag} twice`);
    seen.add(tag);
    let limit: number; // pages or blocks the section may name
    const region = REGIONS.find((r) => r.tag === tag);
    if (region) limit = regionLimit(region, m) / PAGE;
    else if (tag === TAG_FLOPPY || tag === TAG_FLOPPY + 1) {
      const f = saved.floppies.find((x) => x.drive === tag - TAG_FLOPPY);
      if (!f) throw bad(`blocks for floppy drive ${tag - TAG_FLOPPY}, which had no image`);
      limit = Math.ceil(m.core.floppy_size(f.drive) / PAGE); // (differences() found the sizes equal)
    } else if (tag >= TAG_DISK && tag < TAG_DISK + 4) {
      const dev = m.disk(tag - TAG_DISK);
      if (!dev) throw bad(`blocks for the ${driveName(tag - TAG_DISK)}, which has no disk`);
      if (n > 0 && !(dev instanceof Overlay)) throw new SnapshotError(`${name}: the disk at the ${driveName(tag - TAG_DISK)} changed in the snapshot, and this machine writes that disk in place (--persist): restore it without --persist`);
      limit = Math.ceil(dev.size / Overlay.BLOCK);
    } else throw bad(`unknown section ${tag}`);
    if (n > limit) throw bad(`section ${tag} has ${n} pages, at most ${limit} fit`);
    if (at + n * 4 + n * PAGE > raw.length) throw bad(`section ${tag} is cut short`);
    const numbers = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      numbers[i] = dv.getUint32(at + i * 4, true);
      if (numbers[i] >= limit || (i > 0 && numbers[i] <= numbers[i - 1])) throw bad(`section ${tag}: page ${numbers[i]} out of range or out of order`);
    }
    at += n * 4;
    out.push({ tag, numbers, data: raw.subarray(at, at + n * PAGE) });
    at += n * PAGE;
  }
}

/** Replace the machine's state with a snapshot's. Everything is checked first (container,
 * configuration, every section); on any problem SnapshotError is thrown and the machine is
 * untouched. `name` (the file name) is used in messages. */
export async function restoreState(m: Machine, file: Uint8Array, name = "snapshot"): Promise<SnapshotHeader> {
  const { header, payload } = readHeader(file, name);
  const diff = differences(header.machine, await describe(m));
  if (diff.length) throw new SnapshotError(`${name}: made for a different machine: ${diff.join("; ")}`);
  let raw: Uint8Array;
  try { raw = await codec.inflate(payload, payloadLimit(m, header.machine)); } catch { throw new SnapshotError(`${name}: corrupted (the payload does not inflate to a snapshot)`); }
  // the region sizes that depend on the state come from the snapshot's own state block
  const sections = parseSections(raw, m, header.machine, name);
  checkConfigWords(m, sections, name);
  // ---- nothing was written above this line
  const keep = HOST_WORDS.map(([a, n]) => m.u8.slice(a, a + n));
  const exitPort = m.r32(S.EXIT_PORT);
  for (const r of REGIONS) {
    const sec = sections.find((s) => s.tag === r.tag);
    m.u8.fill(0, r.base, r.base + regionLimit(r, m));
    if (sec) sec.numbers.forEach((p, i) => m.u8.set(sec.data.subarray(i * PAGE, (i + 1) * PAGE), r.base + p * PAGE));
  }
  HOST_WORDS.forEach(([a], i) => m.u8.set(keep[i], a));
  for (const f of header.machine.floppies) {
    const base = S.FLOPPY + f.drive * S.FLOPPY_MAX;
    const image = m.floppySource(f.drive)!;
    m.u8.set(image, base);
    const sec = sections.find((s) => s.tag === TAG_FLOPPY + f.drive);
    sec?.numbers.forEach((b, i) => {
      const n = Math.min(PAGE, image.length - b * PAGE);
      m.u8.set(sec.data.subarray(i * PAGE, i * PAGE + n), base + b * PAGE);
    });
  }
  for (let position = 0; position < 4; position++) {
    const dev = m.disk(position);
    if (!(dev instanceof Overlay)) continue;
    dev.discard();
    const sec = sections.find((s) => s.tag === TAG_DISK + position);
    sec?.numbers.forEach((b, i) => dev.setBlock(b, sec.data.subarray(i * PAGE, (i + 1) * PAGE)));
  }
  // the exit port is the restoring host's setting (--exit-port), not the snapshot's
  const savedExit = m.r32(S.EXIT_PORT);
  if (savedExit <= 0xffff && m.u8[S.PORT_MAP + savedExit] === EXIT_PORT_DEVICE) m.u8[S.PORT_MAP + savedExit] = 0;
  m.w32(S.EXIT_PORT, 0xffffffff);
  m.core.restored(header.signal);
  if (exitPort <= 0xffff) m.core.exit_port_set(exitPort);
  return header;
}
const EXIT_PORT_DEVICE = 12; // core-as/bus/portwatch.ts PORT_DEV_EXIT

// ---- comparing machines

/** SHA-256 of the machine's state as a snapshot holds it, without what differs between equal
 * machines (counters of the TLB and JIT, host settings, per-instruction transients; the lazy
 * flags are taken as EFLAGS). Two machines that ran the same instructions from the same state
 * have the same digest, whether or not one of them was restored in between or used the JIT. Render the display (screenText, screenPixels) on both first:
 * drawing consumes render bookkeeping in the device registers. */
export async function stateDigest(m: Machine): Promise<string> {
  const parts: Uint8Array[] = [];
  const eflags = new Uint8Array(4);
  new DataView(eflags.buffer).setUint32(0, m.core.eflags(), true);
  parts.push(eflags);
  for (const r of REGIONS) {
    const bytes = m.u8.slice(r.base, r.base + r.size(m));
    if (r.tag === 1) for (const [a, n] of DIGEST_SKIP) bytes.fill(0, a - S.STATE, a - S.STATE + n);
    parts.push(new TextEncoder().encode(`${r.tag}:${bytes.length}:`), bytes);
  }
  for (const drive of [0, 1]) {
    const size = m.core.floppy_size(drive);
    parts.push(m.u8.subarray(S.FLOPPY + drive * S.FLOPPY_MAX, S.FLOPPY + drive * S.FLOPPY_MAX + size));
  }
  for (let p = 0; p < 4; p++) {
    const dev = m.disk(p);
    if (dev instanceof Overlay) for (const b of dev.blocks()) parts.push(new TextEncoder().encode(`${p}:${b}:`), dev.block(b)!);
  }
  return sha256(parts);
}
