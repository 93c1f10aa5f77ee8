// Debian packages through the host's own apt-get, with private state: package lists and cache
// live under images/.apt, so the host's apt configuration and lists are never touched and no
// root is needed. Two architectures are listed: i386 for the guest, the host's own for the few
// tools the builder runs (mtools, syslinux's installer).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BuildError } from "./util.mjs";

export class Apt {
  constructor(dir) {
    this.dir = dir;
    this.lists = join(dir, "lists");
    this.debs = join(dir, "debs");
    for (const d of [join(this.lists, "partial"), join(dir, "cache", "archives", "partial"), this.debs]) mkdirSync(d, { recursive: true });
    this.native = hostArch();
    // An empty status file of our own rather than /dev/null, which is not always the device
    // (seen in containers: a regular file that other programs' output had landed in).
    const status = join(dir, "status");
    writeFileSync(status, "");
    this.opts = [
      `-oAPT::Architecture=${this.native}`,
      `-oAPT::Architectures=${this.native},i386`,
      `-oDir::State::Lists=${this.lists}`,
      `-oDir::Cache=${join(dir, "cache")}`,
      // The host's installed packages are irrelevant to downloading, and reading them could fail.
      `-oDir::State::status=${status}`,
      "-qq",
    ];
    // As root apt hands downloads to the _apt user, which cannot write into a private folder.
    if (process.getuid?.() === 0) this.opts.push("-oAPT::Sandbox::User=root");
  }

  // Fetches the package lists. The i386 index of bookworm-security often fails with a size
  // mismatch; bookworm main has every package needed, so failures are tolerated as long as
  // a list for i386 arrived.
  update() {
    const r = spawnSync("apt-get", [...this.opts, "update"], { encoding: "utf8", timeout: 300_000 });
    if (r.error) throw new BuildError(`apt-get update could not run: ${r.error.message}`);
    const failed = (r.stderr || "").split("\n").filter((l) => /^(E|Err):/.test(l.trim()));
    const haveI386 = readdirSync(this.lists).some((f) => /binary-i386_Packages/.test(f));
    if (!haveI386) {
      throw new BuildError(
        "could not fetch Debian's i386 package lists: no network to the Debian archive, or the host's apt sources lack Debian bookworm main. apt-get said:\n" +
          (failed.join("\n") || r.stderr.trim()),
      );
    }
    for (const l of failed) if (!/^E: Some index files failed/.test(l)) console.error(`tab86 images: ignored: ${l.trim().slice(0, 160)}`);
  }

  // Candidate versions of packages [{ name, arch }] ("all" for architecture-independent
  // ones), in one apt-cache call (each call reads all the lists). Missing ones get null.
  candidates(pkgs) {
    const spec = (p) => (p.arch === "all" ? p.name : `${p.name}:${p.arch}`);
    const r = spawnSync("apt-cache", [...this.opts, "show", "--no-all-versions", ...pkgs.map(spec)], { encoding: "utf8", timeout: 120_000, maxBuffer: 1 << 26 });
    const found = new Map();
    for (const stanza of (r.stdout || "").split(/\n\n+/)) {
      const f = (k) => new RegExp(`^${k}: (.+)$`, "m").exec(stanza)?.[1];
      if (f("Package")) found.set(`${f("Package")}:${f("Architecture")}`, f("Version"));
    }
    return pkgs.map((p) => found.get(`${p.name}:${p.arch}`) ?? null);
  }

  // Names of all listed packages starting with prefix.
  names(prefix) {
    const out = execFileSync("apt-cache", [...this.opts, "pkgnames", prefix], { encoding: "utf8", timeout: 60_000 });
    return out.split("\n").filter(Boolean);
  }

  // Where the .deb of { name, arch, version } is kept (images/.apt/debs).
  debPath(p) {
    return join(this.debs, `${p.name}_${p.version.replace(/:/g, "%3a")}_${p.arch}.deb`);
  }

  // Downloads the packages [{ name, arch, version }] that are not kept yet, in one call.
  download(pkgs) {
    const missing = pkgs.filter((p) => !existsSync(this.debPath(p)));
    if (!missing.length) return;
    const specs = missing.map((p) => `${p.name}${p.arch === "all" ? "" : `:${p.arch}`}=${p.version}`);
    const r = spawnSync("apt-get", [...this.opts, "download", ...specs], { cwd: this.debs, encoding: "utf8", timeout: 600_000 });
    if (r.status !== 0 || missing.some((p) => !existsSync(this.debPath(p)))) {
      throw new BuildError(`apt-get download ${specs.join(" ")} failed (no network, or a version left the archive: --force reads the lists again)\n${(r.stderr || "").trim()}`);
    }
  }
}

export function hostArch() {
  return execFileSync("dpkg", ["--print-architecture"], { encoding: "utf8" }).trim();
}

// Checks the host commands the builder relies on, with a message that says how to get them.
export function checkHost() {
  for (const cmd of ["apt-get", "apt-cache", "dpkg-deb", "dpkg"]) {
    const r = spawnSync(cmd, ["--version"], { encoding: "utf8" });
    if (r.error) {
      throw new BuildError(
        `${cmd} not found: the Linux guest images are built from Debian's i386 packages with apt-get and dpkg-deb, so they need a Debian (or Debian-based) host. Build them there and copy images/ here.`,
      );
    }
  }
}
