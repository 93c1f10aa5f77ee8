#!/usr/bin/env node
// Entry point of the `tab86` command: runs the compiled CLI (dist/, built by `npm install`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/cli/tab86.js", import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write("tab86: not built yet (dist/ is missing): run npm install in the tab86 folder\n");
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
