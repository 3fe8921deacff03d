/**
 * The read rules of every remote source (remote-object.ts), through HttpSource against a real HTTP server whose
 * answers each test scripts: the range asked for, If-Match on later reads, what a 206 / 200 / 416 answer must
 * carry, short bodies, versions changing between reads, each HTTP status's code and whether it is retried.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classifyHttpFailure, displayUrl, HttpSource } from "../../src/io/http-source.js";
import { parseContentRange } from "../../src/io/remote-object.js";
import type { RetryPolicy } from "../../src/io/remote-retry.js";
import { SourceError } from "../../src/io/source-error.js";

const OBJECT = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) % 256);
const MODIFIED = "Mon, 07 Dec 2026 09:00:00 GMT";
/** Two retries, no real waiting between them. */
const FAST: RetryPolicy = { retries: 2, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 5_000 };

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Writes the answer itself instead (chunks, pauses, bodies that never end). */
  write?: (res: ServerResponse) => void;
}
interface Seen {
  range: string | undefined;
  ifMatch: string | undefined;
}

/** An honest server of `bytes`: 206 with the asked range (clamped), 416 past the end. */
function honest(
  bytes: Uint8Array,
  headers: Record<string, string> = { etag: '"v1"', "last-modified": MODIFIED },
) {
  return (req: IncomingMessage): Reply => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    if (!m)
      return { status: 200, headers: { ...headers, "content-length": String(bytes.length) }, body: bytes };
    const start = Number(m[1]);
    if (start >= bytes.length)
      return { status: 416, headers: { ...headers, "content-range": `bytes */${bytes.length}` } };
    const end = Math.min(Number(m[2]), bytes.length - 1);
    return {
      status: 206,
      headers: { ...headers, "content-range": `bytes ${start}-${end}/${bytes.length}` },
      body: bytes.subarray(start, end + 1),
    };
  };
}

let server: Server;
let url: string;
let script: (req: IncomingMessage, n: number) => Reply;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const n = seen.push({ range: req.headers.range, ifMatch: req.headers["if-match"] }) - 1;
    const reply = script(req, n);
    if (reply.write) return reply.write(res);
    const headers = { ...(reply.headers ?? {}) };
    if (reply.body && !Object.keys(headers).some((h) => h.toLowerCase() === "transfer-encoding"))
      headers["content-length"] ??= String(reply.body.length);
    res.writeHead(reply.status, headers);
    res.end(reply.body ? Buffer.from(reply.body) : undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/o.exr`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen.length = 0;
  script = honest(OBJECT);
});

const source = (policy: RetryPolicy = FAST) => new HttpSource(url, policy);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as SourceError,
  );

describe("parseContentRange", () => {
  it("reads a range with its size, an unsatisfied range and an unknown size", () => {
    expect(parseContentRange("bytes 0-9/100")).toEqual({ start: 0, end: 9, size: 100 });
    expect(parseContentRange("  BYTES 20-29 / 100  ")).toEqual({ start: 20, end: 29, size: 100 });
    expect(parseContentRange("bytes */0")).toEqual({ size: 0 });
    expect(parseContentRange("bytes */100")).toEqual({ size: 100 });
    expect(parseContentRange("bytes 0-9/*")).toEqual({ start: 0, end: 9, size: null });
    expect(parseContentRange("bytes  5-6/7")).toEqual({ start: 5, end: 6, size: 7 });
  });

  it("anything else is null", () => {
    for (const bad of [
      null,
      "",
      "bytes 0-9",
      "items 0-9/100",
      "xbytes 0-9/100",
      "bytes 0-9/100x",
      "bytes 0-/100",
      "bytes -9/100",
    ])
      expect(parseContentRange(bad)).toBeNull();
  });
});

describe("displayUrl", () => {
  it("drops every credential-bearing query parameter, user info and fragment, keeping the rest", () => {
    const secret = [
      "X-Amz-Signature",
      "x-amz-credential",
      "X-Goog-Signature",
      "Signature",
      "sig",
      "se",
      "sp",
      "sv",
      "sr",
      "skoid",
      "sktid",
      "token",
      "Expires",
      "Key-Pair-Id",
      "Policy",
      "AWSAccessKeyId",
    ];
    const query = secret.map((k, i) => `${k}=s${i}`).join("&");
    const shown = displayUrl(`https://user:pass@host.example/a/b.exr?version=3&${query}&frame=12#frag`);
    expect(shown).toBe("https://host.example/a/b.exr?version=3&frame=12");
  });

  it("keeps parameters that only contain a secret name", () => {
    expect(displayUrl("https://h/x?tokens=1&mysig=2&sign=3&x-amzz=4")).toBe(
      "https://h/x?tokens=1&mysig=2&sign=3&x-amzz=4",
    );
  });

  it("a string that is not a URL loses everything from its query or fragment on", () => {
    expect(displayUrl("not a url?Signature=abc")).toBe("not a url");
    expect(displayUrl("not a url#Signature=abc")).toBe("not a url");
    expect(displayUrl("plain text")).toBe("plain text");
    expect(displayUrl("not a url?Signature=abc\ndef")).toBe("not a url");
  });
});

describe("classifyHttpFailure", () => {
  const at = "https://h/x";
  const expectError = (e: SourceError, message: string, retryable: boolean) => {
    expect(e).toBeInstanceOf(SourceError);
    expect({ code: e.code, message: e.message, retryable: e.retryable }).toEqual({
      code: "EXR_SOURCE_UNAVAILABLE",
      message,
      retryable,
    });
  };

  it("keeps a SourceError as it is", () => {
    const own = new SourceError("EXR_SOURCE_NOT_FOUND", "gone");
    expect(classifyHttpFailure(own, true, at)).toBe(own);
  });

  it("a timeout (ours, or fetch's TimeoutError/AbortError) is retryable", () => {
    expectError(classifyHttpFailure(new Error("x"), true, at), `${at}: request timed out`, true);
    for (const name of ["TimeoutError", "AbortError"])
      expectError(
        classifyHttpFailure(Object.assign(new Error("x"), { name }), false, at),
        `${at}: request timed out`,
        true,
      );
  });

  it("an unknown host is not retried; other causes are, named by their code or message", () => {
    expectError(
      classifyHttpFailure(new TypeError("fetch failed", { cause: { code: "ENOTFOUND" } }), false, at),
      `${at}: host not found`,
      false,
    );
    expectError(
      classifyHttpFailure(
        new TypeError("fetch failed", { cause: { code: "ECONNRESET", message: "m" } }),
        false,
        at,
      ),
      `${at}: ECONNRESET`,
      true,
    );
    expectError(
      classifyHttpFailure(
        new TypeError("fetch failed", { cause: { message: "other side closed" } }),
        false,
        at,
      ),
      `${at}: other side closed`,
      true,
    );
    expectError(classifyHttpFailure(new Error("plain"), false, at), `${at}: plain`, true);
    expectError(classifyHttpFailure("text thrown", false, at), `${at}: text thrown`, true);
    expectError(classifyHttpFailure(null, false, at), `${at}: null`, true);
  });
});

describe("ranged reads of one version", () => {
  it("the first read asks for its range without If-Match; later ones match the ETag and stop at the end", async () => {
    const src = source();
    expect([...(await src.read(100, 50))]).toEqual([...OBJECT.subarray(100, 150)]);
    expect(await src.size()).toBe(1000);
    expect(await src.etag()).toBe('"v1"');
    expect((await src.mtime())?.toISOString()).toBe("2026-12-07T09:00:00.000Z");
    expect([...(await src.read(950, 100))]).toEqual([...OBJECT.subarray(950)]);
    expect([...(await src.read(999, 1))]).toEqual([OBJECT[999]]);
    // At or past the end: nothing to ask for.
    expect(await src.read(1000, 10)).toHaveLength(0);
    expect(await src.read(5000, 10)).toHaveLength(0);
    expect(seen).toEqual([
      { range: "bytes=100-149", ifMatch: undefined },
      { range: "bytes=950-999", ifMatch: '"v1"' },
      { range: "bytes=999-999", ifMatch: '"v1"' },
    ]);
    expect(src.stats).toEqual({ requests: 3, bytesReceived: 101 });
    expect(src.path).toBe(url);
  });

  it("size() before any read reads the first 64 KiB; a read of 0 bytes asks for 1", async () => {
    const a = source();
    expect(await a.size()).toBe(1000);
    const b = source();
    expect(await b.read(0, 0)).toHaveLength(0);
    expect(await b.mtime()).toEqual(new Date(MODIFIED));
    expect(seen.map((s) => s.range)).toEqual(["bytes=0-65535", "bytes=0-0"]);
  });

  it("a weak ETag is not sent as If-Match; the answer's ETag is compared instead", async () => {
    script = honest(OBJECT, { etag: 'W/"v1"' });
    const src = source();
    await src.read(0, 10);
    let n = 0;
    const weak = honest(OBJECT, { etag: 'W/"v1"' });
    const strong = honest(OBJECT, { etag: '"v1"' });
    script = (req) => (n++ === 0 ? strong(req) : weak(req));
    expect([...(await src.read(10, 10))]).toEqual([...OBJECT.subarray(10, 20)]);
    expect([...(await src.read(20, 10))]).toEqual([...OBJECT.subarray(20, 30)]);
    expect(seen.map((s) => s.ifMatch)).toEqual([undefined, undefined, undefined]);
  });

  it("negative offsets or lengths are refused before any request", async () => {
    const src = source();
    await expect(src.read(-1, 4)).rejects.toThrow(new RangeError("invalid read (-1, 4)"));
    await expect(src.read(0, -4)).rejects.toThrow(new RangeError("invalid read (0, -4)"));
    expect(seen).toEqual([]);
  });

  it("a 200 answer (Range ignored) gives the requested bytes from the whole object", async () => {
    script = () => ({ status: 200, headers: { etag: '"v1"', "content-length": "1000" }, body: OBJECT });
    const src = source();
    expect([...(await src.read(10, 20))]).toEqual([...OBJECT.subarray(10, 30)]);
    expect(await src.size()).toBe(1000);
    expect([...(await src.read(990, 50))]).toEqual([...OBJECT.subarray(990)]);
  });
});

describe("reading a body", () => {
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("a first read running past the end gets the bytes up to the end", async () => {
    const src = source();
    expect([...(await src.read(950, 100))]).toEqual([...OBJECT.subarray(950)]);
    expect(seen.map((s) => s.range)).toEqual(["bytes=950-1049"]);
    expect(src.stats.bytesReceived).toBe(50);
  });

  it("a whole-object answer arriving in pieces: the skipped start and the cut end fall inside pieces", async () => {
    script = () => ({
      status: 200,
      write: (res) => {
        res.writeHead(200, { "content-length": "1000", etag: '"v1"' });
        void (async () => {
          for (let at = 0; at < 1000 && !res.destroyed; at += 100) {
            res.write(Buffer.from(OBJECT.subarray(at, at + 100)));
            await pause(15);
          }
          res.end();
        })();
      },
    });
    expect([...(await source().read(150, 300))]).toEqual([...OBJECT.subarray(150, 450)]);
  });

  it("stops reading once it has the bytes when more would follow (a body that never ends)", async () => {
    // 1 MiB announced, 64 KiB sent, then nothing: the read must not wait for the rest.
    script = () => ({
      status: 200,
      write: (res) => {
        res.writeHead(200, { "content-length": String(1 << 20) });
        res.write(Buffer.alloc(64 * 1024, 3));
      },
    });
    const quick = { ...FAST, retries: 0, timeoutMs: 2_000 };
    expect([...(await source(quick).read(10, 5))]).toEqual([3, 3, 3, 3, 3]);
    // The same without a Content-Length (a chunked 206).
    script = () => ({
      status: 206,
      write: (res) => {
        res.writeHead(206, { "content-range": "bytes 0-99/1000", "transfer-encoding": "chunked" });
        res.write(Buffer.from(OBJECT.subarray(0, 100)));
      },
    });
    expect([...(await source(quick).read(0, 100))]).toEqual([...OBJECT.subarray(0, 100)]);
  });
});

describe("answers that cannot be used", () => {
  it("an empty object answers 416 with size 0: an empty read, size 0", async () => {
    script = honest(new Uint8Array(0));
    const src = source();
    expect(await src.read(0, 100)).toHaveLength(0);
    expect(await src.size()).toBe(0);
  });

  it("a first read exactly at the end is empty; one before the end that gets 416 is an error", async () => {
    script = honest(OBJECT.subarray(0, 5));
    const atEnd = source();
    expect(await atEnd.read(5, 10)).toHaveLength(0);
    expect(await atEnd.size()).toBe(5);
    script = () => ({ status: 416, headers: { "content-range": "bytes */5" } });
    const e = await failure(source().read(4, 10));
    expect([e.code, e.message, e.retryable]).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      `${url}: 416 without a usable size`,
      false,
    ]);
    script = () => ({ status: 416 });
    expect((await failure(source().read(0, 10))).message).toBe(`${url}: 416 without a usable size`);
    script = () => ({ status: 416, headers: { "content-range": "bytes */*" } });
    expect((await failure(source().read(0, 10))).message).toBe(`${url}: 416 without a usable size`);
  });

  it("a 206 for another start or without a size is refused, not retried", async () => {
    script = () => ({
      status: 206,
      headers: { "content-range": "bytes 0-9/1000" },
      body: OBJECT.subarray(0, 10),
    });
    const e = await failure(source().read(5, 10));
    expect([e.code, e.message, e.retryable]).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      `${url}: unusable Content-Range "bytes 0-9/1000" for a read at 5`,
      false,
    ]);
    expect(seen).toHaveLength(1);
    script = () => ({
      status: 206,
      headers: { "content-range": "bytes 0-9/*" },
      body: OBJECT.subarray(0, 10),
    });
    expect((await failure(source().read(0, 10))).message).toBe(
      `${url}: unusable Content-Range "bytes 0-9/*" for a read at 0`,
    );
    script = () => ({ status: 206, body: OBJECT.subarray(0, 10) });
    expect((await failure(source().read(0, 10))).message).toBe(
      `${url}: unusable Content-Range "null" for a read at 0`,
    );
  });

  it("a 200 without Content-Length is refused", async () => {
    script = () => ({ status: 200, headers: { "transfer-encoding": "chunked" }, body: OBJECT });
    const e = await failure(source().read(0, 10));
    expect([e.code, e.message]).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      `${url}: no Content-Length on a 200 answer`,
    ]);
  });

  it("a body shorter than its range is retried, then reported with the attempts", async () => {
    script = () => ({
      status: 206,
      headers: { "content-range": "bytes 0-99/1000" },
      body: OBJECT.subarray(0, 40),
    });
    const src = source();
    const e = await failure(src.read(0, 100));
    expect([e.code, e.message, e.retryable]).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      `${url}: body ended after 40 of 100 bytes (after 3 attempts)`,
      false,
    ]);
    expect(src.stats).toEqual({ requests: 3, bytesReceived: 120 });
  });

  it("a short body that a retry completes gives the bytes", async () => {
    const good = honest(OBJECT);
    script = (req, n) =>
      n === 0
        ? { status: 206, headers: { "content-range": "bytes 0-99/1000" }, body: OBJECT.subarray(0, 40) }
        : good(req);
    expect([...(await source().read(0, 100))]).toEqual([...OBJECT.subarray(0, 100)]);
    expect(seen).toHaveLength(2);
  });
});

describe("a version that changes between reads", () => {
  /** The first request of the next source gets `first`, every later one `later`. */
  const then = (first: (req: IncomingMessage) => Reply, later: (req: IncomingMessage) => Reply) => {
    let n = 0;
    script = (req) => (n++ === 0 ? first(req) : later(req));
  };

  it("another size", async () => {
    const bigger = new Uint8Array(2000);
    bigger.set(OBJECT);
    then(honest(OBJECT), honest(bigger));
    const src = source();
    await src.read(0, 10);
    const e = await failure(src.read(10, 10));
    expect([e.code, e.message]).toEqual([
      "EXR_SOURCE_CHANGED",
      `${url} changed while it was read (size 1000 became 2000)`,
    ]);
  });

  it("another ETag (a server that ignores If-Match)", async () => {
    then(honest(OBJECT), honest(OBJECT, { etag: '"v2"', "last-modified": MODIFIED }));
    const src = source();
    await src.read(0, 10);
    const e = await failure(src.read(10, 10));
    expect([e.code, e.message]).toEqual([
      "EXR_SOURCE_CHANGED",
      `${url} changed while it was read (its ETag changed)`,
    ]);
  });

  it("without ETags, another Last-Modified; the same one is the same version", async () => {
    then(honest(OBJECT, { "last-modified": MODIFIED }), honest(OBJECT, { "last-modified": MODIFIED }));
    const same = source();
    await same.read(0, 10);
    expect([...(await same.read(10, 10))]).toEqual([...OBJECT.subarray(10, 20)]);
    seen.length = 0;
    then(
      honest(OBJECT, { "last-modified": MODIFIED }),
      honest(OBJECT, { "last-modified": "Tue, 08 Dec 2026 09:00:00 GMT" }),
    );
    const src = source();
    await src.read(0, 10);
    const e = await failure(src.read(10, 10));
    expect([e.code, e.message]).toEqual([
      "EXR_SOURCE_CHANGED",
      `${url} changed while it was read (its Last-Modified changed)`,
    ]);
    seen.length = 0;
    then(honest(OBJECT, {}), honest(OBJECT, { "last-modified": MODIFIED }));
    const appeared = source();
    await appeared.read(0, 10);
    expect((await failure(appeared.read(10, 10))).message).toBe(
      `${url} changed while it was read (its Last-Modified changed)`,
    );
  });

  it("an ETag the first answer lacked does not count as a change", async () => {
    then(
      honest(OBJECT, { "last-modified": MODIFIED }),
      honest(OBJECT, { etag: '"v9"', "last-modified": MODIFIED }),
    );
    const src = source();
    await src.read(0, 10);
    expect([...(await src.read(10, 10))]).toEqual([...OBJECT.subarray(10, 20)]);
  });

  it("an ETag later answers lack, or the same ETag with another Last-Modified, is the same version", async () => {
    then(honest(OBJECT), honest(OBJECT, { "last-modified": MODIFIED }));
    const dropped = source();
    await dropped.read(0, 10);
    expect([...(await dropped.read(10, 10))]).toEqual([...OBJECT.subarray(10, 20)]);
    then(honest(OBJECT), honest(OBJECT, { etag: '"v1"', "last-modified": "Wed, 09 Dec 2026 09:00:00 GMT" }));
    const touched = source();
    await touched.read(0, 10);
    expect([...(await touched.read(10, 10))]).toEqual([...OBJECT.subarray(10, 20)]);
    then(honest(OBJECT, {}), honest(OBJECT, {}));
    const bare = source();
    await bare.read(0, 10);
    expect([...(await bare.read(10, 10))]).toEqual([...OBJECT.subarray(10, 20)]);
  });

  it("only a leading W/ marks a weak ETag: W/ inside the tag is part of it", async () => {
    for (const [first, later] of [
      ['"xW/1"', '"x1"'],
      ['"x1"', '"xW/1"'],
    ]) {
      then(honest(OBJECT, { etag: first! }), honest(OBJECT, { etag: later! }));
      const src = source();
      await src.read(0, 10);
      const e = await failure(src.read(10, 10));
      expect([e.code, e.message]).toEqual([
        "EXR_SOURCE_CHANGED",
        `${url} changed while it was read (its ETag changed)`,
      ]);
    }
  });

  it("412 (If-Match refused) is EXR_SOURCE_CHANGED at once", async () => {
    then(honest(OBJECT), () => ({ status: 412 }));
    const src = source();
    await src.read(0, 10);
    const e = await failure(src.read(10, 10));
    expect([e.code, e.message, e.retryable]).toEqual([
      "EXR_SOURCE_CHANGED",
      `${url} changed while it was read (ETag no longer matches)`,
      false,
    ]);
    expect(seen).toHaveLength(2);
  });
});

describe("HTTP statuses", () => {
  const cases: [number, string, string, number][] = [
    [404, "EXR_SOURCE_NOT_FOUND", "HTTP 404", 1],
    [410, "EXR_SOURCE_NOT_FOUND", "HTTP 410", 1],
    [
      401,
      "EXR_SOURCE_ACCESS_DENIED",
      "HTTP 401 (the URL's own credentials: presigned signature or token, expired or refused)",
      1,
    ],
    [
      403,
      "EXR_SOURCE_ACCESS_DENIED",
      "HTTP 403 (the URL's own credentials: presigned signature or token, expired or refused)",
      1,
    ],
    [400, "EXR_SOURCE_UNAVAILABLE", "HTTP 400", 1],
    [501, "EXR_SOURCE_UNAVAILABLE", "HTTP 501", 1],
    [408, "EXR_SOURCE_UNAVAILABLE", "HTTP 408 (after 3 attempts)", 3],
    [429, "EXR_SOURCE_UNAVAILABLE", "HTTP 429 (after 3 attempts)", 3],
    [500, "EXR_SOURCE_UNAVAILABLE", "HTTP 500 (after 3 attempts)", 3],
    [502, "EXR_SOURCE_UNAVAILABLE", "HTTP 502 (after 3 attempts)", 3],
    [503, "EXR_SOURCE_UNAVAILABLE", "HTTP 503 (after 3 attempts)", 3],
    [504, "EXR_SOURCE_UNAVAILABLE", "HTTP 504 (after 3 attempts)", 3],
  ];
  it.each(cases)("%i is %s, %s, in %i request(s)", async (status, code, message, requests) => {
    script = () => ({ status, body: new TextEncoder().encode("<Error/>") });
    const e = await failure(source().read(0, 10));
    expect([e.code, e.message]).toEqual([code, `${url}: ${message}`]);
    expect(seen).toHaveLength(requests);
  });

  it("an answer without a body (304) is refused with its status, not as a crash", async () => {
    script = () => ({ status: 304 });
    const e = await failure(source().read(0, 10));
    expect([e.code, e.message, e.retryable]).toEqual(["EXR_SOURCE_UNAVAILABLE", `${url}: HTTP 304`, false]);
    expect(seen).toHaveLength(1);
  });

  it("the body of a refused answer is not read: its connection is let go", async () => {
    let closed!: () => void;
    const gone = new Promise<string>((r) => {
      closed = () => r("closed");
    });
    script = () => ({
      status: 404,
      write: (res) => {
        res.on("close", closed);
        res.writeHead(404, { "transfer-encoding": "chunked" });
        res.write("<Error>");
      },
    });
    expect((await failure(source().read(0, 10))).code).toBe("EXR_SOURCE_NOT_FOUND");
    const outcome = await Promise.race([
      gone,
      new Promise<string>((r) => setTimeout(() => r("still open"), 3_000)),
    ]);
    expect(outcome).toBe("closed");
  });

  it("a credential in the URL's query never reaches the path or an error", async () => {
    script = () => ({ status: 404 });
    const src = new HttpSource(`${url}?X-Amz-Signature=deadbeef&v=1`, FAST);
    expect(src.path).toBe(`${url}?v=1`);
    expect((await failure(src.read(0, 1))).message).toBe(`${url}?v=1: HTTP 404`);
  });

  it("an answer that does not come in time is retried, then reported as timed out", async () => {
    const slow = createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    try {
      const at = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/x.exr`;
      const e = await failure(new HttpSource(at, { ...FAST, retries: 1, timeoutMs: 150 }).read(0, 10));
      expect([e.code, e.message]).toEqual([
        "EXR_SOURCE_UNAVAILABLE",
        `${at}: request timed out (after 2 attempts)`,
      ]);
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });
});
