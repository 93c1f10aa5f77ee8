// How big the guest's picture is drawn. The canvas holds the guest's pixels 1:1 (the worker
// draws into it); CSS scales it with image-rendering: pixelated so pixels stay sharp.
// Modes with 200, 350 or 400 lines (CGA/EGA modes, 720x400 text) were shown on 4:3 monitors
// with tall pixels, so "aspect" draws them at 4:3; other modes have square pixels.
// "integer" keeps every guest pixel the same size: a whole multiple, with 200-line modes
// doubled vertically first (320x200 -> 320x400 per step), at least once.

export type ScaleMode = "aspect" | "integer";

export function displayAspect(width: number, height: number): number {
  return height === 200 || height === 350 || height === 400 ? 4 / 3 : width / height;
}

/** CSS size of the picture for a guest mode in a box. */
export function fitScreen(width: number, height: number, boxW: number, boxH: number, mode: ScaleMode): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: 0, height: 0 };
  if (mode === "integer") {
    const dy = height === 200 && width <= 640 ? 2 : 1;
    const n = Math.max(1, Math.floor(Math.min(boxW / width, boxH / (height * dy))));
    return { width: width * n, height: height * dy * n };
  }
  const aspect = displayAspect(width, height);
  let w = boxW, h = boxW / aspect;
  if (h > boxH) { h = boxH; w = boxH * aspect; }
  return { width: Math.floor(w), height: Math.floor(h) };
}
