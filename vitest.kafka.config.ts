import { defineConfig } from "vitest/config";

/** The suites that need a real Kafka broker (`npm run test:kafka`; one broker for all of them). */
export default defineConfig({
  test: {
    include: ["test/**/*.kafka.test.ts"],
    globalSetup: ["test/distributed/kafka-global-setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
  },
});
