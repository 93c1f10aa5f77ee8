// When a sandbox is clean (web/clean.ts): the Linux sandbox's notes and then its prompt on the
// serial console, in chunks split anywhere, with the escape sequences busybox's shell sends;
// DOS: a prompt on the last line of the text screen.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { CleanWatch, isTerminalReport, LINUX_NOTES_END } from "../../web/clean.js";
import { ROOT } from "../helpers.js";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

// the notes' last line and the prompt as the image's /init and /etc/profile write them
const initramfs = readFileSync(`${ROOT}tools/images/initramfs.mjs`, "utf8");
const notesLine = /echo "(No network\. Tools:[^"]*)"/.exec(initramfs)![1];
const prompt = /export PS1='([^']*)'/.exec(initramfs)![1];

describe("the sandbox's clean moment", () => {
  it("takes the image's own notes and prompt (tools/images/initramfs.mjs)", () => {
    expect(notesLine.startsWith(LINUX_NOTES_END)).toBe(true);
    expect(prompt).toBe("# ");
  });

  it("Linux: ready once the prompt follows the notes, however the output is cut", () => {
    const out = `[    3.1] Run /init as init process\r\ntab86 Linux ready\r\n# \x1b[6n\r\nSandbox: the files are in /mnt/sandbox\r\n${notesLine}\r\n${prompt}\x1b[6n`;
    for (const cut of [1, 3, 7, 50]) {
      const w = new CleanWatch("linux");
      let readyAt = -1;
      for (let i = 0; i < out.length; i += cut) {
        w.serial(bytes(out.slice(i, i + cut)));
        if (w.ready && readyAt < 0) readyAt = Math.min(i + cut, out.length);
      }
      expect(w.ready).toBe(true);
      // not at the early prompt before the notes: only after the last prompt's characters
      expect(readyAt).toBeGreaterThanOrEqual(out.lastIndexOf(prompt) + prompt.length);
    }
  });

  it("Linux: not ready on the notes alone, nor on a prompt with a command typed after it", () => {
    const w = new CleanWatch("linux");
    w.serial(bytes(`${notesLine}\r\n`));
    expect(w.ready).toBe(false);
    w.serial(bytes("# ls"));
    expect(w.ready).toBe(false);
  });

  it("DOS: ready when the screen's last line is a prompt", () => {
    const w = new CleanWatch("dos");
    expect(w.screen({ screenText: () => "FreeDOS kernel 2042\nLoading..." })).toBe(false);
    expect(w.screen({ screenText: () => "FreeDOS kernel 2042\n\nA:\\>\n\n\n" })).toBe(true);
    const c = new CleanWatch("dos");
    expect(c.screen({ screenText: () => "C:\\DOS>" })).toBe(true);
    // serial output means nothing to a DOS watch, the screen nothing to a Linux one
    const l = new CleanWatch("linux");
    expect(l.screen({ screenText: () => "A:\\>" })).toBe(false);
  });

  it("tells the terminal's cursor report from typed input", () => {
    expect(isTerminalReport(bytes("\x1b[24;3R"))).toBe(true);
    expect(isTerminalReport(bytes("\x1b[1;1R\x1b[24;3R"))).toBe(true);
    expect(isTerminalReport(bytes("ls\r"))).toBe(false);
    expect(isTerminalReport(bytes("\x1b[A"))).toBe(false);
  });
});
