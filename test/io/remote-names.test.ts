/**
 * What names a remote object: `s3://` URIs (bucket, key kept exactly, prefixes to list) and `http(s)://` URLs, any
 * case of the scheme; the library's local and in-memory source helpers; the default remote concurrency.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_REMOTE_CONCURRENCY } from "../../src/io/remote-defaults.js";
import { isHttpUrl, isRemote, isS3Prefix, isS3Uri, parseS3Uri, s3Uri } from "../../src/io/s3-uri.js";
import { bufferSource, fileSource } from "../../src/io/sources.js";

describe("s3:// and http(s):// names", () => {
  it("recognizes each scheme in any case, only at the start", () => {
    expect([
      isS3Uri("s3://b/k"),
      isS3Uri("S3://b"),
      isS3Uri("xs3://b"),
      isS3Uri("s3:/b"),
      isS3Uri("/s3://b"),
    ]).toEqual([true, true, false, false, false]);
    expect([
      isHttpUrl("http://h"),
      isHttpUrl("HTTPS://h/x"),
      isHttpUrl("ftp://h"),
      isHttpUrl("xhttp://h"),
      isHttpUrl("https:/h"),
    ]).toEqual([true, true, false, false, false]);
    expect([isRemote("s3://b"), isRemote("https://h"), isRemote("/renders/a.exr"), isRemote("-")]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("parses the bucket and the key exactly (case, spaces, double slashes, line breaks)", () => {
    expect(parseS3Uri("s3://bucket/renders/A b//c.exr")).toEqual({
      bucket: "bucket",
      key: "renders/A b//c.exr",
    });
    expect(parseS3Uri("S3://Bucket")).toEqual({ bucket: "Bucket", key: "" });
    expect(parseS3Uri("s3://bucket/")).toEqual({ bucket: "bucket", key: "" });
    expect(parseS3Uri("s3://bucket/a\nb.exr")).toEqual({ bucket: "bucket", key: "a\nb.exr" });
  });

  it("anything else is no S3 location", () => {
    for (const bad of [
      "s3://",
      "s3:///key",
      "https://h/x",
      "s3:/bucket/key",
      " s3://bucket/key",
      "bucket/key",
    ])
      expect(parseS3Uri(bad), bad).toBeNull();
  });

  it("writes a URI back, and tells a prefix to list from one object", () => {
    expect(s3Uri("b", "renders/a.exr")).toBe("s3://b/renders/a.exr");
    expect(s3Uri("b", "")).toBe("s3://b/");
    expect(isS3Prefix({ bucket: "b", key: "" })).toBe(true);
    expect(isS3Prefix({ bucket: "b", key: "renders/" })).toBe(true);
    expect(isS3Prefix({ bucket: "b", key: "renders/a.exr" })).toBe(false);
    expect(isS3Prefix({ bucket: "b", key: "renders/x" })).toBe(false);
  });

  it("64 objects in flight by default", () => {
    expect(DEFAULT_REMOTE_CONCURRENCY).toBe(64);
  });
});

describe("library sources", () => {
  it("bufferSource: memory: by default, or the given path and mtime", async () => {
    const bytes = Uint8Array.of(1, 2, 3);
    const plain = bufferSource(bytes);
    expect(plain.path).toBe("memory:");
    expect(await plain.mtime?.()).toBeNull();
    const when = new Date("2026-01-02T03:04:05Z");
    const named = bufferSource(bytes, "mem:/a.exr", when);
    expect(named.path).toBe("mem:/a.exr");
    expect(await named.mtime?.()).toBe(when);
    expect([...(await named.read(1, 5))]).toEqual([2, 3]);
  });

  it("fileSource opens a local file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "exr-sources-"));
    try {
      const path = join(dir, "a.bin");
      writeFileSync(path, Uint8Array.of(9, 8, 7));
      const src = await fileSource(path);
      try {
        expect(src.path).toBe(path);
        expect([...(await src.read(0, 3))]).toEqual([9, 8, 7]);
      } finally {
        await src.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
