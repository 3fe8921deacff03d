/**
 * duckdb/schema.ts: the migrations applied to a catalog that already holds rows (a version-1 catalog upgraded to the
 * latest keeps every row, backfills the sketches, rebuilds the child tables without keys in key order) and the
 * SimHash sketch against its definition computed here (64 planes from hash32, bit b set when the inner product
 * with plane b is positive).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../../src/catalog/build-record.js";
import { DuckDbCatalogStore } from "../../../src/catalog/duckdb/duckdb-store.js";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from "../../../src/catalog/duckdb/schema.js";
import { hash32 } from "../../../src/catalog/embeddings/feature-hashing.js";
import type { CatalogRecord } from "../../../src/catalog/rows.js";
import { ATTRIBUTE_COLUMNS, CHANNEL_COLUMNS, PART_COLUMNS } from "../../../src/catalog/tables.js";
import { fixture } from "../fixtures.js";

const T0 = new Date("2026-03-01T10:00:00.000Z");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-duckdb-schema-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function records(): CatalogRecord[] {
  return [
    buildRecord(fixture({ path: "/m/a.exr", parts: 2 }), { now: T0 }),
    buildRecord(fixture({ path: "/m/b.exr", pass: "cryptomatte", renderer: "vray" }), { now: T0 }),
    buildRecord(fixture({ path: "/m/c.exr", pass: "depth", renderer: "karma" }), { now: T0 }),
  ];
}

/** The sketch by its definition: plane values rounded to 6 decimals, read as FLOAT; bit b when e · plane_b > 0. */
function expectedSketch(embedding: Float32Array): bigint {
  let sketch = 0n;
  for (let bit = 0; bit < 64; bit++) {
    let dot = 0;
    for (let d = 0; d < 384; d++) {
      const plane = Math.fround(Number((hash32(`sketch-plane:${bit}:${d}`) / 2 ** 32 - 0.5).toFixed(6)));
      dot += embedding[d]! * plane;
    }
    if (dot > 0) sketch |= 1n << BigInt(bit);
  }
  return sketch;
}

const asBigInt = (v: unknown) => BigInt(v as bigint | number | string);

/** The schema as migration 1 left it: its tables and a migrations table that records version 1. */
async function createVersion1Schema(c: DuckDBConnection): Promise<void> {
  await c.run("CREATE SCHEMA exr_metadata");
  for (const sql of MIGRATIONS[0]!.statements) await c.run(sql);
  await c.run(
    "CREATE TABLE exr_metadata.schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)",
  );
  await c.run("INSERT INTO exr_metadata.schema_migrations VALUES (1, 'v1', TIMESTAMP '2026-01-01 00:00:00')");
}

describe("duckdb schema migrations", () => {
  it("a version-1 catalog with rows upgrades to the latest: rows kept, sketches backfilled, children keyless in key order", async () => {
    const recs = records();
    // The rows as the current write path stores them (a current catalog), to copy into the old one.
    const sourceFile = path.join(dir, "source.duckdb");
    const source = await DuckDbCatalogStore.open(sourceFile);
    await source.init();
    await source.upsertBatch(recs, T0);
    await source.close();

    // A catalog as migration 1 left it, rows written in descending key order (migration 5 must sort them).
    const oldFile = path.join(dir, "v1.duckdb");
    const raw = await DuckDBInstance.create(oldFile);
    const c = await raw.connect();
    await createVersion1Schema(c);
    await c.run(`ATTACH '${sourceFile}' AS src (READ_ONLY)`);
    await c.run(
      "INSERT INTO exr_metadata.files BY NAME SELECT * EXCLUDE (embedding_sketch) FROM src.exr_metadata.files ORDER BY file_id DESC",
    );
    for (const table of ["parts", "channels", "attributes"]) {
      await c.run(
        `INSERT INTO exr_metadata.${table} BY NAME SELECT * FROM src.exr_metadata.${table} ORDER BY ALL DESC`,
      );
    }
    await c.run("DETACH src");
    expect(await migrate(c)).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
    expect(await migrate(c)).toEqual([]);
    const versions = await c.runAndReadAll(
      "SELECT version, name, applied_at > TIMESTAMP '2026-01-01 00:00:00' FROM exr_metadata.schema_migrations ORDER BY version",
    );
    expect(versions.getRowsJS()).toEqual([
      [1, "v1", false],
      ...MIGRATIONS.slice(1).map((m) => [m.version, m.name, true]),
    ]);
    c.closeSync();
    raw.closeSync();

    const store = await DuckDbCatalogStore.open(oldFile);
    try {
      await store.init();
      expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      for (const r of recs) expect(await store.getRecord(r.file.file_id)).toEqual(r);
      expect(await store.counts()).toEqual({
        files: 3,
        parts: recs.reduce((n, r) => n + r.parts.length, 0),
        channels: recs.reduce((n, r) => n + r.channels.length, 0),
        attributes: recs.reduce((n, r) => n + r.attributes.length, 0),
      });

      // Backfilled by migration 2: the sketch by its definition, as the write path computes it for new files.
      const sketches = (await store.query("SELECT file_id, embedding_sketch FROM files ORDER BY file_id"))
        .rows;
      const byId = new Map(recs.map((r) => [r.file.file_id, r]));
      expect(sketches).toHaveLength(3);
      for (const [id, sketch] of sketches) {
        const r = byId.get(String(id))!;
        expect(asBigInt(sketch)).toBe(expectedSketch(Float32Array.from(r.file.metadata_embedding!)));
      }

      // Migration 5: rows in key order (a plain scan keeps the insertion order), no keys but NOT NULL, the
      // fingerprint a list.
      const order: Record<string, string> = {
        parts: "file_id, part_index",
        channels: "file_id, part_index, channel_name",
        attributes: "file_id, part_index, attribute_index",
      };
      for (const [table, columns] of Object.entries(order)) {
        const plain = (await store.query(`SELECT ${columns} FROM ${table}`)).rows;
        const sorted = (await store.query(`SELECT ${columns} FROM ${table} ORDER BY ${columns}`)).rows;
        expect(plain, table).toEqual(sorted);
        expect(plain.length, table).toBeGreaterThan(3);
      }
      const constraints = await store.query(
        `SELECT table_name, constraint_type, count(*) FROM duckdb_constraints()
         WHERE schema_name = 'exr_metadata' AND table_name IN ('parts', 'channels', 'attributes')
         GROUP BY ALL ORDER BY ALL`,
      );
      const notNull = (cols: readonly { notNull?: boolean }[]) => cols.filter((col) => col.notNull).length;
      expect(constraints.rows.map(([t, k, n]) => [t, k, Number(n)])).toEqual([
        ["attributes", "NOT NULL", notNull(ATTRIBUTE_COLUMNS)],
        ["channels", "NOT NULL", notNull(CHANNEL_COLUMNS)],
        ["parts", "NOT NULL", notNull(PART_COLUMNS)],
      ]);
      const types = await store.query(
        `SELECT table_name, data_type FROM information_schema.columns
         WHERE table_schema = 'exr_metadata' AND table_name IN ('files', 'channels')
           AND column_name IN ('channel_fingerprint', 'etag', 'embedding_sketch')
         ORDER BY ALL`,
      );
      expect(types.rows).toEqual([
        ["channels", "FLOAT[]"],
        ["files", "UBIGINT"],
        ["files", "VARCHAR"],
      ]);
      const tables = await store.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'exr_metadata' ORDER BY 1",
      );
      expect(tables.rows.map(([t]) => t)).toEqual([
        "attributes",
        "channels",
        "current_files",
        "embedding_planes",
        "files",
        "part_stats",
        "parts",
        "schema_migrations",
        "stats",
        "validation_results",
      ]);
    } finally {
      await store.close();
    }
  });

  it("new files get the sketch of their embedding from the bulk insert; the 64 planes are the hashed ones", async () => {
    const recs = records();
    const store = await DuckDbCatalogStore.open(":memory:");
    try {
      await store.init();
      await store.upsertBatch(recs, T0);
      for (const r of recs) {
        const row = (
          await store.query(`SELECT embedding_sketch FROM files WHERE file_id = '${r.file.file_id}'`)
        ).rows[0];
        expect(asBigInt(row?.[0])).toBe(expectedSketch(Float32Array.from(r.file.metadata_embedding!)));
      }
      const planes = await store.query(
        "SELECT count(*), min(bit), max(bit), count(DISTINCT plane) FROM embedding_planes",
      );
      expect(planes.rows.map((row) => row.map(Number))).toEqual([[64, 0, 63, 64]]);
      const corner = await store.query(
        "SELECT bit, plane[1], plane[384] FROM embedding_planes WHERE bit IN (0, 63) ORDER BY bit",
      );
      const value = (bit: number, d: number) =>
        Math.fround(Number((hash32(`sketch-plane:${bit}:${d}`) / 2 ** 32 - 0.5).toFixed(6)));
      expect(corner.rows).toEqual([
        [0, value(0, 0), value(0, 383)],
        [63, value(63, 0), value(63, 383)],
      ]);
    } finally {
      await store.close();
    }
  });

  it("a migration that fails is rolled back whole: the version and tables stay as they were, the connection usable", async () => {
    const raw = await DuckDBInstance.create(":memory:");
    const c = await raw.connect();
    try {
      await createVersion1Schema(c);
      // Migration 2 adds a column that is already there: its ALTER fails after its first two statements ran.
      await c.run("ALTER TABLE exr_metadata.files ADD COLUMN embedding_sketch UBIGINT");
      await expect(migrate(c)).rejects.toThrow(/embedding_sketch/);
      const state = await c.runAndReadAll(
        `SELECT (SELECT max(version) FROM exr_metadata.schema_migrations),
                (SELECT count(*) FROM information_schema.tables WHERE table_name = 'embedding_planes')`,
      );
      expect(state.getRowsJS()).toEqual([[1, 0n]]);
    } finally {
      c.closeSync();
      raw.closeSync();
    }
  });
});
