/**
 * The directly sent S3 GETs (s3-direct-get.ts) over both transports (our HTTP/1.1 client and node:http) against
 * a real node:http server scripted per test: what is sent (path, Range, If-Match, signature, listing query) and
 * how each answer becomes a RangeAnswer, a listing page or an S3-shaped error.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RangeAnswer } from "../../src/io/remote-object.js";
import { createS3Client } from "../../src/io/s3-client.js";
import { DEFAULT_PIPELINING, DirectRangeGets } from "../../src/io/s3-direct-get.js";
import { SdkRangeGets } from "../../src/io/s3-sdk-get.js";
import { S3Source } from "../../src/io/s3-source.js";

/** What every GET path answers for bytes 10-14 of a 100-byte object (body read, cancel's type). */
const HELLO_206 = {
  status: 206,
  contentRange: "bytes 10-14/100",
  contentLength: 5,
  etag: '"v1"',
  lastModified: new Date("2026-12-07T09:00:00.000Z"),
  body: "hello",
  cancel: "function",
};

interface Request {
  url: string;
  headers: IncomingHttpHeaders;
}
type Answer = (req: Request, res: import("node:http").ServerResponse) => void;

let server: Server;
let port: number;
let answer: Answer = (_req, res) => res.end();
const requests: Request[] = [];
const sockets = new Set<Socket>();
let connections = 0;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const r = { url: req.url ?? "", headers: req.headers };
    requests.push(r);
    answer(r, res);
  });
  server.on("connection", (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  requests.length = 0;
  connections = 0;
  for (const s of sockets) s.destroy();
});

function gets(
  transport: "raw" | "node-http",
  options: { base?: string; maxSockets?: number; pipelining?: number } = {},
): DirectRangeGets {
  const { client } = createS3Client({
    endpointUrl: `http://127.0.0.1:${port}${options.base ?? ""}`,
    region: "us-east-1",
    credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
  });
  const direct = new DirectRangeGets(client, options.maxSockets ?? 64, {
    transport,
    ...(options.pipelining !== undefined ? { pipelining: options.pipelining } : {}),
  });
  cleanups.push(() => {
    direct.close();
    client.destroy();
  });
  return direct;
}

const never = () => new AbortController().signal;

async function bodyOf(a: RangeAnswer): Promise<string> {
  if (a.body === null) return "<null>";
  const parts: Buffer[] = [];
  for await (const c of a.body) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString();
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  );

describe.each(["raw", "node-http"] as const)("DirectRangeGets (%s)", (transport) => {
  it("sends a signed ranged GET of the key, segments encoded, If-Match when given", async () => {
    answer = (req, res) =>
      req.headers.range === "bytes=0-0"
        ? res.writeHead(206, { "content-length": "1" }).end("x")
        : res
            .writeHead(206, {
              "content-range": "bytes 10-14/100",
              etag: '"v1"',
              "last-modified": "Mon, 07 Dec 2026 09:00:00 GMT",
              "content-length": "5",
            })
            .end("hello");
    const g = gets(transport);
    const a = await g.get("renders", "shots/a b/c!(1)*.exr", 10, 5, '"v1"', never());
    expect({ ...a, body: await bodyOf(a), cancel: typeof a.cancel }).toEqual(HELLO_206);
    expect(requests[0]!.url).toBe("/renders/shots/a%20b/c%21%281%29%2A.exr");
    expect(requests[0]!.headers.range).toBe("bytes=10-14");
    expect(requests[0]!.headers["if-match"]).toBe('"v1"');
    expect(requests[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AK\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;if-match;range;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    const b = await g.get("renders", "k.exr", 0, 1, null, never());
    expect(requests[1]!.headers["if-match"]).toBeUndefined();
    expect(requests[1]!.headers.range).toBe("bytes=0-0");
    expect(b.lastModified).toBeNull();
    expect(b.etag).toBeNull();
    expect(b.contentRange).toBeNull();
    await bodyOf(b);
  });

  it("a 200 (Range ignored) and a 416 (past the end)", async () => {
    answer = (req, res) => {
      if (req.headers.range === "bytes=0-3") res.writeHead(200, { etag: '"w"' }).end("whole");
      else res.writeHead(416, { "content-range": "bytes */5", etag: '"w"' }).end("<Error/>");
    };
    const g = gets(transport);
    const whole = await g.get("b", "k", 0, 4, null, never());
    expect(whole.status).toBe(200);
    expect(whole.etag).toBe('"w"');
    const text = await bodyOf(whole);
    // Our client stops at what was asked for, or at the error-size floor (64 KiB) when more is sent.
    expect(text).toBe("whole");
    const past = await g.get("b", "k", 10, 4, null, never());
    expect({ ...past, cancel: undefined }).toEqual({
      status: 416,
      contentRange: "bytes */5",
      contentLength: null,
      etag: '"w"',
      lastModified: null,
      body: null,
      cancel: undefined,
    });
    past.cancel();
    // The 416's body was drained: the next request still works.
    answer = (_req, res) => res.writeHead(206, { "content-range": "bytes 0-0/5" }).end("x");
    expect(await bodyOf(await g.get("b", "k", 0, 1, null, never()))).toBe("x");
  });

  it("error answers become S3 errors: code and message from the XML, else the status", async () => {
    const g = gets(transport);
    answer = (_req, res) =>
      res
        .writeHead(403)
        .end(
          "<Error><Code>SignatureDoesNotMatch</Code><Message>The signature does not match</Message></Error>",
        );
    const denied = await failure(g.get("b", "k", 0, 1, null, never()));
    expect([denied.name, denied.message, denied.$metadata?.httpStatusCode]).toEqual([
      "SignatureDoesNotMatch",
      "The signature does not match",
      403,
    ]);
    answer = (_req, res) => res.writeHead(404).end();
    const missing = await failure(g.get("b", "k", 0, 1, null, never()));
    expect([missing.name, missing.message, missing.$metadata?.httpStatusCode]).toEqual([
      "NotFound",
      "HTTP 404",
      404,
    ]);
    answer = (_req, res) => res.writeHead(503).end("<Error><Code>SlowDown</Code></Error>");
    const slow = await failure(g.get("b", "k", 0, 1, null, never()));
    expect([slow.name, slow.message]).toEqual(["SlowDown", "HTTP 503"]);
    answer = (_req, res) =>
      res.writeHead(500, { "content-length": "38" }).end("<Error><Message>boom</Message></Error>");
    const server500 = (await failure(g.get("b", "k", 0, 1, null, never()))) as Error & {
      $response?: { statusCode: number; headers: Record<string, string> };
    };
    expect([server500.name, server500.message, server500.$response?.statusCode]).toEqual([
      "HTTP500",
      "boom",
      500,
    ]);
    expect(server500.$response?.headers).toMatchObject({ "content-length": "38" });
    // Only the first 64 KiB of an error answer are read.
    answer = (_req, res) =>
      res.writeHead(500).end(`<Error>${" ".repeat(200_000)}<Code>Late</Code><Message>late</Message></Error>`);
    const late = await failure(g.get("b", "k", 0, 1, null, never()));
    expect([late.name, late.message]).toEqual(["HTTP500", "HTTP 500"]);
  });

  it("lists a page: the ListObjectsV2 query signed and sent, the answer parsed, errors as S3 errors", async () => {
    const g = gets(transport);
    answer = (_req, res) =>
      res
        .writeHead(200)
        .end(
          "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t2</NextContinuationToken>" +
            "<Contents><Key>p/a.exr</Key><Size>3</Size></Contents></ListBucketResult>",
        );
    const page = await g.listPage("renders", "p/", 7, undefined, never());
    expect(page).toEqual({
      objects: [{ key: "p/a.exr", size: 3, etag: null, lastModified: null }],
      nextToken: "t2",
    });
    expect(requests[0]!.url).toBe("/renders?list-type=2&max-keys=7&prefix=p%2F");
    await g.listPage("renders", "", 1000, "t/2 =", never());
    expect(requests[1]!.url).toBe(
      "/renders?continuation-token=t%2F2%20%3D&list-type=2&max-keys=1000&prefix=",
    );
    expect(requests[1]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AK\//);
    answer = (_req, res) => res.writeHead(404).end("<Error><Code>NoSuchBucket</Code></Error>");
    const missing = await failure(g.listPage("nope", "", 10, undefined, never()));
    expect([missing.name, missing.$metadata?.httpStatusCode]).toEqual(["NoSuchBucket", 404]);
    answer = (_req, res) => res.writeHead(206).end("<ListBucketResult></ListBucketResult>");
    expect((await failure(g.listPage("b", "", 10, undefined, never()))).name).toBe("HTTP206");
  });

  it("refuses a listing answer over 16 MiB", async () => {
    const g = gets(transport);
    const big = Buffer.alloc(16 * 1024 * 1024 + 1, 32);
    answer = (_req, res) => res.writeHead(200).end(big);
    expect((await failure(g.listPage("b", "", 10, undefined, never()))).message).toBe(
      "ListObjectsV2 answer over 16777216 bytes",
    );
    answer = (_req, res) =>
      res.writeHead(200).end(`<ListBucketResult>${" ".repeat(16 * 1024 * 1024 - 37)}</ListBucketResult>`);
    expect(await g.listPage("b", "", 10, undefined, never())).toEqual({ objects: [], nextToken: undefined });
  });

  it("an endpoint with a path: requests go under it", async () => {
    answer = (req, res) =>
      req.url.includes("list-type")
        ? res.writeHead(200).end("<ListBucketResult></ListBucketResult>")
        : res.writeHead(206, { "content-range": "bytes 0-0/1" }).end("x");
    const g = gets(transport, { base: "/base/" });
    await bodyOf(await g.get("b", "k.exr", 0, 1, null, never()));
    await g.listPage("b", "", 1, undefined, never());
    expect(requests.map((r) => r.url)).toEqual(["/base/b/k.exr", "/base/b?list-type=2&max-keys=1&prefix="]);
  });

  it("closing ends the connections; the next request opens new ones", async () => {
    answer = (_req, res) => res.writeHead(206, { "content-range": "bytes 0-0/1" }).end("x");
    const g = gets(transport);
    await bodyOf(await g.get("b", "k", 0, 1, null, never()));
    g.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(sockets.size).toBe(0);
    expect(await bodyOf(await g.get("b", "k", 0, 1, null, never()))).toBe("x");
  });
});

describe("DirectRangeGets, raw transport", () => {
  it("reads a body cut at what was asked for when the server sends the whole object", async () => {
    const object = Buffer.alloc(200_000, 1);
    answer = (_req, res) => res.writeHead(200, { "content-length": String(object.length) }).end(object);
    const g = gets("raw");
    // Up to offset + length, at least 64 KiB: the answer's length is then what was read.
    const a = await g.get("b", "k", 100_000, 10, null, never());
    expect([a.status, a.contentLength, (a.body as Buffer[])[0]!.length]).toEqual([200, 100_010, 100_010]);
    const small = await g.get("b", "k", 0, 10, null, never());
    expect([small.contentLength, (small.body as Buffer[])[0]!.length]).toEqual([65_536, 65_536]);
  });

  it("pipelines 8 requests per connection by default, over maxSockets / 8 connections", async () => {
    expect(DEFAULT_PIPELINING).toBe(8);
    answer = (_req, res) =>
      setTimeout(() => res.writeHead(206, { "content-range": "bytes 0-0/1" }).end("x"), 30);
    const many = (g: DirectRangeGets, n: number) =>
      Promise.all(Array.from({ length: n }, () => g.get("b", "k", 0, 1, null, never())));
    await many(gets("raw", { maxSockets: 16 }), 16);
    expect(connections).toBe(2);
    connections = 0;
    await many(gets("raw", { maxSockets: 4, pipelining: 1 }), 8);
    expect(connections).toBe(4);
    connections = 0;
    // Less than one request per connection is one.
    await many(gets("raw", { maxSockets: 3, pipelining: 0 }), 6);
    expect(connections).toBe(3);
  });
});

describe.each(["raw", "node-http"] as const)("DirectRangeGets credentials (%s)", (transport) => {
  /** The access keys the GETs were signed with, for credentials expiring `expiresInMs` after each call. */
  async function keysSigned(expiresInMs: number): Promise<{ keys: string[]; calls: number }> {
    answer = (_req, res) => res.writeHead(206, { "content-range": "bytes 0-0/1" }).end("x");
    let calls = 0;
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: async () => {
        calls++;
        return {
          accessKeyId: `AK${calls}`,
          secretAccessKey: "SK",
          expiration: new Date(Date.now() + expiresInMs),
        };
      },
    });
    const g = new DirectRangeGets(client, 64, { transport });
    cleanups.push(() => {
      g.close();
      client.destroy();
    });
    for (let i = 0; i < 3; i++) await g.get("b", "k", 0, 1, null, never());
    const keys = requests.map((r) => /Credential=([^/]+)\//.exec(String(r.headers.authorization))![1]!);
    return { keys, calls };
  }

  it("uses the SDK's credentials while they are valid for more than 5 minutes", async () => {
    expect(await keysSigned(3_600_000)).toEqual({ keys: ["AK1", "AK1", "AK1"], calls: 1 });
  });

  it("asks the SDK again for credentials expiring within 5 minutes, and signs with the new ones", async () => {
    // (the SDK may ask once more for itself, resolving the endpoint)
    const { keys, calls } = await keysSigned(240_000);
    expect(new Set(keys).size).toBe(3);
    expect(keys[2]).toBe(`AK${calls}`);
  });
});

describe("DirectRangeGets without a usable endpoint", () => {
  it("hands the GET to the SDK (which reports the error) and lists through the SDK", async () => {
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
      region: async () => {
        throw new Error("Region is missing");
      },
      maxAttempts: 1,
    });
    const g = new DirectRangeGets(client);
    cleanups.push(() => {
      g.close();
      client.destroy();
    });
    expect((await failure(g.get("b", "k", 0, 1, null, never()))).message).toMatch(/Region is missing/);
    expect(await g.listPage("b", "", 10, undefined, never())).toBeNull();
    expect(requests).toHaveLength(0);
  });
});

describe("SdkRangeGets and S3Source over the SDK's GetObject", () => {
  const client = () => {
    const { client: c } = createS3Client({
      endpointUrl: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
    });
    cleanups.push(() => c.destroy());
    return c;
  };

  it("sends the same ranged GET and reads 206, 200 and 416 answers alike", async () => {
    answer = (req, res) => {
      if (req.headers.range === "bytes=10-14")
        res
          .writeHead(206, {
            "content-range": "bytes 10-14/100",
            "content-length": "5",
            etag: '"v1"',
            "last-modified": "Mon, 07 Dec 2026 09:00:00 GMT",
          })
          .end("hello");
      else if (req.headers.range === "bytes=0-3") res.writeHead(200, { "content-length": "5" }).end("whole");
      else
        res
          .writeHead(416, { "content-range": "bytes */100", etag: '"v1"' })
          .end("<Error><Code>InvalidRange</Code></Error>");
    };
    const g = new SdkRangeGets(client());
    const a = await g.get("renders", "shots/a b.exr", 10, 5, '"v1"', never());
    expect({ ...a, body: await bodyOf(a), cancel: typeof a.cancel }).toEqual(HELLO_206);
    expect(requests[0]!.url).toBe("/renders/shots/a%20b.exr?x-id=GetObject");
    expect(requests[0]!.headers["if-match"]).toBe('"v1"');
    const whole = await g.get("renders", "k", 0, 4, null, never());
    expect([whole.status, await bodyOf(whole), whole.etag, whole.contentRange]).toEqual([
      200,
      "whole",
      null,
      null,
    ]);
    expect(requests[1]!.headers["if-match"]).toBeUndefined();
    const past = await g.get("renders", "k", 200, 4, null, never());
    expect({ ...past, cancel: undefined }).toEqual({
      status: 416,
      contentRange: "bytes */100",
      contentLength: null,
      etag: '"v1"',
      lastModified: null,
      body: null,
      cancel: undefined,
    });
    past.cancel();
    a.cancel();
  });

  it("other errors are thrown; S3Source codes them, naming its credential source", async () => {
    answer = (_req, res) =>
      res.writeHead(403).end("<Error><Code>AccessDenied</Code><Message>no</Message></Error>");
    const c = client();
    await expect(new SdkRangeGets(c).get("b", "k", 0, 1, null, never())).rejects.toMatchObject({
      name: "AccessDenied",
    });
    const fast = { retries: 0, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 2000 };
    const viaClient = new S3Source(c, "b", "dir/k.exr", { policy: fast });
    expect([viaClient.bucket, viaClient.key, viaClient.path]).toEqual(["b", "dir/k.exr", "s3://b/dir/k.exr"]);
    await expect(viaClient.read(0, 10)).rejects.toMatchObject({
      code: "EXR_SOURCE_ACCESS_DENIED",
      message:
        "s3://b/dir/k.exr: access denied (AccessDenied) with credentials from the AWS SDK default chain",
    });
    const named = new S3Source(gets("raw"), "b", "k.exr", { policy: fast, credentialSource: "profile x" });
    await expect(named.read(0, 10)).rejects.toMatchObject({
      code: "EXR_SOURCE_ACCESS_DENIED",
      message: "s3://b/k.exr: access denied (AccessDenied) with credentials from profile x",
    });
    answer = (_req, res) => res.writeHead(404).end();
    await expect(new S3Source(c, "b", "k.exr", { policy: fast }).read(0, 10)).rejects.toMatchObject({
      code: "EXR_SOURCE_NOT_FOUND",
      message: "s3://b/k.exr: no such key",
    });
  });
});
