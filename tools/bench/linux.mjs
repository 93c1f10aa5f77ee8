// `npm run bench`, Linux part: the Linux of `npm run images` booted with --kernel/--initrd to a
// shell prompt on the serial console (median of 3), then guest workloads typed into that shell,
// each timed from the command to the line that ends it, each result checked against the same
// computation on the host. The same guest runs on the peer v86 (tools/bench/v86.mjs) in the
// same process, after tab86 (never at the same time), and the two are printed side by side.
//
// `node tools/bench/linux.mjs` runs this part alone.
import { readFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createNodeMachine, defaultBiosPath, readImage } from "../../dist/host/node.js";
import { loadKernel } from "../../dist/host/kernel.js";
import { Runner, stripControls } from "../../dist/host/run.js";
import { JIT_INSNS } from "../../dist/core-as/state.js";
import { findV86, V86Guest } from "./v86.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const IMAGES = join(root, "images");
const KERNEL = join(IMAGES, "linux/vmlinuz");
const INITRD = join(IMAGES, "linux/initrd.img");
const MEM_MIB = 128;
const BOOTS = 3;
const PROMPT = /# $/;
// The guest clock: v86's follows wall time, so tab86's does too here (TAB86_BENCH_CLOCK=
// deterministic pins it to the instruction count, 10 ns each, as `--deterministic` does).
const DETERMINISTIC = process.env.TAB86_BENCH_CLOCK === "deterministic";
// v86 gets its own limits so a hang there ends with a message instead of a stuck run
const V86_BOOT_MS = 300_000;
const V86_WORK_MS = 600_000;
const TARGET = 0.8;

// the run with the median wall time
const middle = (runs) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
const load = () => loadavg().map((x) => x.toFixed(1)).join(" ");
const fixed = (x, n) => Number(x.toFixed(n));
// CPU time of this process (both emulators run in its main thread): steadier than wall time
// when other jobs share the cores, and it leaves out the guest's idle waits
const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const progress = (s) => console.log(`  ${s} (load average ${load()})`);

// Each command ends by printing a marker the shell computes, so the echo of the command line
// itself can never match it.
const zeros = createHash("md5").update(Buffer.alloc(32 << 20)).digest("hex");
const WORK = [
  { name: "dd | md5sum", what: "dd if=/dev/zero bs=1M count=32 | md5sum", cmd: "dd if=/dev/zero bs=1M count=32 2>/dev/null | md5sum", check: (o) => o.includes(`${zeros}  -`) },
  { name: "shell loop", what: "ash arithmetic loop, 200000 iterations", cmd: "i=0; s=0; while [ $i -lt 200000 ]; do s=$((s+i)); i=$((i+1)); done; echo sum=$s", check: (o) => o.includes(`sum=${(199999 * 200000) / 2}`) },
  { name: "gzip -9", what: "gzip -9 of the busybox binary (1.9 MB), 4 times", cmd: "for k in 1 2 3 4; do gzip -9 -c /bin/busybox > /tmp/bb.gz; done", check: () => true },
].map((w, i) => ({ ...w, line: `${w.cmd}; echo END-$((${i}+100))`, until: new RegExp(`^END-${i + 100}$`, "m") }));
// not timed: gzip's output must decompress to busybox itself
const VERIFY = { line: "gzip -dc /tmp/bb.gz | md5sum; md5sum /bin/busybox; echo END-$((9+100))", until: /^END-109$/m };

function verifyGzip(out, who) {
  const sums = [...out.matchAll(/^([0-9a-f]{32})  /gm)].map((x) => x[1]);
  if (sums.length !== 2 || sums[0] !== sums[1]) throw new Error(`${who}: gzip -9: the output does not decompress to busybox\n${out}`);
}

// ---- tab86 ----

// a machine with the kernel loaded, not started
async function tab86Machine(cmdline) {
  const m = await createNodeMachine({ memMiB: MEM_MIB, rom: readImage(defaultBiosPath(), "BIOS"), deterministic: DETERMINISTIC });
  loadKernel(m, {
    kernel: readImage(KERNEL, "kernel"), name: "vmlinuz",
    initrd: [{ name: "initrd.img", data: readImage(INITRD, "initrd") }],
    append: cmdline,
  });
  return m;
}

async function tab86Boot(cmdline) {
  const m = await tab86Machine(cmdline);
  // one Runner for the machine's life: it carries the run time on which the guest clock is
  // based from one command to the next (a fresh one would start that clock again from zero,
  // and the guest would wait, halted, until the wall clock caught up with its own)
  const runner = new Runner(m);
  const c0 = cpuNow();
  const r = await runner.run({ until: PROMPT, timeoutMs: 600_000 });
  if (r.end !== "matched") throw new Error(`tab86: Linux did not reach its prompt (${r.end})\n${r.serialOutput.slice(-2000)}`);
  return { m, runner, seconds: r.seconds, cpu: cpuNow() - c0, instructions: Number(r.instructions) };
}

async function tab86Shell(runner, line, until) {
  const c0 = cpuNow();
  runner.serialInput.push(...Buffer.from(line + "\n"));
  const r = await runner.run({ until, timeoutMs: 900_000 });
  if (r.end !== "matched") throw new Error(`tab86: ${line}: ${r.end}\n${r.serialOutput.slice(-2000)}`);
  return { cpu: cpuNow() - c0, out: stripControls(r.serialOutput).replace(/\r/g, ""), seconds: r.seconds, instructions: Number(r.instructions) };
}

async function runTab86(cmdline, snapRows) {
  console.log(`tab86: ${BOOTS} boots, then the workloads (load average ${load()})`);
  const boots = [];
  for (let i = 0; i < BOOTS; i++) {
    boots.push(await tab86Boot(cmdline));
    progress(`tab86 boot ${i + 1}: ${boots[i].seconds.toFixed(2)} s, CPU ${boots[i].cpu.toFixed(2)} s`);
  }
  const { m, runner } = boots[boots.length - 1];
  const { seconds, cpu, instructions } = middle(boots);
  const { benchSnapshot } = await import("./snapshot.mjs");
  snapRows.push(await benchSnapshot(`Linux (npm run images) at the shell prompt, ${MEM_MIB} MiB`, m, () => tab86Machine(cmdline)));
  const res = { boot: { seconds, cpu, instructions } };
  for (const w of WORK) {
    const before = { ...m.jitStats(), compiled: Number(m.r64(JIT_INSNS)) };
    const r = await tab86Shell(runner, w.line, w.until);
    if (!w.check(r.out)) throw new Error(`tab86: ${w.name}: wrong result\n${r.out}`);
    const after = { ...m.jitStats(), compiled: Number(m.r64(JIT_INSNS)) };
    res[w.name] = { seconds: r.seconds, cpu: r.cpu, instructions: r.instructions, jit: jitDelta(before, after, r.instructions) };
    progress(`tab86 ${w.name}: ${r.seconds.toFixed(2)} s, CPU ${r.cpu.toFixed(2)} s`);
  }
  verifyGzip((await tab86Shell(runner, VERIFY.line, VERIFY.until)).out, "tab86");
  return res;
}

// what the JIT did during one workload (host/machine.ts jitStats() is cumulative)
function jitDelta(a, b, instructions) {
  const d = (k) => b[k] - a[k];
  return {
    share_compiled: fixed(d("compiled") / instructions, 3),
    modules: d("jit_modules"), compile_ms: fixed(d("jit_compile_ms"), 1), entries: d("jit_entries"),
    exits_branch: d("jit_exits_branch"), exits_budget: d("jit_exits_budget"), exits_helper: d("jit_exits_helper"),
    invalidations: d("jit_invalidations"), evictions: d("jit_evictions"),
    compiled_insns_per_entry: d("jit_entries") ? fixed(d("compiled") / d("jit_entries"), 1) : 0,
  };
}

// ---- v86 ----

async function runV86(v86, cmdline) {
  console.log(`v86 ${v86.version}: ${BOOTS} boots, then the workloads (load average ${load()}; BIOS ${v86.bios}, VGA BIOS ${v86.vgaBios})`);
  const boots = [];
  let guest;
  for (let i = 0; i < BOOTS; i++) {
    if (guest) await guest.destroy();
    guest = new V86Guest(v86, { kernel: KERNEL, initrd: INITRD, cmdline, memMiB: MEM_MIB });
    try {
      boots.push(await guest.boot(PROMPT, V86_BOOT_MS));
      progress(`v86 boot ${i + 1}: ${boots[i].seconds.toFixed(2)} s, CPU ${boots[i].cpu.toFixed(2)} s`);
    } catch (e) {
      await guest.destroy();
      throw e;
    }
  }
  const res = { boot: middle(boots) };
  try {
    for (const w of WORK) {
      const r = await guest.shell(w.line, w.until, V86_WORK_MS);
      if (!w.check(r.out)) throw new Error(`v86: ${w.name}: wrong result\n${r.out}`);
      res[w.name] = { seconds: r.seconds, cpu: r.cpu };
      progress(`v86 ${w.name}: ${r.seconds.toFixed(2)} s, CPU ${r.cpu.toFixed(2)} s`);
    }
    verifyGzip((await guest.shell(VERIFY.line, VERIFY.until, V86_WORK_MS)).out, "v86");
  } finally {
    await guest.destroy();
  }
  return res;
}

// ---- both ----

/** snapRows: the snapshot table (tools/bench/snapshot.mjs) gets a row for the booted Linux. */
export async function benchLinux(snapRows = []) {
  const manifestPath = join(IMAGES, "manifest.json");
  if (!existsSync(manifestPath)) { console.log("(Linux images not built: run npm run images; Linux benchmarks skipped)"); return; }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  // one command line for both; it has console=ttyS0, which is all v86 needs
  const cmdline = manifest.kernel.cmdline;
  const v86 = await findV86();
  if (v86.missing) console.log(`v86 skipped: ${v86.missing}`);

  const t = await runTab86(cmdline, snapRows);
  let v;
  if (!v86.missing) {
    try {
      v = await runV86(v86, cmdline);
    } catch (e) {
      console.log(`v86 failed, its column is left empty: ${e.message}`);
    }
  }

  const names = [["boot", "Linux boot to the shell prompt", `power-on to "# ", median of ${BOOTS}`], ...WORK.map((w) => [w.name, w.name, w.what])];
  const rows = names.map(([key, name, what]) => {
    const a = t[key], b = v?.[key];
    const ratio = b ? a.seconds / b.seconds : undefined;
    return {
      workload: name, what,
      "M instructions": fixed(a.instructions / 1e6, 1),
      "tab86 s": fixed(a.seconds, 2),
      "tab86 CPU s": fixed(a.cpu, 2),
      "tab86 MIPS": fixed(a.instructions / a.seconds / 1e6, 1),
      "v86 s": b ? fixed(b.seconds, 2) : "-",
      "v86 CPU s": b ? fixed(b.cpu, 2) : "-",
      "tab86/v86": ratio !== undefined ? fixed(ratio, 2) : "-",
      "tab86/v86 CPU": b ? fixed(a.cpu / b.cpu, 2) : "-",
      target: `<= ${TARGET}`,
      met: ratio !== undefined ? (ratio <= TARGET ? "yes" : "no") : "-",
    };
  });
  console.table(rows);
  console.log(`Linux ${manifest.kernel.release}, ${MEM_MIB} MiB, cmdline "${cmdline}", the same kernel and initrd on both; ` +
    `tab86 ${DETERMINISTIC ? "deterministic guest clock" : "guest clock on wall time, as v86's"}, JIT on; ` +
    `${v ? `v86 ${v86.version} with its JIT, ` : ""}run one after the other; seconds of wall time (the ratio and the target use these) and of CPU time of the process (all its threads); workloads once each in the last booted machine; load average now ${load()}`);
  console.log("tab86 JIT during each workload:");
  console.table(Object.fromEntries(WORK.map((w) => [w.name, t[w.name].jit])));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchLinux();
