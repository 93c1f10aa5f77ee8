// End-to-end tests in a real browser (npm run test:e2e): test/e2e/*.e2e.ts, one file at a time.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 400_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
