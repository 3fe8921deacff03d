/**
 * HTTP transport of the tabular API: one keep-alive agent per endpoint, SigV4 on every request,
 * non-200 answers mapped to typed errors, and bounded retries (exponential backoff with full jitter)
 * on SlowDown, 503 and connections that may safely be replayed.
 */
import http from "node:http";
import https from "node:https";
import { decodeS3Error } from "../protocol/s3-error.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./config.js";
import { ConnectionError, errorFromResponse, isRetriable } from "./errors.js";
import type { RequestSigner } from "./signer.js";

export interface TabularRequest {
  method: "GET" | "HEAD" | "POST" | "PUT" | "DELETE";
  /** Already-encoded path, starting with `/`. */
  path: string;
  /** Query string without `?` (e.g. `table` or `table&tabular-new-table-name=s%2Ft`). */
  query?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Which endpoint to talk to (default: the session's main endpoint). */
  endpoint?: URL;
  /** Return any status instead of throwing (the version probe reads only headers). */
  acceptAnyStatus?: boolean;
  /** Safe to replay after a dropped connection even though it writes (e.g. a rollback). */
  idempotent?: boolean;
}

export interface TabularResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface TransportOptions {
  endpoint: URL;
  signer: RequestSigner;
  timeoutMs: number;
  retry?: RetryPolicy;
  /** Called before each retry (for tests and logs); never given the request's headers. */
  onRetry?: (info: { attempt: number; delayMs: number; error: Error; method: string; path: string }) => void;
  /** Randomness source of the jitter (tests make it deterministic). */
  random?: () => number;
  /** Strings scrubbed from server error messages before they reach an error (the credentials). */
  redact?: readonly string[];
  maxSockets?: number;
}

const READ_ONLY = new Set(["GET", "HEAD"]);
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export class HttpTransport {
  readonly endpoint: URL;
  readonly #signer: RequestSigner;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #onRetry: TransportOptions["onRetry"];
  readonly #random: () => number;
  readonly #redact: readonly string[];
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;

  constructor(options: TransportOptions) {
    this.endpoint = options.endpoint;
    this.#signer = options.signer;
    this.#timeoutMs = options.timeoutMs;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#onRetry = options.onRetry;
    this.#random = options.random ?? Math.random;
    this.#redact = (options.redact ?? []).filter((s) => s.length > 0);
    const maxSockets = options.maxSockets ?? 16;
    this.#httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.#httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  }

  /** Sends with retries; throws the typed error of the last attempt. */
  async request(req: TabularRequest): Promise<TabularResponse> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(req);
      } catch (err) {
        if (!isRetriable(err) || attempt >= this.#retry.maxAttempts) throw err;
        const cap = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
        const delayMs = Math.floor(this.#random() * cap);
        if (Date.now() - started + delayMs > this.#retry.maxElapsedMs) throw err;
        this.#onRetry?.({ attempt, delayMs, error: err as Error, method: req.method, path: req.path });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** One attempt, no retry. */
  async send(req: TabularRequest): Promise<TabularResponse> {
    const base = req.endpoint ?? this.endpoint;
    const url = new URL(base.href);
    url.pathname = joinPath(base.pathname, req.path);
    url.search = req.query ? `?${req.query}` : "";
    const auth = await this.#signer.sign({ method: req.method, url, body: req.body });
    const headers: Record<string, string> = { ...req.headers, ...auth, host: url.host };
    if (req.body !== undefined) headers["content-length"] = String(req.body.byteLength);
    const pathForErrors = `${url.pathname}${url.search}`;

    const res = await new Promise<TabularResponse>((resolve, reject) => {
      const lib = url.protocol === "https:" ? https : http;
      const r = lib.request(
        url,
        {
          method: req.method,
          headers,
          agent: url.protocol === "https:" ? this.#httpsAgent : this.#httpAgent,
          timeout: this.#timeoutMs,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (c: Buffer) => chunks.push(c));
          incoming.on("error", (e) =>
            reject(connectionError(req.method, pathForErrors, e, true, req.idempotent)),
          );
          incoming.on("aborted", () =>
            reject(
              connectionError(req.method, pathForErrors, new Error("response aborted"), true, req.idempotent),
            ),
          );
          incoming.on("end", () => {
            if (!incoming.complete) {
              reject(
                connectionError(
                  req.method,
                  pathForErrors,
                  new Error("incomplete response"),
                  true,
                  req.idempotent,
                ),
              );
              return;
            }
            resolve({
              status: incoming.statusCode ?? 0,
              headers: incoming.headers,
              body: Buffer.concat(chunks),
            });
          });
        },
      );
      r.on("timeout", () => r.destroy(new Error("request timed out")));
      r.on("error", (e) => reject(connectionError(req.method, pathForErrors, e, false, req.idempotent)));
      r.end(
        req.body === undefined
          ? undefined
          : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength),
      );
    });

    if (res.status !== 200 && !req.acceptAnyStatus) {
      const parsed = res.body.byteLength <= 64 * 1024 ? decodeS3Error(res.body.toString("utf8")) : null;
      throw errorFromResponse({
        method: req.method,
        path: pathForErrors,
        status: res.status,
        s3Code: parsed?.code || null,
        s3Message: parsed?.message ? this.#scrub(parsed.message) : null,
      });
    }
    return res;
  }

  #scrub(text: string): string {
    let out = text;
    for (const secret of this.#redact) out = out.split(secret).join("[redacted]");
    return out;
  }

  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }
}

function joinPath(basePath: string, path: string): string {
  const trimmed = basePath.endsWith("/") ? basePath.slice(0, -1) : basePath;
  return `${trimmed}${path}`;
}

function connectionError(
  method: string,
  path: string,
  cause: Error,
  responseStarted: boolean,
  idempotent = false,
): ConnectionError {
  const code = (cause as NodeJS.ErrnoException).code;
  // A read-only (or idempotent) request may always be replayed; a write only when it provably never reached the
  // server.
  const mayRetry =
    READ_ONLY.has(method) || idempotent || (!responseStarted && code !== undefined && NEVER_SENT.has(code));
  return new ConnectionError(
    `${method} ${path}: connection failed (${code ?? cause.message})`,
    mayRetry,
    cause,
  );
}
