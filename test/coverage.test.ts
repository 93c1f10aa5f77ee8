// Every instruction-table entry either has hardware vectors (test/fixtures/vectors/) or a
// reason in tools/coverage.mjs why not; run `node tools/coverage.mjs` for the report.
import { describe, it, expect } from "vitest";
import { coverage } from "../tools/coverage.mjs";

describe("vector coverage of the instruction table", () => {
  it("explains every entry without vectors, and no explanation is stale", async () => {
    const c = await coverage();
    expect(c.unexplained, "table entries without vectors and without a reason in tools/coverage.mjs").toEqual([]);
    expect(c.stale, "entries explained in tools/coverage.mjs that do have vectors now").toEqual([]);
    expect(c.unknown, "explanations in tools/coverage.mjs for entries that are not in the table").toEqual([]);
    expect(c.entries.filter((e) => e.forms > 0).length).toBeGreaterThan(200);
  });
});
