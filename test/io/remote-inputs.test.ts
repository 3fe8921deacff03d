/**
 * Command-line inputs naming objects (remote-inputs.ts) and the S3 listing behind prefixes (s3-listing.ts,
 * s3-client.ts), against a real node:http server that answers ListObjectsV2 from a small key set as S3 does
 * (pages, continuation tokens, error documents) and records every request it gets.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpSource } from "../../src/io/http-source.js";
import { DEFAULT_REMOTE_CONCURRENCY } from "../../src/io/remote-defaults.js";
import {
  hasRemoteInputs,
  type InputEntry,
  RemoteContext,
  type RemoteSettings,
  resolveInputs,
} from "../../src/io/remote-inputs.js";
import { DEFAULT_RETRY_POLICY } from "../../src/io/remote-retry.js";
import { createS3Client, describeCredentialSource } from "../../src/io/s3-client.js";
import { DirectRangeGets } from "../../src/io/s3-direct-get.js";
import { listS3Objects } from "../../src/io/s3-listing.js";
import { SdkRangeGets } from "../../src/io/s3-sdk-get.js";
import { S3Source } from "../../src/io/s3-source.js";
import { SourceError } from "../../src/io/source-error.js";

const KEYS = [
  "show/a.exr",
  "show/b.EXR",
  "show/notes.txt",
  "show/.hidden.exr",
  "show/sub/c.exr",
  "show/sub/skip_me.exr",
  "other/d.exr",
];

interface Seen {
  bucket: string;
  query: URLSearchParams;
  headers: import("node:http").IncomingHttpHeaders;
}
let server: Server;
let endpoint: string;
const seen: Seen[] = [];
const saved = { ...process.env };
let dir: string;

function listing(bucket: string, query: URLSearchParams): { status: number; body: string } {
  if (bucket === "missing")
    return {
      status: 404,
      body: "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>",
    };
  if (bucket === "broken") return { status: 200, body: "<html>not a listing</html>" };
  if (bucket === "denied")
    return { status: 403, body: "<Error><Code>AccessDenied</Code><Message>no</Message></Error>" };
  const prefix = query.get("prefix") ?? "";
  const max = Number(query.get("max-keys") ?? 1000);
  const start = Number(query.get("continuation-token") ?? 0);
  const keys = KEYS.filter((k) => k.startsWith(prefix));
  const end = Math.min(keys.length, start + max);
  const contents = keys
    .slice(start, end)
    .map(
      (k, i) =>
        `<Contents><Key>${k}</Key><LastModified>2026-12-0${((start + i) % 9) + 1}T09:00:00.000Z</LastModified>` +
        `<ETag>&quot;e${start + i}&quot;</ETag><Size>${100 + start + i}</Size></Contents>`,
    )
    .join("");
  return {
    status: 200,
    body:
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Name>${bucket}</Name><Prefix>${prefix}</Prefix><IsTruncated>${end < keys.length}</IsTruncated>` +
      (end < keys.length ? `<NextContinuationToken>${end}</NextContinuationToken>` : "") +
      `${contents}</ListBucketResult>`,
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://listing");
    const bucket = decodeURIComponent(url.pathname.split("/")[1] ?? "");
    seen.push({ bucket, query: url.searchParams, headers: req.headers });
    const { status, body } = listing(bucket, url.searchParams);
    res.writeHead(status, { "content-type": "application/xml" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: "AK",
    AWS_SECRET_ACCESS_KEY: "SK",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  });
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_S3;
  dir = mkdtempSync(join(tmpdir(), "exr-remote-inputs-"));
  writeFileSync(join(dir, "x.exr"), "");
  writeFileSync(join(dir, "y.txt"), "");
});
afterAll(async () => {
  process.env = saved;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  seen.length = 0;
});

async function resolveAll(
  args: string[],
  settings: RemoteSettings = {},
  options: Parameters<typeof resolveInputs>[2] = {},
  signal?: AbortSignal,
): Promise<InputEntry[]> {
  const context = new RemoteContext({ endpointUrl: endpoint, retries: 1, ...settings }, signal);
  const out: InputEntry[] = [];
  try {
    for await (const e of resolveInputs(args, context, options)) out.push(e);
  } finally {
    context.close();
  }
  return out;
}
const paths = (entries: InputEntry[]) => entries.map((e) => e.path);

describe("resolveInputs", () => {
  it.each(["direct", "node-http", "sdk"] as const)(
    "lists a prefix (*.exr in any case by default) with what the listing told (%s listing)",
    async (s3Gets) => {
      const entries = await resolveAll(["s3://renders/show/"], { s3Gets });
      expect(entries).toEqual([
        {
          path: "s3://renders/show/a.exr",
          listed: { size: 100, etag: '"e0"', lastModified: new Date("2026-12-01T09:00:00.000Z") },
        },
        {
          path: "s3://renders/show/b.EXR",
          listed: { size: 101, etag: '"e1"', lastModified: new Date("2026-12-02T09:00:00.000Z") },
        },
        {
          path: "s3://renders/show/.hidden.exr",
          listed: { size: 103, etag: '"e3"', lastModified: new Date("2026-12-04T09:00:00.000Z") },
        },
        {
          path: "s3://renders/show/sub/c.exr",
          listed: { size: 104, etag: '"e4"', lastModified: new Date("2026-12-05T09:00:00.000Z") },
        },
        {
          path: "s3://renders/show/sub/skip_me.exr",
          listed: { size: 105, etag: '"e5"', lastModified: new Date("2026-12-06T09:00:00.000Z") },
        },
      ]);
      expect(seen.map((s) => [s.bucket, s.query.get("prefix"), s.query.get("max-keys")])).toEqual([
        ["renders", "show/", "1000"],
      ]);
      expect(seen[0]!.query.get("list-type")).toBe("2");
    },
  );

  it("narrows listed keys with --include (case-sensitive, on the base name too) and --exclude", async () => {
    const both = await resolveAll(["s3://renders/show/"], {
      include: ["*.exr", "*.txt"],
      exclude: ["skip_*"],
    });
    expect(paths(both)).toEqual([
      "s3://renders/show/a.exr",
      "s3://renders/show/notes.txt",
      "s3://renders/show/.hidden.exr",
      "s3://renders/show/sub/c.exr",
    ]);
    // Matched against the key relative to the listed prefix.
    expect(paths(await resolveAll(["s3://renders/show/"], { include: ["sub/*"] }))).toEqual([
      "s3://renders/show/sub/c.exr",
      "s3://renders/show/sub/skip_me.exr",
    ]);
    expect(paths(await resolveAll(["s3://renders/show/"], { exclude: ["show/*", "*.EXR"] }))).toEqual([
      "s3://renders/show/a.exr",
      "s3://renders/show/.hidden.exr",
      "s3://renders/show/sub/c.exr",
      "s3://renders/show/sub/skip_me.exr",
    ]);
    expect(paths(await resolveAll(["s3://renders/show/"], { include: [], exclude: [] }))).toHaveLength(5);
  });

  it("with allFiles every listed key and every local file, unless --include narrows", async () => {
    expect(paths(await resolveAll(["s3://renders/show/", dir], {}, { allFiles: true }))).toEqual([
      ...KEYS.filter((k) => k.startsWith("show/")).map((k) => `s3://renders/${k}`),
      join(dir, "x.exr"),
      join(dir, "y.txt"),
    ]);
    expect(paths(await resolveAll([dir], {}, { allFiles: false }))).toEqual([join(dir, "x.exr")]);
    expect(
      paths(await resolveAll(["s3://renders/show/"], { include: ["*.txt"] }, { allFiles: true })),
    ).toEqual(["s3://renders/show/notes.txt"]);
  });

  it("pages through a listing with continuation tokens (SDK and direct)", async () => {
    for (const direct of [true, false]) {
      seen.length = 0;
      const context = new RemoteContext({ endpointUrl: endpoint, s3Gets: direct ? "direct" : "sdk" });
      const { client } = await context.s3();
      const gets = await context.rangeGets();
      const keys: string[] = [];
      try {
        for await (const o of listS3Objects(client, "renders", "", {
          pageSize: 3,
          ...(direct ? { direct: gets as DirectRangeGets } : {}),
        }))
          keys.push(o.key);
      } finally {
        context.close();
      }
      expect(keys).toEqual(KEYS);
      expect(seen.map((s) => [s.query.get("max-keys"), s.query.get("continuation-token")])).toEqual([
        ["3", null],
        ["3", "3"],
        ["3", "6"],
      ]);
    }
  });

  it("codes a listing that fails, naming the prefix; the other inputs still come", async () => {
    const entries = await resolveAll(["s3://missing/x/", "s3://renders/other/"]);
    expect(entries[0]!.path).toBe("s3://missing/x/");
    expect(entries[0]!.failure).toBeInstanceOf(SourceError);
    expect(entries[0]!.failure!.code).toBe("EXR_SOURCE_NOT_FOUND");
    expect(entries[0]!.failure!.message).toBe("s3://missing/x/: no such bucket");
    expect(entries[0]!.error).toBe(entries[0]!.failure!.message);
    expect(paths(entries.slice(1))).toEqual(["s3://renders/other/d.exr"]);
    expect(seen.filter((s) => s.bucket === "missing")).toHaveLength(1); // not retried
  });

  it("a listing answer that is not a listing is EXR_SOURCE_UNAVAILABLE, after the retries", async () => {
    const entries = await resolveAll(["s3://broken/"]);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.failure!.code).toBe("EXR_SOURCE_UNAVAILABLE");
    expect(entries[0]!.failure!.message).toMatch(/^s3:\/\/broken\/: .*ListBucketResult/);
    expect(seen).toHaveLength(2);
  });

  it("passes objects, URLs and local paths through in order, and codes what is not an S3 URI", async () => {
    const entries = await resolveAll([
      "s3://renders/show/a.exr",
      "https://example.invalid/x.exr",
      "s3://",
      join(dir, "y.txt"),
      "S3://renders/k",
    ]);
    expect(paths(entries)).toEqual([
      "s3://renders/show/a.exr",
      "https://example.invalid/x.exr",
      "s3://",
      join(dir, "y.txt"),
      "s3://renders/k",
    ]);
    expect(entries[0]).toEqual({ path: "s3://renders/show/a.exr" });
    expect(entries[1]).toEqual({ path: "https://example.invalid/x.exr" });
    expect(entries[2]!.failure!.code).toBe("EXR_SOURCE_NOT_FOUND");
    expect(entries[2]!.failure!.message).toBe("s3://: not an s3://bucket/key URI");
    expect(entries[2]!.error).toBeUndefined();
    expect(seen).toHaveLength(0);
  });

  it("reads `-` as one input per line (trimmed, blank lines skipped), of any kind", async () => {
    const stdin = Readable.from([
      "  s3://renders/show/a.exr \r\n\n",
      `${join(dir, "x.exr")}\n   \ns3://renders/other/\n`,
    ]);
    expect(paths(await resolveAll(["-", "s3://renders/k.exr"], {}, { stdin }))).toEqual([
      "s3://renders/show/a.exr",
      join(dir, "x.exr"),
      "s3://renders/other/d.exr",
      "s3://renders/k.exr",
    ]);
  });

  it("stops at once when the command is cancelled: before an input, between lines, inside a listing", async () => {
    const aborted = AbortSignal.abort();
    expect(await resolveAll(["s3://renders/a.exr"], {}, {}, aborted)).toEqual([]);
    const controller = new AbortController();
    const context = new RemoteContext({ endpointUrl: endpoint }, controller.signal);
    const got: string[] = [];
    try {
      for await (const e of resolveInputs(["s3://renders/show/", "s3://renders/z.exr"], context)) {
        got.push(e.path);
        controller.abort();
      }
    } finally {
      context.close();
    }
    expect(got).toEqual(["s3://renders/show/a.exr"]);
    const lines = new AbortController();
    const stdinContext = new RemoteContext({}, lines.signal);
    const fromStdin: string[] = [];
    for await (const e of resolveInputs(["-"], stdinContext, {
      stdin: Readable.from(["s3://r/1.exr\ns3://r/2.exr\n"]),
    })) {
      fromStdin.push(e.path);
      lines.abort();
    }
    expect(fromStdin).toEqual(["s3://r/1.exr"]);
  });

  it("hasRemoteInputs", () => {
    expect(hasRemoteInputs(["a.exr", "dir"])).toBe(false);
    expect(hasRemoteInputs(["a.exr", "s3://b/k"])).toBe(true);
    expect(hasRemoteInputs(["HTTPS://h/x.exr"])).toBe(true);
  });
});

describe("RemoteContext", () => {
  it("its retry policy: the defaults, overridden by the settings and the command's signal", () => {
    expect(new RemoteContext().policy).toEqual(DEFAULT_RETRY_POLICY);
    const signal = new AbortController().signal;
    expect(new RemoteContext({ timeoutMs: 1234, retries: 0 }, signal).policy).toEqual({
      ...DEFAULT_RETRY_POLICY,
      timeoutMs: 1234,
      retries: 0,
      signal,
    });
    expect(new RemoteContext({ timeoutMs: 0 }).policy.timeoutMs).toBe(DEFAULT_RETRY_POLICY.timeoutMs);
    expect(new RemoteContext().concurrency).toBe(DEFAULT_REMOTE_CONCURRENCY);
    expect(DEFAULT_REMOTE_CONCURRENCY).toBe(64);
    expect(new RemoteContext({ concurrency: 3 }).concurrency).toBe(3);
  });

  it("opens URLs as HTTP sources and keys as S3 sources sharing one way of sending GETs", async () => {
    const context = new RemoteContext({ endpointUrl: endpoint });
    try {
      expect(await context.open("https://h.invalid/a.exr")).toBeInstanceOf(HttpSource);
      const a = (await context.open("s3://renders/show/a.exr")) as S3Source;
      expect(a).toBeInstanceOf(S3Source);
      expect([a.bucket, a.key, a.path]).toEqual(["renders", "show/a.exr", "s3://renders/show/a.exr"]);
      for (const bad of ["s3://renders/", "s3://renders", "s3:/x"]) {
        await expect(context.open(bad)).rejects.toThrow(SourceError);
        await expect(context.open(bad)).rejects.toThrow(
          expect.objectContaining({ code: "EXR_SOURCE_NOT_FOUND" }),
        );
        await expect(context.open(bad)).rejects.toThrow(`${bad}: not an object URI`);
      }
      const gets = await context.rangeGets();
      expect(gets).toBeInstanceOf(DirectRangeGets);
      expect(await context.rangeGets()).toBe(gets);
      expect(await context.s3()).toBe(await context.s3());
      expect((await context.s3()).credentialSource).toBe("environment variables (AWS_ACCESS_KEY_ID)");
    } finally {
      context.close();
    }
    const sdk = new RemoteContext({ endpointUrl: endpoint, s3Gets: "sdk" });
    expect(await sdk.rangeGets()).toBeInstanceOf(SdkRangeGets);
    sdk.close();
  });

  it("loads the S3 modules once, on first use, shared by every call", async () => {
    const context = new RemoteContext({ endpointUrl: endpoint });
    try {
      const [a, b] = [context.s3Modules(), context.s3Modules()];
      expect(a).toBe(b);
      const [clientA, clientB] = await Promise.all([context.s3(), context.s3()]);
      expect(clientA).toBe(clientB);
      expect((await a).S3Source).toBe(S3Source);
    } finally {
      context.close();
    }
  });

  it("closing drops the client and the GETs: the next use makes new ones", async () => {
    const context = new RemoteContext({ endpointUrl: endpoint });
    const first = await context.s3();
    const gets = await context.rangeGets();
    context.close();
    expect(await context.s3()).not.toBe(first);
    expect(await context.rangeGets()).not.toBe(gets);
    context.close();
    context.close();
  });

  it("closing closes the direct GETs' connections (the SDK's GETs have none of their own)", async () => {
    const context = new RemoteContext({ endpointUrl: endpoint });
    const gets = (await context.rangeGets()) as DirectRangeGets;
    let closed = 0;
    const close = gets.close.bind(gets);
    gets.close = () => {
      closed++;
      close();
    };
    context.close();
    expect(closed).toBe(1);
    const sdk = new RemoteContext({ endpointUrl: endpoint, s3Gets: "sdk" });
    expect(await sdk.rangeGets()).toBeInstanceOf(SdkRangeGets);
    expect(() => sdk.close()).not.toThrow();
  });

  it.each([
    [{ concurrency: 4, maxSockets: 16 }, 16],
    [{ concurrency: 40, maxSockets: 8 }, 40],
    [{ concurrency: 40 }, 40],
  ])(
    "direct GETs keep up to max(concurrency, maxSockets) connections per host: %o",
    async (settings, sockets) => {
      const context = new RemoteContext({ endpointUrl: endpoint, ...settings });
      try {
        const gets = (await context.rangeGets()) as unknown as { httpAgent: { maxSockets: number } };
        expect(gets.httpAgent.maxSockets).toBe(sockets);
      } finally {
        context.close();
      }
    },
  );

  it("limit runs at most `concurrency` tasks at once, the waiting ones in order, also after failures", async () => {
    const context = new RemoteContext({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      order.push(i);
      if (i === 0) throw new Error("task 0 failed");
      return i;
    };
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => context.limit(task(i))));
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(results[0]).toMatchObject({ status: "rejected", reason: { message: "task 0 failed" } });
    expect(results.slice(1).map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual([1, 2, 3, 4]);
    expect(await context.limit(async () => "after")).toBe("after");
  });
});

describe("RemoteContext's reads", () => {
  it("lets any number of requests listen to the command's signal (no listener-leak warning)", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      for (const withContext of [true, false]) {
        warnings.length = 0;
        const signal = new AbortController().signal;
        if (withContext) new RemoteContext({}, signal);
        for (let i = 0; i < 20; i++) signal.addEventListener("abort", () => {});
        await new Promise((r) => setTimeout(r, 10));
        expect(warnings.includes("MaxListenersExceededWarning")).toBe(!withContext);
      }
    } finally {
      process.off("warning", onWarning);
    }
  });

  it.each([
    ["direct", undefined],
    ["node-http", "keep-alive"],
    ["sdk", "keep-alive"],
  ] as const)(
    "objects opened from it read with its policy and credential source (%s GETs)",
    async (s3Gets, connection) => {
      const context = new RemoteContext({ endpointUrl: endpoint, s3Gets, retries: 0 });
      try {
        const source = await context.open("s3://denied/k.exr");
        await expect(source.read(0, 10)).rejects.toMatchObject({
          code: "EXR_SOURCE_ACCESS_DENIED",
          message:
            "s3://denied/k.exr: access denied (AccessDenied) with credentials from environment variables (AWS_ACCESS_KEY_ID)",
        });
        expect(seen.map((r) => r.bucket)).toEqual(["denied"]);
        // node:http (and the SDK on it) says keep-alive; our own client sends no Connection header.
        expect(seen[0]!.headers.connection).toBe(connection);
      } finally {
        context.close();
      }
    },
  );
});

describe("createS3Client", () => {
  it("names the credential source without its secret", () => {
    expect(describeCredentialSource(undefined)).toBe("environment variables (AWS_ACCESS_KEY_ID)");
    const key = process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_ACCESS_KEY_ID;
    try {
      expect(describeCredentialSource("render")).toBe(
        'profile "render" of the shared config/credentials files',
      );
      process.env.AWS_PROFILE = "farm";
      expect(describeCredentialSource(undefined)).toBe(
        'profile "farm" of the shared config/credentials files',
      );
      delete process.env.AWS_PROFILE;
      expect(describeCredentialSource(undefined)).toBe(
        "the AWS SDK default chain (default profile, SSO, web identity, container or instance metadata)",
      );
    } finally {
      process.env.AWS_ACCESS_KEY_ID = key;
      delete process.env.AWS_PROFILE;
    }
  });

  it("a custom endpoint: path-style, the region found once (us-east-1 when none), one attempt", async () => {
    const { client, credentialSource } = createS3Client({ endpointUrl: endpoint });
    try {
      expect(credentialSource).toBe("environment variables (AWS_ACCESS_KEY_ID)");
      expect(client.config.forcePathStyle).toBe(true);
      expect(await client.config.region()).toBe("us-east-1");
      expect(await client.config.maxAttempts()).toBe(1);
      expect(await client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED");
      expect(await client.config.responseChecksumValidation()).toBe("WHEN_REQUIRED");
      // Resolved once: a region set afterwards is not read again.
      process.env.AWS_REGION = "eu-west-3";
      expect(await client.config.region()).toBe("us-east-1");
    } finally {
      delete process.env.AWS_REGION;
      client.destroy();
    }
    process.env.AWS_REGION = "eu-west-3";
    const withRegion = createS3Client({ endpointUrl: endpoint });
    try {
      expect(await withRegion.client.config.region()).toBe("eu-west-3");
    } finally {
      delete process.env.AWS_REGION;
      withRegion.client.destroy();
    }
  });

  it("AWS_ENDPOINT_URL alone makes it custom; without any, virtual-hosted and the SDK's region", async () => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    const viaEnv = createS3Client({});
    delete process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL_S3 = endpoint;
    const viaS3Env = createS3Client({});
    delete process.env.AWS_ENDPOINT_URL_S3;
    const plain = createS3Client({ region: "ap-south-1" });
    const given = createS3Client({
      endpointUrl: endpoint,
      region: "sa-east-1",
      credentials: { accessKeyId: "A", secretAccessKey: "S" },
    });
    try {
      expect(viaEnv.client.config.forcePathStyle).toBe(true);
      expect(await viaEnv.client.config.region()).toBe("us-east-1");
      expect(viaS3Env.client.config.forcePathStyle).toBe(true);
      expect(plain.client.config.forcePathStyle).toBe(false);
      expect(await plain.client.config.region()).toBe("ap-south-1");
      expect(await given.client.config.region()).toBe("sa-east-1");
      expect(given.credentialSource).toBe("the credentials given to the client");
      expect(await given.client.config.credentials()).toMatchObject({
        accessKeyId: "A",
        secretAccessKey: "S",
      });
    } finally {
      for (const c of [viaEnv, viaS3Env, plain, given]) c.client.destroy();
    }
  });
});
