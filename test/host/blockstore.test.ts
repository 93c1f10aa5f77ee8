// The stored overlay (host/blockstore.ts) over the in-memory store that behaves as IndexedDB
// does for it (web/storage.ts is the IndexedDB one; test/e2e/web.e2e.ts checks it in chromium):
// changes survive a "reload" (a new overlay over the same store), reset forgets them, a full
// store's error reaches the caller and nothing is lost.
import { describe, it, expect } from "vitest";
import { MemoryDisk, Overlay } from "../../host/blockdev.js";
import { MemoryBlockStore, StoredOverlay, loadImage, saveImage } from "../../host/blockstore.js";

function image(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 13 + (i >> 12)) & 0xff);
}
const readAll = (d: Overlay) => { const b = new Uint8Array(d.size); d.read(0, b); return b; };

describe("StoredOverlay", () => {
  it("stores the changed blocks on flush and applies them to a new overlay over the same image", async () => {
    const store = new MemoryBlockStore();
    const base = image(5 * 4096 + 100);
    const original = base.slice();
    const ov = new StoredOverlay(new MemoryDisk(base, true), "disk-1", store);
    ov.write(4000, new Uint8Array(200).fill(7)); // blocks 0 and 1
    ov.write(5 * 4096 + 50, new Uint8Array([1, 2, 3])); // the short last block
    expect(ov.unsaved).toBe(3);
    await ov.flush();
    expect(ov.unsaved).toBe(0);
    expect(store.used).toBe(4096 + 4096 + 100); // the last block is stored at its length in the image
    // a reload: the same image, the same id
    const again = new StoredOverlay(new MemoryDisk(base, true), "disk-1", store);
    expect(await again.load()).toBe(3);
    expect(readAll(again)).toEqual(readAll(ov));
    expect(again.unsaved).toBe(0);
    // another disk's id sees nothing
    expect(await new StoredOverlay(new MemoryDisk(base, true), "disk-2", store).load()).toBe(0);
    // reset: gone here and in the store
    await again.reset();
    expect(readAll(again)).toEqual(original);
    expect(await new StoredOverlay(new MemoryDisk(base, true), "disk-1", store).load()).toBe(0);
    expect(base).toEqual(original);
  });

  it("after a snapshot is restored over it (discard, then setBlock) the store holds exactly the snapshot's blocks", async () => {
    const store = new MemoryBlockStore();
    const base = image(6 * 4096);
    const ov = new StoredOverlay(new MemoryDisk(base, true), "disk-s", store);
    ov.write(0, new Uint8Array(10).fill(1)); // block 0: changed after the snapshot was taken
    ov.write(3 * 4096, new Uint8Array(10).fill(2)); // block 3
    await ov.flush();
    // what host/snapshot.ts restoreState does with a disk's saved blocks: block 5 only
    const saved = base.slice(5 * 4096, 6 * 4096).fill(9);
    ov.discard();
    ov.setBlock(5, saved);
    await ov.flush();
    const reloaded = new StoredOverlay(new MemoryDisk(base, true), "disk-s", store);
    expect(await reloaded.load()).toBe(1);
    const want = base.slice();
    want.set(saved, 5 * 4096);
    expect(readAll(reloaded)).toEqual(want);
  });

  it("surfaces a full store's error, keeps the unsaved blocks and stores them once there is room", async () => {
    const store = new MemoryBlockStore(2 * 4096);
    const ov = new StoredOverlay(new MemoryDisk(image(8 * 4096), true), "d", store);
    ov.write(0, new Uint8Array(3 * 4096).fill(9));
    const err = await ov.flush().then(() => undefined, (e: Error) => e);
    expect(err?.name).toBe("QuotaExceededError");
    expect(err?.message).toMatch(/12288 bytes would exceed its quota of 8192/);
    expect(store.used).toBe(0); // all or nothing, as an IndexedDB transaction
    expect(ov.unsaved).toBe(3);
    store.quota = Infinity;
    await ov.flush();
    expect(ov.unsaved).toBe(0);
    expect((await store.blocks("d")).map(([n]) => n)).toEqual([0, 1, 2]);
  });

  it("refuses stored blocks that cannot belong to the image", async () => {
    const store = new MemoryBlockStore();
    await store.setMany([[["d", 9], new Uint8Array(4096)]]);
    await expect(new StoredOverlay(new MemoryDisk(image(4 * 4096), true), "d", store).load()).rejects.toThrow(/stored changes of disk d: block 9 is past the end of the 16384-byte image/);
    await store.deleteAll("d");
    await store.set(["d", 1], new Uint8Array(100));
    await expect(new StoredOverlay(new MemoryDisk(image(4 * 4096), true), "d", store).load()).rejects.toThrow(/block 1 has 100 bytes, 4096 expected/);
  });

  it("keeps an image held whole (a floppy) under [id, \"floppy\"], copied in and out", async () => {
    const store = new MemoryBlockStore();
    const floppy = image(1474560);
    await saveImage(store, "f", floppy);
    floppy[0] ^= 1;
    const back = await loadImage(store, "f");
    expect(back?.[0]).toBe(floppy[0] ^ 1);
    expect(await store.blocks("f")).toEqual([]); // not a block
    await store.deleteAll("f");
    expect(await loadImage(store, "f")).toBeUndefined();
  });
});
