// A local HTTP server for the HTTP disk tests: serves one image on 127.0.0.1 with single-range
// GET requests (RFC 9110 §14), or without range support, and can be told to fail after a
// number of requests: by closing the connection, answering 500, sending half a body, or never
// answering.
import { createServer, Server, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FailMode = "close" | "500" | "short" | "hang";

export interface ImageServerOptions {
  /** honour Range (default true); false answers 200 with the whole image */
  ranges?: boolean;
  /** requests answered normally before failing (default: never fail) */
  failAfter?: number;
  failMode?: FailMode;
  /** an ETag to send (default none) */
  etag?: string;
}

export class ImageServer {
  /** requests received, and the Range header of each ("" when none) */
  requests = 0;
  readonly ranges: string[] = [];
  failAfter: number;
  failMode: FailMode;
  bytes: Uint8Array;
  etag?: string;
  readonly supportsRanges: boolean;
  private server!: Server;
  private hanging: ServerResponse[] = [];

  private constructor(bytes: Uint8Array, opts: ImageServerOptions) {
    this.bytes = bytes;
    this.supportsRanges = opts.ranges ?? true;
    this.failAfter = opts.failAfter ?? Infinity;
    this.failMode = opts.failMode ?? "close";
    this.etag = opts.etag;
  }

  static async start(bytes: Uint8Array, opts: ImageServerOptions = {}): Promise<ImageServer> {
    const s = new ImageServer(bytes, opts);
    s.server = createServer((req, res) => s.handle(req, res));
    await new Promise<void>((resolve) => s.server.listen(0, "127.0.0.1", resolve));
    return s;
  }

  get url(): string { return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/image.img`; }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    const range = req.headers.range ?? "";
    this.ranges.push(range);
    if (req.url !== "/image.img") { res.writeHead(404, "Not Found").end(); return; }
    const size = this.bytes.length;
    const m = /^bytes=(\d+)-(\d*)$/.exec(range);
    let start = 0, end = size - 1, partial = false;
    if (this.supportsRanges && m) {
      start = Number(m[1]);
      end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
      if (start >= size || end < start) {
        res.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
        return;
      }
      partial = true;
    }
    const headers: Record<string, string | number> = { "Content-Type": "application/octet-stream", "Content-Length": end - start + 1 };
    if (this.supportsRanges) headers["Accept-Ranges"] = "bytes";
    if (partial) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
    if (this.etag) headers.ETag = this.etag;
    // a page from another origin (the browser tests) may read the image and these headers
    headers["Access-Control-Allow-Origin"] = "*";
    headers["Access-Control-Expose-Headers"] = "Content-Range, Content-Length, ETag, Accept-Ranges";
    if (this.requests > this.failAfter) {
      switch (this.failMode) {
        case "close": req.socket.destroy(); return;
        case "500": res.writeHead(500, "Internal Server Error").end(); return;
        case "hang": this.hanging.push(res); return;
        case "short":
          res.writeHead(partial ? 206 : 200, headers);
          res.write(this.bytes.subarray(start, start + Math.floor((end - start + 1) / 2)));
          setTimeout(() => req.socket.destroy(), 10);
          return;
      }
    }
    res.writeHead(partial ? 206 : 200, headers);
    if (req.method === "HEAD") { res.end(); return; }
    res.end(this.bytes.subarray(start, end + 1));
  }
}
