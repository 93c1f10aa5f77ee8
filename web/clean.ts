// When a sandbox is clean: the moment its shell first waits for a command, before the user
// typed anything. The worker saves a snapshot then, and the sandbox's Revert restores it
// instead of booting a new machine.
//
// Linux: the sandbox's login shell on the serial console prints the sandbox's notes (/run/motd,
// tools/images/initramfs.mjs), whose last line names the tools, then its prompt "# " (PS1).
// The serial output is watched for that line and then output that ends with the prompt.
// DOS: the text screen's last line is a prompt such as "A:\>" (FreeCOM's default $P$G).

export const LINUX_NOTES_END = "No network. Tools:";
const LINUX_PROMPT = /(^|\n)# $/;
const DOS_PROMPT = /(^|\n)[A-Z]:\\[^\n]*>$/;

/** Serial input that is the terminal's answer to such a question (ESC [ row ; col R), not
 * something the user typed. */
export function isTerminalReport(bytes: ArrayLike<number>): boolean {
  return /^(\x1b\[\d+;\d+R)+$/.test(String.fromCharCode(...Array.from(bytes)));
}

export class CleanWatch {
  /** the prompt appeared: save now */
  ready = false;
  private tail = "";
  private notesSeen = false;

  constructor(readonly system: "linux" | "dos") {}

  /** Serial output (COM1), as it comes. */
  serial(bytes: Uint8Array): void {
    if (this.system !== "linux" || this.ready || bytes.length === 0) return;
    // (the prompt and the notes are ASCII: a byte per character is enough here)
    // (busybox's shell asks the terminal where its cursor is after the prompt: ESC [ 6 n)
    this.tail = (this.tail + String.fromCharCode(...bytes)).replace(/\r|\x1b\[[0-9;?]*[A-Za-z]/g, "").slice(-512);
    if (!this.notesSeen && this.tail.includes(LINUX_NOTES_END)) {
      this.notesSeen = true;
      this.tail = this.tail.slice(this.tail.lastIndexOf(LINUX_NOTES_END));
    }
    if (this.notesSeen && LINUX_PROMPT.test(this.tail)) this.ready = true;
  }

  /** Look at the text screen (DOS); true when the prompt is there. */
  screen(m: { screenText(): string }): boolean {
    if (this.system !== "dos" || this.ready) return this.ready;
    this.ready = DOS_PROMPT.test(m.screenText().trimEnd());
    return this.ready;
  }
}
