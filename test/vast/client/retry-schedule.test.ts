/**
 * The VAST client's retry policy in detail: every failure class's kind, which socket codes prove a request was
 * never sent, the exact delays of both schedules at their bounds, and what each retry event reports.
 */
import { describe, expect, it } from "vitest";
import {
  BadRequest,
  Conflict,
  ConnectionError,
  InternalServerError,
  MissingTransaction,
  QueryDataInternalError,
  RequestTimeout,
  ServiceUnavailable,
  SlowDown,
} from "../../../src/vast/client/errors.js";
import {
  DEFAULT_RETRY,
  failureKind,
  neverSent,
  RetryBudget,
  type RetryEvent,
  type RetryPolicy,
  replayOf,
  SDK_RETRY,
  SDK_SLOWDOWN_BACKOFF,
  withRetries,
} from "../../../src/vast/client/retry-policy.js";

const d = (status: number, s3Code: string | null = null) => ({
  method: "GET",
  path: "/",
  status,
  s3Code,
  s3Message: null,
});

describe("failure kinds", () => {
  it("each error class has its kind", () => {
    expect(failureKind(new SlowDown(d(503, "SlowDown")))).toBe("throttled");
    expect(failureKind(new ServiceUnavailable(d(503)))).toBe("unavailable");
    expect(failureKind(new InternalServerError(d(500)))).toBe("server-error");
    expect(failureKind(new QueryDataInternalError())).toBe("server-error");
    expect(failureKind(new ConnectionError("x", false))).toBe("connection");
    expect(failureKind(new Conflict(d(409)))).toBe("transaction");
    expect(failureKind(new RequestTimeout(d(408)))).toBe("transaction");
    expect(failureKind(new MissingTransaction())).toBe("transaction");
    expect(failureKind(new BadRequest(d(400)))).toBe("permanent");
    expect(failureKind("not an error")).toBe("permanent");
  });

  it("a query stream failure replays the request of a read and the transaction of a write", () => {
    const e = new QueryDataInternalError();
    expect(replayOf(e, "read", DEFAULT_RETRY)).toBe("request");
    expect(replayOf(e, "begin", DEFAULT_RETRY)).toBe("request");
    expect(replayOf(e, "write", DEFAULT_RETRY)).toBe("transaction");
    expect(replayOf(e, "commit", DEFAULT_RETRY)).toBe("transaction");
    expect(replayOf(new MissingTransaction(), "commit", DEFAULT_RETRY)).toBe("transaction");
    expect(replayOf(new RequestTimeout(d(408)), "write", DEFAULT_RETRY)).toBe("transaction");
  });

  it("a dropped commit or rollback: the commit's transaction is replayed, the rollback in place", () => {
    const reset = new ConnectionError("reset", false);
    expect(replayOf(reset, "commit", DEFAULT_RETRY)).toBe("transaction");
    expect(replayOf(reset, "rollback", DEFAULT_RETRY)).toBe("request");
    expect(replayOf(new ConnectionError("refused", true), "commit", DEFAULT_RETRY)).toBe("request");
  });

  it("an unavailable server is never replayed, even by a policy that lists it", () => {
    const all: RetryPolicy = {
      ...DEFAULT_RETRY,
      retryOn: ["throttled", "unavailable", "server-error", "connection", "transaction", "permanent"],
    };
    expect(replayOf(new ServiceUnavailable(d(503)), "read", all)).toBe("never");
    expect(replayOf(new BadRequest(d(400)), "read", all)).toBe("never");
  });

  it("codes that prove a request never left", () => {
    for (const code of ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])
      expect(neverSent(code), code).toBe(true);
    for (const code of [undefined, "ECONNRESET", "EPIPE", "ETIMEDOUT", ""])
      expect(neverSent(code), String(code)).toBe(false);
  });
});

describe("the policies", () => {
  it("the default and the SDK's", () => {
    expect(SDK_SLOWDOWN_BACKOFF).toEqual({
      maxAttempts: 10,
      baseDelayMs: 1000,
      maxDelayMs: Number.POSITIVE_INFINITY,
      jitter: "full",
      loopMs: 60_000,
    });
    expect(DEFAULT_RETRY).toEqual({
      maxAttempts: 25,
      maxElapsedMs: 120_000,
      baseDelayMs: 50,
      maxDelayMs: 2000,
      jitter: "full",
      retryOn: ["throttled", "server-error", "connection", "transaction"],
      slowDown: SDK_SLOWDOWN_BACKOFF,
    });
    expect(SDK_RETRY).toEqual({ ...DEFAULT_RETRY, retryOn: ["throttled"] });
  });
});

describe("RetryBudget", () => {
  const fixed = (policy: Partial<RetryPolicy>, random = () => 0.5, clock = { now: 0 }) =>
    new RetryBudget({ ...DEFAULT_RETRY, ...policy }, random, () => clock.now);

  it("delays double from the base up to the cap, exactly without jitter", () => {
    const b = fixed({ jitter: "none", baseDelayMs: 50, maxDelayMs: 300, maxAttempts: 6 });
    expect([1, 2, 3, 4, 5, 6].map((a) => b.delayAfter(a))).toEqual([50, 100, 200, 300, 300, null]);
  });

  it("full jitter takes the floor of random × backoff", () => {
    const b = fixed({ jitter: "full", baseDelayMs: 50, maxDelayMs: 2000 }, () => 0.5);
    expect([1, 2, 3].map((a) => b.delayAfter(a))).toEqual([25, 50, 100]);
    const c = fixed({ jitter: "full", baseDelayMs: 3, maxDelayMs: 2000 }, () => 0.5);
    expect(c.delayAfter(1)).toBe(1);
  });

  it("no delay that would end at or past the operation's deadline", () => {
    const clock = { now: 1000 };
    const b = fixed(
      { jitter: "none", baseDelayMs: 100, maxDelayMs: 100, maxElapsedMs: 500 },
      Math.random,
      clock,
    );
    clock.now = 1399;
    expect(b.delayAfter(1)).toBe(100);
    clock.now = 1400;
    expect(b.delayAfter(1)).toBeNull();
    clock.now = 1000;
    const s = fixed(
      { maxElapsedMs: 500, slowDown: { ...SDK_SLOWDOWN_BACKOFF, baseDelayMs: 100, jitter: "none" } },
      Math.random,
      clock,
    );
    clock.now = 1399;
    expect(s.slowDownDelay(1, 1399)).toBe(100);
    clock.now = 1400;
    expect(s.slowDownDelay(1, 1400)).toBeNull();
  });

  it("SlowDown: no retry after maxAttempts tries or once the loop's time is used; waits cut to what is left", () => {
    const clock = { now: 0 };
    const b = fixed(
      {
        maxElapsedMs: 1e9,
        slowDown: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1e9, jitter: "none", loopMs: 1000 },
      },
      Math.random,
      clock,
    );
    expect([1, 2, 3].map((a) => b.slowDownDelay(a, 0))).toEqual([100, 200, null]);
    clock.now = 950;
    expect(b.slowDownDelay(1, 0)).toBe(50);
    clock.now = 999;
    expect(b.slowDownDelay(1, 0)).toBe(1);
    clock.now = 1000;
    expect(b.slowDownDelay(1, 0)).toBeNull();
    clock.now = 1500;
    expect(b.slowDownDelay(1, 600)).toBe(100);
  });
});

describe("withRetries events", () => {
  it("reports each retry's attempt, delay, error and what is replayed; the same error is thrown at the end", async () => {
    const events: RetryEvent[] = [];
    const error = new InternalServerError(d(500));
    const budget = new RetryBudget(
      { ...DEFAULT_RETRY, maxAttempts: 3, jitter: "none", baseDelayMs: 2, maxDelayMs: 2 },
      Math.random,
    );
    let attempts: number[] = [];
    await expect(
      withRetries(
        budget,
        () => true,
        async (attempt) => {
          attempts.push(attempt);
          throw error;
        },
        (e) => events.push(e),
        "GET /b/s/t?data",
      ),
    ).rejects.toBe(error);
    expect(attempts).toEqual([1, 2, 3]);
    expect(events).toEqual([
      { attempt: 1, delayMs: 2, error, what: "GET /b/s/t?data" },
      { attempt: 2, delayMs: 2, error, what: "GET /b/s/t?data" },
    ]);
    attempts = [];
    const named: RetryEvent[] = [];
    await withRetries(
      new RetryBudget({ ...DEFAULT_RETRY, jitter: "none", baseDelayMs: 1 }),
      () => true,
      async (attempt) => {
        attempts.push(attempt);
        if (attempt === 1) throw error;
        return "ok";
      },
      (e) => named.push(e),
    );
    expect(named.map((e) => e.what)).toEqual(["operation"]);
  });

  it("a failure the caller may not replay is thrown at once", async () => {
    const error = new Conflict(d(409));
    let calls = 0;
    await expect(
      withRetries(
        new RetryBudget(DEFAULT_RETRY),
        (e) => e !== error,
        async () => {
          calls++;
          throw error;
        },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });
});
