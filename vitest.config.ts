import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Suites needing a Kafka broker run apart: `npm run test:kafka` (vitest.kafka.config.ts); long end-to-end
    // suites too: `npm run test:serve-e2e` (vitest.e2e.config.ts).
    exclude: ["**/node_modules/**", "**/*.kafka.test.ts", "**/*.e2e.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // The skip summary lists every skipped test file and why (missing corpus, venv, running as root, …).
    reporters: ["default", "./test/reporters/skip-summary.ts"],
  },
});
