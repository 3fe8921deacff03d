/**
 * catalog/seed-queries.ts: every query of the seed document runs on a DuckDB catalog through the store's sandboxed
 * `query`, answering the seed's columns and the values the catalog's rows imply; the seed's DELETE is refused there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { DuckDbCatalogStore } from "../../src/catalog/duckdb/duckdb-store.js";
import type { QueryResult } from "../../src/catalog/port.js";
import { SEED_CLEANUP_DELETE, SEED_QUERIES } from "../../src/catalog/seed-queries.js";
import { fixture } from "./fixtures.js";

const OLD = new Date("2020-01-01T10:15:00Z");
const NOW = new Date(Date.now() - 60_000);

let store: DuckDbCatalogStore;

beforeAll(async () => {
  store = await DuckDbCatalogStore.open(":memory:");
  await store.init();
  const old = buildRecord(fixture({ path: "/s/old.exr", sizeBytes: 100, compression: "zip" }), { now: OLD });
  const a = buildRecord(fixture({ path: "/s/a.exr", sizeBytes: 200, compression: "piz", pass: "depth" }), {
    now: NOW,
  });
  const b = buildRecord(fixture({ path: "/s/b.exr", sizeBytes: 300, compression: "piz", parts: 2 }), {
    now: NOW,
  });
  await store.upsertBatch([old], OLD);
  await store.upsertBatch([a, b], NOW);
  await store.upsertBatch([a], NOW); // a re-inspected: inspection_count 2
});
afterAll(async () => {
  await store?.close();
});

/** Runs the seed query inside the test (a failure in a hook would not fail the tests under Stryker). */
const answer = async (id: string) => {
  const q = SEED_QUERIES.find((s) => s.id === id);
  if (!q) throw new Error(`no query ${id}`);
  const a: QueryResult = await store.query(q.sql);
  return {
    columns: a.columns,
    rows: a.rows.map((r) => r.map((v) => (typeof v === "bigint" ? Number(v) : v))),
  };
};

describe("seed queries", () => {
  it("each has a distinct id, a title and one of the seed's sections", () => {
    expect(SEED_QUERIES.map((q) => q.id)).toEqual([
      "recent-inspections",
      "embedding-dimensions",
      "parts-by-compression",
      "files-per-channel",
      "inspections-per-hour",
      "size-percentiles",
      "compression-usage",
      "compression-stats",
      "cleanup-candidates",
    ]);
    expect(SEED_QUERIES.map((q) => q.section)).toEqual([
      "verification",
      "verification",
      "verification",
      "verification",
      "monitoring",
      "monitoring",
      "monitoring",
      "optimization",
      "maintenance",
    ]);
    for (const q of SEED_QUERIES) expect(q.title.length, q.id).toBeGreaterThan(10);
  });

  it("verification: recent inspections, embedding dimensions, parts by compression, files per channel", async () => {
    const recent = await answer("recent-inspections");
    expect(recent.columns).toEqual(["file_id", "file_path", "last_inspected", "inspection_count"]);
    expect(recent.rows.map((r) => r[1])).toHaveLength(3);
    expect(recent.rows[2]![1]).toBe("/s/old.exr");
    expect(recent.rows.find((r) => r[1] === "/s/a.exr")![3]).toBe(2);

    const dims = await answer("embedding-dimensions");
    expect(dims.columns).toEqual(["file_id", "emb_dim"]);
    expect(dims.rows.map((r) => r[1])).toEqual([384, 384, 384]);

    const byCompression = await answer("parts-by-compression");
    expect(byCompression.columns).toEqual(["compression", "count"]);
    expect(new Map(byCompression.rows as [string, number][])).toEqual(
      new Map([
        ["zip", 1],
        ["piz", 3],
      ]),
    );

    const perChannel = await answer("files-per-channel");
    expect(perChannel.columns).toEqual(["channel_name", "files_with_channel"]);
    expect(perChannel.rows[0]![1]).toBe(2);
    expect(perChannel.rows.find((r) => r[0] === "R")).toEqual(["R", 2]);
    expect(perChannel.rows.find((r) => r[0] === "Z")).toEqual(["Z", 1]);
    const counts = perChannel.rows.map((r) => r[1] as number);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
  });

  it("monitoring: inspections per hour, size percentiles, compression usage", async () => {
    const perHour = await answer("inspections-per-hour");
    expect(perHour.columns).toEqual(["hour", "total", "new_files"]);
    expect(perHour.rows.map((r) => [r[1], r[2]])).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(perHour.rows[1]![0]).toEqual(new Date("2020-01-01T10:00:00Z"));

    const sizes = await answer("size-percentiles");
    expect(sizes.columns).toEqual(["median", "p95", "p99"]);
    expect(sizes.rows).toEqual([[200, 290, 298]]);

    const usage = await answer("compression-usage");
    expect(usage.columns).toEqual(["compression", "count", "total_size"]);
    expect(new Map(usage.rows.map((r) => [r[0], [r[1], r[2]]]))).toEqual(
      new Map([
        ["zip", [1, 100]],
        ["piz", [3, 800]],
      ]),
    );
  });

  it("optimization and maintenance: compression statistics, cleanup candidates; the seed's DELETE is refused", async () => {
    const stats = await answer("compression-stats");
    expect(stats.columns).toEqual(["compression", "file_count", "part_count", "tiling_ratio"]);
    expect(new Map(stats.rows.map((r) => [r[0], [r[1], r[2]]]))).toEqual(
      new Map([
        ["zip", [1, 1]],
        ["piz", [2, 3]],
      ]),
    );
    const cleanup = await answer("cleanup-candidates");
    expect(cleanup.columns).toEqual(["file_id"]);
    expect(cleanup.rows).toHaveLength(1);
    await expect(store.query(SEED_CLEANUP_DELETE)).rejects.toThrow(/only SELECT statements/);
    expect(SEED_CLEANUP_DELETE).toContain("DELETE FROM exr_metadata.files");
    expect(SEED_CLEANUP_DELETE).toContain("INTERVAL '6 months'");
  });
});
