// `npm run images`: builds the Linux guest images into images/ from Debian's i386 packages.
//   images/linux/vmlinuz, images/linux/initrd.img   kernel + initramfs (busybox, modules, /init)
//   images/linux/tools.img  a second initramfs archive with the sandbox's tools (file + libmagic)
//   images/linux-hd.img   MBR disk: FAT16 with syslinux + the same system, ext2 with test files
//   images/linux.iso      El Torito CD (isolinux) with the same system and the test files
//   images/manifest.json  package versions, modules, sizes and checksums, test file contents
// Reuses what it built: with a manifest from the same builder and every output present it
// returns at once, offline. --force fetches the package lists again and rebuilds.
// docs/images.md says more.
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync, readdirSync, statSync, renameSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { Apt, checkHost, hostArch } from "./apt.mjs";
import { readDeb, unpack } from "./deb.mjs";
import { buildInitramfs, BANNER } from "./initramfs.mjs";
import { buildHardDisk, HD } from "./disk.mjs";
import { buildIso } from "./iso9660.mjs";
import { buildTools, TOOL_PACKAGES } from "./tools.mjs";
import { testFiles, describe } from "./fixtures.mjs";
import { BuildError, log, md5, sha256 } from "./util.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
export const IMAGES = join(root, "images");
const OUTPUTS = ["linux/vmlinuz", "linux/initrd.img", "linux/tools.img", "linux-hd.img", "linux.iso"];
// cryptomgr.notests: the kernel's boot-time self-tests of its crypto algorithms (RSA, ECDSA,
// ECRDSA... test vectors) are about 3 billion instructions, 40% of this kernel's boot on an
// emulator; the algorithms work the same without them (docs/images.md).
export const CMDLINE = "console=tty0 console=ttyS0,115200 cryptomgr.notests";
const KERNEL = /^linux-image-(\d+)\.(\d+)\.(\d+)-(\d+)-686-unsigned$/;

// The packages, by role. The kernel's name carries its ABI number, so it is looked up.
function packageSpecs(native) {
  return [
    { role: "kernel", name: null, arch: "i386" },
    { role: "busybox", name: "busybox-static", arch: "i386" },
    { role: "syslinux-common", name: "syslinux-common", arch: "all" },
    { role: "isolinux", name: "isolinux", arch: "all" },
    // Run on the host while building: the syslinux installer and the mtools it calls.
    { role: "syslinux", name: "syslinux", arch: native },
    { role: "mtools", name: "mtools", arch: native },
    // The sandbox's file(1) with its libraries and magic database (tools.mjs).
    ...TOOL_PACKAGES.map((name) => ({ role: `tool:${name}`, name, arch: "i386" })),
  ];
}

// The syslinux/isolinux configuration: talk on COM1 too, boot the default after 1 s.
const BOOT_CFG = `SERIAL 0 115200
PROMPT 1
TIMEOUT 10
DEFAULT linux
LABEL linux
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND ${CMDLINE}
`;

// A hash of the builder's own sources: a changed builder means stale images.
function builderHash() {
  const h = createHash("sha256");
  for (const f of readdirSync(here).filter((f) => f.endsWith(".mjs") && !f.startsWith("qemu-check")).sort()) h.update(f).update(readFileSync(join(here, f)));
  return h.digest("hex").slice(0, 16);
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(join(IMAGES, "manifest.json"), "utf8"));
  } catch {
    return null;
  }
}

// True when images/ holds what this builder would make from the manifest's packages.
function upToDate(m) {
  return m && m.builder === builderHash() && OUTPUTS.every((o) => existsSync(join(IMAGES, o)) && statSync(join(IMAGES, o)).size === m.outputs?.[o]?.size);
}

// Builds the images unless they are up to date; returns the manifest.
export function ensureImages({ force = false } = {}) {
  const old = readManifest();
  if (!force && upToDate(old)) return old;
  return build({ force, old });
}

function build({ force, old }) {
  const t0 = Date.now();
  checkHost();
  rmSync(join(IMAGES, "manifest.json"), { force: true });
  const pkgs = fetchPackages(new Apt(join(IMAGES, ".apt")), force ? null : old);
  log(`packages: ${pkgs.map((p) => `${p.name} ${p.version}`).join(", ")}`);
  const work = join(IMAGES, `.work-${process.pid}`); // two builds at once do not collide
  try {
    return buildFrom(pkgs, work, t0);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Downloads the packages (or finds them in images/.apt/debs) and returns them with their
// versions: the old manifest's when there is one (only the builder changed: offline if the
// .debs are cached), else the newest in freshly fetched lists.
function fetchPackages(apt, old) {
  const sameHost = old?.packages && Object.values(old.packages).some((p) => p.role === "syslinux" && p.arch === apt.native);
  if (sameHost) {
    const pinned = Object.entries(old.packages).map(([name, p]) => ({ ...p, name }));
    const pkgs = packageSpecs(apt.native).map((s) => pinned.find((p) => p.role === s.role));
    if (pkgs.every(Boolean)) {
      if (pkgs.some((p) => !existsSync(apt.debPath(p)))) fetchLists(apt); // apt must know where they are
      apt.download(pkgs);
      return pkgs.map((p) => ({ ...p, deb: apt.debPath(p) }));
    }
  }
  fetchLists(apt);
  const pkgs = packageSpecs(apt.native).map((s) => ({ ...s, name: s.role === "kernel" ? newestKernel(apt) : s.name }));
  apt.candidates(pkgs).forEach((version, i) => {
    const p = pkgs[i];
    if (!version) throw new BuildError(`package ${p.name} (${p.arch}) is not in the package lists: the host's apt sources must include Debian bookworm main`);
    p.version = version;
  });
  apt.download(pkgs);
  return pkgs.map((p) => ({ ...p, deb: apt.debPath(p) }));
}

function fetchLists(apt) {
  log(`fetching Debian's package lists (i386 and ${apt.native})`);
  apt.update();
}

// Unpacks the packages into work and writes the images and the manifest.
function buildFrom(pkgs, work, t0) {
  const deb = {};
  for (const p of ["kernel", "busybox", "syslinux-common", "isolinux"]) deb[p] = readDeb(pkgs.find((x) => x.role === p).deb);
  const file = (role, path) => {
    const f = deb[role].get(path);
    if (!f?.data) throw new BuildError(`${path} is not in the ${role} package: has its layout changed?`);
    return f;
  };
  // mtools and the syslinux installer run from one tree.
  const tools = join(work, "tools");
  for (const r of ["syslinux", "mtools"]) unpack(pkgs.find((p) => p.role === r).deb, tools, { merge: true });

  const kimage = [...deb.kernel.keys()].find((p) => /^boot\/vmlinuz-/.test(p));
  if (!kimage) throw new BuildError("the kernel package has no boot/vmlinuz-*");
  const kver = kimage.slice("boot/vmlinuz-".length);
  const vmlinuz = file("kernel", kimage).data;
  // File times inside the images: the kernel's build date, so that rebuilds repeat.
  const epoch = file("kernel", kimage).mtime;
  log(`initramfs for Linux ${kver}`);
  const initrd = buildInitramfs({ kernel: deb.kernel, busybox: deb.busybox, kver, mtime: epoch });

  log("sandbox tools");
  const toolFiles = new Map();
  for (const p of pkgs.filter((x) => x.role.startsWith("tool:"))) for (const [path, f] of readDeb(p.deb)) toolFiles.set(path, f);
  const inspect = buildTools(toolFiles, epoch);

  const tests = testFiles();
  log("hard disk image");
  const hd = buildHardDisk({
    tools,
    work: join(work, "hd"),
    mbr: file("syslinux-common", "usr/lib/syslinux/mbr/mbr.bin").data,
    files: [
      { name: "vmlinuz", data: vmlinuz },
      { name: "initrd.img", data: initrd.data },
      { name: "syslinux.cfg", data: Buffer.from(BOOT_CFG) },
    ],
    tests,
    epoch,
  });

  log("CD image");
  const iso = buildIso(
    [
      { path: "ISOLINUX/ISOLINUX.BIN", data: file("isolinux", "usr/lib/ISOLINUX/isolinux.bin").data },
      { path: "ISOLINUX/LDLINUX.C32", data: file("syslinux-common", "usr/lib/syslinux/modules/bios/ldlinux.c32").data },
      { path: "ISOLINUX/ISOLINUX.CFG", data: Buffer.from(BOOT_CFG) },
      { path: "VMLINUZ", data: vmlinuz },
      { path: "INITRD.IMG", data: initrd.data },
      ...tests.map((f) => ({ path: `TESTS/${f.path.toUpperCase()}`, data: f.data })),
    ],
    { volume: "TAB86_LINUX", boot: "ISOLINUX/ISOLINUX.BIN", date: new Date(epoch * 1000) },
  );

  const outputs = {};
  const put = (name, data) => {
    const file = join(IMAGES, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}`, data); // then renamed: no half-written image
    renameSync(`${file}.${process.pid}`, file);
    outputs[name] = { size: data.length, md5: md5(data), sha256: sha256(data) };
  };
  put("linux/vmlinuz", vmlinuz);
  put("linux/initrd.img", initrd.data);
  put("linux/tools.img", inspect.data);
  put("linux-hd.img", hd.data);
  put("linux.iso", iso);
  writeFileSync(join(IMAGES, "linux", "config"), file("kernel", `boot/config-${kver}`).data);

  const manifest = {
    builder: builderHash(),
    built: new Date().toISOString(),
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    host: hostArch(),
    packages: Object.fromEntries(pkgs.map((p) => [p.name, { role: p.role, version: p.version, arch: p.arch, sha256: sha256(readFileSync(p.deb)) }])),
    kernel: { release: kver, cmdline: CMDLINE },
    banner: BANNER,
    prompt: "# ",
    modules: initrd.modules,
    tools: { programs: ["file", "strings", "hexdump", "xxd", "od", "unzip", "sha256sum", "md5sum", "less", "vi"], files: inspect.files },
    outputs,
    hd: { size: HD.size, partitions: hd.partitions, files: describe(tests) },
    iso: { files: describe(tests, "tests/") },
  };
  writeFileSync(join(IMAGES, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  log(`done in ${manifest.seconds} s: ${OUTPUTS.map((o) => `${o} ${(outputs[o].size / 1048576).toFixed(1)} MiB`).join(", ")}`);
  return manifest;
}

// The newest linux-image-X.Y.Z-N-686-unsigned in the lists (highest version, then ABI N).
function newestKernel(apt) {
  const found = apt.names("linux-image-").map((n) => [n, KERNEL.exec(n)]).filter(([, m]) => m);
  if (!found.length) throw new BuildError("no linux-image-*-686-unsigned package in the i386 lists: the host's apt sources must include Debian bookworm main");
  const key = (m) => m.slice(1, 5).map((x) => x.padStart(6, "0")).join(".");
  found.sort((a, b) => (key(a[1]) < key(b[1]) ? 1 : -1));
  return found[0][0];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.some((a) => a !== "--force")) {
    console.error("usage: npm run images [-- --force]\n  builds images/ (docs/images.md); --force fetches the package lists again and rebuilds");
    process.exit(args.includes("--help") ? 0 : 2);
  }
  try {
    const force = args.includes("--force");
    const before = readManifest();
    const m = ensureImages({ force });
    if (m.built === before?.built) log(`up to date (Linux ${m.kernel.release}; --force rebuilds)`);
  } catch (e) {
    if (e instanceof BuildError) {
      log(`failed: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}
