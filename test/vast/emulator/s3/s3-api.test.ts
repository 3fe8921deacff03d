import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Sha256 } from "@aws-crypto/sha256-js";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../../src/vast/emulator/server.js";

const running: RunningEmulator[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const e of running.splice(0)) await e.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startEmulator>[0] = {}) {
  const e = await startEmulator({
    port: 0,
    credentials: new Map([["AK", "SK"]]),
    verifySignatures: true,
    ...options,
  });
  running.push(e);
  return e;
}

function client(e: RunningEmulator, secret = "SK") {
  return new S3Client({
    endpoint: e.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "AK", secretAccessKey: secret },
    maxAttempts: 1,
  });
}

async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return { name: err.name, status: err.$metadata.httpStatusCode };
    throw err;
  }
  throw new Error("expected a failure");
}

/** A presigned GET URL made with the SDK's own SigV4 signer. */
async function presignedGet(e: RunningEmulator, path: string): Promise<string> {
  const signer = new SignatureV4({
    service: "s3",
    region: "us-east-1",
    credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
    sha256: Sha256,
  });
  const { hostname, port, protocol } = new URL(e.url);
  const signed = await signer.presign(
    {
      method: "GET",
      protocol,
      hostname,
      port: Number(port),
      path,
      // As S3's presigner does: presigned requests are signed with the literal UNSIGNED-PAYLOAD.
      headers: { host: `${hostname}:${port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    },
    { expiresIn: 60 },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return `${e.url}${path}?${query}`;
}

const md5 = (b: Uint8Array) => `"${createHash("md5").update(b).digest("hex")}"`;

describe("emulator S3 API through @aws-sdk/client-s3 (SigV4 verified)", () => {
  it("creates, lists, heads and deletes buckets; the database bucket is an S3 bucket too", async () => {
    const s3 = client(await start());
    await s3.send(new CreateBucketCommand({ Bucket: "renders" }));
    expect((await failure(s3.send(new CreateBucketCommand({ Bucket: "renders" })))).name).toBe(
      "BucketAlreadyOwnedByYou",
    );
    const names = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
    expect(names).toEqual(["renders", "vastdb"]);
    await s3.send(new HeadBucketCommand({ Bucket: "vastdb" }));
    expect((await failure(s3.send(new HeadBucketCommand({ Bucket: "nope" })))).status).toBe(404);
    await s3.send(new PutObjectCommand({ Bucket: "renders", Key: "a", Body: "x" }));
    expect((await failure(s3.send(new DeleteBucketCommand({ Bucket: "renders" })))).name).toBe(
      "BucketNotEmpty",
    );
    await s3.send(new DeleteObjectCommand({ Bucket: "renders", Key: "a" }));
    await s3.send(new DeleteBucketCommand({ Bucket: "renders" }));
    expect((await failure(s3.send(new CreateBucketCommand({ Bucket: "Bad_Name" })))).name).toBe(
      "InvalidBucketName",
    );
  });

  it("puts and gets objects with ranges, 416 past the end, If-Match 412 and metadata", async () => {
    const s3 = client(await start());
    const body = randomBytes(1000);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: "vastdb",
        Key: "shot/a b+c.exr",
        Body: body,
        ContentType: "image/x-exr",
        Metadata: { renderer: "arnold" },
      }),
    );
    expect(put.ETag).toBe(md5(body));
    const whole = await s3.send(new GetObjectCommand({ Bucket: "vastdb", Key: "shot/a b+c.exr" }));
    expect(Buffer.from(await whole.Body!.transformToByteArray())).toEqual(body);
    expect(whole.ContentType).toBe("image/x-exr");
    expect(whole.Metadata).toEqual({ renderer: "arnold" });
    const part = await s3.send(
      new GetObjectCommand({ Bucket: "vastdb", Key: "shot/a b+c.exr", Range: "bytes=10-19" }),
    );
    expect(part.$metadata.httpStatusCode).toBe(206);
    expect(part.ContentRange).toBe("bytes 10-19/1000");
    expect(Buffer.from(await part.Body!.transformToByteArray())).toEqual(body.subarray(10, 20));
    const tail = await s3.send(
      new GetObjectCommand({ Bucket: "vastdb", Key: "shot/a b+c.exr", Range: "bytes=-5" }),
    );
    expect(Buffer.from(await tail.Body!.transformToByteArray())).toEqual(body.subarray(995));
    const beyond = await s3.send(
      new GetObjectCommand({ Bucket: "vastdb", Key: "shot/a b+c.exr", Range: "bytes=990-5000" }),
    );
    expect(beyond.ContentRange).toBe("bytes 990-999/1000");
    const past = await failure(
      s3.send(new GetObjectCommand({ Bucket: "vastdb", Key: "shot/a b+c.exr", Range: "bytes=1000-2000" })),
    );
    expect(past).toEqual({ name: "InvalidRange", status: 416 });
    const matching = await s3.send(
      new GetObjectCommand({
        Bucket: "vastdb",
        Key: "shot/a b+c.exr",
        Range: "bytes=0-0",
        IfMatch: put.ETag,
      }),
    );
    expect(matching.$metadata.httpStatusCode).toBe(206);
    await matching.Body!.transformToByteArray();
    const stale = await failure(
      s3.send(new GetObjectCommand({ Bucket: "vastdb", Key: "shot/a b+c.exr", IfMatch: '"0123"' })),
    );
    expect(stale).toEqual({ name: "PreconditionFailed", status: 412 });
    const head = await s3.send(new HeadObjectCommand({ Bucket: "vastdb", Key: "shot/a b+c.exr" }));
    expect(head.ContentLength).toBe(1000);
    expect(head.ETag).toBe(put.ETag);
    expect(head.LastModified).toBeInstanceOf(Date);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: "vastdb", Key: "missing" })))).name).toBe(
      "NoSuchKey",
    );
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: "vastdb", Key: "missing" })))).status).toBe(
      404,
    );
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: "nope", Key: "k" })))).name).toBe(
      "NoSuchBucket",
    );
  });

  it("an empty object answers 416 to a range read, with its size in Content-Range", async () => {
    const e = await start({ credentials: new Map() });
    const s3 = client(e);
    await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "empty", Body: new Uint8Array(0) }));
    const res = await fetch(`${e.url}/vastdb/empty`, { headers: { range: "bytes=0-65535" } });
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe("bytes */0");
    await res.arrayBuffer();
  });

  it("gives every answer its own request id, and each object its own Last-Modified", async () => {
    const e = await start({ credentials: new Map() });
    const s3 = client(e);
    await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "a", Body: new Uint8Array(4) }));
    // Last-Modified has whole seconds: the second object is written in a later second.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "b", Body: new Uint8Array(4) }));
    const ids = new Set<string>();
    const modified: Record<string, string | null> = {};
    for (const key of ["a", "b", "a", "b"]) {
      const res = await fetch(`${e.url}/vastdb/${key}`, { headers: { range: "bytes=0-1" } });
      await res.arrayBuffer();
      ids.add(res.headers.get("x-amz-request-id") ?? "");
      if (modified[key] === undefined) modified[key] = res.headers.get("last-modified");
      else expect(res.headers.get("last-modified")).toBe(modified[key]);
    }
    expect(ids.size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[0-9A-F]{16}$/);
    const head = async (key: string) =>
      (await s3.send(new HeadObjectCommand({ Bucket: "vastdb", Key: key }))).LastModified!.getTime();
    expect(Date.parse(modified.a!)).toBe(await head("a"));
    expect(Date.parse(modified.b!)).toBe(await head("b"));
    expect(Date.parse(modified.b!)).toBeGreaterThan(Date.parse(modified.a!));
  });

  it("lists with prefix, delimiter, continuation tokens and max-keys", async () => {
    const s3 = client(await start());
    const keys = ["a/1", "a/2", "a/b/3", "a/b/4", "a/c/5", "b/6", "c", "é", "\u{1F600}", "\uFFFD"];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key, Body: Key }));
    const all: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page: ListObjectsV2CommandOutput = await s3.send(
        new ListObjectsV2Command({ Bucket: "vastdb", MaxKeys: 3, ContinuationToken: token }),
      );
      all.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
      pages++;
    } while (token);
    // UTF-8 byte order: U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80).
    expect(all).toEqual(["a/1", "a/2", "a/b/3", "a/b/4", "a/c/5", "b/6", "c", "é", "\uFFFD", "\u{1F600}"]);
    expect(pages).toBe(4);
    const rolled = await s3.send(
      new ListObjectsV2Command({ Bucket: "vastdb", Prefix: "a/", Delimiter: "/" }),
    );
    expect(rolled.Contents?.map((c) => c.Key)).toEqual(["a/1", "a/2"]);
    expect(rolled.CommonPrefixes?.map((c) => c.Prefix)).toEqual(["a/b/", "a/c/"]);
    expect(rolled.KeyCount).toBe(4);
    // Paging through common prefixes: each returned once.
    const seen: string[] = [];
    token = undefined;
    do {
      const page: ListObjectsV2CommandOutput = await s3.send(
        new ListObjectsV2Command({ Bucket: "vastdb", Delimiter: "/", MaxKeys: 1, ContinuationToken: token }),
      );
      seen.push(
        ...(page.CommonPrefixes ?? []).map((c) => c.Prefix!),
        ...(page.Contents ?? []).map((c) => c.Key!),
      );
      token = page.NextContinuationToken;
    } while (token);
    expect(seen).toEqual(["a/", "b/", "c", "é", "\uFFFD", "\u{1F600}"]);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: "vastdb", StartAfter: "b/6" }));
    expect(after.Contents?.[0]?.Key).toBe("c");
    const encoded = await s3.send(
      new ListObjectsV2Command({ Bucket: "vastdb", Prefix: "é", EncodingType: "url" }),
    );
    expect(encoded.Contents?.map((c) => c.Key)).toEqual(["%C3%A9"]);
  });

  it("copies objects (ETag kept), deletes many at once", async () => {
    const s3 = client(await start());
    const put = await s3.send(
      new PutObjectCommand({ Bucket: "vastdb", Key: "src", Body: "hello", Metadata: { a: "1" } }),
    );
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket: "vastdb", Key: "dst", CopySource: "vastdb/src" }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(put.ETag);
    const got = await s3.send(new GetObjectCommand({ Bucket: "vastdb", Key: "dst" }));
    expect(await got.Body!.transformToString()).toBe("hello");
    expect(got.Metadata).toEqual({ a: "1" });
    const deleted = await s3.send(
      new DeleteObjectsCommand({
        Bucket: "vastdb",
        Delete: { Objects: [{ Key: "src" }, { Key: "dst" }, { Key: "x" }] },
      }),
    );
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(["src", "dst", "x"]);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: "vastdb" }));
    expect(left.KeyCount).toBe(0);
  });

  it("multipart uploads get S3's md5-of-parts ETag; small middle parts are refused; abort forgets", async () => {
    const dir = await mkdtemp(join(tmpdir(), "s3-emulator-"));
    dirs.push(dir);
    const s3 = client(await start({ dataDir: dir }));
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024 + 7), randomBytes(100)];
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: "vastdb", Key: "big.exr" }),
    );
    const etags: string[] = [];
    for (const [i, Body] of parts.entries()) {
      const r = await s3.send(
        new UploadPartCommand({ Bucket: "vastdb", Key: "big.exr", UploadId, PartNumber: i + 1, Body }),
      );
      expect(r.ETag).toBe(md5(Body));
      etags.push(r.ETag!);
    }
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: "vastdb",
        Key: "big.exr",
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const expected = createHash("md5")
      .update(Buffer.concat(etags.map((e) => Buffer.from(e.replaceAll('"', ""), "hex"))))
      .digest("hex");
    expect(done.ETag).toBe(`"${expected}-3"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "vastdb", Key: "big.exr" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true);

    const small = await s3.send(new CreateMultipartUploadCommand({ Bucket: "vastdb", Key: "small" }));
    const p1 = await s3.send(
      new UploadPartCommand({
        Bucket: "vastdb",
        Key: "small",
        UploadId: small.UploadId,
        PartNumber: 1,
        Body: "a",
      }),
    );
    const p2 = await s3.send(
      new UploadPartCommand({
        Bucket: "vastdb",
        Key: "small",
        UploadId: small.UploadId,
        PartNumber: 2,
        Body: "b",
      }),
    );
    const tooSmall = await failure(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: "vastdb",
          Key: "small",
          UploadId: small.UploadId,
          MultipartUpload: {
            Parts: [
              { ETag: p1.ETag, PartNumber: 1 },
              { ETag: p2.ETag, PartNumber: 2 },
            ],
          },
        }),
      ),
    );
    expect(tooSmall.name).toBe("EntityTooSmall");
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: "vastdb", Key: "small", UploadId: small.UploadId }),
    );
    const gone = await failure(
      s3.send(
        new UploadPartCommand({
          Bucket: "vastdb",
          Key: "small",
          UploadId: small.UploadId,
          PartNumber: 3,
          Body: "c",
        }),
      ),
    );
    expect(gone.name).toBe("NoSuchUpload");
  });

  it("keeps objects under --data-dir across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "s3-emulator-"));
    dirs.push(dir);
    const first = await start({ dataDir: dir });
    const s3 = client(first);
    await s3.send(new CreateBucketCommand({ Bucket: "frames" }));
    await s3.send(new PutObjectCommand({ Bucket: "frames", Key: "x/1.exr", Body: "one" }));
    await s3.send(new PutObjectCommand({ Bucket: "frames", Key: "x/1.exr", Body: "two" }));
    await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "y", Body: "db bucket object" }));
    await first.close();
    running.splice(running.indexOf(first), 1);
    const again = client(await start({ dataDir: dir }));
    const got = await again.send(new GetObjectCommand({ Bucket: "frames", Key: "x/1.exr" }));
    expect(await got.Body!.transformToString()).toBe("two");
    const y = await again.send(new GetObjectCommand({ Bucket: "vastdb", Key: "y", Range: "bytes=3-8" }));
    expect(await y.Body!.transformToString()).toBe("bucket");
  });

  it("refuses wrong secrets and accepts presigned URLs only with a valid signature", async () => {
    const e = await start();
    expect((await failure(client(e, "wrong").send(new ListBucketsCommand({})))).name).toBe(
      "SignatureDoesNotMatch",
    );
    const s3 = client(e);
    await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "p/q.exr", Body: "presigned" }));
    const url = await presignedGet(e, "/vastdb/p/q.exr");
    const ok = await fetch(url, { headers: { range: "bytes=0-3" } });
    expect(ok.status).toBe(206);
    expect(await ok.text()).toBe("pres");
    const tampered = await fetch(url.replace("p/q.exr", "p/r.exr"));
    expect(tampered.status).toBe(403);
    await tampered.arrayBuffer();
  });
});
