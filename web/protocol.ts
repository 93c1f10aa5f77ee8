// Messages between the page (web/api.ts) and the machine's worker (web/worker.ts).

/** An image for a drive: its bytes, or a URL, and a name for messages. By URL, a hard disk or
 * CD is read lazily with HTTP range requests (host/httpdisk.ts); a floppy, kernel or state
 * file is downloaded whole. */
export interface ImageFile { name: string; bytes?: Uint8Array; url?: string }

export interface MachineConfig {
  /** guest RAM in MiB */
  memMiB: number;
  /** boot order as drive letters (a, b, c, d), "" = the BIOS default (a, c, d) */
  boot?: string;
  fda?: ImageFile;
  hda?: ImageFile;
  cdrom?: ImageFile;
  /** direct kernel boot (Linux bzImage or multiboot) */
  kernel?: ImageFile;
  initrd?: ImageFile;
  /** more initramfs archives, unpacked after initrd (the sandbox's tools) */
  initrds?: ImageFile[];
  append?: string;
  /** keep the guest's disk writes in IndexedDB (copy-on-write over the original) */
  persist?: boolean;
  /** the sandbox (docs/sandbox.md): these files on a read-only FAT disk labelled SANDBOX at the
   * primary master, an empty EXPORT disk at the primary slave, tab86.sandbox on the command
   * line; never persisted */
  sandbox?: { files: SandboxFile[]; system?: SandboxSystem };
  /** start from this machine snapshot (host/snapshot.ts) instead of powering on: the images
   * above must be the ones it was saved with; its RAM size replaces memMiB */
  state?: ImageFile;
}

/** The sandbox's system: the default Linux, or DOS from the boot floppy in fda (the files on
 * C:, the export disk D:). */
export type SandboxSystem = "linux" | "dos";

/** A file for the sandbox: its path (folders separated by "/"), bytes, modification time (ms). */
export interface SandboxFile { path: string; bytes: Uint8Array; mtime?: number }

export type MachineState = "stopped" | "loading" | "running" | "paused" | "halted" | "error";

export interface Status {
  state: MachineState;
  /** guest instructions per second over the last interval, in millions */
  mips: number;
  /** disk requests served over the last interval */
  diskRequests: number;
  instructions: number;
  /** bytes of the disks read over HTTP downloaded so far (range requests) */
  bytesFetched: number;
}

export type ToWorker =
  | { t: "start"; config: MachineConfig; wasmUrl: string; biosUrl: string; canvas?: OffscreenCanvas; frames?: boolean }
  | { t: "keys"; bytes: number[] }
  | { t: "type"; text: string }
  | { t: "send"; keys: string }
  | { t: "mouse"; dx: number; dy: number; buttons: number; wheel: number }
  | { t: "serial"; bytes: Uint8Array }
  | { t: "pause" } | { t: "resume" } | { t: "stop" }
  | { t: "insert"; drive: "fda" | "cdrom"; image: ImageFile | null }
  | { t: "query"; id: number; what: Query; drive?: ExportDrive; data?: Uint8Array; name?: string };

/** saveState: the snapshot file's bytes; restoreState: restore `data` (named `name` in
 * messages) into the running machine; revert: restore the sandbox's clean snapshot (false
 * when there is none yet) */
export type Query = "screenText" | "screenshot" | "export" | "discard" | "exportFiles" | "saveState" | "restoreState" | "revert";
/** "export": the sandbox's export disk */
export type ExportDrive = "fda" | "hda" | "export";

export type FromWorker =
  | { t: "state"; state: MachineState; message?: string }
  | { t: "mode"; width: number; height: number; graphics: boolean }
  | { t: "serial"; bytes: Uint8Array }
  | { t: "status"; status: Status }
  | { t: "notice"; message: string }
  | { t: "reply"; id: number; value?: unknown; error?: string }
  /** where the page's canvas could not be handed to the worker: the lines y0.. of a
   * width x height picture, RGBA (the lines the guest redrew) */
  | { t: "frame"; width: number; height: number; y0: number; rgba: ArrayBuffer }
  /** the sandbox's clean state was saved (Revert restores it) */
  | { t: "clean" };
