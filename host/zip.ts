// A ZIP archive of files, stored without compression: how the page hands over several files
// from the sandbox's export disk in one download (docs/sandbox.md). From PKWARE's APPNOTE.TXT
// (6.3): a local header and the data per file, then the central directory and its end record.
// Names are UTF-8 (general purpose flag bit 11). No ZIP64: the export disk is 64 MiB.
import { dosDateTime } from "./fat.js";
import { crc32Of } from "./crc32.js";


export interface ZipFile { path: string; data: Uint8Array; mtime?: Date }

export function zip(files: ZipFile[]): Uint8Array {
  const enc = new TextEncoder();
  const entries = files.map((f) => ({ name: enc.encode(f.path), data: f.data, crc: crc32Of(f.data), ...dosDateTime(f.mtime ?? new Date(Date.UTC(1980, 0, 1))) }));
  const size = entries.reduce((n, e) => n + 30 + e.name.length + e.data.length + 46 + e.name.length, 22);
  if (size > 0xffffffff || entries.length > 0xffff) throw new Error("too much for a ZIP archive without ZIP64");
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let p = 0;
  const offsets: number[] = [];
  // the fields a local header and a central directory entry share, from "version needed"
  const common = (e: (typeof entries)[number], at: number) => {
    dv.setUint16(at, 20, true); // version needed: 2.0
    dv.setUint16(at + 2, 0x0800, true); // bit 11: names in UTF-8
    dv.setUint16(at + 4, 0, true); // stored
    dv.setUint16(at + 6, e.time, true);
    dv.setUint16(at + 8, e.date, true);
    dv.setUint32(at + 10, e.crc, true);
    dv.setUint32(at + 14, e.data.length, true);
    dv.setUint32(at + 18, e.data.length, true);
    dv.setUint16(at + 22, e.name.length, true);
  };
  for (const e of entries) {
    offsets.push(p);
    dv.setUint32(p, 0x04034b50, true);
    common(e, p + 4);
    out.set(e.name, p + 30);
    out.set(e.data, p + 30 + e.name.length);
    p += 30 + e.name.length + e.data.length;
  }
  const cd = p;
  entries.forEach((e, i) => {
    dv.setUint32(p, 0x02014b50, true);
    // made by: Unix, 3.0 (so unzip takes the names as they are rather than as OEM code page
    // text), with the Unix mode rw-r--r-- in the external attributes
    dv.setUint16(p + 4, (3 << 8) | 30, true);
    common(e, p + 6);
    dv.setUint32(p + 38, (0o100644 << 16) >>> 0, true);
    dv.setUint32(p + 42, offsets[i], true);
    out.set(e.name, p + 46);
    p += 46 + e.name.length;
  });
  dv.setUint32(p, 0x06054b50, true);
  dv.setUint16(p + 8, entries.length, true);
  dv.setUint16(p + 10, entries.length, true);
  dv.setUint32(p + 12, p - cd, true);
  dv.setUint32(p + 16, cd, true);
  return out;
}
