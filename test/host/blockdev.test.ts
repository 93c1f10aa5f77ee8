import { describe, it, expect } from "vitest";
import { MemoryDisk, Overlay } from "../../host/blockdev";

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
