/**
 * Retries of one remote request: each attempt has its own timeout; retryable failures are tried again
 * after a full-jitter exponential backoff (a random delay up to base * 2^attempt, capped), so many clients
 * retrying at once spread out. Cancellation (the caller's signal) stops at once: no new attempt starts.
 */
import { SourceError } from "./source-error.js";

export interface RetryPolicy {
  /** Attempts after the first (default 4). */
  retries: number;
  /** Backoff base and cap in milliseconds (defaults 50 and 2000). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt, including reading the body (default 30 s). */
  timeoutMs: number;
  /** Cancels the request in flight and every later attempt. */
  signal?: AbortSignal;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 50,
  maxDelayMs: 2000,
  timeoutMs: 30_000,
};

export const cancelled = () => new SourceError("EXR_SOURCE_UNAVAILABLE", "cancelled");

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires "abort" once; the wait removes its listener when it ends
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `attempt` with a signal that fires on the attempt's timeout or on cancellation. `classify` turns a
 * failure into a SourceError (retryable or not); the last failure is thrown once retries are exhausted.
 */
export async function withRetries<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  classify: (err: unknown, timedOut: boolean) => SourceError,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Promise<T> {
  for (let n = 0; ; n++) {
    if (policy.signal?.aborted) throw cancelled();
    // One controller per attempt, fired by its timer or by cancellation (AbortSignal.any and
    // AbortSignal.timeout cost several times more per request).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, policy.timeoutMs);
    const cancel = () => controller.abort();
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires "abort" once; the attempt removes its listener when it ends
    policy.signal?.addEventListener("abort", cancel, { once: true });
    let failure: SourceError;
    try {
      return await attempt(controller.signal);
    } catch (err) {
      if (policy.signal?.aborted) throw cancelled();
      failure = err instanceof SourceError ? err : classify(err, timedOut);
    } finally {
      clearTimeout(timer);
      policy.signal?.removeEventListener("abort", cancel);
    }
    if (!failure.retryable || n >= policy.retries) {
      if (failure.retryable && n > 0)
        throw new SourceError(failure.code, `${failure.message} (after ${n + 1} attempts)`);
      throw failure;
    }
    await sleep(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n), policy.signal);
  }
}
