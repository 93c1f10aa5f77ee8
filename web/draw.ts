// The worker's side of the display: copy the lines the VGA redrew since the last frame to the
// page. Normally the page handed its canvas over (transferControlToOffscreen) and the lines are
// put straight into it from an ImageData that is a view of the core's framebuffer. A browser
// without OffscreenCanvas in workers keeps its canvas: then the redrawn lines are copied into a
// buffer that is transferred (not cloned) to the page, which puts them into its canvas
// (web/api.ts). Nothing is drawn or sent when nothing changed.
import type { Machine } from "../host/machine.js";
import type { FromWorker } from "./protocol.js";

type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

export class ScreenDrawer {
  private canvas?: OffscreenCanvas;
  private ctx: OffscreenCanvasRenderingContext2D | null = null;
  /** post frames to the page instead of drawing here */
  private frames = false;
  private image?: ImageData;
  mode = { width: 0, height: 0, graphics: false };

  constructor(private readonly post: Post) {}

  /** The page's canvas, once, when it can be handed over. */
  useCanvas(canvas: OffscreenCanvas): void {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d", { alpha: false });
    this.frames = false;
  }

  /** The page keeps its canvas: send it the redrawn lines. */
  useFrames(): void {
    this.canvas = undefined;
    this.ctx = null;
    this.frames = true;
  }

  /** Draw everything at the next frame (a new machine, a restored snapshot). */
  invalidate(): void { this.mode = { width: 0, height: 0, graphics: false }; }

  /** Draw the lines the guest changed since the last frame. */
  draw(m: Machine): void {
    const p = m.screenPixels();
    if (p.width === 0 || p.height === 0) return;
    let y0 = p.dirty.y0, y1 = p.dirty.y1;
    if (p.width !== this.mode.width || p.height !== this.mode.height || (!this.frames && this.image?.data.buffer !== m.memory.buffer)) {
      this.mode = { width: p.width, height: p.height, graphics: m.graphicsMode() };
      this.post({ t: "mode", ...this.mode });
      if (this.canvas) { this.canvas.width = p.width; this.canvas.height = p.height; }
      this.image = this.frames ? undefined : new ImageData(p.data as Uint8ClampedArray<ArrayBuffer>, p.width, p.height);
      y0 = 0; y1 = p.height;
    }
    if (y1 <= y0) return;
    if (this.frames) {
      const line = p.width * 4;
      const rgba = p.data.slice(y0 * line, y1 * line).buffer;
      this.post({ t: "frame", width: p.width, height: p.height, y0, rgba }, [rgba]);
    } else if (this.image) {
      this.ctx?.putImageData(this.image, 0, 0, 0, y0, p.width, y1 - y0);
    }
  }
}
