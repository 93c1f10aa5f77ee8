// The instruction fetch window: the range of EIP values whose bytes sit in one host page and
// inside the CS limit, so fetching a byte is a subtract, a compare and a load. Recomputed on
// the first fetch outside it; reset whenever CS, paging, the TLB or A20 change.
export let FW_START: u32 = 0; // first EIP of the window
export let FW_LEN: u32 = 0; // number of EIP values in it (0 = empty)
export let FW_HOST: u32 = 0; // host address of EIP == FW_START

@inline export function reset_fetch_window(): void {
  FW_LEN = 0;
}

export function set_fetch_window(start: u32, len: u32, host: u32): void {
  FW_START = start;
  FW_LEN = len;
  FW_HOST = host;
}
