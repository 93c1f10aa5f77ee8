// Small helpers shared by the image builder's modules.
import { createHash } from "node:crypto";

// An error whose message is meant for the user as it stands (no stack trace).
export class BuildError extends Error {}

export const md5 = (buf) => createHash("md5").update(buf).digest("hex");
export const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");

export function log(msg) {
  console.error(`tab86 images: ${msg}`);
}

// Little-endian field writers on a Buffer, to keep the format code readable.
export const u16 = (b, off, v) => b.writeUInt16LE(v & 0xffff, off);
export const u32 = (b, off, v) => b.writeUInt32LE(v >>> 0, off);
export const ascii = (b, off, s) => b.write(s, off, "latin1");
