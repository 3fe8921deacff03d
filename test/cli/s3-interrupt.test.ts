import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CopyObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { createS3Client } from "../../src/io/s3-client.js";
import { type RunningEmulator, startEmulator } from "../../src/vast/emulator/server.js";
import { CLI } from "../catalog/run-cli.js";

let emulator: RunningEmulator;
let s3: S3Client;
const OBJECTS = 200;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, credentials: new Map([["AK", "SK"]]) });
  s3 = createS3Client({
    endpointUrl: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
  }).client;
  const bytes = sampleFiles(undefined)[0]!.bytes;
  await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "src.exr", Body: bytes }));
  for (let i = 0; i < OBJECTS; i++)
    await s3.send(
      new CopyObjectCommand({
        Bucket: "vastdb",
        Key: `many/f${String(i).padStart(4, "0")}.exr`,
        CopySource: "vastdb/src.exr",
      }),
    );
});

afterAll(async () => {
  s3.destroy();
  await emulator.close();
});

describe("Ctrl-C during a run over s3:// objects", () => {
  it("prints the files that finished, exits 130 and sends no request after the signal", async () => {
    // Slow answers and few objects in flight: the run is far from done when the signal comes.
    emulator.faults.update({ latency_ms: 150 });
    const arrivals: number[] = [];
    const onRequest = () => arrivals.push(performance.now());
    emulator.server.on("request", onRequest);
    try {
      const child = spawn(
        process.execPath,
        [CLI, "validate", "--format", "ndjson", "--concurrency", "4", "s3://vastdb/many/"],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: "AK",
            AWS_SECRET_ACCESS_KEY: "SK",
            AWS_ENDPOINT_URL: emulator.url,
            AWS_REGION: "us-east-1",
            AWS_CONFIG_FILE: join(tmpdir(), "no-such-aws-config"),
            AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), "no-such-aws-credentials"),
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      let signalledAt = 0;
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        // Interrupt once a few files have finished.
        if (signalledAt === 0 && stdout.split("\n").length > 5) {
          signalledAt = performance.now();
          child.kill("SIGINT");
        }
      });
      const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const code = await new Promise<number | null>((r) => child.on("close", r));
      clearTimeout(killer);
      expect(signalledAt).toBeGreaterThan(0);
      expect(code).toBe(130);
      expect(stderr).toContain("interrupted");
      const printed = stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { path: string; status: string });
      expect(printed.length).toBeGreaterThanOrEqual(5);
      expect(printed.length).toBeLessThan(OBJECTS);
      // Every printed file is a complete, passing result, in listing order from the first key.
      printed.forEach((p, i) => {
        expect(p.path).toBe(`s3://vastdb/many/f${String(i).padStart(4, "0")}.exr`);
        expect(p.status).not.toBe("error");
      });
      // Requests reaching the server after the signal are at most those already on the wire.
      const late = arrivals.filter((t) => t > signalledAt + 50);
      expect(late).toEqual([]);
    } finally {
      emulator.server.off("request", onRequest);
      emulator.faults.update({ latency_ms: 0 });
    }
  });
});
