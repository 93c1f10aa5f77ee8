// The tab86 version (package.json's "version"; test/snapshot-format.test.ts checks they agree).
// Kept here so that code shared with browsers needs no JSON import: snapshots record it.
export const TAB86_VERSION = "0.1.0";
