// The worker's display without OffscreenCanvas (web/draw.ts): the page gets the mode, then the
// whole picture once, then only the lines the guest redrew, as transferable RGBA copies of the
// framebuffer's bytes; nothing when nothing changed.
import { describe, it, expect } from "vitest";
import { ScreenDrawer } from "../../web/draw.js";
import type { FromWorker } from "../../web/protocol.js";
import type { Machine } from "../../host/machine.js";

// a stand-in for the machine's screenPixels(): a framebuffer and the lines changed since the last call
function fakeMachine(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4).map((_, i) => (i * 7) & 0xff);
  const mem = { dirty: { y0: 0, y1: height } };
  const m = {
    memory: { buffer: data.buffer },
    screenPixels: () => { const d = mem.dirty; mem.dirty = { y0: 0, y1: 0 }; return { width, height, data, dirty: d }; },
    graphicsMode: () => false,
  };
  return { m: m as unknown as Machine, data, touch: (y0: number, y1: number) => { mem.dirty = { y0, y1 }; } };
}

describe("frames for a page without OffscreenCanvas", () => {
  it("sends the mode and the whole picture, then only redrawn lines, then nothing", () => {
    const sent: { msg: FromWorker; transfer?: Transferable[] }[] = [];
    const d = new ScreenDrawer((msg, transfer) => sent.push({ msg, transfer }));
    d.useFrames();
    const { m, data, touch } = fakeMachine(8, 6);
    d.draw(m);
    expect(sent.map((s) => s.msg.t)).toEqual(["mode", "frame"]);
    expect(sent[0].msg).toEqual({ t: "mode", width: 8, height: 6, graphics: false });
    const whole = sent[1].msg as Extract<FromWorker, { t: "frame" }>;
    expect([whole.width, whole.height, whole.y0]).toEqual([8, 6, 0]);
    expect(new Uint8Array(whole.rgba)).toEqual(new Uint8Array(data.buffer));
    expect(sent[1].transfer).toEqual([whole.rgba]); // moved, not cloned
    sent.length = 0;
    // lines 2..3 redrawn
    data.fill(200, 2 * 32, 4 * 32);
    touch(2, 4);
    d.draw(m);
    expect(sent.length).toBe(1);
    const part = sent[0].msg as Extract<FromWorker, { t: "frame" }>;
    expect(part.y0).toBe(2);
    expect(new Uint8Array(part.rgba)).toEqual(new Uint8Array(data.buffer.slice(2 * 32, 4 * 32)));
    sent.length = 0;
    d.draw(m);
    expect(sent).toEqual([]);
    // after a restore everything is sent again
    d.invalidate();
    d.draw(m);
    expect(sent.map((s) => s.msg.t)).toEqual(["mode", "frame"]);
    expect((sent[1].msg as Extract<FromWorker, { t: "frame" }>).rgba.byteLength).toBe(8 * 6 * 4);
  });
});
