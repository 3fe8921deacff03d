import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { compactCatalogFile } from "../../src/catalog/duckdb/compact.js";
import { DuckDbCatalogStore } from "../../src/catalog/duckdb/duckdb-store.js";
import { fixture } from "./fixtures.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-duckdb-compact-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("db compact (compactCatalogFile)", () => {
  it("rewrites an old-format catalog with free blocks into the current format, smaller, with every row and key", async () => {
    const file = path.join(dir, "old.duckdb");
    // A file created in DuckDB's default (old) storage format, as catalogs were before v1.3 was asked for.
    const raw = await DuckDBInstance.create(file);
    raw.closeSync();
    const store = await DuckDbCatalogStore.open(file);
    await store.init();
    const records = Array.from({ length: 200 }, (_, i) =>
      buildRecord(fixture({ path: `/c/shot${i % 7}/f${i}.exr`, pass: i % 2 ? "beauty" : "cryptomatte" }), {
        now: new Date(i < 20 ? 2_000_000 : 1_000_000),
      }),
    );
    await store.upsertBatch(records, new Date(1_000_000));
    // Deletes leave free blocks behind: all but the 20 newest files go.
    await store.upsertBatch(records.slice(0, 20), new Date(2_000_000));
    await store.cleanup(new Date(1_500_000), false);
    const before = await store.counts();
    const kept = await store.getRecord(records[3]!.file.file_id);
    await store.close();

    const r = await compactCatalogFile(file);
    expect(r.formatBefore).toBe("v1.0.0+");
    expect(r.formatAfter).toBe("v1.3.0+");
    expect(r.bytesAfter).toBeLessThan(r.bytesBefore);
    expect(existsSync(`${file}.compact-${process.pid}`)).toBe(false);

    const reopened = await DuckDbCatalogStore.open(file);
    try {
      await reopened.init();
      expect(await reopened.counts()).toEqual(before);
      expect(before.files).toBe(20);
      expect(await reopened.getRecord(records[3]!.file.file_id)).toEqual(kept);
      // The files keys came along: the same file again is a re-inspection, not a second row.
      const outcome = await reopened.upsertBatch([records[3]!], new Date(3_000_000));
      expect(outcome[0]?.status).toBe("reinspected");
      expect((await reopened.counts()).files).toBe(20);
      const dup = await reopened.query(
        "SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'files' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')",
      );
      expect(Number(dup.rows[0]?.[0])).toBe(2);
    } finally {
      await reopened.close();
    }
  });

  it("a copy left beside the file by an interrupted compaction is replaced, not copied into", async () => {
    const file = path.join(dir, "again.duckdb");
    const store = await DuckDbCatalogStore.open(file);
    await store.init();
    const record = buildRecord(fixture({ path: "/c/again.exr" }), { now: new Date(1_000_000) });
    await store.upsertBatch([record], new Date(1_000_000));
    await store.close();
    // What an interrupted run leaves: a database under the copy's name already holding the catalog's schema.
    const left = await DuckDBInstance.create(`${file}.compact-${process.pid}`);
    const c = await left.connect();
    await c.run("CREATE SCHEMA exr_metadata");
    await c.run("CREATE TABLE exr_metadata.files (stale INTEGER)");
    c.closeSync();
    left.closeSync();

    const r = await compactCatalogFile(file);
    expect(r.formatAfter).toBe("v1.3.0+");
    expect(existsSync(`${file}.compact-${process.pid}`)).toBe(false);
    const reopened = await DuckDbCatalogStore.open(file, { readOnly: true });
    try {
      expect(await reopened.getRecord(record.file.file_id)).toEqual(record);
    } finally {
      await reopened.close();
    }
  });

  it("a file whose name holds a double quote; a write-ahead log left by a crash is carried into the copy and not left beside it", async () => {
    const file = path.join(dir, 'my "best" catalog.duckdb');
    const store = await DuckDbCatalogStore.open(file);
    await store.init();
    const record = buildRecord(fixture({ path: "/c/wal.exr" }), { now: new Date(1_000_000) });
    await store.upsertBatch([record], new Date(1_000_000));
    await store.close();
    // A crash after a commit: the row is only in the log.
    const crashed = await DuckDBInstance.create(file);
    const c = await crashed.connect();
    await c.run("PRAGMA disable_checkpoint_on_shutdown");
    await c.run("UPDATE exr_metadata.files SET inspection_count = 7");
    c.closeSync();
    crashed.closeSync();
    expect(existsSync(`${file}.wal`)).toBe(true);

    const r = await compactCatalogFile(file);
    expect(r.formatAfter).toBe("v1.3.0+");
    expect(existsSync(`${file}.wal`)).toBe(false);
    const reopened = await DuckDbCatalogStore.open(file, { readOnly: true });
    try {
      expect((await reopened.getRecord(record.file.file_id))?.file.inspection_count).toBe(7);
    } finally {
      await reopened.close();
    }
  });

  it("leaves the original untouched when the copy fails", async () => {
    const file = path.join(dir, "not-a-catalog.duckdb");
    const { writeFile, readFile } = await import("node:fs/promises");
    await writeFile(file, "not a database");
    await expect(compactCatalogFile(file)).rejects.toThrow();
    expect(await readFile(file, "utf8")).toBe("not a database");
    expect(existsSync(`${file}.compact-${process.pid}`)).toBe(false);
  });
});
