// A disk's changes kept in a key-value store across sessions: the browser keeps them in
// IndexedDB (web/storage.ts gives the store), tests in an in-memory store that behaves the same.
// The original image is never changed: a hard disk is a copy-on-write Overlay whose changed
// blocks are stored under [disk id, block number]; an image held whole (a floppy, which lives
// in the core) is stored under [disk id, name]. The disk id says which image the changes
// belong to (the browser uses a hash of the image and its size).
//
// Errors of the store (a quota exceeded, a closed database) reach the caller: flush() rejects
// and keeps the blocks it could not store, so a later flush() tries them again.
import { BlockDevice, Overlay } from "./blockdev.js";

/** [disk id, block number] for a changed block, [disk id, name] for anything else. */
export type StoreKey = [string, number | string];

/** What a store offers (IndexedDB through idb-keyval in the browser). Values are copied in and
 * out (as IndexedDB's structured clone does); setMany is all or nothing. */
export interface BlockStore {
  get(key: StoreKey): Promise<Uint8Array | undefined>;
  set(key: StoreKey, value: Uint8Array): Promise<void>;
  setMany(entries: [StoreKey, Uint8Array][]): Promise<void>;
  /** the entries [id, n] with a numeric n, ascending n */
  blocks(id: string): Promise<[number, Uint8Array][]>;
  /** remove every entry [id, anything] */
  deleteAll(id: string): Promise<void>;
}

/** A copy-on-write overlay whose changes go to a BlockStore on flush() and come back with load(). */
export class StoredOverlay extends Overlay {
  readonly id: string;
  readonly store: BlockStore;
  private dirty = new Set<number>();
  /** discard() forgot every change (a snapshot restored over this disk): the store's blocks
   * are deleted before the next flush stores the new ones */
  private wiped = false;
  constructor(base: BlockDevice, id: string, store: BlockStore) {
    super(base);
    this.id = id;
    this.store = store;
  }

  override write(offset: number, src: Uint8Array): void {
    super.write(offset, src);
    for (let b = Math.floor(offset / Overlay.BLOCK); b * Overlay.BLOCK < offset + src.length; b++) this.dirty.add(b);
  }

  /** Apply the changes stored for this disk (before the machine starts). Returns how many
   * blocks. A stored entry that cannot belong to this image (a block past its end, a wrong
   * length) is an error naming it: nothing is applied then. */
  async load(): Promise<number> {
    const entries = await this.store.blocks(this.id);
    for (const [n, data] of entries) {
      if (!Number.isSafeInteger(n) || n < 0 || this.blockLength(n) === 0) throw new Error(`stored changes of disk ${this.id}: block ${n} is past the end of the ${this.size}-byte image`);
      if (data.length !== this.blockLength(n) && data.length !== Overlay.BLOCK) throw new Error(`stored changes of disk ${this.id}: block ${n} has ${data.length} bytes, ${this.blockLength(n)} expected`);
    }
    for (const [n, data] of entries) super.write(n * Overlay.BLOCK, data.subarray(0, this.blockLength(n)));
    return entries.length;
  }

  // A restored snapshot replaces the changes wholesale (host/snapshot.ts: discard, then
  // setBlock for each saved block): the store must end up with exactly those.
  override discard(): void {
    super.discard();
    this.dirty.clear();
    this.wiped = true;
  }

  override setBlock(n: number, data: Uint8Array): void {
    super.setBlock(n, data);
    this.dirty.add(n);
  }

  /** Store the blocks changed since the last flush. On a store error the blocks stay to be
   * stored and the error is thrown. */
  async flush(): Promise<void> {
    if (this.wiped) {
      await this.store.deleteAll(this.id);
      this.wiped = false;
    }
    if (this.dirty.size === 0) return;
    const taken = [...this.dirty];
    this.dirty.clear();
    const entries: [StoreKey, Uint8Array][] = taken.map((b) => [[this.id, b], this.block(b)!.slice(0, this.blockLength(b))]);
    try {
      await this.store.setMany(entries);
    } catch (e) {
      for (const b of taken) this.dirty.add(b);
      throw e;
    }
  }

  /** Blocks changed and not yet stored. */
  get unsaved(): number { return this.dirty.size; }

  /** Forget the changes, here and in the store ("reset to original"). */
  async reset(): Promise<void> {
    this.discard();
    this.wiped = false;
    await this.store.deleteAll(this.id);
  }
}

/** An image held whole (a floppy) as the guest last left it, if it was stored. */
export async function loadImage(store: BlockStore, id: string): Promise<Uint8Array | undefined> {
  return store.get([id, "floppy"]);
}

export async function saveImage(store: BlockStore, id: string, bytes: Uint8Array): Promise<void> {
  await store.set([id, "floppy"], bytes);
}

/** An in-memory BlockStore with IndexedDB's behaviour: values copied in and out, setMany all or
 * nothing, and an optional quota in bytes past which writes fail with a QuotaExceededError
 * (as browsers report a full origin). For tests and for running without a database. */
export class MemoryBlockStore implements BlockStore {
  private readonly map = new Map<string, { key: StoreKey; value: Uint8Array }>();
  /** bytes of values the store may hold (Infinity: no limit) */
  quota: number;
  constructor(quota = Infinity) { this.quota = quota; }

  get used(): number {
    let n = 0;
    for (const e of this.map.values()) n += e.value.length;
    return n;
  }

  async get(key: StoreKey): Promise<Uint8Array | undefined> {
    return this.map.get(keyText(key))?.value.slice();
  }

  async set(key: StoreKey, value: Uint8Array): Promise<void> { return this.setMany([[key, value]]); }

  async setMany(entries: [StoreKey, Uint8Array][]): Promise<void> {
    let used = this.used;
    for (const [key, value] of entries) used += value.length - (this.map.get(keyText(key))?.value.length ?? 0);
    if (used > this.quota) throw quotaError(used, this.quota);
    for (const [key, value] of entries) this.map.set(keyText(key), { key: [key[0], key[1]], value: value.slice() });
  }

  async blocks(id: string): Promise<[number, Uint8Array][]> {
    const out: [number, Uint8Array][] = [];
    for (const { key, value } of this.map.values()) if (key[0] === id && typeof key[1] === "number") out.push([key[1], value.slice()]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  async deleteAll(id: string): Promise<void> {
    for (const [k, e] of this.map) if (e.key[0] === id) this.map.delete(k);
  }
}

const keyText = (key: StoreKey) => JSON.stringify(key);

function quotaError(used: number, quota: number): Error {
  const message = `the store is full: ${used} bytes would exceed its quota of ${quota}`;
  // browsers report a full origin as a DOMException named QuotaExceededError
  if (typeof DOMException === "function") return new DOMException(message, "QuotaExceededError");
  const e = new Error(message);
  e.name = "QuotaExceededError";
  return e;
}
