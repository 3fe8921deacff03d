/**
 * The one retry policy of the VAST client and catalog adapter.
 *
 * Every call is classified by what replaying it means (`CallKind`), every failure by what the server may have done
 * (`FailureKind`); together they say whether the same request may be sent again in place, or only the whole
 * transaction (a write or commit whose outcome is unknown: safe because the catalog's upserts are idempotent), or
 * nothing. The outermost layer that can replay a failure owns the retry loop; inner layers only classify and throw.
 * All loops of one operation share one `RetryBudget`, so the total time is bounded whatever the nesting.
 */
import {
  Conflict,
  ConnectionError,
  InternalServerError,
  MissingTransaction,
  QueryDataInternalError,
  RequestTimeout,
  ServiceUnavailable,
  SlowDown,
} from "./errors.js";

/** What a request does, for deciding what a failure of it allows. */
export type CallKind =
  /** Reads nothing-changing state (select, list, stats, version probe): always safe to send again. */
  | "read"
  /** Opens a transaction: a lost answer leaves at most an idle transaction the server times out. */
  | "begin"
  /** Rolls back: doing it twice is harmless. */
  | "rollback"
  /** Changes rows or schema inside a transaction: a lost answer leaves the outcome unknown. */
  | "write"
  /** Commits: a lost answer leaves the outcome unknown. */
  | "commit";

/** What went wrong, as far as replaying is concerned. */
export type FailureKind =
  /** 503 SlowDown: the server refused before doing anything. */
  | "throttled"
  /** Any other 503. */
  | "unavailable"
  /** 500, or a query that failed inside the server. */
  | "server-error"
  /** The connection failed before a complete answer (reset, drop, timeout). */
  | "connection"
  /** A transaction-level failure: 409 conflict, 408, unknown transaction. */
  | "transaction"
  /** Anything else (4xx, bad data, programming errors): never retried. */
  | "permanent";

/** How a failed call may be replayed: the same request, only the whole transaction, or not at all. */
export type Replay = "request" | "transaction" | "never";

/** The schedule of one retry loop. */
export interface Backoff {
  /** Attempts per loop, the first included. */
  maxAttempts: number;
  /** First backoff delay (ms); doubles per attempt. */
  baseDelayMs: number;
  /** Upper bound of a single delay (ms). */
  maxDelayMs: number;
  /** "full": a uniformly random delay up to the backoff (spreads writers apart); "none": exactly the backoff. */
  jitter: "full" | "none";
}

/** The official SDK's schedule for 503 SlowDown (`backoff.expo` under `BackoffConfig`'s defaults). */
export interface SlowDownBackoff extends Backoff {
  /** Time of one loop (the SDK's `max_time`): no retry once it has passed, and no wait reaches past it. */
  loopMs: number;
}

export interface RetryPolicy extends Backoff {
  /** Total time budget of one operation across all its loops and attempts (ms). */
  maxElapsedMs: number;
  /** The failures worth retrying at all. */
  retryOn: readonly FailureKind[];
  /** In-place replays after 503 SlowDown follow this schedule (the others follow the fields above). */
  slowDown: SlowDownBackoff;
}

/**
 * The SDK's (vastdb 2.0.14 `_internal.py` + `config.BackoffConfig`): `backoff.on_exception(backoff.expo,
 * max_tries=10, max_time=60)` with backoff's default full jitter — waits drawn from [0, 1), [0, 2), [0, 4), … s,
 * no cap on one wait except the loop's 60 s, at most 10 tries.
 */
export const SDK_SLOWDOWN_BACKOFF: SlowDownBackoff = {
  maxAttempts: 10,
  baseDelayMs: 1_000,
  maxDelayMs: Number.POSITIVE_INFINITY,
  jitter: "full",
  loopMs: 60_000,
};

/**
 * The default. 503 SlowDown is retried like the SDK does it (its schedule above); any other 503 is not retried
 * (the SDK raises it too). Beyond the SDK — because the catalog's transactions are idempotent by design — a 500, a
 * dropped connection or a conflict replays the request (reads) or the whole transaction, 50 ms doubling to 2 s with
 * full jitter, 25 attempts per loop; one operation gets 120 s in all.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 25,
  maxElapsedMs: 120_000,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  jitter: "full",
  retryOn: ["throttled", "server-error", "connection", "transaction"],
  slowDown: SDK_SLOWDOWN_BACKOFF,
};

/** The official `vastdb` SDK's handling of 503s alone: SlowDown only, on its schedule; nothing else. */
export const SDK_RETRY: RetryPolicy = { ...DEFAULT_RETRY, retryOn: ["throttled"] };

const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export function failureKind(err: unknown): FailureKind {
  if (err instanceof SlowDown) return "throttled";
  if (err instanceof ServiceUnavailable) return "unavailable";
  if (err instanceof InternalServerError || err instanceof QueryDataInternalError) return "server-error";
  if (err instanceof ConnectionError) return "connection";
  if (err instanceof Conflict || err instanceof RequestTimeout || err instanceof MissingTransaction)
    return "transaction";
  return "permanent";
}

/** What replaying `call` after `err` may do under `policy`. */
export function replayOf(err: unknown, call: CallKind, policy: RetryPolicy): Replay {
  const kind = failureKind(err);
  if (!policy.retryOn.includes(kind)) return "never";
  switch (kind) {
    case "throttled":
      return "request"; // refused before any work was done
    case "unavailable":
      return "never"; // the SDK does not retry a 503 other than SlowDown either
    case "transaction":
      return "transaction";
    case "connection":
      if (err instanceof ConnectionError && err.neverSent) return "request";
      return call === "write" || call === "commit" ? "transaction" : "request";
    case "server-error":
      return call === "write" || call === "commit" ? "transaction" : "request";
    case "permanent":
      return "never";
  }
}

/** True when `code` (a socket error code) proves the request never reached the server. */
export function neverSent(code: string | undefined): boolean {
  // Stryker disable next-line ConditionalExpression: a faster path; the set holds no undefined
  return code !== undefined && NEVER_SENT.has(code);
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: Error;
  /** What is replayed: one request ("GET /b/s/t?data") or "transaction". */
  what: string;
}

/** The time left to one operation, shared by every retry loop inside it. */
export class RetryBudget {
  readonly #deadline: number;

  constructor(
    readonly policy: RetryPolicy,
    private readonly random: () => number = Math.random,
    readonly now: () => number = Date.now,
  ) {
    this.#deadline = now() + policy.maxElapsedMs;
  }

  /** The pause before attempt `attempt + 1` after a failure other than SlowDown, or null when used up. */
  delayAfter(attempt: number): number | null {
    if (attempt >= this.policy.maxAttempts) return null;
    return this.#within(this.#backoff(this.policy, attempt));
  }

  /**
   * The pause before the next attempt after the `attempt`-th SlowDown of a loop that started at `loopStart`, or
   * null: like the SDK, no retry after `maxAttempts` tries or once the loop's time is up, and a wait is cut to the
   * loop's remaining time.
   */
  slowDownDelay(attempt: number, loopStart: number): number | null {
    const schedule = this.policy.slowDown;
    const elapsed = this.now() - loopStart;
    if (attempt >= schedule.maxAttempts || elapsed >= schedule.loopMs) return null;
    return this.#within(Math.min(this.#backoff(schedule, attempt), schedule.loopMs - elapsed));
  }

  #backoff(schedule: Backoff, attempt: number): number {
    const backoff = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** (attempt - 1));
    return schedule.jitter === "full" ? Math.floor(this.random() * backoff) : backoff;
  }

  #within(delay: number): number | null {
    return this.now() + delay >= this.#deadline ? null : delay;
  }
}

/**
 * Runs `work` until it succeeds, its failure may not be replayed at this level (`replays(err)` false), or the
 * budget is spent; then throws the last failure.
 */
export async function withRetries<T>(
  budget: RetryBudget,
  replays: (err: unknown) => boolean,
  work: (attempt: number) => Promise<T>,
  onRetry?: (event: RetryEvent) => void,
  what = "operation",
): Promise<T> {
  const loopStart = budget.now();
  let slowDowns = 0;
  let others = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (!replays(err)) throw err;
      // SlowDown follows the SDK's schedule, every other replay ours; each counts its own attempts.
      const delayMs =
        failureKind(err) === "throttled"
          ? budget.slowDownDelay(++slowDowns, loopStart)
          : budget.delayAfter(++others);
      if (delayMs === null) throw err;
      onRetry?.({ attempt, delayMs, error: err as Error, what });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
