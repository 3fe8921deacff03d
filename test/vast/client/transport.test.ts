import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  Conflict,
  ConnectionError,
  Forbidden,
  InternalServerError,
  NotSupportedSchema,
  ServiceUnavailable,
  SlowDown,
} from "../../../src/vast/client/errors.js";
import { DEFAULT_RETRY } from "../../../src/vast/client/retry-policy.js";
import { RequestSigner } from "../../../src/vast/client/signer.js";
import { HttpTransport } from "../../../src/vast/client/transport.js";
import { encodeS3Error } from "../../../src/vast/protocol/s3-error.js";

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

let server: Server | null = null;
const transports: HttpTransport[] = [];

async function serve(handler: Handler): Promise<URL> {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req, res, n++));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return new URL(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`);
}

function transport(
  endpoint: URL,
  retries: { attempts?: number; elapsed?: number; slowDownLoopMs?: number } = {},
) {
  const retriesSeen: number[] = [];
  const delays: number[] = [];
  const t = new HttpTransport({
    endpoint,
    signer: new RequestSigner("AK", "SK-secret", ""),
    timeoutMs: 5_000,
    retry: {
      maxAttempts: retries.attempts ?? 5,
      maxElapsedMs: retries.elapsed ?? 10_000,
      baseDelayMs: 1,
      maxDelayMs: 4,
      jitter: "full",
      retryOn: DEFAULT_RETRY.retryOn,
      // The SDK's schedule scaled down 1000× (1, 2, 4 … ms) so the tests stay fast.
      slowDown: {
        ...DEFAULT_RETRY.slowDown,
        baseDelayMs: 1,
        maxAttempts: retries.attempts ?? 10,
        loopMs: retries.slowDownLoopMs ?? 5_000,
      },
    },
    onRetry: (i) => {
      retriesSeen.push(i.attempt);
      delays.push(i.delayMs);
    },
    random: () => 0.999,
  });
  transports.push(t);
  return { t, retriesSeen, delays };
}

function s3Error(res: ServerResponse, status: number, code: string) {
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(encodeS3Error({ code, message: `${code} happened` }));
}

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((r) => server!.close(() => r()));
    server = null;
  }
});

describe("HttpTransport", () => {
  it("signs every request with SigV4 for service s3 and the empty region", async () => {
    let auth = "";
    const url = await serve((req, res) => {
      auth = String(req.headers.authorization);
      res.end("ok");
    });
    const { t } = transport(url);
    const res = await t.request({ method: "GET", path: "/", query: "transaction" });
    expect(res.status).toBe(200);
    expect(auth).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AK\/\d{8}\/\/s3\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it("names exr-inspector and its version (package.json) in the User-Agent", async () => {
    let agent = "";
    const url = await serve((req, res) => {
      agent = String(req.headers["user-agent"]);
      res.end("ok");
    });
    const { t } = transport(url);
    await t.request({ method: "GET", path: "/", query: "transaction" });
    const { version } = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8"));
    expect(agent.startsWith(`exr-inspector/${version} (`)).toBe(true);
  });

  it("retries SlowDown on the SDK's doubling schedule, any method, then succeeds", async () => {
    const url = await serve((_req, res, n) => {
      if (n < 3) return s3Error(res, 503, "SlowDown");
      res.end("done");
    });
    const { t, retriesSeen, delays } = transport(url);
    const res = await t.request({
      method: "POST",
      path: "/b/s/t",
      query: "rows",
      body: new Uint8Array([1, 2]),
    });
    expect(res.body.toString()).toBe("done");
    expect(retriesSeen).toEqual([1, 2, 3]);
    expect(delays).toEqual([0, 1, 3]); // floor(0.999 × 1, 2, 4)
  });

  it("does not retry a 503 other than SlowDown (as the SDK)", async () => {
    const url = await serve((_req, res) => s3Error(res, 503, "ServiceUnavailable"));
    const { t, retriesSeen } = transport(url);
    const err = await t.request({ method: "GET", path: "/b" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailable);
    expect(err).not.toBeInstanceOf(SlowDown);
    expect(retriesSeen).toEqual([]);
  });

  it("gives up after maxAttempts and throws the typed error", async () => {
    const url = await serve((_req, res) => s3Error(res, 503, "SlowDown"));
    const { t, retriesSeen } = transport(url, { attempts: 3 });
    await expect(t.request({ method: "GET", path: "/b" })).rejects.toBeInstanceOf(SlowDown);
    expect(retriesSeen).toEqual([1, 2]);
  });

  it("bounds retries by elapsed time as well as by count", async () => {
    const url = await serve((_req, res) => s3Error(res, 503, "SlowDown"));
    const { t, retriesSeen } = transport(url, { attempts: 1000, elapsed: 0 });
    await expect(t.request({ method: "GET", path: "/b" })).rejects.toBeInstanceOf(ServiceUnavailable);
    expect(retriesSeen).toEqual([]);
    // The SDK's loop time (scaled: 60 ms) ends a SlowDown loop whatever the attempts left.
    const { t: patient, delays } = transport(url, { attempts: 1000, slowDownLoopMs: 60 });
    const started = Date.now();
    await expect(patient.request({ method: "GET", path: "/b" })).rejects.toBeInstanceOf(SlowDown);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(delays.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60);
  });

  it("replays a dropped read or rollback in place, and leaves a dropped write to the transaction's owner", async () => {
    const url = await serve((req, res, n) => {
      if (n % 2 === 0) return req.socket.destroy();
      res.end("ok");
    });
    const { t: reader, retriesSeen } = transport(url);
    expect((await reader.request({ method: "GET", path: "/b/s/t", query: "data" })).status).toBe(200);
    expect(retriesSeen).toEqual([1]);
    const { t: writer, retriesSeen: writeRetries } = transport(url);
    const err = await writer
      .request({ method: "POST", path: "/b/s/t", query: "rows", body: new Uint8Array([1]) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).neverSent).toBe(false);
    expect((err as ConnectionError).message).toContain(url.origin); // the endpoint is named
    expect(writeRetries).toEqual([]);
    await reader.request({ method: "GET", path: "/" }); // the next request lands on a dropping turn
    const { t: releaser, retriesSeen: releaseRetries } = transport(url);
    const res = await releaser.request({
      method: "DELETE",
      path: "/",
      query: "transaction",
      call: "rollback",
    });
    expect(res.status).toBe(200);
    expect(releaseRetries).toEqual([1]);
  });

  it("maps statuses and S3 codes of a write to the SDK's error types without replaying the write", async () => {
    const cases: [number, string, unknown][] = [
      [409, "Conflict", Conflict],
      [403, "AccessDenied", Forbidden],
      [500, "InternalError", InternalServerError],
      [400, "TabularUnsupportedColumnType", NotSupportedSchema],
    ];
    let i = 0;
    const url = await serve((_req, res) => {
      const [status, code] = cases[i++]!;
      s3Error(res, status, code);
    });
    const { t, retriesSeen } = transport(url);
    for (const [status, code, type] of cases) {
      const err = await t
        .request({ method: "POST", path: "/b/s/t", query: "rows", body: new Uint8Array([1]) })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(type);
      expect(err).toMatchObject({ status, s3Code: code });
    }
    expect(retriesSeen).toEqual([]);
  });

  it("replays a 500 on a read in place (the default policy), never a 4xx", async () => {
    const url = await serve((req, res, n) => {
      if (req.method === "GET" && n === 0) return s3Error(res, 500, "InternalError");
      if (req.method === "HEAD") return s3Error(res, 403, "AccessDenied");
      res.end("ok");
    });
    const { t, retriesSeen } = transport(url);
    expect((await t.request({ method: "GET", path: "/b/s/t", query: "data" })).status).toBe(200);
    expect(retriesSeen).toEqual([1]);
    await expect(t.request({ method: "HEAD", path: "/b" })).rejects.toBeInstanceOf(Forbidden);
    expect(retriesSeen).toEqual([1]);
  });

  it("reuses one keep-alive connection across requests", async () => {
    const ports = new Set<number>();
    const url = await serve((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end("ok");
    });
    const { t } = transport(url);
    for (let i = 0; i < 5; i++) await t.request({ method: "GET", path: "/" });
    expect(ports.size).toBe(1);
  });

  it("never puts the secret key in errors", async () => {
    const url = await serve((_req, res) => s3Error(res, 403, "AccessDenied"));
    const { t } = transport(url);
    const err = (await t.request({ method: "GET", path: "/b" }).catch((e: unknown) => e)) as Error;
    const text = `${err.message} ${err.stack} ${JSON.stringify(err)}`;
    expect(text).not.toContain("SK-secret");
    expect(text).not.toContain("secret");
  });
});
