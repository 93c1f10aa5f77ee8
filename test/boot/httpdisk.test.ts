// A hard disk read over HTTP, at the machine level: the BIOS boots from it and the boot
// sector (readdisk.asm) reads the whole disk through INT 13h, which reports a checksum of
// every byte, or the first error. The disk is readdisk.bin followed by the FreeDOS 1.44M
// floppy from ../shared/images/ (read in place), served by a local server on 127.0.0.1.
import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { readFileSync, existsSync } from "node:fs";
import { createNodeMachine, defaultBiosPath, readImage } from "../../host/node.js";
import { Overlay, BlockDevice } from "../../host/blockdev.js";
import { HttpDisk } from "../../host/httpdisk.js";
import { runMachine } from "../../host/run.js";
import { AsyncDiskError, Machine } from "../../host/machine.js";
import * as S from "../../core-as/state.js";
import { ImageServer } from "../host/image-server.js";
import { ROOT } from "../helpers.js";

const FREEDOS = `${ROOT}../shared/images/freedos-boot-1440k.img`;
let disk: Uint8Array;
let servers: ImageServer[] = [];

beforeAll(() => {
  if (!existsSync(FREEDOS)) throw new Error(`${FREEDOS} is missing: the tests read ../shared/images/ in place`);
  const boot = readFileSync(new URL("readdisk.bin", import.meta.url));
  const floppy = readFileSync(FREEDOS);
  disk = new Uint8Array(boot.length + floppy.length);
  disk.set(boot, 0);
  disk.set(floppy, boot.length);
});
afterEach(async () => { for (const s of servers) await s.close(); servers = []; });

// readdisk.asm's checksum over the disk after the boot sector, computed here from the bytes
function checksum(bytes: Uint8Array): string {
  let sum = 0;
  for (const b of bytes) sum = (((sum << 1) | (sum >>> 31)) + b) >>> 0;
  return sum.toString(16).toUpperCase().padStart(8, "0");
}

async function machineWith(url: string): Promise<Machine> {
  const m = await createNodeMachine({ memMiB: 4, rom: readImage(defaultBiosPath(), "BIOS"), deterministic: true, stopOnTripleFault: true });
  m.attachDisk(0, "hd", new Overlay(await HttpDisk.open(url, { timeoutMs: 2000 })), "http disk");
  m.w32(S.BIOS_BOOT_ORDER, 3); // the hard disk
  return m;
}

describe("a hard disk over HTTP", () => {
  it("boots, and the guest reads every byte of the image", async () => {
    const s = await ImageServer.start(disk);
    servers.push(s);
    const m = await machineWith(s.url);
    const r = await runMachine(m, { until: /[SE][0-9A-F@]+!/, timeoutMs: 60_000 });
    expect(r.end).toBe("matched");
    expect(r.debugOutput).toBe(`S${checksum(disk.subarray(512))}!`);
    expect(m.diskStats.errors).toBe(0);
    expect(m.diskStats.bytesRead).toBe(disk.length);
    // 64 KiB blocks, one request each (reads of 32 KiB share them)
    expect(s.requests).toBe(Math.ceil(disk.length / 65536));
  });

  it("Machine.run() says it cannot wait for the disk; runAsync() carries on from the same request", async () => {
    const s = await ImageServer.start(disk);
    servers.push(s);
    const m = await machineWith(s.url);
    let thrown: unknown;
    for (let i = 0; i < 100 && !thrown; i++) {
      try { m.run(1_000_000); } catch (e) { thrown = e; }
    }
    expect(thrown).toBeInstanceOf(AsyncDiskError);
    expect((thrown as Error).message).toBe("the primary master (http disk) is read asynchronously: run the machine with runAsync() (a Runner does)");
    expect(m.r32(S.DISK_REQ_STATE)).toBe(1); // still posted
    const r = await runMachine(m, { until: /[SE][0-9A-F@]+!/, timeoutMs: 60_000 });
    expect(r.debugOutput).toBe(`S${checksum(disk.subarray(512))}!`);
  });

  it("a device that never answers gives the guest a disk error after Machine.diskTimeoutMs", async () => {
    const m = await createNodeMachine({ memMiB: 4, rom: readImage(defaultBiosPath(), "BIOS"), deterministic: true, stopOnTripleFault: true });
    const silent: BlockDevice = {
      size: disk.length, readOnly: true, async: true,
      read: () => { throw new Error("asynchronous only"); },
      write: () => { throw new Error("read-only"); },
      // the boot sector comes at once, everything after it never
      readAsync: (o, d) => (o === 0 ? Promise.resolve(d.set(disk.subarray(0, d.length))) : new Promise<void>(() => {})),
    };
    m.attachDisk(0, "hd", silent, "silent disk");
    m.w32(S.BIOS_BOOT_ORDER, 3);
    m.diskTimeoutMs = 300;
    const r = await runMachine(m, { until: /[SE][0-9A-F@]+!/, timeoutMs: 30_000 });
    expect(r.debugOutput).toBe("E80@00000001!");
    expect(m.diskStats.lastError).toBe("primary master (silent disk): no answer within 0.3 s");
  });

  for (const mode of ["close", "500", "hang"] as const) {
    it(`a server that fails mid-way (${mode}) gives the guest a disk error and the run goes on`, async () => {
      // the first request (the size and block 0, which holds the boot sector) and two more
      // blocks succeed; the fourth block (bytes 196608.., sectors 384..) fails: the read of
      // 64 sectors from LBA 321 is the first to need it
      const s = await ImageServer.start(disk, { failAfter: 3, failMode: mode });
      servers.push(s);
      const m = await machineWith(s.url);
      const t0 = performance.now();
      const r = await runMachine(m, { until: /[SE][0-9A-F@]+!/, timeoutMs: 60_000 });
      expect(r.end).toBe("matched");
      expect(r.debugOutput).toBe("E80@00000141!"); // AH = 80h (bios/harddisk.ts io_status), LBA 321
      expect(performance.now() - t0).toBeLessThan(30_000);
      expect(m.diskStats.errors).toBe(1);
      expect(m.diskStats.lastError).toMatch(new RegExp(`^primary master \\(http disk\\): ${s.url}: bytes 196608-262143: `));
      // the guest stopped itself: a second of virtual time passes with the CPU halted
      const after = await runMachine(m, { forNs: 1e9, timeoutMs: 10_000 });
      expect(after.end).toBe("elapsed");
      expect(after.debugOutput).toBe("");
      expect(m.r32(S.HALTED)).not.toBe(0);
    });
  }
});
