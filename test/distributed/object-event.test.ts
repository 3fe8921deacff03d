import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deadLetter } from "../../src/distributed/dead-letter.js";
import { EVENT_BROKER_LIMITS, limitViolation } from "../../src/distributed/event-broker-limits.js";
import { decodeEvent } from "../../src/distributed/event-message.js";
import { eventMessage, OBJECT_CREATED_TYPE, objectEvent } from "../../src/distributed/object-event.js";
import { readCheckpoint, writeCheckpoint } from "../../src/distributed/publish-checkpoint.js";
import { eventTarget } from "../../src/serve/event-target.js";

/** What a consumer receives: kafkajs hands header values and the value as Buffers. */
function asConsumed(m: ReturnType<typeof eventMessage>) {
  return {
    key: Buffer.from(m.key),
    value: Buffer.from(m.value),
    headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, Buffer.from(v)])),
  };
}

describe("the object event (Kafka binary content mode)", () => {
  it("carries the Element event's attributes as ce_* headers and the elementpath as key", () => {
    const m = eventMessage(
      objectEvent({ path: "s3://renders/show/sq 010/a+b é.0001.exr", size: 42, etag: '"abc"' }),
    );
    expect(m.key).toBe("renders/show/sq 010/a+b é.0001.exr");
    expect(m.headers.ce_type).toBe(OBJECT_CREATED_TYPE);
    expect(m.headers.ce_specversion).toBe("1.0");
    expect(m.headers.ce_elementpath).toBe("renders/show/sq 010/a+b é.0001.exr");
    expect(m.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.headers["content-type"]).toBe("application/json");
    const record = JSON.parse(m.value).Records[0];
    expect(record.s3.bucket.name).toBe("renders");
    expect(record.s3.object.size).toBe(42);
    expect(record.s3.object.eTag).toBe("abc");
  });

  it("round-trips through the consumer's decoder to the same object, for S3 keys and local paths", () => {
    for (const [path, expected] of [
      [
        "s3://renders/show/sq 010/a+b é.0001.exr",
        { kind: "s3", bucket: "renders", key: "show/sq 010/a+b é.0001.exr" },
      ],
      ["/mnt/renders/x.exr", { kind: "local", path: "/mnt/renders/x.exr" }],
    ] as const) {
      const decoded = decodeEvent(asConsumed(eventMessage(objectEvent({ path, size: 7 }))));
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) continue;
      const target = eventTarget(decoded.event);
      expect(target.ok && target.ref).toMatchObject(expected);
    }
    // Without the elementpath extension the S3 record alone (URL-encoded key, as AWS sends it) names the object.
    const m = eventMessage(objectEvent({ path: "s3://renders/show/sq 010/a+b é.0001.exr" }));
    delete m.headers.ce_elementpath;
    const decoded = decodeEvent(asConsumed(m));
    const target = decoded.ok ? eventTarget(decoded.event) : null;
    expect(target?.ok && target.ref).toMatchObject({ bucket: "renders", key: "show/sq 010/a+b é.0001.exr" });
  });

  it("refuses records that are not CloudEvents", () => {
    expect(decodeEvent({ key: Buffer.from("k"), value: Buffer.from("{}"), headers: {} })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not a CloudEvent/),
    });
    const broken = decodeEvent({
      key: null,
      value: Buffer.from("{}"),
      headers: { ce_id: Buffer.from("1"), ce_specversion: Buffer.from("1.0") },
    });
    expect(broken).toMatchObject({ ok: false, message: expect.stringMatching(/not a valid CloudEvent/) });
  });
});

describe("the Event Broker's limits", () => {
  it("accepts an ordinary event and refuses oversized keys, values and messages", () => {
    const m = eventMessage(objectEvent({ path: "s3://b/k.exr" }));
    expect(limitViolation(m, EVENT_BROKER_LIMITS)).toBeNull();
    const longKey = eventMessage(objectEvent({ path: `s3://b/${"k".repeat(130 * 1024)}.exr` }));
    expect(limitViolation(longKey, EVENT_BROKER_LIMITS)).toMatch(/key of \d+ bytes exceeds 129024/);
    expect(limitViolation({ ...m, value: "v".repeat(127 * 1024) }, EVENT_BROKER_LIMITS)).toMatch(/^value/);
    const small = { maxKeyBytes: 1000, maxValueBytes: 1000, maxMessageBytes: 600 };
    expect(limitViolation({ ...m, value: "v".repeat(900) }, small)).toMatch(
      /^message of \d+ bytes exceeds 600/,
    );
  });
});

describe("dead letters", () => {
  it("keep the original record and say why, how often and where from", () => {
    const m = eventMessage(objectEvent({ path: "s3://b/poison.exr" }));
    const d = deadLetter(
      { ...m, topic: "t", partition: 3, offset: "41", attempts: 3, error: "x".repeat(10_000) },
      new Date("2026-12-07T10:00:00Z"),
    );
    expect(d.key).toBe(m.key);
    expect(d.value).toBe(m.value);
    expect(d.headers).toMatchObject({
      ...m.headers,
      exr_attempts: "3",
      exr_source_topic: "t",
      exr_source_partition: "3",
      exr_source_offset: "41",
      exr_failed_at: "2026-12-07T10:00:00.000Z",
    });
    expect(d.headers.exr_error).toHaveLength(4096);
  });
});

describe("the publish checkpoint", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "exr-checkpoint-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is absent at first, then read back for the same inputs and topic only", () => {
    const file = path.join(dir, "cp.json");
    expect(readCheckpoint(file, ["a"], "t")).toBeNull();
    writeCheckpoint(file, { inputs: ["a"], topic: "t", published: 5, lastPath: "a/5.exr" });
    expect(readCheckpoint(file, ["a"], "t")).toMatchObject({ published: 5, lastPath: "a/5.exr" });
    expect(() => readCheckpoint(file, ["b"], "t")).toThrow(/belongs to another publish/);
    expect(() => readCheckpoint(file, ["a"], "u")).toThrow(/belongs to another publish/);
    writeFileSync(file, "{not json");
    expect(() => readCheckpoint(file, ["a"], "t")).toThrow(/unreadable/);
  });
});
