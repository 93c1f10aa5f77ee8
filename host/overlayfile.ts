// The overlay file: the blocks a guest changed in a disk image, saved beside a snapshot or on
// their own, and applied again over the same base image (Overlay.save/restore). Little-endian:
//
//   offset       size        field
//   0            8           magic "TAB86OVL"
//   8            4           format version (1)
//   12           4           block size in bytes (a power of two, 512 .. 1 MiB)
//   16           8           base image size in bytes (must equal the base it is applied to)
//   24           4           block count N
//   28           4           reserved, 0
//   32           8 * N       block numbers, strictly ascending, each inside the image
//   32 + 8N      bs * N      the blocks' bytes in the same order (past the image's end: zero)
//   end - 4      4           CRC-32 of every byte before it
//
// A file is untrusted input: every field is checked before anything is applied, and the
// errors name the file and what is wrong with it.
import { crc32Of } from "./crc32.js";

const MAGIC = "TAB86OVL";
const VERSION = 1;
const HEADER = 32;
const MIN_BLOCK = 512, MAX_BLOCK = 1 << 20;

/** The file's bytes for `blocks` (ascending block numbers, each data at least blockSize long). */
export function encodeOverlay(baseSize: number, blockSize: number, blocks: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  const n = blocks.length;
  const out = new Uint8Array(HEADER + n * 8 + n * blockSize + 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  dv.setUint32(8, VERSION, true);
  dv.setUint32(12, blockSize, true);
  dv.setBigUint64(16, BigInt(baseSize), true);
  dv.setUint32(24, n, true);
  let data = HEADER + n * 8;
  blocks.forEach(([b, bytes], i) => {
    dv.setBigUint64(HEADER + i * 8, BigInt(b), true);
    out.set(bytes.subarray(0, blockSize), data);
    // the part of the last block past the image's end is zero whatever the overlay held there
    const inImage = Math.max(0, Math.min(blockSize, baseSize - b * blockSize));
    out.fill(0, data + inImage, data + blockSize);
    data += blockSize;
  });
  dv.setUint32(out.length - 4, crc32Of(out.subarray(0, out.length - 4)), true);
  return out;
}

/** Check and take apart an overlay file made for a base of `baseSize` bytes. The blocks are
 * views into `bytes`. Throws an Error naming `name` and the problem. */
export function decodeOverlay(bytes: Uint8Array, baseSize: number, name: string): { blockSize: number; blocks: [number, Uint8Array][] } {
  const bad = (what: string) => new Error(`${name}: not a usable tab86 overlay file: ${what}`);
  if (bytes.length < HEADER + 4) throw bad(`${bytes.length} bytes is too short for the ${HEADER}-byte header and the checksum`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC) throw bad(`it does not start with "${MAGIC}"`);
  const version = dv.getUint32(8, true);
  if (version !== VERSION) throw bad(`format version ${version} (this tab86 reads version ${VERSION})`);
  const blockSize = dv.getUint32(12, true);
  if (blockSize < MIN_BLOCK || blockSize > MAX_BLOCK || (blockSize & (blockSize - 1)) !== 0) throw bad(`block size ${blockSize} (a power of two from ${MIN_BLOCK} to ${MAX_BLOCK} expected)`);
  const fileBase = dv.getBigUint64(16, true);
  if (fileBase !== BigInt(baseSize)) throw new Error(`${name}: the overlay was made for an image of ${fileBase} bytes, this one has ${baseSize}: it belongs to another image`);
  const count = dv.getUint32(24, true);
  if (dv.getUint32(28, true) !== 0) throw bad("the reserved header field is not 0");
  const expected = HEADER + count * (8 + blockSize) + 4;
  if (bytes.length !== expected) throw bad(`${bytes.length} bytes, but ${count} blocks of ${blockSize} need ${expected} (${bytes.length < expected ? "truncated" : "trailing bytes"})`);
  const stored = dv.getUint32(bytes.length - 4, true);
  const actual = crc32Of(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) throw bad(`checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)}): the file is damaged`);
  const blocksInImage = Math.ceil(baseSize / blockSize);
  const blocks: [number, Uint8Array][] = [];
  let prev = -1;
  for (let i = 0; i < count; i++) {
    const big = dv.getBigUint64(HEADER + i * 8, true);
    if (big >= BigInt(blocksInImage)) throw bad(`block ${big} (entry ${i}) is past the end of the ${baseSize}-byte image`);
    const b = Number(big);
    if (b <= prev) throw bad(`block numbers are not strictly ascending (entry ${i}: ${b} after ${prev})`);
    prev = b;
    const at = HEADER + count * 8 + i * blockSize;
    blocks.push([b, bytes.subarray(at, at + blockSize)]);
  }
  return { blockSize, blocks };
}

const hex = (v: number) => "0x" + v.toString(16).padStart(8, "0");
