// The command lines of the Linux acceptance, run as a user would: each must reach the shell
// prompt on the serial console and exit 0. (test/boot/linux.test.ts checks what the guest sees;
// this checks the command's flags, defaults and exit status.)
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../helpers.js";

function tab86(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/tab86.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 400_000, input: "" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("tab86 boots Linux to a shell", () => {
  it("with --kernel --initrd --append console=ttyS0", () => {
    const r = tab86("--kernel", "images/linux/vmlinuz", "--initrd", "images/linux/initrd.img", "--append", "console=ttyS0", "--until", "# $", "--timeout", "180");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Linux version 6\.1/);
  }, 400_000);
  it("with --hda images/linux-hd.img", () => {
    const r = tab86("--hda", "images/linux-hd.img", "--until", "# $", "--timeout", "180");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SYSLINUX/);
  }, 400_000);
  it("with --cdrom images/linux.iso", () => {
    const r = tab86("--cdrom", "images/linux.iso", "--until", "# $", "--timeout", "180");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ISOLINUX/);
  }, 400_000);
  it("with no image at all (the default Linux)", () => {
    const r = tab86("--until", "# $", "--timeout", "180");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tab86 Linux ready/);
  }, 400_000);
});
