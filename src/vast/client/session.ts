/**
 * A session with a VAST cluster: one transport (keep-alive agents) reused for every transaction,
 * the server version read once at connect (`GET /?transaction`, `Server: vast X.Y.Z.W`), transactions
 * that commit on success and roll back on failure.
 */
import type { VastConfig } from "./config.js";
import { UnsupportedServer, VastError } from "./errors.js";
import { commonHeaders, headerValue } from "./request-headers.js";
import { RequestSigner } from "./signer.js";
import { Transaction } from "./transaction.js";
import { HttpTransport, type TransportOptions } from "./transport.js";

const VERSION_PATTERN = /^vast (\d+)\.(\d+)\.(\d+)\.(\d+)$/;

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
        headers: commonHeaders(0n),
        acceptAnyStatus: true,
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

  async begin(): Promise<Transaction> {
    const res = await this.transport.request({
      method: "POST",
      path: "/",
      query: "transaction",
      headers: commonHeaders(0n),
    });
    const raw = headerValue(res.headers["tabular-txid"]);
    if (raw === null || !/^\d+$/.test(raw)) {
      throw new VastError("VAST_API_RESPONSE_ERROR", "begin transaction answered without a tabular-txid");
    }
    return new Transaction(this, BigInt(raw));
  }

  /**
   * Runs `fn` in a transaction: commit when it resolves, rollback (best effort) when it throws. A commit that
   * fails is followed by a rollback too (see Transaction.commit), so no transaction is left open.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx = await this.begin();
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      await tx.rollback().catch(() => undefined);
      throw err;
    }
    await tx.commit();
    return result;
  }

  close(): void {
    for (const t of new Set([this.transport, ...this.dataTransports])) t.close();
  }
}
