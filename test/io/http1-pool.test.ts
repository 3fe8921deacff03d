/**
 * Our HTTP/1.1 client (src/io/http1-pool.ts) against real Node servers: node:http ones for well-formed answers
 * and for the misbehaviours node:http can produce (a body cut short, a wrong Content-Length, a reset, an answer
 * that never comes), raw net servers for malformed bytes. And the same misbehaviours through the S3 path
 * (DirectRangeGets + S3Source): always a coded result, never a crash.
 */
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Http1Error, Http1Pool } from "../../src/io/http1-pool.js";
import { createS3Client } from "../../src/io/s3-client.js";
import { DirectRangeGets } from "../../src/io/s3-direct-get.js";
import { S3Source } from "../../src/io/s3-source.js";
import { SourceError } from "../../src/io/source-error.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: HttpServer | NetServer): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

function poolFor(port: number, options: ConstructorParameters<typeof Http1Pool>[1] = {}): Http1Pool {
  const pool = new Http1Pool({ https: false, hostname: "127.0.0.1", port }, options);
  cleanups.push(() => pool.close());
  return pool;
}

/** A raw server answering each connection's bytes with `answer(requestCount)`. */
async function rawServer(answer: (socket: Socket, n: number) => void): Promise<number> {
  let n = 0;
  const server = createNetServer((socket) => {
    let buffered = "";
    socket.on("data", (d) => {
      buffered += d.toString("latin1");
      while (buffered.includes("\r\n\r\n")) {
        buffered = buffered.slice(buffered.indexOf("\r\n\r\n") + 4);
        answer(socket, n++);
      }
    });
    socket.on("error", () => {});
  });
  return listen(server);
}

const never = () => new AbortController().signal;
const timeout = (ms: number) => AbortSignal.timeout(ms);
const host = { host: "127.0.0.1" };

describe("Http1Pool with well-formed answers", () => {
  it("reads Content-Length, chunked and close-delimited bodies, skipping 1xx answers", async () => {
    const port = await rawServer((s, n) => {
      if (n === 0) s.write('HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nETag: "e"\r\n\r\nhello');
      if (n === 1)
        s.write(
          "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: 1\r\n\r\n",
        );
      if (n === 2) s.end("HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\n\r\nuntil the end");
    });
    const pool = poolFor(port);
    const a = await pool.get("/a", host, 100, never());
    expect([a.status, a.body.toString(), a.headers.etag, a.contentLength]).toEqual([206, "hello", '"e"', 5]);
    const b = await pool.get("/b", host, 100, never());
    expect([b.status, b.body.toString(), b.contentLength]).toEqual([200, "abcde", null]);
    const c = await pool.get("/c", host, 100, never());
    expect([c.body.toString(), c.headers["x-a"], c.cut]).toEqual(["until the end", "1, 2", false]);
  });

  it("keeps one connection for sequential requests and pipelines in order when allowed", async () => {
    let connections = 0;
    const server = createHttpServer((req, res) => {
      // Answers in reverse arrival order would break a client that does not keep them apart.
      setTimeout(() => res.end(req.url), req.url === "/1" ? 30 : 1);
    });
    server.on("connection", () => connections++);
    const port = await listen(server);
    const pool = poolFor(port, { maxConnections: 1, pipelining: 4 });
    for (let i = 0; i < 5; i++)
      expect((await pool.get(`/s${i}`, host, 100, never())).body.toString()).toBe(`/s${i}`);
    const answers = await Promise.all([1, 2, 3, 4].map((i) => pool.get(`/${i}`, host, 100, never())));
    expect(answers.map((r) => r.body.toString())).toEqual(["/1", "/2", "/3", "/4"]);
    expect(connections).toBe(1);
  });

  it("stops pipelining to a server that closes the connection with requests pipelined behind an answer", async () => {
    let connections = 0;
    const server = createHttpServer((req, res) => {
      res.setHeader("Connection", "close");
      res.end(req.url);
    });
    server.on("connection", () => connections++);
    const pool = poolFor(await listen(server), { maxConnections: 1, pipelining: 4 });
    const answers = await Promise.all([1, 2, 3, 4].map((i) => pool.get(`/${i}`, host, 100, never())));
    expect(answers.map((r) => r.body.toString())).toEqual(["/1", "/2", "/3", "/4"]);
    expect(pool.pipeliningDepth).toBe(1);
    expect(connections).toBe(4);
  });

  it("sends again, on a new connection, a request whose reused connection the server had closed", async () => {
    // The server answers the first request of a connection, and drops the connection on the next one (an
    // idle timeout that struck as the request went out).
    const seen = new WeakSet<Socket>();
    const port = await rawServer((s) => {
      if (seen.has(s)) return void s.destroy();
      seen.add(s);
      s.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    const pool = poolFor(port);
    for (let i = 0; i < 3; i++) expect((await pool.get("/", host, 10, never())).body.toString()).toBe("ok");
  });

  it("stops reading a body longer than wanted (a server that ignores Range) and closes that connection", async () => {
    const server = createHttpServer((_req, res) => res.end(Buffer.alloc(1 << 20, 7)));
    const port = await listen(server);
    const pool = poolFor(port);
    const r = await pool.get("/", host, 1000, never());
    expect([r.body.length, r.cut, r.contentLength]).toEqual([1000, true, 1 << 20]);
    expect((await pool.get("/", host, 1 << 20, never())).body.length).toBe(1 << 20);
  });
});

describe("Http1Pool against misbehaving servers: coded errors, bounded, no crash", () => {
  const failure = async (p: Promise<unknown>) => {
    const err = (await p.then(
      () => null,
      (e: unknown) => e,
    )) as Error & { code?: string };
    expect(err).not.toBeNull();
    return err;
  };

  it("a body cut short by the server (node:http, Content-Length larger than sent)", async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { "Content-Length": 1000 });
      res.write(Buffer.alloc(400));
      setTimeout(() => res.destroy(), 5);
    });
    const pool = poolFor(await listen(server));
    const err = await failure(pool.get("/", host, 5000, never()));
    expect(err).toBeInstanceOf(Http1Error);
    expect(err.code).toBe("ECONNRESET");
  });

  it("a Content-Length smaller than the body: the extra bytes are not taken as the next answer", async () => {
    const port = await rawServer((s, n) => {
      if (n === 0) s.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdefgh");
      else s.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    const pool = poolFor(port);
    expect((await pool.get("/", host, 100, never())).body.toString()).toBe("abc");
    // The stray bytes ruin that connection; the next request goes on a fresh one.
    await new Promise((r) => setTimeout(r, 20));
    expect((await pool.get("/", host, 100, never())).body.toString()).toBe("ok");
  });

  it("an answer that never comes (or whose head trickles) times out with the caller's signal", async () => {
    const server = createHttpServer((_req, res) => {
      res.socket?.write("HTTP/1.1 200 OK\r\n"); // head started, never finished
    });
    const pool = poolFor(await listen(server));
    const started = Date.now();
    const err = await failure(pool.get("/", host, 100, timeout(150)));
    expect(err.name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a connection reset mid-answer", async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { "Content-Length": 100 });
      res.write("partial");
      setTimeout(() => res.socket?.resetAndDestroy(), 5);
    });
    const pool = poolFor(await listen(server));
    const err = await failure(pool.get("/", host, 100, never()));
    expect(err.code).toBe("ECONNRESET");
  });

  it.each([
    ["a garbage status line", "HTTP/1.1 2x0 OK\r\n\r\n"],
    ["a header line without a colon", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"],
    ["an obsolete folded header", "HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\r\n"],
    [
      "both Transfer-Encoding and Content-Length",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
    ],
    [
      "two different Content-Lengths",
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    ],
    ["a negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"],
    ["an unknown Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"],
    ["a chunk size that is not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
    [
      "a chunk longer than its size",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
    ],
    [
      "an endless chunk-size line",
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${"1".repeat(5000)}`,
    ],
    ["a head over the limit", `HTTP/1.1 200 OK\r\nX-Big: ${"x".repeat(70_000)}\r\n\r\n`],
    ["a switch of protocols", "HTTP/1.1 101 Switching Protocols\r\n\r\n"],
  ])("%s is EHTTP_MALFORMED", async (_what, bytes) => {
    const port = await rawServer((s) => s.write(bytes));
    const err = await failure(poolFor(port).get("/", host, 100, never()));
    expect(err).toBeInstanceOf(Http1Error);
    expect(err.code).toBe("EHTTP_MALFORMED");
  });

  it("bounds a chunked or close-delimited body at what the caller wants", async () => {
    const port = await rawServer((s, n) => {
      if (n === 0)
        s.write(
          `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${"400\r\n" + "y".repeat(1024) + "\r\n"}`.repeat(
            1,
          ),
        );
      else s.end(`HTTP/1.1 200 OK\r\n\r\n${"z".repeat(5000)}`);
    });
    const pool = poolFor(port);
    const a = await pool.get("/", host, 100, never());
    expect([a.body.length, a.cut]).toEqual([100, true]);
    const b = await pool.get("/", host, 100, never());
    expect([b.body.length, b.cut]).toEqual([100, true]);
  });

  it("refuses request heads that would need escaping, without sending them", async () => {
    const pool = poolFor(1);
    expect((await failure(pool.get("/a b", host, 1, never()))).code).toBe("EHTTP_REQUEST");
    expect((await failure(pool.get("/", { host: "a\r\nb" }, 1, never()))).code).toBe("EHTTP_REQUEST");
  });

  it("a refused connection fails at once with the socket's code", async () => {
    const server = createNetServer();
    const port = await listen(server);
    await new Promise<void>((r) => server.close(() => r()));
    const err = await failure(poolFor(port).get("/", host, 1, never()));
    expect(err.code).toBe("ECONNREFUSED");
  });
});

describe("S3 reads through our client from misbehaving servers", () => {
  const FAST = { retries: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 200 };
  async function readFrom(port: number) {
    const { client } = createS3Client({
      endpointUrl: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
    });
    const gets = new DirectRangeGets(client);
    cleanups.push(() => {
      gets.close();
      client.destroy();
    });
    const source = new S3Source(gets, "b", "k.exr", { policy: FAST });
    const err = await source.read(0, 100).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SourceError);
    return { err: err as SourceError, requests: source.stats.requests };
  }

  it.each([
    [
      "a body cut short",
      (s: Socket) =>
        s.end(
          "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-99/1000\r\nContent-Length: 100\r\n\r\nshort",
        ),
    ],
    ["a malformed head", (s: Socket) => s.write("HTTP/1.1 206 Partial\r\nContent-Length: x\r\n\r\n")],
    [
      "a Content-Length shorter than the range",
      (s: Socket) =>
        s.write(
          "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-99/1000\r\nContent-Length: 10\r\n\r\n0123456789",
        ),
    ],
    ["no answer at all", () => {}],
    ["a reset", (s: Socket) => s.resetAndDestroy()],
  ])("%s: EXR_SOURCE_UNAVAILABLE after the retries", async (_what, answer) => {
    const { err, requests } = await readFrom(await rawServer(answer));
    expect(err.code).toBe("EXR_SOURCE_UNAVAILABLE");
    expect(requests).toBe(3);
  });
});
