// The machine's worker: the core and the run loop live here, so the page never waits for the
// guest. The loop (as host/run.ts, for a browser): run a slice, drain the serial output, draw
// what changed on the display (at most 60 times a second: web/draw.ts, into the page's canvas
// through an OffscreenCanvas, or as frames the page draws), report speed and disk activity
// twice a second, yield to the event loop with a MessageChannel message (setTimeout(0) is
// clamped to 4 ms after a few nested calls) and, when the guest halts, sleep until its next
// timer event. The machine runs with runAsync, so a disk read over HTTP (web/disks.ts) is
// awaited without blocking the worker.
//
// Machine snapshots (host/snapshot.ts) are taken and restored between two slices: the page's
// requests wait in Session.ops until the loop reaches the next boundary. A sandbox saves its
// clean state when its shell prompt first appears, and Revert restores that state.
import { Machine, ConfigError } from "../host/machine.js";
import { MemoryDisk, Overlay, BlockDevice, readFrom } from "../host/blockdev.js";
import { loadKernel } from "../host/kernel.js";
import { parseKeys } from "../host/keys.js";
import { elToritoProblemAsync } from "../host/eltorito.js";
import { sandboxDisk, exportDisk, readExport, sandboxAppend, SandboxError } from "../host/sandbox.js";
import { saveState, restoreState, readHeader, snapshotDifferences, SnapshotError } from "../host/snapshot.js";
import * as S from "../core-as/state.js";
import { pasteKeys } from "./paste.js";
import { StoredOverlay, loadFloppy, saveFloppy, forget, diskId } from "./storage.js";
import { ScreenDrawer } from "./draw.js";
import { openImage, imageStoreId, bytesFetched } from "./disks.js";
import { CleanWatch, isTerminalReport } from "./clean.js";
import type { ToWorker, FromWorker, MachineConfig, MachineState, ImageFile } from "./protocol.js";

const post = (msg: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(msg, transfer);

let coreModule: Promise<WebAssembly.Module> | undefined;
const drawer = new ScreenDrawer(post);
// the core's and BIOS's URLs, from the first start (a restore that needs a new machine)
let urls: { wasmUrl: string; biosUrl: string } | undefined;

// the running machine and everything the loop needs about it; a new one per start
interface Session {
  m: Machine;
  config: MachineConfig;
  state: MachineState;
  hd?: Overlay;
  /** the sandbox's export disk (an overlay over the empty image, so a snapshot holds it) */
  exportDisk?: Overlay;
  floppyId?: string;
  floppySaved?: Uint8Array;
  typing: number[][];
  serialIn: number[];
  /** performance.now() at the guest's virtual time 0: moved on by the time spent paused (so
   * the guest's clock does not jump on resume) and by a restored snapshot (to its time) */
  clockZero: number;
  wake?: () => void;
  /** the run loop is running (it runs ops between slices; otherwise they run at once) */
  looping: boolean;
  ops: (() => Promise<void>)[];
  /** the sandbox: watches for the shell's first prompt, then holds the clean state */
  cleanWatch?: CleanWatch;
  clean?: Uint8Array;
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

/** Start a machine; resolves with the reason it could not start (undefined: it runs). */
async function start(msg: Extract<ToWorker, { t: "start" }>): Promise<string | undefined> {
  const gen = ++generation;
  await stopSession();
  if (msg.canvas) drawer.useCanvas(msg.canvas);
  else if (msg.frames) drawer.useFrames();
  urls = { wasmUrl: msg.wasmUrl, biosUrl: msg.biosUrl };
  post({ t: "state", state: "loading" });
  const c = msg.config;
  let m: Machine;
  let s: Session;
  try {
    // a snapshot says how much RAM its machine has (the rest of the machine is the config's)
    const state = c.state ? await bytesOf(c.state) : undefined;
    if (state) c.memMiB = readHeader(state, c.state!.name).header.machine.memMiB;
    coreModule ??= WebAssembly.compileStreaming(fetch(msg.wasmUrl));
    const rom = new Uint8Array(await (await fetch(msg.biosUrl)).arrayBuffer());
    m = await Machine.create(await coreModule, { memMiB: c.memMiB, rom, stopOnTripleFault: false });
    s = { m, config: c, state: "loading", typing: [], serialIn: [], clockZero: 0, looping: false, ops: [] };
    const dos = c.sandbox?.system === "dos";
    if (c.sandbox) {
      // a throwaway machine: the files read-only, an empty export disk, nothing stored
      if (dos ? !c.fda : !c.kernel) throw new ConfigError(dos ? "the DOS sandbox boots from a DOS boot floppy: none given" : "the sandbox boots Linux: no kernel given");
      c.persist = false;
      const disk = sandboxDisk(c.sandbox.files.map((f) => ({ path: f.path, data: f.bytes, mtime: f.mtime !== undefined ? new Date(f.mtime) : undefined })));
      m.attachDisk(0, "hd", new MemoryDisk(disk.image, true), "the sandbox disk");
      s.exportDisk = new Overlay(new MemoryDisk(exportDisk(), true));
      m.attachDisk(1, "hd", s.exportDisk, "the export disk");
      s.cleanWatch = new CleanWatch(dos ? "dos" : "linux");
      if (dos) c.boot = "a";
    }
    if (c.fda) {
      const bytes = await bytesOf(c.fda);
      // the image as given stays the floppy's source (a snapshot names it); stored changes are
      // then written over it in the core's copy
      m.insertFloppy(0, bytes);
      if (c.persist) {
        s.floppyId = await diskId(bytes);
        const saved = await loadFloppy(s.floppyId);
        if (saved && saved.length === bytes.length) { m.u8.set(saved, S.FLOPPY); post({ t: "notice", message: `${c.fda.name}: your earlier changes were restored` }); }
      }
      s.floppySaved = m.floppyImage(0);
    }
    if (c.hda) {
      // the guest writes to an overlay, never to the image (stored in IndexedDB with persist)
      const base = await openImage(c.hda);
      if (c.persist) {
        const ov = new StoredOverlay(base, await imageStoreId(base));
        if (await ov.load()) post({ t: "notice", message: `${c.hda.name}: your earlier changes were restored` });
        s.hd = ov;
      } else s.hd = new Overlay(base);
      m.attachDisk(0, "hd", s.hd, c.hda.name);
    }
    const cd = c.cdrom ? await openImage(c.cdrom) : null;
    m.attachDisk(2, "cd", cd, c.cdrom?.name ?? "CD");
    if (c.boot) m.w32(S.BIOS_BOOT_ORDER, bootOrder(c.boot));
    if (cd && c.boot?.[0] === "d" && !state) {
      const why = await elToritoProblemAsync(cd);
      if (why) throw new ConfigError(`${c.cdrom!.name}: not bootable: ${why}`);
    }
    if (c.kernel && !state) {
      const rds = [...(c.initrd ? [c.initrd] : []), ...(c.initrds ?? [])];
      const initrd = rds.length ? await Promise.all(rds.map(async (r) => ({ name: r.name, data: await bytesOf(r, true) }))) : undefined;
      const append = c.sandbox ? sandboxAppend(c.append ?? "") : c.append;
      loadKernel(m, { kernel: await bytesOf(c.kernel, true), name: c.kernel.name, initrd, append });
    }
    if (state) {
      await restoreState(m, state, c.state!.name);
      // a sandbox started from a state is clean as it starts
      if (s.cleanWatch) { s.clean = state; s.cleanWatch = undefined; post({ t: "clean" }); }
    }
  } catch (e) {
    if (gen !== generation) return "replaced";
    const message = e instanceof ConfigError || e instanceof SandboxError || e instanceof SnapshotError ? e.message : `could not start: ${(e as Error).message}`;
    post({ t: "state", state: "error", message });
    return message;
  }
  if (gen !== generation) return "replaced";
  session = s;
  s.clockZero = performance.now() - Number(m.core.now_ns()) / 1e6;
  setState(s, "running");
  void loop(s, gen);
  return undefined;
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

const draw = (m: Machine) => drawer.draw(m);

// Run fn between two slices of the session's loop (or now, when the loop is not running), so
// a snapshot is taken or restored with no run in progress and no disk read in flight.
function atBoundary<T>(s: Session, fn: () => Promise<T>): Promise<T> {
  if (!s.looping) return fn();
  return new Promise<T>((resolve, reject) => {
    s.ops.push(() => fn().then(resolve, reject));
    s.wake?.();
  });
}

async function runOps(s: Session): Promise<void> {
  while (s.ops.length) await s.ops.shift()!();
}

/** Restore a snapshot into the session's machine (between slices); the machine then runs. */
async function restoreInto(s: Session, bytes: Uint8Array, name: string): Promise<void> {
  await atBoundary(s, async () => {
    await restoreState(s.m, bytes, name);
    // the guest's clock carries on from the snapshot's time
    s.clockZero = performance.now() - Number(s.m.core.now_ns()) / 1e6;
    s.typing = [];
    drawer.invalidate();
  });
  if (session !== s) return;
  const wasLooping = s.looping;
  setState(s, "running");
  if (wasLooping) s.wake?.();
  else void loop(s, generation);
}

async function loop(s: Session, gen: number): Promise<void> {
  s.looping = true;
  try {
    await runLoop(s, gen);
  } finally {
    s.looping = false;
    // requests that came after the last slice run now
    await runOps(s);
  }
}

async function runLoop(s: Session, gen: number): Promise<void> {
  const m = s.m;
  const t0 = performance.now();
  let slice = 200_000;
  let nextFrame = 0, nextStatus = t0 + 500, nextPersist = t0 + 3000, nextKey = 0;
  let statInsns = m.instructions, statDisk = m.diskStats.requests, statT = t0;
  m.core.vga_invalidate();
  drawer.invalidate();
  while (session === s && gen === generation) {
    await runOps(s);
    if (s.state === "paused") {
      const pausedAt = performance.now();
      await new Promise<void>((r) => { s.wake = r; });
      s.wake = undefined;
      s.clockZero += performance.now() - pausedAt;
      continue;
    }
    const now = performance.now();
    m.core.sync_clock(BigInt(Math.round((now - s.clockZero) * 1e6)));
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
    s.cleanWatch?.serial(out);
    if (out.length) post({ t: "serial", bytes: out }, [out.buffer]);
    m.drainDebug();
    const after = performance.now();
    if (after >= nextFrame) {
      draw(m);
      nextFrame = after + 1000 / 60;
      if (s.cleanWatch?.screen(m)) await takeClean(s); // (a DOS sandbox's prompt, looked for once a frame)
    }
    if (after >= nextStatus) {
      const insns = m.instructions;
      post({ t: "status", status: { state: s.state, mips: Number(insns - statInsns) / (after - statT) / 1000, diskRequests: m.diskStats.requests - statDisk, instructions: Number(insns), bytesFetched: bytesFetched([m.disk(0), m.disk(1), m.disk(2), m.disk(3)]) } });
      statInsns = insns; statDisk = m.diskStats.requests; statT = after; nextStatus = after + 500;
    }
    if (s.cleanWatch?.ready) await takeClean(s);
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

// The sandbox's clean state: saved once, when its prompt first appears (Revert restores it).
async function takeClean(s: Session): Promise<void> {
  s.cleanWatch = undefined;
  try {
    s.clean = await saveState(s.m);
    post({ t: "clean" });
  } catch (e) {
    post({ t: "notice", message: `the sandbox's clean state could not be saved (Revert will boot a new machine): ${(e as Error).message}` });
  }
}

// the whole of a disk held in memory, as the guest left it
function diskBytes(dev: BlockDevice): Uint8Array {
  const bytes = new Uint8Array(dev.size);
  dev.read(0, bytes);
  return bytes;
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
        const files = readExport(diskBytes(s.exportDisk));
        return reply(msg.id, files, undefined, files.map((f) => f.data.buffer as ArrayBuffer));
      } catch (e) {
        return reply(msg.id, undefined, (e as Error).message);
      }
    }
    case "export": {
      if (msg.drive === "export") {
        if (!s.exportDisk) return reply(msg.id, undefined, "this machine is no sandbox: it has no export disk");
        const bytes = diskBytes(s.exportDisk);
        return reply(msg.id, bytes, undefined, [bytes.buffer]);
      }
      if (msg.drive === "fda") {
        const bytes = m.floppyImage(0);
        return bytes.length ? reply(msg.id, bytes, undefined, [bytes.buffer]) : reply(msg.id, undefined, "no floppy in A:");
      }
      if (!s.hd) return reply(msg.id, undefined, "no hard disk");
      const bytes = new Uint8Array(s.hd.size);
      try { await readFrom(s.hd, 0, bytes); } catch (e) { return reply(msg.id, undefined, (e as Error).message); }
      return reply(msg.id, bytes, undefined, [bytes.buffer]);
    }
    case "saveState": {
      try {
        const bytes = await atBoundary(s, () => saveState(m));
        return reply(msg.id, bytes, undefined, [bytes.buffer]);
      } catch (e) {
        return reply(msg.id, undefined, `saving the state failed: ${(e as Error).message}`);
      }
    }
    case "restoreState": {
      const bytes = msg.data!, name = msg.name ?? "the state file";
      try {
        const saved = readHeader(bytes, name).header.machine;
        if (saved.memMiB !== m.r32(S.MEM_SIZE) / 1048576) {
          // another RAM size: a new machine of the snapshot's size with the same images, once
          // nothing else differs (otherwise this machine stays as it is)
          const diff = await snapshotDifferences(m, saved, { ignoreRam: true });
          if (diff.length) return reply(msg.id, undefined, `${name}: made for a different machine: ${diff.join("; ")}`);
          const why = await start({ t: "start", config: { ...s.config, state: { name, bytes } }, ...urls! });
          return why ? reply(msg.id, undefined, why) : reply(msg.id, true);
        }
        await restoreInto(s, bytes, name);
        return reply(msg.id, true);
      } catch (e) {
        return reply(msg.id, undefined, (e as Error).message);
      }
    }
    case "revert": {
      // the sandbox's clean state; false: none yet (the page boots a new machine instead)
      if (!s.clean) return reply(msg.id, false);
      try {
        await restoreInto(s, s.clean, "the clean state");
        return reply(msg.id, true);
      } catch (e) {
        return reply(msg.id, undefined, (e as Error).message);
      }
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
  // input before a sandbox's first prompt was seen: the state is no longer clean (Revert then
  // boots a new machine)
  if (s.cleanWatch && (msg.t === "keys" || msg.t === "type" || msg.t === "send" || msg.t === "mouse" || (msg.t === "serial" && !isTerminalReport(msg.bytes)))) s.cleanWatch = undefined;
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
          post({ t: "notice", message: msg.image ? `${msg.image.name} is in A:` : "A: is empty" });
        } else {
          const image = msg.image;
          // (between slices: a read of the old medium may be in flight)
          void (image ? openImage(image) : Promise.resolve(null)).then((cd) => atBoundary(s, async () => {
            if (session !== s) return;
            m.changeCd(2, cd);
            post({ t: "notice", message: image ? `${image.name} is in the CD drive` : "the CD drive is empty" });
          })).catch((err) => post({ t: "notice", message: (err as Error).message }));
        }
      } catch (err) {
        post({ t: "notice", message: (err as Error).message });
      }
      break;
  }
};
