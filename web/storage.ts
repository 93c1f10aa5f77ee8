// The guest's disk writes kept across page loads (IndexedDB through idb-keyval). The original
// image is never changed: a hard disk is a copy-on-write Overlay whose changed 4 KiB blocks are
// stored under [disk id, block number]; a floppy (small, held in the core) is stored whole
// under [disk id, "floppy"]. The disk id is a SHA-256 of the original image, so the same file
// picked again finds its changes, and a different file with the same name does not.
import { createStore, get, set, setMany, UseStore } from "idb-keyval";
import { BlockDevice, Overlay } from "../host/blockdev.js";

let db: UseStore | undefined;
const store = (): UseStore => (db ??= createStore("tab86", "disks"));

export async function diskId(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(hash.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("") + "-" + bytes.length;
}

/** A copy-on-write overlay whose changes go to IndexedDB on flush(). */
export class StoredOverlay extends Overlay {
  readonly id: string;
  private dirty = new Set<number>();
  constructor(base: BlockDevice, id: string) { super(base); this.id = id; }

  override write(offset: number, src: Uint8Array): void {
    super.write(offset, src);
    for (let b = Math.floor(offset / Overlay.BLOCK); b * Overlay.BLOCK < offset + src.length; b++) this.dirty.add(b);
  }

  /** Apply the changes stored for this disk (before the machine starts). Returns how many blocks. */
  async load(): Promise<number> {
    const range = IDBKeyRange.bound([this.id, 0], [this.id, Number.MAX_SAFE_INTEGER]);
    const [keys, values] = await store()("readonly", (s) =>
      Promise.all([req(s.getAllKeys(range)), req(s.getAll(range))]));
    keys.forEach((k, i) => super.write((k as [string, number])[1] * Overlay.BLOCK, values[i] as Uint8Array));
    return keys.length;
  }

  /** Store the blocks changed since the last flush. */
  async flush(): Promise<void> {
    if (this.dirty.size === 0) return;
    const entries: [IDBValidKey, Uint8Array][] = [];
    for (const b of this.dirty) {
      const data = new Uint8Array(Math.min(Overlay.BLOCK, this.size - b * Overlay.BLOCK));
      this.read(b * Overlay.BLOCK, data);
      entries.push([[this.id, b], data]);
    }
    this.dirty.clear();
    await setMany(entries, store());
  }

  /** Forget the changes, here and in storage ("reset to original"). */
  async reset(): Promise<void> {
    this.discard();
    this.dirty.clear();
    await forget(this.id);
  }
}

/** The floppy as the guest last left it, if it was stored. */
export async function loadFloppy(id: string): Promise<Uint8Array | undefined> {
  return get<Uint8Array>([id, "floppy"], store());
}

export async function saveFloppy(id: string, bytes: Uint8Array): Promise<void> {
  await set([id, "floppy"], bytes, store());
}

/** Delete everything stored for a disk. */
export async function forget(id: string): Promise<void> {
  await store()("readwrite", (s) => {
    s.delete(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]));
    s.delete([id, "floppy"]);
    return req(s.transaction);
  });
}

function req<T>(r: IDBRequest<T> | IDBTransaction): Promise<T> {
  return new Promise((resolve, reject) => {
    if (r instanceof IDBTransaction) {
      r.oncomplete = () => resolve(undefined as T);
      r.onerror = r.onabort = () => reject(r.error);
    } else {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    }
  });
}
