/**
 * A consumer that stops answering for longer than its session timeout (a long GC pause, a stalled mount, a
 * suspended VM: here SIGSTOP) is removed from its group by the broker; when it runs again, its next offset commit is
 * refused ("The coordinator is not aware of this member"). It must rejoin the group and finish the topic, not crash
 * or hang: nothing lost, nothing catalogued twice. (Before the fix the commit path left the process alive doing
 * nothing, in 2 of 2 runs.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { generateRenderTree } from "../../src/generate/render-tree.js";
import { runCli, sqlJson } from "../catalog/run-cli.js";
import { type ConsumeHandle, startConsume, waitFor } from "./consume-process.js";

const bootstrap = inject("kafkaBootstrap");
let dir: string;
let tree: string;
let files: number;
const consumers: ConsumeHandle[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-consume-rejoin-"));
  tree = path.join(dir, "tree");
  files = (await generateRenderTree({ root: tree, sequences: 4, frames: 100, seed: 11 })).files;
});

afterAll(async () => {
  for (const c of consumers) await c.stop("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("consume after losing its group membership", () => {
  it("rejoins and finishes when its commit is refused after a pause longer than the session timeout", async () => {
    const topic = "rejoin-frames";
    const published = await runCli([
      "publish",
      tree,
      "--brokers",
      bootstrap,
      "--topic",
      topic,
      "--partitions",
      "2",
    ]);
    expect(published.code).toBe(0);
    const db = path.join(dir, "rejoin.duckdb");
    const consumer = await startConsume([
      "--brokers",
      bootstrap,
      "--topic",
      topic,
      "--group",
      "g-rejoin",
      "--db",
      db,
      "--batch-max",
      "1",
      "--partitions-concurrently",
      "1",
      "--session-timeout",
      "6",
    ]);
    consumers.push(consumer);
    await waitFor(
      "some chunks committed",
      async () => (await consumer.metric("exr_consume_offset_commits_total")) >= 5,
    );
    consumer.child.kill("SIGSTOP");
    await new Promise((r) => setTimeout(r, 15_000));
    consumer.child.kill("SIGCONT");
    await waitFor(
      `${files} files catalogued`,
      async () =>
        (await consumer.metric("exr_consume_lag")) === 0 &&
        (await consumer.metric("exr_consume_events_total")) >= files,
      180_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${consumer.output().split("\n").slice(-20).join("\n")}`);
    });
    // Which path rejoins depends on what reaches the coordinator first after the pause: a heartbeat or fetch
    // (kafkajs rejoins by itself) or this member's offset commit (refused: kafkajs gives up, the worker rejoins,
    // counted in exr_consume_rejoins_total). Either way the member joined twice and finished.
    expect(consumer.output().match(/"msg":"joined the group"/g)?.length).toBeGreaterThanOrEqual(2);
    expect(await consumer.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const [row] = await sqlJson(db, "SELECT count(*) AS n, count(DISTINCT file_path) AS paths FROM files");
    expect(Number(row!.n)).toBe(files);
    expect(Number(row!.paths)).toBe(files);
  }, 300_000);
});
