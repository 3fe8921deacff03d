/**
 * withRetries of remote sources on fake timers: how many attempts, the exact jittered backoff before each, the
 * per-attempt timeout, cancellation before, during and between attempts, and the error thrown at the end.
 */
import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cancelled, DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from "../../src/io/remote-retry.js";
import { SourceError } from "../../src/io/source-error.js";

const transient = (m = "flaky") => new SourceError("EXR_SOURCE_UNAVAILABLE", m, true);
const policy = (p: Partial<RetryPolicy> = {}): RetryPolicy => ({
  retries: 3,
  baseDelayMs: 100,
  maxDelayMs: 250,
  timeoutMs: 10_000,
  ...p,
});
const unclassified = (): SourceError => {
  throw new Error("classify must not be called");
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets pending promise callbacks run without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe("withRetries (remote sources)", () => {
  it("defaults: 4 retries, 50 ms base, 2 s cap, 30 s per attempt", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      retries: 4,
      baseDelayMs: 50,
      maxDelayMs: 2000,
      timeoutMs: 30_000,
    });
    expect(cancelled()).toMatchObject({
      code: "EXR_SOURCE_UNAVAILABLE",
      message: "cancelled",
      retryable: false,
    });
    expect(cancelled().name).toBe("SourceError");
    expect(cancelled()).toBeInstanceOf(Error);
  });

  it("waits random × min(cap, base × 2^n) before attempt n + 1, then succeeds", async () => {
    const times: number[] = [];
    const randoms: number[] = [];
    const start = Date.now();
    const result = withRetries(
      async () => {
        times.push(Date.now() - start);
        if (times.length < 4) throw transient();
        return "ok";
      },
      unclassified,
      policy(),
      () => {
        randoms.push(randoms.length);
        return 1;
      },
    );
    await vi.runAllTimersAsync();
    expect(await result).toBe("ok");
    // 100, then 200, then 400 capped at 250.
    expect(times).toEqual([0, 100, 300, 550]);
    expect(randoms).toHaveLength(3);
  });

  it("the delay is exactly the random fraction of the backoff", async () => {
    const times: number[] = [];
    const start = Date.now();
    const result = withRetries(
      async () => {
        times.push(Date.now() - start);
        if (times.length < 3) throw transient();
        return 1;
      },
      unclassified,
      policy(),
      () => 0.5,
    );
    await vi.advanceTimersByTimeAsync(49);
    expect(times).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toEqual([0, 50]);
    await vi.advanceTimersByTimeAsync(100);
    expect(times).toEqual([0, 50, 150]);
    expect(await result).toBe(1);
  });

  it("a retryable failure is given up after `retries` retries, naming the attempts", async () => {
    let attempts = 0;
    const result = withRetries(
      async () => {
        attempts++;
        throw transient("HTTP 503");
      },
      unclassified,
      policy({ retries: 2 }),
      () => 0,
    );
    result.catch(() => undefined);
    await vi.runAllTimersAsync();
    const e = await result.catch((err: SourceError) => err);
    expect(attempts).toBe(3);
    expect(e).toBeInstanceOf(SourceError);
    expect({ code: e.code, message: e.message, retryable: e.retryable }).toEqual({
      code: "EXR_SOURCE_UNAVAILABLE",
      message: "HTTP 503 (after 3 attempts)",
      retryable: false,
    });
  });

  it("with no retries, a retryable failure is thrown as it is", async () => {
    const own = transient();
    let attempts = 0;
    const result = withRetries(
      async () => {
        attempts++;
        throw own;
      },
      unclassified,
      policy({ retries: 0 }),
    );
    await expect(result).rejects.toBe(own);
    expect(attempts).toBe(1);
  });

  it("a failure that is not retryable is thrown at once, unchanged", async () => {
    const own = new SourceError("EXR_SOURCE_NOT_FOUND", "gone");
    let attempts = 0;
    await expect(
      withRetries(
        async () => {
          attempts++;
          throw own;
        },
        unclassified,
        policy(),
      ),
    ).rejects.toBe(own);
    expect(attempts).toBe(1);
  });

  it("other failures are classified (not timed out) and the classification decides", async () => {
    const thrown = new Error("socket hang up");
    const calls: [unknown, boolean][] = [];
    let attempts = 0;
    const result = withRetries(
      async () => {
        attempts++;
        throw thrown;
      },
      (err, timedOut) => {
        calls.push([err, timedOut]);
        return new SourceError("EXR_SOURCE_UNAVAILABLE", "reset", attempts < 2);
      },
      policy(),
      () => 0,
    );
    result.catch(() => undefined);
    await vi.runAllTimersAsync();
    await expect(result).rejects.toMatchObject({ message: "reset", retryable: false });
    expect(calls).toEqual([
      [thrown, false],
      [thrown, false],
    ]);
  });

  it("an attempt still running at its timeout is aborted and classified as timed out", async () => {
    const calls: boolean[] = [];
    const signals: AbortSignal[] = [];
    const result = withRetries(
      (signal) =>
        new Promise((_, reject) => {
          signals.push(signal);
          signal.addEventListener("abort", () => reject(new Error("aborted")));
        }),
      (_err, timedOut) => {
        calls.push(timedOut);
        return new SourceError("EXR_SOURCE_UNAVAILABLE", "timed out", false);
      },
      policy({ timeoutMs: 500 }),
    );
    result.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(499);
    expect(signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).rejects.toMatchObject({ message: "timed out" });
    expect(signals[0]?.aborted).toBe(true);
    expect(calls).toEqual([true]);
  });

  it("each attempt's timer stops when the attempt ends", async () => {
    expect(await withRetries(async () => 7, unclassified, policy())).toBe(7);
    expect(vi.getTimerCount()).toBe(0);
    const failed = withRetries(
      async () => {
        throw new SourceError("EXR_SOURCE_NOT_FOUND", "gone");
      },
      unclassified,
      policy(),
    );
    await expect(failed).rejects.toMatchObject({ message: "gone" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cancelled before the first attempt: nothing is tried", async () => {
    const controller = new AbortController();
    controller.abort();
    let attempts = 0;
    const e = await withRetries(
      async () => {
        attempts++;
        return 1;
      },
      unclassified,
      policy({ signal: controller.signal }),
    ).catch((err: SourceError) => err);
    expect(attempts).toBe(0);
    expect(e).toMatchObject({ code: "EXR_SOURCE_UNAVAILABLE", message: "cancelled" });
  });

  it("cancelled during an attempt: the attempt is aborted and the result is 'cancelled', not classified", async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const result = withRetries(
      (signal) =>
        new Promise((_, reject) => {
          seen = signal;
          signal.addEventListener("abort", () => reject(new Error("aborted")));
        }),
      unclassified,
      policy({ signal: controller.signal }),
    );
    result.catch(() => undefined);
    await settle();
    controller.abort();
    await settle();
    expect(seen?.aborted).toBe(true);
    await expect(result).rejects.toMatchObject({ message: "cancelled" });
  });

  it("cancelled while waiting to retry: no further attempt, at once", async () => {
    const controller = new AbortController();
    let attempts = 0;
    const result = withRetries(
      async () => {
        attempts++;
        throw transient();
      },
      unclassified,
      policy({ signal: controller.signal, baseDelayMs: 1000, maxDelayMs: 1000 }),
      () => 1,
    );
    result.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(500);
    controller.abort();
    await settle();
    await expect(result).rejects.toMatchObject({ message: "cancelled" });
    expect(attempts).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cancelled while its failure is being classified: no wait, 'cancelled' at once", async () => {
    const controller = new AbortController();
    let attempts = 0;
    const result = withRetries(
      async () => {
        attempts++;
        throw new Error("reset");
      },
      () => {
        controller.abort();
        return transient();
      },
      policy({ signal: controller.signal, baseDelayMs: 1000, maxDelayMs: 1000 }),
      () => 1,
    );
    let outcome = "pending";
    result.catch((e: Error) => {
      outcome = e.message;
    });
    await settle();
    expect(outcome).toBe("cancelled");
    expect(attempts).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a signal that is never aborted keeps no listener: one per attempt or wait, removed when it ends", async () => {
    const controller = new AbortController();
    const listeners = () => getEventListeners(controller.signal, "abort").length;
    let attempts = 0;
    const during: number[] = [];
    const result = withRetries(
      async () => {
        during.push(listeners());
        if (++attempts < 2) throw transient();
        return "done";
      },
      unclassified,
      policy({ signal: controller.signal }),
      () => 1,
    );
    await settle();
    expect(listeners()).toBe(1); // the wait before the second attempt
    await vi.runAllTimersAsync();
    expect(await result).toBe("done");
    expect(during).toEqual([1, 1]);
    expect(listeners()).toBe(0);
  });
});
