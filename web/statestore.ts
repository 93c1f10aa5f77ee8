// The page's saved machine state (Save state / Restore state): one snapshot file kept in
// IndexedDB (database "tab86-states", apart from the disks' "tab86", so that each idb-keyval
// store has its own database), with what it was saved from. A full origin is reported with a
// message that says what to do instead.
import { createStore, get, set, del, UseStore } from "idb-keyval";
import type { MachineConfig } from "./protocol.js";

export interface SavedState {
  bytes: Uint8Array;
  /** what was running, for messages ("freedos.img", "Linux") */
  what: string;
  /** Date.now() at saving */
  savedAt: number;
}

const SLOT = "slot";
let db: UseStore | undefined;
const store = (): UseStore => (db ??= createStore("tab86-states", "states"));

/** A storage error in words (a full origin is a QuotaExceededError). */
export function storageMessage(e: unknown, size: number): string {
  const err = e as DOMException;
  if (err?.name === "QuotaExceededError") return `the browser's storage for this page is full (the state is ${(size / 1048576).toFixed(1)} MiB): use Export state to download it instead`;
  return `the browser's storage refused it: ${err?.message ?? String(e)}`;
}

export async function keepState(s: SavedState): Promise<void> {
  try {
    await set(SLOT, s, store());
  } catch (e) {
    throw new Error(`Saving the state failed: ${storageMessage(e, s.bytes.length)}`);
  }
}

export async function keptState(): Promise<SavedState | undefined> {
  return get<SavedState>(SLOT, store());
}

export async function forgetState(): Promise<void> { await del(SLOT, store()); }

/** What a machine runs, in a few words (messages, the saved state's description). */
export function describeMachine(c: MachineConfig): string {
  if (c.sandbox) return c.sandbox.system === "dos" ? "the DOS sandbox" : "the sandbox";
  const image = c.hda ?? c.cdrom ?? c.fda ?? c.kernel;
  return image?.name === "vmlinuz" ? "Linux" : image?.name ?? "the machine";
}

/** A download name for a state file: the image's name without its extension, .tab86state. */
export function stateFileName(c: MachineConfig): string {
  const base = describeMachine(c).replace(/^the /, "").replace(/\.[a-z0-9]+$/i, "").replace(/[^\w.-]+/g, "-");
  return `${base || "machine"}.tab86state`;
}
