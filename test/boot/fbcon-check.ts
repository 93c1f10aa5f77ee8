// Reading a Linux framebuffer console back from a screenshot without knowing its font
// (test/boot/fbcon.test.ts): the picture is cut into character cells, each distinct cell
// bitmap is one glyph, and every text row must be a line the serial console printed, through
// one glyph <-> character map that is consistent (injective both ways) over the whole screen.

export interface FbconCheck {
  cols: number;
  rows: number;
  /** screen rows with text, each with the serial line (index) and 0-based chunk it matched */
  matched: { row: number; line: number; chunk: number; text: string }[];
  /** distinct non-blank glyphs on the screen */
  glyphs: number;
  /** what went wrong, empty when every text row matched in order */
  errors: string[];
}

/** Cut width x height RGBA pixels into cellW x cellH cells and match every non-blank row against
 * `lines` (what the serial console printed, one entry per line, control characters removed). A
 * line longer than the screen is wrapped: a row may match any `cols`-wide chunk of a line (or an
 * 80-wide chunk: rows written while the console was the 80-column VGA text console). Rows must
 * match in the lines' order, each line chunk at most once. */
export function checkFbcon(width: number, height: number, rgba: Uint8Array, lines: string[], cellW = 8, cellH = 16): FbconCheck {
  const cols = Math.floor(width / cellW), rows = Math.floor(height / cellH);
  const px = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
  // the background is the most common colour; everything else is ink
  const freq = new Map<number, number>();
  for (let i = 0; i < px.length; i += 7) freq.set(px[i], (freq.get(px[i]) ?? 0) + 1);
  const bg = [...freq.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const glyphId = new Map<string, number>(); // cell bitmap -> glyph id; 0 = blank
  glyphId.set("", 0);
  const grid: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < cols; c++) {
      let key = "", ink = false;
      for (let y = 0; y < cellH; y++) {
        let bits = 0;
        for (let x = 0; x < cellW; x++) {
          const p = px[(r * cellH + y) * width + c * cellW + x];
          if (p !== bg) { bits |= 1 << x; ink = true; }
          // colour matters too: a glyph in another colour is another glyph
          if (p !== bg) key += p.toString(36) + ".";
        }
        key += bits.toString(36) + "/";
      }
      if (!ink) key = "";
      if (!glyphId.has(key)) glyphId.set(key, glyphId.size);
      row.push(glyphId.get(key)!);
    }
    let n = row.length;
    while (n > 0 && row[n - 1] === 0) n--;
    grid.push(row.slice(0, n));
  }
  // candidate texts: every line cut into chunks of the screen width and of 80 columns
  const chunks: { line: number; chunk: number; text: string }[] = [];
  lines.forEach((l, i) => {
    const t = l.replace(/\s+$/, "");
    for (const w of cols === 80 ? [80] : [cols, 80]) {
      for (let k = 0; k * w < t.length || (k === 0 && t.length === 0); k++) {
        chunks.push({ line: i, chunk: k, text: t.slice(k * w, (k + 1) * w).replace(/\s+$/, "") });
      }
    }
  });
  const g2c = new Map<number, string>([[0, " "]]), c2g = new Map<string, number>([[" ", 0]]);
  // try to explain glyph row `g` as `text`; on success the map is extended (commit) or left alone
  const fits = (g: number[], text: string, commit: boolean): boolean => {
    if (g.length !== text.length) return false;
    const addG = new Map<number, string>(), addC = new Map<string, number>();
    for (let i = 0; i < g.length; i++) {
      const ch = text[i] === "\t" ? " " : text[i];
      const mc = g2c.get(g[i]) ?? addG.get(g[i]);
      const mg = c2g.get(ch) ?? addC.get(ch);
      if (mc === undefined && mg === undefined) { addG.set(g[i], ch); addC.set(ch, g[i]); continue; }
      if (mc !== ch || mg !== g[i]) return false;
    }
    if (commit) { for (const [k, v] of addG) g2c.set(k, v); for (const [k, v] of addC) c2g.set(k, v); }
    return true;
  };
  const textRows = grid.map((g, r) => ({ g, r })).filter((x) => x.g.length > 0);
  // pin the map with the longest rows first (a long row fits few lines by its pattern of equal
  // cells alone), then walk the screen top to bottom through the lines in order
  for (const { g } of [...textRows].sort((a, b) => b.g.length - a.g.length)) {
    const fitting = chunks.filter((c) => fits(g, c.text, false));
    if (fitting.length > 0 && fitting.every((c) => c.text === fitting[0].text)) fits(g, fitting[0].text, true);
  }
  const errors: string[] = [];
  const matched: FbconCheck["matched"] = [];
  let next = 0;
  for (const { g, r } of textRows) {
    let k = next;
    while (k < chunks.length && !fits(g, chunks[k].text, false)) k++;
    if (k === chunks.length) {
      const decoded = g.map((id) => g2c.get(id) ?? "?").join("");
      const earlier = chunks.slice(0, next).some((c) => fits(g, c.text, false));
      errors.push(`row ${r} ("${decoded}") ${earlier ? "repeats a line shown above it" : "is no line of the serial output"}`);
      continue;
    }
    fits(g, chunks[k].text, true);
    matched.push({ row: r, line: chunks[k].line, chunk: chunks[k].chunk, text: chunks[k].text });
    // the same line may not match twice; its 80-column chunks are other cuts of the same text
    next = k + 1;
    while (next < chunks.length && chunks[next].line === chunks[k].line) next++;
    if (chunks[k].text.length === cols || chunks[k].text.length === 80) next = k + 1;
  }
  return { cols, rows, matched, glyphs: glyphId.size - 1, errors };
}
