/**
 * How S3 failures become coded source errors (classifyS3Error) and what an SDK error carries of the answer
 * (responseOf): every branch with its code, message and whether it is retried. The errors are shaped as the
 * AWS SDK v3 throws them (name = S3 error code, `$metadata.httpStatusCode`, `$response`), and as our direct
 * GETs build them (s3-direct-get.ts) from the same answers.
 */
import { S3ServiceException } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { responseOf } from "../../src/io/s3-sdk-get.js";
import { classifyS3Error } from "../../src/io/s3-source.js";
import { SourceError } from "../../src/io/source-error.js";

const WHERE = "s3://b/k.exr";
const FROM = "environment variables (AWS_ACCESS_KEY_ID)";

function s3Error(name: string, status: number | null, message = "msg"): Error {
  return Object.assign(new Error(message), {
    name,
    ...(status === null ? {} : { $metadata: { httpStatusCode: status } }),
  });
}
const classify = (err: unknown, timedOut = false) => {
  const e = classifyS3Error(err, timedOut, WHERE, FROM);
  return [e.code, e.message, e.retryable];
};

describe("classifyS3Error", () => {
  it("passes a SourceError through as it is", () => {
    const given = new SourceError("EXR_SOURCE_CHANGED", "x", true);
    expect(classifyS3Error(given, true, WHERE, FROM)).toBe(given);
  });

  it("timeouts and aborts: unavailable, retried", () => {
    const timedOut = ["EXR_SOURCE_UNAVAILABLE", "s3://b/k.exr: request timed out", true];
    expect(classify(s3Error("NoSuchKey", 404), true)).toEqual(timedOut);
    expect(classify(s3Error("TimeoutError", null))).toEqual(timedOut);
    expect(classify(s3Error("AbortError", null))).toEqual(timedOut);
  });

  it("configuration and credentials: not retried, naming what to set and where credentials come from", () => {
    expect(classify(new Error("Region is missing"))).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      "s3://b/k.exr: no AWS region configured (set AWS_REGION, a profile's region, or --region)",
      false,
    ]);
    // Only at the start of the message.
    expect(classify(new Error("x Region is missing"))[1]).not.toContain("no AWS region");
    expect(classify(s3Error("CredentialsProviderError", null, "Could not load credentials"))).toEqual([
      "EXR_SOURCE_ACCESS_DENIED",
      `s3://b/k.exr: no credentials found (${FROM}): Could not load credentials`,
      false,
    ]);
  });

  it("a changed object, by status or by name", () => {
    const changed = [
      "EXR_SOURCE_CHANGED",
      "s3://b/k.exr changed while it was read (ETag no longer matches)",
      false,
    ];
    expect(classify(s3Error("Whatever", 412))).toEqual(changed);
    expect(classify(s3Error("PreconditionFailed", null))).toEqual(changed);
  });

  it("missing keys and buckets, by status or by name", () => {
    const key = ["EXR_SOURCE_NOT_FOUND", "s3://b/k.exr: no such key", false];
    expect(classify(s3Error("Unknown", 404))).toEqual(key);
    expect(classify(s3Error("NoSuchKey", null))).toEqual(key);
    expect(classify(s3Error("NotFound", null))).toEqual(key);
    expect(classify(s3Error("NoSuchBucket", 404))).toEqual([
      "EXR_SOURCE_NOT_FOUND",
      "s3://b/k.exr: no such bucket",
      false,
    ]);
  });

  it("refused access names the error (or the status) and the credentials' source", () => {
    const denied = (what: string) => [
      "EXR_SOURCE_ACCESS_DENIED",
      `s3://b/k.exr: access denied (${what}) with credentials from ${FROM}`,
      false,
    ];
    expect(classify(s3Error("", 401))).toEqual(denied("401"));
    expect(classify(s3Error("", 403))).toEqual(denied("403"));
    expect(classify(s3Error("SignatureDoesNotMatch", 403))).toEqual(denied("SignatureDoesNotMatch"));
    expect(classify(s3Error("AccessDenied", null))).toEqual(denied("AccessDenied"));
    expect(classify(s3Error("InvalidAccessKeyId", null))).toEqual(denied("InvalidAccessKeyId"));
  });

  it.each([408, 429, 500, 502, 503, 504])("status %i: unavailable, retried", (status) => {
    expect(classify(s3Error("", status))).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      `s3://b/k.exr: HTTP ${status}`,
      true,
    ]);
  });

  it.each([
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestTimeout",
    "RequestTimeTooSkewed",
    "InternalError",
    "ServiceUnavailable",
  ])("%s: unavailable, retried (with or without a status)", (name) => {
    expect(classify(s3Error(name, null))).toEqual(["EXR_SOURCE_UNAVAILABLE", `s3://b/k.exr: ${name}`, true]);
    expect(classify(s3Error(name, 400))).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      `s3://b/k.exr: ${name} 400`,
      true,
    ]);
  });

  it("other HTTP answers and service exceptions: unavailable, not retried, with the server's message", () => {
    expect(classify(s3Error("InvalidRange", 400, "bad range"))).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      "s3://b/k.exr: InvalidRange 400: bad range",
      false,
    ]);
    expect(classify(s3Error("", 501, "nope"))).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      "s3://b/k.exr:  501: nope",
      false,
    ]);
    const service = new S3ServiceException({ name: "Odd", $fault: "server", $metadata: {}, message: "odd" });
    expect(classify(service)).toEqual(["EXR_SOURCE_UNAVAILABLE", "s3://b/k.exr: Odd : odd", false]);
  });

  it("below HTTP: an unknown host is not retried; resets and the like are, by the code on the cause chain", () => {
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND nowhere"), { code: "ENOTFOUND" });
    expect(classify(dns)).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      "s3://b/k.exr: endpoint host not found (getaddrinfo ENOTFOUND nowhere)",
      false,
    ]);
    const deep = (levels: number, code: string) => {
      let e: Error = Object.assign(new Error("root"), { code });
      for (let i = 0; i < levels; i++) e = new Error(`wrap ${i}`, { cause: e });
      return e;
    };
    expect(classify(deep(4, "ENOTFOUND"))[1]).toBe("s3://b/k.exr: endpoint host not found (wrap 3)");
    // Five levels are looked at: a code deeper than that is not found.
    expect(classify(deep(5, "ENOTFOUND"))).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      "s3://b/k.exr: Error: wrap 4",
      true,
    ]);
    expect(classify(deep(1, "ECONNRESET"))).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      "s3://b/k.exr: ECONNRESET: wrap 0",
      true,
    ]);
    // A code that is not a string is no code.
    expect(classify(Object.assign(new Error("odd"), { code: 42 }))).toEqual([
      "EXR_SOURCE_UNAVAILABLE",
      "s3://b/k.exr: Error: odd",
      true,
    ]);
    expect(classify("a string")).toEqual(["EXR_SOURCE_UNAVAILABLE", "s3://b/k.exr: error: a string", true]);
    expect(classify(null)).toEqual(["EXR_SOURCE_UNAVAILABLE", "s3://b/k.exr: error: null", true]);
  });
});

describe("responseOf", () => {
  it("the status from the metadata, else from the raw answer; headers by case-insensitive name", () => {
    const r = responseOf({
      $metadata: { httpStatusCode: 416 },
      $response: { statusCode: 500, headers: { "Content-Range": "bytes */10", etag: '"x"' } },
    });
    expect(r.status).toBe(416);
    expect(r.header("content-range")).toBe("bytes */10");
    expect(r.header("etag")).toBe('"x"');
    expect(r.header("last-modified")).toBeNull();
    expect(responseOf({ $response: { statusCode: 503 } }).status).toBe(503);
    expect(responseOf({ $metadata: {} }).status).toBeNull();
    const none = responseOf(undefined);
    expect(none.status).toBeNull();
    expect(none.header("etag")).toBeNull();
  });
});
