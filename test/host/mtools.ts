// mtools, the independent reader and writer of FAT images the tests check host/fatimage.ts and
// host/fatread.ts against: Debian's package, which `npm run images` keeps in images/.apt/debs
// (it runs it to build the hard disk image), unpacked into a temporary folder.
import { mkdtempSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers.js";

const DEBS = join(ROOT, "images", ".apt", "debs");

export class Mtools {
  readonly dir: string;
  private env: NodeJS.ProcessEnv;
  constructor() {
    const deb = existsSync(DEBS) ? readdirSync(DEBS).find((f) => /^mtools_.*\.deb$/.test(f)) : undefined;
    if (!deb) throw new Error(`mtools' .deb is not in ${DEBS}: npm run images downloads it (the FAT tests read images with it)`);
    this.dir = mkdtempSync(join(tmpdir(), "tab86-mtools-"));
    execFileSync("dpkg-deb", ["-x", join(DEBS, deb), this.dir]);
    const rc = join(this.dir, "mtoolsrc");
    writeFileSync(rc, "mtools_skip_check=1\n");
    this.env = { ...process.env, MTOOLSRC: rc, MTOOLS_SKIP_CHECK: "1", LC_ALL: "C.UTF-8" };
  }

  /** Run an mtools command; returns stdout as bytes, throws with stderr on failure. */
  run(cmd: string, args: string[]): Buffer {
    const r = spawnSync(join(this.dir, "usr/bin", cmd), args, { env: this.env, maxBuffer: 1 << 28, timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.error?.message ?? r.stderr.toString()}`);
    return r.stdout;
  }
}

/** mtools' name for an image file, with the volume's byte offset in it. */
export const mimage = (path: string, offset = 0) => (offset ? `${path}@@${offset}` : path);
