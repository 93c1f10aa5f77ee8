// Disks on the host side (DESIGN.md principle 10): every image is a BlockDevice, whatever holds
// its bytes. The core never sees one; it posts requests (core-as/bus/disk.ts) that the Machine
// serves from the device attached to the drive.
//
// Backends: memory (here), a file (host/node.ts), HTTP range requests (host/httpdisk.ts), a
// key-value store such as IndexedDB (host/blockstore.ts). Most are synchronous. One whose
// bytes are not at hand (HTTP) says `async` and serves readAsync/writeAsync; the machine then
// has to be run with Machine.runAsync (the Runner does), which awaits the request while the
// core waits (run() returned EXIT_DISK, the request stays posted until disk_done()).
//
// An Overlay is copy-on-write over any device, including another Overlay (stacking): the
// guest's writes land in 4 KiB blocks in memory, the base is never written. Its changes can be
// saved (host/overlayfile.ts), written into the base (commit), or dropped (discard).
import { encodeOverlay, decodeOverlay } from "./overlayfile.js";

export interface BlockDevice {
  /** bytes */
  readonly size: number;
  /** writes are refused (the guest sees a write-protect error) */
  readonly readOnly: boolean;
  /** the bytes are not all at hand: read()/write() may throw, readAsync/writeAsync work */
  readonly async?: boolean;
  /** fill dest with the bytes at offset (offset + dest.length <= size) */
  read(offset: number, dest: Uint8Array): void;
  /** store src at offset (offset + src.length <= size) */
  write(offset: number, src: Uint8Array): void;
  readAsync?(offset: number, dest: Uint8Array): Promise<void>;
  writeAsync?(offset: number, src: Uint8Array): Promise<void>;
}

/** Read through readAsync when the device has it, else read(). */
export async function readFrom(dev: BlockDevice, offset: number, dest: Uint8Array): Promise<void> {
  if (dev.readAsync) return dev.readAsync(offset, dest);
  dev.read(offset, dest);
}

/** Write through writeAsync when the device has it, else write(). */
export async function writeTo(dev: BlockDevice, offset: number, src: Uint8Array): Promise<void> {
  if (dev.writeAsync) return dev.writeAsync(offset, src);
  dev.write(offset, src);
}

/** An image held in memory (tests, images built on the fly, the browser's file picker). */
export class MemoryDisk implements BlockDevice {
  readonly bytes: Uint8Array;
  readonly readOnly: boolean;
  constructor(bytes: Uint8Array, readOnly = false) {
    this.bytes = bytes;
    this.readOnly = readOnly;
  }
  get size(): number { return this.bytes.length; }
  read(offset: number, dest: Uint8Array): void { dest.set(this.bytes.subarray(offset, offset + dest.length)); }
  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new Error("a read-only memory disk cannot be written");
    this.bytes.set(src, offset);
  }
}

// A piece of a transfer: `n` bytes at `pos` in the device, `at` in the caller's buffer; `data`
// is the changed block holding them (at `from`), or undefined when they are the base's.
interface Span { pos: number; at: number; n: number; data?: Uint8Array; from: number }

/** Copy-on-write over another device: the guest's writes land in memory, block by block, and
 * the base is never written. blocks() lists what changed (for saving or committing later). */
export class Overlay implements BlockDevice {
  static readonly BLOCK = 4096;
  readonly base: BlockDevice;
  readonly readOnly = false;
  protected readonly changed = new Map<number, Uint8Array>();
  constructor(base: BlockDevice) { this.base = base; }
  get size(): number { return this.base.size; }
  get async(): boolean { return !!this.base.async; }

  /** An overlay over `base` holding the blocks where `image` (the same size) differs: what the
   * guest changed in an image it held whole (a floppy lives in the core's memory). */
  static diff(base: BlockDevice, image: Uint8Array): Overlay {
    if (image.length !== base.size) throw new Error(`an image of ${image.length} bytes cannot be compared with a base of ${base.size}`);
    const ov = new Overlay(base);
    const orig = new Uint8Array(Overlay.BLOCK);
    for (let start = 0; start < image.length; start += Overlay.BLOCK) {
      const n = Math.min(Overlay.BLOCK, image.length - start);
      base.read(start, orig.subarray(0, n));
      const now = image.subarray(start, start + n);
      for (let i = 0; i < n; i++) {
        if (now[i] !== orig[i]) { ov.write(start, now); break; }
      }
    }
    return ov;
  }

  read(offset: number, dest: Uint8Array): void {
    for (const s of this.spans(offset, dest.length)) {
      if (s.data) dest.set(s.data.subarray(s.from, s.from + s.n), s.at);
      else this.base.read(s.pos, dest.subarray(s.at, s.at + s.n));
    }
  }

  async readAsync(offset: number, dest: Uint8Array): Promise<void> {
    // the base's pieces at once, so a network backend can fetch them together
    await Promise.all(this.spans(offset, dest.length).map((s) => {
      if (!s.data) return readFrom(this.base, s.pos, dest.subarray(s.at, s.at + s.n));
      dest.set(s.data.subarray(s.from, s.from + s.n), s.at);
      return undefined;
    }));
  }

  write(offset: number, src: Uint8Array): void {
    this.eachBlock(offset, src.length, (block, from, at, n) => {
      let data = this.changed.get(block);
      if (!data) {
        data = new Uint8Array(Overlay.BLOCK);
        // a whole block needs nothing from the base
        if (n < this.blockLength(block)) this.base.read(block * Overlay.BLOCK, data.subarray(0, this.blockLength(block)));
        this.changed.set(block, data);
      }
      data.set(src.subarray(at, at + n), from);
    });
  }

  async writeAsync(offset: number, src: Uint8Array): Promise<void> {
    // fetch the partly written blocks' old contents first, then apply the write at once
    const partial: number[] = [];
    this.eachBlock(offset, src.length, (block, _from, _at, n) => {
      if (!this.changed.has(block) && n < this.blockLength(block)) partial.push(block);
    });
    const old = await Promise.all(partial.map(async (block) => {
      const data = new Uint8Array(Overlay.BLOCK);
      await readFrom(this.base, block * Overlay.BLOCK, data.subarray(0, this.blockLength(block)));
      return data;
    }));
    // another write may have changed one of those blocks meanwhile: its block wins
    partial.forEach((block, i) => { if (!this.changed.has(block)) this.changed.set(block, old[i]); });
    this.write(offset, src);
  }

  /** Numbers of the blocks the guest changed, ascending. */
  blocks(): number[] { return [...this.changed.keys()].sort((a, b) => a - b); }
  /** The changed block `n` (BLOCK bytes; past the end of the image it is zero), or undefined. */
  block(n: number): Uint8Array | undefined { return this.changed.get(n); }
  /** Bytes of block n that are inside the image (the last block may be short). */
  blockLength(n: number): number { return Math.max(0, Math.min(Overlay.BLOCK, this.size - n * Overlay.BLOCK)); }
  /** Forget every change (revert to the base). */
  discard(): void { this.changed.clear(); }
  /** Make block n hold `data` (a copy of its first BLOCK bytes) as if the guest wrote it
   * (restoring a snapshot, host/snapshot.ts). */
  setBlock(n: number, data: Uint8Array): void { this.changed.set(n, data.slice(0, Overlay.BLOCK)); }

  /** Write the changes into the base (which must be writable) and forget them here. */
  async commit(): Promise<void> {
    if (this.base.readOnly) throw new Error("the overlay's base is read-only: commit into a new image instead");
    for (const b of this.blocks()) {
      await writeTo(this.base, b * Overlay.BLOCK, this.changed.get(b)!.subarray(0, this.blockLength(b)));
      this.changed.delete(b);
    }
  }

  /** The changed blocks in the overlay file format (host/overlayfile.ts). */
  save(): Uint8Array {
    return encodeOverlay(this.size, Overlay.BLOCK, this.blocks().map((b) => [b, this.changed.get(b)!] as const));
  }

  /** Apply changes saved by save() (checked: format, checksum, base size); `name` is how
   * errors refer to them (a file name). They replace changes here to the same bytes. */
  restore(saved: Uint8Array, name: string): number {
    const { blockSize, blocks } = decodeOverlay(saved, this.size, name);
    for (const [n, data] of blocks) {
      const start = n * blockSize;
      this.write(start, data.subarray(0, Math.min(blockSize, this.size - start)));
    }
    return blocks.length;
  }

  // [offset, offset+len) as pieces: one per changed block touched, one per run of unchanged
  // blocks (so the base gets one read per run, not one per block)
  private spans(offset: number, len: number): Span[] {
    const out: Span[] = [];
    this.eachBlock(offset, len, (block, from, at, n) => {
      const data = this.changed.get(block);
      const last = out[out.length - 1];
      if (!data && last && !last.data) last.n += n;
      else out.push({ pos: offset + at, at, n, data, from });
    });
    return out;
  }

  // Split [offset, offset+len) at block boundaries: fn(block, offset in block, offset in the
  // caller's buffer, bytes)
  private eachBlock(offset: number, len: number, fn: (block: number, from: number, at: number, n: number) => void): void {
    let at = 0;
    while (at < len) {
      const pos = offset + at;
      const block = Math.floor(pos / Overlay.BLOCK), from = pos % Overlay.BLOCK;
      const n = Math.min(Overlay.BLOCK - from, len - at);
      fn(block, from, at, n);
      at += n;
    }
  }
}
