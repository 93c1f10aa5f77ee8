// The worker's disk images: an image the page gave as bytes is held in memory; one given by URL
// (a hard disk or CD) is read lazily over HTTP with range requests (host/httpdisk.ts), so a
// large image starts at once and only the blocks the guest reads are downloaded. The machine
// runs with Machine.runAsync, which waits for such reads.
import { MemoryDisk, BlockDevice } from "../host/blockdev.js";
import { HttpDisk } from "../host/httpdisk.js";
import { ConfigError } from "../host/machine.js";
import { diskId } from "./storage.js";
import type { ImageFile } from "./protocol.js";

/** The image as a read-only block device. A failure to open a URL is a ConfigError naming it. */
export async function openImage(img: ImageFile): Promise<BlockDevice> {
  if (img.bytes) return new MemoryDisk(img.bytes, true);
  if (!img.url) throw new ConfigError(`${img.name}: no data`);
  try {
    return await HttpDisk.open(img.url);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

/** The id a disk's stored changes are kept under (web/storage.ts): a hash of an image in
 * memory; for an image read over HTTP, which is never downloaded whole, a hash of its URL
 * with its size. */
export async function imageStoreId(dev: BlockDevice): Promise<string> {
  if (dev instanceof MemoryDisk) return diskId(dev.bytes);
  if (dev instanceof HttpDisk) return `url-${await diskId(new TextEncoder().encode(dev.url))}-${dev.size}`;
  throw new Error("no id for this kind of disk");
}

/** The bytes read over HTTP so far (the disks the guest reads lazily), for the page's status. */
export function bytesFetched(devs: (BlockDevice | null | undefined)[]): number {
  let n = 0;
  for (const d of devs) {
    const base = d && "base" in d ? (d as { base: BlockDevice }).base : d;
    if (base instanceof HttpDisk) n += base.stats.bytesFetched;
  }
  return n;
}
