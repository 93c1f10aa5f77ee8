// Driving the Linux that `npm run images` builds (test/boot/linux.test.ts, disks-linux.test.ts):
// the images and their manifest, a machine for them, and a shell session on the serial console.
import { readFileSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { createNodeMachine, defaultBiosPath, readImage } from "../../host/node.js";
import { runMachine } from "../../host/run.js";
import { Machine } from "../../host/machine.js";
import { ROOT } from "../helpers.js";

export const IMAGES = join(ROOT, "images");
export const PROMPT = /# $/;
const ESC = /\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])/g;

export interface FileEntry { guestPath: string; size: number; md5: string; text?: string }
export interface Manifest { outputs: Record<string, { md5: string }>; banner: string; hd: { files: FileEntry[] }; iso: { files: FileEntry[] } }

export function loadManifest(): Manifest {
  const manifestPath = join(IMAGES, "manifest.json");
  if (!existsSync(manifestPath)) throw new Error(`the Linux images are missing (${manifestPath}): run npm run images`);
  return JSON.parse(readFileSync(manifestPath, "utf8"));
}

export const md5File = (path: string) => createHash("md5").update(readFileSync(path)).digest("hex");

export async function linuxMachine(): Promise<Machine> {
  // deterministic: repeatable runs, and idle time (boot loader timeouts, sleeps) costs nothing
  return createNodeMachine({ memMiB: 128, rom: readImage(defaultBiosPath(), "BIOS"), deterministic: true, stopOnTripleFault: true });
}

// A shell session over COM1: wait for the prompt, type a command, return what it printed.
export class Shell {
  constructor(readonly m: Machine) {}
  async waitFor(re: RegExp, seconds: number): Promise<string> {
    const r = await runMachine(this.m, { until: re, timeoutMs: seconds * 1000 });
    if (r.end !== "matched") throw new Error(`waiting for ${re}: ${r.end}; serial output:\n${r.serialOutput.slice(-3000)}\n${this.m.dump()}`);
    return r.serialOutput.replace(ESC, "");
  }
  async run(cmd: string, seconds = 60): Promise<string> {
    const input = [...Buffer.from(cmd + "\n")];
    const r = await runMachine(this.m, { until: PROMPT, timeoutMs: seconds * 1000, serialInput: input });
    if (r.end !== "matched") throw new Error(`${cmd}: ${r.end}; serial output:\n${r.serialOutput.slice(-3000)}`);
    // drop the echoed command line and the prompt
    const out = r.serialOutput.replace(ESC, "").replace(/\r/g, "");
    const lines = out.split("\n");
    return lines.slice(1, -1).join("\n");
  }
}
