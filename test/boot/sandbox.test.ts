// The sandbox (docs/sandbox.md) with the Linux of `npm run images`, through the Node API as
// `tab86 --sandbox` builds it: files go in on a FAT disk the guest mounts read-only, their
// SHA-256 inside the guest equals the host's, the inspection tools run, there is no network
// device, and what the guest writes to the export disk comes back out (read with our FAT
// reader and with mtools). One Linux boot; FreeDOS reads the same kind of disk as C:.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMachine, ExpectError, Tab86Machine } from "../../host/api.js";
import { readExport, EXPORT_SIZE } from "../../host/sandbox.js";
import { PARTITION_START } from "../../host/fatimage.js";
import { sandboxDisk } from "../../host/sandbox.js";
import { Mtools, mimage } from "../host/mtools.js";
import { ROOT } from "../helpers.js";

const IMAGES = join(ROOT, "images");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const ESC = /\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])/g;

const tmp = mkdtempSync(join(tmpdir(), "tab86-sandbox-"));
// a long name with spaces and non-ASCII characters, a binary payload, a gzip file, a folder
const NAME = "Invoice 2024 – übersicht (final).pdf.exe";
const payload = randomBytes(300_000);
const gz = gzipSync(Buffer.from("compressed text\n".repeat(100)));
const nested = randomBytes(5000);

describe("the sandbox on Linux", () => {
  let m: Tab86Machine;
  let serial = "";
  beforeAll(async () => {
    for (const f of ["linux/vmlinuz", "linux/initrd.img", "linux/tools.img"]) {
      if (!existsSync(join(IMAGES, f))) throw new Error(`images/${f} is missing: run npm run images`);
    }
    writeFileSync(join(tmp, NAME), payload);
    writeFileSync(join(tmp, "notes.txt.gz"), gz);
    mkdirSync(join(tmp, "folder"));
    writeFileSync(join(tmp, "folder", "inner.bin"), nested);
    const manifest = JSON.parse(readFileSync(join(IMAGES, "manifest.json"), "utf8"));
    m = await createMachine({
      kernel: join(IMAGES, "linux/vmlinuz"), initrd: [join(IMAGES, "linux/initrd.img"), join(IMAGES, "linux/tools.img")],
      append: manifest.kernel.cmdline, sandbox: [join(tmp, NAME), join(tmp, "notes.txt.gz"), join(tmp, "folder")],
      deterministic: true, expectTimeout: 600, typeTo: "serial",
    });
    const utf8 = new TextDecoder(); // a character may be split between chunks
    m.serial.on("data", (b: Buffer) => { serial += utf8.decode(b, { stream: true }); });
  }, 60_000);
  afterAll(() => m?.stop());

  // type a command on the serial console, return its output: the lines between two markers
  // the command prints (its echo, which busybox may wrap, shows the arithmetic, not the number)
  let marks = 0;
  async function sh(cmd: string, seconds = 120): Promise<string> {
    const n = ++marks;
    const from = serial.length;
    m.type(`echo BEGIN$((${n - 1}+1)); ${cmd}; echo END$((${n - 1}+1))\n`);
    try {
      await m.expect(new RegExp(`^END${n}\\r?$`, "m"), { timeout: seconds, from: "serial" });
    } catch (e) {
      if (e instanceof ExpectError) throw new Error(`${cmd}: ${e.message}\n${serial.slice(-3000)}`);
      throw e;
    }
    await new Promise((r) => setImmediate(r)); // the serial stream's last chunk
    const lines = serial.slice(from).replace(ESC, "").replace(/\r/g, "").split("\n");
    return lines.slice(lines.indexOf(`BEGIN${n}`) + 1, lines.indexOf(`END${n}`)).join("\n");
  }

  it("boots with the files at /mnt/sandbox and says so", async () => {
    await m.expect(/^# /m, { timeout: 600, from: "serial" });
    expect(serial).toMatch(/tab86 Linux ready/);
    // (sda or sdb: the kernel names the disks in the order their probes finish)
    expect(serial).toMatch(/^Sandbox: the files are in \/mnt\/sandbox \(read-only, \/dev\/sd[ab]1\)\.\r?$/m);
    expect(serial).toMatch(/Tools: file, strings/);
  }, 900_000);

  it("the guest's sha256sum of each file equals the host's", async () => {
    // (typed text is ASCII: the serial line takes latin1, so the name is matched with a glob)
    expect(await sh("sha256sum /mnt/sandbox/Invoice*")).toBe(`${sha(payload)}  /mnt/sandbox/${NAME}`);
    expect(await sh("sha256sum /mnt/sandbox/notes.txt.gz /mnt/sandbox/folder/inner.bin")).toBe(
      `${sha(gz)}  /mnt/sandbox/notes.txt.gz\n${sha(nested)}  /mnt/sandbox/folder/inner.bin`);
    // (a shell glob: busybox's ls shows bytes above 127 as "?", even into a pipe)
    expect(await sh("for f in /mnt/sandbox/*; do basename \"$f\"; done")).toBe([NAME, "folder", "notes.txt.gz"].sort((a, b) => (a < b ? -1 : 1)).join("\n"));
  }, 300_000);

  it("has the inspection tools, no network device, and a read-only sandbox disk", async () => {
    expect(await sh("file -b /mnt/sandbox/notes.txt.gz")).toMatch(/^gzip compressed data, .*original size modulo 2\^32 1600/);
    expect(await sh("file -b /bin/busybox")).toMatch(/^ELF 32-bit LSB executable, Intel 80386/);
    expect(await sh("zcat /mnt/sandbox/notes.txt.gz | head -1")).toBe("compressed text");
    expect(await sh("strings -n 8 /mnt/sandbox/notes.txt.gz | wc -l")).toMatch(/^\s*\d+$/);
    expect(await sh("printf 'AB' | xxd")).toMatch(/^00000000: 4142\s+AB$/);
    expect(await sh("printf 'AB' | hexdump -C | head -1")).toMatch(/^00000000  41 42\s+\|AB\|$/);
    for (const tool of ["unzip", "vi", "less", "md5sum", "od"]) expect(await sh(`which ${tool}`)).toMatch(new RegExp(`/${tool}$`));
    // no network device: only the loopback interface exists
    expect(await sh("ls /sys/class/net")).toBe("lo");
    expect(await sh("touch /mnt/sandbox/new 2>&1; echo rc=$?")).toMatch(/Read-only file system\nrc=1$/);
  }, 300_000);

  it("what the guest writes to /mnt/export comes out of the export disk", async () => {
    await sh("echo written in the sandbox > \"/mnt/export/Report $(printf '\\342\\200\\223') r$(printf '\\303\\251')sum$(printf '\\303\\251').txt\"");
    await sh("mkdir /mnt/export/sub && dd if=/dev/urandom of=/mnt/export/sub/random.bin bs=1k count=200 2>/dev/null");
    const guestSum = (await sh("sha256sum /mnt/export/sub/random.bin")).split(" ")[0];
    const disk = m.machine.disk(1)!;
    expect(disk.size).toBe(EXPORT_SIZE);
    const image = new Uint8Array(disk.size);
    disk.read(0, image);
    // our reader
    const files = readExport(image);
    expect(files.map((f) => f.path).sort()).toEqual(["Report – résumé.txt", "sub/random.bin"]);
    expect(new TextDecoder().decode(files.find((f) => f.path.startsWith("Report"))!.data)).toBe("written in the sandbox\n");
    expect(sha(files.find((f) => f.path === "sub/random.bin")!.data)).toBe(guestSum);
    // and mtools, which is not ours
    const p = join(tmp, "export.img");
    writeFileSync(p, image);
    const mt = new Mtools();
    const img = mimage(p, PARTITION_START * 512);
    expect(mt.run("mdir", ["-/", "-i", img, "::"]).toString("utf8")).toContain("Report – résumé.txt");
    expect(sha(mt.run("mcopy", ["-n", "-i", img, "::/sub/random.bin", "-"]))).toBe(guestSum);
  }, 300_000);
});

describe("the sandbox disk on DOS", () => {
  it("FreeDOS sees the SANDBOX disk as C: with the files' short names and contents", async () => {
    const floppy = join(ROOT, "../shared/images/freedos-boot-1440k.img");
    if (!existsSync(floppy)) throw new Error(`${floppy} is missing: the boot tests read ../shared/images/ in place`);
    const disk = sandboxDisk([
      { path: "hello.txt", data: Buffer.from("hello from the sandbox disk\r\n") },
      { path: "A long name.bin", data: randomBytes(3000) },
    ]);
    const p = join(tmp, "dos-sandbox.img");
    writeFileSync(p, disk.image);
    const dos = await createMachine({ fda: floppy, hda: p, mem: 32, deterministic: true, expectTimeout: 120 });
    try {
      await dos.expect(/A:\\>\s*$/);
      dos.type("dir c:\n");
      await dos.expect(/bytes free/);
      const screen = dos.screenText();
      expect(screen).toMatch(/Volume in drive C is SANDBOX/i);
      expect(screen).toMatch(/HELLO\s+TXT\s+29/);
      expect(screen).toMatch(/ALONGN~1\s+BIN\s+3,?000/);
      dos.type("type c:\\hello.txt\n");
      await dos.expect(/hello from the sandbox disk/);
    } finally {
      dos.stop();
    }
  }, 300_000);
});
