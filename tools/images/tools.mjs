// The sandbox's inspection tools (images/linux/tools.img): a second gzip'd cpio archive that a
// boot loader puts after initrd.img, which the kernel unpacks over the first one (an initramfs
// may be several archives one after the other: Documentation/driver-api/early-userspace/
// buffer-format.rst). Kept apart so that the initrd every other boot unpacks stays small.
//
// busybox already has strings, hexdump, xxd, od, unzip, sha256sum, md5sum and vi; what it lacks
// is file(1), which comes from Debian's packages with libmagic, its compiled magic database and
// the shared libraries they need. The libraries are found the way the dynamic loader finds
// them: from the ELF's PT_INTERP and DT_NEEDED entries, looked up in the packages' library
// directories, so a missing one is a build error rather than a guest that cannot run `file`.
import { gzipSync, constants } from "node:zlib";
import { Cpio } from "./cpio.mjs";
import { BuildError } from "./util.mjs";

// The packages, by role (build.mjs downloads them, i386).
export const TOOL_PACKAGES = ["file", "libmagic1", "libmagic-mgc", "libc6", "zlib1g", "libbz2-1.0", "liblzma5"];
// The programs the archive carries, with what they need.
const PROGRAMS = ["usr/bin/file"];
// Data files (and the links to them that file(1) looks up: MAGIC=/etc/magic:/usr/share/misc/magic).
const DATA = ["etc/magic", "usr/lib/file/magic.mgc", "usr/share/misc/magic.mgc", "usr/share/file/magic.mgc"];
const LIBDIRS = ["lib/i386-linux-gnu", "usr/lib/i386-linux-gnu", "lib", "usr/lib"];

// PT_INTERP and the DT_NEEDED names of a 32-bit little-endian ELF (System V ABI, "Object Files"
// and "Program Loading"). Bounds-checked: a damaged file is a BuildError, not a crash.
export function elfDeps(buf, name) {
  const bad = (why) => new BuildError(`${name}: not a usable i386 ELF file (${why})`);
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) throw bad("no ELF header");
  if (buf[4] !== 1 || buf[5] !== 1) throw bad("not 32-bit little-endian");
  const phoff = buf.readUInt32LE(28), phentsize = buf.readUInt16LE(42), phnum = buf.readUInt16LE(44);
  if (phentsize < 32 || phoff + phnum * phentsize > buf.length) throw bad("program headers out of range");
  const ph = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    ph.push({ type: buf.readUInt32LE(o), off: buf.readUInt32LE(o + 4), vaddr: buf.readUInt32LE(o + 8), filesz: buf.readUInt32LE(o + 16) });
  }
  const inRange = (off, len) => off + len <= buf.length;
  let interp = null;
  const interpH = ph.find((p) => p.type === 3);
  if (interpH) {
    if (!inRange(interpH.off, interpH.filesz)) throw bad("PT_INTERP out of range");
    interp = buf.toString("latin1", interpH.off, interpH.off + interpH.filesz).replace(/\0.*$/s, "");
  }
  const dyn = ph.find((p) => p.type === 2);
  if (!dyn) return { interp, needed: [] };
  if (!inRange(dyn.off, dyn.filesz)) throw bad("PT_DYNAMIC out of range");
  // file offset of a virtual address, through the PT_LOAD that maps it
  const fileOff = (va) => {
    const l = ph.find((p) => p.type === 1 && va >= p.vaddr && va < p.vaddr + p.filesz);
    if (!l) throw bad(`address 0x${va.toString(16)} is in no loaded segment`);
    return l.off + (va - l.vaddr);
  };
  let strtab = -1;
  const neededOffs = [];
  for (let o = dyn.off; o + 8 <= dyn.off + dyn.filesz; o += 8) {
    const tag = buf.readUInt32LE(o), val = buf.readUInt32LE(o + 4);
    if (tag === 0) break;
    if (tag === 1) neededOffs.push(val); // DT_NEEDED
    if (tag === 5) strtab = fileOff(val); // DT_STRTAB
  }
  if (neededOffs.length && strtab < 0) throw bad("DT_NEEDED without DT_STRTAB");
  const needed = neededOffs.map((n) => {
    const start = strtab + n, end = buf.indexOf(0, start);
    if (start >= buf.length || end < 0) throw bad("DT_NEEDED name out of range");
    return buf.toString("latin1", start, end);
  });
  return { interp, needed };
}

// files: Map path -> { data } | { link } over all the tool packages (readDeb of each, merged).
// Returns { data (gzip'd cpio), files: [{ path, size }] }.
export function buildTools(files, mtime) {
  const cpio = new Cpio(mtime);
  const added = [];
  const resolve = (path, depth = 0) => {
    const f = files.get(path);
    if (!f) return null;
    if (f.link === undefined) return { path, f };
    if (depth > 8) throw new BuildError(`${path}: too many levels of symbolic links`);
    const target = f.link.startsWith("/") ? f.link.slice(1) : normalize(`${path.replace(/[^/]*$/, "")}${f.link}`);
    return resolve(target, depth + 1);
  };
  // a path as the guest looks it up: the links on the way are kept, so it finds the same file
  const add = (path) => {
    if (cpio.seen.has(path)) return;
    const f = files.get(path);
    if (!f) throw new BuildError(`${path} is in none of the tool packages (${TOOL_PACKAGES.join(", ")}): has a package's layout changed?`);
    if (f.link !== undefined) {
      cpio.symlink(path, f.link);
      added.push({ path, link: f.link });
      const target = f.link.startsWith("/") ? f.link.slice(1) : normalize(`${path.replace(/[^/]*$/, "")}${f.link}`);
      add(target);
      return;
    }
    const exec = /(^|\/)(bin|sbin)\/|\.so(\.|$)/.test(path);
    cpio.file(path, f.data, exec ? 0o755 : 0o644);
    added.push({ path, size: f.data.length });
  };
  const findLib = (soname) => LIBDIRS.map((d) => `${d}/${soname}`).find((p) => files.has(p));
  const queue = [...PROGRAMS];
  const done = new Set();
  while (queue.length) {
    const p = queue.shift();
    if (done.has(p)) continue;
    done.add(p);
    add(p);
    const real = resolve(p);
    if (!real) throw new BuildError(`${p}: a dangling link in the tool packages`);
    const { interp, needed } = elfDeps(real.f.data, real.path);
    if (interp) queue.push(interp.replace(/^\//, ""));
    for (const n of needed) {
      const lib = findLib(n);
      if (!lib) throw new BuildError(`${real.path} needs ${n}, which none of the tool packages (${TOOL_PACKAGES.join(", ")}) has`);
      queue.push(lib);
    }
  }
  for (const d of DATA) add(d);
  const data = gzipSync(cpio.finish(), { level: constants.Z_BEST_COMPRESSION });
  return { data, files: added };
}

function normalize(path) {
  const out = [];
  for (const seg of path.split("/")) {
    if (seg === "..") out.pop();
    else if (seg && seg !== ".") out.push(seg);
  }
  return out.join("/");
}
