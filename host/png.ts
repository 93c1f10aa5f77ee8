// A small PNG encoder (PNG specification, ISO/IEC 15948 / W3C PNG 2nd edition): one IHDR
// (8-bit RGBA, or RGB when every pixel is opaque), one IDAT, IEND. The compression is
// zlib/deflate, supplied by the caller so this file stays free of Node modules (the CLI passes
// Node's own zlib.deflateSync; a browser can pass CompressionStream's output or any deflate).
// Scan lines use filter 0 (None) except where Sub is smaller by a simple estimate: the
// absolute sum of the filtered bytes (the PNG specification's suggested heuristic, §12.8).

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG and zlib use it) running from `crc`; XOR the result with 0xFFFFFFFF to finish. */
export function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, (crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff) >>> 0);
  return out;
}

/** Encode width x height RGBA pixels (row-major, 4 bytes each) as a PNG file. */
export function encodePng(width: number, height: number, rgba: ArrayLike<number>, deflate: (raw: Uint8Array) => Uint8Array): Uint8Array {
  if (width <= 0 || height <= 0 || rgba.length < width * height * 4) throw new Error(`encodePng: ${width}x${height} needs ${width * height * 4} bytes, got ${rgba.length}`);
  let opaque = true;
  for (let i = 3; i < width * height * 4; i += 4) if (rgba[i] !== 255) { opaque = false; break; }
  const bpp = opaque ? 3 : 4;
  const stride = width * bpp;
  const raw = new Uint8Array((stride + 1) * height);
  const line = new Uint8Array(stride);
  const sub = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0, s = y * width * 4, d = 0; x < width; x++, s += 4) {
      line[d++] = rgba[s]; line[d++] = rgba[s + 1]; line[d++] = rgba[s + 2];
      if (!opaque) line[d++] = rgba[s + 3];
    }
    let sumNone = 0, sumSub = 0;
    for (let i = 0; i < stride; i++) {
      sub[i] = (line[i] - (i >= bpp ? line[i - bpp] : 0)) & 0xff;
      sumNone += line[i] < 128 ? line[i] : 256 - line[i];
      sumSub += sub[i] < 128 ? sub[i] : 256 - sub[i];
    }
    const o = y * (stride + 1);
    if (sumSub < sumNone) { raw[o] = 1; raw.set(sub, o + 1); } else { raw[o] = 0; raw.set(line, o + 1); }
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = opaque ? 2 : 6; // colour type: RGB or RGBA
  const sig = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  const parts = [sig, chunk("IHDR", ihdr), chunk("IDAT", deflate(raw)), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) { out.set(p, k); k += p.length; }
  return out;
}

/** Decode a PNG written by encodePng (8-bit RGB or RGBA, filters None and Sub only): for tests
 * that read screenshots back. */
export function decodePng(png: Uint8Array, inflate: (data: Uint8Array) => Uint8Array): { width: number; height: number; data: Uint8Array } {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let p = 8, width = 0, height = 0, type = 0;
  const idat: Uint8Array[] = [];
  while (p < png.length) {
    const len = dv.getUint32(p);
    const t = String.fromCharCode(...png.subarray(p + 4, p + 8));
    const d = png.subarray(p + 8, p + 8 + len);
    if (t === "IHDR") { width = dv.getUint32(p + 8); height = dv.getUint32(p + 12); type = png[p + 17]; }
    else if (t === "IDAT") idat.push(d);
    p += 12 + len;
  }
  const z = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  let k = 0;
  for (const c of idat) { z.set(c, k); k += c.length; }
  const raw = inflate(z);
  const bpp = type === 6 ? 4 : 3, stride = width * bpp;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    if (f === 1) for (let i = bpp; i < stride; i++) line[i] = (line[i] + line[i - bpp]) & 0xff;
    else if (f !== 0) throw new Error(`decodePng: filter ${f} not supported`);
    for (let x = 0; x < width; x++) {
      data[(y * width + x) * 4] = line[x * bpp];
      data[(y * width + x) * 4 + 1] = line[x * bpp + 1];
      data[(y * width + x) * 4 + 2] = line[x * bpp + 2];
      data[(y * width + x) * 4 + 3] = bpp === 4 ? line[x * bpp + 3] : 255;
    }
  }
  return { width, height, data };
}
