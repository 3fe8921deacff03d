/**
 * Idempotency without server-side keys: racing writers, duplicates left by a race, orphaned children and
 * injected faults — the catalog must read exactly once per file and storage must end up duplicate-free.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import type { CatalogRecord } from "../../src/catalog/rows.js";
import { rowsToBatch } from "../../src/catalog/vast/arrow-rows.js";
import { INGEST_TOKEN, tableSchema } from "../../src/catalog/vast/table-schemas.js";
import { VastCatalogStore } from "../../src/catalog/vast/vast-store.js";
import type { VastConfig } from "../../src/vast/client/config.js";
import { VastSession } from "../../src/vast/client/session.js";
import { rawProblems, rawRows } from "../vast/client/catalog-raw.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { fixture } from "./fixtures.js";

const T0 = new Date("2026-04-01T00:00:00Z");
let emu: EmulatorHandle;
const stores: VastCatalogStore[] = [];

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await emu.setFaults({ slowdown: 0, error500: 0, drop: 0 });
});
afterAll(async () => {
  await emu?.stop();
});

async function open(config: VastConfig, filesPerTransaction = 7): Promise<VastCatalogStore> {
  const s = await VastCatalogStore.open(config, { filesPerTransaction });
  stores.push(s);
  await s.init();
  return s;
}

function records(n: number, prefix = "/race"): CatalogRecord[] {
  return Array.from({ length: n }, (_, i) =>
    buildRecord(fixture({ path: `${prefix}/f.${String(i).padStart(4, "0")}.exr`, parts: 1 + (i % 2) }), {
      now: T0,
    }),
  );
}

function expectedCounts(recs: CatalogRecord[]) {
  return {
    files: recs.length,
    parts: recs.reduce((n, r) => n + r.parts.length, 0),
    channels: recs.reduce((n, r) => n + r.channels.length, 0),
    attributes: recs.reduce((n, r) => n + r.attributes.length, 0),
  };
}

/** Inserts a second copy of `rec` (with its children) under another token, as a racing writer would. */
async function injectDuplicate(config: VastConfig, rec: CatalogRecord, token: string, withFile = true) {
  const session = await VastSession.connect(config);
  try {
    await session.transaction(async (tx) => {
      const ref = (table: string) => ({ bucket: config.bucket, schema: config.schema, table });
      for (const table of ["parts", "channels", "attributes"] as const) {
        const rows = (rec[table] as object[]).map((r) => ({ ...r, [INGEST_TOKEN]: token }));
        await tx.insert(ref(table), rowsToBatch(tableSchema(table), rows));
      }
      if (withFile) {
        await tx.insert(
          ref("files"),
          rowsToBatch(tableSchema("files"), [{ ...rec.file, [INGEST_TOKEN]: token }]),
        );
      }
    });
  } finally {
    session.close();
  }
}

describe("VAST adapter idempotency", () => {
  it("four writers racing on the same files leave each file exactly once", async () => {
    const config = testConfig(emu.url);
    const recs = records(30);
    const writers = await Promise.all([1, 2, 3, 4].map(() => open(config)));
    const outcomes = await Promise.all(writers.map((w) => w.upsertBatch(recs, T0)));
    expect(rawProblems(await rawRows(config))).toEqual([]);
    expect(await writers[0]!.counts()).toEqual(expectedCounts(recs));
    // Every file was inserted by exactly one writer; the others saw it as already there.
    for (let i = 0; i < recs.length; i++) {
      const inserted = outcomes.filter((o) => o[i]!.status === "inserted").length;
      expect(inserted).toBeLessThanOrEqual(1);
    }
    for (const r of recs.slice(0, 3))
      expect(await writers[1]!.getRecord(r.file.file_id)).toEqual(
        expect.objectContaining({ parts: r.parts, channels: r.channels, attributes: r.attributes }),
      );
  });

  it("readers never double count a duplicate left by a race, and the next write removes it", async () => {
    const config = testConfig(emu.url);
    const store = await open(config);
    const recs = records(3, "/dup");
    await store.upsertBatch(recs, T0);
    await injectDuplicate(config, recs[1]!, "f".repeat(32));
    expect(rawProblems(await rawRows(config)).length).toBeGreaterThan(0);
    expect(await store.counts()).toEqual(expectedCounts(recs));
    expect(await store.getRecord(recs[1]!.file.file_id)).toEqual(recs[1]);
    const q = await store.query(
      "SELECT count(*) AS n, count(DISTINCT file_id) AS d FROM exr_metadata.channels",
    );
    expect(q.rows[0]!.map(Number)).toEqual([expectedCounts(recs).channels, 3]);
    await store.upsertBatch([recs[1]!], T0);
    expect(rawProblems(await rawRows(config))).toEqual([]);
    expect((await store.getRecord(recs[1]!.file.file_id))?.file.inspection_count).toBe(2);
  });

  it("children whose files row never committed are invisible", async () => {
    const config = testConfig(emu.url);
    const store = await open(config);
    const [kept, orphan] = records(2, "/orphan");
    await store.upsertBatch([kept!], T0);
    await injectDuplicate(config, orphan!, "0".repeat(32), false);
    expect(await store.counts()).toEqual(expectedCounts([kept!]));
    expect(await store.getRecord(orphan!.file.file_id)).toBeNull();
    const q = await store.query("SELECT count(*) FROM attributes");
    expect(Number(q.rows[0]![0])).toBe(kept!.attributes.length);
  });

  it("cleanup sweeps duplicates and orphaned children out of storage without touching the catalog", async () => {
    const config = testConfig(emu.url);
    const store = await open(config);
    const recs = records(4, "/sweep");
    await store.upsertBatch(recs.slice(0, 3), T0);
    await injectDuplicate(config, recs[0]!, "d".repeat(32));
    await injectDuplicate(config, recs[3]!, "e".repeat(32), false);
    const before = await store.counts();
    expect(rawProblems(await rawRows(config)).length).toBeGreaterThan(0);
    expect(await store.cleanup(new Date("2000-01-01T00:00:00Z"), true)).toEqual({
      files: 0,
      parts: 0,
      channels: 0,
      attributes: 0,
    });
    expect(rawProblems(await rawRows(config)).length).toBeGreaterThan(0);
    await store.cleanup(new Date("2000-01-01T00:00:00Z"), false);
    expect(rawProblems(await rawRows(config))).toEqual([]);
    expect(await store.counts()).toEqual(before);
    expect(await store.getRecord(recs[0]!.file.file_id)).toEqual(recs[0]);
  });

  it("stays exact with 10% injected faults (503 SlowDown, 500, dropped connections)", async () => {
    const config = testConfig(emu.url);
    const recs = records(40, "/faults");
    const writers = [await open(config, 5), await open(config, 5)];
    await emu.setFaults({ slowdown: 0.04, error500: 0.03, drop: 0.03 });
    await Promise.all(writers.map((w) => w.upsertBatch(recs, T0)));
    await Promise.all(writers.map((w) => w.upsertBatch(recs, new Date(T0.getTime() + 1000))));
    await emu.setFaults({ slowdown: 0, error500: 0, drop: 0 });
    expect(rawProblems(await rawRows(config))).toEqual([]);
    expect(await writers[0]!.counts()).toEqual(expectedCounts(recs));
  });
});
