// Boot tests with the Linux that `npm run images` builds from Debian's i386 packages (the
// `pretest` step builds it when missing): a direct kernel boot, a hard-disk boot through
// syslinux and a CD boot through isolinux (El Torito), each to a shell on the serial console,
// then commands whose output is checked against what the image builder put in the images
// (images/manifest.json) and what the host computes from the files.
import { describe, it, expect, beforeAll } from "vitest";
import { join } from "node:path";
import { readImage, FileDisk } from "../../host/node.js";
import { Overlay } from "../../host/blockdev.js";
import { loadKernel } from "../../host/kernel.js";
import * as S from "../../core-as/state.js";
import { IMAGES, PROMPT, Manifest, Shell, loadManifest, linuxMachine as machine, md5File as md5 } from "./linux-shell.js";

let manifest: Manifest;

beforeAll(() => {
  manifest = loadManifest();
});

describe("Linux from npm run images", () => {
  it("boots with --kernel/--initrd to a shell and uses the IDE disk and CD", async () => {
    const m = await machine();
    const hdPath = join(IMAGES, "linux-hd.img"), isoPath = join(IMAGES, "linux.iso");
    const hdBefore = md5(hdPath);
    m.attachDisk(0, "hd", new Overlay(new FileDisk(hdPath, "--hda")), "--hda");
    m.attachDisk(2, "cd", new FileDisk(isoPath, "--cdrom"), "--cdrom");
    loadKernel(m, {
      kernel: readImage(join(IMAGES, "linux/vmlinuz"), "--kernel"), name: "vmlinuz",
      initrd: [{ name: "initrd.img", data: readImage(join(IMAGES, "linux/initrd.img"), "--initrd") }],
      append: "console=ttyS0,115200 cryptomgr.notests",
    });
    const sh = new Shell(m);
    const boot = await sh.waitFor(PROMPT, 600);
    expect(boot).toContain(manifest.banner);

    // the CPU as Linux sees it: CPUID vendor and family 6 model 1, which Linux's own model
    // table (arch/x86/kernel/cpu/intel.c) names "Pentium Pro"
    const cpuinfo = await sh.run("cat /proc/cpuinfo");
    expect(cpuinfo).toMatch(/^vendor_id\s*: GenuineIntel$/m);
    expect(cpuinfo).toMatch(/^cpu family\s*: 6$/m);
    expect(cpuinfo).toMatch(/^model name\s*: Pentium Pro$/m);
    expect(cpuinfo).toMatch(/^fpu\s*: yes$/m);

    // ata_piix found the disk and the CD, set up DMA, and nothing timed out or failed
    const dmesg = await sh.run("dmesg");
    expect(dmesg).toMatch(/scsi host\d: ata_piix/);
    expect(dmesg).toMatch(/ata1\.00: ATA-\d+: tab86 HARDDISK/);
    expect(dmesg).toMatch(/ata1: PATA max MWDMA2 cmd 0x1f0 ctl 0x3f6 bmdma 0x[0-9a-f]+ irq 14/);
    expect(dmesg).toMatch(/ata2\.00: ATAPI: /);
    expect(dmesg).toMatch(/sd 0:0:0:0: \[sda\] 131072 512-byte logical blocks/);
    expect(dmesg).not.toMatch(/ata\d.*(timeout|failed|error)|exception Emask/i);

    // libata chose a DMA transfer mode for the disk (the PIIX3 does multiword DMA mode 2)
    expect(await sh.run("cat /sys/class/ata_device/dev1.0/xfer_mode")).toBe("XFER_MW_DMA_2"); // libata-transport.c names

    // the whole disk as the guest reads it equals the image file (nothing mounted yet)
    expect(await sh.run("md5sum /dev/sda")).toBe(`${manifest.outputs["linux-hd.img"].md5}  /dev/sda`);
    expect(manifest.outputs["linux-hd.img"].md5).toBe(hdBefore);

    // files on the ext2 partition and on the CD have the builder's contents
    await sh.run("mkdir -p /mnt /cdrom && mount /dev/sda2 /mnt && mount -t iso9660 /dev/sr0 /cdrom");
    for (const f of manifest.hd.files) {
      expect(await sh.run(`md5sum /mnt/${f.guestPath}`)).toBe(`${f.md5}  /mnt/${f.guestPath}`);
    }
    const hello = manifest.hd.files.find((f) => f.guestPath === "hello.txt")!;
    expect(await sh.run("cat /mnt/hello.txt")).toBe(hello.text!.trimEnd());
    for (const f of manifest.iso.files) {
      expect(await sh.run(`md5sum /cdrom/${f.guestPath}`)).toBe(`${f.md5}  /cdrom/${f.guestPath}`);
    }

    // a file written to the disk is there after sync and a remount
    await sh.run("echo written by the tab86 test > /mnt/new.txt && sync && umount /mnt && mount /dev/sda2 /mnt");
    expect(await sh.run("cat /mnt/new.txt")).toBe("written by the tab86 test");
    await sh.run("umount /mnt && sync");
    // the guest's writes went to the copy-on-write overlay, not the file
    expect(md5(hdPath)).toBe(hdBefore);
    expect(m.diskStats.bytesWritten).toBeGreaterThan(0);
    expect(m.diskStats.errors).toBe(0);
  }, 900_000);

  it("boots from the hard disk through its MBR and syslinux", async () => {
    const m = await machine();
    m.attachDisk(0, "hd", new Overlay(new FileDisk(join(IMAGES, "linux-hd.img"), "--hda")), "--hda");
    m.w32(S.BIOS_BOOT_ORDER, 3);
    const sh = new Shell(m);
    const boot = await sh.waitFor(PROMPT, 600);
    expect(boot).toMatch(/SYSLINUX \d/);
    expect(boot).toContain(manifest.banner);
    expect(await sh.run("cat /proc/cmdline")).toMatch(/console=ttyS0,115200/);
    expect(await sh.run("mount /dev/sda2 /mnt && cat /mnt/hello.txt")).toBe("Hello from the tab86 test files.");
  }, 900_000);

  it("boots from the CD through El Torito and isolinux", async () => {
    const m = await machine();
    const iso = join(IMAGES, "linux.iso");
    m.attachDisk(2, "cd", new FileDisk(iso, "--cdrom"), "--cdrom");
    m.w32(S.BIOS_BOOT_ORDER, 4);
    const sh = new Shell(m);
    const boot = await sh.waitFor(PROMPT, 600);
    expect(boot).toMatch(/ISOLINUX \d/);
    expect(boot).toContain(manifest.banner);
    expect(await sh.run("md5sum /dev/sr0", 120)).toBe(`${md5(iso)}  /dev/sr0`);
  }, 900_000);
});
