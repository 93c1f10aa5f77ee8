// HttpDisk against a local server on 127.0.0.1 serving a real image (the FreeDOS 1.44M floppy
// in ../shared/images/, read in place): sizes and bytes compared with the file itself, the
// cache bound, shared requests, servers without ranges, and servers that fail.
import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { HttpDisk } from "../../host/httpdisk.js";
import { Overlay } from "../../host/blockdev.js";
import { ImageServer } from "./image-server.js";
import { ROOT } from "../helpers.js";

const FREEDOS = `${ROOT}../shared/images/freedos-boot-1440k.img`;
let image: Uint8Array;
const servers: ImageServer[] = [];
const serve = async (bytes: Uint8Array, opts = {}) => { const s = await ImageServer.start(bytes, opts); servers.push(s); return s; };

beforeAll(() => {
  if (!existsSync(FREEDOS)) throw new Error(`${FREEDOS} is missing: the tests read ../shared/images/ in place`);
  image = new Uint8Array(readFileSync(FREEDOS));
});
afterEach(async () => { while (servers.length) await servers.pop()!.close(); });

describe("HttpDisk", () => {
  it("learns the size from the first range request and reads the image's bytes anywhere", async () => {
    const s = await serve(image);
    const d = await HttpDisk.open(s.url);
    expect(d.size).toBe(image.length);
    expect(d.ranged).toBe(true);
    expect(d.async).toBe(true);
    expect(d.readOnly).toBe(true);
    expect(s.ranges).toEqual(["bytes=0-65535"]);
    // unaligned, across block boundaries, the short last block (1474560 = 22.5 x 64 KiB)
    for (const [off, len] of [[0, 512], [65000, 2000], [3, 200_000], [image.length - 700, 700], [1441792, 32768], [777_777, 1]]) {
      const out = new Uint8Array(len);
      await d.readAsync(off, out);
      expect(Buffer.compare(out, image.subarray(off, off + len))).toBe(0);
    }
    // every request was for whole blocks
    for (const r of s.ranges) {
      const [a, b] = r.slice(6).split("-").map(Number);
      expect(a % 65536).toBe(0);
      expect((b + 1) % 65536 === 0 || b === image.length - 1).toBe(true);
    }
    await expect(d.readAsync(image.length - 10, new Uint8Array(11))).rejects.toThrow(/outside the 1474560-byte image/);
  });

  it("keeps at most cacheBytes of blocks, least recently used out first", async () => {
    const s = await serve(image);
    const d = await HttpDisk.open(s.url, { blockSize: 4096, cacheBytes: 4 * 4096 });
    const all = new Uint8Array(image.length);
    for (let off = 0; off < image.length; off += 65536) await d.readAsync(off, all.subarray(off, Math.min(image.length, off + 65536)));
    expect(Buffer.compare(all, image)).toBe(0);
    expect(d.cachedBlocks).toBeLessThanOrEqual(4);
    expect(d.stats.evictions).toBeGreaterThan(300);
    // the last blocks are cached (no request), the first one is gone (one request)
    const before = s.requests;
    await d.readAsync(image.length - 4096, new Uint8Array(4096));
    expect(s.requests).toBe(before);
    await d.readAsync(0, new Uint8Array(512));
    expect(s.requests).toBe(before + 1);
    // a read larger than the whole cache still returns the right bytes
    const big = new Uint8Array(100_000);
    await d.readAsync(12345, big);
    expect(Buffer.compare(big, image.subarray(12345, 112345))).toBe(0);
  });

  it("fetches a run of missing blocks with one request and shares a request between readers", async () => {
    const s = await serve(image);
    const d = await HttpDisk.open(s.url);
    s.ranges.length = 0;
    await d.readAsync(131072, new Uint8Array(4 * 65536));
    expect(s.ranges).toEqual(["bytes=131072-393215"]);
    s.ranges.length = 0;
    const reads = Array.from({ length: 5 }, () => new Uint8Array(1000));
    await Promise.all(reads.map((r) => d.readAsync(600_000, r)));
    expect(s.ranges).toEqual(["bytes=589824-655359"]);
    for (const r of reads) expect(Buffer.compare(r, image.subarray(600_000, 601_000))).toBe(0);
    // at most maxBlocksPerRequest blocks a request
    const d2 = await HttpDisk.open(s.url, { maxBlocksPerRequest: 2 });
    s.ranges.length = 0;
    await d2.readAsync(65536, new Uint8Array(5 * 65536));
    expect(s.ranges).toEqual(["bytes=65536-196607", "bytes=196608-327679", "bytes=327680-393215"]);
  });

  it("reads synchronously only what is cached, and refuses writes", async () => {
    const s = await serve(image);
    const d = await HttpDisk.open(s.url);
    const out = new Uint8Array(512);
    d.read(0, out); // block 0 came with the size
    expect(Buffer.compare(out, image.subarray(0, 512))).toBe(0);
    expect(() => d.read(100_000, out)).toThrow(/not fetched yet: this disk is read asynchronously \(run the machine with runAsync/);
    expect(() => d.write()).toThrow(/read-only/);
  });

  it("downloads a small image whole from a server without range support, and refuses a large one", async () => {
    const s = await serve(image, { ranges: false });
    const d = await HttpDisk.open(s.url, { wholeLimit: 2 << 20 });
    expect(d.ranged).toBe(false);
    expect(d.async).toBe(false);
    const out = new Uint8Array(image.length);
    d.read(0, out);
    expect(Buffer.compare(out, image)).toBe(0);
    expect(s.requests).toBe(1);
    await expect(HttpDisk.open(s.url, { wholeLimit: 1 << 20 })).rejects.toThrow(
      new RegExp(`^${s.url}: the server does not honour Range requests \\(it answered 200 with the whole file, 1474560 bytes\\); without range support tab86 downloads only images up to 1048576 bytes`));
  });

  it("says what went wrong when the image cannot be opened", async () => {
    const s = await serve(image);
    await expect(HttpDisk.open(s.url.replace("image.img", "nothing.img"))).rejects.toThrow(/nothing\.img: HTTP 404 Not Found$/);
    const port = Number(new URL(s.url).port);
    await s.close();
    servers.length = 0;
    await expect(HttpDisk.open(`http://127.0.0.1:${port}/image.img`)).rejects.toThrow(/^http:\/\/127\.0\.0\.1:\d+\/image\.img: fetch failed \(ECONNREFUSED\)$/);
    const hang = await serve(image, { failAfter: 0, failMode: "hang" });
    await expect(HttpDisk.open(hang.url, { timeoutMs: 300 })).rejects.toThrow(/image\.img: no complete answer within 0\.3 s$/);
  });

  for (const mode of ["close", "500", "short", "hang"] as const) {
    it(`rejects reads once the server fails mid-way (${mode}), retrying once, and reads again when it is back`, async () => {
      const s = await serve(image, { failAfter: 3, failMode: mode });
      const d = await HttpDisk.open(s.url, { timeoutMs: 500 });
      const out = new Uint8Array(65536);
      await d.readAsync(65536, out);
      await d.readAsync(131072, out);
      const t0 = performance.now();
      const err = await d.readAsync(196608, out).then(() => undefined, (e: Error) => e);
      expect(err?.message).toMatch(new RegExp(`^${s.url}: bytes 196608-262143: ` + { close: "fetch failed|terminated|other side closed", "500": "HTTP 500 Internal Server Error", short: "terminated|the body has|other side closed", hang: "no complete answer within 0.5 s" }[mode]));
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(s.requests).toBe(5); // the failed request and its retry
      expect(d.stats.failures).toBe(1);
      // what was read before is still there; the server comes back, the block is fetched again
      await d.readAsync(65536, out);
      expect(Buffer.compare(out, image.subarray(65536, 131072))).toBe(0);
      s.failAfter = Infinity;
      await d.readAsync(196608, out);
      expect(Buffer.compare(out, image.subarray(196608, 262144))).toBe(0);
    });
  }

  it("refuses answers that do not match the request or show the image changed", async () => {
    const s = await serve(image, { etag: '"v1"' });
    const d = await HttpDisk.open(s.url);
    s.etag = '"v2"';
    await expect(d.readAsync(70000, new Uint8Array(10))).rejects.toThrow(/the image changed on the server \(ETag "v1" became "v2"\)/);
    s.etag = '"v1"';
    s.bytes = image.subarray(0, 1 << 20);
    await expect(d.readAsync(200000, new Uint8Array(10))).rejects.toThrow(/the image changed size on the server \(1474560 bytes became 1048576\)/);
  });

  it("serves as the read-only base of an overlay", async () => {
    const s = await serve(image);
    const ov = new Overlay(await HttpDisk.open(s.url));
    expect(ov.async).toBe(true);
    await ov.writeAsync(70000, new Uint8Array(10).fill(0xee)); // a partial block: its old bytes come over HTTP
    const out = new Uint8Array(8192);
    await ov.readAsync(65536, out);
    const expected = image.slice(65536, 65536 + 8192);
    expected.fill(0xee, 70000 - 65536, 70010 - 65536);
    expect(Buffer.compare(out, expected)).toBe(0);
  });
});
