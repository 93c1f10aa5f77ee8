// Reading Debian packages. The guest's packages are read in memory from the tar stream that
// `dpkg-deb --fsys-tarfile` writes, rather than unpacked: the kernel package holds thousands
// of modules, and writing and deleting them took most of a build's time on a busy disk. The
// host tools, which must run, are unpacked with dpkg-deb -x.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";

// Map of path ("boot/vmlinuz-...", no leading "./") -> { data, mtime } for the regular files
// of a .deb, and { link } for symbolic links.
export function readDeb(deb) {
  const tar = execFileSync("dpkg-deb", ["--fsys-tarfile", deb], { maxBuffer: 1 << 30, timeout: 120_000 });
  const files = new Map();
  let longName = null;
  for (let p = 0; p + 512 <= tar.length; ) {
    const h = tar.subarray(p, p + 512);
    if (h[0] === 0) break; // end of archive
    const str = (off, len) => h.toString("latin1", off, off + len).replace(/\0.*$/s, "");
    const num = (off, len) => parseInt(str(off, len).trim() || "0", 8);
    const size = num(124, 12), type = String.fromCharCode(h[156] || 48);
    const data = tar.subarray(p + 512, p + 512 + size);
    p += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") { // GNU long name: the next entry's path
      longName = data.toString("latin1").replace(/\0.*$/s, "");
      continue;
    }
    if (type === "x") { // pax extended header: only its path matters here
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString("utf8"))?.[1] ?? null;
      continue;
    }
    const prefix = str(345, 155);
    const name = (longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100))).replace(/^\.?\//, "");
    longName = null;
    if (type === "0") files.set(name, { data, mtime: num(136, 12) });
    else if (type === "2") files.set(name, { link: str(157, 100) });
  }
  return files;
}

// Unpacks a .deb into dir (emptied first unless merge) without running its scripts, which
// needs no root.
export function unpack(deb, dir, { merge = false } = {}) {
  if (!merge) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync("dpkg-deb", ["-x", deb, dir], { timeout: 120_000 });
}
