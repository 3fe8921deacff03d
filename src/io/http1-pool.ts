/**
 * A small HTTP/1.1 client for GETs whose answers are read whole into memory (ranged object reads, listing
 * pages), on raw sockets: keep-alive connections to one endpoint, optional pipelining, and a strict response
 * parser with bounds (head size, body size, chunk-size lines), so a misbehaving server gives a coded error,
 * never a crash or an unbounded allocation. node:http's machinery (Agent, OutgoingMessage, IncomingMessage
 * streams, parser callbacks) was the largest item of the client's CPU per object in bench:s3's profile
 * (docs/BENCHMARKS.md, "Objects over S3"); this does one socket write per request and hands back one buffer.
 *
 * Timeouts are the caller's: every request takes an AbortSignal (remote-retry.ts fires it after the attempt's
 * timeout); aborting a request that is on a connection closes that connection. A request is sent again on
 * another connection only when a reused keep-alive connection closed before any byte of its answer arrived
 * (the server timed the idle connection out as the request went out) or when an earlier pipelined answer on
 * its connection ended the connection; at most MAX_RESENDS times.
 */
import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

export interface Http1Endpoint {
  https: boolean;
  /** Host name or IP address to connect to (no brackets around IPv6). */
  hostname: string;
  port: number;
}

export interface Http1PoolOptions {
  /** Connections open at once (default 64). */
  maxConnections?: number;
  /** Requests sent on one connection before its earlier answers arrived (default 1: no pipelining). */
  pipelining?: number;
  /** Longest response head accepted (default 64 KiB). */
  maxHeaderBytes?: number;
  /** An idle keep-alive connection is closed after this long (default 4 s, under common servers' 5 s). */
  idleTimeoutMs?: number;
}

export interface Http1Response {
  status: number;
  /** Header names in lower case; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  /** The body, at most the request's `maxBody` bytes. */
  body: Buffer;
  /** The Content-Length sent (null: chunked, or delimited by the connection's end). */
  contentLength: number | null;
  /** The body was longer than `maxBody`: only `maxBody` bytes were read, and the connection was closed. */
  cut: boolean;
}

/** A failure below HTTP semantics; `code` is what classifyS3Error and the HTTP source look at. */
export class Http1Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "Http1Error";
  }
}

const MAX_RESENDS = 2;
/** A chunk-size line (hex size and extensions) longer than this is malformed. */
const MAX_CHUNK_LINE = 4096;
/** Interim (1xx) answers skipped before the real one. */
const MAX_INTERIM = 8;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\0\r\n]*)?$/;
const REQUEST_TARGET = /^\/[!-~]*$/;
const FIELD_VALUE = /^[^\0\r\n]*$/;

const malformed = (why: string) => new Http1Error("EHTTP_MALFORMED", `malformed HTTP answer: ${why}`);

interface Pending {
  head: string;
  maxBody: number;
  resolve(r: Http1Response): void;
  reject(e: Error): void;
  signal: AbortSignal;
  onAbort: () => void;
  conn: Connection | null;
  resends: number;
}

type BodyMode = "none" | "length" | "chunked" | "close";

class Connection {
  readonly socket: Socket;
  /** Written, answers not yet complete, in order. */
  readonly inflight: Pending[] = [];
  /** Answers completed on this connection (0: a fresh connection, whose failures are not resent). */
  answered = 0;
  /** No more requests: the server said `Connection: close`, or the connection failed. */
  retiring = false;
  closed = false;
  // The answer being parsed (for inflight[0]).
  private headParts: Buffer[] = [];
  private headSize = 0;
  // Stryker disable next-line BooleanLiteral: read only once `answered` > 0, and complete() resets it before that
  private started = false;
  private interim = 0;
  // Stryker disable next-line StringLiteral: parseHead sets the mode before any body byte is read; onEnd reads it only after a status
  private mode: BodyMode = "none";
  private status = 0;
  private headers: Record<string, string> = {};
  private contentLength: number | null = null;
  // Stryker disable next-line BooleanLiteral: parseHead sets it for every final answer before complete() reads it
  private keepAlive = true;
  private body: Buffer = Buffer.alloc(0);
  private filled = 0;
  /** Body bytes still to come ("length"), or of the current chunk ("chunked"). */
  private remaining = 0;
  // Stryker disable next-line StringLiteral: readHead resets it before a chunked body
  private chunkState: "size" | "data" | "crlf" | "trailer" = "size";
  // Stryker disable next-line StringLiteral: readHead resets it before a chunked body
  private line = "";
  private trailerBytes = 0;
  // Stryker disable next-line ArrayDeclaration: readHead resets it before a chunked or close-delimited body
  private chunks: Buffer[] = [];

  constructor(
    private readonly pool: Http1Pool,
    endpoint: Http1Endpoint,
    private readonly maxHeaderBytes: number,
    idleTimeoutMs: number,
  ) {
    this.socket = endpoint.https
      ? tlsConnect({
          host: endpoint.hostname,
          port: endpoint.port,
          ...(isIP(endpoint.hostname) ? {} : { servername: endpoint.hostname }),
          ALPNProtocols: ["http/1.1"],
        })
      : netConnect({ host: endpoint.hostname, port: endpoint.port });
    // Stryker disable next-line BooleanLiteral: latency only; the same bytes go out
    this.socket.setNoDelay(true);
    this.socket.setTimeout(idleTimeoutMs);
    this.socket.on("data", (chunk: Buffer) => {
      try {
        this.onData(chunk);
      } catch (err) {
        this.fail(err instanceof Http1Error ? err : malformed(String(err)), true);
      }
    });
    this.socket.on("end", () => this.onEnd());
    this.socket.on("error", (err) => this.fail(err, false));
    // Stryker disable next-line StringLiteral,BooleanLiteral: 'close' comes after 'end', 'error' or our own destroy(), which failed the connection already (fail() returns)
    this.socket.on("close", () => this.fail(new Http1Error("ECONNRESET", "connection closed"), false));
    // Per-request timeouts are the callers' signals; this one only closes idle keep-alive connections.
    this.socket.on("timeout", () => {
      if (this.inflight.length === 0) this.destroy();
    });
  }

  send(p: Pending, batch: boolean): void {
    p.conn = this;
    this.inflight.push(p);
    if (this.inflight.length === 1) this.socket.ref();
    // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: corking only merges pipelined writes into one; the same bytes go out
    if (batch && !this.corked) {
      // Requests pipelined in the same tick leave in one write.
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(p.head, "latin1");
  }
  // Stryker disable next-line BooleanLiteral: corking only merges pipelined writes into one; the same bytes go out
  private corked = false;

  destroy(): void {
    this.retiring = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      // Stryker disable next-line ConditionalExpression: after complete() closed it, the next turn finds no request outstanding, throws, and fail() returns for a closed connection
      if (this.closed) return;
      const p = this.inflight[0];
      // Stryker disable next-line StringLiteral: with no request outstanding the error reaches no caller
      if (p === undefined) throw malformed("bytes received with no request outstanding");
      this.started = true;
      if (this.status === 0) {
        data = this.readHead(data, p);
        continue;
      }
      switch (this.mode) {
        case "length":
        case "close":
          data = this.readBody(data, p);
          break;
        case "chunked":
          data = this.readChunked(data, p);
          break;
        // Stryker disable next-line ConditionalExpression,StringLiteral: unreachable (a status is set only with a body mode other than none)
        default:
          throw malformed("internal state");
      }
    }
  }

  /** Collects the head; once complete, parses it and sets up the body. Returns the bytes after the head. */
  private readHead(data: Buffer, p: Pending): Buffer {
    // The head's end may straddle chunks: search from 3 bytes before this chunk.
    const previous = this.headSize;
    this.headParts.push(data);
    this.headSize += data.length;
    const joined = this.headParts.length === 1 ? data : Buffer.concat(this.headParts, this.headSize);
    const end = joined.indexOf("\r\n\r\n", Math.max(0, previous - 3), "latin1");
    if (end < 0) {
      if (this.headSize > this.maxHeaderBytes)
        throw malformed(`head longer than ${this.maxHeaderBytes} bytes`);
      this.headParts = [joined];
      return Buffer.alloc(0);
    }
    if (end + 4 > this.maxHeaderBytes) throw malformed(`head longer than ${this.maxHeaderBytes} bytes`);
    this.headParts = [];
    this.headSize = 0;
    const rest = joined.subarray(end + 4);
    this.parseHead(joined.toString("latin1", 0, end));
    if (this.status < 200) {
      // Interim answer (100 Continue, 103 Early Hints): the real one follows.
      if (this.status === 101 || ++this.interim > MAX_INTERIM) throw malformed(`status ${this.status}`);
      this.status = 0;
      return rest;
    }
    if (this.mode === "none") this.complete(p, Buffer.alloc(0), false);
    else if (this.mode === "length") {
      const size = Math.min(this.remaining, p.maxBody);
      if (rest.length >= this.remaining && this.remaining <= p.maxBody) {
        // The whole body is in this chunk: no copy.
        const body = rest.subarray(0, this.remaining);
        const after = rest.subarray(this.remaining);
        this.complete(p, body, false);
        return after;
      }
      this.body = Buffer.allocUnsafe(size);
      this.filled = 0;
    } else if (this.mode === "chunked") {
      this.chunks = [];
      this.filled = 0;
      this.chunkState = "size";
      this.line = "";
      this.trailerBytes = 0;
    } else {
      this.chunks = [];
      this.filled = 0;
    }
    return rest;
  }

  private parseHead(text: string): void {
    const lines = text.split("\r\n");
    const status = STATUS_LINE.exec(lines[0]!);
    if (!status) throw malformed(`status line ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const headers: Record<string, string> = Object.create(null);
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      // Stryker disable next-line StringLiteral: any fallback that is not a token is refused alike
      const name = colon > 0 ? line.slice(0, colon) : "";
      if (!TOKEN.test(name)) throw malformed(`header line ${JSON.stringify(line.slice(0, 80))}`);
      const value = line.slice(colon + 1).trim();
      if (!FIELD_VALUE.test(value)) throw malformed(`header ${name} holds a control character`);
      const key = name.toLowerCase();
      const before = headers[key];
      headers[key] = before === undefined ? value : `${before}, ${value}`;
    }
    const code = Number(status[2]);
    this.status = code;
    this.headers = headers;
    if (code < 200) return;
    // Stryker disable next-line StringLiteral: neither pattern matches the fallback, whatever it is
    const connection = headers.connection?.toLowerCase() ?? "";
    this.keepAlive = status[1] === "1" ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const te = headers["transfer-encoding"];
    const cl = headers["content-length"];
    this.contentLength = null;
    if (code === 204 || code === 304) {
      this.mode = "none";
      return;
    }
    if (te !== undefined) {
      if (cl !== undefined) throw malformed("both Transfer-Encoding and Content-Length");
      if (te.toLowerCase() !== "chunked") throw malformed(`Transfer-Encoding ${te}`);
      this.mode = "chunked";
      return;
    }
    if (cl !== undefined) {
      // A loop over the split, not map/every: an array from an optimized map is holey, from the other tiers
      // packed, and the code reading it was deoptimized each time it met the other kind.
      const values = cl.split(",");
      const first = values[0]!.trim();
      for (const v of values) {
        const value = v.trim();
        if (!/^\d{1,15}$/.test(value) || value !== first)
          throw malformed(`Content-Length ${JSON.stringify(cl.slice(0, 40))}`);
      }
      this.contentLength = Number(first);
      this.remaining = this.contentLength;
      this.mode = this.remaining === 0 ? "none" : "length";
      return;
    }
    this.mode = "close";
    this.keepAlive = false;
  }

  private readBody(data: Buffer, p: Pending): Buffer {
    const room = this.body.length - this.filled;
    if (this.mode === "close") {
      const n = Math.min(data.length, p.maxBody - this.filled);
      this.chunks.push(data.subarray(0, n));
      this.filled += n;
      if (this.filled >= p.maxBody && data.length > n) {
        this.keepAlive = false;
        this.complete(p, Buffer.concat(this.chunks, this.filled), true);
      }
      return Buffer.alloc(0);
    }
    const take = Math.min(data.length, this.remaining);
    const copied = Math.min(take, room);
    data.copy(this.body, this.filled, 0, copied);
    this.filled += copied;
    this.remaining -= take;
    if (this.remaining === 0) {
      // Every byte arrived (the connection stays usable); those past maxBody were dropped: a cut body.
      this.complete(p, this.body, this.filled < (this.contentLength ?? 0));
      return data.subarray(take);
    }
    if (this.filled === this.body.length && this.body.length < (this.contentLength ?? 0)) {
      // Longer than the caller wants (a server that ignored Range): stop reading, close the connection.
      this.keepAlive = false;
      this.complete(p, this.body, true);
    }
    return data.subarray(take);
  }

  private readChunked(data: Buffer, p: Pending): Buffer {
    let at = 0;
    while (at < data.length) {
      if (this.chunkState === "data") {
        const n = Math.min(this.remaining, data.length - at);
        const keep = Math.min(n, p.maxBody - this.filled);
        if (keep > 0) this.chunks.push(data.subarray(at, at + keep));
        this.filled += keep;
        this.remaining -= n;
        at += n;
        if (keep < n) {
          this.keepAlive = false;
          this.complete(p, Buffer.concat(this.chunks, this.filled), true);
          return Buffer.alloc(0);
        }
        if (this.remaining === 0) this.chunkState = "crlf";
        continue;
      }
      const nl = data.indexOf(10, at);
      const piece = data.toString("latin1", at, nl < 0 ? data.length : nl + 1);
      at = nl < 0 ? data.length : nl + 1;
      this.line += piece;
      if (this.chunkState === "trailer") this.trailerBytes += piece.length;
      if (this.line.length > MAX_CHUNK_LINE || this.trailerBytes > this.maxHeaderBytes)
        throw malformed("chunk line too long");
      if (nl < 0) continue;
      if (!this.line.endsWith("\r\n")) throw malformed("chunk line without CRLF");
      const line = this.line.slice(0, -2);
      this.line = "";
      if (this.chunkState === "crlf") {
        if (line !== "") throw malformed("chunk data longer than its size");
        this.chunkState = "size";
      } else if (this.chunkState === "size") {
        const m = /^([0-9A-Fa-f]{1,12})[ \t]*(?:;[^\0\r\n]*)?$/.exec(line);
        if (!m) throw malformed(`chunk size ${JSON.stringify(line.slice(0, 40))}`);
        this.remaining = Number.parseInt(m[1]!, 16);
        this.chunkState = this.remaining === 0 ? "trailer" : "data";
      } else if (line === "") {
        this.complete(p, Buffer.concat(this.chunks, this.filled), false);
        return data.subarray(at);
      }
    }
    return Buffer.alloc(0);
  }

  private onEnd(): void {
    const p = this.inflight[0];
    if (p !== undefined && this.status >= 200 && this.mode === "close") {
      this.complete(p, Buffer.concat(this.chunks, this.filled), false);
    }
    this.fail(new Http1Error("ECONNRESET", "the server closed the connection"), false);
  }

  private complete(p: Pending, body: Buffer, cut: boolean): void {
    this.inflight.shift();
    this.answered++;
    this.started = false;
    this.interim = 0;
    const status = this.status;
    this.status = 0;
    const response: Http1Response = {
      status,
      headers: this.headers,
      body,
      contentLength: this.contentLength,
      cut,
    };
    this.body = Buffer.alloc(0);
    // Stryker disable next-line ArrayDeclaration: readHead resets it before the next body that uses it
    this.chunks = [];
    this.filled = 0;
    this.pool.settle(p);
    p.resolve(response);
    if (!this.keepAlive) {
      // Stryker disable next-line BooleanLiteral: detach() removes the connection from the pool in the same call
      this.retiring = true;
      // Requests pipelined behind this answer are sent again elsewhere; nothing more is read from here.
      // Stryker disable next-line BooleanLiteral: its socket is destroyed; a later fail() finds nothing in flight
      this.closed = true;
      this.socket.destroy();
      // Requests already pipelined behind an answer that ends the connection: this server does not take
      // pipelined requests (or not for long); the pool stops sending them.
      if (this.inflight.length > 0) this.pool.refusesPipelining();
      this.pool.detach(this, this.inflight.splice(0), null);
      return;
    }
    if (this.inflight.length === 0) this.socket.unref();
    this.pool.pump();
  }

  /**
   * The connection is unusable: the answer in progress fails (unless none of it arrived on a reused
   * connection: then it is resent), the requests behind it are resent.
   */
  fail(err: Error, protocol: boolean): void {
    // Stryker disable next-line ConditionalExpression: a second fail() finds nothing in flight: detach() of nothing
    if (this.closed) return;
    // Stryker disable next-line BooleanLiteral: its socket is destroyed; a later fail() finds nothing in flight
    this.closed = true;
    // Stryker disable next-line BooleanLiteral: detach() removes the connection from the pool in the same call
    this.retiring = true;
    this.socket.destroy();
    const pending = this.inflight.splice(0);
    if (pending.length > 1 && this.answered > 0 && !protocol) this.pool.refusesPipelining();
    const head = pending[0];
    let failed: { p: Pending; err: Error } | null = null;
    if (head !== undefined && (protocol || this.started || this.answered === 0)) {
      pending.shift();
      const cause =
        err instanceof Http1Error ? err : new Http1Error(codeOf(err), err.message, { cause: err });
      failed = { p: head, err: cause };
    }
    this.pool.detach(this, pending, failed);
  }

  /** Abandons the connection (a request on it was aborted): every other request on it is sent again. */
  abandon(): void {
    // Stryker disable next-line ConditionalExpression: a closed connection has nothing in flight: detach() of nothing
    if (this.closed) return;
    // Stryker disable next-line BooleanLiteral: its socket is destroyed; a later fail() finds nothing in flight
    this.closed = true;
    // Stryker disable next-line BooleanLiteral: detach() removes the connection from the pool in the same call
    this.retiring = true;
    this.socket.destroy();
    this.pool.detach(this, this.inflight.splice(0), null, false);
  }
}

const codeOf = (err: Error) => {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : "ECONNRESET";
};

/** Keep-alive connections to one endpoint; `get` resolves with the whole (bounded) answer. */
export class Http1Pool {
  private readonly connections = new Set<Connection>();
  private readonly queue: Pending[] = [];
  private readonly maxConnections: number;
  private pipelining: number;
  private readonly maxHeaderBytes: number;
  private readonly idleTimeoutMs: number;
  private closed = false;

  constructor(
    private readonly endpoint: Http1Endpoint,
    options: Http1PoolOptions = {},
  ) {
    this.maxConnections = Math.max(1, options.maxConnections ?? 64);
    this.pipelining = Math.max(1, options.pipelining ?? 1);
    this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * 1024;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 4_000;
  }

  /**
   * Sends `GET target` with `headers` (names as given; include `host`). Resolves with the answer, its body
   * read to its end or to `maxBody` bytes; rejects with an Http1Error (or the socket's error) on failure, and
   * with an AbortError when `signal` fires first.
   */
  get(
    target: string,
    headers: Record<string, string>,
    maxBody: number,
    signal: AbortSignal,
  ): Promise<Http1Response> {
    if (this.closed) return Promise.reject(new Http1Error("ECONNRESET", "client closed"));
    if (!REQUEST_TARGET.test(target))
      return Promise.reject(new Http1Error("EHTTP_REQUEST", "request target is not encoded"));
    let head = `GET ${target} HTTP/1.1\r\n`;
    for (const name in headers) {
      const value = headers[name]!;
      if (!TOKEN.test(name) || !FIELD_VALUE.test(value))
        return Promise.reject(new Http1Error("EHTTP_REQUEST", `header ${name} cannot be sent`));
      head += `${name}: ${value}\r\n`;
    }
    head += "\r\n";
    if (signal.aborted) return Promise.reject(abortError());
    return new Promise<Http1Response>((resolve, reject) => {
      const p: Pending = {
        head,
        maxBody: Math.max(0, maxBody),
        resolve,
        reject,
        signal,
        onAbort: () => this.abort(p),
        conn: null,
        resends: 0,
      };
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires its abort event once, and settle() removes the listener
      signal.addEventListener("abort", p.onAbort, { once: true });
      this.queue.push(p);
      this.pump();
    });
  }

  /** Sends queued requests on idle connections, new ones, or (pipelining) busy ones with room. */
  pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let best: Connection | null = null;
      for (const c of this.connections) {
        if (c.retiring) continue;
        if (c.inflight.length === 0) {
          best = c;
          break;
        }
        if (
          c.inflight.length < this.pipelining &&
          (best === null || c.inflight.length < best.inflight.length)
        )
          best = c;
      }
      if (best === null || (best.inflight.length > 0 && this.connections.size < this.maxConnections)) {
        if (this.connections.size < this.maxConnections) {
          best = new Connection(this, this.endpoint, this.maxHeaderBytes, this.idleTimeoutMs);
          this.connections.add(best);
        }
      }
      if (best === null) return;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: corking only merges pipelined writes into one; the same bytes go out
      best.send(this.queue.shift()!, this.pipelining > 1);
    }
  }

  /** Pipelined requests were lost to a connection's end: from now on, one request per connection at a time. */
  refusesPipelining(): void {
    this.pipelining = 1;
  }

  /** Requests in flight per connection at most (1 once the server showed it does not keep pipelined ones). */
  get pipeliningDepth(): number {
    return this.pipelining;
  }

  /** A request is done (answered or failed): it no longer listens to its signal. */
  settle(p: Pending): void {
    p.signal.removeEventListener("abort", p.onAbort);
    p.conn = null;
  }

  /** A connection is gone: `failed` is rejected, `resend` go back to the front of the queue. */
  detach(
    conn: Connection,
    resend: Pending[],
    failed: { p: Pending; err: Error } | null,
    counted = true,
  ): void {
    this.connections.delete(conn);
    if (failed) {
      this.settle(failed.p);
      failed.p.reject(failed.err);
    }
    const again: Pending[] = [];
    for (const p of resend) {
      p.conn = null;
      if (counted && ++p.resends > MAX_RESENDS) {
        this.settle(p);
        p.reject(new Http1Error("ECONNRESET", "the connection closed before the answer, several times"));
      } else again.push(p);
    }
    this.queue.unshift(...again);
    this.pump();
  }

  private abort(p: Pending): void {
    const conn = p.conn;
    if (conn === null) {
      const i = this.queue.indexOf(p);
      if (i >= 0) this.queue.splice(i, 1);
      p.reject(abortError());
      return;
    }
    // The answer cannot be skipped on a shared byte stream: the connection goes, the others are resent.
    const i = conn.inflight.indexOf(p);
    if (i >= 0) conn.inflight.splice(i, 1);
    this.settle(p);
    p.reject(abortError());
    conn.abandon();
  }

  close(): void {
    this.closed = true;
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    for (const p of this.queue.splice(0)) {
      this.settle(p);
      p.reject(new Http1Error("ECONNRESET", "client closed"));
    }
  }
}

const abortError = () => Object.assign(new Error("request aborted"), { name: "AbortError" });
