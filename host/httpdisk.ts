// A disk image read lazily over HTTP(S) with Range requests (RFC 9110 §14): only the blocks the
// guest reads are fetched, so a large CD or hard disk starts at once. Works with the global
// fetch of Node 20+ and of browsers.
//
// The image is read in aligned blocks (64 KiB by default) kept in an LRU cache of bounded size;
// a read that needs several missing consecutive blocks fetches them with one request, and
// concurrent reads of a block share its request. Every request has a time limit and one
// retry; a failure rejects the read (the Machine turns it into a disk error the guest sees:
// a medium error, not a hang). The image is read-only: put an Overlay over it for writes.
//
// A server that ignores Range (answers 200 with the whole file) is used only for small images
// (up to `wholeLimit`, 16 MiB by default), which are then downloaded once, whole; a larger one
// is refused with an error that says so, before the machine starts.
import { BlockDevice } from "./blockdev.js";

export interface HttpDiskOptions {
  /** bytes per cached block and the alignment of requests (a power of two, 4 KiB .. 4 MiB; default 64 KiB) */
  blockSize?: number;
  /** the cache's bound in bytes (default 32 MiB; at least one block is kept) */
  cacheBytes?: number;
  /** most blocks one request asks for (default 16) */
  maxBlocksPerRequest?: number;
  /** time limit of one request, headers and body (default 30 s) */
  timeoutMs?: number;
  /** further tries after a network error, a 5xx answer or a short body (default 1) */
  retries?: number;
  /** a server without range support: download images up to this size whole (default 16 MiB) */
  wholeLimit?: number;
  /** the fetch to use (default: the global one) */
  fetch?: typeof fetch;
}

/** Counters (tests, --stats). */
export interface HttpDiskStats { requests: number; bytesFetched: number; hits: number; misses: number; evictions: number; failures: number }

class HttpError extends Error {
  constructor(message: string, readonly retry: boolean) { super(message); }
}

export class HttpDisk implements BlockDevice {
  readonly url: string;
  readonly size: number;
  readonly readOnly = true;
  readonly blockSize: number;
  readonly stats: HttpDiskStats = { requests: 0, bytesFetched: 0, hits: 0, misses: 0, evictions: 0, failures: 0 };
  /** the whole image, when the server does not do ranges and it was small enough */
  private whole?: Uint8Array;
  private readonly cache = new Map<number, Uint8Array>();
  private readonly inflight = new Map<number, Promise<Uint8Array>>();
  private readonly capacity: number;
  private readonly maxRun: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly fetch: typeof fetch;
  /** the validator of the first answer: a later answer with another one means the file changed */
  private readonly etag: string | null;

  private constructor(url: string, size: number, opts: HttpDiskOptions, etag: string | null) {
    this.url = url;
    this.size = size;
    this.etag = etag;
    this.blockSize = opts.blockSize ?? 65536;
    this.capacity = Math.max(1, Math.floor((opts.cacheBytes ?? 32 << 20) / this.blockSize));
    this.maxRun = Math.max(1, opts.maxBlocksPerRequest ?? 16);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 1;
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Open `url`: one request for the first block tells the size and whether the server does
   * ranges. Rejects with an Error naming the URL and the problem. */
  static async open(url: string, opts: HttpDiskOptions = {}): Promise<HttpDisk> {
    const bs = opts.blockSize ?? 65536;
    if (!Number.isInteger(bs) || bs < 4096 || bs > 4 << 20 || (bs & (bs - 1)) !== 0) throw new Error(`${url}: block size ${bs}: a power of two from 4 KiB to 4 MiB expected`);
    const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const wholeLimit = opts.wholeLimit ?? 16 << 20;
    const signal = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await doFetch(url, { headers: { Range: `bytes=0-${bs - 1}` }, signal });
    } catch (e) {
      throw new Error(`${url}: ${describeFailure(e, timeoutMs)}`);
    }
    try {
      if (res.status === 206) {
        const range = parseContentRange(res.headers.get("content-range"));
        if (!range || range.total === undefined) throw new Error(`${url}: the answer to a range request has no usable Content-Range (${res.headers.get("content-range") ?? "none"})`);
        const disk = new HttpDisk(url, range.total, opts, res.headers.get("etag"));
        const body = await readBody(res, range.end - range.start + 1);
        if (range.start !== 0 || body.length !== Math.min(bs, range.total)) throw new Error(`${url}: asked for bytes 0-${bs - 1}, got ${range.start}-${range.end} (${body.length} bytes)`);
        disk.stats.requests++;
        disk.stats.bytesFetched += body.length;
        disk.remember(0, body);
        return disk;
      }
      if (res.status === 416) {
        // nothing to range over: an empty file (Content-Range: bytes */0)
        const total = /^bytes \*\/(\d+)$/.exec(res.headers.get("content-range") ?? "");
        if (total && Number(total[1]) === 0) return HttpDisk.inMemory(url, new Uint8Array(0), opts);
        throw new Error(`${url}: 416 Range Not Satisfiable for the first ${bs} bytes`);
      }
      if (res.status === 200) {
        const length = Number(res.headers.get("content-length") ?? NaN);
        const refuse = (size: string) => new Error(`${url}: the server does not honour Range requests (it answered 200 with the whole file, ${size}); ` +
          `without range support tab86 downloads only images up to ${wholeLimit} bytes: serve the image from a server that supports ranges, or use a local copy`);
        if (length > wholeLimit) throw refuse(`${length} bytes`);
        const body = await readBody(res, Number.isFinite(length) ? length : undefined, wholeLimit);
        if (body.length > wholeLimit) throw refuse(`more than ${wholeLimit} bytes`);
        return HttpDisk.inMemory(url, body, opts);
      }
      throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`.trimEnd());
    } catch (e) {
      await res.body?.cancel().catch(() => {});
      if (e instanceof Error && e.message.startsWith(url)) throw e;
      throw new Error(`${url}: ${describeFailure(e, timeoutMs)}`);
    }
  }

  private static inMemory(url: string, bytes: Uint8Array, opts: HttpDiskOptions): HttpDisk {
    const disk = new HttpDisk(url, bytes.length, opts, null);
    disk.whole = bytes;
    disk.stats.requests++;
    disk.stats.bytesFetched += bytes.length;
    return disk;
  }

  /** Whether reads need readAsync (false once a small image was downloaded whole). */
  get async(): boolean { return this.whole === undefined; }
  /** Whether the server does Range requests (false: the image was downloaded whole). */
  get ranged(): boolean { return this.whole === undefined; }
  /** Blocks in the cache now. */
  get cachedBlocks(): number { return this.cache.size; }

  /** Synchronous read: only what is already here (the whole image, or cached blocks). */
  read(offset: number, dest: Uint8Array): void {
    if (this.whole) { dest.set(this.whole.subarray(offset, offset + dest.length)); return; }
    const parts: Uint8Array[] = [];
    for (let b = this.blockOf(offset); b <= this.blockOf(offset + dest.length - 1) && dest.length > 0; b++) {
      const data = this.cache.get(b);
      if (!data) throw new Error(`${this.url}: bytes ${offset}-${offset + dest.length - 1} are not fetched yet: this disk is read asynchronously (run the machine with runAsync, as the Runner does)`);
      parts.push(data);
    }
    parts.forEach((data, i) => this.copyOut(this.blockOf(offset) + i, data, offset, dest));
  }

  write(): void { throw new Error(`${this.url}: an HTTP disk is read-only (put an Overlay over it)`); }

  async readAsync(offset: number, dest: Uint8Array): Promise<void> {
    if (offset < 0 || offset + dest.length > this.size) throw new Error(`${this.url}: bytes ${offset}-${offset + dest.length - 1} are outside the ${this.size}-byte image`);
    if (this.whole || dest.length === 0) { this.read(offset, dest); return; }
    const first = this.blockOf(offset), last = this.blockOf(offset + dest.length - 1);
    // start one request per run of consecutive blocks that are neither cached nor on their way
    const pending: Promise<Uint8Array>[] = [];
    let runStart = -1;
    for (let b = first; b <= last + 1; b++) {
      const missing = b <= last && !this.cache.has(b) && !this.inflight.has(b);
      if (missing && runStart < 0) runStart = b;
      if (runStart >= 0 && (!missing || b - runStart === this.maxRun)) {
        this.fetchRun(runStart, b - runStart);
        runStart = missing ? b : -1;
      }
    }
    for (let b = first; b <= last; b++) {
      const data = this.cache.get(b);
      if (data) { this.touch(b, data); this.stats.hits++; pending.push(Promise.resolve(data)); }
      else { this.stats.misses++; pending.push(this.inflight.get(b)!); }
    }
    // copy from what the requests returned, not from the cache (a long read may evict its own blocks)
    const blocks = await Promise.all(pending);
    blocks.forEach((data, i) => this.copyOut(first + i, data, offset, dest));
  }

  /** Fetch `count` blocks from `first` with one request (retried); each block's promise is in
   * `inflight` until it settles. */
  private fetchRun(first: number, count: number): void {
    const start = first * this.blockSize;
    const end = Math.min(this.size, (first + count) * this.blockSize) - 1;
    const run = this.fetchRange(start, end).then((bytes) => {
      for (let i = 0; i < count; i++) this.remember(first + i, bytes.slice(i * this.blockSize, Math.min(bytes.length, (i + 1) * this.blockSize)));
      return bytes;
    }).finally(() => {
      for (let i = 0; i < count; i++) this.inflight.delete(first + i);
    });
    for (let i = 0; i < count; i++) {
      const p = run.then((bytes) => bytes.subarray(i * this.blockSize, Math.min(bytes.length, (i + 1) * this.blockSize)));
      p.catch(() => {}); // a reader that gave up must not leave an unhandled rejection
      this.inflight.set(first + i, p);
    }
  }

  private async fetchRange(start: number, end: number): Promise<Uint8Array> {
    let lastError: HttpError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      try {
        return await this.fetchOnce(start, end);
      } catch (e) {
        lastError = e instanceof HttpError ? e : new HttpError(describeFailure(e, this.timeoutMs), true);
        if (!lastError.retry) break;
      }
    }
    this.stats.failures++;
    throw new Error(`${this.url}: bytes ${start}-${end}: ${lastError!.message}`);
  }

  private async fetchOnce(start: number, end: number): Promise<Uint8Array> {
    this.stats.requests++;
    const res = await this.fetch(this.url, { headers: { Range: `bytes=${start}-${end}` }, signal: AbortSignal.timeout(this.timeoutMs) });
    try {
      if (res.status !== 206) {
        if (res.status === 200) throw new HttpError("the server answered 200 (the whole file) to a range request: it no longer honours ranges", false);
        throw new HttpError(`HTTP ${res.status} ${res.statusText}`.trimEnd(), res.status >= 500);
      }
      const etag = res.headers.get("etag");
      if (this.etag !== null && etag !== null && etag !== this.etag) throw new HttpError(`the image changed on the server (ETag ${this.etag} became ${etag})`, false);
      const range = parseContentRange(res.headers.get("content-range"));
      if (!range || range.start !== start || range.end !== end) throw new HttpError(`the server answered with Content-Range ${res.headers.get("content-range") ?? "(none)"}`, false);
      if (range.total !== undefined && range.total !== this.size) throw new HttpError(`the image changed size on the server (${this.size} bytes became ${range.total})`, false);
      const body = await readBody(res, end - start + 1);
      if (body.length !== end - start + 1) throw new HttpError(`the body has ${body.length} bytes, ${end - start + 1} expected`, true);
      this.stats.bytesFetched += body.length;
      return body;
    } catch (e) {
      await res.body?.cancel().catch(() => {});
      throw e;
    }
  }

  private remember(block: number, data: Uint8Array): void {
    this.cache.delete(block);
    this.cache.set(block, data);
    while (this.cache.size > this.capacity) {
      this.cache.delete(this.cache.keys().next().value!);
      this.stats.evictions++;
    }
  }

  // most recently used last (Map keeps insertion order)
  private touch(block: number, data: Uint8Array): void {
    this.cache.delete(block);
    this.cache.set(block, data);
  }

  private blockOf(pos: number): number { return Math.floor(pos / this.blockSize); }

  // copy the part of block b that falls in [offset, offset + dest.length) into dest
  private copyOut(b: number, data: Uint8Array, offset: number, dest: Uint8Array): void {
    const blockStart = b * this.blockSize;
    const from = Math.max(offset, blockStart), to = Math.min(offset + dest.length, blockStart + data.length);
    if (to > from) dest.set(data.subarray(from - blockStart, to - blockStart), from - offset);
  }
}

/** "bytes START-END/TOTAL" (TOTAL may be *). */
function parseContentRange(v: string | null): { start: number; end: number; total?: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(v?.trim() ?? "");
  if (!m) return undefined;
  const start = Number(m[1]), end = Number(m[2]), total = m[3] === "*" ? undefined : Number(m[3]);
  if (end < start || (total !== undefined && end >= total) || !Number.isSafeInteger(end) || (total !== undefined && !Number.isSafeInteger(total))) return undefined;
  return { start, end, total };
}

/** The body, refusing to hold more than `limit` bytes (default: the expected length). */
async function readBody(res: Response, expected: number | undefined, limit = expected ?? Infinity): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return new Uint8Array(total); // the caller sees the length and refuses
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/** A fetch failure in words: the time limit, or the network error's cause. */
function describeFailure(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return `no complete answer within ${timeoutMs / 1000} s`;
  const cause = err?.cause?.code ?? err?.cause?.message;
  return cause ? `${err.message} (${cause})` : String(err?.message ?? e);
}
