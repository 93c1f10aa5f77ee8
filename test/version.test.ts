// The version snapshots and recordings carry (host/version.ts) is package.json's.
import { it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { TAB86_VERSION } from "../host/version.js";
import { ROOT } from "./helpers.js";

it("host/version.ts says package.json's version", () => {
  expect(TAB86_VERSION).toBe(JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")).version);
});
