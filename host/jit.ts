// The host side of the JIT (docs/jit.md): when run() exits with EXIT_JIT, the core has written a
// small WebAssembly module into JIT_BUF; this compiles it synchronously, instantiates it
// against the shared memory and the core's helper exports, puts its function into the shared
// table at the slot the core chose (JIT_PENDING_SLOT) and tells the core (jit_installed).
// No Node APIs: the browser worker uses the same code.
import * as S from "../core-as/state.js";

/** JIT setting: off, on (compile blocks once they are hot) or force (compile every block at its
 * first execution, and Machine.step() runs single instructions compiled: for tests). */
export type JitMode = "off" | "on" | "force";

/** Table slots below this are the core's own functions; the JIT gets the next JIT_TABLE_SLOTS. */
export const JIT_TABLE_BASE = 64;
export const JIT_TABLE_SLOTS = S.JIT_SLOTS_MAX;

export interface JitCoreExports {
  jit_configure(config: number, base: number, count: number): void;
  jit_installed(ok: number): void;
  jit_flush(): void;
  jit_prepare_step(): number;
  jit_insn: (n: number, eip: number) => number;
  jit_cond: (cc: number) => number;
  jit_cf: () => number;
}

export class JitHost {
  /** modules compiled and the time spent compiling and instantiating them (ms) */
  compiled = 0;
  compileMs = 0;
  failures = 0;
  lastError = "";
  private imports: WebAssembly.Imports;

  constructor(private memory: WebAssembly.Memory, private table: WebAssembly.Table, private core: JitCoreExports, readonly mode: JitMode) {
    this.imports = { c: { m: memory, s: core.jit_insn, c: core.jit_cond, f: core.jit_cf } };
    const config = mode === "off" ? 0 : mode === "on" ? 1 : 3;
    core.jit_configure(config, JIT_TABLE_BASE, JIT_TABLE_SLOTS);
  }

  /** Compile and install the module waiting in JIT_BUF. */
  install(): void {
    const dv = new DataView(this.memory.buffer);
    const len = dv.getUint32(S.JIT_PENDING_LEN, true);
    const slot = dv.getUint32(S.JIT_PENDING_SLOT, true);
    if (len === 0 || len > S.JIT_BUF_SIZE || slot < JIT_TABLE_BASE || slot >= JIT_TABLE_BASE + JIT_TABLE_SLOTS) {
      this.core.jit_installed(0);
      return;
    }
    const t0 = performance.now();
    let ok = 1;
    try {
      // a copy: the module must not see the buffer change under it
      const bytes = new Uint8Array(this.memory.buffer, S.JIT_BUF, len).slice();
      const module = new WebAssembly.Module(bytes);
      const instance = new WebAssembly.Instance(module, this.imports);
      this.table.set(slot, instance.exports.f as WebAssembly.ExportValue as never);
      this.compiled++;
    } catch (e) {
      // an emitter bug: the block stays interpreted, and --stats shows the failure
      ok = 0;
      this.failures++;
      this.lastError = (e as Error).message;
    }
    this.compileMs += performance.now() - t0;
    this.core.jit_installed(ok);
  }
}
