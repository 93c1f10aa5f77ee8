// The machine's worker: the core and the run loop live here, so the page never waits for the
// guest. The loop (as host/run.ts, for a browser): run a slice, drain the serial output, draw
// what changed on the display (at most 60 times a second) straight into the page's canvas
// through an OffscreenCanvas, report speed and disk activity twice a second, yield to the
// event loop with a MessageChannel message (setTimeout(0) is clamped to 4 ms after a few
// nested calls) and, when the guest halts, sleep until its next timer event.
import { Machine, ConfigError } from "../host/machine.js";
import { MemoryDisk, BlockDevice } from "../host/blockdev.js";
import { loadKernel } from "../host/kernel.js";
import { parseKeys } from "../host/keys.js";
import { elToritoProblem } from "../host/eltorito.js";
import { sandboxDisk, exportDisk, readExport, sandboxAppend, SandboxError } from "../host/sandbox.js";
import * as S from "../core-as/state.js";
import { pasteKeys } from "./paste.js";
import { StoredOverlay, diskId, loadFloppy, saveFloppy, forget } from "./storage.js";
import type { ToWorker, FromWorker, MachineConfig, MachineState, ImageFile } from "./protocol.js";

const post = (msg: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(msg, transfer);

let coreModule: Promise<WebAssembly.Module> | undefined;
let canvas: OffscreenCanvas | undefined;
let ctx: OffscreenCanvasRenderingContext2D | null = null;

// the running machine and everything the loop needs about it; a new one per start
interface Session {
  m: Machine;
  config: MachineConfig;
  state: MachineState;
  hd?: StoredOverlay | BlockDevice;
  /** the sandbox's export disk */
  exportDisk?: MemoryDisk;
  floppyId?: string;
  floppySaved?: Uint8Array;
  typing: number[][];
  serialIn: number[];
  /** wall time not given to the guest (paused), so its clock does not jump on resume */
  pausedMs: number;
  pausedAt: number;
  wake?: () => void;
}
let session: Session | undefined;
let generation = 0;

// yield to the event loop without the timer clamp
const channel = new MessageChannel();
let resumeLoop: (() => void) | undefined;
channel.port1.onmessage = () => resumeLoop?.();
const yieldNow = () => new Promise<void>((r) => { resumeLoop = r; channel.port2.postMessage(0); });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function setState(s: Session, state: MachineState, message?: string): void {
  s.state = state;
  post({ t: "state", state, message });
}

// Kernels and initrds fetched by URL are kept for the next start (the default Linux, again for
// each Restart or sandbox Revert); they are copied into guest RAM, never changed in place.
const bootFiles = new Map<string, Promise<Uint8Array>>();

async function bytesOf(img: ImageFile, keep = false): Promise<Uint8Array> {
  if (img.bytes) return img.bytes;
  if (!img.url) throw new ConfigError(`${img.name}: no data`);
  const url = img.url;
  const get = async () => {
    const r = await fetch(url);
    if (!r.ok) throw new ConfigError(`${url}: ${r.status} ${r.statusText}`);
    return new Uint8Array(await r.arrayBuffer());
  };
  if (!keep) return get();
  let p = bootFiles.get(url);
  if (!p) { p = get(); bootFiles.set(url, p); p.catch(() => bootFiles.delete(url)); }
  return p;
}

function bootOrder(letters: string): number {
  if (!/^[a-d]{1,4}$/.test(letters)) throw new ConfigError(`boot order ${letters}: expected drive letters a, b, c, d`);
  let order = 0;
  for (let k = 0; k < letters.length; k++) order |= (letters.charCodeAt(k) - 0x60) << (4 * k);
  return order;
}

async function start(msg: Extract<ToWorker, { t: "start" }>): Promise<void> {
  const gen = ++generation;
  await stopSession();
  if (msg.canvas) { canvas = msg.canvas; ctx = canvas.getContext("2d", { alpha: false }); }
  post({ t: "state", state: "loading" });
  const c = msg.config;
  let m: Machine;
  let s: Session;
  try {
    coreModule ??= WebAssembly.compileStreaming(fetch(msg.wasmUrl));
    const rom = new Uint8Array(await (await fetch(msg.biosUrl)).arrayBuffer());
    m = await Machine.create(await coreModule, { memMiB: c.memMiB, rom, stopOnTripleFault: false });
    s = { m, config: c, state: "loading", typing: [], serialIn: [], pausedMs: 0, pausedAt: 0 };
    if (c.sandbox) {
      // a throwaway machine: the files read-only, an empty export disk, nothing stored
      if (!c.kernel) throw new ConfigError("the sandbox boots Linux: no kernel given");
      c.persist = false;
      const disk = sandboxDisk(c.sandbox.files.map((f) => ({ path: f.path, data: f.bytes, mtime: f.mtime !== undefined ? new Date(f.mtime) : undefined })));
      m.attachDisk(0, "hd", new MemoryDisk(disk.image, true), "the sandbox disk");
      s.exportDisk = new MemoryDisk(exportDisk());
      m.attachDisk(1, "hd", s.exportDisk, "the export disk");
    }
    if (c.fda) {
      let bytes = await bytesOf(c.fda);
      if (c.persist) {
        s.floppyId = await diskId(bytes);
        const saved = await loadFloppy(s.floppyId);
        if (saved && saved.length === bytes.length) { bytes = saved; post({ t: "notice", message: `${c.fda.name}: your earlier changes were restored` }); }
      }
      m.insertFloppy(0, bytes);
      s.floppySaved = m.floppyImage(0);
    }
    if (c.hda) {
      const base = new MemoryDisk(await bytesOf(c.hda), true);
      if (c.persist) {
        const ov = new StoredOverlay(base, await diskId(base.bytes));
        if (await ov.load()) post({ t: "notice", message: `${c.hda.name}: your earlier changes were restored` });
        s.hd = ov;
      } else s.hd = new MemoryDisk(new Uint8Array(base.bytes), false);
      m.attachDisk(0, "hd", s.hd, c.hda.name);
    }
    const cd = c.cdrom ? new MemoryDisk(await bytesOf(c.cdrom), true) : null;
    m.attachDisk(2, "cd", cd, c.cdrom?.name ?? "CD");
    if (c.boot) m.w32(S.BIOS_BOOT_ORDER, bootOrder(c.boot));
    if (cd && c.boot?.[0] === "d") {
      const why = elToritoProblem(cd);
      if (why) throw new ConfigError(`${c.cdrom!.name}: not bootable: ${why}`);
    }
    if (c.kernel) {
      const rds = [...(c.initrd ? [c.initrd] : []), ...(c.initrds ?? [])];
      const initrd = rds.length ? await Promise.all(rds.map(async (r) => ({ name: r.name, data: await bytesOf(r, true) }))) : undefined;
      const append = c.sandbox ? sandboxAppend(c.append ?? "") : c.append;
      loadKernel(m, { kernel: await bytesOf(c.kernel, true), name: c.kernel.name, initrd, append });
    }
  } catch (e) {
    if (gen !== generation) return;
    post({ t: "state", state: "error", message: e instanceof ConfigError || e instanceof SandboxError ? e.message : `could not start: ${(e as Error).message}` });
    return;
  }
  if (gen !== generation) return;
  session = s;
  setState(s, "running");
  void loop(s, gen);
}

async function stopSession(): Promise<void> {
  const s = session;
  session = undefined;
  if (!s) return;
  s.wake?.();
  await persist(s).catch(() => {});
}

// Store the guest's disk changes (IndexedDB), at most every few seconds and on stop.
async function persist(s: Session): Promise<void> {
  if (!s.config.persist) return;
  if (s.hd instanceof StoredOverlay) await s.hd.flush();
  if (s.floppyId && s.m.core.floppy_size(0)) {
    const now = s.m.floppyImage(0);
    if (!s.floppySaved || !equal(now, s.floppySaved)) { s.floppySaved = now; await saveFloppy(s.floppyId, now); }
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

let image: ImageData | undefined;
let mode = { width: 0, height: 0, graphics: false };

/** Draw the lines the guest changed since the last frame. */
function draw(m: Machine): void {
  const p = m.screenPixels();
  if (p.width === 0 || p.height === 0) return;
  if (p.width !== mode.width || p.height !== mode.height || !image || image.data.buffer !== m.memory.buffer) {
    const graphics = m.graphicsMode();
    mode = { width: p.width, height: p.height, graphics };
    post({ t: "mode", ...mode });
    image = new ImageData(p.data as Uint8ClampedArray<ArrayBuffer>, p.width, p.height);
    if (canvas) { canvas.width = p.width; canvas.height = p.height; }
    ctx?.putImageData(image, 0, 0);
    return;
  }
  if (p.dirty.y1 > p.dirty.y0) ctx?.putImageData(image, 0, 0, 0, p.dirty.y0, p.width, p.dirty.y1 - p.dirty.y0);
}

async function loop(s: Session, gen: number): Promise<void> {
  const m = s.m;
  const t0 = performance.now();
  let slice = 200_000;
  let nextFrame = 0, nextStatus = t0 + 500, nextPersist = t0 + 3000, nextKey = 0;
  let statInsns = m.instructions, statDisk = m.diskStats.requests, statT = t0;
  m.core.vga_invalidate();
  while (session === s && gen === generation) {
    if (s.state === "paused") {
      s.pausedAt = performance.now();
      await new Promise<void>((r) => { s.wake = r; });
      s.wake = undefined;
      s.pausedMs += performance.now() - s.pausedAt;
      continue;
    }
    const now = performance.now();
    m.core.sync_clock(BigInt(Math.round((now - t0 - s.pausedMs) * 1e6)));
    // typed text (paste, the key menu): one stroke at a time, when the keyboard has taken the last
    if (s.typing.length && now >= nextKey && m.r32(S.QUEUE_KEYS) === m.r32(S.QUEUE_KEYS + 4)) {
      if (m.sendScancodes(s.typing[0])) { s.typing.shift(); nextKey = now + 12; }
    }
    if (s.serialIn.length) s.serialIn.splice(0, m.serialIn(0, s.serialIn));
    let reason: number;
    const r0 = performance.now();
    try {
      reason = await m.runAsync(slice); // (an HTTP disk is read while the machine waits)
    } catch (e) {
      setState(s, "error", `emulator error: ${(e as Error).message}\n${m.dump()}`);
      return;
    }
    const took = performance.now() - r0;
    // aim at slices of about 8 ms so messages from the page wait no longer than that
    if (reason === S.EXIT_BUDGET) slice = Math.max(20_000, Math.min(5_000_000, Math.round(slice * (took > 0 ? Math.min(2, 8 / took) : 2))));
    const out = m.serialOut(0);
    if (out.length) post({ t: "serial", bytes: out }, [out.buffer]);
    m.drainDebug();
    const after = performance.now();
    if (after >= nextFrame) { draw(m); nextFrame = after + 1000 / 60; }
    if (after >= nextStatus) {
      const insns = m.instructions;
      post({ t: "status", status: { state: s.state, mips: Number(insns - statInsns) / (after - statT) / 1000, diskRequests: m.diskStats.requests - statDisk, instructions: Number(insns) } });
      statInsns = insns; statDisk = m.diskStats.requests; statT = after; nextStatus = after + 500;
    }
    if (after >= nextPersist) { nextPersist = after + 3000; persist(s).catch((e) => post({ t: "notice", message: `saving the disk failed: ${(e as Error).message}` })); }
    if (reason === S.EXIT_FATAL) { draw(m); setState(s, "error", `emulator error (${m.fatalName()})\n${m.dump()}`); return; }
    if (reason === S.EXIT_TRIPLE_FAULT) { draw(m); setState(s, "error", `triple fault\n${m.dump()}`); return; }
    if (reason === S.EXIT_HALT) {
      const until = m.haltUntil;
      if (until === 0n) {
        // hlt with interrupts off: nothing wakes it but a reset
        draw(m);
        setState(s, "halted");
        await new Promise<void>((r) => { s.wake = r; });
        s.wake = undefined;
        continue;
      }
      const waitMs = Math.min(Number(until - m.core.now_ns()) / 1e6, nextFrame - performance.now(), 10);
      if (waitMs >= 1) { await sleep(waitMs); continue; }
    }
    await yieldNow();
  }
}

function reply(id: number, value?: unknown, error?: string, transfer: Transferable[] = []): void {
  post({ t: "reply", id, value, error }, transfer);
}

async function query(msg: Extract<ToWorker, { t: "query" }>): Promise<void> {
  const s = session;
  if (!s) return reply(msg.id, undefined, "the machine is not running");
  const m = s.m;
  switch (msg.what) {
    case "screenText": return reply(msg.id, m.screenText());
    case "screenshot": {
      const shot = m.screenshot();
      return reply(msg.id, shot, undefined, [shot.data.buffer]);
    }
    case "exportFiles": {
      // the files on the sandbox's export disk, read here so the page gets only files
      if (!s.exportDisk) return reply(msg.id, undefined, "this machine is no sandbox: it has no export disk");
      try {
        const files = readExport(s.exportDisk.bytes);
        return reply(msg.id, files, undefined, files.map((f) => f.data.buffer as ArrayBuffer));
      } catch (e) {
        return reply(msg.id, undefined, (e as Error).message);
      }
    }
    case "export": {
      if (msg.drive === "export") {
        if (!s.exportDisk) return reply(msg.id, undefined, "this machine is no sandbox: it has no export disk");
        const bytes = s.exportDisk.bytes.slice();
        return reply(msg.id, bytes, undefined, [bytes.buffer]);
      }
      if (msg.drive === "fda") {
        const bytes = m.floppyImage(0);
        return bytes.length ? reply(msg.id, bytes, undefined, [bytes.buffer]) : reply(msg.id, undefined, "no floppy in A:");
      }
      if (!s.hd) return reply(msg.id, undefined, "no hard disk");
      const bytes = new Uint8Array(s.hd.size);
      s.hd.read(0, bytes);
      return reply(msg.id, bytes, undefined, [bytes.buffer]);
    }
    case "discard": {
      // reset to original: forget the stored changes; the caller restarts the machine
      if (s.hd instanceof StoredOverlay) await s.hd.reset();
      if (s.floppyId) await forget(s.floppyId);
      s.config.persist = false; // do not save this session's changes again on stop
      return reply(msg.id, true);
    }
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  const s = session;
  switch (msg.t) {
    case "start": void start(msg); return;
    case "query": void query(msg); return;
  }
  if (!s) return;
  const m = s.m;
  switch (msg.t) {
    case "keys": m.sendScancodes(msg.bytes); break;
    case "type": {
      const { keys, skipped } = pasteKeys(msg.text);
      s.typing.push(...keys);
      if (skipped) post({ t: "notice", message: `${skipped} character(s) have no key on a US keyboard and were left out` });
      break;
    }
    case "send":
      try { s.typing.push(...parseKeys(msg.keys)); } catch (err) { post({ t: "notice", message: (err as Error).message }); }
      break;
    case "mouse": m.sendMouse(msg.dx, msg.dy, msg.buttons, msg.wheel); break;
    case "serial": s.serialIn.push(...msg.bytes); break;
    case "pause": if (s.state === "running") { setState(s, "paused"); } break;
    case "resume": if (s.state === "paused") { setState(s, "running"); s.wake?.(); } break;
    case "stop": void stopSession().then(() => post({ t: "state", state: "stopped" })); break;
    case "insert":
      try {
        if (msg.drive === "fda") {
          if (msg.image?.bytes) { m.insertFloppy(0, msg.image.bytes); s.floppyId = undefined; }
          else m.ejectFloppy(0);
        } else m.changeCd(2, msg.image?.bytes ? new MemoryDisk(msg.image.bytes, true) : null);
        post({ t: "notice", message: msg.image ? `${msg.image.name} is in ${msg.drive === "fda" ? "A:" : "the CD drive"}` : `${msg.drive === "fda" ? "A:" : "the CD drive"} is empty` });
      } catch (err) {
        post({ t: "notice", message: (err as Error).message });
      }
      break;
  }
};
