/**
 * Continuous ingest as DataEngine does it: `vast-emulator --notify kafka://…/TOPIC` produces an Element event per
 * object written through S3 to a Kafka topic (as a trigger does to an Event Broker topic), and a `consume` worker
 * catalogues each object, those written before it started and those written while it runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sqlJson } from "../catalog/run-cli.js";
import { type EmulatorHandle, startTestEmulator } from "../vast/client/emulator-harness.js";
import { type ConsumeHandle, readTopic, startConsume, waitFor } from "./consume-process.js";
import { emulatorEnv, frameKey, s3TestClient, uploadFrames } from "./object-fixtures.js";

const bootstrap = inject("kafkaBootstrap");
const topic = "emulator-object-events";
let emulator: EmulatorHandle;
let s3: S3Client;
let dir: string;
let consumer: ConsumeHandle | null = null;

async function delivered(): Promise<number> {
  const res = await fetch(`${emulator.url}/_emulator/notify`);
  return ((await res.json()) as { delivered: number }).delivered;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-notify-kafka-"));
  emulator = await startTestEmulator([
    "--no-verify-signatures",
    "--notify",
    `kafka://${bootstrap}/${topic}?partitions=3`,
    "--notify-suffix",
    ".exr",
  ]);
  s3 = s3TestClient(emulator.url);
});

afterAll(async () => {
  await consumer?.stop("SIGKILL");
  s3?.destroy();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("vast-emulator --notify kafka://", () => {
  it("produces Element events keyed by elementpath that consume catalogues, before and while it runs", async () => {
    await uploadFrames(s3, "vastdb", "early/", 40);
    await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "early/notes.txt", Body: "filtered out" }));
    await waitFor("40 events produced", async () => (await delivered()) === 40, 60_000);

    const [first] = await readTopic(bootstrap, topic, 1);
    expect(first!.key?.toString()).toMatch(/^vastdb\/early\/sq000\/shot_beauty\.\d{6}\.exr$/);
    expect(first!.headers?.ce_type?.toString()).toBe("vastdata.com:Element.ElementCreated");
    expect(first!.headers?.ce_elementpath?.toString()).toBe(first!.key?.toString());
    expect(JSON.parse(first!.value!.toString()).Records[0].eventName).toBe("ObjectCreated:Put");

    const db = path.join(dir, "notified.duckdb");
    consumer = await startConsume(
      ["--brokers", bootstrap, "--topic", topic, "--group", "notify-catalog", "--db", db],
      emulatorEnv(emulator.url),
    );
    await waitFor(
      "40 files catalogued",
      async () => (await consumer!.metric("exr_consume_events_total")) === 40,
    );
    await uploadFrames(s3, "vastdb", "late/", 25);
    await waitFor(
      "65 files catalogued",
      async () => (await consumer!.metric("exr_consume_events_total")) === 65,
    );
    expect(await consumer.metric("exr_consume_events_total", { outcome: "inserted" })).toBe(65);
    expect(await consumer.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    consumer = null;

    const rows = await sqlJson(db, "SELECT file_path FROM exr_metadata.files ORDER BY file_path");
    expect(rows.map((r) => r.file_path)).toEqual(
      [
        ...Array.from({ length: 40 }, (_, i) => `s3://vastdb/${frameKey("early/", i)}`),
        ...Array.from({ length: 25 }, (_, i) => `s3://vastdb/${frameKey("late/", i)}`),
      ].sort(),
    );
  });
});
