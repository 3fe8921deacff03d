/**
 * The bounds and edges of our HTTP/1.1 client (src/io/http1-pool.ts) against raw TCP servers: limits exactly at
 * and one past their value, answers split at every awkward place, connection reuse and its end, cancellation
 * while queued and while on a connection, closing the pool. Each case asserts the whole outcome (status, body,
 * cut, error code and message).
 */
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Http1Error } from "../../src/io/http1-pool.js";
import { host, never, outcome, poolFor, rawServer, runCleanups, tick } from "./raw-http-server.js";

afterEach(runCleanups);

/** Writes `bytes` in pieces of the given sizes, a tick apart (the rest in one piece). */
async function writeInPieces(s: Socket, bytes: string, sizes: number[]): Promise<void> {
  let at = 0;
  for (const size of sizes) {
    s.write(bytes.slice(at, at + size), "latin1");
    at += size;
    await tick(5);
  }
  if (at < bytes.length) s.write(bytes.slice(at), "latin1");
}

describe("Http1Pool: request heads", () => {
  it("sends one GET head with the headers as given", async () => {
    const server = await rawServer((s) => s.write("HTTP/1.1 204 No Content\r\n\r\n"));
    const r = await poolFor(server.port).get("/a/b?c=d", { host: "h:1", "x-y": "z w" }, 10, never());
    expect([r.status, r.body.length, r.contentLength, r.cut]).toEqual([204, 0, null, false]);
    expect(server.requests.map((r) => r.head)).toEqual(["GET /a/b?c=d HTTP/1.1\r\nhost: h:1\r\nx-y: z w"]);
  });

  it.each([
    ["a target without the leading slash", "a", host, "request target is not encoded"],
    ["a target with a space", "/a b", host, "request target is not encoded"],
    ["a header name with a space", "/", { "a b": "1" }, "header a b cannot be sent"],
    ["a header value with a line break", "/", { a: "1\n2" }, "header a cannot be sent"],
    ["an empty header name", "/", { "": "1" }, "header  cannot be sent"],
  ])("refuses %s without connecting", async (_what, target, headers, message) => {
    const server = await rawServer(() => {});
    const err = await outcome(poolFor(server.port).get(target, headers, 10, never()));
    expect(err).toBeInstanceOf(Http1Error);
    expect([err!.code, err!.message, err!.name]).toEqual(["EHTTP_REQUEST", message, "Http1Error"]);
    await tick();
    expect(server.connections()).toBe(0);
  });

  it("an already aborted signal: AbortError, nothing sent", async () => {
    const server = await rawServer(() => {});
    const err = await outcome(poolFor(server.port).get("/", host, 10, AbortSignal.abort()));
    expect([err!.name, err!.message]).toEqual(["AbortError", "request aborted"]);
    await tick();
    expect(server.connections()).toBe(0);
  });
});

describe("Http1Pool: answer heads", () => {
  it("finds the head's end wherever the pieces split it, and the body after it", async () => {
    const answer = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody";
    for (const split of [
      [answer.indexOf("\r\n\r\n") + 1],
      [answer.indexOf("\r\n\r\n") + 2],
      [answer.indexOf("\r\n\r\n") + 3],
      [5, 5, 5, 5, 5, 5, 5, 5],
      [answer.length - 2],
    ]) {
      const server = await rawServer((s) => void writeInPieces(s, answer, split));
      const r = await poolFor(server.port).get("/", host, 100, never());
      expect([r.status, r.body.toString()]).toEqual([200, "body"]);
    }
  });

  it("a head exactly at the limit passes; one byte more is malformed", async () => {
    const head = (size: number) => {
      const start = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: ";
      return `${start}${"x".repeat(size - start.length - 4)}\r\n\r\n`;
    };
    expect(head(200).length).toBe(200);
    const fits = await rawServer((s) => s.write(head(200)));
    expect((await poolFor(fits.port, { maxHeaderBytes: 200 }).get("/", host, 10, never())).status).toBe(200);
    const over = await rawServer((s) => s.write(head(201)));
    const err = await outcome(poolFor(over.port, { maxHeaderBytes: 200 }).get("/", host, 10, never()));
    expect([err!.code, err!.message]).toEqual([
      "EHTTP_MALFORMED",
      "malformed HTTP answer: head longer than 200 bytes",
    ]);
    // Also when it arrives in pieces without its end.
    const trickle = await rawServer(
      (s) => void writeInPieces(s, `HTTP/1.1 200 OK\r\nX: ${"y".repeat(300)}`, [100, 100]),
    );
    const err2 = await outcome(poolFor(trickle.port, { maxHeaderBytes: 200 }).get("/", host, 10, never()));
    expect(err2!.message).toBe("malformed HTTP answer: head longer than 200 bytes");
  });

  it("skips up to 8 interim answers; a 9th is malformed", async () => {
    const interim = (n: number) => "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n".repeat(n);
    const eight = await rawServer((s) =>
      s.write(`${interim(8)}HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx`),
    );
    const r = await poolFor(eight.port).get("/", host, 10, never());
    expect([r.status, r.body.toString(), r.headers.link]).toEqual([200, "x", undefined]);
    const nine = await rawServer((s) =>
      s.write(`${interim(9)}HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx`),
    );
    const err = await outcome(poolFor(nine.port).get("/", host, 10, never()));
    expect([err!.code, err!.message]).toEqual(["EHTTP_MALFORMED", "malformed HTTP answer: status 103"]);
    // Interim answers are counted per answer: two answers with 8 each on one connection are fine.
    const again = await rawServer((s) =>
      s.write(`${interim(8)}HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx`),
    );
    const pool = poolFor(again.port);
    for (let i = 0; i < 2; i++) expect((await pool.get("/", host, 10, never())).status).toBe(200);
    expect(again.connections()).toBe(1);
  });

  it.each([
    ["HTTP/1.1 200 OK", 200],
    ["HTTP/1.0 206 Partial Content", 206],
    ["HTTP/1.1 599", 599],
    ["HTTP/1.1 404 ", 404],
  ])("status line %j", async (line, status) => {
    const server = await rawServer((s) => s.write(`${line}\r\nContent-Length: 0\r\n\r\n`));
    expect((await poolFor(server.port).get("/", host, 10, never())).status).toBe(status);
  });

  it.each([
    ["HTTP/2.0 200 OK"],
    ["HTTP/1.1 099 Low"],
    ["HTTP/1.1 20 OK"],
    ["HTTP/1.1 2000 OK"],
    ["HTTP/1.1 200 O\u0000K"],
    ["xHTTP/1.1 200 OK"],
    ["HTTP/1.10 200 OK"],
  ])("malformed status line %j, quoted in the message", async (line) => {
    const server = await rawServer((s) => s.write(`${line}\r\n\r\n`));
    const err = await outcome(poolFor(server.port).get("/", host, 10, never()));
    expect([err!.code, err!.message]).toEqual([
      "EHTTP_MALFORMED",
      `malformed HTTP answer: status line ${JSON.stringify(line)}`,
    ]);
  });

  it("header names in lower case, values trimmed, repeats joined; bad names and values refused", async () => {
    const server = await rawServer((s, n) => {
      if (n === 0)
        s.write("HTTP/1.1 200 OK\r\nX-Odd:  a b  \r\nx-odd:c\r\nEmpty:\r\nContent-Length: 0\r\n\r\n");
      if (n === 1) s.write("HTTP/1.1 200 OK\r\n:nameless\r\n\r\n");
      if (n === 2) s.write("HTTP/1.1 200 OK\r\nA: x\u0000y\r\n\r\n");
    });
    const pool = poolFor(server.port);
    const r = await pool.get("/", host, 10, never());
    expect(r.headers).toEqual({ "x-odd": "a b, c", empty: "", "content-length": "0" });
    expect(Object.getPrototypeOf(r.headers)).toBeNull();
    expect((await outcome(pool.get("/", host, 10, never())))!.message).toBe(
      'malformed HTTP answer: header line ":nameless"',
    );
    expect((await outcome(pool.get("/", host, 10, never())))!.message).toBe(
      "malformed HTTP answer: header A holds a control character",
    );
  });
});

describe("Http1Pool: bodies", () => {
  it("Content-Length: repeated equal values accepted, 15 digits at most, 0 is no body", async () => {
    const server = await rawServer((s, n) => {
      if (n === 0) s.write("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc");
      if (n === 1) s.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      if (n === 2) s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${"1".repeat(16)}\r\n\r\n`);
    });
    const pool = poolFor(server.port);
    const a = await pool.get("/", host, 10, never());
    expect([a.body.toString(), a.contentLength]).toEqual(["abc", 3]);
    const b = await pool.get("/", host, 10, never());
    expect([b.body.length, b.contentLength, b.cut]).toEqual([0, 0, false]);
    expect(server.connections()).toBe(1);
    const err = await outcome(pool.get("/", host, 10, never()));
    expect(err!.message).toBe(`malformed HTTP answer: Content-Length "${"1".repeat(16)}"`);
  });

  it("a 304 or 204 has no body even with a Content-Length; the next answer follows at once", async () => {
    const server = await rawServer((s, n) => {
      if (n === 0) s.write("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n");
      else s.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    const pool = poolFor(server.port);
    const a = await pool.get("/", host, 100, never());
    expect([a.status, a.body.length, a.contentLength]).toEqual([304, 0, null]);
    expect((await pool.get("/", host, 100, never())).body.toString()).toBe("ok");
    expect(server.connections()).toBe(1);
  });

  it("a Content-Length body in pieces; exactly maxBody is whole, one byte over is cut", async () => {
    const body = "0123456789";
    const server = await rawServer((s, n) => {
      // The third answer stops after 7 of its 10 bytes.
      if (n === 2) s.write(`HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n${body.slice(0, 7)}`);
      else void writeInPieces(s, `HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n${body}`, [40, 3, 3]);
    });
    const pool = poolFor(server.port);
    const whole = await pool.get("/", host, 10, never());
    expect([whole.body.toString(), whole.cut, whole.contentLength]).toEqual([body, false, 10]);
    // Cut in the last piece: every byte was read, the connection stays.
    const cut = await pool.get("/", host, 9, never());
    expect([cut.body.toString(), cut.cut, cut.contentLength]).toEqual(["012345678", true, 10]);
    expect(server.connections()).toBe(1);
    // Cut with bytes still to come: no waiting for them, the connection is closed.
    const early = await pool.get("/", host, 5, never());
    expect([early.body.toString(), early.cut, early.contentLength]).toEqual(["01234", true, 10]);
    expect((await pool.get("/", host, 0, never())).body.length).toBe(0);
    expect(server.connections()).toBe(2);
  });

  it("a body delimited by the connection's end: whole when it ends at maxBody, cut when longer", async () => {
    const server = await rawServer((s, n) => {
      if (n === 0) void writeInPieces(s, "HTTP/1.1 200 OK\r\n\r\nabcde", [19, 2]).then(() => s.end());
      if (n === 1) s.end("HTTP/1.1 200 OK\r\n\r\nabcdef");
      if (n === 2) s.end("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    });
    const pool = poolFor(server.port);
    const a = await pool.get("/", host, 5, never());
    expect([a.body.toString(), a.cut, a.contentLength]).toEqual(["abcde", false, null]);
    const b = await pool.get("/", host, 5, never());
    expect([b.body.toString(), b.cut]).toEqual(["abcde", true]);
    // HTTP/1.0 without keep-alive: the connection is not reused.
    const c = await pool.get("/", host, 5, never());
    expect(c.body.toString()).toBe("hi");
    expect(server.connections()).toBe(3);
  });

  it("HTTP/1.0 with keep-alive and HTTP/1.1 with Connection: close", async () => {
    const server = await rawServer((s, n) => {
      if (n < 2) s.write("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nk");
      else s.write("HTTP/1.1 200 OK\r\nConnection: upgrade, CLOSE\r\nContent-Length: 1\r\n\r\nc");
    });
    const pool = poolFor(server.port);
    for (let i = 0; i < 3; i++) await pool.get("/", host, 5, never());
    expect(server.connections()).toBe(1);
    await pool.get("/", host, 5, never());
    expect(server.connections()).toBe(2);
  });

  it("chunked: sizes in hex with extensions and spaces, pieces split anywhere, trailers read", async () => {
    const answer =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA \t;ext=1\r\n0123456789\r\n1\r\nx\r\n0\r\nT: 1\r\nU: 2\r\n\r\n";
    for (const split of [[45, 1, 1, 1], [60], [answer.length - 3], [answer.length - 1]]) {
      const server = await rawServer((s) => void writeInPieces(s, answer, split));
      const pool = poolFor(server.port);
      for (let i = 0; i < 2; i++) {
        const r = await pool.get("/", host, 100, never());
        expect([r.body.toString(), r.cut, r.contentLength]).toEqual(["0123456789x", false, null]);
      }
      expect(server.connections()).toBe(1);
    }
  });

  it.each([
    ["a chunk-size line without CR", "3\nabc\r\n0\r\n\r\n", "chunk line without CRLF"],
    ["13 hex digits", "1000000000000\r\n", 'chunk size "1000000000000"'],
    ["data not followed by CRLF", "3\r\nabcX\r\n0\r\n\r\n", "chunk data longer than its size"],
    ["a chunk line of 4097 bytes", `1;${"e".repeat(4093)}\r\n`, "chunk line too long"],
    ["trailers over the head limit", `0\r\n${"T: x\r\n".repeat(20)}\r\n`, "chunk line too long"],
  ])("chunked: %s is malformed", async (_what, body, why) => {
    const server = await rawServer((s) =>
      s.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}`),
    );
    const err = await outcome(poolFor(server.port, { maxHeaderBytes: 100 }).get("/", host, 10, never()));
    expect([err!.code, err!.message]).toEqual(["EHTTP_MALFORMED", `malformed HTTP answer: ${why}`]);
  });

  it("chunked: a chunk line of 4096 bytes passes; a body cut at maxBody in a later chunk", async () => {
    const server = await rawServer((s, n) => {
      if (n === 0)
        s.write(
          `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${"e".repeat(4092)}\r\nx\r\n0\r\n\r\n`,
        );
      if (n === 1)
        s.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n");
    });
    const pool = poolFor(server.port);
    expect((await pool.get("/", host, 10, never())).body.toString()).toBe("x");
    const cut = await pool.get("/", host, 4, never());
    expect([cut.body.toString(), cut.cut]).toEqual(["abcd", true]);
  });

  it("a negative maxBody reads nothing of the body", async () => {
    const server = await rawServer((s) => s.end("HTTP/1.1 200 OK\r\n\r\nabc"));
    const r = await poolFor(server.port).get("/", host, -5, never());
    expect([r.body.length, r.cut]).toEqual([0, true]);
  });
});

describe("Http1Pool: connections", () => {
  it("bytes with no request outstanding end that connection; the next request gets a new one", async () => {
    const server = await rawServer((s) => s.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxJUNK"));
    const pool = poolFor(server.port);
    expect((await pool.get("/", host, 10, never())).body.toString()).toBe("x");
    await tick(30);
    expect((await pool.get("/", host, 10, never())).body.toString()).toBe("x");
    expect(server.connections()).toBe(2);
  });

  it("closes idle connections after idleTimeoutMs, not busy ones", async () => {
    const server = await rawServer((s, n) => {
      if (n === 1) setTimeout(() => s.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ns"), 150);
      else s.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    });
    const pool = poolFor(server.port, { idleTimeoutMs: 60 });
    await pool.get("/", host, 10, never());
    // A slow answer (longer than the idle timeout) still arrives on its connection.
    expect((await pool.get("/", host, 10, never())).body.toString()).toBe("s");
    expect(server.connections()).toBe(1);
    await tick(200);
    await pool.get("/", host, 10, never());
    expect(server.connections()).toBe(2);
  });

  it("opens at most maxConnections, queueing the rest; at least one", async () => {
    const server = await rawServer((s) =>
      setTimeout(() => s.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"), 20),
    );
    const pool = poolFor(server.port, { maxConnections: 3 });
    await Promise.all(Array.from({ length: 7 }, () => pool.get("/", host, 10, never())));
    expect(server.connections()).toBe(3);
    const one = await rawServer((s) =>
      setTimeout(() => s.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"), 5),
    );
    const single = poolFor(one.port, { maxConnections: 0 });
    await Promise.all(Array.from({ length: 3 }, () => single.get("/", host, 10, never())));
    expect(one.connections()).toBe(1);
    expect(single.pipeliningDepth).toBe(1);
  });

  it("pipelines on the least busy connection once all are open", async () => {
    const pending: Socket[] = [];
    const server = await rawServer((s) => {
      pending.push(s);
      setTimeout(() => s.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"), 40);
    });
    const pool = poolFor(server.port, { maxConnections: 2, pipelining: 3 });
    expect(pool.pipeliningDepth).toBe(3);
    const all = Promise.all(Array.from({ length: 6 }, () => pool.get("/", host, 10, never())));
    await all;
    expect(server.connections()).toBe(2);
    const perConnection = new Map<Socket, number>();
    for (const s of pending) perConnection.set(s, (perConnection.get(s) ?? 0) + 1);
    expect([...perConnection.values()]).toEqual([3, 3]);
  });

  it("a request that keeps meeting closed connections fails after two resends", async () => {
    let first = true;
    const server = await rawServer((s) => {
      if (first) {
        first = false;
        s.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
      } else s.destroy();
    });
    const pool = poolFor(server.port, { maxConnections: 1 });
    await pool.get("/", host, 10, never());
    // Reused connection closed before any answer byte: resent (fresh connections then fail at once).
    const err = await outcome(pool.get("/", host, 10, never()));
    expect(err!.code).toBe("ECONNRESET");
    expect(server.requests.length).toBeLessThanOrEqual(4);
  });

  it("aborting a queued request drops it; aborting one on a connection resends the others", async () => {
    // `/a` is never answered, so nothing behind it on its connection is either (answers come in order).
    const stuck = new WeakSet<Socket>();
    const server = await rawServer((s, n, head) => {
      if (head.startsWith("GET /a ")) stuck.add(s);
      if (!stuck.has(s)) s.write(`HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n${n}`);
    });
    const pool = poolFor(server.port, { maxConnections: 1, pipelining: 2 });
    const first = new AbortController();
    const queued = new AbortController();
    const a = pool.get("/a", host, 10, first.signal);
    const b = pool.get("/b", host, 10, never());
    const c = pool.get("/c", host, 10, queued.signal);
    await tick(20);
    queued.abort();
    expect((await outcome(c))!.name).toBe("AbortError");
    first.abort();
    expect((await outcome(a))!.name).toBe("AbortError");
    const rb = await b;
    expect(rb.status).toBe(200);
    expect(server.requests.map((r) => r.head.split(" ")[1])).toEqual(["/a", "/b", "/b"]);
  });

  it("close() fails queued and later requests with 'client closed'", async () => {
    const server = await rawServer(() => {});
    const pool = poolFor(server.port, { maxConnections: 1 });
    const onConnection = pool.get("/1", host, 10, never());
    const queued = pool.get("/2", host, 10, never());
    await tick(20);
    pool.close();
    const err = await outcome(queued);
    expect([err!.code, err!.message]).toEqual(["ECONNRESET", "client closed"]);
    expect((await outcome(onConnection))!.code).toBe("ECONNRESET");
    const later = await outcome(pool.get("/", host, 10, never()));
    expect([later!.code, later!.message]).toEqual(["ECONNRESET", "client closed"]);
  });
});
