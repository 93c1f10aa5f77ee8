// Picks the kernel modules the initramfs carries. Debian's kernel package ships no
// modules.dep (depmod runs in its postinst), so dependencies are read from each module's
// .modinfo section: "depends=" (hard dependencies) and "softdep=pre:" (modules that must be
// loaded first, such as the crc32c implementation ext4 asks the crypto API for).

// IDE disks and CD-ROMs, and the file systems on them; their dependencies are added. The
// crc implementations come first so that the crypto lookups of the users find them loaded.
// FAT mounts need codepage 437 and the "ascii" I/O charset (the kernel's defaults).
export const WANTED = ["crc32c_generic", "crc64_rocksoft_generic", "crct10dif_generic", "ata_piix", "ata_generic", "sd_mod", "sr_mod", "isofs", "ext4", "vfat", "msdos", "nls_cp437", "nls_ascii", "nls_iso8859-1", "nls_utf8"];

const norm = (n) => n.replace(/-/g, "_");

// The key=value strings of an ELF32 module's .modinfo section.
export function modinfo(buf) {
  const shoff = buf.readUInt32LE(0x20), shentsize = buf.readUInt16LE(0x2e), shnum = buf.readUInt16LE(0x30), shstrndx = buf.readUInt16LE(0x32);
  const sec = (i) => {
    const o = shoff + i * shentsize;
    return { name: buf.readUInt32LE(o), off: buf.readUInt32LE(o + 16), size: buf.readUInt32LE(o + 20) };
  };
  const strtab = sec(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const s = sec(i);
    const end = buf.indexOf(0, strtab.off + s.name);
    if (buf.toString("latin1", strtab.off + s.name, end) === ".modinfo") {
      return buf.toString("latin1", s.off, s.off + s.size).split("\0").filter(Boolean);
    }
  }
  return [];
}

// Returns the modules to carry, dependencies before their users, as
// { name, path (relative to lib/modules/KVER), data, deps (names), pre, aliases }.
// files: the kernel package's files (readDeb).
export function resolveModules(files, kver, wanted = WANTED) {
  const byName = new Map(), byAlias = new Map();
  const moddir = `lib/modules/${kver}/`;
  for (const [path, f] of files) {
    if (!path.startsWith(moddir + "kernel/") || !path.endsWith(".ko") || !f.data) continue;
    const name = norm(path.replace(/^.*\//, "").replace(/\.ko$/, ""));
    byName.set(name, { name, path: path.slice(moddir.length), data: f.data, info: null });
  }
  const info = (m) => {
    if (!m.info) {
      const kv = modinfo(m.data);
      const get = (k) => kv.filter((s) => s.startsWith(k + "=")).map((s) => s.slice(k.length + 1));
      m.info = {
        deps: get("depends").flatMap((s) => s.split(",")).filter(Boolean).map(norm),
        pre: get("softdep").flatMap((s) => (/pre:\s*([^:]*?)(\s+post:|$)/.exec(s)?.[1] || "").split(/\s+/)).filter(Boolean),
        aliases: get("alias"),
      };
    }
    return m.info;
  };
  // Aliases are only needed for softdeps that name no module; indexing reads every module.
  const lookup = (n) => {
    if (byName.has(norm(n))) return byName.get(norm(n));
    if (byAlias.size === 0) for (const m of byName.values()) for (const a of info(m).aliases) if (!a.includes("*")) byAlias.set(a, m);
    return byAlias.get(n);
  };

  const order = [], done = new Set();
  const visit = (m, chain) => {
    if (done.has(m.name)) return;
    if (chain.includes(m.name)) throw new Error(`module dependency cycle: ${[...chain, m.name].join(" -> ")}`);
    const i = info(m);
    for (const d of [...i.pre.map(lookup).filter(Boolean), ...i.deps.map((d) => byName.get(d))]) {
      if (!d) throw new Error(`module ${m.name}: a dependency is missing from the kernel package`);
      visit(d, [...chain, m.name]);
    }
    done.add(m.name);
    order.push(m);
  };
  for (const w of wanted) {
    const m = byName.get(norm(w));
    if (m) visit(m, []); // absent: built in (or not in this kernel); modprobe then has nothing to do
  }
  return order.map((m) => ({ name: m.name, path: m.path, data: m.data, deps: m.info.deps, pre: m.info.pre, aliases: m.info.aliases }));
}

// modules.dep for busybox modprobe: each module with all its transitive dependencies, listed
// so that loading them from last to first puts every dependency before its users (the order
// depmod writes).
export function modulesDep(mods) {
  const by = new Map(mods.map((m) => [m.name, m]));
  const lines = mods.map((m) => {
    const topo = [], seen = new Set();
    const add = (n) => {
      for (const d of by.get(n).deps) if (!seen.has(d)) { seen.add(d); add(d); topo.push(d); }
    };
    add(m.name);
    return `${m.path}: ${topo.reverse().map((d) => by.get(d).path).join(" ")}`.trimEnd();
  });
  return lines.join("\n") + "\n";
}

// modules.alias, so the kernel's own requests (crypto-crc32c...) find the carried modules.
export function modulesAlias(mods) {
  return mods.flatMap((m) => m.aliases.map((a) => `alias ${a} ${m.name}`)).join("\n") + "\n";
}
