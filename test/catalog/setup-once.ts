import { beforeAll, beforeEach } from "vitest";

/**
 * Runs `setup` once before the file's tests. If it throws, its error fails every test: a failing `beforeAll` only
 * skips the tests, and Stryker's vitest runner takes a file whose tests were all skipped for a surviving mutant.
 */
export function setUpOnceOrFailEach(setup: () => Promise<void>, timeoutMs: number): void {
  let setupError: unknown = null;
  beforeAll(async () => {
    try {
      await setup();
    } catch (err) {
      setupError = err;
    }
  }, timeoutMs);
  beforeEach(() => {
    if (setupError) throw setupError;
  });
}
