// The "newc" cpio format the kernel unpacks an initramfs from. Written here rather than with
// cpio(1), which a fresh Debian lacks; it also lets the archive hold device nodes and root
// ownership without the builder being root.

const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFCHR = 0o020000;

export class Cpio {
  constructor(mtime = 0) {
    this.parts = [];
    this.ino = 1;
    this.mtime = mtime;
    this.seen = new Set();
  }

  dir(path, mode = 0o755) { this.#entry(path, S_IFDIR | mode, Buffer.alloc(0), 2); }
  file(path, data, mode = 0o644) { this.#entry(path, S_IFREG | mode, Buffer.from(data)); }
  symlink(path, target) { this.#entry(path, S_IFLNK | 0o777, Buffer.from(target)); }
  chardev(path, major, minor, mode = 0o600) { this.#entry(path, S_IFCHR | mode, Buffer.alloc(0), 1, major, minor); }

  // Adds the parent directories of path that were not added yet, so callers can add files
  // in any order.
  parents(path) {
    const segs = path.split("/").slice(0, -1);
    for (let i = 1; i <= segs.length; i++) {
      const p = segs.slice(0, i).join("/");
      if (p && !this.seen.has(p)) this.dir(p);
    }
  }

  // The archive, ending with the trailer entry the format requires.
  finish() {
    this.#entry("TRAILER!!!", 0, Buffer.alloc(0), 1, 0, 0, 0);
    return Buffer.concat(this.parts);
  }

  #entry(path, mode, data, nlink = 1, rmajor = 0, rminor = 0, ino = this.ino++) {
    path = path.replace(/^\/+/, "");
    if (path !== "TRAILER!!!") {
      if (this.seen.has(path)) throw new Error(`cpio: ${path} added twice`);
      this.parents(path);
      this.seen.add(path);
    }
    const name = Buffer.from(path + "\0");
    const fields = [ino, mode, 0, 0, nlink, this.mtime, data.length, 0, 0, rmajor, rminor, name.length, 0];
    const head = Buffer.from("070701" + fields.map((v) => v.toString(16).padStart(8, "0")).join(""), "latin1");
    this.parts.push(head, name, pad4(head.length + name.length), data, pad4(data.length));
  }
}

const pad4 = (n) => Buffer.alloc((4 - (n % 4)) % 4);
