// One word the run loop tests after every instruction. Anything that needs the loop's
// attention between instructions sets it: an interrupt line change, sti/popf/iret enabling
// interrupts, a device asking for an exit (debug ring, reset), a mode change that must
// refresh cached state. The loop clears it after looking.
export let SIGNAL: i32 = 0;

@inline export function request_exit_check(): void {
  SIGNAL = 1;
}

@inline export function clear_signal(): void {
  SIGNAL = 0;
}
