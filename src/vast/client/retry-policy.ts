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

export interface RetryPolicy {
  /** Attempts per loop, the first included. */
  maxAttempts: number;
  /** Total time budget of one operation across all its loops and attempts (ms). */
  maxElapsedMs: number;
  /** First backoff delay (ms); doubles per attempt. */
  baseDelayMs: number;
  /** Upper bound of a single delay (ms). */
  maxDelayMs: number;
  /** "full": a uniformly random delay up to the backoff (spreads writers apart); "none": exactly the backoff. */
  jitter: "full" | "none";
  /** The failures worth retrying at all. */
  retryOn: readonly FailureKind[];
}

/**
 * The default: every failure that may pass (throttling, 500s, dropped connections, conflicts) is retried within
 * two minutes, so a scan survives an unreliable network or a busy cluster.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 25,
  maxElapsedMs: 120_000,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  jitter: "full",
  retryOn: ["throttled", "unavailable", "server-error", "connection", "transaction"],
};

/** The official `vastdb` SDK's behaviour: only 503 SlowDown, after 1, 2, 4, … seconds. */
export const SDK_RETRY: RetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 16_000,
  jitter: "none",
  retryOn: ["throttled"],
};

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
    case "unavailable":
      return "request"; // refused before any work was done
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
    private readonly now: () => number = Date.now,
  ) {
    this.#deadline = now() + policy.maxElapsedMs;
  }

  /** The pause before attempt `attempt + 1`, or null when the attempts or the time are used up. */
  delayAfter(attempt: number): number | null {
    if (attempt >= this.policy.maxAttempts) return null;
    const backoff = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    const delay = this.policy.jitter === "full" ? Math.floor(this.random() * backoff) : backoff;
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (!replays(err)) throw err;
      const delayMs = budget.delayAfter(attempt);
      if (delayMs === null) throw err;
      onRetry?.({ attempt, delayMs, error: err as Error, what });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
