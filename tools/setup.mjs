// Run before `npm start`, `npm test` and `npm run bench`: makes a fresh clone usable with no
// manual step. Installs the dependencies if they are missing, rebuilds the core and the host
// when a source is newer than what was built.
import { existsSync, statSync, readdirSync } from "node:fs";
import { execSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd) => execSync(cmd, { cwd: root, stdio: "inherit" });

if (!existsSync(join(root, "node_modules/assemblyscript")) || !existsSync(join(root, "node_modules/vitest"))) {
  console.error("tab86 setup: installing dependencies (npm ci)");
  run("npm ci --no-audit --no-fund --ignore-scripts");
}

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== "gen") t = Math.max(t, newest(p)); }
    else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}
const age = (f) => (existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0);
const sources = Math.max(newest(join(root, "core-as")), newest(join(root, "host")), newest(join(root, "devices")), newest(join(root, "bios")), newest(join(root, "cli")), age("tools/gen-tables.mjs"), age("tools/table.mjs"), age("asconfig.json"));
const built = Math.min(age("build/tab86.wasm"), age("build/tab86.debug.wasm"), age("dist/cli/tab86.js"));
if (built < sources || process.argv.includes("--force")) {
  console.error("tab86 setup: building the core");
  run("npm run build --silent");
}


// Before `npm test`: the Linux guest images (tools/images/build.mjs), built once from Debian's
// packages and then reused. A failure is reported but does not stop the other tests; the
// suites that boot Linux say what is missing.
if (process.env.npm_lifecycle_event === "pretest") {
  const { ensureImages } = await import("./images/build.mjs");
  const { BuildError } = await import("./images/util.mjs");
  try {
    ensureImages();
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    console.error(`tab86 setup: the Linux images could not be built (npm run images): ${e.message}`);
  }
}
