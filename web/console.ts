// The serial console (COM1) in an xterm.js terminal, wired both ways: what the guest sends is
// written to the terminal, what the user types goes to the guest's UART.
import { Terminal } from "@xterm/xterm";
import type { Tab86 } from "./api.js";

export function attachConsole(machine: Tab86, container: HTMLElement): Terminal {
  const term = new Terminal({
    convertEol: false, cursorBlink: true, scrollback: 5000, rows: 24, cols: 80,
    fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace", fontSize: 13,
    theme: { background: "#101418" },
    // OSC 8 hyperlinks the guest writes are shown but never followed (without a handler xterm.js
    // would offer to open them): nothing from a guest, a sandbox's least of all, reaches the web
    linkHandler: { activate: () => {}, allowNonHttpProtocols: false },
  });
  term.open(container);
  term.onData((data) => machine.serialWrite(data));
  // The text, which Tab86 decodes as one UTF-8 stream: given the bytes, xterm.js 6 drops a
  // three-byte character split after its second byte between two writes ("–" in "a – b"),
  // and the worker's output chunks split anywhere.
  machine.addEventListener("serial", (e) => term.write((e as CustomEvent<{ text: string }>).detail.text));
  return term;
}

/** The terminal's text (all lines, scrollback included), for tests and the page API. A line
 * the terminal wrapped at its right margin is joined to the one before, so the text has the
 * guest's own line breaks. */
export function consoleText(term: Terminal): string {
  const buf = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buf.length; i++) {
    const line = buf.getLine(i);
    const text = line?.translateToString(true) ?? "";
    if (line?.isWrapped && lines.length) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return lines.join("\n").replace(/\n+$/, "");
}
