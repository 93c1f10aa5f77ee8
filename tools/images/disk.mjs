// The hard-disk image: syslinux's MBR, partition 1 FAT16 with syslinux, the kernel and the
// initramfs, partition 2 ext2 with the test files. The FAT side uses Debian's own tools
// (mtools' mformat/mcopy and syslinux's installer, which writes ldlinux.sys through mtools)
// on the partition as a separate file, so nothing is mounted and no root is needed.
import { spawnSync } from "node:child_process";
import { writeFileSync, readFileSync, rmSync, mkdirSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { buildExt2 } from "./ext2.mjs";
import { u32, BuildError } from "./util.mjs";

const MiB = 1024 * 1024;
export const HD = { size: 64 * MiB, p1Start: 2048, p1Sectors: 32 * 2048 }; // partition 2: the rest
// 16 heads and 63 sectors per track: what BIOSes report for a disk this small without
// translation, so the CHS fields agree with what the boot code may use.
const HEADS = 16, SPT = 63;

// tools: folder with the unpacked mtools and syslinux packages; files: [{ name, data }] for
// the FAT root; tests: the ext2 files; mbr: syslinux's mbr.bin; epoch: file times.
export function buildHardDisk({ tools, work, files, tests, mbr, epoch }) {
  const sectors = HD.size / 512;
  const p2Start = HD.p1Start + HD.p1Sectors, p2Sectors = sectors - p2Start;

  const p1 = join(work, "p1.img");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(p1, Buffer.alloc(HD.p1Sectors * 512));
  // an empty configuration of our own: /dev/null is not always the device in a container
  writeFileSync(join(work, "mtoolsrc"), "");
  const env = {
    ...process.env,
    PATH: `${join(tools, "usr/bin")}:${process.env.PATH}`,
    MTOOLS_SKIP_CHECK: "1", // the partition is not a whole number of "cylinders"
    MTOOLSRC: join(work, "mtoolsrc"), // ignore a user's or the host's mtools configuration
    SOURCE_DATE_EPOCH: String(epoch), // mtools stamps files with this, so builds repeat
  };
  const run = (cmd, args) => {
    const r = spawnSync(join(tools, "usr/bin", cmd), args, { env, timeout: 60_000, encoding: "utf8" });
    if (r.status !== 0) throw new BuildError(`${cmd} ${args.join(" ")} failed: ${r.error?.message || r.stderr.trim()}`);
  };
  // -H: the sectors before the partition, which the boot sector adds to its own LBAs.
  run("mformat", ["-i", p1, "-T", String(HD.p1Sectors), "-h", String(HEADS), "-s", String(SPT), "-H", String(HD.p1Start), "-v", "TAB86", "-N", "7AB86001", "::"]);
  for (const f of files) {
    const src = join(work, f.name);
    writeFileSync(src, f.data);
    utimesSync(src, epoch, epoch);
    run("mcopy", ["-i", p1, "-m", src, `::/${f.name}`]);
  }
  run("syslinux", ["--install", p1]);

  const disk = Buffer.alloc(HD.size);
  mbr.copy(disk, 0, 0, 440);
  u32(disk, 440, 0x7ab86001); // disk signature
  partition(disk, 0, { boot: true, type: 0x06, start: HD.p1Start, count: HD.p1Sectors }); // FAT16
  partition(disk, 1, { boot: false, type: 0x83, start: p2Start, count: p2Sectors }); // Linux
  disk[510] = 0x55;
  disk[511] = 0xaa;
  readFileSync(p1).copy(disk, HD.p1Start * 512);
  buildExt2(tests, { size: p2Sectors * 512, label: "tab86-tests", mtime: epoch }).copy(disk, p2Start * 512);
  rmSync(work, { recursive: true, force: true });
  return { data: disk, partitions: [{ start: HD.p1Start, sectors: HD.p1Sectors, type: "fat16" }, { start: p2Start, sectors: p2Sectors, type: "ext2" }] };
}

function partition(disk, i, { boot, type, start, count }) {
  const e = 446 + 16 * i;
  disk[e] = boot ? 0x80 : 0;
  chs(start).copy(disk, e + 1);
  disk[e + 4] = type;
  chs(start + count - 1).copy(disk, e + 5);
  u32(disk, e + 8, start);
  u32(disk, e + 12, count);
}

// The CHS form of an LBA (cylinder capped at 1023, as usual for LBAs beyond it).
function chs(lba) {
  let c = Math.floor(lba / (HEADS * SPT));
  const h = Math.floor(lba / SPT) % HEADS, s = (lba % SPT) + 1;
  if (c > 1023) c = 1023;
  return Buffer.from([h, s | ((c >> 2) & 0xc0), c & 0xff]);
}
