// `npm run bench`: runs the benchmark guests (tools/bench/bench.asm, one ROM per workload) on
// the release build and prints MIPS. Each workload runs 3 times and the median is reported.
// The guest prints a checksum, compared with the same computation done here in JavaScript, so
// a fast but wrong CPU cannot produce a figure.
import { readFileSync } from "node:fs";
import { createNodeMachine } from "../../dist/host/node.js";
import { runMachine } from "../../dist/host/run.js";
import { parseKeys } from "../../dist/host/keys.js";
import { defaultBiosPath } from "../../dist/host/node.js";
import { existsSync } from "node:fs";

const u32 = (x) => x >>> 0;

function intloop() {
  const t = new Uint32Array(0x4000);
  let x = 1;
  for (let i = 0; i < 0x1000000; i++) {
    t[i & 0x3fff] = u32(t[i & 0x3fff] + u32(x ^ i));
    x = u32(Math.imul(x, 1103515245) + 12345);
  }
  let s = 0;
  for (const v of t) s = u32(s + v);
  return s;
}

function sieve() {
  const N = 0x100000;
  const f = new Uint8Array(N);
  let sum = 0;
  for (let r = 0; r < 12; r++) {
    f.fill(1);
    for (let p = 2; p * p < N; p++) if (f[p]) for (let m = p * p; m < N; m += p) f[m] = 0;
    for (let i = 2; i < N; i++) sum += f[i];
  }
  return u32(sum);
}

function strings() {
  const rol = (v, n) => u32((v << n) | (v >>> (32 - n)));
  let ebp = 0;
  for (let ebx = 2000; ebx > 0; ebx--) {
    // every dword of the copied buffer equals ebx
    for (let ecx = 256; ecx > 0; ecx--) ebp = u32((rol(ebp, 5) ^ ebx) + ecx);
  }
  return ebp;
}

// The x87 Mandelbrot of WORKLOAD 4: the guest runs with precision control 53 bits and round to
// nearest, which gives exactly the IEEE double results computed here. Returns the checksum;
// mandelIterations the number of iterations (8 flops each).
let mandelIterations = 0;
function mandel() {
  const W = 192, H = 192, MAXIT = 256;
  let sum = 0;
  mandelIterations = 0;
  for (let py = 0; py < H; py++) {
    const cy = py * 0.015625 + -1.5;
    for (let px = 0; px < W; px++) {
      const cx = px * 0.015625 + -2.0;
      let x = 0, y = 0, n = 0;
      while (n < MAXIT) {
        const x2 = x * x, y2 = y * y;
        if (x2 + y2 > 4) break;
        const xn = x2 - y2 + cx;
        y = x * y;
        y = y + y + cy;
        x = xn;
        n++;
      }
      mandelIterations += n;
      sum = u32(Math.imul(sum, 31) + n);
    }
  }
  return sum;
}

const workloads = [
  { name: "integer loop", detail: "32-bit PM, paging, table read-modify-write, imul", rom: "bench1.bin", expect: intloop },
  { name: "sieve", detail: "1 Mi byte flags x 12 rounds", rom: "bench2.bin", expect: sieve },
  { name: "strings+calls", detail: "rep stosd/movsd 16 KiB, call per element", rom: "bench3.bin", expect: strings },
  { name: "x87 mandelbrot", detail: "192x192, 256 iterations, double precision", rom: "bench4.bin", expect: mandel, flops: () => mandelIterations * 8 },
];

// WORKLOAD 5: the sum of the bytes of mode 13h frame 99: pixel quad q of line y is (q + y + 99) & 255
function frames13() {
  let sum = 0;
  for (let y = 0; y < 200; y++) for (let q = 0; q < 80; q++) sum += 4 * ((q + y + 99) & 255);
  return u32(sum);
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
// Each workload runs with the JIT off (the interpreter alone) and on (the default).
const rows = [];
for (const w of workloads) {
  const rom = new Uint8Array(readFileSync(new URL(`roms/${w.rom}`, import.meta.url)));
  const expected = w.expect().toString(16).toUpperCase().padStart(8, "0");
  const row = { workload: w.name, "M instructions": 0 };
  for (const jit of ["off", "on"]) {
    const times = [];
    let insns = 0;
    for (let i = 0; i < 3; i++) {
      const m = await createNodeMachine({ memMiB: 64, rom, deterministic: true, jit });
      const r = await runMachine(m, { until: /DONE/, timeoutMs: 600_000, slice: 10_000_000 });
      if (r.end !== "matched") throw new Error(`${w.name}: the guest did not finish (${r.end})\n${r.debugOutput}\n${m.dump()}`);
      const got = /RESULT ([0-9A-F]{8})/.exec(r.debugOutput)?.[1];
      if (got !== expected) throw new Error(`${w.name} (JIT ${jit}): wrong checksum ${got}, expected ${expected}`);
      times.push(r.seconds);
      insns = Number(r.instructions);
    }
    const s = median(times);
    row["M instructions"] = Number((insns / 1e6).toFixed(1));
    row[`s, JIT ${jit}`] = Number(s.toFixed(3));
    row[`MIPS, JIT ${jit}`] = Number((insns / s / 1e6).toFixed(1));
    if (w.flops) row[`MFLOPS, JIT ${jit}`] = Number((w.flops() / s / 1e6).toFixed(1));
  }
  row.speedup = Number((row["s, JIT off"] / row["s, JIT on"]).toFixed(2));
  rows.push(row);
}
console.table(rows);
console.log("release build; median of 3 runs; checksums verified; JIT on = the default (blocks compiled once hot)");

// Graphics: WORKLOAD 5 draws 100 full mode 13h frames (64,000 pixels each, dword stores through
// the VGA's chain-4 memory path). The host renders the screen as a 60 Hz display would: after
// a slice of 200 k instructions when 1/60 s of wall time has passed since the last render.
// Frames per second counts the guest's frames, with the rendering of what changed included in
// the time; the cost of one full 320x200 render is measured on its own.
{
  const rom = new Uint8Array(readFileSync(new URL("roms/bench5.bin", import.meta.url)));
  const expected = frames13().toString(16).toUpperCase().padStart(8, "0");
  const times = [];
  let insns = 0, renders = 0, lines = 0, fullMs = 0;
  for (let i = 0; i < 3; i++) {
    const m = await createNodeMachine({ memMiB: 64, rom, deterministic: true });
    let out = "";
    renders = 0; lines = 0;
    const t0 = performance.now();
    let last = t0;
    for (;;) {
      const exit = m.run(200_000);
      out += m.drainDebug();
      const done = /DONE/.test(out);
      if (performance.now() - last >= 1000 / 60 || done) {
        const p = m.screenPixels();
        last = performance.now();
        renders++;
        lines += p.dirty.y1 - p.dirty.y0;
      }
      if (done) break;
      if (exit !== 0) throw new Error(`mode 13h frames: the guest stopped (exit ${exit})\n${out}\n${m.dump()}`);
    }
    times.push((performance.now() - t0) / 1000);
    const got = /RESULT ([0-9A-F]{8})/.exec(out)?.[1];
    if (got !== expected) throw new Error(`mode 13h frames: wrong checksum ${got}, expected ${expected}`);
    insns = Number(m.instructions);
    const r0 = performance.now();
    for (let k = 0; k < 200; k++) { m.core.vga_invalidate(); m.screenPixels(); }
    fullMs = (performance.now() - r0) / 200;
  }
  const s = median(times);
  console.table([{ workload: "mode 13h frames", what: "100 frames of 320x200, dword stores at A0000", "M instructions": Number((insns / 1e6).toFixed(1)), seconds: Number(s.toFixed(3)), "frames/s": Number((100 / s).toFixed(1)), "screen renders": renders, "lines redrawn": lines, "ms per full render": Number(fullMs.toFixed(3)) }]);
}

// FreeDOS boot: wall time from power-on to the A:\> prompt on the screen (built-in BIOS;
// fdstd144 answers its CONFIG.SYS questions: yes to DOS=HIGH, HIMEM and EMM386, no to UMBPCI)
const images = new URL("../../../shared/images/", import.meta.url);
const boots = [
  { image: "freedos-boot-1440k.img" },
  { image: "freedos722.img" },
  { image: "fdstd144.img", keys: "yyyn" },
];
const bootRows = [];
const bios = new Uint8Array(readFileSync(defaultBiosPath()));
for (const b of boots) {
  const path = new URL(b.image, images);
  if (!existsSync(path)) { console.log(`(${b.image} not found beside the project: skipped)`); continue; }
  const img = new Uint8Array(readFileSync(path));
  const row = { image: b.image };
  for (const jit of ["off", "on"]) {
  const times = [];
  let insns = 0;
  for (let i = 0; i < 3; i++) {
    const m = await createNodeMachine({ memMiB: 32, rom: bios, deterministic: true, jit });
    m.insertFloppy(0, img);
    let seconds = 0;
    insns = 0;
    if (b.keys) {
      // the kernel discards keys typed before its first question (its F5/F8 check)
      const q = await runMachine(m, { until: /\[Y,N\]\?\s*$/, untilScreen: true, timeoutMs: 120_000 });
      if (q.end !== "matched") throw new Error(`${b.image}: no CONFIG.SYS question (${q.end})\n${m.screenText()}`);
      seconds += q.seconds;
      insns += Number(q.instructions);
    }
    const r = await runMachine(m, { until: /A:\\>\s*$/, untilScreen: true, send: b.keys ? parseKeys(b.keys) : undefined, timeoutMs: 120_000 });
    if (r.end !== "matched") throw new Error(`${b.image}: no A:\\> prompt (${r.end})\n${m.screenText()}`);
    times.push(seconds + r.seconds);
    insns += Number(r.instructions);
  }
  const s = median(times);
  row["M instructions"] = Number((insns / 1e6).toFixed(1));
  row[`s to A:\\>, JIT ${jit}`] = Number(s.toFixed(3));
  }
  bootRows.push(row);
}
if (bootRows.length) {
  console.table(bootRows);
  console.log("FreeDOS boot to the prompt: --deterministic, median of 3 runs");
}

// Snapshots of a booted FreeDOS (tools/bench/snapshot.mjs); Linux's follow its boot
const { benchSnapshot, printSnapshotRows } = await import("./snapshot.mjs");
const snapRows = [];
{
  const path = new URL("freedos-boot-1440k.img", images);
  if (existsSync(path)) {
    const img = new Uint8Array(readFileSync(path));
    const fresh = async () => { const m = await createNodeMachine({ memMiB: 32, rom: bios, deterministic: true }); m.insertFloppy(0, img); return m; };
    const m = await fresh();
    const r = await runMachine(m, { until: /A:\\>\s*$/, untilScreen: true, timeoutMs: 120_000 });
    if (r.end !== "matched") throw new Error(`freedos-boot-1440k.img: no A:\\> prompt (${r.end})`);
    snapRows.push(await benchSnapshot("FreeDOS (freedos-boot-1440k.img) at A:\\>, 32 MiB", m, fresh));
  }
}

// Linux (npm run images): boot to the shell and guest workloads (tools/bench/linux.mjs)
const { benchLinux } = await import("./linux.mjs");
await benchLinux(snapRows);
if (snapRows.length) printSnapshotRows(snapRows);
