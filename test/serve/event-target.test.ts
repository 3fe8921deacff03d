import { describe, expect, it } from "vitest";
import { eventTarget } from "../../src/serve/event-target.js";

/** The S3 record VAST puts in an Element event's data (AWS layout, `eventSource: "vast:s3"`). */
function s3Record(bucket: string, key: string, extra: Record<string, unknown> = {}) {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "vast:s3",
        eventName: "ObjectCreated:Put",
        s3: {
          bucket: { name: bucket },
          object: { key, size: 1234, eTag: '"abc123"', sequencer: "0A1", ...extra },
        },
      },
    ],
  };
}

describe("eventTarget", () => {
  it("reads the elementpath extension of an Element event and the size/ETag of its S3 record", () => {
    const t = eventTarget({
      type: "vastdata.com:Element.ElementCreated",
      elementpath: "renders/shot 1/beauty.1001.exr",
      data: s3Record("renders", "shot+1/beauty.1001.exr"),
    });
    expect(t).toEqual({
      ok: true,
      ref: {
        kind: "s3",
        bucket: "renders",
        key: "shot 1/beauty.1001.exr",
        size: 1234,
        etag: "abc123",
        sequencer: "0A1",
      },
    });
  });

  it("matches the Element kind whatever the subtype (the CLI's test events say ObjectCreated)", () => {
    const t = eventTarget({ type: "vastdata.com:Element.ObjectCreated", elementpath: "b/k.exr" });
    expect(t).toEqual({ ok: true, ref: { kind: "s3", bucket: "b", key: "k.exr" } });
  });

  it("reads the S3 record alone, also nested under data (an envelope handed over as data)", () => {
    expect(eventTarget({ type: "x", data: s3Record("b", "a%2Bb.exr") })).toMatchObject({
      ok: true,
      ref: { bucket: "b", key: "a+b.exr", size: 1234 },
    });
    expect(eventTarget({ type: "x", data: { data: s3Record("b", "k.exr") } })).toMatchObject({
      ok: true,
      ref: { kind: "s3", bucket: "b", key: "k.exr", etag: "abc123" },
    });
    expect(eventTarget({ type: "x", data: JSON.stringify(s3Record("b", "k.exr")) })).toMatchObject({
      ok: true,
      ref: { kind: "s3", bucket: "b", key: "k.exr" },
    });
  });

  it("reads s3_bucket/s3_key and bucket/key from the data", () => {
    expect(eventTarget({ type: "x", data: { s3_bucket: "b", s3_key: "d/f.exr" } })).toEqual({
      ok: true,
      ref: { kind: "s3", bucket: "b", key: "d/f.exr" },
    });
    expect(eventTarget({ type: "x", data: { bucket: "b", key: "f.exr" } })).toEqual({
      ok: true,
      ref: { kind: "s3", bucket: "b", key: "f.exr" },
    });
  });

  it("reads the seed's data.path (local/NFS) and s3:// URIs", () => {
    expect(eventTarget({ type: "x", data: { path: "/test/data/sample.exr", meta: true } })).toEqual({
      ok: true,
      ref: { kind: "local", path: "/test/data/sample.exr" },
    });
    expect(eventTarget({ type: "x", data: { data: { path: "/n/f.exr" } } })).toEqual({
      ok: true,
      ref: { kind: "local", path: "/n/f.exr" },
    });
    expect(eventTarget({ type: "x", data: { path: "s3://Bucket/a/b.exr" } })).toEqual({
      ok: true,
      ref: { kind: "s3", bucket: "Bucket", key: "a/b.exr" },
    });
  });

  it("does not take the record's size for another object than the elementpath names", () => {
    const t = eventTarget({
      type: "vastdata.com:Element.ElementCreated",
      elementpath: "b/other.exr",
      data: s3Record("b", "k.exr"),
    });
    expect(t).toEqual({ ok: true, ref: { kind: "s3", bucket: "b", key: "other.exr" } });
  });

  it("refuses removals and events that name nothing", () => {
    expect(
      eventTarget({ type: "vastdata.com:Element.ElementDeleted", elementpath: "b/k.exr" }),
    ).toMatchObject({
      ok: false,
      reason: "not-created",
    });
    const removed = s3Record("b", "k.exr");
    removed.Records[0]!.eventName = "ObjectRemoved:Delete";
    expect(eventTarget({ type: "x", data: removed })).toMatchObject({ ok: false, reason: "not-created" });
    expect(eventTarget({ type: "x", data: { hello: 1 } })).toMatchObject({ ok: false, reason: "malformed" });
    expect(eventTarget({ type: "x" })).toMatchObject({ ok: false, reason: "malformed" });
    expect(eventTarget({ type: "x", elementpath: "nokey" })).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    expect(eventTarget({ type: "x", data: { path: "s3://bucketonly" } })).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    expect(eventTarget({ type: "x", data: { path: "https://h/f.exr" } })).toMatchObject({
      ok: false,
      reason: "malformed",
    });
  });
});
