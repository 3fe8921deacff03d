/**
 * `serve` reading S3 objects from the emulator's S3 API, with the events the emulator's object trigger sends:
 * stored once (redelivery → inserted false), the event's ETag/size against the object's (a newer write makes the
 * event superseded: skipped, not failed), a deleted object → 404, refused S3 keys → 503 retryable and not ready.
 */
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { objectCreatedEvent } from "../../src/vast/emulator/notify/object-event.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { vastEnv } from "../vast/client/writer-fleet.js";
import { cliBuilt, cloudEvent, persistenceOf, sendEvent, startServe } from "./serve-process.js";

const ACCESS = "S3SrvAccQ7Jv";
const SECRET = "S3SrvSecXk3Wq9Lm4Tz6";
const BUCKET = "renders";
let emu: EmulatorHandle;
let s3: S3Client;
const samples = sampleFiles();

beforeAll(async () => {
  if (!cliBuilt) return;
  emu = await startTestEmulator(["--access-key", ACCESS, "--secret-key", SECRET, "--bucket", BUCKET]);
  s3 = new S3Client({
    endpoint: emu.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET },
  });
}, 60_000);
afterAll(async () => {
  s3?.destroy();
  await emu?.stop();
});

/** The VAST_DB_* variables only (S3 falls back to the VAST endpoint and keys), no AWS ones. */
function envFor(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...vastEnv(testConfig(emu.url)),
    VAST_DB_ACCESS_KEY: ACCESS,
    VAST_DB_SECRET_KEY: SECRET,
  };
  for (const k of Object.keys(env)) if (k.startsWith("AWS_") || k.startsWith("S3_")) delete env[k];
  return { ...env, ...extra };
}

async function put(key: string, bytes: Uint8Array): Promise<{ etag: string; size: number }> {
  const out = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
  return { etag: out.ETag!, size: bytes.length };
}

function triggerEvent(key: string, o: { etag: string; size: number }) {
  return objectCreatedEvent({
    bucket: BUCKET,
    key,
    ...o,
    eventName: "ObjectCreated:Put",
    time: new Date(),
  });
}

describe.skipIf(!cliBuilt)("serve: S3 object events", () => {
  it("inspects the object named by the trigger's event, stores it once, and skips an event superseded by a newer write", async () => {
    const serve = await startServe(["--backend", "vast"], envFor());
    try {
      const key = `shots/s3 frame ${process.pid}.exr`;
      const first = await put(key, samples[0]!.bytes);
      const event = triggerEvent(key, first);
      const reply = await sendEvent(serve.url, event);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(persistenceOf(reply)).toMatchObject({ status: "success", inserted: true });
      expect((reply.body.file as Record<string, unknown>).path).toBe(`s3://${BUCKET}/${key}`);
      expect(reply.body.parts).toBeInstanceOf(Array);
      const again = await sendEvent(serve.url, event);
      expect(again.status).toBe(200);
      expect(persistenceOf(again)).toMatchObject({
        status: "success",
        inserted: false,
        file_id: persistenceOf(reply).file_id,
      });
      // The seed's data forms name the same object (no ETag/size to compare).
      const byData = await sendEvent(serve.url, cloudEvent({ s3_bucket: BUCKET, s3_key: key }));
      expect(persistenceOf(byData)).toMatchObject({ status: "success", inserted: false });

      // A newer write with different bytes: the old event is stale.
      const other = samples.find((s) => s.bytes.length !== samples[0]!.bytes.length)!;
      const second = await put(key, other.bytes);
      const stale = await sendEvent(serve.url, event);
      expect(stale.status).toBe(200);
      expect(persistenceOf(stale)).toMatchObject({ status: "skipped", inserted: false });
      expect(String(persistenceOf(stale).message)).toMatch(/replaced after the event/);
      // Same size, other ETag is stale too (the size check alone would not see it).
      const sameSizeStale = await sendEvent(
        serve.url,
        triggerEvent(key, { etag: '"0123456789abcdef0123456789abcdef"', size: second.size }),
      );
      expect(String(persistenceOf(sameSizeStale).message)).toMatch(/ETag/);
      const current = await sendEvent(serve.url, triggerEvent(key, second));
      expect(persistenceOf(current)).toMatchObject({ status: "success", inserted: true });

      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
      const gone = await sendEvent(serve.url, triggerEvent(key, second));
      expect(gone.status).toBe(404);
      expect(persistenceOf(gone)).toMatchObject({ status: "skipped", inserted: false });
      const noBucket = await sendEvent(serve.url, cloudEvent({ bucket: "no-such-bucket", key: "a.exr" }));
      expect(noBucket.status).toBe(404);

      expect((await fetch(`${serve.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 120_000);

  it("answers 503 + Retry-After for the right S3 key with a wrong secret (signature mismatch)", async () => {
    const key = `shots/badsig-${process.pid}.exr`;
    const o = await put(key, samples[0]!.bytes);
    const serve = await startServe(
      ["--backend", "vast"],
      envFor({ S3_ACCESS_KEY: ACCESS, S3_SECRET_KEY: "WrongSecretSig7Kd" }),
    );
    try {
      const reply = await sendEvent(serve.url, triggerEvent(key, o));
      expect(reply.status).toBe(503);
      expect(reply.headers.get("retry-after")).toBe("2");
      expect(persistenceOf(reply)).toMatchObject({ status: "error" });
      expect(String(persistenceOf(reply).error)).toMatch(
        /access denied.*SignatureDoesNotMatch|SignatureDoesNotMatch/i,
      );
      const ready = await fetch(`${serve.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/object store/);
      expect(serve.output()).not.toContain("WrongSecretSig7Kd".slice(0, 8));
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 120_000);

  it("answers 503 + Retry-After when S3 refuses the keys, and is not ready", async () => {
    const key = `shots/denied-${process.pid}.exr`;
    const o = await put(key, samples[0]!.bytes);
    const serve = await startServe(
      ["--backend", "vast"],
      envFor({ S3_ACCESS_KEY: "WrongKeyForS3", S3_SECRET_KEY: "WrongSecretForS3" }),
    );
    try {
      const reply = await sendEvent(serve.url, triggerEvent(key, o));
      expect(reply.status).toBe(503);
      expect(reply.headers.get("retry-after")).toBe("2");
      expect(persistenceOf(reply)).toMatchObject({ status: "error" });
      expect(String(persistenceOf(reply).error)).toMatch(/access denied/i);
      const ready = await fetch(`${serve.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/object store/);
      expect(serve.output()).not.toContain("WrongSecretForS3".slice(0, 8));
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 120_000);
});
