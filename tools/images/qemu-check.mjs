// Boots the built images on QEMU (which CI does not have, so this is not part of npm test)
// and drives the serial console like a person would: wait for the prompt, type a command,
// compare what it prints with images/manifest.json. Run through tools/images/qemu-check.sh.
//   node tools/images/qemu-check.mjs [kernel|hd|cd ...] [--verbose]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const images = join(root, "images");
const manifest = JSON.parse(readFileSync(join(images, "manifest.json"), "utf8"));
const verbose = process.argv.includes("--verbose");
const PROMPT = /# $/;

// One QEMU run with its serial port on our stdin/stdout. The CPU is a Pentium II without MMX,
// the closest QEMU model to tab86's (a Pentium Pro: i686, no MMX or SSE).
class Guest {
  constructor(args) {
    this.out = "";
    this.proc = spawn("qemu-system-i386", ["-m", "256", "-cpu", "pentium2,-mmx", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot", ...args], { stdio: ["pipe", "pipe", "inherit"] });
    this.proc.stdout.on("data", (d) => {
      this.out += d.toString("latin1");
      if (verbose) process.stderr.write(d);
    });
    this.exited = new Promise((r) => this.proc.on("exit", r));
  }

  // Waits until the output after the mark matches re; returns that output.
  async expect(re, seconds = 60) {
    const end = Date.now() + seconds * 1000;
    for (;;) {
      // busybox's line editor follows every prompt with ESC [6n (where is the cursor?),
      // which no one answers on a serial line; terminal sequences are dropped before matching.
      const text = this.out.slice(this.mark ?? 0).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
      if (re.test(text)) return text;
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; last output:\n${text.slice(-600)}`);
      if (this.proc.exitCode !== null) throw new Error(`QEMU exited (${this.proc.exitCode}) before ${re}; last output:\n${text.slice(-600)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // Types a command (under 80 characters), waits for the next prompt, returns what the
  // command printed.
  async run(cmd, seconds = 60) {
    this.mark = this.out.length;
    this.proc.stdin.write(cmd + "\n");
    const text = await this.expect(new RegExp(`${escape(cmd)}\\n[^]*${PROMPT.source}`), seconds);
    return text.slice(text.indexOf(cmd + "\n") + cmd.length + 1).replace(PROMPT, "");
  }

  async stop() {
    this.proc.stdin.write("poweroff -f\n");
    const t = setTimeout(() => this.proc.kill(), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
let failures = 0;
function check(what, ok, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${ok || !detail ? "" : `\n     ${detail.trim().replace(/\n/g, "\n     ")}`}`);
  if (!ok) failures++;
}

// What every boot must show: banner, prompt, the modules, a working shell.
async function common(g, name) {
  const t0 = Date.now();
  const boot = await g.expect(new RegExp(`${manifest.banner}[^]*${PROMPT.source}`), 180);
  check(`${name}: banner and prompt after ${((Date.now() - t0) / 1000).toFixed(1)} s`, true);
  check(`${name}: no modprobe failure`, !/modprobe \S+ failed/.test(boot), boot.match(/.*modprobe.*failed.*/g)?.join("\n"));
  const lsmod = await g.run("lsmod");
  const missing = manifest.modules.filter((m) => !new RegExp(`^${m}\\s`, "m").test(lsmod));
  check(`${name}: lsmod lists the ${manifest.modules.length} modules`, missing.length === 0, `missing: ${missing.join(" ")}`);
  const dmesg = await g.run("dmesg | grep -c ata_piix");
  check(`${name}: dmesg mentions ata_piix`, parseInt(dmesg, 10) > 0, dmesg);
  const jobs = await g.run("sleep 30 & jobs");
  check(`${name}: job control`, /\[1\]\+?\s+Running/.test(jobs), jobs);
  const uname = await g.run("uname -r");
  check(`${name}: uname -r is ${manifest.kernel.release}`, uname.trim() === manifest.kernel.release, uname);
  const ttys = await g.run("ls -l /proc/[0-9]*/fd/0 | grep -o '/dev/tty[S0-9]*' | sort -u");
  check(`${name}: shells on ttyS0 and tty1`, /\/dev\/ttyS0/.test(ttys) && /\/dev\/tty1/.test(ttys), ttys);
  return boot;
}

// The test files of a file system mounted at dir, against the manifest.
async function files(g, name, dir, list) {
  for (const f of list) {
    const sum = await g.run(`md5sum ${dir}/${f.guestPath}`);
    check(`${name}: ${f.guestPath} md5 ${f.md5}`, sum.startsWith(f.md5), sum);
  }
}

async function kernel() {
  const g = new Guest(["-kernel", join(images, "linux/vmlinuz"), "-initrd", join(images, "linux/initrd.img"), "-append", "console=ttyS0", "-drive", `file=${join(images, "linux-hd.img")},format=raw,if=ide,snapshot=on`]);
  try {
    await common(g, "kernel");
    const mount = await g.run("mount -t ext4 /dev/sda2 /mnt && ls /mnt");
    check("kernel: mount /dev/sda2", /hello\.txt/.test(mount), mount);
  } finally {
    await g.stop();
  }
}

async function hd() {
  const g = new Guest(["-drive", `file=${join(images, "linux-hd.img")},format=raw,if=ide,snapshot=on`, "-boot", "c"]);
  try {
    const boot = await common(g, "hd");
    check("hd: SYSLINUX talks on the serial port", /SYSLINUX \d/.test(boot), boot.slice(0, 300));
    // Before any mount: a read-write mount changes the superblocks.
    const disk = await g.run("md5sum /dev/sda", 120);
    check(`hd: md5sum /dev/sda is ${manifest.outputs["linux-hd.img"].md5}`, disk.startsWith(manifest.outputs["linux-hd.img"].md5), disk);
    const ls = await g.run("mount /dev/sda2 /mnt && ls /mnt");
    check("hd: mount /dev/sda2 shows the test files", manifest.hd.files.every((f) => ls.includes(f.guestPath.split("/")[0])), ls);
    await files(g, "hd", "/mnt", manifest.hd.files);
    const hello = await g.run("cat /mnt/hello.txt");
    check("hd: cat /mnt/hello.txt", hello === manifest.hd.files.find((f) => f.guestPath === "hello.txt").text, hello);
    // Commands stay short: the line editor wraps what it echoes at 80 columns.
    const p1 = await g.run("mkdir -p /boot && mount /dev/sda1 /boot && ls /boot");
    check("hd: the FAT partition holds the kernel", /vmlinuz/.test(p1), p1);
  } finally {
    await g.stop();
  }
}

async function cd() {
  const g = new Guest(["-cdrom", join(images, "linux.iso"), "-boot", "d"]);
  try {
    const boot = await common(g, "cd");
    check("cd: ISOLINUX talks on the serial port", /ISOLINUX \d/.test(boot), boot.slice(0, 300));
    const ls = await g.run("mount -t iso9660 /dev/sr0 /mnt && ls /mnt /mnt/tests");
    check("cd: mount /dev/sr0 shows the test files", /hello\.txt/.test(ls), ls);
    await files(g, "cd", "/mnt", manifest.iso.files);
    const iso = await g.run("md5sum /dev/sr0", 120);
    check(`cd: md5sum /dev/sr0 is ${manifest.outputs["linux.iso"].md5}`, iso.startsWith(manifest.outputs["linux.iso"].md5), iso);
  } finally {
    await g.stop();
  }
}

const all = { kernel, hd, cd };
const chosen = process.argv.slice(2).filter((a) => !a.startsWith("--"));
for (const name of chosen.length ? chosen : Object.keys(all)) {
  try {
    await all[name]();
  } catch (e) {
    check(`${name}: ${e.message}`, false);
  }
}
console.log(failures ? `${failures} check(s) failed` : "all checks passed");
process.exit(failures ? 1 : 0);
