// <tab86-machine>: a PC in a page.
//
//   <script type="module" src="tab86.js"></script>
//   <tab86-machine src="freedos.img" memory="64" autostart console></tab86-machine>
//
// Attributes: src (a floppy, hard disk or CD image, or a Linux kernel; none: the default Linux
// served under images/linux/), memory (MiB, default 64, 128 for the default Linux), boot (drive
// letters in order, e.g. "cd"), append (kernel command line), autostart, console (show the
// serial console), scale ("aspect" default, or "integer"), persist (keep disk changes in
// IndexedDB), state-src (a saved machine state to start from instead of booting: the instant
// demo of a documentation page; src and the other images must be the ones it was saved with),
// keyboard (an on-screen PC keyboard under the screen, for phones and tablets: "auto" shows it
// where the main pointer is a finger, "off" hides it, any other value shows it).
// Methods and events: see docs/web.md.
import xtermCss from "@xterm/xterm/css/xterm.css?inline";
import type { Terminal } from "@xterm/xterm";
import { Tab86, ImageFile, MachineConfig, ImageError, FatEntry, UrlImage } from "./api.js";
import type { ExportDrive } from "./protocol.js";
import { KeyState } from "./keyboard.js";
import { fitScreen, ScaleMode } from "./display.js";
import { attachConsole, consoleText } from "./console.js";
import { OnScreenKeyboard, oskCss } from "./oskpanel.js";

const STYLE = `
:host { display: block; }
.screen { position: relative; background: #000; display: flex; align-items: center; justify-content: center;
  aspect-ratio: 4 / 3; width: 100%; overflow: hidden; }
canvas { image-rendering: pixelated; display: block; outline: none; }
canvas:focus-visible { box-shadow: 0 0 0 2px #4a9eff; }
.message { position: absolute; inset: auto 0 0 0; margin: 0; padding: .5em .75em; color: #fff;
  background: rgba(160, 20, 20, .92); font: 14px/1.4 system-ui, sans-serif; white-space: pre-wrap; }
.message[hidden] { display: none; }
.screen.drop { outline: 3px dashed #4a9eff; outline-offset: -6px; }
.console { margin-top: 6px; }
.console[hidden] { display: none; }
`;

export class Tab86Element extends HTMLElement {
  static observedAttributes = ["console", "scale", "keyboard"];
  readonly machine: Tab86;
  private canvas: HTMLCanvasElement;
  private screen: HTMLDivElement;
  private messageBox: HTMLParagraphElement;
  private consoleBox: HTMLDivElement;
  private term?: Terminal;
  private keys = new KeyState();
  private buttons = 0;
  private osk: OnScreenKeyboard;
  // a touch screen: where keyboard="auto" shows the on-screen keyboard
  private coarse = typeof matchMedia === "function" ? matchMedia("(pointer: coarse)") : undefined;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.innerHTML = `<style>${xtermCss}${STYLE}${oskCss}</style>
      <div class="screen" part="screen"><canvas tabindex="0" part="canvas" role="img" aria-label="PC screen: click to type"></canvas>
      <p class="message" role="alert" hidden></p></div>
      <div class="console" part="console" hidden></div>`;
    this.screen = root.querySelector(".screen")!;
    this.canvas = root.querySelector("canvas")!;
    this.messageBox = root.querySelector(".message")!;
    this.consoleBox = root.querySelector(".console")!;
    this.machine = new Tab86({ canvas: this.canvas });
    // under the screen, above the console: it never covers the picture
    this.osk = new OnScreenKeyboard((bytes) => this.machine.sendScancodes(bytes));
    this.osk.root.hidden = true;
    this.screen.after(this.osk.root);
    this.coarse?.addEventListener("change", () => this.attributeChangedCallback());
    for (const type of ["state", "serial", "status", "mode", "notice", "clean"]) {
      this.machine.addEventListener(type, (e) => this.dispatchEvent(new CustomEvent(type, { detail: (e as CustomEvent).detail })));
    }
    this.machine.addEventListener("mode", () => this.layout());
    this.machine.addEventListener("state", (e) => {
      const { state, message } = (e as CustomEvent).detail;
      if (state === "error") this.showMessage(message);
      else if (state === "loading") this.showMessage("");
    });
    new ResizeObserver(() => this.layout()).observe(this.screen);
    this.wireInput();
  }

  connectedCallback(): void {
    this.attributeChangedCallback();
    if (this.hasAttribute("autostart")) this.start().catch(() => {});
  }

  attributeChangedCallback(): void {
    if (this.hasAttribute("console") && !this.term) this.term = attachConsole(this.machine, this.consoleBox);
    this.consoleBox.hidden = !this.hasAttribute("console");
    const shown = this.keyboardShown;
    if (shown !== !this.osk.root.hidden) {
      if (!shown) this.osk.releaseAll();
      this.osk.root.hidden = !shown;
      this.dispatchEvent(new CustomEvent("keyboard", { detail: { shown } }));
    }
    this.layout();
  }

  /** Whether the on-screen keyboard is shown: the keyboard attribute, "auto" on a touch screen. */
  get keyboardShown(): boolean {
    const k = this.getAttribute("keyboard");
    if (k === null || k === "off") return false;
    return k === "auto" ? !!this.coarse?.matches : true;
  }

  get state() { return this.machine.state; }

  /** Start from the attributes (src, memory, boot, append, persist, state-src), or from a
   * configuration. */
  async start(config?: MachineConfig): Promise<void> {
    try {
      if (!config) {
        const src = this.getAttribute("src");
        const memory = this.hasAttribute("memory") ? Number(this.getAttribute("memory")) : undefined;
        if (!src) config = Tab86.defaultLinux(document.baseURI, memory ?? 128);
        else config = this.configFor(await Tab86.fetchImage(src));
        if (memory !== undefined) config.memMiB = memory;
        // the state holds the machine as it was, not its images: those come from src (the
        // worker says clearly when they are not the ones the state was saved with)
        const state = this.getAttribute("state-src");
        if (state) {
          const href = new URL(state, document.baseURI).href;
          config.state = { name: decodeURIComponent(new URL(href).pathname.split("/").pop() || "state"), url: href };
        }
      }
      this.showMessage("");
      await this.machine.start(config);
    } catch (e) {
      this.showMessage((e as Error).message);
      throw e;
    }
  }

  /** Boot an image: a File from a picker or drop, a URL, or bytes with a name. */
  async load(what: File | string | ImageFile, opts: { memMiB?: number; boot?: string } = {}): Promise<void> {
    try {
      const image = typeof what === "string" ? await Tab86.fetchImage(what) : what instanceof File ? await Tab86.readFile(what) : what;
      await this.start(this.configFor(image, opts));
    } catch (e) {
      this.showMessage((e as Error).message);
      throw e;
    }
  }

  configFor(image: ImageFile | UrlImage, opts: { memMiB?: number; boot?: string } = {}): MachineConfig {
    const mem = opts.memMiB ?? (this.hasAttribute("memory") ? Number(this.getAttribute("memory")) : undefined);
    return Tab86.configFor(image, {
      memMiB: mem, boot: opts.boot ?? this.getAttribute("boot") ?? undefined,
      append: this.getAttribute("append") ?? undefined, persist: this.hasAttribute("persist"),
    });
  }

  stop(): void { this.machine.stop(); }
  pause(): void { this.machine.pause(); }
  resume(): void { this.machine.resume(); }
  restart(): Promise<void> { return this.machine.restart(); }
  sendKeys(keys: string): void { this.machine.sendKeys(keys); }
  type(text: string): void { this.machine.type(text); }
  serialWrite(data: string | Uint8Array): void { this.machine.serialWrite(data); }
  screenText(): Promise<string> { return this.machine.screenText(); }
  screenshot() { return this.machine.screenshot(); }
  exportDisk(drive: ExportDrive) { return this.machine.exportDisk(drive); }
  /** The files on the sandbox's export disk. */
  exportFiles(): Promise<FatEntry[]> { return this.machine.exportFiles(); }
  resetDisks(): Promise<void> { return this.machine.resetDisks(); }
  /** The whole machine's state as a file (restoreState, state-src). */
  saveState(): Promise<Uint8Array> { return this.machine.saveState(); }
  /** Carry on from a saved state (same images); a bad or mismatched file rejects with the
   * reason, which the element also shows. */
  async restoreState(bytes: Uint8Array, name?: string): Promise<void> {
    try {
      await this.machine.restoreState(bytes, name);
      this.showMessage("");
    } catch (e) {
      this.showMessage((e as Error).message);
      throw e;
    }
  }
  /** A sandbox back to its clean state (or a new machine when it has none yet). */
  revert(): Promise<"restored" | "rebooted"> { return this.machine.revert(); }
  /** Empty the serial console, leaving a line of the page's (the sandbox's Revert: the lines
   * above belonged to the state the machine left). */
  clearConsole(note = ""): void {
    if (!this.term) return;
    this.term.reset();
    if (note) this.term.write(`\x1b[2m${note}\x1b[0m\r\n`);
  }
  /** The serial console's text (with the console attribute). */
  consoleText(): string { return this.term ? consoleText(this.term) : ""; }
  focus(): void { this.canvas.focus(); }
  /** Send the host mouse to the guest's PS/2 mouse until Esc (pointer lock). */
  captureMouse(): void { this.canvas.focus(); void this.canvas.requestPointerLock?.(); }

  /** Swap the floppy in A: or the CD while the machine runs. */
  async insert(drive: "fda" | "cdrom", file: File | null): Promise<void> {
    const image = file ? await Tab86.readFile(file) : null;
    if (drive === "fda") this.machine.insertFloppy(image); else this.machine.insertCd(image);
  }

  showMessage(text: string): void {
    this.messageBox.textContent = text;
    this.messageBox.hidden = !text;
  }

  private layout(): void {
    const { width, height } = this.machine.mode;
    const box = this.screen.getBoundingClientRect();
    const scale = (this.getAttribute("scale") === "integer" ? "integer" : "aspect") as ScaleMode;
    const size = fitScreen(width || 720, height || 400, box.width, box.height, scale);
    this.canvas.style.width = `${size.width}px`;
    this.canvas.style.height = `${size.height}px`;
    // pixels stay sharp when magnified; a picture shrunk below 1:1 is smoothed instead
    this.canvas.style.imageRendering = size.width >= (width || 720) ? "pixelated" : "auto";
  }

  private wireInput(): void {
    const c = this.canvas;
    c.addEventListener("keydown", (e) => {
      const bytes = this.keys.down(e.code, e.repeat);
      if (bytes === undefined) return;
      e.preventDefault();
      if (bytes.length) this.machine.sendScancodes(bytes);
    });
    c.addEventListener("keyup", (e) => {
      const bytes = this.keys.up(e.code);
      if (bytes === undefined) return;
      e.preventDefault();
      if (bytes.length) this.machine.sendScancodes(bytes);
    });
    c.addEventListener("blur", () => {
      const bytes = this.keys.releaseAll();
      if (bytes.length) this.machine.sendScancodes(bytes);
    });
    c.addEventListener("paste", (e) => {
      const text = e.clipboardData?.getData("text/plain");
      if (text) { e.preventDefault(); this.machine.type(text); }
    });
    c.addEventListener("mousedown", (e) => {
      c.focus();
      if (document.pointerLockElement !== c && this.machine.mode.graphics) { void c.requestPointerLock?.(); e.preventDefault(); }
    });
    const locked = () => document.pointerLockElement === c || this.shadowRoot?.pointerLockElement === c;
    const mouse = (e: MouseEvent, wheel = 0) => {
      if (!locked()) return;
      this.buttons = e.buttons;
      this.machine.sendMouse(e.movementX, e.movementY, e.buttons, wheel);
    };
    c.addEventListener("mousemove", (e) => mouse(e));
    c.addEventListener("mousedown", (e) => mouse(e));
    c.addEventListener("mouseup", (e) => mouse(e));
    c.addEventListener("wheel", (e) => { if (locked()) { e.preventDefault(); mouse(e, Math.sign(e.deltaY)); } }, { passive: false });
    c.addEventListener("contextmenu", (e) => { if (locked()) e.preventDefault(); });
    // drag and drop an image onto the screen: boot it, unless a "files" listener takes the
    // files (the app page asks whether to boot or to open them in the sandbox)
    this.screen.addEventListener("dragover", (e) => { e.preventDefault(); this.screen.classList.add("drop"); });
    this.screen.addEventListener("dragleave", () => this.screen.classList.remove("drop"));
    this.screen.addEventListener("drop", (e) => {
      e.preventDefault();
      e.stopPropagation();
      this.screen.classList.remove("drop");
      const files = [...(e.dataTransfer?.files ?? [])];
      if (!files.length) return;
      if (!this.dispatchEvent(new CustomEvent("files", { detail: { files }, cancelable: true }))) return;
      this.load(files[0]).catch(() => {});
    });
  }
}

export { ImageError };

if (!customElements.get("tab86-machine")) customElements.define("tab86-machine", Tab86Element);

declare global {
  interface HTMLElementTagNameMap { "tab86-machine": Tab86Element }
}
