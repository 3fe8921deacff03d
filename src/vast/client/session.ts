/**
 * A session with a VAST cluster: one transport (keep-alive agents) reused for every transaction,
 * the server version read once at connect (`GET /?transaction`, `Server: vast X.Y.Z.W`), transactions
 * that commit on success and roll back on failure.
 */
import type { VastConfig } from "./config.js";
import { UnsupportedServer, VastError } from "./errors.js";
import { commonHeaders, headerValue } from "./request-headers.js";
import { failureKind, type RetryBudget, replayOf, withRetries } from "./retry-policy.js";
import { RequestSigner } from "./signer.js";
import { Transaction } from "./transaction.js";
import { HttpTransport, type TransportOptions } from "./transport.js";

const VERSION_PATTERN = /^vast (\d+)\.(\d+)\.(\d+)\.(\d+)$/;

/** Errors of commits whose outcome is unknown (the transaction may have committed). */
const uncertainCommits = new WeakSet<object>();

export interface SessionOptions {
  onRetry?: TransportOptions["onRetry"];
  random?: () => number;
  maxSockets?: number;
}

export class VastSession {
  readonly config: VastConfig;
  readonly transport: HttpTransport;
  /** Transports of the data endpoints (for parallel selects), the main one when none is configured. */
  readonly dataTransports: HttpTransport[];
  readonly version: readonly [number, number, number, number];

  private constructor(
    config: VastConfig,
    transport: HttpTransport,
    dataTransports: HttpTransport[],
    version: [number, number, number, number],
  ) {
    this.config = config;
    this.transport = transport;
    this.dataTransports = dataTransports;
    this.version = version;
  }

  static async connect(config: VastConfig, options: SessionOptions = {}): Promise<VastSession> {
    const signer = new RequestSigner(config.accessKey, config.secretKey, config.region);
    const make = (endpoint: URL) =>
      new HttpTransport({
        endpoint,
        signer,
        timeoutMs: config.timeoutMs,
        retry: config.retry,
        onRetry: options.onRetry,
        random: options.random,
        maxSockets: options.maxSockets,
        redact: [config.accessKey, config.secretKey],
      });
    const transport = make(config.endpoint);
    try {
      const res = await transport.request({
        method: "GET",
        path: "/",
        query: "transaction",
        acceptAnyStatus: true, // the SDK's probe: no tabular headers, only the Server header of the answer
      });
      const server = headerValue(res.headers.server);
      if (server === null || !server.startsWith("vast")) {
        throw new UnsupportedServer(
          `${config.endpoint.origin} is not a VAST DB endpoint (Server: ${server ?? "none"})`,
        );
      }
      const m = VERSION_PATTERN.exec(server);
      if (!m) throw new UnsupportedServer(`unrecognised VAST server version '${server}'`);
      const version = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [
        number,
        number,
        number,
        number,
      ];
      const dataTransports =
        config.dataEndpoints.length > 0 ? config.dataEndpoints.map((u) => make(u)) : [transport];
      return new VastSession(config, transport, dataTransports, version);
    } catch (err) {
      transport.close();
      throw err;
    }
  }

  /** Opens a transaction; its requests retry within `budget` (the operation's) when given. */
  async begin(budget?: RetryBudget): Promise<Transaction> {
    const res = await this.transport.request({
      method: "POST",
      path: "/",
      query: "transaction",
      headers: commonHeaders(0n),
      call: "begin",
      budget,
    });
    const raw = headerValue(res.headers["tabular-txid"]);
    if (raw === null || !/^\d+$/.test(raw)) {
      throw new VastError("VAST_API_RESPONSE_ERROR", "begin transaction answered without a tabular-txid");
    }
    return new Transaction(this, BigInt(raw), budget);
  }

  /**
   * Runs `fn` in a transaction: commit when it resolves, rollback (best effort) when it throws. A commit that
   * fails is followed by a rollback too (see Transaction.commit), so no transaction is left open. Not retried
   * here: the caller owns the retry loop (see `retrying`).
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>, budget?: RetryBudget): Promise<T> {
    const tx = await this.begin(budget);
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      await tx.rollback().catch(() => undefined);
      throw err;
    }
    try {
      await tx.commit();
    } catch (err) {
      // A commit refused (409, 4xx, SlowDown) did not happen; one that got a 500 or lost its answer may have.
      const kind = failureKind(err);
      if ((kind === "connection" || kind === "server-error") && typeof err === "object" && err !== null) {
        uncertainCommits.add(err);
      }
      throw err;
    }
    return result;
  }

  /**
   * Runs `fn` in a transaction and replays the whole transaction while a failure allows it (a write or commit whose
   * outcome is unknown, a conflict, a 500, a dropped connection), all within one budget of the configured policy.
   * `fn` must be safe to replay (the catalog's upserts are). `commit: false` rolls back instead (reads); with
   * `awaitRollback: false` too, the answer does not wait for that rollback (a read-only transaction holds nothing
   * another writer waits for; one whose rollback is lost is ended by the server's idle timeout).
   */
  retrying<T>(
    fn: (tx: Transaction, attempt: number, afterUncertainCommit: boolean) => Promise<T>,
    options: { commit?: boolean; awaitRollback?: boolean; alsoRetry?: (err: unknown) => boolean } = {},
  ): Promise<T> {
    const budget = this.transport.newBudget();
    // Once an attempt's commit had an unknown outcome, every later attempt is told so (it may have committed).
    let afterUncertainCommit = false;
    const run = async (attempt: number): Promise<T> => {
      if (options.commit === false) {
        const tx = await this.begin(budget);
        try {
          return await fn(tx, attempt, false);
        } finally {
          const released = tx.rollback().catch(() => undefined);
          if (options.awaitRollback !== false) await released;
        }
      }
      try {
        return await this.transaction((tx) => fn(tx, attempt, afterUncertainCommit), budget);
      } catch (err) {
        if (typeof err === "object" && err !== null && uncertainCommits.has(err)) afterUncertainCommit = true;
        throw err;
      }
    };
    return withRetries(
      budget,
      // A SlowDown reaching this loop has used up the SDK's schedule in place: given up, as the SDK does.
      (err) =>
        (failureKind(err) !== "throttled" && replayOf(err, "write", budget.policy) !== "never") ||
        options.alsoRetry?.(err) === true,
      run,
      this.transport.onRetry,
      "transaction",
    );
  }

  /** Answer body bytes received over all of the session's transports. */
  get bytesReceived(): number {
    let n = 0;
    for (const t of new Set([this.transport, ...this.dataTransports])) n += t.bytesReceived;
    return n;
  }

  close(): void {
    for (const t of new Set([this.transport, ...this.dataTransports])) t.close();
  }
}
