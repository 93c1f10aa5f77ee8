// The page side of a machine: starts the worker, sends it input, asks it for the screen and
// the disks, and turns its messages into events. Used by the <tab86-machine> element
// (web/element.ts) and usable on its own:
//
//   const m = new Tab86({ canvas });
//   m.addEventListener("serial", (e) => console.log((e as CustomEvent).detail.text));
//   await m.start(await Tab86.configFor(await Tab86.fetchImage(url), { memMiB: 64 }));
//   m.sendKeys("dir{Enter}"); const text = await m.screenText();
import wasmUrl from "../build/tab86.wasm?url";
import biosUrl from "../bios/rom/bios.bin?url";
import type { ToWorker, FromWorker, MachineConfig, MachineState, Status, ImageFile, SandboxFile, Query, ExportDrive } from "./protocol.js";
import type { FatEntry } from "../host/fatread.js";
import { MAX_FILES, MAX_BYTES } from "../host/sandbox.js";
import { defaultLinux, sandboxConfig, LINUX_APPEND } from "./configs.js";
import { detectImage, ImageError, ImageKind, PROBE_BYTES, readLazily } from "./images.js";

export type { MachineConfig, MachineState, Status, ImageFile, ImageKind, SandboxFile, FatEntry };
export { ImageError };

export { LINUX_APPEND };

/** An image by URL that is read lazily: its first bytes and its size, for deciding what it is. */
export interface UrlImage extends ImageFile { url: string; head: Uint8Array; size: number }

/** Events: "state" {state, message}, "serial" {bytes, text}, "status" Status, "mode" {width,
 * height, graphics}, "notice" {message}, "clean" (a sandbox's clean state was saved). */
export class Tab86 extends EventTarget {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private starting?: { resolve: () => void; reject: (e: Error) => void };
  private canvasSent = false;
  private canvas?: HTMLCanvasElement;
  /** the canvas's context when it could not be handed to the worker (frames come as messages) */
  private ctx?: CanvasRenderingContext2D | null;
  private decoder = new TextDecoder();
  state: MachineState = "stopped";
  status?: Status;
  mode = { width: 0, height: 0, graphics: false };
  config?: MachineConfig;

  constructor(opts: { canvas?: HTMLCanvasElement } = {}) {
    super();
    this.canvas = opts.canvas;
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "tab86" });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => this.receive({ t: "state", state: "error", message: `the machine's worker failed: ${e.message}` });
  }

  /** The default Linux of `npm run images`, served beside the page under images/. */
  static defaultLinux(base = document.baseURI, memMiB = 128): MachineConfig { return defaultLinux(base, memMiB); }

  /** A sandbox (docs/sandbox.md): by default the default Linux with its inspection tools, no
   * network, these files read-only at /mnt/sandbox and an empty export disk at /mnt/export;
   * with a DOS boot floppy, DOS with the files on C: and the export disk D:. Too many or too
   * big files, or a boot floppy that is no floppy, are an ImageError that says so. */
  static sandboxConfig(files: SandboxFile[], base = document.baseURI, memMiB = 128, dosFloppy?: ImageFile): MachineConfig {
    return sandboxConfig(files, base, memMiB, dosFloppy);
  }

  /** Read Files for the sandbox (a picker, a drop; a folder's files keep their paths). */
  static async readSandboxFiles(files: Iterable<File>): Promise<SandboxFile[]> {
    const list = [...files];
    if (list.length > MAX_FILES) throw new ImageError(`${list.length} files: the sandbox takes at most ${MAX_FILES} at once`);
    const total = list.reduce((n, f) => n + f.size, 0);
    if (total > MAX_BYTES) {
      const big = list.reduce((a, b) => (b.size > a.size ? b : a));
      throw new ImageError(`${(total / 1048576).toFixed(0)} MiB of files: the sandbox takes at most ${MAX_BYTES / 1048576} MiB in all (the biggest, ${big.name}, is ${(big.size / 1048576).toFixed(1)} MiB)`);
    }
    return Promise.all(list.map(async (f) => ({ path: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()), mtime: f.lastModified })));
  }

  /** Read a File (picker, drag-and-drop). */
  static async readFile(file: File): Promise<ImageFile> {
    return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  }

  /** An image by URL. A hard disk or CD on a server that answers range requests is not
   * downloaded: its first bytes tell what it is, and the machine reads the rest as the guest
   * needs it (host/httpdisk.ts). Anything else is downloaded whole. A failure is an
   * ImageError naming the URL. */
  static async fetchImage(url: string, base = document.baseURI): Promise<ImageFile | UrlImage> {
    const href = new URL(url, base).href;
    const name = decodeURIComponent(new URL(href).pathname.split("/").pop() || "image");
    const get = async (init?: RequestInit) => {
      let r: Response;
      try { r = await fetch(href, init); } catch (e) { throw new ImageError(`${url}: could not be downloaded (${(e as Error).message}; a server must allow cross-origin requests for images from other sites)`); }
      if (!r.ok) throw new ImageError(`${url}: the server answered ${r.status} ${r.statusText}`);
      return r;
    };
    const probe = await get({ headers: { Range: `bytes=0-${PROBE_BYTES - 1}` } });
    const total = /^bytes \d+-\d+\/(\d+)$/.exec(probe.headers.get("content-range") ?? "");
    const first = new Uint8Array(await probe.arrayBuffer());
    // a server without ranges sent the whole file (or one that hides Content-Range from us)
    if (probe.status !== 206 || !total) return { name, bytes: probe.status === 206 ? new Uint8Array(await (await get()).arrayBuffer()) : first };
    const size = Number(total[1]);
    if (first.length === size) return { name, bytes: first };
    if (readLazily(detectImage(name, first, size))) return { name, url: href, head: first, size };
    return { name, bytes: new Uint8Array(await (await get()).arrayBuffer()) };
  }

  /** A machine configuration that boots this image (floppy, hard disk, CD or kernel). */
  static configFor(image: ImageFile | UrlImage, opts: { memMiB?: number; boot?: string; append?: string; persist?: boolean } = {}): MachineConfig {
    const lazy = "head" in image ? image : undefined;
    const kind = lazy ? detectImage(image.name, lazy.head, lazy.size) : detectImage(image.name, image.bytes!);
    // (the worker gets the URL of a lazy image, not the bytes looked at here)
    if (lazy) image = { name: lazy.name, url: lazy.url };
    const c: MachineConfig = { memMiB: opts.memMiB ?? 64, boot: opts.boot || undefined, persist: opts.persist };
    if (kind === "floppy") c.fda = image;
    else if (kind === "hd") c.hda = image;
    else if (kind === "cd") { c.cdrom = image; c.boot ||= "d"; }
    else { c.kernel = image; c.append = opts.append ?? LINUX_APPEND; c.boot = undefined; }
    return c;
  }

  /** Start (or restart) the machine; resolves once it runs, rejects with the reason it cannot. */
  start(config: MachineConfig): Promise<void> {
    this.config = config;
    this.starting?.reject(new Error("restarted"));
    const p = new Promise<void>((resolve, reject) => { this.starting = { resolve, reject }; });
    p.catch(() => {});
    const msg: ToWorker = { t: "start", config, wasmUrl: new URL(wasmUrl, import.meta.url).href, biosUrl: new URL(biosUrl, import.meta.url).href };
    const transfer: Transferable[] = [];
    if (this.canvas && !this.canvasSent) {
      if (typeof this.canvas.transferControlToOffscreen === "function") {
        const off = this.canvas.transferControlToOffscreen();
        msg.canvas = off;
        transfer.push(off);
      } else {
        // no OffscreenCanvas: the worker sends the redrawn lines and they are drawn here
        this.ctx = this.canvas.getContext("2d", { alpha: false });
        msg.frames = true;
      }
      this.canvasSent = true;
    }
    this.worker.postMessage(msg, transfer);
    return p;
  }

  stop(): void { this.send({ t: "stop" }); }
  pause(): void { this.send({ t: "pause" }); }
  resume(): void { this.send({ t: "resume" }); }
  /** Power-cycle: start again from the same configuration. */
  restart(): Promise<void> { return this.config ? this.start(this.config) : Promise.reject(new Error("never started")); }
  /** Raw PS/2 set 2 bytes (web/keyboard.ts). */
  sendScancodes(bytes: number[]): void { this.send({ t: "keys", bytes }); }
  /** Keys in the --send notation: text, {Enter}, {Ctrl-Alt-Del}, {F1}... (host/keys.ts). */
  sendKeys(keys: string): void { this.send({ t: "send", keys }); }
  /** Type text as key strokes on a US keyboard (paste). */
  type(text: string): void { this.send({ t: "type", text }); }
  /** Relative mouse movement (dy down), MouseEvent.buttons, wheel steps. */
  sendMouse(dx: number, dy: number, buttons: number, wheel = 0): void { this.send({ t: "mouse", dx, dy, buttons, wheel }); }
  /** Bytes or text (UTF-8) for COM1 to receive. */
  serialWrite(data: string | Uint8Array): void {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    this.send({ t: "serial", bytes });
  }
  insertFloppy(image: ImageFile | null): void { this.send({ t: "insert", drive: "fda", image }); }
  insertCd(image: ImageFile | null): void { this.send({ t: "insert", drive: "cdrom", image }); }

  /** The text screen (empty in a graphics mode). */
  screenText(): Promise<string> { return this.query("screenText") as Promise<string>; }
  /** The whole picture as RGBA. */
  screenshot(): Promise<{ width: number; height: number; data: Uint8Array }> { return this.query("screenshot") as Promise<{ width: number; height: number; data: Uint8Array }>; }
  /** The disk as the guest has changed it (A:, the hard disk, or the sandbox's export disk). */
  exportDisk(drive: ExportDrive): Promise<Uint8Array> { return this.query("export", drive) as Promise<Uint8Array>; }
  /** The files the guest put on the sandbox's export disk (read by the bounds-checked FAT
   * reader in the worker). */
  exportFiles(): Promise<FatEntry[]> { return this.query("exportFiles") as Promise<FatEntry[]>; }
  /** The whole machine's state (host/snapshot.ts): a file to give restoreState, or to start a
   * machine of the same configuration from (MachineConfig.state, the element's state-src). */
  saveState(): Promise<Uint8Array> { return this.query("saveState") as Promise<Uint8Array>; }
  /** Carry on from a saved state. The machine must have the images it was saved with; the RAM
   * size follows the state. A bad or mismatched file rejects with the reason and leaves the
   * machine as it was. */
  async restoreState(bytes: Uint8Array, name = "the state file"): Promise<void> {
    await this.query("restoreState", undefined, bytes, name);
  }
  /** A sandbox: back to its clean state (saved when its prompt first appeared), at once; with
   * no clean state yet, a new machine boots with the same files. Resolves with how. */
  async revert(): Promise<"restored" | "rebooted"> {
    if (await this.query("revert")) return "restored";
    await this.restart();
    return "rebooted";
  }

  /** Forget the guest's stored changes to its disks and start again from the original images. */
  async resetDisks(): Promise<void> {
    await this.query("discard");
    if (this.config) await this.start(this.config);
  }

  terminate(): void { this.worker.terminate(); }

  private send(msg: ToWorker): void { this.worker.postMessage(msg); }

  private query(what: Query, drive?: ExportDrive, data?: Uint8Array, name?: string): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ t: "query", id, what, drive, data, name });
    });
  }

  // a frame from the worker, where the canvas could not be handed over
  private drawFrame(f: Extract<FromWorker, { t: "frame" }>): void {
    if (!this.canvas || !this.ctx) return;
    if (this.canvas.width !== f.width || this.canvas.height !== f.height) { this.canvas.width = f.width; this.canvas.height = f.height; }
    const rows = f.rgba.byteLength / (f.width * 4);
    if (rows > 0) this.ctx.putImageData(new ImageData(new Uint8ClampedArray(f.rgba), f.width, rows), 0, f.y0);
  }

  private emit(type: string, detail: unknown): void { this.dispatchEvent(new CustomEvent(type, { detail })); }

  private receive(msg: FromWorker): void {
    switch (msg.t) {
      case "state":
        this.state = msg.state;
        if (msg.state === "running") { this.starting?.resolve(); this.starting = undefined; }
        if (msg.state === "error") { this.starting?.reject(new Error(msg.message)); this.starting = undefined; }
        this.emit("state", { state: msg.state, message: msg.message });
        break;
      case "mode": this.mode = { width: msg.width, height: msg.height, graphics: msg.graphics }; this.emit("mode", this.mode); break;
      case "serial": this.emit("serial", { bytes: msg.bytes, text: this.decoder.decode(msg.bytes, { stream: true }) }); break;
      case "status": this.status = msg.status; this.emit("status", msg.status); break;
      case "notice": this.emit("notice", { message: msg.message }); break;
      case "frame": this.drawFrame(msg); break;
      case "clean": this.emit("clean", {}); break;
      case "reply": {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error)); else p?.resolve(msg.value);
        break;
      }
    }
  }
}
