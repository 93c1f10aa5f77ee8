// The guest's disk writes kept across page loads: the BlockStore of host/blockstore.ts in
// IndexedDB through idb-keyval (database "tab86", store "disks"). Keys are [disk id, block
// number] for a hard disk's changed 4 KiB blocks and [disk id, "floppy"] for a floppy stored
// whole. The disk id is a SHA-256 of the original image, so the same file picked again finds
// its changes, and a different file with the same name does not.
import { createStore, get, set, setMany, UseStore } from "idb-keyval";
import { BlockDevice } from "../host/blockdev.js";
import { BlockStore, StoreKey, StoredOverlay as HostStoredOverlay, loadImage, saveImage } from "../host/blockstore.js";

let db: UseStore | undefined;
const store = (): UseStore => (db ??= createStore("tab86", "disks"));

// numbers sort before strings in IndexedDB keys, so this range holds exactly the block numbers
const blockRange = (id: string) => IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]);

/** The BlockStore in IndexedDB. */
export const idbBlockStore: BlockStore = {
  get: (key: StoreKey) => get<Uint8Array>(key, store()),
  set: (key: StoreKey, value: Uint8Array) => set(key, value, store()),
  setMany: (entries: [StoreKey, Uint8Array][]) => setMany(entries, store()),
  async blocks(id: string): Promise<[number, Uint8Array][]> {
    const [keys, values] = await store()("readonly", (s) => Promise.all([req(s.getAllKeys(blockRange(id))), req(s.getAll(blockRange(id)))]));
    return keys.map((k, i) => [(k as [string, number])[1], values[i] as Uint8Array]);
  },
  async deleteAll(id: string): Promise<void> {
    await store()("readwrite", (s) => {
      s.delete(blockRange(id));
      s.delete([id, "floppy"]);
      return req(s.transaction);
    });
  },
};

export async function diskId(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(hash.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("") + "-" + bytes.length;
}

/** A copy-on-write overlay whose changes go to IndexedDB on flush(). */
export class StoredOverlay extends HostStoredOverlay {
  constructor(base: BlockDevice, id: string) { super(base, id, idbBlockStore); }
}

/** The floppy as the guest last left it, if it was stored. */
export async function loadFloppy(id: string): Promise<Uint8Array | undefined> {
  return loadImage(idbBlockStore, id);
}

export async function saveFloppy(id: string, bytes: Uint8Array): Promise<void> {
  await saveImage(idbBlockStore, id, bytes);
}

/** Delete everything stored for a disk. */
export async function forget(id: string): Promise<void> {
  await idbBlockStore.deleteAll(id);
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
