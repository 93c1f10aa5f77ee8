// Pasted text as typed keys: each character becomes the key strokes of a US keyboard
// (host/keys.ts), line breaks become Enter and tabs Tab. Characters no US key types (accents,
// emoji) are left out and counted, so the page can say so.
import { parseKeys } from "../host/keys.js";

export function pasteKeys(text: string): { keys: number[][]; skipped: number } {
  const keys: number[][] = [];
  let skipped = 0;
  const normal = text.replace(/\r\n?/g, "\n");
  for (const ch of normal) {
    const spec = ch === "{" ? "{{" : ch === "\t" ? "{Tab}" : ch;
    try {
      keys.push(...parseKeys(spec));
    } catch {
      skipped++;
    }
  }
  return { keys, skipped };
}
