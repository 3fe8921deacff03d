/**
 * The end-to-end check: publish 20k objects (the emulator's S3 side) → 3 `consume` processes on the VAST
 * backend (the emulator) → the catalog equals `scan` of the same objects (same file_ids, same row counts), no
 * duplicates; one consumer SIGKILLed mid-run and another started → nothing lost, nothing doubled; a poison object
 * (published, then deleted before it was read) lands in the dead-letter topic with its error.
 * DISTRIBUTED_E2E_OBJECTS changes the count (default 20000).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCli, sqlJson } from "../catalog/run-cli.js";
import { type EmulatorHandle, startTestEmulator } from "../vast/client/emulator-harness.js";
import { type ConsumeHandle, readTopic, startConsume, testKafka, waitFor } from "./consume-process.js";
import { emulatorEnv, s3TestClient, uploadFrames } from "./object-fixtures.js";

const OBJECTS = Number(process.env.DISTRIBUTED_E2E_OBJECTS ?? 20_000);
const bootstrap = inject("kafkaBootstrap");
const topic = "e2e-frames";
const group = "e2e-catalog";
let emulator: EmulatorHandle;
let s3: S3Client;
let env: NodeJS.ProcessEnv;
let dir: string;
const consumers: ConsumeHandle[] = [];
const log = (line: string) => process.stderr.write(`[e2e-vast] ${line}\n`);

/** Offsets committed by the group and the topic's end offsets, summed over partitions. */
async function progress(): Promise<{ committed: number; end: number }> {
  const admin = testKafka(bootstrap).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    let c = 0;
    for (const p of committed?.partitions ?? []) {
      const low = Number(ends.find((e) => e.partition === p.partition)?.low ?? 0);
      c += Number(p.offset) < 0 ? low : Number(p.offset);
    }
    return { committed: c, end: ends.reduce((n, e) => n + Number(e.high), 0) };
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-e2e-vast-"));
  emulator = await startTestEmulator(["--no-verify-signatures"]);
  s3 = s3TestClient(emulator.url);
  env = emulatorEnv(emulator.url);
  const started = performance.now();
  await uploadFrames(s3, "vastdb", "frames/", OBJECTS);
  await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "frames/poison.exr", Body: "soon gone" }));
  log(`${OBJECTS} objects uploaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  for (const c of consumers) await c.stop("SIGKILL");
  s3?.destroy();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("publish → 3 consumers on VAST → the catalog equals scan", () => {
  it("loses nothing and doubles nothing when a consumer is killed mid-run", async () => {
    const t0 = performance.now();
    const published = await runCli(
      ["publish", "s3://vastdb/frames/", "--brokers", bootstrap, "--topic", topic, "--partitions", "6"],
      env,
    );
    expect(published.stdout).toContain(`published ${OBJECTS + 1} events to ${topic}`);
    expect(published.code).toBe(0);
    log(`published in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${published.stdout.trim()}`);
    await s3.send(new DeleteObjectCommand({ Bucket: "vastdb", Key: "frames/poison.exr" }));

    const args = [
      "--brokers",
      bootstrap,
      "--topic",
      topic,
      "--group",
      group,
      "--backend",
      "vast",
      "--retry-delay-ms",
      "100",
      "--session-timeout",
      "10",
    ];
    const t1 = performance.now();
    for (let i = 0; i < 3; i++) consumers.push(await startConsume(args, env));
    await waitFor(
      "a third of the objects committed",
      async () => (await progress()).committed >= OBJECTS / 3,
      600_000,
    );
    const before = await progress();
    expect(before.committed).toBeLessThan(before.end);
    log(
      `${before.committed} committed after ${((performance.now() - t1) / 1000).toFixed(1)} s: SIGKILL consumer 1`,
    );
    expect(await consumers[0]!.stop("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    consumers.push(await startConsume(args, env));
    let lastLog = 0;
    await waitFor(
      "every event committed",
      async () => {
        const p = await progress();
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`${p.committed} of ${p.end} committed after ${((lastLog - t1) / 1000).toFixed(0)} s`);
        }
        return p.committed === p.end;
      },
      1_500_000,
    ).catch((err: unknown) => {
      for (const [i, c] of consumers.entries())
        log(
          `consumer ${i + 1} warnings:\n${c
            .output()
            .split("\n")
            .filter((l) => /"level":"(warn|error)"/.test(l))
            .slice(-15)
            .join("\n")}`,
        );
      throw err;
    });
    const seconds = (performance.now() - t1) / 1000;
    log(
      `all ${OBJECTS + 1} events committed in ${seconds.toFixed(1)} s (${Math.round(OBJECTS / seconds)} objects/s)`,
    );
    for (const c of consumers.slice(1)) expect(await c.stop("SIGTERM")).toEqual({ code: 0, signal: null });

    const dead = await readTopic(bootstrap, `${topic}.dead-letter`, 1);
    expect(dead[0]!.key?.toString()).toBe("vastdb/frames/poison.exr");
    expect(dead[0]!.headers?.exr_error?.toString()).toMatch(/^EXR_SOURCE_NOT_FOUND: /);
    expect(dead[0]!.headers?.ce_elementpath?.toString()).toBe("vastdb/frames/poison.exr");

    const vast = ["--backend", "vast", "--format", "json"];
    const stored = await runCli(
      [
        "sql",
        ...vast,
        "SELECT count(*) AS n, count(DISTINCT file_id) AS ids, count(DISTINCT file_path) AS paths, sum(inspection_count) AS inspections FROM files",
      ],
      env,
    );
    expect(stored.code).toBe(0);
    const [totals] = JSON.parse(stored.stdout) as {
      n: number;
      ids: number;
      paths: number;
      inspections: number;
    }[];
    log(`catalog: ${JSON.stringify(totals)}`);
    expect(Number(totals!.n)).toBe(OBJECTS);
    expect(Number(totals!.ids)).toBe(OBJECTS);
    expect(Number(totals!.paths)).toBe(OBJECTS);
    expect(Number(totals!.inspections)).toBeGreaterThanOrEqual(OBJECTS);

    const scanned = path.join(dir, "scanned.duckdb");
    const scan = await runCli(["scan", "s3://vastdb/frames/", "--db", scanned, "--no-progress"], env);
    expect(scan.code).toBe(0);
    const ids = "SELECT file_id FROM files ORDER BY file_id";
    const fromConsumers = JSON.parse((await runCli(["sql", ...vast, ids], env)).stdout) as {
      file_id: string;
    }[];
    const fromScan = await sqlJson(scanned, `SELECT file_id FROM exr_metadata.files ORDER BY file_id`);
    expect(fromConsumers.map((r) => r.file_id)).toEqual(fromScan.map((r) => r.file_id));
    const counts = (schema: string) =>
      `SELECT (SELECT count(*) FROM ${schema}parts) AS parts, (SELECT count(*) FROM ${schema}channels) AS channels, (SELECT count(*) FROM ${schema}attributes) AS attributes`;
    const vastCounts = JSON.parse((await runCli(["sql", ...vast, counts("")], env)).stdout) as unknown[];
    expect(
      vastCounts.map((r) =>
        JSON.parse(JSON.stringify(r), (_, v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v)),
      ),
    ).toEqual(await sqlJson(scanned, counts("exr_metadata.")));
  }, 1_800_000);
});
