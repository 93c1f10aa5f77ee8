// The initramfs: busybox, the kernel modules for IDE, CD-ROM and the file systems, and a
// shell script /init that prepares the system and hands over to busybox init, which keeps a
// root shell running on the serial port and on the VGA console.
import { gzipSync, constants } from "node:zlib";
import { Cpio } from "./cpio.mjs";
import { resolveModules, modulesDep, modulesAlias } from "./modules.mjs";

export const BANNER = "tab86 Linux ready";

// PID 1. busybox's shell runs its applets without links, so the commands work before
// `busybox --install` has made them.
const INIT = `#!/bin/sh
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
hostname -F /etc/hostname
# The modules of /etc/modules, with their dependencies from modules.dep.
for m in $(cat /etc/modules); do
  modprobe "$m" || echo "init: modprobe $m failed"
done
# From here on only errors reach the consoles, so kernel messages do not land in the
# middle of a prompt (dmesg still has everything).
dmesg -n 4
# The sandbox's disks, when the command line asks for them.
grep -qw tab86.sandbox /proc/cmdline && /sbin/tab86-sandbox
# Both consoles get the banner, whichever of them is /dev/console.
for t in /dev/ttyS0 /dev/tty1; do
  echo "${BANNER} (Linux $(uname -r), $(cat /etc/modules | wc -w) modules)" 2>/dev/null >"$t"
done
exec /sbin/init
`;

// The sandbox (docs/sandbox.md): the page or `tab86 --sandbox` attaches a FAT disk labelled
// SANDBOX with the user's files and an empty one labelled EXPORT, and puts tab86.sandbox on the
// command line. The SCSI layer finds disks in the background after modprobe returns, so this
// waits for them (up to 10 s). The files are mounted read-only; the export disk is mounted
// with sync, so what the guest writes there is on the disk when the command returns and the
// page's Export sees it. The hint goes to /run/motd, which every login shell prints.
const SANDBOX = `#!/bin/sh
i=0
while [ $i -lt 50 ]; do
  src=$(findfs LABEL=SANDBOX 2>/dev/null)
  out=$(findfs LABEL=EXPORT 2>/dev/null)
  [ -n "$src" ] && [ -n "$out" ] && break
  usleep 200000
  i=$((i + 1))
done
mkdir -p /mnt/sandbox /mnt/export
{
  if [ -n "$src" ] && mount -t vfat -o ro,iocharset=utf8 "$src" /mnt/sandbox; then
    echo "Sandbox: the files are in /mnt/sandbox (read-only, $src)."
  else
    echo "Sandbox: no disk labelled SANDBOX was found."
  fi
  if [ -n "$out" ] && mount -t vfat -o rw,sync,iocharset=utf8 "$out" /mnt/export; then
    echo "Copy what you want to take out to /mnt/export: the page's Export downloads it."
  else
    echo "Sandbox: no disk labelled EXPORT was found."
  fi
  echo "No network. Tools: file, strings, hexdump -C, xxd, unzip, sha256sum, vi, less."
} >/run/motd
`;

// busybox init: a root shell on each console, started again when it exits. The "-" makes
// it a login shell, which reads /etc/profile (the prompt).
const INITTAB = `ttyS0::respawn:-/bin/sh
tty1::respawn:-/bin/sh
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/umount -a -r
`;

// The prompt ends in "# ", which is what tests wait for.
const PROFILE = `export PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PS1='# '
export HOME=/root
cd /root
[ -r /run/motd ] && cat /run/motd
`;

// Builds the gzip-compressed initramfs. kernel and busybox are the packages' files (readDeb).
// Returns { data, modules } where modules lists the carried modules in load order.
export function buildInitramfs({ kernel, busybox, kver, mtime }) {
  const cpio = new Cpio(mtime);
  for (const d of ["bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "mnt", "root", "run", "var/log"]) cpio.dir(d, d === "tmp" ? 0o1777 : 0o755);
  // The kernel opens /dev/console before /init runs, so the node must exist in the archive.
  cpio.chardev("dev/console", 5, 1);
  cpio.chardev("dev/null", 1, 3, 0o666);
  cpio.file("bin/busybox", busybox.get("bin/busybox").data, 0o755);
  cpio.symlink("bin/sh", "busybox");
  cpio.symlink("sbin/init", "../bin/busybox");
  cpio.file("init", INIT, 0o755);
  cpio.file("sbin/tab86-sandbox", SANDBOX, 0o755);
  cpio.file("etc/inittab", INITTAB);
  cpio.file("etc/profile", PROFILE);
  cpio.file("etc/hostname", "tab86\n");
  cpio.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  cpio.file("etc/group", "root:x:0:\n");
  cpio.file("etc/shadow", "root::0:0:99999:7:::\n", 0o600);
  cpio.file("etc/fstab", "proc /proc proc defaults 0 0\n");

  const mods = resolveModules(kernel, kver);
  const root = `lib/modules/${kver}`;
  for (const m of mods) cpio.file(`${root}/${m.path}`, m.data);
  cpio.file(`${root}/modules.dep`, modulesDep(mods));
  cpio.file(`${root}/modules.alias`, modulesAlias(mods));
  // So that modprobe knows which drivers are built in and need no loading.
  const builtin = kernel.get(`${root}/modules.builtin`);
  if (builtin) cpio.file(`${root}/modules.builtin`, builtin.data);
  cpio.file("etc/modules", mods.map((m) => m.name).join("\n") + "\n");

  const data = gzipSync(cpio.finish(), { level: constants.Z_BEST_COMPRESSION });
  return { data, modules: mods.map((m) => m.name) };
}
