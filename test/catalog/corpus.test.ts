/**
 * The seed's queries through `exr-inspector sql` against a catalog of the shared corpus, each checked against
 * aggregates computed independently in JS from the inspector's own results; scanning twice; damaged files.
 * Needs EXR_CORPUS (e.g. ../shared/corpus) and a build (dist/).
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import type { CatalogRecord } from "../../src/catalog/rows.js";
import { SEED_CLEANUP_DELETE, SEED_QUERIES } from "../../src/catalog/seed-queries.js";
import { inspectFile } from "../../src/inspect/inspect.js";
import { walkPaths } from "../../src/io/walk.js";
import { runCli, sqlJson } from "./run-cli.js";

const corpusEnv = process.env.EXR_CORPUS;
const corpus = corpusEnv ? path.resolve(corpusEnv) : null;
const available = corpus !== null && existsSync(corpus);
if (!available) {
  console.warn(
    `SKIPPED corpus catalog tests: EXR_CORPUS is ${corpusEnv ? `"${corpusEnv}" (missing)` : "unset"}`,
  );
}

const seed = (id: string) => {
  const q = SEED_QUERIES.find((s) => s.id === id);
  if (!q) throw new Error(id);
  return q.sql;
};

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

function percentileCont(sorted: number[], p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

describe.skipIf(!available)("catalog of the corpus", () => {
  let dir: string;
  let db: string;
  let records: CatalogRecord[];
  let firstScan: { code: number; stdout: string };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "exr-corpus-catalog-"));
    db = path.join(dir, "corpus.duckdb");
    firstScan = await runCli(["scan", corpus!, "--all-files", "--db", db, "--jobs", "2", "--no-progress"]);
    records = [];
    for await (const e of walkPaths([corpus!], { match: () => true })) {
      records.push(buildRecord(await inspectFile(e.path)));
    }
  }, 300_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the first scan catalogues every file", async () => {
    expect(firstScan.code).toBe(0);
    expect(firstScan.stdout).toContain(`inspected   ${records.length} (new ${records.length}`);
    const [row] = await sqlJson(
      db,
      "SELECT count(*) AS n, count(DISTINCT file_path_normalized) AS p FROM files",
    );
    expect(row).toEqual({ n: records.length, p: records.length });
  });

  it("damaged files are error rows with codes, not crashes", async () => {
    const damaged = path.join(corpus!, "openexr-images/Damaged");
    const names = (await readdir(damaged)).filter((n) => !n.endsWith(".rst") && !n.startsWith("LICENSE"));
    const rows = await sqlJson(
      db,
      `SELECT file_path, validation_status, error_codes, is_complete FROM files WHERE file_path_normalized LIKE '${damaged}/%'`,
    );
    const byName = new Map(rows.map((r) => [path.basename(String(r.file_path)), r]));
    const expected = new Map(records.map((r) => [r.file.file_path, r.file]));
    for (const name of names) {
      const row = byName.get(name);
      expect(row, name).toBeDefined();
      // The catalog records exactly the inspector's verdict for each damaged file.
      const verdict = expected.get(path.join(damaged, name))!;
      expect(row!.validation_status, name).toBe(verdict.validation_status);
      expect(row!.error_codes ?? null, name).toEqual(verdict.error_codes);
      expect(row!.is_complete, name).toBe(verdict.is_complete);
    }
    const flagged = rows.filter((r) => r.validation_status === "error" || r.is_complete === false);
    expect(flagged.length).toBeGreaterThan(names.length * 0.9);
  });

  it("scanning again skips everything; --force re-inspects without new rows", async () => {
    const before = await sqlJson(
      db,
      "SELECT (SELECT count(*) FROM files) f, (SELECT count(*) FROM parts) p, (SELECT count(*) FROM channels) c, (SELECT count(*) FROM attributes) a",
    );
    const again = await runCli(["scan", corpus!, "--all-files", "--db", db, "--no-progress"]);
    expect(again.stdout).toContain(`skipped     ${records.length}`);
    const forced = await runCli(["scan", corpus!, "--all-files", "--db", db, "--force", "--no-progress"]);
    expect(forced.stdout).toContain(`(new 0, re-inspected ${records.length})`);
    const after = await sqlJson(
      db,
      "SELECT (SELECT count(*) FROM files) f, (SELECT count(*) FROM parts) p, (SELECT count(*) FROM channels) c, (SELECT count(*) FROM attributes) a",
    );
    expect(after).toEqual(before);
    const counts = await sqlJson(db, "SELECT inspection_count, count(*) AS n FROM files GROUP BY 1");
    expect(counts).toEqual([{ inspection_count: 2, n: records.length }]);
  });

  describe("every seed query through `exr-inspector sql`", () => {
    it("recent inspections", async () => {
      const rows = await sqlJson(db, seed("recent-inspections"));
      expect(rows).toHaveLength(10);
      expect(Object.keys(rows[0]!)).toEqual(["file_id", "file_path", "last_inspected", "inspection_count"]);
      const times = rows.map((r) => Date.parse(String(r.last_inspected)));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      const ids = new Set(records.map((r) => r.file.file_id));
      for (const r of rows) expect(ids.has(String(r.file_id))).toBe(true);
    });

    it("embedding dimensions", async () => {
      const rows = await sqlJson(db, seed("embedding-dimensions"));
      expect(rows).toHaveLength(5);
      for (const r of rows) expect(r.emb_dim).toBe(384);
    });

    it("parts by compression", async () => {
      const rows = await sqlJson(db, seed("parts-by-compression"));
      const expected = countBy(
        records.flatMap((r) => r.parts),
        (p) => String(p.compression),
      );
      expect(new Map(rows.map((r) => [String(r.compression), r.count]))).toEqual(expected);
    });

    it("files per channel", async () => {
      const rows = await sqlJson(db, seed("files-per-channel"));
      const expected = new Map<string, number>();
      for (const r of records) {
        for (const name of new Set(r.channels.map((c) => c.channel_name))) {
          expected.set(name, (expected.get(name) ?? 0) + 1);
        }
      }
      expect(new Map(rows.map((r) => [String(r.channel_name), r.files_with_channel]))).toEqual(expected);
      const counts = rows.map((r) => Number(r.files_with_channel));
      expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    });

    it("inspections per hour", async () => {
      const rows = await sqlJson(db, seed("inspections-per-hour"));
      expect(rows.reduce((n, r) => n + Number(r.total), 0)).toBe(records.length);
      // After the forced re-scan every file has been inspected twice.
      expect(rows.reduce((n, r) => n + Number(r.new_files), 0)).toBe(0);
      for (const r of rows) expect(String(r.hour)).toMatch(/T\d\d:00:00\.000Z$/);
    });

    it("file size percentiles", async () => {
      const [row] = await sqlJson(db, seed("size-percentiles"));
      const sizes = records.map((r) => r.file.size_bytes ?? 0).sort((a, b) => a - b);
      expect(row!.median).toBeCloseTo(percentileCont(sizes, 0.5), 6);
      expect(row!.p95).toBeCloseTo(percentileCont(sizes, 0.95), 6);
      expect(row!.p99).toBeCloseTo(percentileCont(sizes, 0.99), 6);
    });

    it("compression usage with total size", async () => {
      const rows = await sqlJson(db, seed("compression-usage"));
      const expected = new Map<string, [number, number]>();
      for (const r of records) {
        for (const p of r.parts) {
          const k = String(p.compression);
          const [n, s] = expected.get(k) ?? [0, 0];
          expected.set(k, [n + 1, s + (r.file.size_bytes ?? 0)]);
        }
      }
      expect(new Map(rows.map((r) => [String(r.compression), [r.count, r.total_size]]))).toEqual(expected);
    });

    it("compression statistics (the materialized view's query, unqualified table name)", async () => {
      const rows = await sqlJson(db, seed("compression-stats"));
      const parts = records.flatMap((r) => r.parts);
      for (const row of rows) {
        const mine = parts.filter((p) => String(p.compression) === String(row.compression));
        expect(row.part_count).toBe(mine.length);
        expect(row.file_count).toBe(new Set(mine.map((p) => p.file_id)).size);
        expect(row.tiling_ratio).toBeCloseTo(mine.filter((p) => p.is_tiled).length / mine.length, 9);
      }
      expect(rows.reduce((n, r) => n + Number(r.part_count), 0)).toBe(parts.length);
    });

    it("cleanup candidates, and the seed's DELETE is refused by sql but done by cleanup", async () => {
      expect(await sqlJson(db, seed("cleanup-candidates"))).toEqual([]);
      const refused = await runCli(["sql", "--db", db, SEED_CLEANUP_DELETE]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/read-only/);
      const dry = await runCli(["cleanup", "--db", db, "--older-than", "6mo", "--dry-run"]);
      expect(dry.stdout).toContain("would remove 0 files");
    });
  });
});
