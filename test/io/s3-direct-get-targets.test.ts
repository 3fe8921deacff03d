/**
 * Where DirectRangeGets sends its GETs (s3-direct-get.ts, `resolve`/`target` and the per-endpoint pools): an IPv6
 * endpoint (brackets only in the Host header), buckets whose endpoint wants another signing scheme (S3 Express,
 * multi-region access points: left to the SDK, nothing sent), a resolution that failed once being tried again, one
 * pool per endpoint shared by its buckets, and node:http answers without a Content-Length.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "../../src/io/s3-client.js";
import { DirectRangeGets } from "../../src/io/s3-direct-get.js";

interface Request {
  url: string;
  headers: IncomingHttpHeaders;
}

const servers: Server[] = [];
const requests: Request[] = [];
let connections = 0;
const sockets = new Set<Socket>();
const cleanups: Array<() => void> = [];

async function serve(
  host: string,
  answer: (res: import("node:http").ServerResponse) => void,
): Promise<number> {
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", headers: req.headers });
    answer(res);
  });
  server.on("connection", (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

const LISTING = "<ListBucketResult><Contents><Key>a.exr</Key><Size>1</Size></Contents></ListBucketResult>";
let v4port = 0;
let v6port = 0;

beforeAll(async () => {
  const answer = (res: import("node:http").ServerResponse) =>
    res.writeHead(200, { "content-type": "application/xml" }).end(LISTING);
  v4port = await serve("127.0.0.1", answer);
  v6port = await serve("::1", answer);
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  requests.length = 0;
  connections = 0;
});

function direct(client: S3Client, transport: "raw" | "node-http"): DirectRangeGets {
  const g = new DirectRangeGets(client, 64, { transport });
  cleanups.push(() => {
    g.close();
    client.destroy();
  });
  return g;
}

const custom = (endpointUrl: string) =>
  createS3Client({
    endpointUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
  }).client;
const never = () => new AbortController().signal;

describe.each(["raw", "node-http"] as const)("DirectRangeGets targets (%s)", (transport) => {
  it("an IPv6 endpoint: connects to the address without brackets, names it with them in Host", async () => {
    const g = direct(custom(`http://[::1]:${v6port}`), transport);
    expect(await g.listPage("b", "", 5, undefined, never())).toEqual({
      objects: [{ key: "a.exr", size: 1, etag: null, lastModified: null }],
      nextToken: undefined,
    });
    expect(requests.map((r) => [r.url, r.headers.host])).toEqual([
      ["/b?list-type=2&max-keys=5&prefix=", `[::1]:${v6port}`],
    ]);
  });

  it("one keep-alive connection per endpoint, shared by its buckets", async () => {
    const g = direct(custom(`http://127.0.0.1:${v4port}`), transport);
    await g.listPage("b1", "", 1, undefined, never());
    await g.listPage("b2", "", 1, undefined, never());
    await g.listPage("b1", "p", 1, undefined, never());
    expect(requests.map((r) => r.url)).toEqual([
      "/b1?list-type=2&max-keys=1&prefix=",
      "/b2?list-type=2&max-keys=1&prefix=",
      "/b1?list-type=2&max-keys=1&prefix=p",
    ]);
    expect(connections).toBe(1);
  });

  it("a bucket whose endpoint could not be resolved is resolved again for the next request", async () => {
    let regionCalls = 0;
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${v4port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
      region: async () => {
        if (++regionCalls === 1) throw new Error("Region is missing");
        return "us-east-1";
      },
      maxAttempts: 1,
    });
    const g = direct(client, transport);
    expect(await g.listPage("b", "", 1, undefined, never())).toBeNull();
    expect(requests).toHaveLength(0);
    expect(await g.listPage("b", "", 1, undefined, never())).not.toBeNull();
    expect(requests.map((r) => r.url)).toEqual(["/b?list-type=2&max-keys=1&prefix="]);
    expect(requests[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AK\/\d{8}\/us-east-1\/s3\//,
    );
  });
});

describe("DirectRangeGets: buckets another signing scheme serves go to the SDK", () => {
  const aws = () =>
    new S3Client({
      region: "us-west-2",
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
      maxAttempts: 1,
    });

  it.each([
    ["an S3 Express directory bucket (sigv4-s3express)", "renders--usw2-az1--x-s3"],
    ["a multi-region access point (sigv4a)", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap"],
  ])("%s: no listing of ours (null), nothing sent", async (_what, bucket) => {
    const g = direct(aws(), "raw");
    expect(await g.listPage(bucket, "", 10, undefined, never())).toBeNull();
    expect(requests).toHaveLength(0);
  });
});

describe("DirectRangeGets (node-http): answers without a Content-Length", () => {
  it("a chunked 206 has no content length; its body is read to the end", async () => {
    const port = await serve("127.0.0.1", (res) => {
      res.writeHead(206, { "content-range": "bytes 0-4/10" });
      res.write("he");
      res.end("llo");
    });
    const g = direct(custom(`http://127.0.0.1:${port}`), "node-http");
    const a = await g.get("b", "k", 0, 5, null, never());
    expect([a.status, a.contentLength, a.contentRange]).toEqual([206, null, "bytes 0-4/10"]);
    const parts: Buffer[] = [];
    for await (const c of a.body!) parts.push(Buffer.from(c));
    expect(Buffer.concat(parts).toString()).toBe("hello");
  });
});

describe("DirectRangeGets: transports and their answers", () => {
  it("the raw client is the default: pipelined, 8 requests a connection; node:http opens one per request", async () => {
    const port = await serve("127.0.0.1", (res) =>
      setTimeout(() => res.writeHead(206, { "content-range": "bytes 0-0/1" }).end("x"), 30),
    );
    const many = (g: DirectRangeGets) =>
      Promise.all(Array.from({ length: 16 }, () => g.get("b", "k", 0, 1, null, never())));
    const byDefault = new DirectRangeGets(custom(`http://127.0.0.1:${port}`), 16);
    cleanups.push(() => byDefault.close());
    await many(byDefault);
    expect(connections).toBe(2);
    connections = 0;
    await many(direct(custom(`http://127.0.0.1:${port}`), "node-http"));
    expect(connections).toBe(16);
  });

  it.each([
    ["raw", undefined],
    ["node-http", "keep-alive"],
  ] as const)("a listing goes out on the chosen transport (%s)", async (transport, connection) => {
    const g = direct(custom(`http://127.0.0.1:${v4port}`), transport);
    await g.listPage("b", "", 1, undefined, never());
    expect(requests.map((r) => r.headers.connection)).toEqual([connection]);
  });

  it("node-http: cancel() ends an answer not read to its end (its connection closed)", async () => {
    const port = await serve("127.0.0.1", (res) => {
      res.writeHead(206, { "content-range": "bytes 0-9/10", "content-length": "10" });
      res.write("12345");
    });
    const g = direct(custom(`http://127.0.0.1:${port}`), "node-http");
    const a = await g.get("b", "k", 0, 10, null, never());
    await new Promise((r) => setTimeout(r, 20));
    const before = sockets.size;
    a.cancel();
    await new Promise((r) => setTimeout(r, 50));
    expect(before - sockets.size).toBe(1);
  });

  it("node-http: a refused connection rejects with the socket's error", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const g = direct(custom(`http://127.0.0.1:${port}`), "node-http");
    await expect(g.get("b", "k", 0, 1, null, never())).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("node-http: an error answer is read past its first piece, up to 64 KiB", async () => {
    const port = await serve("127.0.0.1", (res) => {
      res.writeHead(500);
      res.write(`<Error>${" ".repeat(30_000)}`);
      setTimeout(() => res.end("<Code>Late</Code><Message>m</Message></Error>"), 30);
    });
    const g = direct(custom(`http://127.0.0.1:${port}`), "node-http");
    const err = await g.get("b", "k", 0, 1, null, never()).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect([err!.name, err!.message]).toEqual(["Late", "m"]);
  });
});
