/**
 * publish → consume on a real Kafka broker with the DuckDB catalog and local files: the catalog equals `scan` of the
 * same tree, a resumed publish sends nothing twice, a second consumer on the same DuckDB file is refused, events that
 * can never succeed land in the dead-letter topic with their error, and SIGTERM commits and exits 0.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { generateRenderTree } from "../../src/generate/render-tree.js";
import { runCli, sqlJson } from "../catalog/run-cli.js";
import { type ConsumeHandle, readTopic, startConsume, testKafka, waitFor } from "./consume-process.js";

const bootstrap = inject("kafkaBootstrap");
let dir: string;
let tree: string;
let files: number;
const consumers: ConsumeHandle[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-consume-duckdb-"));
  tree = path.join(dir, "tree");
  const generated = await generateRenderTree({ root: tree, sequences: 3, frames: 20, seed: 7 });
  files = generated.files;
});

afterAll(async () => {
  for (const c of consumers) await c.stop("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("publish → consume (DuckDB, local files)", () => {
  it("catalogues every published file once, as scan does, and commits before exiting on SIGTERM", async () => {
    const topic = "duckdb-frames";
    const checkpoint = path.join(dir, "publish.checkpoint");
    const published = await runCli([
      "publish",
      tree,
      "--brokers",
      bootstrap,
      "--topic",
      topic,
      "--partitions",
      "3",
      "--checkpoint",
      checkpoint,
    ]);
    expect(published.stderr).toContain(`created topic ${topic} (3 partitions)`);
    expect(published.stdout).toContain(`published ${files} events to ${topic}`);
    expect(published.code).toBe(0);
    const again = await runCli([
      "publish",
      tree,
      "--brokers",
      bootstrap,
      "--topic",
      topic,
      "--checkpoint",
      checkpoint,
    ]);
    expect(again.stdout).toContain(`published 0 events to ${topic}`);
    expect(again.stdout).toContain(`${files} already published (checkpoint)`);

    // Two events that can never succeed (a record that is not a CloudEvent, a file deleted after publishing) and
    // one that fails each time it is tried (an object store that refuses connections): dead letters, the last after
    // --attempts tries.
    const victim = path.join(dir, "gone.exr");
    const first = readdirSync(tree, { recursive: true })
      .map(String)
      .find((f) => f.endsWith(".exr"))!;
    copyFileSync(path.join(tree, first), victim);
    expect((await runCli(["publish", victim, "--brokers", bootstrap, "--topic", topic])).code).toBe(0);
    unlinkSync(victim);
    const unreachable = await runCli([
      "publish",
      "s3://unreachable/poison.exr",
      "--brokers",
      bootstrap,
      "--topic",
      topic,
    ]);
    expect(unreachable.code).toBe(0);
    const producer = testKafka(bootstrap).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: "junk", value: "not an event" }] });
    await producer.disconnect();

    const db = path.join(dir, "consumed.duckdb");
    const consumer = await startConsume(
      [
        "--brokers",
        bootstrap,
        "--topic",
        topic,
        "--group",
        "g-duckdb",
        "--db",
        db,
        "--attempts",
        "2",
        "--retry-delay-ms",
        "50",
        "--retries",
        "0",
        "--timeout",
        "2",
      ],
      {
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
        AWS_ACCESS_KEY_ID: "test-access",
        AWS_SECRET_ACCESS_KEY: "test-secret-key-value",
        AWS_REGION: "us-east-1",
      },
    );
    consumers.push(consumer);
    await waitFor(
      `${files} files catalogued`,
      async () => (await consumer.metric("exr_consume_events_total", { outcome: "inserted" })) === files,
    );
    await waitFor(
      "3 dead letters",
      async () => (await consumer.metric("exr_consume_events_total", { outcome: "dead_lettered" })) === 3,
    );
    expect(await consumer.metric("exr_consume_lag")).toBe(0);
    expect(await consumer.metric("exr_consume_retries_total")).toBe(1);

    const second = await runCli([
      "consume",
      "--brokers",
      bootstrap,
      "--topic",
      topic,
      "--group",
      "g-duckdb",
      "--db",
      db,
    ]);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(
      /locked by another process.*DuckDB accepts one writer: run one consume per DuckDB catalog/s,
    );

    expect(await consumer.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(consumer.output()).toContain("draining");

    const dead = await readTopic(bootstrap, `${topic}.dead-letter`, 3);
    const errors = dead
      .map(
        (m) =>
          `${m.key?.toString()} (${m.headers?.exr_attempts?.toString()}): ${m.headers?.exr_error?.toString()}`,
      )
      .sort();
    expect(errors[0]).toMatch(/gone\.exr \(1\): .*does not exist/);
    expect(errors[1]).toMatch(/^junk \(1\): not a CloudEvent/);
    expect(errors[2]).toMatch(/^unreachable\/poison\.exr \(2\): EXR_SOURCE_UNAVAILABLE: /);
    expect(dead.every((m) => m.headers?.exr_source_topic?.toString() === topic)).toBe(true);

    const scanned = path.join(dir, "scanned.duckdb");
    expect((await runCli(["scan", tree, "--db", scanned, "--no-progress"])).code).toBe(0);
    const q = "select file_id, file_path, inspection_count from exr_metadata.files order by file_id";
    const fromConsume = await sqlJson(db, q);
    const fromScan = await sqlJson(scanned, q);
    expect(fromConsume.map((r) => r.file_id)).toEqual(fromScan.map((r) => r.file_id));
    expect(fromConsume).toHaveLength(files);
    const counts =
      "select (select count(*) from exr_metadata.parts) p, (select count(*) from exr_metadata.channels) c, (select count(*) from exr_metadata.attributes) a";
    expect(await sqlJson(db, counts)).toEqual(await sqlJson(scanned, counts));
  });
});

describe("SIGTERM mid-run", () => {
  it("finishes and commits the work in flight: a later consumer re-inspects nothing", async () => {
    const topic = "duckdb-graceful";
    expect(
      (await runCli(["publish", tree, "--brokers", bootstrap, "--topic", topic, "--partitions", "2"])).code,
    ).toBe(0);
    const db = path.join(dir, "graceful.duckdb");
    const args = ["--brokers", bootstrap, "--topic", topic, "--group", "g-graceful", "--db", db];
    // Small chunks, one read at a time: the stop lands while chunks are in flight.
    const slow = await startConsume([...args, "--batch-max", "2", "--concurrency", "1"]);
    consumers.push(slow);
    await waitFor("a first commit", async () => (await slow.metric("exr_consume_offset_commits_total")) >= 1);
    expect(await slow.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const first = await sqlJson(db, "SELECT count(*) AS n FROM exr_metadata.files");
    expect(Number(first[0]!.n)).toBeGreaterThan(0);
    expect(Number(first[0]!.n)).toBeLessThan(files);

    const rest = await startConsume(args);
    consumers.push(rest);
    let seen = -1;
    await waitFor(
      "the rest catalogued",
      async () => {
        seen = await rest.metric("exr_consume_events_total");
        return seen >= files - Number(first[0]!.n);
      },
      60_000,
    ).catch(() => undefined);
    expect({
      seen,
      output: seen === files - Number(first[0]!.n) ? "" : slow.output() + rest.output(),
    }).toEqual({
      seen: files - Number(first[0]!.n),
      output: "",
    });
    expect(await rest.metric("exr_consume_events_total", { outcome: "reinspected" })).toBe(0);
    expect(await rest.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const all = await sqlJson(
      db,
      "SELECT count(*) AS n, count(DISTINCT file_id) AS ids, max(inspection_count) AS most FROM exr_metadata.files",
    );
    expect(all.map((r) => [Number(r.n), Number(r.ids), Number(r.most)])).toEqual([[files, files, 1]]);
  });
});
