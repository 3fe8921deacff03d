/**
 * Concurrency on VAST, with real processes: 8 `scan` writers over the same 1,000 files, each scanning twice,
 * all interleaved — without and with 10% injected faults — and a writer killed with SIGKILL mid-batch.
 * Storage must end with exactly one files row per file and exactly its children (no duplicates, no orphans).
 * `npm test` runs it over 300 files; CI also runs 1,000 (`npm run test:vast-concurrency`) and the heavy variant is
 * `npm run test:vast-concurrency-heavy`. Runtimes: docs/notes/vast-client.md.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VastCatalogStore } from "../../src/catalog/vast/vast-store.js";
import type { VastConfig } from "../../src/vast/client/config.js";
import { rawProblems, rawRows } from "../vast/client/catalog-raw.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { cliBuilt, runCli, scanArgs, startCli, vastEnv, writeTree } from "../vast/client/writer-fleet.js";

const FILES = Number(process.env.VAST_CONCURRENCY_FILES ?? 300);
const WRITERS = Number(process.env.VAST_CONCURRENCY_WRITERS ?? 8);

let emu: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  if (!cliBuilt) return;
  emu = await startTestEmulator();
  dir = await mkdtemp(path.join(tmpdir(), "exr-vast-fleet-"));
  await writeTree(dir, FILES);
}, 300_000);
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function expectExactlyOnce(config: VastConfig): Promise<void> {
  const raw = await rawRows(config);
  expect(rawProblems(raw)).toEqual([]);
  expect(raw.files.length).toBe(FILES);
  const store = await VastCatalogStore.open(config, { readOnly: true });
  try {
    await store.init();
    const one = await store.getRecord(raw.files[0]!.file_id);
    expect(one).not.toBeNull();
    expect(await store.counts()).toEqual({
      files: FILES,
      parts: FILES * one!.parts.length,
      channels: FILES * one!.channels.length,
      attributes: FILES * one!.attributes.length,
    });
  } finally {
    await store.close();
  }
}

async function fleet(config: VastConfig): Promise<void> {
  const env = vastEnv(config);
  // Create the tables once so the writers race on rows, then also let every writer provision concurrently.
  const runs = await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const first = await runCli(scanArgs(dir), env);
      const second = await runCli(scanArgs(dir), env);
      return [first, second];
    }),
  );
  for (const run of runs.flat()) {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  }
}

describe.skipIf(!cliBuilt)(`VAST concurrency: ${WRITERS} scan processes x ${FILES} files, twice each`, () => {
  it("leaves every file exactly once with complete, unduplicated children", async () => {
    const config = testConfig(emu.url);
    await fleet(config);
    await expectExactlyOnce(config);
  }, 600_000);

  it("holds with 10% injected faults (503 SlowDown, 500, dropped connections)", async () => {
    const config = testConfig(emu.url);
    await emu.setFaults({ slowdown: 0.04, error500: 0.03, drop: 0.03 });
    try {
      await fleet(config);
    } finally {
      await emu.setFaults({ slowdown: 0, error500: 0, drop: 0 });
    }
    await expectExactlyOnce(config);
  }, 600_000);

  it("a writer killed with SIGKILL mid-batch leaves no partial file, and the next run completes", async () => {
    const config = testConfig(emu.url);
    const env = vastEnv(config);
    // Batches of 10: with 300 files there are 30, so the kill lands mid-run even on a slow, loaded machine.
    const victim = startCli(scanArgs(dir, 10), env);
    // Kill once some batches have committed (the writer is then in the middle of another).
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const raw = await rawRows(config).catch(() => null);
      if (raw && raw.files.length >= 20) break;
    }
    victim.child.kill("SIGKILL");
    const killed = await victim.done;
    expect(killed.signal).toBe("SIGKILL");
    const after = await rawRows(config);
    expect(rawProblems(after)).toEqual([]);
    expect(after.files.length).toBeLessThan(FILES);
    const next = await runCli(scanArgs(dir, 50), env);
    expect(next.code).toBe(0);
    await expectExactlyOnce(config);
  }, 600_000);
});
