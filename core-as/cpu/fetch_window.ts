// The instruction fetch window: the range of EIP values whose bytes sit in one host page and
// inside the CS limit, so fetching a byte is a subtract, a compare and a load. Recomputed on
// the first fetch outside it; reset whenever CS, paging, the TLB or A20 change.
export let FW_START: u32 = 0; // first EIP of the window
export let FW_LEN: u32 = 0; // number of EIP values in it (0 = empty)
export let FW_HOST: u32 = 0; // host address of EIP == FW_START

// Set with every reset (CS, paging, TLB, A20 or mode changed): compiled code that ran an
// instruction through the interpreter ends its block when it sees this (jit/jit.ts), because the
// code it was compiled from may no longer be what EIP fetches.
export let CODE_CONTEXT_CHANGED: bool = false;
@inline export function clear_code_context_changed(): void { CODE_CONTEXT_CHANGED = false; }

@inline export function reset_fetch_window(): void {
  FW_LEN = 0;
  CODE_CONTEXT_CHANGED = true;
}

export function set_fetch_window(start: u32, len: u32, host: u32): void {
  FW_START = start;
  FW_LEN = len;
  FW_HOST = host;
}
