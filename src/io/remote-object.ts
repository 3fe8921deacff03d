/**
 * The read rules every remote ByteSource follows (S3 and HTTP(S) differ only in how one ranged GET is sent):
 * - ranged GETs only (no HEAD: presigned URLs and many gateways refuse it); the object's size, ETag and
 *   Last-Modified come from the first response (`Content-Range: bytes a-b/size`, or a 416's `bytes * /size`);
 * - every later range of the same source sends `If-Match: <etag>`, and an answer for another version
 *   (412, or a different size/ETag) is EXR_SOURCE_CHANGED, so two versions are never mixed;
 * - exactly the requested bytes are returned; a server that ignores `Range` (200 with the whole object)
 *   is read only as far as needed and the rest of its body is dropped;
 * - each request has a timeout and is retried with jittered backoff when the failure is transient.
 */
import type { ByteSource } from "./byte-source.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from "./remote-retry.js";
import { SourceError } from "./source-error.js";

/** What one ranged GET answered, before its body is read. */
export interface RangeAnswer {
  /** 206 partial, 200 whole object (Range ignored), 416 range not satisfiable. */
  status: 200 | 206 | 416;
  /** `Content-Range` (e.g. `bytes 0-65535/1048576`, `bytes * /0` without the space); null when absent. */
  contentRange: string | null;
  contentLength: number | null;
  etag: string | null;
  lastModified: Date | null;
  /** The body; iterate at most once. */
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | null;
  /** Stops receiving the rest of the body (closes or returns the connection). */
  cancel(): void;
}

export interface ObjectFacts {
  size: number;
  etag: string | null;
  lastModified: Date | null;
}

export interface RemoteReadStats {
  /** Ranged GETs sent (every attempt counts). */
  requests: number;
  /** Body bytes received. */
  bytesReceived: number;
}

const changed = (path: string, why: string) =>
  new SourceError("EXR_SOURCE_CHANGED", `${path} changed while it was read (${why})`);

/** `bytes a-b/size` → {start, end (inclusive), size}; `bytes * /size` → {size}; null when malformed. */
export function parseContentRange(
  value: string | null,
): { start?: number; end?: number; size: number | null } | null {
  // Stryker disable next-line ConditionalExpression: a faster path; the pattern does not match "null" either
  if (value === null) return null;
  const m = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\s*\/\s*(\d+|\*)\s*$/i.exec(value);
  if (!m) return null;
  const size = m[3] === "*" ? null : Number(m[3]);
  if (m[1] === undefined) return { size };
  return { start: Number(m[1]), end: Number(m[2]), size };
}

/**
 * Reads `want` bytes after skipping `skip` from a body; fewer only when the body ends. A body holding nothing
 * more than that is read to its end, so its keep-alive connection goes back to the pool instead of being
 * closed; only a longer one (a server that ignored Range) is cut short.
 */
async function take(answer: RangeAnswer, skip: number, want: number): Promise<Uint8Array> {
  const body = answer.body;
  if (Array.isArray(body) && body.length === 1) {
    // An answer already read whole (our HTTP/1.1 client): a view of it, no copy.
    const whole = body[0] as Uint8Array;
    answer.cancel();
    return whole.subarray(Math.min(skip, whole.length), Math.min(skip + want, whole.length));
  }
  const out = new Uint8Array(want);
  let filled = 0;
  let toSkip = skip;
  let received = 0;
  const moreThanWanted = () => answer.contentLength === null || received < answer.contentLength;
  try {
    if (answer.body && want > 0) {
      for await (const chunk of answer.body) {
        received += chunk.length;
        let view = chunk;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: a faster path; skipping 0 bytes changes nothing
        if (toSkip > 0) {
          const dropped = Math.min(toSkip, view.length);
          toSkip -= dropped;
          view = view.subarray(dropped);
        }
        const n = Math.min(view.length, want - filled);
        out.set(view.subarray(0, n), filled);
        filled += n;
        if (filled >= want && moreThanWanted()) break;
      }
    }
  } finally {
    answer.cancel();
  }
  // Stryker disable next-line ConditionalExpression: a faster path; the view of all `want` bytes has the same bytes
  return filled === want ? out : out.subarray(0, filled);
}

const sameETag = (a: string | null, b: string | null) =>
  a === null || b === null || a.replace(/^W\//, "") === b.replace(/^W\//, "");

export abstract class RemoteObjectSource implements ByteSource {
  private facts: Promise<ObjectFacts> | null = null;
  readonly stats: RemoteReadStats = { requests: 0, bytesReceived: 0 };

  protected constructor(
    readonly path: string,
    protected readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    /** The range read by size()/mtime() when they come before any read. */
    private readonly probeBytes = 64 * 1024,
  ) {}

  /** Sends one ranged GET (`bytes=offset-(offset+length-1)`, `If-Match` when given). */
  protected abstract get(
    offset: number,
    length: number,
    ifMatch: string | null,
    signal: AbortSignal,
  ): Promise<RangeAnswer>;

  /** A transport failure (thrown by `get` or by reading a body) as a coded, possibly retryable error. */
  protected abstract classify(err: unknown, timedOut: boolean): SourceError;

  async size(): Promise<number> {
    return (await this.established()).size;
  }

  async mtime(): Promise<Date | null> {
    return (await this.established()).lastModified;
  }

  /** The ETag of the version being read (after the first read). */
  async etag(): Promise<string | null> {
    return (await this.established()).etag;
  }

  private established(): Promise<ObjectFacts> {
    if (this.facts === null) void this.read(0, this.probeBytes).catch(() => undefined);
    return this.facts!;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length < 0)
      return Promise.reject(new RangeError(`invalid read (${offset}, ${length})`));
    if (this.facts === null) {
      const first = this.request(offset, Math.max(1, length), null);
      this.facts = first.then((r) => r.facts);
      this.facts.catch(() => undefined); // reported by whichever read or size() awaits it
      return first.then((r) => (length === 0 ? r.bytes.subarray(0, 0) : r.bytes));
    }
    return this.facts.then(async (facts) => {
      const end = Math.min(facts.size, offset + length);
      if (end <= offset) return new Uint8Array(0);
      // A weak ETag cannot be matched strongly: the answer's ETag and size are compared instead.
      const ifMatch = facts.etag?.startsWith("W/") ? null : facts.etag;
      const { facts: now, bytes } = await this.request(offset, end - offset, ifMatch);
      if (now.size !== facts.size) throw changed(this.path, `size ${facts.size} became ${now.size}`);
      if (!sameETag(now.etag, facts.etag)) throw changed(this.path, "its ETag changed");
      if (facts.etag === null && now.lastModified?.getTime() !== facts.lastModified?.getTime())
        throw changed(this.path, "its Last-Modified changed");
      return bytes;
    });
  }

  /** One ranged read with retries: the bytes (exactly as many as exist) and the object's facts. */
  private request(
    offset: number,
    length: number,
    ifMatch: string | null,
  ): Promise<{ facts: ObjectFacts; bytes: Uint8Array }> {
    return withRetries(
      async (signal) => {
        this.stats.requests += 1;
        const answer = await this.get(offset, length, ifMatch, signal);
        const range = parseContentRange(answer.contentRange);
        const facts = (size: number): ObjectFacts => ({
          size,
          etag: answer.etag,
          lastModified: answer.lastModified,
        });
        if (answer.status === 416) {
          answer.cancel();
          const size = range?.size ?? null;
          if (size === null || size > offset)
            throw new SourceError("EXR_SOURCE_UNAVAILABLE", `${this.path}: 416 without a usable size`);
          return { facts: facts(size), bytes: new Uint8Array(0) };
        }
        let size: number;
        let skip = 0;
        if (answer.status === 206) {
          if (range?.start !== offset || range.size === null) {
            answer.cancel();
            throw new SourceError(
              "EXR_SOURCE_UNAVAILABLE",
              `${this.path}: unusable Content-Range "${answer.contentRange}" for a read at ${offset}`,
            );
          }
          size = range.size;
        } else {
          if (answer.contentLength === null) {
            answer.cancel();
            throw new SourceError(
              "EXR_SOURCE_UNAVAILABLE",
              `${this.path}: no Content-Length on a 200 answer`,
            );
          }
          size = answer.contentLength;
          skip = offset;
        }
        const want = Math.max(0, Math.min(length, size - offset));
        const bytes = await take(answer, skip, want);
        this.stats.bytesReceived += bytes.length;
        if (bytes.length !== want)
          throw new SourceError(
            "EXR_SOURCE_UNAVAILABLE",
            `${this.path}: body ended after ${bytes.length} of ${want} bytes`,
            true,
          );
        return { facts: facts(size), bytes };
      },
      (err, timedOut) => this.classify(err, timedOut),
      this.policy,
    );
  }
}
