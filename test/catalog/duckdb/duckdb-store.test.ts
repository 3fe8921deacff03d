/**
 * duckdb/duckdb-store.ts beyond the shared contract (contract.ts): the schema version, empty and boundary inputs of
 * the reads (k of similar, empty path and root lists, roots with and without a trailing slash, unknown sizes and
 * times), embeddings given with non-finite values, and writes of more than 1,000 files or (file, policy) pairs,
 * which are deleted in groups of 1,000.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildRecord } from "../../../src/catalog/build-record.js";
import { DuckDbCatalogStore } from "../../../src/catalog/duckdb/duckdb-store.js";
import { LATEST_SCHEMA_VERSION } from "../../../src/catalog/duckdb/schema.js";
import type { CatalogRecord, PixelStatsSet, ValidationResultRow } from "../../../src/catalog/rows.js";
import { fixture } from "../fixtures.js";

const T0 = new Date("2026-03-01T10:00:00.000Z");
const T1 = new Date("2026-03-02T10:00:00.000Z");

let store: DuckDbCatalogStore;
beforeEach(async () => {
  store = await DuckDbCatalogStore.open(":memory:");
});
afterEach(async () => {
  await store.close();
});

function verdict(file_id: string, policy_id: string, at: Date): ValidationResultRow {
  return {
    file_id,
    policy_id,
    rule_id: "r",
    severity: "error",
    outcome: "pass",
    message: null,
    expected: null,
    actual: null,
    suggested_fix: null,
    checked_at: at,
  };
}

function stats(file_id: string, at: Date, hash: string): PixelStatsSet {
  return {
    file_id,
    stats: [
      {
        file_id,
        part_index: 0,
        level_x: 0,
        level_y: 0,
        channel_name: "R",
        type: "half",
        min: 0,
        max: 1,
        mean: 0.5,
        stddev: 0.1,
        nan_count: 0,
        inf_count: 0,
        finite_count: 4,
        constant: false,
        computed_at: at,
      },
    ],
    parts: [
      {
        file_id,
        part_index: 0,
        pixel_hash: hash,
        monochrome: false,
        total_samples: null,
        pixels_with_samples: null,
        pixels_without_samples: null,
        samples_histogram: null,
        min_depth: null,
        max_depth: null,
        computed_at: at,
      },
    ],
  };
}

const count = async (sql: string) => Number((await store.query(sql)).rows[0]?.[0]);

describe("DuckDbCatalogStore specifics", () => {
  it("schema version 0 before init, the latest after; location and flags", async () => {
    expect(await store.schemaVersion()).toBe(0);
    await store.init();
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(6);
    expect(store.location).toBe(":memory:");
    expect(store.backend).toBe("duckdb");
    expect(store.readOnly).toBe(false);
  });

  it("an in-memory catalog: session in UTC, checkpoints at 64 MB of WAL, written in storage v1.3, no memory limit of its own", async () => {
    await store.init();
    const settings = await store.query(
      `SELECT current_setting('TimeZone'), current_setting('checkpoint_threshold'),
              current_setting('storage_compatibility_version'), current_setting('memory_limit'),
              current_setting('search_path')`,
    );
    const [zone, checkpoint, storage, memory, searchPath] = settings.rows[0]!;
    expect([zone, checkpoint, storage, searchPath]).toEqual([
      "UTC",
      "61.0 MiB",
      "v1.3.0",
      "exr_metadata,main",
    ]);
    // 128MB is the file catalogs' buffer pool (spilling to <db>.tmp); a memory catalog has no file to spill to.
    expect(memory).not.toBe("122.0 MiB");
  });

  it("a writable catalog file: a 128 MB buffer pool, and DuckDB's threads as asked (default one per core)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "exr-duckdb-settings-"));
    try {
      const setting = async (file: string, threads?: number) => {
        const s = await DuckDbCatalogStore.open(path.join(dir, file), threads ? { threads } : {});
        try {
          // The store's own instance (query() answers from a read-only sandbox instance of its own).
          const { connection } = s as unknown as { connection: DuckDBConnection };
          const r = await connection.runAndReadAll(
            `SELECT current_setting('memory_limit'), current_setting('threads')::INTEGER`,
          );
          return r.getRows()[0]!;
        } finally {
          await s.close();
        }
      };
      expect(await setting("one.duckdb", 1)).toEqual(["122.0 MiB", 1]);
      expect(await setting("three.duckdb", 3)).toEqual(["122.0 MiB", 3]);
      const [, cores] = await setting("default.duckdb");
      expect(cores).toBe(availableParallelism());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the bulk insert's sketches, each distinct embedding's computed once, are the backfill's for every file", async () => {
    await store.init();
    const kinds = [
      { pass: "beauty", renderer: "arnold" },
      { pass: "cryptomatte", renderer: "arnold" },
      { pass: "beauty", renderer: "vray" },
    ] as const;
    const records = [0, 1, 2, 3, 4, 5, 6].map((i) =>
      buildRecord(fixture({ path: `/sk/${i}.exr`, ...kinds[i % 3]! }), { now: T0 }),
    );
    const noHeader = buildRecord(fixture({ path: "/sk/empty.exr" }), { now: T0 });
    noHeader.file.metadata_embedding = null;
    await store.upsertBatch([...records, noHeader], T0);
    const { sketchesOf } = await import("../../../src/catalog/duckdb/schema.js");
    const r = await store.query(
      `SELECT count(*), count(DISTINCT f.embedding_sketch), count(f.embedding_sketch),
              count(*) FILTER (f.embedding_sketch IS DISTINCT FROM k.sketch)
       FROM exr_metadata.files f LEFT JOIN (${sketchesOf("exr_metadata.files")}) k USING (file_id)`,
    );
    expect(r.rows).toEqual([[8, 3, 7, 0]]);
  });

  it("reads with nothing to look up answer nothing; k of similar is floored, 0 or less is none", async () => {
    await store.init();
    const records = ["/k/a.exr", "/k/b.exr", "/k/c.exr"].map((p) =>
      buildRecord(fixture({ path: p }), { now: T0 }),
    );
    await store.upsertBatch(records, T0);
    expect(await store.knownState([])).toEqual(new Map());
    expect(await store.knownStatesUnder([])).toEqual({
      paths: [],
      sizes: new Float64Array(0),
      mtimesMs: new Float64Array(0),
    });
    expect(await store.knownStatesUnder(["/nothing"])).toEqual({
      paths: [],
      sizes: new Float64Array(0),
      mtimesMs: new Float64Array(0),
    });
    const q = { file_id: records[0]!.file.file_id };
    expect(await store.similar(q, 0)).toEqual([]);
    expect(await store.similar(q, -3)).toEqual([]);
    expect(await store.similar(q, 1.9)).toHaveLength(1);
    expect(await store.similar(q, 2)).toHaveLength(2);
    expect(await store.similar(q, 50)).toHaveLength(2);
  });

  it("roots match themselves and what is under them (with or without a trailing slash); unknown size and time are NaN", async () => {
    await store.init();
    const known = buildRecord(
      fixture({ path: "/r/dir/a.exr", sizeBytes: 10, mtime: "2026-01-01T00:00:00.000Z" }),
      {
        now: T0,
      },
    );
    const unknown = buildRecord(fixture({ path: "/r/dir/sub/b.exr", mtime: null }), { now: T0 });
    unknown.file = { ...unknown.file, size_bytes: null };
    const sibling = buildRecord(fixture({ path: "/r/dirx/c.exr" }), { now: T0 });
    await store.upsertBatch([known, unknown, sibling], T0);
    for (const roots of [["/r/dir"], ["/r/dir/"]]) {
      const s = await store.knownStatesUnder(roots);
      const order = s.paths.map((p, i) => [p, i] as const).sort();
      expect(order.map(([p]) => p)).toEqual(["/r/dir/a.exr", "/r/dir/sub/b.exr"]);
      const [ia, ib] = order.map(([, i]) => i) as [number, number];
      expect(s.sizes[ia]).toBe(10);
      expect(s.mtimesMs[ia]).toBe(Date.parse("2026-01-01T00:00:00.000Z"));
      expect(s.sizes[ib]).toBeNaN();
      expect(s.mtimesMs[ib]).toBeNaN();
    }
    expect((await store.knownStatesUnder(["/r/dir/a.exr", "/r/dirx/c.exr"])).paths.sort()).toEqual([
      "/r/dir/a.exr",
      "/r/dirx/c.exr",
    ]);
    const state = await store.knownState(["/r/dir/sub/b.exr", "/r/dir/a.exr", "/nope"]);
    expect(state.get("/r/dir/sub/b.exr")).toEqual({
      file_path_normalized: "/r/dir/sub/b.exr",
      file_id: unknown.file.file_id,
      size_bytes: null,
      mtime: null,
      etag: null,
    });
    expect(state.get("/r/dir/a.exr")?.size_bytes).toBe(10);
    expect(state.get("/r/dir/a.exr")?.mtime).toBe("2026-01-01T00:00:00.000Z");
    expect(state.has("/nope")).toBe(false);
  });

  it("an embedding query with non-finite values reads them as 0", async () => {
    await store.init();
    const a = buildRecord(fixture({ path: "/e/a.exr" }), { now: T0 });
    const b = buildRecord(fixture({ path: "/e/b.exr", pass: "depth", renderer: "karma" }), { now: T0 });
    await store.upsertBatch([a, b], T0);
    const clean = Float32Array.from(a.file.metadata_embedding!);
    const dirty = Float32Array.from(clean);
    const zeroed = Float32Array.from(clean);
    const nonZero = [...clean.keys()].filter((i) => clean[i] !== 0).slice(0, 3);
    expect(nonZero).toHaveLength(3);
    nonZero.forEach((i, k) => {
      dirty[i] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][k]!;
      zeroed[i] = 0;
    });
    const hits = await store.similar({ embedding: dirty }, 2);
    expect(hits).toEqual(await store.similar({ embedding: zeroed }, 2));
    expect(hits.map((h) => h.file_id)).toEqual([a.file.file_id, b.file.file_id]);
    expect(hits[0]!.distance).toBeGreaterThan(0);
    expect(await store.similar({ embedding: Array.from(clean) }, 1)).toEqual([
      { file_id: a.file.file_id, file_path: "/e/a.exr", distance: expect.closeTo(0, 6) },
    ]);
  });

  it("more than 1,000 (file, policy) pairs and files with statistics: every group replaced, every file found", async () => {
    await store.init();
    const ids = Array.from({ length: 1001 }, (_, i) => `id${String(i).padStart(4, "0")}`);
    await store.putValidationResults(ids.map((id) => verdict(id, "p", T0)));
    await store.putValidationResults(ids.map((id) => verdict(id, "p", T1)));
    expect(await count("SELECT count(*) FROM validation_results")).toBe(1001);
    expect(
      await count(
        `SELECT count(*) FROM validation_results WHERE checked_at = TIMESTAMP '2026-03-02 10:00:00'`,
      ),
    ).toBe(1001);

    await store.putPixelStats(ids.map((id) => stats(id, T0, "a")));
    await store.putPixelStats(ids.map((id) => stats(id, T1, "b")));
    expect(await count("SELECT count(*) FROM stats")).toBe(1001);
    expect(await count("SELECT count(*) FROM part_stats WHERE pixel_hash = 'b'")).toBe(1001);
    const found = await store.filesWithPixelStats([...ids, "none"]);
    expect(found.size).toBe(1001);
    expect(found.has(ids[1000]!)).toBe(true);
    expect(found.has("none")).toBe(false);
  });

  it("a batch re-inspecting several catalogued files, some more than once: each count rises by its occurrences", async () => {
    await store.init();
    const [a, b, c, d] = ["/i/a.exr", "/i/b.exr", "/i/c.exr", "/i/d.exr"].map((p) =>
      buildRecord(fixture({ path: p }), { now: T0 }),
    ) as [CatalogRecord, CatalogRecord, CatalogRecord, CatalogRecord];
    await store.upsertBatch([a, b, c], T0);
    const outcomes = await store.upsertBatch([a, b, a, c, d, d, d], T1);
    expect(outcomes.map((o) => o.status)).toEqual([
      "reinspected",
      "reinspected",
      "reinspected",
      "reinspected",
      "inserted",
      "reinspected",
      "reinspected",
    ]);
    const rows = await store.query(
      "SELECT file_path, inspection_count, last_inspected FROM files ORDER BY file_path",
    );
    expect(rows.rows).toEqual([
      ["/i/a.exr", 3, T1],
      ["/i/b.exr", 2, T1],
      ["/i/c.exr", 2, T1],
      ["/i/d.exr", 3, T0],
    ]);
  });

  it("an empty batch writes nothing and answers nothing; knownState gives a stored ETag", async () => {
    await store.init();
    expect(await store.upsertBatch([], T0)).toEqual([]);
    const s3 = buildRecord(fixture({ path: "s3://b/k.exr" }), { now: T0 });
    s3.file = { ...s3.file, etag: '"0123abcd"' };
    await store.upsertBatch([s3], T0);
    expect(await store.counts()).toEqual({
      files: 1,
      parts: s3.parts.length,
      channels: s3.channels.length,
      attributes: s3.attributes.length,
    });
    expect(
      (await store.knownState([s3.file.file_path_normalized])).get(s3.file.file_path_normalized),
    ).toEqual({
      file_path_normalized: s3.file.file_path_normalized,
      file_id: s3.file.file_id,
      size_bytes: s3.file.size_bytes,
      mtime: s3.file.mtime === null ? null : new Date(s3.file.mtime).toISOString(),
      etag: '"0123abcd"',
    });
  });

  it("write buffer: a commit once the buffer is full (not one file later), none early for files already committed", async () => {
    await store.init();
    const rec = (p: string) => buildRecord(fixture({ path: p }), { now: T0 });
    const known = async (...ps: string[]) => [...(await store.knownState(ps)).keys()].sort();
    store.setWriteBuffer(2);
    await store.upsertBatch([rec("/w/x.exr")], T0);
    await store.upsertBatch([rec("/w/y.exr")], T0);
    // The third batch returns once the second is written, and the commit queued when the buffer held 2 with it.
    await store.upsertBatch([rec("/w/z.exr")], T0);
    expect(await known("/w/x.exr", "/w/y.exr", "/w/z.exr")).toEqual(["/w/x.exr", "/w/y.exr"]);
    await store.flush();

    store.setWriteBuffer(100);
    await store.upsertBatch([rec("/w/c.exr")], T0);
    // x was committed: re-inspecting it commits nothing else (c stays buffered).
    expect((await store.upsertBatch([rec("/w/x.exr")], T0)).map((o) => o.status)).toEqual(["reinspected"]);
    expect(await known("/w/c.exr")).toEqual([]);
    // c is buffered: a batch holding it and a new file commits c first, so c is a re-inspection.
    const outcomes = await store.upsertBatch([rec("/w/c.exr"), rec("/w/d.exr")], T0);
    expect(outcomes.map((o) => o.status)).toEqual(["reinspected", "inserted"]);
    await store.flush();
    const counts = await store.query("SELECT file_path, inspection_count FROM files ORDER BY 1");
    expect(counts.rows).toEqual([
      ["/w/c.exr", 2],
      ["/w/d.exr", 1],
      ["/w/x.exr", 2],
      ["/w/y.exr", 1],
      ["/w/z.exr", 1],
    ]);
  });

  it("cleanup: a dry run counts and deletes nothing; nothing old is nothing to do", async () => {
    await store.init();
    const old = buildRecord(fixture({ path: "/c/old.exr" }), { now: T0 });
    const cur = buildRecord(fixture({ path: "/c/new.exr" }), { now: T1 });
    await store.upsertBatch([old], T0);
    await store.upsertBatch([cur], T1);
    const expected = {
      files: 1,
      parts: old.parts.length,
      channels: old.channels.length,
      attributes: old.attributes.length,
    };
    expect(await store.cleanup(T1, true)).toEqual(expected);
    expect((await store.counts()).files).toBe(2);
    expect(await store.cleanup(T0, false)).toEqual({ files: 0, parts: 0, channels: 0, attributes: 0 });
    expect(await store.cleanup(T1, false)).toEqual(expected);
    expect(await store.counts()).toEqual({
      files: 1,
      parts: cur.parts.length,
      channels: cur.channels.length,
      attributes: cur.attributes.length,
    });
    expect(await count("SELECT count(*) FROM exr_metadata.files")).toBe(1);
  });
});

describe("DuckDbCatalogStore files left marked by an interrupted cleanup", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "exr-duckdb-pending-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A file catalog holding a and b, with a as a cleanup interrupted between its two transactions leaves it. */
  async function markedCatalog(name: string): Promise<{ file: string; a: CatalogRecord; b: CatalogRecord }> {
    const file = path.join(dir, name);
    const a = buildRecord(fixture({ path: "/p/a.exr" }), { now: T0 });
    const b = buildRecord(fixture({ path: "/p/b.exr", pass: "depth" }), { now: T0 });
    const writer = await DuckDbCatalogStore.open(file);
    await writer.init();
    await writer.upsertBatch([a, b], T0);
    await writer.close();
    const raw = await DuckDBInstance.create(file);
    const c = await raw.connect();
    const id = `'${a.file.file_id}'`;
    for (const table of ["parts", "channels", "attributes"]) {
      await c.run(`DELETE FROM exr_metadata.${table} WHERE file_id = ${id}`);
    }
    await c.run(`UPDATE exr_metadata.files SET pending_delete = true WHERE file_id = ${id}`);
    c.closeSync();
    raw.closeSync();
    return { file, a, b };
  }

  const paths = async (s: DuckDbCatalogStore) =>
    (await s.query("SELECT file_path, pending_delete FROM exr_metadata.files ORDER BY 1")).rows;

  it("init deletes them", async () => {
    const { file } = await markedCatalog("init.duckdb");
    const reopened = await DuckDbCatalogStore.open(file);
    try {
      expect(await paths(reopened)).toEqual([
        ["/p/a.exr", true],
        ["/p/b.exr", false],
      ]);
      await reopened.init();
      expect(await paths(reopened)).toEqual([["/p/b.exr", false]]);
    } finally {
      await reopened.close();
    }
  });

  it("an upsert of a marked file deletes the marked row and inserts the file anew", async () => {
    const { file, a } = await markedCatalog("upsert.duckdb");
    const reopened = await DuckDbCatalogStore.open(file);
    try {
      const again = buildRecord(fixture({ path: "/p/a.exr" }), { now: T1 });
      expect(again.file.file_id).toBe(a.file.file_id);
      expect((await reopened.upsertBatch([again], T1)).map((o) => o.status)).toEqual(["inserted"]);
      expect(await paths(reopened)).toEqual([
        ["/p/a.exr", false],
        ["/p/b.exr", false],
      ]);
      expect(await reopened.getRecord(a.file.file_id)).toEqual(again);
      expect((await reopened.knownState(["/p/a.exr"])).get("/p/a.exr")?.file_id).toBe(a.file.file_id);
    } finally {
      await reopened.close();
    }
  });
});
