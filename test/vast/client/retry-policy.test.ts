import { describe, expect, it } from "vitest";
import {
  Conflict,
  ConnectionError,
  Forbidden,
  InternalServerError,
  ServiceUnavailable,
  SlowDown,
} from "../../../src/vast/client/errors.js";
import {
  type CallKind,
  DEFAULT_RETRY,
  RetryBudget,
  replayOf,
  SDK_RETRY,
  withRetries,
} from "../../../src/vast/client/retry-policy.js";

const details = (status: number, s3Code: string) => ({
  method: "POST",
  path: "/",
  status,
  s3Code,
  s3Message: null,
});
const slowDown = new SlowDown(details(503, "SlowDown"));
const unavailable = new ServiceUnavailable(details(503, "ServiceUnavailable"));
const error500 = new InternalServerError(details(500, "InternalError"));
const conflict = new Conflict(details(409, "Conflict"));
const forbidden = new Forbidden(details(403, "AccessDenied"));
const reset = new ConnectionError("POST http://x/: connection failed (ECONNRESET)", false);
const refused = new ConnectionError("POST http://x/: connection failed (ECONNREFUSED)", true);

describe("retry policy: what a failure of each call allows", () => {
  const table: [CallKind, unknown, string][] = [
    ["read", error500, "request"],
    ["read", reset, "request"],
    ["begin", error500, "request"],
    ["begin", reset, "request"],
    ["rollback", reset, "request"],
    ["write", slowDown, "request"],
    ["write", unavailable, "never"],
    ["read", unavailable, "never"],
    ["write", refused, "request"],
    ["write", error500, "transaction"],
    ["write", reset, "transaction"],
    ["commit", error500, "transaction"],
    ["commit", reset, "transaction"],
    ["read", conflict, "transaction"],
    ["read", forbidden, "never"],
    ["write", new Error("bug"), "never"],
  ];
  it.each(table)("%s after %s → %s", (call, err, replay) => {
    expect(replayOf(err, call, DEFAULT_RETRY)).toBe(replay);
  });

  it("the SDK-like policy retries only 503 SlowDown", () => {
    expect(replayOf(slowDown, "write", SDK_RETRY)).toBe("request");
    for (const err of [unavailable, error500, reset, conflict])
      expect(replayOf(err, "read", SDK_RETRY)).toBe("never");
  });

  it("SlowDown waits like the SDK's backoff.expo: up to 1, 2, 4 … s (full jitter), 10 tries, 60 s per loop", () => {
    let now = 0;
    const budget = new RetryBudget(
      { ...DEFAULT_RETRY, maxElapsedMs: 1e9 },
      () => 0.999,
      () => now,
    );
    const tries = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((a) => budget.slowDownDelay(a, 0));
    expect(tries).toEqual([999, 1998, 3996, 7992, 15984, 31968, 60_000, 60_000, 60_000, null]);
    // The wait is cut to what is left of the loop's 60 s; none once it is spent.
    now = 59_000;
    expect(budget.slowDownDelay(7, 0)).toBe(1_000);
    now = 60_000;
    expect(budget.slowDownDelay(2, 0)).toBeNull();
    // Full jitter: a wait anywhere in [0, backoff).
    const low = new RetryBudget(
      DEFAULT_RETRY,
      () => 0,
      () => 0,
    );
    expect(low.slowDownDelay(5, 0)).toBe(0);
  });

  it("a SlowDown loop and a replay loop count their attempts apart", async () => {
    const budget = new RetryBudget(
      { ...DEFAULT_RETRY, maxAttempts: 2, slowDown: { ...DEFAULT_RETRY.slowDown, baseDelayMs: 1 } },
      () => 0,
    );
    const failures = [slowDown, slowDown, slowDown, error500];
    let calls = 0;
    const result = await withRetries(
      budget,
      () => true,
      async () => {
        const err = failures[calls++];
        if (err) throw err;
        return "ok";
      },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(5);
  });

  it("one budget bounds every loop of an operation by total time", async () => {
    let now = 0;
    const budget = new RetryBudget(
      { ...DEFAULT_RETRY, maxElapsedMs: 1_000, jitter: "none" },
      Math.random,
      () => now,
    );
    let calls = 0;
    const failing = () => {
      calls++;
      now += 300; // each attempt costs 300 ms of the budget
      return Promise.reject(error500);
    };
    await expect(withRetries(budget, () => true, failing)).rejects.toBe(error500);
    const first = calls;
    expect(first).toBeGreaterThan(1);
    // A second loop in the same operation finds the budget spent: one attempt, no retry.
    await expect(withRetries(budget, () => true, failing)).rejects.toBe(error500);
    expect(calls).toBe(first + 1);
  });
});
