/**
 * `exr-inspector serve` end to end on DuckDB: the built CLI as a child process, CloudEvents sent with the SDK's
 * HTTP binding in both content modes, answers checked against the seed's result format, the catalog compared with
 * `scan` of the same files, operations endpoints, back-pressure and SIGTERM draining.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { HTTP } from "cloudevents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { walkPaths } from "../../src/io/walk.js";
import { runCli, sqlJson } from "../catalog/run-cli.js";
import { cliBuilt, cloudEvent, persistenceOf, sendEvent, startServe } from "./serve-process.js";

const CORPUS = process.env.EXR_CORPUS;
let dir: string;
let tree: string;

beforeAll(async () => {
  if (!cliBuilt) return;
  dir = await mkdtemp(path.join(tmpdir(), "exr-serve-"));
  tree = path.join(dir, "tree");
  const gen = await runCli(["generate", tree, "--sequences", "3", "--frames", "3"]);
  expect(gen.code, gen.stderr).toBe(0);
  const bytes = sampleFiles()[0]!.bytes;
  await writeFile(path.join(tree, "truncated.exr"), bytes.subarray(0, Math.floor(bytes.length / 2)));
  await writeFile(path.join(tree, "notes.txt"), "not an image");
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function pathsOf(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const e of walkPaths(inputs)) out.push(e.path);
  return out;
}

const TABLE_QUERY = `SELECT (SELECT count(*) FROM files) AS files, (SELECT count(DISTINCT file_id) FROM files) AS ids,
  (SELECT count(*) FROM parts) AS parts, (SELECT count(*) FROM channels) AS channels,
  (SELECT count(*) FROM attributes) AS attributes`;

describe.skipIf(!cliBuilt)("serve on DuckDB", () => {
  it("answers binary and structured events with the seed's result document; duplicates are success, not inserted", async () => {
    const db = path.join(dir, "modes.duckdb");
    const serve = await startServe(["--db", db]);
    try {
      const file = (await pathsOf([tree])).find((p) => p.includes("beauty"))!;
      const first = await sendEvent(serve.url, cloudEvent({ path: file, meta: true }), "binary");
      expect(first.status).toBe(200);
      expect(Object.keys(first.body)).toEqual(
        expect.arrayContaining([
          "schema_version",
          "file",
          "parts",
          "channels",
          "attributes",
          "validation",
          "errors",
        ]),
      );
      expect(persistenceOf(first)).toMatchObject({ status: "success", inserted: true, error: null });
      expect(persistenceOf(first).file_id).toMatch(/^[0-9a-f]{64}$/);
      expect((first.body.attributes as { parts: unknown[][] }).parts[0]!.length).toBeGreaterThan(5);
      // The answer is itself a CloudEvent (binary mode), so a linked sink can forward it.
      expect(first.headers.get("ce-type")).toBe("com.exr-inspector.inspection.result");

      const again = await sendEvent(serve.url, cloudEvent({ path: file }), "structured");
      expect(again.status).toBe(200);
      expect(persistenceOf(again)).toMatchObject({
        status: "success",
        inserted: false,
        file_id: persistenceOf(first).file_id,
      });
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    const rows = await sqlJson(db, "SELECT inspection_count FROM files");
    expect(rows).toEqual([{ inspection_count: 2 }]);
  });

  it("answers 4xx (skipped, with the reason) for events that can never succeed", async () => {
    const serve = await startServe(["--db", path.join(dir, "skips.duckdb")]);
    try {
      const notCloudEvent = await fetch(serve.url, { method: "POST", body: "{}" });
      expect(notCloudEvent.status).toBe(400);
      const cases: [unknown, Record<string, unknown>, number, RegExp][] = [
        [{ hello: "world" }, {}, 400, /names no object/],
        [{ path: path.join(dir, "gone.exr") }, {}, 404, /does not exist/],
        [{ path: path.join(tree, "notes.txt") }, {}, 422, /not an EXR/],
        [{ path: tree.concat(".exr") }, {}, 404, /does not exist/],
        [
          {},
          { type: "vastdata.com:Element.ElementDeleted", elementpath: "b/k.exr" },
          422,
          /not an object-created/,
        ],
      ];
      for (const [data, attributes, status, reason] of cases) {
        const reply = await sendEvent(serve.url, cloudEvent(data, attributes));
        expect(reply.status, JSON.stringify(data)).toBe(status);
        expect(persistenceOf(reply)).toMatchObject({ status: "skipped", inserted: false, file_id: null });
        expect(String(persistenceOf(reply).message)).toMatch(reason);
      }
      // An S3 object while no S3 endpoint is configured: retryable once configured (5xx, Retry-After).
      const s3 = await sendEvent(serve.url, cloudEvent({}, { elementpath: "bucket/k.exr" }));
      expect(s3.status).toBe(503);
      expect(s3.headers.get("retry-after")).toBeTruthy();
      expect(persistenceOf(s3)).toMatchObject({ status: "error" });
      // A body over 1 MiB: refused from its declared length, and (sent chunked, no length) once it runs past it.
      for (const chunked of [false, true]) {
        const half = Buffer.alloc(600 * 1024, 0x20);
        const oversized = await postRaw(serve.url, [half, half], chunked);
        expect(oversized.status, `chunked: ${chunked}`).toBe(413);
        expect(JSON.parse(oversized.body).persistence).toMatchObject({ status: "skipped" });
        expect(JSON.parse(oversized.body).persistence.message).toMatch(/over 1048576 bytes/);
      }
      // A body read in several pieces is joined whole.
      const event = HTTP.binary(cloudEvent({ path: path.join(dir, "gone.exr") }));
      const body = Buffer.from(String(event.body));
      const pieces = await postRaw(serve.url, [body.subarray(0, 10), body.subarray(10)], true, event.headers);
      expect(pieces.status).toBe(404);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it("catalogues exactly what scan of the same files does, under concurrent and duplicated events", async () => {
    const inputs = [tree, ...(CORPUS ? [path.join(CORPUS, "openexr-images")] : [])];
    const files = await pathsOf(inputs);
    const servedDb = path.join(dir, "served.duckdb");
    const serve = await startServe(["--db", servedDb]);
    const deliveries = [...files, ...files.filter((_, i) => i % 3 === 0)]; // a third delivered twice
    const statuses = new Map<number, number>();
    let inserted = 0;
    try {
      let next = 0;
      const sender = async () => {
        while (next < deliveries.length) {
          const p = deliveries[next++]!;
          const reply = await sendEvent(
            serve.url,
            cloudEvent({ path: p }),
            next % 2 ? "binary" : "structured",
          );
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          if (persistenceOf(reply).inserted === true) inserted++;
        }
      };
      await Promise.all(Array.from({ length: 8 }, sender));
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    expect([...statuses.keys()]).toEqual([200]);
    expect(inserted).toBe(files.length);

    const scannedDb = path.join(dir, "scanned.duckdb");
    const scan = await runCli(["scan", ...inputs, "--db", scannedDb, "-j", "0", "--no-progress"]);
    expect(scan.code, scan.stderr).toBe(0);
    const ids = "SELECT file_id, validation_status FROM files ORDER BY file_id";
    expect(await sqlJson(servedDb, ids)).toEqual(await sqlJson(scannedDb, ids));
    const counts = await sqlJson(servedDb, TABLE_QUERY);
    expect(counts).toEqual(await sqlJson(scannedDb, TABLE_QUERY));
    expect(counts[0]!.files).toBe(files.length);
    expect(counts[0]!.ids).toBe(files.length);
  }, 300_000);

  it("serves /healthz, /readyz and Prometheus /metrics; logs JSON at LOG_LEVEL", async () => {
    const serve = await startServe(["--db", path.join(dir, "ops.duckdb")], {
      ...process.env,
      LOG_LEVEL: "debug",
    });
    try {
      expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${serve.url}/readyz`);
      expect(ready.status).toBe(200);
      const file = (await pathsOf([tree]))[0]!;
      await sendEvent(serve.url, cloudEvent({ path: file }));
      await sendEvent(serve.url, cloudEvent({ path: path.join(dir, "nothing.exr") }));
      const metrics = await (await fetch(`${serve.url}/metrics`)).text();
      expect(metrics).toMatch(/^exr_serve_events_total\{outcome="inserted"\} 1$/m);
      expect(metrics).toMatch(/^exr_serve_events_total\{outcome="skipped"\} 1$/m);
      expect(metrics).toMatch(/^exr_serve_event_duration_seconds_count 2$/m);
      expect(metrics).toMatch(/^exr_serve_persistence_total\{status="success",inserted="true"\} 1$/m);
      expect(metrics).toMatch(/^exr_serve_batch_size_count 1$/m);
      expect(metrics).toMatch(/^exr_serve_bytes_read_total [1-9]\d*$/m);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    const lines = serve.logLines();
    expect(lines.some((l) => l.msg === "batch committed" && l.level === "debug")).toBe(true);
    expect(lines.some((l) => l.msg === "stopped")).toBe(true);

    const quiet = await startServe(["--db", path.join(dir, "ops.duckdb")], {
      ...process.env,
      LOG_LEVEL: "warn",
    });
    try {
      await sendEvent(quiet.url, cloudEvent({ path: (await pathsOf([tree]))[0]! }));
    } finally {
      expect(await quiet.stop()).toBe(0);
    }
    expect(quiet.logLines().filter((l) => l.level === "info" || l.level === "debug")).toEqual([]);
  });

  it("answers 429 with Retry-After past --max-in-flight", async () => {
    const serve = await startServe(["--db", path.join(dir, "limit.duckdb"), "--max-in-flight", "1"]);
    try {
      const [file] = await pathsOf([tree]);
      // A sender that is slow to send its body holds its event in flight while the second arrives.
      const message = HTTP.binary(cloudEvent({ path: file }));
      const body = Buffer.from(String(message.body));
      const held = new Promise<number>((resolve, reject) => {
        const req = request(serve.url, {
          method: "POST",
          headers: { ...(message.headers as Record<string, string>), "content-length": String(body.length) },
          timeout: 60_000,
        });
        req.once("response", (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once("error", reject);
        req.write(body.subarray(0, 10));
        setTimeout(() => req.end(body.subarray(10)), 1_500);
      });
      await new Promise((r) => setTimeout(r, 300));
      const rejected = await sendEvent(serve.url, cloudEvent({ path: file }));
      expect(rejected.status).toBe(429);
      expect(rejected.headers.get("retry-after")).toBe("1");
      expect(await held).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it("on SIGTERM answers every event in flight, commits them, refuses what comes after and exits 0", async () => {
    const db = path.join(dir, "drain.duckdb");
    const serve = await startServe(["--db", db, "--batch-wait-ms", "400"]);
    const files = (await pathsOf([tree])).slice(0, 6);
    const replies = files.map((p) => sendEvent(serve.url, cloudEvent({ path: p })));
    await new Promise((r) => setTimeout(r, 150));
    serve.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 50));
    const late = await sendEvent(serve.url, cloudEvent({ path: files[0]! })).catch(() => null);
    if (late) expect(late.status).toBe(503); // else the connection was refused: both make a broker retry
    const answered = await Promise.all(replies);
    expect(answered.map((r) => r.status)).toEqual(files.map(() => 200));
    expect((await serve.exited).code).toBe(0);
    const rows = await sqlJson(db, "SELECT count(*) AS n FROM files");
    expect(rows).toEqual([{ n: files.length }]);
  });
});

/** POSTs `pieces` (one write each), with a Content-Length or chunked; the status and body of the answer. */
function postRaw(
  url: string,
  pieces: Buffer[],
  chunked: boolean,
  headers: Record<string, unknown> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: {
        ...(headers as Record<string, string>),
        ...(chunked ? {} : { "content-length": String(pieces.reduce((n, p) => n + p.length, 0)) }),
      },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString("utf8") }));
    });
    // The server may close the connection before all of an oversized body is sent.
    req.on("error", (err) => (req.writableEnded ? undefined : reject(err)));
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}
