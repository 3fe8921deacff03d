/**
 * HttpTransport's request and error details against a real HTTP server: the URL it builds (base path, query,
 * another endpoint), the headers it sends, the bytes it counts, how a non-200 answer becomes a typed error (the
 * S3 code and message, 64 KiB bound, credentials scrubbed) and how each kind of connection failure is named.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionError, Forbidden, type HttpError, NotFound } from "../../../src/vast/client/errors.js";
import { commonHeaders, headerValue } from "../../../src/vast/client/request-headers.js";
import { DEFAULT_RETRY, type RetryEvent } from "../../../src/vast/client/retry-policy.js";
import { RequestSigner } from "../../../src/vast/client/signer.js";
import { HttpTransport, type TransportOptions } from "../../../src/vast/client/transport.js";
import { USER_AGENT } from "../../../src/vast/client/user-agent.js";
import { encodeS3Error } from "../../../src/vast/protocol/s3-error.js";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

const servers: Server[] = [];
const transports: HttpTransport[] = [];

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ base: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      handler(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

function transport(endpoint: string, options: Partial<TransportOptions> = {}) {
  const t = new HttpTransport({
    endpoint: new URL(endpoint),
    signer: new RequestSigner("AK", "SK-secret", ""),
    timeoutMs: 5_000,
    retry: { ...DEFAULT_RETRY, maxAttempts: 1 },
    ...options,
  });
  transports.push(t);
  return t;
}

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

const ok = (_req: IncomingMessage, res: ServerResponse) => res.end("fine");
const s3Error =
  (status: number, code: string, message: string) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { "content-type": "application/xml" });
    res.end(encodeS3Error({ code, message }));
  };

describe("requests", () => {
  it("joins the endpoint's base path with the request path, with or without a trailing slash, and the query", async () => {
    const { base, got } = await serve(ok);
    await transport(`${base}/gateway/`).request({ method: "GET", path: "/b/s", query: "schema&x=1" });
    await transport(`${base}/gateway`).request({ method: "GET", path: "/b/s" });
    await transport(base).request({ method: "GET", path: "/b" });
    expect(got.map((r) => r.url)).toEqual(["/gateway/b/s?schema&x=1", "/gateway/b/s", "/b"]);
  });

  it("sends to another endpoint when the request names one", async () => {
    const main = await serve(ok);
    const data = await serve(ok);
    await transport(main.base).request({
      method: "GET",
      path: "/b",
      query: "data",
      endpoint: new URL(data.base),
    });
    expect(main.got).toHaveLength(0);
    expect(data.got.map((r) => r.url)).toEqual(["/b?data"]);
  });

  it("sends the user agent, the caller's headers, the signature and the body with its length", async () => {
    const { base, got } = await serve(ok);
    const t = transport(base);
    const res = await t.request({
      method: "POST",
      path: "/b/s/t",
      query: "rows",
      headers: { ...commonHeaders(42n), "user-agent": "ignored-by-order" },
      body: Uint8Array.of(9, 8, 7),
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("fine");
    const h = got[0]!.headers;
    expect(h["user-agent"]).toBe("ignored-by-order");
    expect(h["tabular-txid"]).toBe("42");
    expect(h["tabular-api-version-id"]).toBe("1");
    expect(h["tabular-client-name"]).toBe("tabular-api");
    expect(h["content-length"]).toBe("3");
    expect(h.host).toBe(new URL(base).host);
    expect(h["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(h["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(h.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect([...got[0]!.body]).toEqual([9, 8, 7]);
    await t.request({ method: "GET", path: "/b" });
    expect(got[1]!.headers["user-agent"]).toBe(USER_AGENT);
    expect(got[1]!.headers["content-length"]).toBeUndefined();
    expect(got[1]!.method).toBe("GET");
  });

  it("the user agent names exr-inspector, its version and node", () => {
    expect(USER_AGENT).toMatch(/^exr-inspector\/\d+\.\d+\.\d+ \(VAST tabular client; node /);
    expect(USER_AGENT.endsWith(`node ${process.versions.node})`)).toBe(true);
  });

  it("a body of a Uint8Array view sends only the viewed bytes", async () => {
    const { base, got } = await serve(ok);
    const backing = Uint8Array.of(1, 2, 3, 4, 5, 6);
    await transport(base).request({ method: "PUT", path: "/b", body: backing.subarray(2, 4) });
    expect([...got[0]!.body]).toEqual([3, 4]);
    expect(got[0]!.headers["content-length"]).toBe("2");
  });

  it("counts the body bytes of every answer", async () => {
    const { base } = await serve((_req, res) => res.end("0123456789"));
    const t = transport(base);
    expect(t.bytesReceived).toBe(0);
    await t.request({ method: "GET", path: "/a" });
    await t.request({ method: "GET", path: "/b" });
    expect(t.bytesReceived).toBe(20);
  });

  it("acceptAnyStatus returns a non-200 answer instead of throwing", async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(404, { server: "vast 5.3" });
      res.end("x");
    });
    const res = await transport(base).request({ method: "GET", path: "/", acceptAnyStatus: true });
    expect(res.status).toBe(404);
    expect(headerValue(res.headers.server)).toBe("vast 5.3");
  });

  it("exposes its retry callback and gives budgets of its policy", () => {
    const onRetry = (_e: RetryEvent) => undefined;
    const policy = { ...DEFAULT_RETRY, maxAttempts: 3 };
    const t = transport("http://127.0.0.1:9", { onRetry, retry: policy });
    expect(t.onRetry).toBe(onRetry);
    expect(t.newBudget().policy).toBe(policy);
    expect(transport("http://127.0.0.1:9", { retry: undefined }).newBudget().policy).toBe(DEFAULT_RETRY);
  });
});

describe("headerValue", () => {
  it("a missing header is null, a list gives its first value", () => {
    expect(headerValue(undefined)).toBeNull();
    expect(headerValue("a")).toBe("a");
    expect(headerValue(["x", "y"])).toBe("x");
    expect(headerValue([])).toBeNull();
  });
});

describe("non-200 answers", () => {
  it("carry the method, path with query, status and the server's code and message", async () => {
    const { base } = await serve(s3Error(403, "AccessDenied", "no access to b"));
    const err = (await transport(base)
      .request({ method: "GET", path: "/b/s", query: "list" })
      .catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(Forbidden);
    expect({
      method: err.method,
      path: err.path,
      status: err.status,
      s3Code: err.s3Code,
      s3Message: err.s3Message,
    }).toEqual({
      method: "GET",
      path: "/b/s?list",
      status: 403,
      s3Code: "AccessDenied",
      s3Message: "no access to b",
    });
    expect(err.message).toBe("GET /b/s?list failed with HTTP 403 (AccessDenied: no access to b)");
  });

  it("scrub the configured secrets from the server's message (empty ones ignored)", async () => {
    const { base } = await serve(s3Error(403, "SignatureDoesNotMatch", "expected key SK-secret for AK"));
    const err = (await transport(base, { redact: ["", "SK-secret"] })
      .request({ method: "GET", path: "/b" })
      .catch((e: unknown) => e)) as HttpError;
    expect(err.s3Message).toBe("expected key [redacted] for AK");
    expect(err.message).toBe(
      "GET /b failed with HTTP 403 (SignatureDoesNotMatch: expected key [redacted] for AK)",
    );
  });

  it("without an S3 error document (or with empty code and message) have no S3 code or message", async () => {
    const plain = await serve((_req, res) => {
      res.writeHead(404);
      res.end("not xml");
    });
    const err = (await transport(plain.base)
      .request({ method: "GET", path: "/b" })
      .catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(NotFound);
    expect([err.s3Code, err.s3Message, err.message]).toEqual([null, null, "GET /b failed with HTTP 404"]);
    const empty = await serve(s3Error(404, "", ""));
    const e2 = (await transport(empty.base)
      .request({ method: "GET", path: "/b" })
      .catch((e: unknown) => e)) as HttpError;
    expect([e2.s3Code, e2.s3Message]).toEqual([null, null]);
  });

  it("read the error document only up to 64 KiB", async () => {
    const doc = encodeS3Error({ code: "AccessDenied", message: "m" });
    const padded = (total: number) => (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(403);
      res.end(doc + " ".repeat(total - Buffer.byteLength(doc)));
    };
    const atLimit = await serve(padded(64 * 1024));
    const e1 = (await transport(atLimit.base)
      .request({ method: "GET", path: "/b" })
      .catch((e: unknown) => e)) as HttpError;
    expect(e1.s3Code).toBe("AccessDenied");
    const over = await serve(padded(64 * 1024 + 1));
    const e2 = (await transport(over.base)
      .request({ method: "GET", path: "/b" })
      .catch((e: unknown) => e)) as HttpError;
    expect(e2).toBeInstanceOf(Forbidden);
    expect(e2.s3Code).toBeNull();
  });
});

describe("connection failures", () => {
  it("a refused connection was never sent", async () => {
    const { base } = await serve(ok);
    const port = new URL(base).port;
    for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
    const err = (await transport(base)
      .request({ method: "POST", path: "/b", query: "rows" })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.code).toBe("VAST_CONNECTION_ERROR");
    expect(err.neverSent).toBe(true);
    expect(err.message).toBe(`POST http://127.0.0.1:${port}/b?rows: connection failed (ECONNREFUSED)`);
  });

  it("an answer cut short is incomplete; a socket reset is named by its code; neither provably unsent", async () => {
    const cut = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const e1 = (await transport(cut.base)
      .request({ method: "GET", path: "/x" })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(e1).toBeInstanceOf(ConnectionError);
    expect(e1.neverSent).toBe(false);
    expect(e1.message).toMatch(
      new RegExp(
        `^GET ${cut.base}/x: connection failed \\((response aborted|incomplete response|ECONNRESET)\\)$`,
      ),
    );
    const reset = await serve((req) => req.socket.destroy());
    const e2 = (await transport(reset.base)
      .request({ method: "GET", path: "/y" })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(e2.neverSent).toBe(false);
    expect(e2.message).toMatch(
      new RegExp(`^GET ${reset.base}/y: connection failed \\((ECONNRESET|socket hang up)\\)$`),
    );
  });

  it("an answer that does not come in time is a timed-out connection", async () => {
    const { base } = await serve(() => undefined);
    const err = (await transport(base, { timeoutMs: 100 })
      .request({ method: "GET", path: "/slow" })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.neverSent).toBe(false);
    expect(err.message).toBe(`GET ${base}/slow: connection failed (request timed out)`);
  });
});

describe("answers read as they arrive (requestStream)", () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("hands the body on piece by piece; a reader busy for longer than the timeout is not timed out", async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200);
      res.write("a".repeat(1000));
      setTimeout(() => res.end("b"), 30);
    });
    const t = transport(base, { timeoutMs: 150 });
    const res = await t.requestStream({ method: "GET", path: "/x" });
    expect(res.status).toBe(200);
    await sleep(400);
    expect((await res.body.all()).toString()).toBe(`${"a".repeat(1000)}b`);
    expect(t.bytesReceived).toBe(1001);
    expect(await res.body.next()).toBeNull();
  });

  it("a server that stops sending in the middle of a body is timed out while the reader waits", async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
    });
    const t = transport(base, { timeoutMs: 150 });
    const res = await t.requestStream({ method: "GET", path: "/stall" });
    expect((await res.body.next())?.toString()).toBe("partial");
    const started = Date.now();
    const err = (await res.body.next().catch((e: unknown) => e)) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.message).toBe(`GET ${base}/stall: connection failed (request timed out)`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("a non-200 answer is read whole and thrown as its typed error, retried like request()", async () => {
    const { base, got } = await serve(s3Error(404, "NoSuchKey", "gone"));
    const e = (await transport(base)
      .requestStream({ method: "GET", path: "/b" })
      .catch((x: unknown) => x)) as HttpError;
    expect(e).toBeInstanceOf(NotFound);
    expect([e.s3Code, e.s3Message]).toEqual(["NoSuchKey", "gone"]);
    let calls = 0;
    const flaky = await serve((_req, res) => {
      if (++calls === 1) res.writeHead(503).end(encodeS3Error({ code: "SlowDown", message: "later" }));
      else res.end("ok");
    });
    const t = transport(flaky.base, {
      retry: { ...DEFAULT_RETRY, slowDown: { ...DEFAULT_RETRY.slowDown, baseDelayMs: 1 } },
    });
    const res = await t.requestStream({ method: "GET", path: "/b" });
    expect((await res.body.all()).toString()).toBe("ok");
    expect(calls).toBe(2);
    expect(got).toHaveLength(1);
  });

  it("holds the server back while the reader does not read (the socket paused), and closing cuts the answer off", async () => {
    const total = 32 << 20;
    let written = 0;
    let socketClosed = false;
    const { base } = await serve((req, res) => {
      req.socket.on("close", () => {
        socketClosed = true;
      });
      res.writeHead(200, { "content-length": String(total) });
      const piece = Buffer.alloc(64 * 1024, 1);
      const more = () => {
        while (written < total) {
          written += piece.length;
          if (!res.write(piece)) {
            res.once("drain", more);
            return;
          }
        }
        res.end();
      };
      more();
    });
    const t = transport(base);
    const res = await t.requestStream({ method: "GET", path: "/big" });
    let last = -1;
    for (let i = 0; i < 100 && written !== last && written < total; i++) {
      last = written;
      await sleep(100);
    }
    expect(written).toBeLessThan(total / 2);
    const first = await res.body.next();
    expect(first!.length).toBeGreaterThan(0);
    res.body.close();
    for (let i = 0; i < 50 && !socketClosed; i++) await sleep(20);
    expect(socketClosed).toBe(true);
    const err = (await res.body.next().catch((e: unknown) => e)) as ConnectionError;
    expect(err.message).toMatch(/response not read to its end/);
  });
});
