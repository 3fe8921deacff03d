/**
 * `--notify`: object writes through the S3 API become VAST Element CloudEvents POSTed to a real HTTP receiver,
 * delivered at least once (retried while the receiver fails or is down), with duplicates, late delivery and
 * replay; the events parse into the object reference `serve` inspects.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { HTTP } from "cloudevents";
import { afterEach, describe, expect, it } from "vitest";
import { type EventLike, eventTarget } from "../../../../src/serve/event-target.js";
import { HttpSink } from "../../../../src/vast/emulator/notify/http-sink.js";
import type { NotifyOptions } from "../../../../src/vast/emulator/notify/notifier.js";
import { openSink } from "../../../../src/vast/emulator/notify/open-sink.js";
import { type RunningEmulator, startEmulator } from "../../../../src/vast/emulator/server.js";

interface Receiver {
  url: string;
  events: EventLike[];
  /** Status answered to each request (popped); 200 once empty. */
  answers: number[];
  requests: number;
  server: Server;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function receiver(port = 0): Promise<Receiver> {
  const r = { events: [], answers: [], requests: 0 } as unknown as Receiver;
  r.server = createServer((req, res) => {
    void body(req).then((text) => {
      r.requests++;
      const status = r.answers.shift() ?? 200;
      if (status < 300)
        r.events.push(HTTP.toEvent({ headers: req.headers, body: text }) as unknown as EventLike);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => r.server.listen(port, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/events`;
  cleanups.push(() => new Promise((resolve) => r.server.close(() => resolve())));
  return r;
}

async function emulator(notify: NotifyOptions): Promise<RunningEmulator> {
  const e = await startEmulator({ port: 0, buckets: ["vastdb", "renders"], notify });
  cleanups.push(() => e.close());
  return e;
}

function s3(e: RunningEmulator): S3Client {
  const c = new S3Client({
    endpoint: e.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
  });
  cleanups.push(async () => c.destroy());
  return c;
}

async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("vast-emulator object notifications", () => {
  it("sends an Element CloudEvent with the S3 record for Put, Copy and CompleteMultipartUpload", async () => {
    const r = await receiver();
    const e = await emulator({ sink: new HttpSink(r.url), suffix: ".exr" });
    const c = s3(e);
    const put = await c.send(
      new PutObjectCommand({ Bucket: "renders", Key: "shots/a b+c.exr", Body: Buffer.from("hello") }),
    );
    await c.send(new PutObjectCommand({ Bucket: "renders", Key: "shots/readme.txt", Body: "x" }));
    await c.send(
      new CopyObjectCommand({
        Bucket: "renders",
        Key: "copy.exr",
        CopySource: "renders/shots/a%20b%2Bc.exr",
      }),
    );
    const mpu = await c.send(new CreateMultipartUploadCommand({ Bucket: "renders", Key: "big.exr" }));
    const part = await c.send(
      new UploadPartCommand({
        Bucket: "renders",
        Key: "big.exr",
        UploadId: mpu.UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(1000, 7),
      }),
    );
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: "renders",
        Key: "big.exr",
        UploadId: mpu.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect(await e.notifier!.settled(10_000)).toBe(true);
    expect(r.events).toHaveLength(3);
    const byPath = new Map(r.events.map((ev) => [ev.elementpath as string, ev]));
    const first = byPath.get("renders/shots/a b+c.exr")!;
    expect(first.type).toBe("vastdata.com:Element.ElementCreated");
    expect(first.source).toMatch(/^vastdata\.com:/);
    expect(typeof first.id).toBe("string");
    expect(typeof first.time).toBe("string");
    type S3Record = {
      eventName: string;
      eventSource: string;
      s3: {
        bucket: { name: string };
        object: { key: string; size: number; eTag: string; sequencer: string };
      };
    };
    const record = (first.data as { Records: S3Record[] }).Records[0]!;
    expect(record.eventName).toBe("ObjectCreated:Put");
    expect(record.eventSource).toBe("vast:s3");
    expect(record.s3.bucket.name).toBe("renders");
    expect(record.s3.object.key).toBe("shots/a+b%2Bc.exr");
    expect(record.s3.object.size).toBe(5);
    expect(record.s3.object.eTag).toBe(put.ETag!.replaceAll('"', ""));
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]{16,}$/);
    // What serve makes of it: the raw key, size and ETag.
    expect(eventTarget(first)).toEqual({
      ok: true,
      ref: {
        kind: "s3",
        bucket: "renders",
        key: "shots/a b+c.exr",
        size: 5,
        etag: put.ETag!.replaceAll('"', ""),
        sequencer: record.s3.object.sequencer,
      },
    });
    const names = (p: string) =>
      (byPath.get(p)!.data as { Records: Array<{ eventName: string }> }).Records[0]!.eventName;
    expect(names("renders/copy.exr")).toBe("ObjectCreated:Copy");
    expect(names("renders/big.exr")).toBe("ObjectCreated:CompleteMultipartUpload");
    expect(new Set(r.events.map((ev) => ev.id)).size).toBe(3);
    expect(e.notifier!.stats).toMatchObject({ published: 3, delivered: 3, retries: 0, pending: 0 });
  });

  it("retries with backoff while the receiver answers 5xx or is down, and does not retry a 4xx", async () => {
    const r = await receiver();
    r.answers.push(503, 500, 503);
    const e = await emulator({ sink: new HttpSink(r.url), backoffMs: 20, maxBackoffMs: 100 });
    const c = s3(e);
    await c.send(new PutObjectCommand({ Bucket: "renders", Key: "a.exr", Body: "a" }));
    expect(await e.notifier!.settled(10_000)).toBe(true);
    expect(r.requests).toBe(4);
    expect(r.events.map((ev) => ev.elementpath)).toEqual(["renders/a.exr"]);
    expect(e.notifier!.stats).toMatchObject({ delivered: 1, retries: 3 });

    r.answers.push(422);
    await c.send(new PutObjectCommand({ Bucket: "renders", Key: "b.exr", Body: "b" }));
    expect(await e.notifier!.settled(10_000)).toBe(true);
    expect(r.requests).toBe(5);
    expect(e.notifier!.stats).toMatchObject({ delivered: 1, rejected: 1, retries: 3 });

    // Receiver down (connection refused), then back on the same port.
    const port = Number(new URL(r.url).port);
    await new Promise<void>((resolve) => r.server.close(() => resolve()));
    await c.send(new PutObjectCommand({ Bucket: "renders", Key: "c.exr", Body: "c" }));
    await waitFor(() => e.notifier!.stats.retries >= 5);
    const back = await receiver(port);
    expect(await e.notifier!.settled(10_000)).toBe(true);
    expect(back.events.map((ev) => ev.elementpath)).toEqual(["renders/c.exr"]);
  });

  it("delivers some events twice and some late (out of order), every object at least once", async () => {
    const r = await receiver();
    const e = await emulator({
      sink: new HttpSink(r.url),
      duplicate: 0.3,
      late: 0.3,
      delayMs: 200,
    });
    const c = s3(e);
    const keys = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, "0")}.exr`);
    for (const key of keys) await c.send(new PutObjectCommand({ Bucket: "renders", Key: key, Body: key }));
    expect(await e.notifier!.settled(10_000)).toBe(true);
    const s = e.notifier!.stats;
    expect(s.published).toBe(40);
    expect(s.duplicated).toBeGreaterThan(0);
    expect(s.delayed).toBeGreaterThan(0);
    expect(r.events).toHaveLength(40 + s.duplicated);
    const received = r.events.map((ev) => (ev.elementpath as string).slice("renders/".length));
    expect(new Set(received)).toEqual(new Set(keys));
    expect(received).not.toEqual([...received].sort()); // late ones overtaken
    // A duplicate is the same event (same id), as a broker redelivers it.
    expect(new Set(r.events.map((ev) => ev.id)).size).toBe(40);
  });

  it("replays events for existing objects (backfill) through the admin endpoint", async () => {
    const r = await receiver();
    const e = await emulator({ sink: new HttpSink(r.url), prefix: "shots/" });
    const c = s3(e);
    for (const key of ["shots/1.exr", "shots/2.exr", "other/3.exr"])
      await c.send(new PutObjectCommand({ Bucket: "renders", Key: key, Body: key }));
    expect(await e.notifier!.settled(10_000)).toBe(true);
    expect(r.events).toHaveLength(2);
    const replay = await fetch(`${e.url}/_emulator/replay`, {
      method: "POST",
      body: JSON.stringify({ bucket: "renders" }),
    });
    expect(await replay.json()).toEqual({ published: 2 });
    expect(await e.notifier!.settled(10_000)).toBe(true);
    expect(r.events.map((ev) => ev.elementpath).sort()).toEqual([
      "renders/shots/1.exr",
      "renders/shots/1.exr",
      "renders/shots/2.exr",
      "renders/shots/2.exr",
    ]);
    const stats = await (await fetch(`${e.url}/_emulator/notify`)).json();
    expect(stats).toMatchObject({ published: 4, delivered: 4, pending: 0 });
    const missing = await fetch(`${e.url}/_emulator/replay`, { method: "POST", body: '{"bucket":"nope"}' });
    expect(missing.status).toBe(404);
  });

  it("refuses a URL it has no sink for", () => {
    expect(() => openSink("ftp://host/x")).toThrow(/unsupported scheme/);
    expect(() => openSink("not a url")).toThrow(/not a URL/);
  });
});
