// The test files put on the hard disk's ext2 partition and on the CD, with contents that
// tests can compare against (their sizes and checksums go into images/manifest.json).
import { md5, sha256 } from "./util.mjs";

const HELLO = "Hello from the tab86 test files.\n";

const README = `These files are made by tools/images/build.mjs for tab86's tests.
hello.txt   one line of text
bytes.bin   the bytes 0 to 255, repeated 1000 times (256000 bytes)
dir/nested.txt   a file in a subdirectory
Their sizes and MD5 sums are in images/manifest.json.
`;

function bytes() {
  const b = Buffer.alloc(256 * 1000);
  for (let i = 0; i < b.length; i++) b[i] = i & 255;
  return b;
}

// [{ path, data, text? }], paths relative to the file system's test folder, all names 8.3 so
// that the CD needs no Joliet or Rock Ridge extension to show them the same way.
export function testFiles() {
  return [
    { path: "hello.txt", data: Buffer.from(HELLO), text: HELLO },
    { path: "bytes.bin", data: bytes() },
    { path: "readme.txt", data: Buffer.from(README), text: README },
    { path: "dir/nested.txt", data: Buffer.from("nested\n"), text: "nested\n" },
  ];
}

// The manifest's description of files as the guest sees them under prefix.
export function describe(files, prefix = "") {
  return files.map((f) => ({ guestPath: prefix + f.path, size: f.data.length, md5: md5(f.data), sha256: sha256(f.data), ...(f.text ? { text: f.text } : {}) }));
}
