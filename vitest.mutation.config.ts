import { defineConfig } from "vitest/config";

/**
 * The unit tests Stryker runs against each mutant (`npm run test:mutation`): every test that pins the
 * behaviour of the mutated layers, without the ones that only repeat it at a much higher cost per mutant
 * (the 100,000-file fuzz run, the CLI and scan subprocess suites, the DuckDB-backed catalogue suites).
 */
/**
 * `npm run test:mutation -- --tests "a.test.ts,b/*.test.ts"` narrows the set for one file's run (MUTATION_TESTS). Not
 * Stryker's own `--testFiles`: with that filter Stryker switches every mutant on only once the tests start, so
 * mutants of module-level code (constants, tables) would never be switched on at all.
 */
const narrowed = process.env.MUTATION_TESTS?.split(",").filter((g) => g.length > 0);

export default defineConfig({
  test: {
    include: narrowed ?? [
      "test/core/**/*.test.ts",
      "test/io/**/*.test.ts",
      "test/inspect/**/*.test.ts",
      "test/catalog/build-record*.test.ts",
      "test/catalog/catalog-rules.test.ts",
      "test/vast/client/**/*.test.ts",
      "test/vast/protocol/**/*.test.ts",
    ],
    exclude: [
      "test/core/fuzz.test.ts",
      "test/core/docs.test.ts",
      // re-inspects truncated corpus files at hundreds of positions per test (~1.7 s a mutant)
      "test/inspect/completeness.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
