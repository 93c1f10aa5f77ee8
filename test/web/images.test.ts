import { describe, it, expect } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { detectImage, FLOPPY_SIZES } from "../../web/images.js";
import { fitScreen, displayAspect } from "../../web/display.js";
import { ROOT } from "../helpers.js";

const withBootSector = (n: number) => { const b = new Uint8Array(n); b[510] = 0x55; b[511] = 0xaa; return b; };

describe("what a picked file is", () => {
  it("takes floppy sizes as floppies", () => {
    for (const size of FLOPPY_SIZES) expect(detectImage("x.img", new Uint8Array(size))).toBe("floppy");
    if (existsSync(`${ROOT}../shared/images/freedos-boot-1440k.img`)) expect(detectImage("freedos-boot-1440k.img", new Uint8Array(readFileSync(`${ROOT}../shared/images/freedos-boot-1440k.img`)))).toBe("floppy");
  });

  it("takes a sector-sized image with a boot sector as a hard disk, and refuses one without", () => {
    expect(detectImage("disk.img", withBootSector(8 << 20))).toBe("hd");
    expect(() => detectImage("disk.img", new Uint8Array(8 << 20))).toThrow(/disk\.img: no boot sector \(no 55AA signature at byte 510\)/);
  });

  it("takes .iso files and ISO 9660 images as CDs, and refuses a truncated one", () => {
    expect(detectImage("a.iso", new Uint8Array(2048 * 20))).toBe("cd");
    const iso = new Uint8Array(2048 * 20);
    iso.set([1, 0x43, 0x44, 0x30, 0x30, 0x31], 0x8000);
    expect(detectImage("cd.bin", iso)).toBe("cd");
    expect(() => detectImage("a.iso", new Uint8Array(2048 * 20 + 100))).toThrow(/a\.iso: 41,060 bytes is not a whole number of 2048-byte CD sectors/);
  });

  it("takes a bzImage as a kernel", () => {
    const k = new Uint8Array(0x1000);
    k.set([0x48, 0x64, 0x72, 0x53], 0x202); // "HdrS"
    expect(detectImage("vmlinuz", k)).toBe("kernel");
    if (existsSync(`${ROOT}images/linux/vmlinuz`)) expect(detectImage("vmlinuz", new Uint8Array(readFileSync(`${ROOT}images/linux/vmlinuz`)))).toBe("kernel");
  });

  it("names the problem with anything else", () => {
    expect(() => detectImage("empty.img", new Uint8Array(0))).toThrow("empty.img: the file is empty");
    expect(() => detectImage("notes.txt", new Uint8Array(17))).toThrow(/notes\.txt: 17 bytes is neither a floppy size \(160K to 2\.88M\), a hard disk \(whole 512-byte sectors\) nor a CD/);
    expect(() => detectImage("tiny.img", withBootSector(4096))).toThrow(/tiny\.img: 4,096 bytes is too small for a hard disk/);
  });
});

describe("the picture's size", () => {
  it("shows 200-, 350- and 400-line modes at 4:3 and others with square pixels", () => {
    expect(displayAspect(720, 400)).toBeCloseTo(4 / 3);
    expect(displayAspect(320, 200)).toBeCloseTo(4 / 3);
    expect(displayAspect(640, 350)).toBeCloseTo(4 / 3);
    expect(displayAspect(1280, 1024)).toBeCloseTo(1.25);
    expect(fitScreen(720, 400, 960, 720, "aspect")).toEqual({ width: 960, height: 720 });
    expect(fitScreen(720, 400, 2000, 600, "aspect")).toEqual({ width: 800, height: 600 });
  });

  it("scales by whole multiples with integer scaling, doubling 200-line modes", () => {
    expect(fitScreen(720, 400, 1500, 900, "integer")).toEqual({ width: 1440, height: 800 });
    expect(fitScreen(320, 200, 1000, 1000, "integer")).toEqual({ width: 640, height: 800 }); // 2 x (320 x 400)
    expect(fitScreen(1024, 768, 800, 600, "integer")).toEqual({ width: 1024, height: 768 }); // never below 1:1
  });
});
