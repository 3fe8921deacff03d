/**
 * The rules of our HTTP/1.1 client (src/io/http1-pool.ts) that the first mutation run left unpinned, against raw
 * TCP (and one TLS) servers: which connection a request goes on, when pipelining is given up and when not, the
 * resend limit, what a late abort may not touch, sockets holding the process only while a request is out, the TLS
 * handshake's SNI and ALPN, bodies over `maxBody` in one piece or in several, chunk and trailer bounds, and the
 * exact error of each malformed answer.
 */
import { execFileSync } from "node:child_process";
import { getEventListeners } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { Http1Pool } from "../../src/io/http1-pool.js";
import { cleanups, host, never, outcome, poolFor, rawServer, runCleanups, tick } from "./raw-http-server.js";

afterEach(runCleanups);

const OK = (body = "x") => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const pathOf = (head: string) => head.split(" ")[1];

describe("Http1Pool: which connection a request goes on", () => {
  it("a new connection while under maxConnections, then the least busy one (the first of equals)", async () => {
    const held: Socket[] = [];
    const server = await rawServer((s) => {
      held.push(s);
    });
    const pool = poolFor(server.port, { maxConnections: 2, pipelining: 3 });
    const all = ["/1", "/2", "/3", "/4", "/5"].map((p) => pool.get(p, host, 10, never()));
    for (let i = 0; i < 50 && server.requests.length < 5; i++) await tick();
    const placed = server.requests.map((r) => [pathOf(r.head), r.conn]).sort();
    expect(placed).toEqual([
      ["/1", 0],
      ["/2", 1],
      ["/3", 0],
      ["/4", 1],
      ["/5", 0],
    ]);
    for (const s of new Set(held)) s.write(OK().repeat(held.filter((h) => h === s).length));
    expect((await Promise.all(all)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });
});

describe("Http1Pool: pipelining given up only when pipelined requests were lost", () => {
  it("a connection ended after an answer with two requests pipelined behind it: depth 1 from then on", async () => {
    const server = await rawServer((s, _n, _head, conn, nth) => {
      if (conn === 0 && nth === 0) s.write(OK("a"));
      else if (conn === 0) {
        if (nth === 2) s.end();
      } else s.write(OK("b"));
    });
    const pool = poolFor(server.port, { maxConnections: 1, pipelining: 4 });
    const bodies = await Promise.all(["/1", "/2", "/3"].map((p) => pool.get(p, host, 10, never())));
    expect(bodies.map((b) => b.body.toString())).toEqual(["a", "b", "b"]);
    expect(pool.pipeliningDepth).toBe(1);
    expect(server.requests.map((r) => [pathOf(r.head), r.conn])).toEqual([
      ["/1", 0],
      ["/2", 0],
      ["/3", 0],
      ["/2", 1],
      ["/3", 1],
    ]);
  });

  it("one request lost behind an answer, or a malformed answer: pipelining stays", async () => {
    const server = await rawServer((s, _n, head, _conn, nth) => {
      if (pathOf(head) === "/bad" && nth > 0) s.write("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n");
      else if (pathOf(head) === "/lost" && nth > 0) s.end();
      else s.write(OK());
    });
    const pool = poolFor(server.port, { maxConnections: 1, pipelining: 4 });
    await Promise.all([pool.get("/", host, 10, never()), pool.get("/lost", host, 10, never())]);
    expect(pool.pipeliningDepth).toBe(4);
    const [, bad, after] = await Promise.all([
      pool.get("/", host, 10, never()),
      outcome(pool.get("/bad", host, 10, never())),
      outcome(pool.get("/", host, 10, never())),
    ]);
    expect([bad!.code, bad!.message]).toEqual([
      "EHTTP_MALFORMED",
      'malformed HTTP answer: Content-Length "x"',
    ]);
    expect(after).toBeNull();
    expect(pool.pipeliningDepth).toBe(4);
  });

  it("an answer with Connection: close and nothing behind it: pipelining stays", async () => {
    const server = await rawServer((s) =>
      s.end("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx"),
    );
    const pool = poolFor(server.port, { pipelining: 3 });
    await pool.get("/", host, 10, never());
    await pool.get("/", host, 10, never());
    expect([pool.pipeliningDepth, server.connections()]).toEqual([3, 2]);
  });
});

describe("Http1Pool: resends", () => {
  it("a request whose reused connections keep closing fails after its second resend", async () => {
    const server = await rawServer((s, _n, head) => {
      if (pathOf(head) === "/x") s.destroy();
      else s.write(OK());
    });
    const pool = poolFor(server.port, { maxConnections: 3 });
    await Promise.all(["/w1", "/w2", "/w3"].map((p) => pool.get(p, host, 10, never())));
    expect(server.connections()).toBe(3);
    const err = await outcome(pool.get("/x", host, 10, never()));
    expect([err!.code, err!.message]).toEqual([
      "ECONNRESET",
      "the connection closed before the answer, several times",
    ]);
    expect(server.requests.filter((r) => pathOf(r.head) === "/x").map((r) => r.conn)).toEqual([0, 1, 2]);
  });

  it("a reused connection reset (RST) before the answer: the request is sent again and answered", async () => {
    const server = await rawServer((s, _n, _head, _conn, nth) => {
      if (nth === 1) s.resetAndDestroy();
      else s.write(OK("y"));
    });
    const pool = poolFor(server.port, { maxConnections: 1 });
    await pool.get("/", host, 10, never());
    const again = await pool.get("/", host, 10, never());
    expect([again.status, again.body.toString(), server.connections()]).toEqual([200, "y", 2]);
  });

  it("a reused connection ended (FIN) before the answer: sent again, answered with the real status", async () => {
    const server = await rawServer((s, _n, _head, conn, nth) => {
      if (conn === 0 && nth === 1) s.end();
      else s.write(OK("z"));
    });
    const pool = poolFor(server.port, { maxConnections: 1 });
    await pool.get("/", host, 10, never());
    const again = await pool.get("/", host, 10, never());
    expect([again.status, again.body.toString()]).toEqual([200, "z"]);
  });

  it("a reused connection that ends in the middle of an answer fails that request (not resent)", async () => {
    const server = await rawServer((s, _n, _head, _conn, nth) => {
      if (nth === 0) s.write(OK());
      else s.end("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    });
    const pool = poolFor(server.port, { maxConnections: 1 });
    await pool.get("/", host, 10, never());
    const err = await outcome(pool.get("/", host, 10, never()));
    expect([err!.code, err!.message]).toEqual(["ECONNRESET", "the server closed the connection"]);
    expect([server.requests.length, server.connections()]).toEqual([2, 1]);
  });

  it("a fresh connection that fails is not resent: its error comes at once, with the cause", async () => {
    const server = await rawServer((s) => s.end());
    const pool = poolFor(server.port);
    const err = await outcome(pool.get("/", host, 10, never()));
    expect([err!.code, err!.message]).toEqual(["ECONNRESET", "the server closed the connection"]);
    expect(server.connections()).toBe(1);
    const reset = await rawServer((s) => s.resetAndDestroy());
    const err2 = await outcome(poolFor(reset.port).get("/", host, 10, never()));
    expect(err2!.code).toBe("ECONNRESET");
    expect((err2!.cause as { code?: string }).code).toBe("ECONNRESET");
    expect(reset.connections()).toBe(1);
  });

  it("aborting a neighbour again and again never counts against the request resent each time", async () => {
    const keepSockets: Socket[] = [];
    const server = await rawServer((s, _n, head) => {
      if (pathOf(head) === "/keep") keepSockets.push(s);
    });
    const pool = poolFor(server.port, { maxConnections: 1, pipelining: 2 });
    const keep = outcome(pool.get("/keep", host, 10, never()));
    for (let i = 0; i < 3; i++) {
      const ac = new AbortController();
      const other = outcome(pool.get(`/other${i}`, host, 10, ac.signal));
      for (let t = 0; t < 50 && server.requests.length < 2 * i + 2; t++) await tick();
      ac.abort();
      expect((await other)!.name).toBe("AbortError");
    }
    for (let t = 0; t < 50 && keepSockets.length < 4; t++) await tick();
    keepSockets.at(-1)!.write(OK("k"));
    expect(await keep).toBeNull();
    expect(server.requests.map((r) => [pathOf(r.head), r.conn])).toEqual([
      ["/keep", 0],
      ["/other0", 0],
      ["/keep", 1],
      ["/other1", 1],
      ["/keep", 2],
      ["/other2", 2],
      ["/keep", 3],
    ]);
  });
});

describe("Http1Pool: a request lets go of its signal and its connection's hold on the process", () => {
  it("no abort listener is left once a request is done; a late abort does not touch the connection", async () => {
    const server = await rawServer((s, n) => {
      if (n === 0) s.write(OK("1"));
      else setTimeout(() => s.write(OK("2")), 60);
    });
    const pool = poolFor(server.port, { maxConnections: 1 });
    const ac = new AbortController();
    await pool.get("/1", host, 10, ac.signal);
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(0);
    const second = pool.get("/2", host, 10, never());
    await tick(20);
    ac.abort();
    const r = await second;
    expect([r.body.toString(), server.connections(), server.requests.length]).toEqual(["2", 1, 2]);
  });

  it("the socket holds the process only while a request is on it", async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
    const server = await rawServer((s, n) => {
      s.unref();
      if (n === 1) setTimeout(() => s.write(OK()), 80);
      else s.write(OK());
    });
    const pool = poolFor(server.port, { maxConnections: 1 });
    await pool.get("/", host, 10, never());
    await tick(20);
    const idle = sockets();
    const second = pool.get("/", host, 10, never());
    await tick(30);
    const busy = sockets();
    await second;
    await tick(20);
    expect([busy - idle, sockets() - idle]).toEqual([1, 0]);
  });
});

/** The TLS case makes a throw-away certificate with the openssl CLI; without it the case is skipped. */
const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("Http1Pool over TLS", () => {
  it.skipIf(!hasOpenssl)(
    "names the host (SNI, not for an IP address) and offers http/1.1 (ALPN)",
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "http1-tls-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      execFileSync(
        "openssl",
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"].concat([
          "-keyout",
          path.join(dir, "key.pem"),
          "-out",
          path.join(dir, "cert.pem"),
        ]),
        { stdio: "ignore" },
      );
      const seen: { servername: string | null; alpn: string[] }[] = [];
      const server = createTlsServer({
        key: readFileSync(path.join(dir, "key.pem")),
        cert: readFileSync(path.join(dir, "cert.pem")),
        ALPNCallback: ({ servername, protocols }) => {
          seen.push({ servername: servername || null, alpn: protocols });
          return protocols[0];
        },
      });
      server.on("tlsClientError", () => {});
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      cleanups.push(() => new Promise((r) => server.close(r)));
      const port = (server.address() as AddressInfo).port;
      for (const hostname of ["localhost", "127.0.0.1"]) {
        const pool = new Http1Pool({ https: true, hostname, port });
        cleanups.push(() => pool.close());
        const err = await outcome(pool.get("/", host, 10, never()));
        // The certificate is self-signed: the handshake got as far as the server's answer to the hello.
        expect(err!.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      }
      expect(seen).toEqual([
        { servername: "localhost", alpn: ["http/1.1"] },
        { servername: null, alpn: ["http/1.1"] },
      ]);
    },
  );
});

describe("Http1Pool: bodies and their bounds", () => {
  it("a Content-Length body in the head's piece: whole (not cut) up to maxBody; one byte over is cut", async () => {
    const server = await rawServer((s) => s.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd"));
    const pool = poolFor(server.port, { maxConnections: 1 });
    const whole = await pool.get("/", host, 4, never());
    expect([whole.body.toString(), whole.cut, whole.contentLength]).toEqual(["abcd", false, 4]);
    const cut = await pool.get("/", host, 3, never());
    expect([cut.body.toString(), cut.cut, cut.contentLength]).toEqual(["abc", true, 4]);
  });

  it("a close-delimited body over maxBody in later pieces is cut at maxBody; one under it is whole", async () => {
    const server = await rawServer((s, n) => {
      s.write("HTTP/1.1 200 OK\r\n\r\n");
      setTimeout(() => s.write("ab"), 10);
      setTimeout(() => (n === 0 ? s.write("cdefgh") : s.end("cd")), 20);
    });
    const pool = poolFor(server.port);
    const a = await pool.get("/", host, 5, never());
    expect([a.body.toString(), a.cut]).toEqual(["abcde", true]);
    const b = await pool.get("/", host, 5, never());
    expect([b.body.toString(), b.cut]).toEqual(["abcd", false]);
  });

  it("a chunked body cut at maxBody closes its connection: the next request gets a new one", async () => {
    const server = await rawServer((s, n) => {
      if (n === 0) s.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n");
      else s.write(OK("n"));
    });
    const pool = poolFor(server.port, { maxConnections: 1 });
    const a = await pool.get("/", host, 4, never());
    expect([a.body.toString(), a.cut]).toEqual(["abcd", true]);
    const b = await pool.get("/", host, 4, never());
    expect([b.body.toString(), server.connections()]).toEqual(["n", 2]);
  });

  it("chunk-size lines split between CR and LF", async () => {
    const server = await rawServer(async (s) => {
      s.setNoDelay(true);
      for (const piece of [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r",
        "\nabc\r",
        "\n2;x=1\r",
        "\nde\r\n0\r",
        "\nT: v\r",
        "\n\r",
        "\n",
      ]) {
        s.write(piece);
        await tick(8);
      }
    });
    const r = await poolFor(server.port).get("/", host, 100, never());
    expect([r.body.toString(), r.cut, r.headers["transfer-encoding"]]).toEqual(["abcde", false, "chunked"]);
  });

  it("chunk-size lines do not count as trailer bytes; trailers exactly at maxHeaderBytes pass, one more fails", async () => {
    const many = "1\r\nx\r\n".repeat(300);
    const trailer = (n: number) => `0\r\nT: ${"t".repeat(n - 7)}\r\n\r\n`;
    const server = await rawServer((s, n) => {
      const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      if (n === 0) s.write(`${head}${many}0\r\n\r\n`);
      else s.write(`${head}${trailer(n === 1 ? 200 : 201)}`);
    });
    const pool = poolFor(server.port, { maxHeaderBytes: 200, maxConnections: 1 });
    expect((await pool.get("/", host, 1000, never())).body.length).toBe(300);
    expect((await pool.get("/", host, 1000, never())).body.length).toBe(0);
    const err = await outcome(pool.get("/", host, 1000, never()));
    expect([err!.code, err!.message]).toEqual([
      "EHTTP_MALFORMED",
      "malformed HTTP answer: chunk line too long",
    ]);
  });

  it("HTTP/1.0 without a Connection header is not kept alive", async () => {
    const server = await rawServer((s) => s.write("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx"));
    const pool = poolFor(server.port, { maxConnections: 1 });
    await pool.get("/", host, 10, never());
    await pool.get("/", host, 10, never());
    expect(server.connections()).toBe(2);
  });
});

describe("Http1Pool: malformed answers, each with its error", () => {
  const long = "y".repeat(200);
  it.each([
    [
      `HTTP/1.1 200 OK\r\nNoColon${long}\r\n\r\n`,
      `header line ${JSON.stringify(`NoColon${long}`.slice(0, 80))}`,
    ],
    [`HTTP/1.1 2000 ${long}\r\n\r\n`, `status line ${JSON.stringify(`HTTP/1.1 2000 ${long}`.slice(0, 80))}`],
    [
      `HTTP/1.1 200 OK\r\nContent-Length: ${"9".repeat(60)}\r\n\r\n`,
      `Content-Length ${JSON.stringify("9".repeat(40))}`,
    ],
    [
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${"z".repeat(60)}\r\n`,
      `chunk size ${JSON.stringify("z".repeat(40))}`,
    ],
    [
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
      "both Transfer-Encoding and Content-Length",
    ],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "Transfer-Encoding gzip"],
  ])("%#", async (answer, why) => {
    const server = await rawServer((s) => s.write(answer));
    const err = await outcome(poolFor(server.port).get("/", host, 10, never()));
    expect([err!.code, err!.message]).toEqual(["EHTTP_MALFORMED", `malformed HTTP answer: ${why}`]);
  });

  it("an empty head is refused at once, not waited on", async () => {
    const server = await rawServer((s) => s.write("\r\n\r\n"));
    const err = await outcome(poolFor(server.port).get("/", host, 10, AbortSignal.timeout(2000)));
    expect([err!.code, err!.message]).toEqual(["EHTTP_MALFORMED", 'malformed HTTP answer: status line ""']);
  });

  it("a head of exactly maxHeaderBytes still waiting for its end is waited on", async () => {
    const server = await rawServer((s) => s.write(`HTTP/1.1 200 OK\r\nA: ${"a".repeat(100 - 22)}\r\n`));
    const err = await outcome(
      poolFor(server.port, { maxHeaderBytes: 100 }).get("/", host, 10, AbortSignal.timeout(300)),
    );
    expect(err!.name).toBe("AbortError");
  });

  it("a request target not starting with / is refused before sending", async () => {
    const server = await rawServer(() => {});
    const err = await outcome(poolFor(server.port).get("x/y", host, 10, AbortSignal.timeout(1000)));
    expect([err!.code, err!.message]).toEqual(["EHTTP_REQUEST", "request target is not encoded"]);
    expect(server.connections()).toBe(0);
  });
});
