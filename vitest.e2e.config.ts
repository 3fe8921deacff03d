import { defineConfig } from "vitest/config";

/** End-to-end suites too long for `npm test` (`npm run test:serve-e2e`; CI runs them from .ci/run). */
export default defineConfig({
  test: {
    include: ["test/**/*.e2e.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
    reporters: ["default", "./test/reporters/skip-summary.ts"],
  },
});
