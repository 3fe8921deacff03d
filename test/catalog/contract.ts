/**
 * The catalog port's contract, written once and run against every adapter:
 *   describeCatalogContract("duckdb", () => DuckDbCatalogStore.open(tmpFile))
 * `makeStore` must return a NEW, EMPTY store each call (export/import uses two). Only the port is used here, so
 * the suite is backend-agnostic; `query` is exercised with one plain SELECT.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { pixelStatsSet } from "../../src/catalog/pixel-stats.js";
import type { CatalogStore } from "../../src/catalog/port.js";
import type { CatalogRecord, PixelStatsSet, ValidationResultRow } from "../../src/catalog/rows.js";
import type { PartStatsRecord } from "../../src/core/pixels/part-stats.js";
import { type FixtureOptions, fixture } from "./fixtures.js";

const T0 = new Date("2026-03-01T10:00:00.000Z");
const T1 = new Date("2026-03-02T11:30:00.250Z");
const T2 = new Date("2026-09-15T08:00:00.000Z");

function record(o: FixtureOptions, now: Date = T0): CatalogRecord {
  return buildRecord(fixture(o), { now });
}

function verdict(
  file_id: string,
  policy_id: string,
  rule_id: string,
  outcome: "pass" | "fail",
  checked_at: Date,
): ValidationResultRow {
  const failed = outcome === "fail";
  return {
    file_id,
    policy_id,
    rule_id,
    severity: rule_id.endsWith("w") ? "warning" : "error",
    outcome,
    message: failed ? `${rule_id} broken` : null,
    expected: failed ? "none" : null,
    actual: failed ? "piz's" : null,
    suggested_fix: failed ? "write it again" : null,
    checked_at,
  };
}

/** Every stored verdict as text, in a stable order (timestamps as DuckDB prints them). */
async function storedVerdicts(store: CatalogStore): Promise<unknown[][]> {
  const r =
    await store.query(`SELECT file_id, policy_id, rule_id, severity, outcome, message, expected, actual,
       suggested_fix, CAST(checked_at AS VARCHAR) AS checked_at
FROM exr_metadata.validation_results ORDER BY file_id, policy_id, rule_id`);
  return r.rows;
}

const asStored = (v: ValidationResultRow, checkedAt: string) => [
  v.file_id,
  v.policy_id,
  v.rule_id,
  v.severity,
  v.outcome,
  v.message,
  v.expected,
  v.actual,
  v.suggested_fix,
  checkedAt,
];

/** A `stats` report of one flat part (two levels) and one deep part, with `tag` in its numbers. */
function statsOf(file_id: string, tag: number, computedAt: Date): PixelStatsSet {
  const channel = (name: string, k: number) => ({
    name,
    type: "half" as const,
    min: -tag - k,
    max: tag + k + 0.5,
    mean: tag / 3,
    stddev: Math.SQRT2 * tag,
    nan_count: k,
    inf_count: 2 * k,
    finite_count: 1000 + tag,
    constant: false,
  });
  const parts: PartStatsRecord[] = [
    {
      part_index: 0,
      levels: [
        { level: [0, 0], channels: [channel("R", 0), channel("G", 1)] },
        { level: [1, 1], channels: [channel("R", 2), channel("G", 3)] },
      ],
      monochrome: false,
      pixel_hash: `${tag}`.repeat(64).slice(0, 64),
    },
    {
      part_index: 1,
      levels: [{ level: [0, 0], channels: [channel("Z", 0)] }],
      monochrome: null,
      pixel_hash: null,
      deep: {
        total_samples: 12 + tag,
        samples_histogram: { "0": 3, "4": tag + 1 },
        pixels_with_samples: tag + 1,
        pixels_without_samples: 3,
        min_depth: { value: 0.25, x: 1, y: 2, sample: 0, level: [0, 0] },
        max_depth: { value: 1e30, x: 0, y: 0, sample: 3, level: [0, 0] },
      },
    },
  ];
  return pixelStatsSet(file_id, parts, computedAt);
}

/** Every stored statistics row of both tables as text, in a stable order. */
async function storedStats(store: CatalogStore): Promise<unknown[][]> {
  const s =
    await store.query(`SELECT file_id, part_index, level_x, level_y, channel_name, type, min, max, mean,
       stddev, nan_count, inf_count, finite_count, constant, CAST(computed_at AS VARCHAR)
FROM exr_metadata.stats ORDER BY ALL`);
  const p = await store.query(`SELECT file_id, part_index, pixel_hash, monochrome, total_samples,
       pixels_with_samples, pixels_without_samples, samples_histogram, min_depth, max_depth,
       CAST(computed_at AS VARCHAR)
FROM exr_metadata.part_stats ORDER BY ALL`);
  return [...s.rows, ...p.rows].map((row) => row.map((v) => (typeof v === "bigint" ? Number(v) : v)));
}

/** The rows a set should read back as (what `storedStats` returns for it). */
function asStoredStats(sets: PixelStatsSet[], computedAt: string): unknown[][] {
  const stats = sets
    .flatMap((s) => s.stats)
    .map((r) => [
      r.file_id,
      r.part_index,
      r.level_x,
      r.level_y,
      r.channel_name,
      r.type,
      r.min,
      r.max,
      r.mean,
      r.stddev,
      r.nan_count,
      r.inf_count,
      r.finite_count,
      r.constant,
      computedAt,
    ]);
  const parts = sets
    .flatMap((s) => s.parts)
    .map((r) => [
      r.file_id,
      r.part_index,
      r.pixel_hash,
      r.monochrome,
      r.total_samples,
      r.pixels_with_samples,
      r.pixels_without_samples,
      r.samples_histogram,
      r.min_depth,
      r.max_depth,
      computedAt,
    ]);
  const order = (a: unknown[], b: unknown[]) => {
    const ka = JSON.stringify(a);
    const kb = JSON.stringify(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  return [...stats.sort(order), ...parts.sort(order)];
}

export function describeCatalogContract(name: string, makeStore: () => Promise<CatalogStore>): void {
  describe(`catalog contract: ${name}`, () => {
    let store: CatalogStore;
    const others: CatalogStore[] = [];
    let dir: string;

    beforeEach(async () => {
      store = await makeStore();
      await store.init();
      dir = await mkdtemp(path.join(tmpdir(), "exr-catalog-contract-"));
    });
    afterEach(async () => {
      await store.close();
      for (const s of others.splice(0)) await s.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("init is idempotent and an empty catalog has no rows", async () => {
      await store.init();
      expect(await store.counts()).toEqual({ files: 0, parts: 0, channels: 0, attributes: 0 });
    });

    it("stores a file with all its child rows and reads it back unchanged", async () => {
      const rec = record({ path: "/renders/shot/beauty.1001.exr", parts: 2 });
      const [outcome] = await store.upsertBatch([rec], T0);
      expect(outcome).toEqual({
        file_id: rec.file.file_id,
        file_path_normalized: "/renders/shot/beauty.1001.exr",
        status: "inserted",
      });
      expect(await store.counts()).toEqual({
        files: 1,
        parts: 2,
        channels: rec.channels.length,
        attributes: rec.attributes.length,
      });
      expect(await store.getRecord(rec.file.file_id)).toEqual(rec);
      expect(await store.getRecord("0".repeat(64))).toBeNull();
    });

    it("re-inspecting an unchanged file increments inspection_count and adds no rows", async () => {
      const rec = record({ path: "/r/a.exr" });
      await store.upsertBatch([rec], T0);
      const before = await store.counts();
      const [again] = await store.upsertBatch([record({ path: "/r/a.exr" }, T1)], T1);
      expect(again?.status).toBe("reinspected");
      expect(again?.file_id).toBe(rec.file.file_id);
      expect(await store.counts()).toEqual(before);
      const stored = await store.getRecord(rec.file.file_id);
      expect(stored?.file.inspection_count).toBe(2);
      expect(stored?.file.last_inspected).toEqual(T1);
      expect(stored?.file.inspection_timestamp).toEqual(T0);
    });

    it("the same file twice in one batch is one row inspected twice", async () => {
      const outcomes = await store.upsertBatch(
        [record({ path: "/r/b.exr" }), record({ path: "/r/b.exr" })],
        T0,
      );
      expect(outcomes.map((o) => o.status)).toEqual(["inserted", "reinspected"]);
      expect((await store.counts()).files).toBe(1);
      expect((await store.getRecord(outcomes[0]!.file_id))?.file.inspection_count).toBe(2);
    });

    it("a changed header at the same path becomes a new files row and the current version", async () => {
      const v1 = record({ path: "/r/c.exr", headerHash: "11".repeat(32), sizeBytes: 100 });
      const v2 = record({ path: "/r/c.exr", headerHash: "22".repeat(32), sizeBytes: 200 }, T1);
      await store.upsertBatch([v1], T0);
      await store.upsertBatch([v2], T1);
      expect(v1.file.file_id).not.toBe(v2.file.file_id);
      expect((await store.counts()).files).toBe(2);
      const known = await store.knownState(["/r/c.exr", "/r/unknown.exr"]);
      expect(known.size).toBe(1);
      expect(known.get("/r/c.exr")).toEqual({
        file_path_normalized: "/r/c.exr",
        file_id: v2.file.file_id,
        size_bytes: 200,
        mtime: "2026-01-02T03:04:05.678Z",
        etag: null,
      });
    });

    it("paths differing only in case are different files", async () => {
      await store.upsertBatch([record({ path: "/r/A.exr" }), record({ path: "/r/a.exr" })], T0);
      expect((await store.counts()).files).toBe(2);
    });

    it("stores damaged files as error rows with a stable key", async () => {
      const broken = { path: "/r/broken.exr", headerHash: null, errorCodes: ["EXR_TRUNCATED_HEADER"] };
      const rec = record(broken);
      await store.upsertBatch([rec], T0);
      const [again] = await store.upsertBatch([record(broken, T1)], T1);
      expect(again?.status).toBe("reinspected");
      const stored = await store.getRecord(rec.file.file_id);
      expect(stored?.file.validation_status).toBe("error");
      expect(stored?.file.error_codes).toEqual(["EXR_TRUNCATED_HEADER"]);
      expect(stored?.file.is_complete).toBe(false);
      expect(stored?.file.header_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored?.file.inspection_count).toBe(2);
      expect(stored?.parts).toEqual([]);
    });

    it("cleanup removes files not inspected since the cutoff, with all their children", async () => {
      const old = record({ path: "/r/old.exr", parts: 2 }, T0);
      const fresh = record({ path: "/r/fresh.exr" }, T2);
      await store.upsertBatch([old], T0);
      await store.upsertBatch([fresh], T2);
      const cutoff = new Date("2026-06-01T00:00:00Z");
      const expected = {
        files: 1,
        parts: 2,
        channels: old.channels.length,
        attributes: old.attributes.length,
      };
      expect(await store.cleanup(cutoff, true)).toEqual(expected);
      expect((await store.counts()).files).toBe(2);
      expect(await store.cleanup(cutoff, false)).toEqual(expected);
      expect(await store.getRecord(old.file.file_id)).toBeNull();
      expect(await store.getRecord(fresh.file.file_id)).toEqual(fresh);
      expect(await store.counts()).toEqual({
        files: 1,
        parts: 1,
        channels: fresh.channels.length,
        attributes: fresh.attributes.length,
      });
      expect(await store.cleanup(cutoff, false)).toEqual({ files: 0, parts: 0, channels: 0, attributes: 0 });
      // A cleaned-up file can be catalogued again.
      await store.upsertBatch([record({ path: "/r/old.exr", parts: 2 }, T2)], T2);
      expect((await store.counts()).files).toBe(2);
    });

    it("export/import round-trips every row losslessly (vectors, timestamps and verdicts included)", async () => {
      const recs = [
        record({ path: "/r/x.exr", parts: 2 }),
        record({ path: "/r/y.exr", pass: "cryptomatte", renderer: "vray" }),
        record({ path: "/r/z.exr", headerHash: null, errorCodes: ["EXR_BAD_MAGIC"] }),
      ];
      await store.upsertBatch(recs, T0);
      await store.upsertBatch([record({ path: "/r/x.exr", parts: 2 }, T1)], T1);
      const [x, y] = [recs[0]!.file.file_id, recs[1]!.file.file_id];
      await store.putValidationResults([
        verdict(x, "p1", "r1", "fail", T1),
        verdict(x, "p1", "r2w", "pass", T1),
        verdict(y, "p1", "r1", "pass", T0),
      ]);
      await store.exportTo(dir);
      const restored = await makeStore();
      others.push(restored);
      await restored.init();
      await restored.importFrom(dir);
      // Importing again keeps what is there (a pair already judged is not replaced by the backup's set).
      await restored.putValidationResults([verdict(y, "p1", "r9", "fail", T2)]);
      await restored.importFrom(dir);
      expect(await restored.counts()).toEqual(await store.counts());
      const exported = await storedVerdicts(store);
      expect(exported).toHaveLength(3);
      expect(await storedVerdicts(restored)).toEqual(
        [
          ...exported.filter((row) => row[0] !== y),
          asStored(verdict(y, "p1", "r9", "fail", T2), "2026-09-15 08:00:00"),
        ].sort((a, b) => (`${a[0]}${a[2]}` < `${b[0]}${b[2]}` ? -1 : 1)),
      );
      for (const r of recs) {
        expect(await restored.getRecord(r.file.file_id)).toEqual(await store.getRecord(r.file.file_id));
      }
      const restoredX = await restored.getRecord(recs[0]!.file.file_id);
      expect(restoredX?.file.inspection_count).toBe(2);
      expect(restoredX?.file.last_inspected).toEqual(T1);
      expect(restoredX?.file.metadata_embedding).toEqual(recs[0]!.file.metadata_embedding);
    });

    it("similar orders neighbours by embedding distance and excludes the query file", async () => {
      const a = record({ path: "/s/a.exr", pass: "beauty", renderer: "arnold", width: 1920, height: 1080 });
      const b = record({ path: "/s/b.exr", pass: "beauty", renderer: "arnold", width: 2048, height: 858 });
      const c = record({ path: "/s/c.exr", pass: "cryptomatte", renderer: "vray" });
      const d = record({ path: "/s/d.exr", pass: "depth", renderer: "karma" });
      await store.upsertBatch([a, b, c, d], T0);
      const hits = await store.similar({ file_id: a.file.file_id }, 2);
      expect(hits).toHaveLength(2);
      expect(hits[0]?.file_id).toBe(b.file.file_id);
      expect(hits.map((h) => h.file_id)).not.toContain(a.file.file_id);
      expect(hits[0]!.distance).toBeLessThanOrEqual(hits[1]!.distance);
      const all = await store.similar({ embedding: a.file.metadata_embedding! }, 10);
      expect(all[0]?.file_id).toBe(a.file.file_id);
      expect(all[0]?.distance).toBeCloseTo(0, 5);
      expect(all).toHaveLength(4);
    });

    it("validation_results: a write replaces the earlier verdicts of each (file, policy); cleanup removes them", async () => {
      const a = record({ path: "/v/a.exr" }, T0);
      const b = record({ path: "/v/b.exr" }, T2);
      await store.upsertBatch([a], T0);
      await store.upsertBatch([b], T2);
      const [ida, idb] = [a.file.file_id, b.file.file_id].sort() as [string, string];
      const first = [
        verdict(ida, "p1", "r1", "pass", T0),
        verdict(ida, "p1", "r2w", "fail", T0),
        verdict(ida, "p2", "r1", "fail", T0),
        verdict(idb, "p1", "r1", "fail", T0),
      ];
      await store.putValidationResults(first);
      const t0 = "2026-03-01 10:00:00";
      expect(await storedVerdicts(store)).toEqual(first.map((v) => asStored(v, t0)));

      // Re-checking (ida, p1): its rule r2w is gone from the policy; a rule given twice keeps the last row.
      const recheck = [verdict(ida, "p1", "r1", "pass", T1), verdict(ida, "p1", "r1", "fail", T1)];
      await store.putValidationResults(recheck);
      await store.putValidationResults(recheck); // idempotent
      const t1 = "2026-03-02 11:30:00.25";
      const now = [asStored(recheck[1]!, t1), asStored(first[2]!, t0), asStored(first[3]!, t0)];
      expect(await storedVerdicts(store)).toEqual(now);
      await store.putValidationResults([]);
      expect(await storedVerdicts(store)).toEqual(now);

      // Aggregates by rule over current files run in the store's SQL.
      const byRule = await store.query(`SELECT v.policy_id, v.rule_id, count(*) AS files,
       count(*) FILTER (WHERE v.outcome = 'fail') AS failed
FROM exr_metadata.validation_results v JOIN exr_metadata.current_files f ON f.file_id = v.file_id
GROUP BY ALL ORDER BY ALL`);
      expect(byRule.rows.map(([p, r, n, f]) => [p, r, Number(n), Number(f)])).toEqual([
        ["p1", "r1", 2, 2],
        ["p2", "r1", 1, 1],
      ]);
      expect(await store.counts()).toEqual({
        files: 2,
        parts: a.parts.length + b.parts.length,
        channels: a.channels.length + b.channels.length,
        attributes: a.attributes.length + b.attributes.length,
      });

      // Cleanup of a file takes its verdicts with it; a dry run keeps them.
      const cutoff = new Date("2026-06-01T00:00:00Z");
      const oldId = a.file.file_id;
      await store.cleanup(cutoff, true);
      expect(await storedVerdicts(store)).toEqual(now);
      await store.cleanup(cutoff, false);
      expect(await storedVerdicts(store)).toEqual(now.filter((row) => row[0] !== oldId));
    });

    it("stats / part_stats: a write replaces each file's earlier set; export/import and cleanup carry them", async () => {
      const a = record({ path: "/st/a.exr" }, T0);
      const b = record({ path: "/st/b.exr" }, T2);
      await store.upsertBatch([a], T0);
      await store.upsertBatch([b], T2);
      const [ida, idb] = [a.file.file_id, b.file.file_id].sort() as [string, string];
      expect(await store.filesWithPixelStats([ida, idb])).toEqual(new Set());
      const first = [statsOf(ida, 1, T0), statsOf(idb, 2, T0)];
      await store.putPixelStats(first);
      expect(await store.filesWithPixelStats([ida, idb, "nope"])).toEqual(new Set([ida, idb]));

      // Re-scanning a: its set is replaced whole (no duplicates), twice is the same as once; b is untouched.
      const again = statsOf(ida, 7, T1);
      again.stats = again.stats.filter((r) => r.level_x === 0);
      await store.putPixelStats([again]);
      await store.putPixelStats([statsOf(ida, 9, T1), again]); // the last set given for a file wins
      await store.putPixelStats([]);
      // Exported before any query: a sandboxed :memory: DuckDB can no longer write files.
      await store.exportTo(dir);

      const t0 = "2026-03-01 10:00:00";
      const t1 = "2026-03-02 11:30:00.25";
      const byText = (x: unknown[], y: unknown[]) =>
        x.length !== y.length ? y.length - x.length : JSON.stringify(x) < JSON.stringify(y) ? -1 : 1;
      const now = [...asStoredStats([again], t1), ...asStoredStats([first[1]!], t0)].sort(byText);
      const sorted = async (s: CatalogStore) => (await storedStats(s)).sort(byText);
      expect(await sorted(store)).toEqual(now);

      // SQL over the tables: NaNs at level 0 per current file.
      const nan = await store.query(`SELECT f.file_path, sum(s.nan_count) AS nans
FROM exr_metadata.stats s JOIN exr_metadata.current_files f ON f.file_id = s.file_id
WHERE s.level_x = 0 AND s.level_y = 0 GROUP BY ALL ORDER BY ALL`);
      expect(nan.rows.map(([p, n]) => [p, Number(n)])).toEqual(
        [
          [a.file.file_path, 1],
          [b.file.file_path, 1],
        ].sort(),
      );

      // Export/import: the restored catalog has the same sets; a file with statistics there keeps its own.
      const restored = await makeStore();
      others.push(restored);
      await restored.init();
      await restored.importFrom(dir);
      await restored.putPixelStats([statsOf(idb, 5, T2)]);
      await restored.importFrom(dir);
      expect(await sorted(restored)).toEqual(
        [
          ...now.filter((r) => r[0] !== idb),
          ...asStoredStats([statsOf(idb, 5, T2)], "2026-09-15 08:00:00"),
        ].sort(byText),
      );

      // Cleanup of a file takes its statistics with it; a dry run keeps them.
      const cutoff = new Date("2026-06-01T00:00:00Z");
      await store.cleanup(cutoff, true);
      expect(await sorted(store)).toEqual(now);
      await store.cleanup(cutoff, false);
      expect(await sorted(store)).toEqual(now.filter((row) => row[0] !== a.file.file_id));
      expect(await store.filesWithPixelStats([ida, idb])).toEqual(new Set([b.file.file_id]));
    });

    it("query runs a SELECT over exr_metadata", async () => {
      await store.upsertBatch([record({ path: "/q/1.exr" }), record({ path: "/q/2.exr" })], T0);
      const r = await store.query("SELECT count(*) AS n FROM exr_metadata.files");
      expect(r.columns).toEqual(["n"]);
      expect(Number(r.rows[0]?.[0])).toBe(2);
    });
  });
}
