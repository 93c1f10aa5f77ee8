// Configurations the page builds (web/configs.ts) and the names and messages of its saved state
// (web/statestore.ts): the DOS sandbox boots the given floppy from A: with the files and no
// kernel, and refuses an image that is no floppy; the Linux sandbox is the default Linux with
// the tools; the limits' messages; a state file's name; a full browser storage's message.
import { describe, it, expect } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { sandboxConfig, defaultLinux } from "../../web/configs.js";
import { ImageError, detectImage, readLazily } from "../../web/images.js";
import { stateFileName, describeMachine, storageMessage } from "../../web/statestore.js";
import { MAX_FILES } from "../../host/sandbox.js";
import { ROOT } from "../helpers.js";

const BASE = "https://example.org/app/";
const files = [{ path: "a.txt", bytes: new Uint8Array([1, 2, 3]) }];
const FREEDOS = `${ROOT}../shared/images/freedos-boot-1440k.img`;

describe("the sandbox's configuration", () => {
  it("Linux: the default Linux with tools.img, nothing stored", () => {
    const c = sandboxConfig(files, BASE, 128);
    expect(c.kernel?.url).toBe("https://example.org/app/images/linux/vmlinuz");
    expect(c.initrds?.map((r) => r.url)).toEqual(["https://example.org/app/images/linux/tools.img"]);
    expect(c.sandbox).toEqual({ files, system: "linux" });
    expect(c.persist).toBe(false);
    expect(c.fda).toBeUndefined();
  });

  it.skipIf(!existsSync(FREEDOS))("DOS: the boot floppy in A:, booted from A:, no kernel", () => {
    const floppy = { name: "freedos-boot-1440k.img", bytes: new Uint8Array(readFileSync(FREEDOS)) };
    const c = sandboxConfig(files, BASE, 32, floppy);
    expect(c.fda).toBe(floppy);
    expect(c.boot).toBe("a");
    expect(c.kernel).toBeUndefined();
    expect(c.sandbox).toEqual({ files, system: "dos" });
    expect(c.persist).toBe(false);
    expect(c.memMiB).toBe(32);
  });

  it("DOS: an image that is no floppy is refused with a message", () => {
    const hd = new Uint8Array(8 << 20);
    hd[510] = 0x55; hd[511] = 0xaa;
    expect(() => sandboxConfig(files, BASE, 32, { name: "disk.img", bytes: hd })).toThrow(ImageError);
    expect(() => sandboxConfig(files, BASE, 32, { name: "disk.img", bytes: hd })).toThrow("disk.img: the DOS sandbox boots from a floppy image (160K to 2.88M), and this is a hard disk");
  });

  it("checks the limits before anything starts", () => {
    expect(() => sandboxConfig([], BASE)).toThrow(/no files/);
    const many = Array.from({ length: MAX_FILES + 1 }, (_, i) => ({ path: `f${i}`, bytes: new Uint8Array(1) }));
    expect(() => sandboxConfig(many, BASE)).toThrow(`${MAX_FILES + 1} files: the sandbox takes at most ${MAX_FILES} at once`);
  });

  it("the default Linux is served under images/linux/ beside the page", () => {
    expect(defaultLinux(BASE).initrd?.url).toBe("https://example.org/app/images/linux/initrd.img");
  });
});

describe("images by URL", () => {
  it("decides from the first 64 KiB and the size: a hard disk or CD is read lazily, a floppy or kernel downloaded", () => {
    const head = new Uint8Array(64 * 1024);
    head[510] = 0x55; head[511] = 0xaa;
    expect(detectImage("big.img", head, 4 * 2 ** 30)).toBe("hd"); // a 4 GiB disk
    expect(readLazily("hd")).toBe(true);
    const iso = new Uint8Array(64 * 1024);
    iso.set([1, 0x43, 0x44, 0x30, 0x30, 0x31], 0x8000);
    expect(detectImage("x.bin", iso, 700 * 1048576)).toBe("cd");
    expect(readLazily("cd")).toBe(true);
    expect(detectImage("f.img", head, 1474560)).toBe("floppy");
    expect(readLazily("floppy")).toBe(false);
    expect(readLazily("kernel")).toBe(false);
    // the size, not the probe's length, decides what a truncated image is
    expect(() => detectImage("cut.iso", iso, 700 * 1048576 + 100)).toThrow(/not a whole number of 2048-byte CD sectors/);
  });
});

describe("the saved state's names and messages", () => {
  it("names a state file after what runs", () => {
    expect(stateFileName({ memMiB: 16, fda: { name: "freedos-boot-1440k.img" } })).toBe("freedos-boot-1440k.tab86state");
    expect(stateFileName(defaultLinux(BASE))).toBe("Linux.tab86state");
    expect(stateFileName(sandboxConfig(files, BASE))).toBe("sandbox.tab86state");
    expect(describeMachine({ memMiB: 64, hda: { name: "my disk.img" } })).toBe("my disk.img");
    expect(stateFileName({ memMiB: 64, hda: { name: "my disk.img" } })).toBe("my-disk.tab86state");
  });

  it("says what to do when the browser's storage is full", () => {
    const full = new DOMException("quota", "QuotaExceededError");
    expect(storageMessage(full, 3 * 1048576)).toBe("the browser's storage for this page is full (the state is 3.0 MiB): use Export state to download it instead");
    expect(storageMessage(new Error("closed"), 1)).toBe("the browser's storage refused it: closed");
  });
});
