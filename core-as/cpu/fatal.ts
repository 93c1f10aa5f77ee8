// Emulator errors (never guest errors): stop the run with a diagnostic. The host prints the
// register dump and the last instructions; FATAL_CODE says what went wrong.
import { FATAL_CODE, EXIT_REASON, EXIT_FATAL } from "../state";
import { request_exit_check } from "./signal";

export const FATAL_NONE = 0;
export const FATAL_UNIMPLEMENTED = 1; // a path the emulator does not implement yet
export const FATAL_INTERNAL = 2; // an internal consistency check failed

export let FATAL: bool = false;

export function fatal(code: u32): void {
  FATAL = true;
  store<u32>(FATAL_CODE, code);
  store<u32>(EXIT_REASON, EXIT_FATAL);
  request_exit_check();
}

export function clear_fatal(): void {
  FATAL = false;
  store<u32>(FATAL_CODE, 0);
}
