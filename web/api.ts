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
import { detectImage, ImageError, ImageKind } from "./images.js";

export type { MachineConfig, MachineState, Status, ImageFile, ImageKind, SandboxFile, FatEntry };
export { ImageError };

/** The kernel command line of the default Linux (tools/images/build.mjs CMDLINE). */
export const LINUX_APPEND = "console=tty0 console=ttyS0,115200 cryptomgr.notests";

/** Events: "state" {state, message}, "serial" {bytes, text}, "status" Status, "mode" {width,
 * height, graphics}, "notice" {message}. */
export class Tab86 extends EventTarget {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private starting?: { resolve: () => void; reject: (e: Error) => void };
  private canvasSent = false;
  private canvas?: HTMLCanvasElement;
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
  static defaultLinux(base = document.baseURI, memMiB = 128): MachineConfig {
    const url = (p: string) => new URL(`images/linux/${p}`, base).href;
    return { memMiB, kernel: { name: "vmlinuz", url: url("vmlinuz") }, initrd: { name: "initrd.img", url: url("initrd.img") }, append: LINUX_APPEND };
  }

  /** A sandbox (docs/sandbox.md): the default Linux with its inspection tools, no network,
   * these files read-only at /mnt/sandbox and an empty export disk at /mnt/export. Too many
   * or too big files are an ImageError that says which limit. */
  static sandboxConfig(files: SandboxFile[], base = document.baseURI, memMiB = 128): MachineConfig {
    if (files.length === 0) throw new ImageError("no files: choose or drop at least one file to open in the sandbox");
    if (files.length > MAX_FILES) throw new ImageError(`${files.length} files: the sandbox takes at most ${MAX_FILES} at once`);
    const total = files.reduce((n, f) => n + f.bytes.length, 0);
    if (total > MAX_BYTES) throw new ImageError(`${(total / 1048576).toFixed(0)} MiB of files: the sandbox takes at most ${MAX_BYTES / 1048576} MiB in all`);
    const linux = Tab86.defaultLinux(base, memMiB);
    const tools = { name: "tools.img", url: new URL("images/linux/tools.img", base).href };
    return { ...linux, initrds: [tools], persist: false, sandbox: { files } };
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

  /** Download an image; a failure is an ImageError naming the URL. */
  static async fetchImage(url: string, base = document.baseURI): Promise<ImageFile> {
    let r: Response;
    const href = new URL(url, base).href;
    try { r = await fetch(href); } catch (e) { throw new ImageError(`${url}: could not be downloaded (${(e as Error).message}; a server must allow cross-origin requests for images from other sites)`); }
    if (!r.ok) throw new ImageError(`${url}: the server answered ${r.status} ${r.statusText}`);
    const name = decodeURIComponent(new URL(href).pathname.split("/").pop() || "image");
    return { name, bytes: new Uint8Array(await r.arrayBuffer()) };
  }

  /** A machine configuration that boots this image (floppy, hard disk, CD or kernel). */
  static configFor(image: ImageFile, opts: { memMiB?: number; boot?: string; append?: string; persist?: boolean } = {}): MachineConfig {
    const kind = detectImage(image.name, image.bytes!);
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
      const off = this.canvas.transferControlToOffscreen();
      msg.canvas = off;
      transfer.push(off);
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
  /** Forget the guest's stored changes to its disks and start again from the original images. */
  async resetDisks(): Promise<void> {
    await this.query("discard");
    if (this.config) await this.start(this.config);
  }

  terminate(): void { this.worker.terminate(); }

  private send(msg: ToWorker): void { this.worker.postMessage(msg); }

  private query(what: Query, drive?: ExportDrive): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ t: "query", id, what, drive });
    });
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
      case "reply": {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error)); else p?.resolve(msg.value);
        break;
      }
    }
  }
}
