// Node-only helpers: find and compile the core's .wasm, read files with clear errors.
import { readFileSync, existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { Machine, MachineOptions, ConfigError } from "./machine.js";

const here = dirname(fileURLToPath(import.meta.url));

/** The package root, whether running from dist/host (compiled) or host/ (vitest, TS source). */
function packageRoot(): string {
  let d = here;
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(d, "package.json"))) return d;
    d = dirname(d);
  }
  return join(here, "..", "..");
}

const modules = new Map<string, WebAssembly.Module>();

export function coreModule(debug = false): WebAssembly.Module {
  const file = join(packageRoot(), "build", debug ? "tab86.debug.wasm" : "tab86.wasm");
  let m = modules.get(file);
  if (!m) {
    if (!existsSync(file)) throw new ConfigError(`the core is not built (${file} is missing): run npm install or npm run build`);
    m = new WebAssembly.Module(readFileSync(file));
    modules.set(file, m);
  }
  return m;
}

/** The built-in BIOS ROM shipped in the package (bios/rom/bios.bin, assembled from bios.asm). */
export function defaultBiosPath(): string {
  return join(packageRoot(), "bios", "rom", "bios.bin");
}

export function readImage(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new ConfigError(`${what} ${path}: no such file`);
  if (!statSync(path).isFile()) throw new ConfigError(`${what} ${path}: not a regular file`);
  return new Uint8Array(readFileSync(path));
}

export async function createNodeMachine(options: MachineOptions, debug = false): Promise<Machine> {
  return Machine.create(coreModule(debug), options);
}
