/**
 * HTTP transport of the tabular API: one keep-alive agent per endpoint, SigV4 on every request,
 * non-200 answers mapped to typed errors, and in-place retries of the failures retry-policy.ts says the same
 * request may be replayed for (within the caller's budget when it gives one).
 */
import http from "node:http";
import https from "node:https";
import { decodeS3Error } from "../protocol/s3-error.js";
import { ConnectionError, errorFromResponse } from "./errors.js";
import { ResponseBody } from "./response-body.js";
import {
  type RetryBudget as Budget,
  type CallKind,
  DEFAULT_RETRY,
  neverSent,
  RetryBudget,
  type RetryEvent,
  type RetryPolicy,
  replayOf,
  withRetries,
} from "./retry-policy.js";
import type { RequestSigner } from "./signer.js";
import { USER_AGENT } from "./user-agent.js";

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
  /** What the request does (default: "read" for GET/HEAD, else "write"); decides what a failure allows. */
  call?: CallKind;
  /** The operation's retry budget (default: a fresh one from the transport's policy). */
  budget?: Budget;
}

export interface TabularResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** An answer whose body is read as it arrives (`requestStream`). */
export interface StreamedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: ResponseBody;
}

export interface TransportOptions {
  endpoint: URL;
  signer: RequestSigner;
  timeoutMs: number;
  retry?: RetryPolicy;
  /** Called before each retry (for tests and logs); never given the request's headers. */
  onRetry?: (event: RetryEvent) => void;
  /** Randomness source of the jitter (tests make it deterministic). */
  random?: () => number;
  /** Strings scrubbed from server error messages before they reach an error (the credentials). */
  redact?: readonly string[];
  maxSockets?: number;
}

const READ_ONLY = new Set(["GET", "HEAD"]);

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
  /** Body bytes of every answer received so far (what a read costs on the wire). */
  bytesReceived = 0;

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

  /** A fresh budget of this transport's policy, for an operation that owns its retries. */
  newBudget(): RetryBudget {
    return new RetryBudget(this.#retry, this.#random);
  }

  get onRetry(): TransportOptions["onRetry"] {
    return this.#onRetry;
  }

  /**
   * Sends, replaying the same request while the policy allows it in place; throws the typed error of the last
   * attempt (a failure only the whole transaction may replay is thrown at once, for the transaction's owner).
   */
  request(req: TabularRequest): Promise<TabularResponse> {
    const budget = req.budget ?? this.newBudget();
    const call = req.call ?? (READ_ONLY.has(req.method) ? "read" : "write");
    return withRetries(
      budget,
      (err) => replayOf(err, call, budget.policy) === "request",
      () => this.send(req),
      this.#onRetry,
      `${req.method} ${req.path}${req.query ? `?${req.query}` : ""}`,
    );
  }

  /**
   * Like `request`, but hands back the body unread once a 200 answer starts (any other status is read whole and
   * thrown as before): the caller reads it piece by piece and must `close()` it if it stops early. Only the
   * exchange up to the status is retried here; a failure while reading the body is the caller's to replay.
   */
  requestStream(req: TabularRequest): Promise<StreamedResponse> {
    const budget = req.budget ?? this.newBudget();
    const call = req.call ?? (READ_ONLY.has(req.method) ? "read" : "write");
    return withRetries(
      budget,
      (err) => replayOf(err, call, budget.policy) === "request",
      async () => {
        const res = await this.#open(req);
        if (res.status === 200 || req.acceptAnyStatus) return res;
        this.#throwFor(req, res.status, await res.body.all());
      },
      this.#onRetry,
      `${req.method} ${req.path}${req.query ? `?${req.query}` : ""}`,
    );
  }

  /** One attempt, no retry. */
  async send(req: TabularRequest): Promise<TabularResponse> {
    const res = await this.#open(req);
    const body = await res.body.all();
    if (res.status !== 200 && !req.acceptAnyStatus) this.#throwFor(req, res.status, body);
    return { status: res.status, headers: res.headers, body };
  }

  /** Sends the request; resolves once the answer's status and headers have come, its body not yet read. */
  async #open(req: TabularRequest): Promise<StreamedResponse> {
    const url = this.#url(req);
    const auth = await this.#signer.sign({ method: req.method, url, body: req.body });
    const headers: Record<string, string> = {
      "user-agent": USER_AGENT,
      ...req.headers,
      ...auth,
      host: url.host,
    };
    // Stryker disable next-line ConditionalExpression: Node sets the same Content-Length for a body sent by one end()
    if (req.body !== undefined) headers["content-length"] = String(req.body.byteLength);
    const failure = (cause: Error) =>
      connectionError(url.origin, req.method, `${url.pathname}${url.search}`, cause);

    return new Promise<StreamedResponse>((resolve, reject) => {
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
          // From here the body's own timer bounds each wait for bytes (the socket's would also fire while the
          // reader is busy and the socket paused).
          r.setTimeout(0);
          const body = new ResponseBody(
            incoming,
            this.#timeoutMs,
            failure,
            () => r.destroy(),
            (n) => {
              this.bytesReceived += n;
            },
          );
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body });
        },
      );
      r.on("timeout", () => r.destroy(new Error("request timed out")));
      r.on("error", (e) => reject(failure(e)));
      r.end(
        req.body === undefined
          ? undefined
          : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength),
      );
    });
  }

  #url(req: TabularRequest): URL {
    const base = req.endpoint ?? this.endpoint;
    const url = new URL(base.href);
    url.pathname = joinPath(base.pathname, req.path);
    url.search = req.query ? `?${req.query}` : "";
    return url;
  }

  #throwFor(req: TabularRequest, status: number, body: Buffer): never {
    const url = this.#url(req);
    const parsed = body.byteLength <= 64 * 1024 ? decodeS3Error(body.toString("utf8")) : null;
    throw errorFromResponse({
      method: req.method,
      path: `${url.pathname}${url.search}`,
      status,
      s3Code: parsed?.code || null,
      s3Message: parsed?.message ? this.#scrub(parsed.message) : null,
    });
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

function connectionError(endpoint: string, method: string, path: string, cause: Error): ConnectionError {
  const code = (cause as NodeJS.ErrnoException).code;
  return new ConnectionError(
    `${method} ${endpoint}${path}: connection failed (${code ?? cause.message})`,
    neverSent(code),
    cause,
  );
}
