import { describe, it, expect } from "vitest";
import { MemoryDisk, Overlay, BlockDevice } from "../../host/blockdev.js";
import { crc32Of } from "../../host/crc32.js";

function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 9)) & 0xff;
  return b;
}

describe("copy-on-write overlay", () => {
  it("reads the base until written, then the written bytes, across block boundaries", () => {
    const base = pattern(3 * 4096 + 1024);
    const original = base.slice();
    const ov = new Overlay(new MemoryDisk(base, true));
    const out = new Uint8Array(base.length);
    ov.read(0, out);
    expect(out).toEqual(original);
    const w = new Uint8Array(6000).fill(0xa5);
    ov.write(3000, w); // spans blocks 0, 1 and 2
    ov.read(0, out);
    const expected = original.slice();
    expected.fill(0xa5, 3000, 9000);
    expect(out).toEqual(expected);
    expect(base).toEqual(original); // the base never changes
    expect(ov.blocks()).toEqual([0, 1, 2]);
    // a write into the short last block
    ov.write(3 * 4096 + 1000, new Uint8Array([1, 2, 3]));
    const tail = new Uint8Array(24);
    ov.read(3 * 4096 + 1000, tail);
    expect([...tail.subarray(0, 4)]).toEqual([1, 2, 3, original[3 * 4096 + 1003]]);
    ov.discard();
    ov.read(0, out);
    expect(out).toEqual(original);
  });
});

// An image whose bytes say where they are (a write anywhere shows)
const image = (n: number) => pattern(n);
const readAll = (d: { size: number; read(o: number, b: Uint8Array): void }) => { const b = new Uint8Array(d.size); d.read(0, b); return b; };

describe("overlays: stacking, saving, committing", () => {
  it("stacks: an overlay over an overlay sees both layers' writes, the upper one winning", () => {
    const base = image(10 * 4096 + 512);
    const original = base.slice();
    const lower = new Overlay(new MemoryDisk(base, true));
    lower.write(100, new Uint8Array(5000).fill(1));
    const upper = new Overlay(lower);
    upper.write(4000, new Uint8Array(200).fill(2));
    const expected = original.slice();
    expected.fill(1, 100, 5100);
    expected.fill(2, 4000, 4200);
    expect(readAll(upper)).toEqual(expected);
    expect(upper.blocks()).toEqual([0, 1]);
    expect(lower.blocks()).toEqual([0, 1]);
    upper.discard();
    expect(readAll(upper)).toEqual(readAll(lower));
    expect(base).toEqual(original);
  });

  it("saves the changed blocks and restores them over the same base", () => {
    const base = image(7 * 4096 + 1000); // a short last block
    const ov = new Overlay(new MemoryDisk(base, true));
    ov.write(4096 * 3 + 7, new Uint8Array([9, 8, 7]));
    ov.write(7 * 4096 + 990, new Uint8Array(10).fill(0x55)); // the image's last bytes
    const saved = ov.save();
    // header 32, 2 block numbers, 2 blocks, checksum
    expect(saved.length).toBe(32 + 2 * 8 + 2 * 4096 + 4);
    expect(new TextDecoder().decode(saved.subarray(0, 8))).toBe("TAB86OVL");
    const again = new Overlay(new MemoryDisk(base, true));
    expect(again.restore(saved, "x.ovl")).toBe(2);
    expect(readAll(again)).toEqual(readAll(ov));
    expect(again.blocks()).toEqual([3, 7]);
  });

  it("refuses a damaged or foreign overlay file, naming it and the problem", () => {
    const base = image(8 * 4096);
    const ov = new Overlay(new MemoryDisk(base, true));
    ov.write(5000, new Uint8Array([1]));
    ov.write(20000, new Uint8Array([2]));
    const good = ov.save();
    const fresh = () => new Overlay(new MemoryDisk(base, true));
    const fix = (b: Uint8Array) => { // recompute the checksum after an edit, to reach the later checks
      new DataView(b.buffer).setUint32(b.length - 4, crc32Of(b.subarray(0, b.length - 4)), true);
      return b;
    };
    const edit = (at: number, v: number, width: 4 | 8 = 4) => {
      const b = good.slice();
      if (width === 4) new DataView(b.buffer).setUint32(at, v, true);
      else new DataView(b.buffer).setBigUint64(at, BigInt(v), true);
      return fix(b);
    };
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 20), /^d\.ovl: not a usable tab86 overlay file: 20 bytes is too short/],
      [fix(Uint8Array.from(good, (v, i) => (i === 0 ? 0x41 : v))), /does not start with "TAB86OVL"/],
      [edit(8, 2), /format version 2 \(this tab86 reads version 1\)/],
      [edit(12, 3000), /block size 3000/],
      [edit(16, 4096 * 9, 8), /^d\.ovl: the overlay was made for an image of 36864 bytes, this one has 32768: it belongs to another image$/],
      [good.subarray(0, good.length - 100), /truncated/],
      [Uint8Array.from([...good, 0]), /trailing bytes/],
      [edit(24, 1_000_000), /1000000 blocks of 4096 need/],
      [Uint8Array.from(good, (v, i) => (i === 32 + 16 + 10 ? v ^ 1 : v)), /checksum mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\): the file is damaged/],
      [edit(32 + 8, 8, 8), /block 8 \(entry 1\) is past the end of the 32768-byte image/],
      [edit(32 + 8, 1, 8), /block numbers are not strictly ascending \(entry 1: 1 after 1\)/],
      [edit(28, 1), /reserved header field/],
    ];
    for (const [bytes, re] of cases) {
      const target = fresh();
      expect(() => target.restore(bytes, "d.ovl")).toThrow(re);
      expect(target.blocks()).toEqual([]); // nothing applied
    }
  });

  it("commits into a writable base, and refuses a read-only one", async () => {
    const base = image(5 * 4096);
    const ov = new Overlay(new MemoryDisk(base, false));
    ov.write(4096 + 10, new Uint8Array([0xaa, 0xbb]));
    const seen = readAll(ov);
    await ov.commit();
    expect(base).toEqual(seen);
    expect(ov.blocks()).toEqual([]);
    const ro = new Overlay(new MemoryDisk(image(4096), true));
    ro.write(0, new Uint8Array([1]));
    await expect(ro.commit()).rejects.toThrow(/read-only: commit into a new image instead/);
  });

  it("diff() finds the blocks where an image held whole differs from its base", () => {
    const base = image(6 * 4096);
    const now = base.slice();
    now[4096 * 2 + 5] ^= 0xff;
    now[4096 * 5] ^= 1;
    const ov = Overlay.diff(new MemoryDisk(base, true), now);
    expect(ov.blocks()).toEqual([2, 5]);
    expect(readAll(ov)).toEqual(now);
  });

  it("works over an asynchronous base: reads and partial writes go through readAsync", async () => {
    const bytes = image(6 * 4096);
    const reads: [number, number][] = [];
    const slow: BlockDevice = {
      size: bytes.length, readOnly: true, async: true,
      read: () => { throw new Error("asynchronous only"); },
      write: () => { throw new Error("read-only"); },
      readAsync: async (o, d) => { reads.push([o, d.length]); await new Promise((r) => setTimeout(r, 1)); d.set(bytes.subarray(o, o + d.length)); },
    };
    const ov = new Overlay(slow);
    expect(ov.async).toBe(true);
    await ov.writeAsync(4096, new Uint8Array(4096).fill(3)); // a whole block: nothing read
    expect(reads).toEqual([]);
    await ov.writeAsync(3 * 4096 + 100, new Uint8Array(10).fill(4)); // a partial block: read first
    expect(reads).toEqual([[3 * 4096, 4096]]);
    reads.length = 0;
    const out = new Uint8Array(bytes.length);
    await ov.readAsync(0, out);
    // the base is asked once per run of unchanged blocks: 0, 2, 4-5
    expect(reads).toEqual([[0, 4096], [2 * 4096, 4096], [4 * 4096, 2 * 4096]]);
    const expected = bytes.slice();
    expected.fill(3, 4096, 8192);
    expected.fill(4, 3 * 4096 + 100, 3 * 4096 + 110);
    expect(out).toEqual(expected);
    expect(() => ov.read(0, out)).toThrow(/asynchronous only/);
  });
});
