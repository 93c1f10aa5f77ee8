// What the FAT image writer (host/fatimage.ts) and reader (host/fatread.ts) share: the boot
// sector's field offsets, the directory entry layout, long file name entries, short names and
// DOS dates, all from Microsoft's "FAT: General Overview of On-Disk Format" (version 1.03,
// 2000), cited below as "FAT spec" with its section names.
//
// A directory entry (FAT spec, "FAT Directory Structure"), 32 bytes:
//
//   0  DIR_Name[11]   8.3 name, space padded, no dot    20  DIR_FstClusHI  (FAT32)
//  11  DIR_Attr       0x01 RO 0x02 HID 0x04 SYS          22  DIR_WrtTime
//                     0x08 VOLUME_ID 0x10 DIR 0x20 ARC   24  DIR_WrtDate
//                     0x0F = a long name entry           26  DIR_FstClusLO
//  12  DIR_NTRes      bit 3: base in lower case,         28  DIR_FileSize
//                     bit 4: extension in lower case
//  13  DIR_CrtTimeTenth  14 DIR_CrtTime  16 DIR_CrtDate  18 DIR_LstAccDate
//
// A long name entry ("FAT Long Directory Entries"): LDIR_Ord (bit 6 = last), 5 + 6 + 2 UTF-16
// characters at 1, 14 and 28, LDIR_Attr 0x0F at 11, LDIR_Chksum of the short name at 13. The
// entries come before the short entry they name, last part first.

export const SECTOR = 512;
export const DIRENT = 32;
export const ATTR_READ_ONLY = 0x01, ATTR_HIDDEN = 0x02, ATTR_SYSTEM = 0x04, ATTR_VOLUME_ID = 0x08, ATTR_DIRECTORY = 0x10, ATTR_ARCHIVE = 0x20;
export const ATTR_LONG_NAME = 0x0f;
/** UTF-16 code units a long name entry holds, and where (byte offsets in the entry). */
export const LFN_CHARS = 13;
export const LFN_OFFSETS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
/** The longest long name ("FAT Long Directory Entries": 255 characters). */
export const LFN_MAX = 255;

/** FAT spec, "FAT Type Determination": the type follows from the count of data clusters only. */
export const FAT12_MAX_CLUSTERS = 4084;
export const FAT16_MAX_CLUSTERS = 65524;
export type FatType = 12 | 16 | 32;
export function fatTypeOf(clusters: number): FatType {
  return clusters <= FAT12_MAX_CLUSTERS ? 12 : clusters <= FAT16_MAX_CLUSTERS ? 16 : 32;
}

/** Partition types of FAT volumes in an MBR. */
export const FAT_PARTITION_TYPES = new Set([0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e]);

/** The short name checksum stored in each long name entry ("FAT Long Directory Entries"). */
export function shortNameChecksum(name11: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) | (sum >> 1)) + name11[i] & 0xff;
  return sum;
}

/** Characters a short name may hold besides A-Z and 0-9 ("FAT Directory Structure", DIR_Name). */
const SHORT_SPECIAL = "$%'-_@~`!(){}^#&";
const isShortChar = (c: string) => /[A-Z0-9]/.test(c) || SHORT_SPECIAL.includes(c);
/** Characters no long name may hold ("FAT Long Directory Entries"), and the control characters. */
export const LFN_INVALID = /[\\/:*?"<>|\x00-\x1f\x7f]/;

/** The name as an 8.3 short name when it is one exactly (upper case, valid characters), else null. */
export function exactShortName(name: string): string | null {
  const m = /^([^.]{1,8})(?:\.([^.]{1,3}))?$/.exec(name);
  if (!m || ![...name.replace(".", "")].every(isShortChar)) return null;
  return m[1].padEnd(8) + (m[2] ?? "").padEnd(3);
}

/** FAT spec, "Basis-Name Generation Algorithm": upper case, characters a short name cannot
 * hold become "_", spaces and leading periods go, the base is cut to 8 characters and the
 * extension (after the last period) to 3. lossy tells whether a numeric tail is needed. */
export function basisName(name: string): { base: string; ext: string; lossy: boolean } {
  let lossy = false;
  const conv = (s: string) => [...s.toUpperCase()].map((c) => (isShortChar(c) ? c : c === " " || c === "." ? "" : ((lossy = true), "_"))).join("");
  const trimmed = name.replace(/^\.+/, "");
  if (trimmed !== name) lossy = true;
  const dot = trimmed.lastIndexOf(".");
  const rawBase = dot > 0 ? trimmed.slice(0, dot) : trimmed;
  const rawExt = dot > 0 ? trimmed.slice(dot + 1) : "";
  if (/[ .]/.test(rawBase) || / /.test(rawExt)) lossy = true;
  let base = conv(rawBase), ext = conv(rawExt);
  if (base.length > 8 || ext.length > 3) lossy = true;
  base = base.slice(0, 8) || "_";
  ext = ext.slice(0, 3);
  return { base, ext, lossy };
}

/** DOS date and time (FAT spec, "Date and Time Formats"), from a Date in UTC, clamped to the
 * range the format holds (1980 to 2107). */
export function dosDateTime(d: Date): { date: number; time: number } {
  const t = Math.min(Math.max(d.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58));
  const u = new Date(t);
  return {
    date: ((u.getUTCFullYear() - 1980) << 9) | ((u.getUTCMonth() + 1) << 5) | u.getUTCDate(),
    time: (u.getUTCHours() << 11) | (u.getUTCMinutes() << 5) | (u.getUTCSeconds() >> 1),
  };
}

/** The Date of a DOS date and time (UTC); day 0 or month 0 (never written) give 1980-01-01. */
export function fromDosDateTime(date: number, time: number): Date {
  const y = 1980 + (date >> 9), mo = Math.max(1, (date >> 5) & 15), d = Math.max(1, date & 31);
  return new Date(Date.UTC(y, mo - 1, d, time >> 11, (time >> 5) & 63, (time & 31) * 2));
}
