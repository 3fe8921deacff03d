import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlanInMemory } from "../../src/core/inspection-plan.js";
import { cryptomatteManifest, sampleFiles } from "../../src/core/write/sample-files.js";
import { writeExr } from "../../src/core/write/write-exr.js";
import { inspect } from "../../src/inspect/inspect.js";
import { LOCAL_FIRST_READ_BYTES } from "../../src/inspect/inspect-file-sync.js";
import { inspectRemote } from "../../src/inspect/inspect-remote.js";
import { sha256Hex, zlibInflate } from "../../src/inspect/options.js";
import { BufferSource } from "../../src/io/buffer-source.js";
import type { RangeAnswer } from "../../src/io/remote-object.js";
import { createS3Client } from "../../src/io/s3-client.js";
import { DirectRangeGets } from "../../src/io/s3-direct-get.js";
import type { S3RangeGets } from "../../src/io/s3-sdk-get.js";
import { classifyS3Error, S3Source } from "../../src/io/s3-source.js";
import { type RunningEmulator, startEmulator } from "../../src/vast/emulator/server.js";

const FAST = { retries: 4, baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 5000 };
let emulator: RunningEmulator;
let s3: S3Client;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, credentials: new Map([["AK", "SK"]]), verifySignatures: true });
  s3 = clientWith("SK");
});
/**
 * The ways GETs are sent: through the SDK's GetObject, and signed requests on our HTTP/1.1 client (direct)
 * or on node:http.
 */
type Transport = "sdk" | "direct" | "node-http";
const pools: DirectRangeGets[] = [];
function via(client: S3Client, transport: Transport): S3Client | S3RangeGets {
  if (transport === "sdk") return client;
  const direct = new DirectRangeGets(client, 64, { transport: transport === "direct" ? "raw" : "node-http" });
  pools.push(direct);
  return direct;
}

afterAll(async () => {
  for (const p of pools) p.close();
  s3.destroy();
  await emulator.close();
});

function clientWith(secret: string): S3Client {
  return createS3Client({
    endpointUrl: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AK", secretAccessKey: secret },
  }).client;
}

function withManifest(entries: number): Uint8Array {
  return writeExr({
    parts: [
      {
        type: "scanlineimage",
        channels: [{ name: "R", type: "half" }],
        dataWindow: { min: [0, 0], max: [7, 3] },
        attributes: [
          { name: "cryptomatte/0123abc/manifest", type: "string", value: cryptomatteManifest(entries) },
          { name: "cryptomatte/0123abc/name", type: "string", value: "CryptoObject" },
        ],
      },
    ],
  });
}

const put = (Key: string, Body: Uint8Array) => s3.send(new PutObjectCommand({ Bucket: "vastdb", Key, Body }));
const local = (bytes: Uint8Array, path: string) =>
  inspect(new BufferSource(bytes, path), { initialReadBytes: LOCAL_FIRST_READ_BYTES });

/** The result without the facts only a remote object has (and mtime, which differs by nature). */
function comparable(r: Awaited<ReturnType<typeof inspect>>) {
  const { etag: _e, requests: _r, mtime: _m, ...file } = r.file;
  return { ...r, file };
}

describe.each(["sdk", "direct", "node-http"] as const)(
  "S3Source over the emulator's S3 API (%s GETs)",
  (transport) => {
    let gets: S3Client | S3RangeGets;
    beforeAll(() => {
      gets = via(s3, transport);
    });
    const source = (key: string) => new S3Source(gets, "vastdb", key, { policy: FAST });

    it("inspects every sample file exactly as the same bytes in memory, bytes_read included", async () => {
      for (const f of sampleFiles(undefined)) {
        const key = `samples/${f.name}`;
        const { ETag } = await put(key, f.bytes);
        const remote = await inspectRemote(() => source(key));
        const mem = await local(f.bytes, `s3://vastdb/${key}`);
        expect(comparable(remote), f.name).toEqual(comparable(mem));
        expect(remote.file.etag).toBe(ETag);
        expect(remote.file.mtime).not.toBeNull();
        // One GET for the header prefix, one per range beyond it: never more than the plan's reads.
        expect(remote.file.requests).toBeGreaterThanOrEqual(1);
        expect(remote.file.requests).toBeLessThanOrEqual(4);
      }
    });

    it("reads a 3 MB Cryptomatte header whole (bytes_read close to the header size)", async () => {
      const bytes = withManifest(65_000);
      expect(bytes.length).toBeGreaterThan(3_000_000);
      await put("big/crypto.exr", bytes);
      const remote = await inspectRemote(() => source("big/crypto.exr"));
      expect(remote.validation.findings).toEqual([]);
      expect(remote.file.is_complete).toBe(true);
      const manifest = remote.parts[0]!.attributes.find((a) => a.name === "cryptomatte/0123abc/manifest");
      expect(manifest?.size).toBeGreaterThan(3_000_000);
      // The header, plus at most one speculative step past it, plus the last chunk header.
      expect(remote.file.bytes_read).toBeLessThan(remote.file.header_bytes! + 256 * 1024 + 1024);
      expect(remote.file.header_hash).toBe(
        runPlanInMemory(bytes, { path: "x", sha256: sha256Hex, inflate: zlibInflate }).file.header_hash,
      );
    });

    it("an empty object is too small, not an error of the transport", async () => {
      await put("empty.exr", new Uint8Array(0));
      const r = await inspectRemote(() => source("empty.exr"));
      expect(r.validation.findings.map((f) => f.code)).toEqual(["EXR_FILE_TOO_SMALL"]);
      expect(r.file.size_bytes).toBe(0);
    });

    it("codes missing keys and buckets, refused credentials (naming their source) and dead endpoints", async () => {
      const missing = await inspectRemote(() => source("no/such.exr"));
      expect(missing.validation.findings.map((f) => f.code)).toEqual(["EXR_SOURCE_NOT_FOUND"]);
      expect(missing.file.is_complete).toBe(false);
      const noBucket = await inspectRemote(() => new S3Source(gets, "nobucket", "a.exr", { policy: FAST }));
      expect(noBucket.validation.findings[0]?.message).toContain("no such bucket");
      const wrong = clientWith("not-the-secret");
      const denied = await inspectRemote(
        () =>
          new S3Source(via(wrong, transport), "vastdb", "samples/scanline_zip.exr", {
            policy: FAST,
            credentialSource: "env",
          }),
      );
      expect(denied.validation.findings.map((f) => f.code)).toEqual(["EXR_SOURCE_ACCESS_DENIED"]);
      expect(denied.validation.findings[0]!.message).toContain("env");
      expect(JSON.stringify(denied)).not.toContain("not-the-secret");
      wrong.destroy();
      const dead = createS3Client({
        endpointUrl: "http://127.0.0.1:9",
        region: "us-east-1",
        credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
      }).client;
      const unreachable = await inspectRemote(
        () => new S3Source(via(dead, transport), "vastdb", "a.exr", { policy: { ...FAST, retries: 2 } }),
      );
      expect(unreachable.validation.findings.map((f) => f.code)).toEqual(["EXR_SOURCE_UNAVAILABLE"]);
      expect(unreachable.file.requests).toBe(3);
      dead.destroy();
    });

    it("retries injected 500s, 503 SlowDowns and dropped connections", async () => {
      const f = sampleFiles(undefined).find((s) => s.name === "multipart_mixed.exr")!;
      await put("faults/multipart.exr", f.bytes);
      const expected = comparable(await local(f.bytes, "s3://vastdb/faults/multipart.exr"));
      // 30 % of requests fail: with 8 retries a request fails for good with probability 0.3^9 = 2e-5.
      emulator.faults.update({ error500: 0.1, slowdown: 0.1, drop: 0.1 });
      try {
        let retried = 0;
        for (let i = 0; i < 15; i++) {
          const r = await inspectRemote(
            () => new S3Source(gets, "vastdb", "faults/multipart.exr", { policy: { ...FAST, retries: 8 } }),
          );
          expect(r.validation.findings).toEqual([]);
          expect(comparable(r)).toEqual(expected);
          retried += r.file.requests! - 1;
        }
        expect(retried).toBeGreaterThan(0);
      } finally {
        emulator.faults.update({ error500: 0, slowdown: 0, drop: 0 });
      }
    });

    it("reuses one keep-alive connection for sequential reads (region from the default, no --region)", async () => {
      const bytes = withManifest(1000); // a header past the first range: two GETs per inspection
      await put("keepalive.exr", bytes);
      // No region given: the custom endpoint's default region is resolved once, not by a probe client per GET.
      const fresh = createS3Client({
        endpointUrl: emulator.url,
        credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
      }).client;
      let connections = 0;
      const count = () => connections++;
      emulator.server.on("connection", count);
      try {
        const reader = via(fresh, transport);
        let requests = 0;
        for (let i = 0; i < 10; i++) {
          const r = await inspectRemote(
            () => new S3Source(reader, "vastdb", "keepalive.exr", { policy: FAST }),
          );
          expect(r.validation.findings).toEqual([]);
          requests += r.file.requests!;
        }
        expect(requests).toBeGreaterThanOrEqual(20);
        expect(connections).toBe(1);
      } finally {
        emulator.server.off("connection", count);
        fresh.destroy();
      }
    });

    it("times out slow answers and reports the endpoint unavailable after retries", async () => {
      await put("slow.exr", sampleFiles(undefined)[0]!.bytes);
      emulator.faults.update({ latency_ms: 400 });
      try {
        const r = await inspectRemote(
          () => new S3Source(gets, "vastdb", "slow.exr", { policy: { ...FAST, retries: 1, timeoutMs: 100 } }),
        );
        expect(r.validation.findings.map((f) => f.code)).toEqual(["EXR_SOURCE_UNAVAILABLE"]);
        expect(r.validation.findings[0]!.message).toContain("timed out");
        expect(r.file.requests).toBe(2);
      } finally {
        emulator.faults.update({ latency_ms: 0 });
      }
    });
  },
);

describe("classifyS3Error", () => {
  it("a missing region is a configuration error, not retried", () => {
    const e = classifyS3Error(new Error("Region is missing"), false, "s3://b/k.exr", "env");
    expect(e.code).toBe("EXR_SOURCE_UNAVAILABLE");
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("AWS_REGION");
  });
});

/** Replaces the object with another version right after the first ranged GET of each source. */
class OverwritingSource extends S3Source {
  constructor(
    gets: S3Client | S3RangeGets,
    key: string,
    private readonly next: () => Uint8Array | null,
  ) {
    super(gets, "vastdb", key, { policy: FAST });
  }

  protected override async get(
    offset: number,
    length: number,
    ifMatch: string | null,
    signal: AbortSignal,
  ): Promise<RangeAnswer> {
    const answer = await super.get(offset, length, ifMatch, signal);
    const replacement = this.stats.requests === 1 ? this.next() : null;
    if (replacement) await put(this.key, replacement);
    return answer;
  }
}

describe.each(["sdk", "direct"] as const)(
  "an object overwritten during inspection (%s GETs)",
  (transport) => {
    let gets: S3Client | S3RangeGets;
    beforeAll(() => {
      gets = via(s3, transport);
    });
    // Headers beyond the first range, so every inspection reads the object more than once.
    const a = withManifest(1000);
    const b = withManifest(1500);

    it("is read again from scratch: the result is the new version's, never a mix", async () => {
      await put("race/once.exr", a);
      let overwrites = 0;
      const r = await inspectRemote(
        () => new OverwritingSource(gets, "race/once.exr", () => (overwrites++ === 0 ? b : null)),
      );
      expect(overwrites).toBe(2);
      expect(comparable(r)).toEqual(comparable(await local(b, "s3://vastdb/race/once.exr")));
    });

    it("gives EXR_SOURCE_CHANGED when it changes again during the second reading", async () => {
      await put("race/always.exr", a);
      let flip = false;
      const r = await inspectRemote(
        () =>
          new OverwritingSource(gets, "race/always.exr", () => {
            flip = !flip;
            return flip ? b : a;
          }),
      );
      expect(r.validation.findings.map((f) => f.code)).toContain("EXR_SOURCE_CHANGED");
      expect(r.file.is_complete).toBe(false);
    });
  },
);
