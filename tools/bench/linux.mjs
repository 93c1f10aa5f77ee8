// `npm run bench`, Linux part: the Linux of `npm run images` booted with --kernel/--initrd to a
// shell prompt on the serial console (median of 3), then guest workloads typed into that shell,
// each timed from the command to the line that ends it, each result checked against the same
// computation on the host.
import { readFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createNodeMachine, defaultBiosPath, readImage } from "../../dist/host/node.js";
import { loadKernel } from "../../dist/host/kernel.js";
import { runMachine } from "../../dist/host/run.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const IMAGES = join(root, "images");
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const ESC = /\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])/g;

async function machine(manifest) {
  const m = await createNodeMachine({ memMiB: 128, rom: readImage(defaultBiosPath(), "BIOS"), deterministic: true });
  loadKernel(m, {
    kernel: readImage(join(IMAGES, "linux/vmlinuz"), "kernel"), name: "vmlinuz",
    initrd: [{ name: "initrd.img", data: readImage(join(IMAGES, "linux/initrd.img"), "initrd") }],
    append: manifest.kernel.cmdline,
  });
  return m;
}

async function boot(manifest) {
  const m = await machine(manifest);
  const r = await runMachine(m, { until: /# $/, timeoutMs: 600_000 });
  if (r.end !== "matched") throw new Error(`Linux did not reach its prompt (${r.end})\n${r.serialOutput.slice(-2000)}`);
  return { m, seconds: r.seconds, instructions: Number(r.instructions) };
}

async function shell(m, cmd, until) {
  const r = await runMachine(m, { until, timeoutMs: 900_000, serialInput: [...Buffer.from(cmd + "\n")] });
  if (r.end !== "matched") throw new Error(`${cmd}: ${r.end}\n${r.serialOutput.slice(-2000)}`);
  return { out: r.serialOutput.replace(ESC, "").replace(/\r/g, ""), seconds: r.seconds, instructions: Number(r.instructions) };
}

/** snapRows: the snapshot table (tools/bench/snapshot.mjs) gets a row for the booted Linux. */
export async function benchLinux(snapRows = []) {
  const manifestPath = join(IMAGES, "manifest.json");
  if (!existsSync(manifestPath)) { console.log("(Linux images not built: run npm run images; Linux benchmarks skipped)"); return; }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const boots = [];
  let m;
  for (let i = 0; i < 3; i++) {
    const b = await boot(manifest);
    boots.push(b);
    m = b.m;
  }
  const bootSeconds = median(boots.map((b) => b.seconds));
  const { benchSnapshot } = await import("./snapshot.mjs");
  snapRows.push(await benchSnapshot("Linux (npm run images) at the shell prompt, 128 MiB", m, () => machine(manifest)));
  console.table([{ workload: "Linux boot to the shell prompt", what: `--kernel, ${manifest.kernel.cmdline}`, "M instructions": Number((boots[0].instructions / 1e6).toFixed(1)), seconds: Number(bootSeconds.toFixed(2)), MIPS: Number((boots[0].instructions / bootSeconds / 1e6).toFixed(1)) }]);

  const rows = [];
  const zeros = createHash("md5").update(Buffer.alloc(32 << 20)).digest("hex");
  const work = [
    { name: "dd | md5sum", what: "dd if=/dev/zero bs=1M count=32 | md5sum", cmd: "dd if=/dev/zero bs=1M count=32 2>/dev/null | md5sum; echo END", check: (o) => o.includes(`${zeros}  -`) },
    { name: "shell loop", what: "ash arithmetic loop, 200000 iterations", cmd: "i=0; s=0; while [ $i -lt 200000 ]; do s=$((s+i)); i=$((i+1)); done; echo sum=$s; echo END", check: (o) => o.includes(`sum=${(199999 * 200000) / 2}`) },
    { name: "gzip -9", what: "gzip -9 of the busybox binary", cmd: "gzip -9 -c /bin/busybox > /tmp/bb.gz; echo END", check: () => true },
  ];
  for (const w of work) {
    const r = await shell(m, w.cmd, /^END$/m);
    if (!w.check(r.out)) throw new Error(`${w.name}: wrong result\n${r.out}`);
    rows.push({ workload: w.name, what: w.what, "M instructions": Number((r.instructions / 1e6).toFixed(1)), seconds: Number(r.seconds.toFixed(2)), MIPS: Number((r.instructions / r.seconds / 1e6).toFixed(1)) });
  }
  // gzip's output must decompress to busybox itself
  const v = await shell(m, "gzip -dc /tmp/bb.gz | md5sum; md5sum /bin/busybox; echo END", /^END$/m);
  const sums = [...v.out.matchAll(/^([0-9a-f]{32})  /gm)].map((x) => x[1]);
  if (sums.length !== 2 || sums[0] !== sums[1]) throw new Error(`gzip -9: the output does not decompress to busybox\n${v.out}`);
  console.table(rows);
  console.log("Linux: --deterministic guest clock, wall time on the host; boot median of 3, workloads once each in the last booted machine");
}
