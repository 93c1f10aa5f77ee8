// `npm run bench`, the peer: the npm package `v86` (a dev-dependency) running the same Linux
// guest as tools/bench/linux.mjs, driven through its serial port. v86 brings no BIOS in its npm
// package; SeaBIOS and a VGA BIOS come from Debian's packages (`seabios`, `vgabios`).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripControls } from "../../dist/host/run.js";

const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// Where Debian's packages put the ROMs, first match wins. TAB86_V86_BIOS / TAB86_V86_VGABIOS
// name other files.
const BIOS = ["/usr/share/seabios/bios.bin"]; // package seabios
const VGA_BIOS = ["/usr/share/seabios/vgabios-stdvga.bin", "/usr/share/vgabios/vgabios.bin"]; // seabios, vgabios

function pick(env, paths, what, install) {
  const given = process.env[env];
  if (given) return existsSync(given) ? { path: given } : { missing: `${what} ${given} (${env}): no such file` };
  const path = paths.find((p) => existsSync(p));
  return path ? { path } : { missing: `${what} (${paths.join(" or ")}): ${install}` };
}

/** The v86 module and the ROMs it needs, or why v86 cannot run here. */
export async function findV86() {
  let mod, version, wasm;
  try {
    mod = await import("v86");
    const build = dirname(fileURLToPath(import.meta.resolve("v86")));
    version = JSON.parse(readFileSync(join(build, "..", "package.json"), "utf8")).version;
    wasm = join(build, "v86.wasm");
  } catch (e) {
    return { missing: `the npm package v86 is not installed (npm install: it is a dev-dependency): ${e.message.split("\n")[0]}` };
  }
  const bios = pick("TAB86_V86_BIOS", BIOS, "a SeaBIOS image", "apt-get install seabios");
  const vga = pick("TAB86_V86_VGABIOS", VGA_BIOS, "a VGA BIOS image", "apt-get install seabios (or vgabios)");
  const missing = [bios.missing, vga.missing].filter(Boolean);
  if (missing.length) return { missing: `v86 needs ${missing.join("; and ")}` };
  return { V86: mod.V86 ?? mod.default, version, wasm, bios: bios.path, vgaBios: vga.path };
}

/** One v86 machine booting a kernel and initrd, with its serial console as a line stream. */
export class V86Guest {
  constructor(v86, { kernel, initrd, cmdline, memMiB }) {
    this.pending = ""; // serial output not yet matched, control sequences removed, CR LF as LF
    this.output = ""; // serial output since the last wait began, as sent
    this.waiter = undefined;
    this.emulator = new v86.V86({
      wasm_path: v86.wasm,
      memory_size: memMiB << 20,
      vga_memory_size: 8 << 20,
      bios: { url: v86.bios },
      vga_bios: { url: v86.vgaBios },
      bzimage: { url: kernel },
      initrd: { url: initrd },
      cmdline,
      autostart: false,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
    });
    this.loaded = new Promise((resolve) => this.emulator.add_listener("emulator-loaded", resolve));
    this.emulator.add_listener("serial0-output-byte", (b) => this.received(String.fromCharCode(b)));
  }

  received(c) {
    this.output += c;
    if (this.output.length > 1 << 20) this.output = this.output.slice(-(1 << 19));
    // an escape sequence cut in the middle is completed by a later byte
    this.pending = stripControls(this.pending + c).replace(/\r\n/g, "\n");
    if (this.pending.length > 1 << 16) this.pending = this.pending.slice(-(1 << 15));
    const w = this.waiter;
    const m = w && w.re.exec(this.pending);
    if (!m) return;
    this.pending = this.pending.slice(m.index + m[0].length);
    this.waiter = undefined;
    clearTimeout(w.timer);
    w.resolve({ seconds: (performance.now() - w.t0) / 1000, cpu: cpuNow() - w.c0, out: stripControls(this.output).replace(/\r/g, "") });
  }

  /** Runs `start`, then resolves when `re` appears in the serial output, with the seconds
   * and of CPU time of the process since `start` and the output meanwhile; rejects after timeoutMs. */
  wait(re, timeoutMs, what, start) {
    return new Promise((resolve, reject) => {
      this.output = "";
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`v86: ${what}: no ${re} within ${timeoutMs / 1000} s; the serial console's last output:\n${stripControls(this.output).slice(-1500)}`));
      }, timeoutMs);
      this.waiter = { re, resolve, timer, t0: performance.now(), c0: cpuNow() };
      start();
    });
  }

  /** Power on and wait for the shell prompt. */
  async boot(prompt, timeoutMs) {
    await this.loaded;
    return this.wait(prompt, timeoutMs, "boot", () => { this.emulator.run(); });
  }

  /** Type a command line and wait for `until`. */
  shell(cmd, until, timeoutMs) {
    return this.wait(until, timeoutMs, cmd, () => this.emulator.serial0_send(cmd + "\n"));
  }

  async destroy() {
    try { await this.emulator.stop(); } catch { /* not running */ }
    await this.emulator.destroy();
  }
}
