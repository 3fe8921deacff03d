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
    ["write", unavailable, "request"],
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

  it("the SDK-like policy retries only 503 SlowDown, after 1, 2, 4, 8 s", () => {
    expect(replayOf(slowDown, "write", SDK_RETRY)).toBe("request");
    for (const err of [unavailable, error500, reset, conflict])
      expect(replayOf(err, "read", SDK_RETRY)).toBe("never");
    const budget = new RetryBudget(SDK_RETRY, Math.random, () => 0);
    expect([1, 2, 3, 4, 5].map((a) => budget.delayAfter(a))).toEqual([1000, 2000, 4000, 8000, null]);
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
