/**
 * `serve --backend vast` against the emulator: duplicated and redelivered events arriving concurrently never
 * create duplicate rows; an unreachable catalog is a retryable 503 (and /readyz says not ready) until it is back;
 * credentials never reach the logs.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { walkPaths } from "../../src/io/walk.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { runCli, vastEnv, writeTree } from "../vast/client/writer-fleet.js";
import { cliBuilt, cloudEvent, persistenceOf, sendEvent, startServe } from "./serve-process.js";

const ACCESS = "SrvAccQ7Jv";
const SECRET = "SrvSecXk3Wq9Lm4Tz6";
let emu: EmulatorHandle;
let dir: string;
let files: string[];

beforeAll(async () => {
  if (!cliBuilt) return;
  emu = await startTestEmulator(["--access-key", ACCESS, "--secret-key", SECRET]);
  dir = await mkdtemp(path.join(tmpdir(), "exr-serve-vast-"));
  await writeTree(path.join(dir, "tree"), 40);
  files = [];
  for await (const e of walkPaths([path.join(dir, "tree")])) files.push(e.path);
}, 120_000);
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function envFor(url: string): NodeJS.ProcessEnv {
  return { ...vastEnv(testConfig(url)), VAST_DB_ACCESS_KEY: ACCESS, VAST_DB_SECRET_KEY: SECRET };
}

async function sqlVast(env: NodeJS.ProcessEnv, sql: string): Promise<Record<string, unknown>[]> {
  const run = await runCli(["sql", "--backend", "vast", "--format", "json", sql], env);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>[];
}

describe.skipIf(!cliBuilt)("serve --backend vast", () => {
  it("stores each file once whatever the duplication and concurrency of its events", async () => {
    const env = envFor(emu.url);
    // Small batches so that copies of one file land in different, concurrent transactions.
    const serve = await startServe(
      ["--backend", "vast", "--batch-max", "4", "--batch-concurrency", "4"],
      env,
    );
    let inserted = 0;
    try {
      const deliveries = [...files, ...files, ...files.slice(0, 20)].sort(() => Math.random() - 0.5);
      let next = 0;
      const sender = async () => {
        while (next < deliveries.length) {
          const reply = await sendEvent(serve.url, cloudEvent({ path: deliveries[next++]! }));
          expect(reply.status).toBe(200);
          expect(persistenceOf(reply).status).toBe("success");
          if (persistenceOf(reply).inserted === true) inserted++;
        }
      };
      await Promise.all(Array.from({ length: 16 }, sender));
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    expect(inserted).toBe(files.length);
    const rows = await sqlVast(env, "SELECT count(*) AS n, count(DISTINCT file_id) AS ids FROM files");
    expect(rows).toEqual([{ n: files.length, ids: files.length }]);
    // Children once per file too: the sample file has one part.
    expect(await sqlVast(env, "SELECT count(*) AS n, count(DISTINCT file_id) AS ids FROM parts")).toEqual([
      { n: files.length, ids: files.length },
    ]);
    // Not the keys, not even a prefix (the seed's origin logs key prefixes).
    for (let i = 0; i + 4 <= SECRET.length; i++) expect(serve.output()).not.toContain(SECRET.slice(i, i + 4));
    expect(serve.output()).not.toContain(ACCESS.slice(0, 6));
  }, 180_000);

  it("answers 503 + Retry-After while the catalog is unreachable, and stores the redelivery once it is back", async () => {
    const env = envFor(emu.url);
    // A short retry budget so the outage is reported quickly.
    const serve = await startServe(["--backend", "vast", "--catalog-timeout", "3"], env);
    try {
      await emu.setFaults({ error500: 1 });
      const event = cloudEvent({ path: files[0] });
      const down = await sendEvent(serve.url, event);
      expect(down.status).toBe(503);
      expect(down.headers.get("retry-after")).toBeTruthy();
      expect(persistenceOf(down)).toMatchObject({ status: "error", inserted: false });
      expect((await fetch(`${serve.url}/readyz`)).status).toBe(503);
      await emu.setFaults({ error500: 0 });
      const redelivered = await sendEvent(serve.url, event);
      expect(redelivered.status).toBe(200);
      expect(persistenceOf(redelivered)).toMatchObject({ status: "success", inserted: true });
    } finally {
      await emu.setFaults({ error500: 0 });
      expect(await serve.stop()).toBe(0);
    }
  }, 180_000);

  it("answers 422 for a file the catalog refuses for good, and stores the other files of its batch", async () => {
    const env = envFor(emu.url);
    const huge = sampleFiles().find((f) => f.name === "huge_header.exr")!;
    const hugePath = path.join(dir, "huge_header.exr");
    await writeFile(hugePath, huge.bytes);
    // One batch of four: the huge header's row is over VAST's row limit.
    const serve = await startServe(["--backend", "vast", "--batch-max", "4", "--batch-wait-ms", "2000"], env);
    try {
      const replies = await Promise.all(
        [hugePath, ...files.slice(0, 3)].map((p) => sendEvent(serve.url, cloudEvent({ path: p }))),
      );
      expect(replies[0]!.status).toBe(422);
      expect(persistenceOf(replies[0]!)).toMatchObject({ status: "error", inserted: false });
      expect(String(persistenceOf(replies[0]!).error)).toMatch(/exceeds/);
      for (const r of replies.slice(1)) {
        expect(r.status).toBe(200);
        expect(persistenceOf(r)).toMatchObject({ status: "success", inserted: true });
      }
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 180_000);
});
