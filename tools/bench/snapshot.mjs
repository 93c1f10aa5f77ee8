// `npm run bench`, snapshots: the size of a booted machine's snapshot and the time to save it
// and to restore it into a fresh machine of the same configuration (host/snapshot.ts; median of
// 3 each), checked by comparing the restored machine's state digest with the original's.
import { saveState, restoreState, stateDigest } from "../../dist/host/snapshot.js";

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** One table row for machine `m` (booted, between runs); `fresh` makes an unbooted one. */
export async function benchSnapshot(name, m, fresh) {
  const saves = [];
  let snap;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    snap = await saveState(m);
    saves.push(performance.now() - t0);
  }
  const restores = [];
  let r;
  for (let i = 0; i < 3; i++) {
    r = await fresh();
    const t0 = performance.now();
    await restoreState(r, snap);
    restores.push(performance.now() - t0);
  }
  m.screenText(); r.screenText();
  if ((await stateDigest(m)) !== (await stateDigest(r))) throw new Error(`${name}: the restored machine's state differs from the original's`);
  const ram = m.ram();
  let used = 0;
  for (let p = 0; p < ram.length; p += 4096) if (ram.subarray(p, p + 4096).some((b) => b !== 0)) used++;
  return {
    machine: name, "RAM MiB": ram.length >> 20, "RAM pages not zero (MiB)": Number((used / 256).toFixed(1)),
    "snapshot KiB": Math.round(snap.length / 1024), "save ms": Math.round(median(saves)), "restore ms": Math.round(median(restores)),
  };
}

export function printSnapshotRows(rows) {
  console.table(rows);
  console.log("Snapshots: save = capture + deflate-raw (Node's zlib, level 1) + hashes; restore = checks + inflate + write + restored(), into a fresh machine; median of 3");
}
