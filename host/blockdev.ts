// Disks on the host side (DESIGN.md principle 10): every image is a BlockDevice, whatever holds
// its bytes. The core never sees one; it posts requests (core-as/bus/disk.ts) that the Machine
// serves from the device attached to the drive.
//
// Backends here are synchronous (memory; files in host/node.ts). The interface leaves room for
// asynchronous ones (HTTP ranges, IndexedDB): the run loop exits with EXIT_DISK and does not
// continue until the request is served, so an await fits there.

export interface BlockDevice {
  /** bytes */
  readonly size: number;
  /** writes are refused (the guest sees a write-protect error) */
  readonly readOnly: boolean;
  /** fill dest with the bytes at offset (offset + dest.length <= size) */
  read(offset: number, dest: Uint8Array): void;
  /** store src at offset (offset + src.length <= size) */
  write(offset: number, src: Uint8Array): void;
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
  write(offset: number, src: Uint8Array): void { this.bytes.set(src, offset); }
}

/** Copy-on-write over another device: the guest's writes land in memory, block by block, and
 * the base is never written. blocks() lists what changed (for saving or committing later). */
export class Overlay implements BlockDevice {
  static readonly BLOCK = 4096;
  readonly base: BlockDevice;
  readonly readOnly = false;
  private readonly changed = new Map<number, Uint8Array>();
  constructor(base: BlockDevice) { this.base = base; }
  get size(): number { return this.base.size; }

  read(offset: number, dest: Uint8Array): void {
    this.each(offset, dest.length, (block, from, at, n) => {
      const data = this.changed.get(block);
      if (data) dest.set(data.subarray(from, from + n), at);
      else this.base.read(block * Overlay.BLOCK + from, dest.subarray(at, at + n));
    });
  }

  write(offset: number, src: Uint8Array): void {
    this.each(offset, src.length, (block, from, at, n) => {
      let data = this.changed.get(block);
      if (!data) {
        data = new Uint8Array(Overlay.BLOCK);
        const start = block * Overlay.BLOCK;
        this.base.read(start, data.subarray(0, Math.min(Overlay.BLOCK, this.size - start)));
        this.changed.set(block, data);
      }
      data.set(src.subarray(at, at + n), from);
    });
  }

  /** Numbers of the blocks the guest changed, ascending. */
  blocks(): number[] { return [...this.changed.keys()].sort((a, b) => a - b); }
  /** Forget every change (revert to the base). */
  discard(): void { this.changed.clear(); }
  /** A changed block's bytes (a view: copy to keep), undefined if the block is unchanged. */
  block(n: number): Uint8Array | undefined { return this.changed.get(n); }
  /** Make block n hold `data` (a copy of its first BLOCK bytes) as if the guest wrote it
   * (restoring a snapshot, host/snapshot.ts). */
  setBlock(n: number, data: Uint8Array): void { this.changed.set(n, data.slice(0, Overlay.BLOCK)); }

  // Split [offset, offset+len) at block boundaries: fn(block, offset in block, offset in the
  // caller's buffer, bytes)
  private each(offset: number, len: number, fn: (block: number, from: number, at: number, n: number) => void): void {
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
