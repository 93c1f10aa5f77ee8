// The JIT's view of busybox's shell loop (docs/jit.md "Where the time goes"): boots the Linux
// of `npm run images` with a deterministic clock, types an ash arithmetic loop of N iterations
// (default 20000) on the serial console and prints the time, the instructions and what the JIT
// did during the loop (jitStats() before and after).
//   node tools/bench/shell-loop.mjs [N] [on|off|force] [runs]
// With runs > 1 the loop is typed that many times and the fastest run is reported (a quieter
// figure on a loaded machine).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createNodeMachine, defaultBiosPath, readImage } from "../../dist/host/node.js";
import { loadKernel } from "../../dist/host/kernel.js";
import * as S from "../../dist/core-as/state.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const N = Number(process.argv[2] ?? 20000);
const jit = process.argv[3] ?? "on";
const manifest = JSON.parse(readFileSync(join(root, "images/manifest.json"), "utf8"));
const m = await createNodeMachine({ memMiB: 128, rom: readImage(defaultBiosPath(), "BIOS"), deterministic: true, jit });
loadKernel(m, {
  kernel: readImage(join(root, "images/linux/vmlinuz"), "kernel"), name: "vmlinuz",
  initrd: [{ name: "initrd.img", data: readImage(join(root, "images/linux/initrd.img"), "initrd") }],
  append: manifest.kernel.cmdline,
});
const latin1 = new TextDecoder("latin1");
let serial = "";
async function until(re, input = "") {
  const pending = [...Buffer.from(input)];
  const t0 = performance.now(), i0 = m.instructions, c0 = process.cpuUsage();
  for (;;) {
    if (pending.length) pending.splice(0, m.serialIn(0, pending));
    const r = m.run(1_000_000);
    serial += latin1.decode(m.serialOut(0));
    if (re.test(serial)) { serial = ""; break; }
    if (r === S.EXIT_HALT) m.core.idle_until(m.haltUntil);
    else if (r !== S.EXIT_BUDGET) throw new Error(`the run stopped (exit reason ${r})`);
    await new Promise((r) => setImmediate(r));
  }
  const c = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, instructions: Number(m.instructions - i0) };
}
const boot = await until(/# $/);
const bootJit = m.jitStats();
console.log(`boot: ${boot.instructions} instructions, ${boot.seconds.toFixed(2)} s (CPU ${boot.cpu.toFixed(2)} s), ${bootJit.jit_modules} modules compiled in ${bootJit.jit_compile_ms} ms (${(bootJit.jit_compile_ms / 10 / boot.seconds).toFixed(1)}% of the boot), ${bootJit.jit_entries} entries`);
const before = m.jitStats(), compiledBefore = Number(m.r64(S.JIT_INSNS));
let loop;
for (let run = 0; run < Number(process.argv[4] ?? 1); run++) {
  const t = await until(/\nEND-\d+\r?\n/, `i=0; s=0; while [ $i -lt ${N} ]; do s=$((s+i)); i=$((i+1)); done; echo END-$((1+1))\n`);
  if (!loop || t.cpu < loop.cpu) loop = t;
}
const after = m.jitStats();
const delta = Object.fromEntries(Object.keys(after).filter((k) => k !== "jit_share").map((k) => [k, Number((after[k] - before[k]).toFixed(1))]));
delta.share_compiled = Number(((Number(m.r64(S.JIT_INSNS)) - compiledBefore) / loop.instructions).toFixed(3));
console.log(`loop of ${N}: ${loop.instructions} instructions, ${loop.seconds.toFixed(2)} s (CPU ${loop.cpu.toFixed(2)} s), ${(loop.instructions / loop.seconds / 1e6).toFixed(1)} MIPS`);
console.log(delta);
