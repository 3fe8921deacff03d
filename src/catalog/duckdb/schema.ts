import type { DuckDBConnection } from "@duckdb/node-api";
import { currentFirstSql } from "../current-version.js";
import { hash32 } from "../embeddings/feature-hashing.js";
import { columnDdl, SQL_TYPE } from "../sql-engine/sql-types.js";
import {
  ATTRIBUTE_COLUMNS,
  CHANNEL_COLUMNS,
  CHILD_ORDER,
  type ColumnKind,
  type ColumnSpec,
  FILE_COLUMNS,
  PART_COLUMNS,
  PART_STAT_COLUMNS,
  CATALOG_SCHEMA as SCHEMA,
  STAT_COLUMNS,
  VALIDATION_RESULT_COLUMNS,
} from "../tables.js";

export { SCHEMA };

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/**
 * Forward-only migrations, applied in order inside one transaction each and recorded in
 * `exr_metadata.schema_migrations`. Never edit a released migration: append a new one.
 *
 * Deviations from the seed, each forced by DuckDB or by correctness:
 * - `attributes` is keyed on (file_id, part_index, attribute_index): the stored position, because a damaged header
 *   may repeat a name and the catalog keeps every attribute (lossless); the seed's key would drop one.
 * - the seed's secondary indexes are not created: DuckDB prunes scans with min/max zonemaps, and every ART index
 *   slows bulk ingestion; the PRIMARY/UNIQUE keys (which DuckDB enforces with ART indexes) are all kept.
 * - no ON DELETE CASCADE (DuckDB has none) and DuckDB refuses to delete a parent row in the same transaction as
 *   its children; the adapter therefore deletes children and marks parents `pending_delete` in one transaction,
 *   then deletes the parents; a marked parent is invisible to `current_files` and finished by the next write.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    // Stryker disable next-line StringLiteral: a label recorded in schema_migrations for people reading it; no code reads it back
    name: "seed tables with keys, additions, current_files view",
    statements: [
      `CREATE TABLE ${SCHEMA}.files (
  ${columnDdl(FILE_COLUMNS)},
  pending_delete BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (file_id),
  UNIQUE (file_path_normalized, header_hash)
)`,
      `CREATE TABLE ${SCHEMA}.parts (
  ${columnDdl(PART_COLUMNS)},
  PRIMARY KEY (file_id, part_index),
  FOREIGN KEY (file_id) REFERENCES ${SCHEMA}.files (file_id)
)`,
      `CREATE TABLE ${SCHEMA}.channels (
  ${columnDdl(CHANNEL_COLUMNS)},
  PRIMARY KEY (file_id, part_index, channel_name),
  FOREIGN KEY (file_id) REFERENCES ${SCHEMA}.files (file_id)
)`,
      `CREATE TABLE ${SCHEMA}.attributes (
  ${columnDdl(ATTRIBUTE_COLUMNS)},
  PRIMARY KEY (file_id, part_index, attribute_index),
  FOREIGN KEY (file_id) REFERENCES ${SCHEMA}.files (file_id)
)`,
      `CREATE VIEW ${SCHEMA}.current_files AS
SELECT * EXCLUDE (pending_delete) FROM ${SCHEMA}.files
WHERE NOT pending_delete
QUALIFY row_number() OVER (
  PARTITION BY file_path_normalized ORDER BY ${currentFirstSql()}
) = 1`,
    ],
  },
];

/** Bits of the SimHash sketch of `metadata_embedding` (one UBIGINT). */
export const SKETCH_BITS = 64;

/** Deterministic hyperplanes of the sketch: uniform in [-0.5, 0.5), from a hash so every database agrees. */
function sketchPlanesSql(): string {
  const rows: string[] = [];
  for (let bit = 0; bit < SKETCH_BITS; bit++) {
    const plane = Array.from({ length: 384 }, (_, d) =>
      (hash32(`sketch-plane:${bit}:${d}`) / 2 ** 32 - 0.5).toFixed(6),
    );
    rows.push(`(${bit}, [${plane.join(",")}]::FLOAT[384])`);
  }
  return rows.join(",\n");
}

/** SimHash sketch of the embeddings of table alias `g`, grouped by `g.file_id`, over the planes `p`. */
const SKETCH_AGGREGATE = `bit_or(CASE WHEN array_inner_product(g.metadata_embedding, p.plane) > 0 THEN (1::UBIGINT << p.bit)
                ELSE 0::UBIGINT END) AS sketch`;

/**
 * `(file_id, sketch)` of every row of `source` (aliased `g`, with `file_id` and `metadata_embedding`) that has an
 * embedding and matches `where`; joined by the bulk insert so new files get their sketch without an update.
 */
export function sketchesOf(source: string, where = "g.metadata_embedding IS NOT NULL"): string {
  return `SELECT g.file_id,
         ${SKETCH_AGGREGATE}
  FROM ${source} g, ${SCHEMA}.embedding_planes p
  WHERE ${where}
  GROUP BY g.file_id`;
}

/**
 * `(file_id, sketch)` of every row of `source` (with `file_id` and `metadata_embedding`) that has an embedding, each
 * distinct embedding's sketch computed once: the frames of a sequence share their embedding, and its 64 inner
 * products of 384 floats cost more than matching it (the bulk insert's sketches of a 20,000-file scan: ≈ 0.4 s of
 * DuckDB's CPU in a profile). The same sketches as `sketchesOf`.
 */
export function sketchesByEmbeddingOf(source: string): string {
  return `SELECT v.file_id, d.sketch FROM ${source} v JOIN (
    SELECT g.metadata_embedding, ${SKETCH_AGGREGATE}
    FROM (SELECT DISTINCT metadata_embedding FROM ${source} WHERE metadata_embedding IS NOT NULL) g, ${SCHEMA}.embedding_planes p
    GROUP BY g.metadata_embedding
  ) d ON v.metadata_embedding = d.metadata_embedding`;
}

/** Fills `embedding_sketch` for rows that have an embedding but no sketch yet (imports, migration). */
export const BACKFILL_SKETCHES = `UPDATE ${SCHEMA}.files AS f SET embedding_sketch = s.sketch
FROM (
  ${sketchesOf(`${SCHEMA}.files`, "g.embedding_sketch IS NULL AND g.metadata_embedding IS NOT NULL")}
) AS s
WHERE f.file_id = s.file_id`;

MIGRATIONS.push({
  version: 2,
  // Stryker disable next-line StringLiteral: a label recorded in schema_migrations for people reading it; no code reads it back
  name: "SimHash sketch of metadata_embedding for fast similar on large catalogs",
  statements: [
    `CREATE TABLE ${SCHEMA}.embedding_planes (bit INTEGER PRIMARY KEY, plane FLOAT[384] NOT NULL)`,
    `INSERT INTO ${SCHEMA}.embedding_planes VALUES ${sketchPlanesSql()}`,
    `ALTER TABLE ${SCHEMA}.files ADD COLUMN embedding_sketch UBIGINT`,
    BACKFILL_SKETCHES,
  ],
});

MIGRATIONS.push({
  version: 3,
  // Stryker disable next-line StringLiteral: a label recorded in schema_migrations for people reading it; no code reads it back
  name: "files.etag: the ETag of an inspected object (scan s3:// skips unchanged objects by ETag and size)",
  // Databases created from version 3 on get the column from FILE_COLUMNS in migration 1.
  statements: [`ALTER TABLE ${SCHEMA}.files ADD COLUMN IF NOT EXISTS etag VARCHAR`],
});

MIGRATIONS.push({
  version: 4,
  // Stryker disable next-line StringLiteral: a label recorded in schema_migrations for people reading it; no code reads it back
  name: "validation_results: policy verdicts per file, policy and rule (scan --policy)",
  // No foreign key to files: cleanup deletes a file's verdicts with its children (see the note above).
  statements: [
    `CREATE TABLE ${SCHEMA}.validation_results (
  ${columnDdl(VALIDATION_RESULT_COLUMNS)},
  PRIMARY KEY (file_id, policy_id, rule_id)
)`,
  ],
});

/**
 * The type of a column in the DuckDB catalog: its kind's, except `channels.channel_fingerprint`, a `FLOAT[]` list
 * from migration 5 on (the seed's `ARRAY<FLOAT32>`): only the first channel of a file has one, and a NULL
 * `FLOAT[128]` stores 128 null floats where a NULL list stores none.
 */
export function catalogSqlType(column: { name: string; kind: ColumnKind }): string {
  return column.name === "channel_fingerprint" ? "FLOAT[]" : SQL_TYPE[column.kind];
}

/** Child tables rebuilt by migration 5 (their columns from tables.ts, no keys). */
const KEYLESS_CHILDREN = [
  ["parts", PART_COLUMNS],
  ["channels", CHANNEL_COLUMNS],
  ["attributes", ATTRIBUTE_COLUMNS],
] as const;

function keylessChildDdl(table: string, columns: readonly ColumnSpec<unknown>[]): string {
  const defs = columns.map((c) => {
    return `${c.name} ${catalogSqlType(c)}${c.notNull ? " NOT NULL" : ""}`;
  });
  return `CREATE TABLE ${SCHEMA}.${table}_keyless (\n  ${defs.join(",\n  ")}\n)`;
}

MIGRATIONS.push({
  version: 5,
  // Stryker disable next-line StringLiteral: a label recorded in schema_migrations for people reading it; no code reads it back
  name: "child tables without indexes (keys held by construction, checked by `db check`); channel_fingerprint FLOAT[]",
  // Measured (docs/notes/catalog-bench.md): the children's primary and foreign keys (four ART indexes over ~45 rows
  // per file) doubled the bulk insert and took two thirds of the catalog file; a NULL FLOAT[128] stores 128 null
  // floats, a NULL FLOAT[] none. Children are written only with their new file, in its transaction, so their keys
  // hold by construction; `exr-inspector db check` (KEY_CHECKS) verifies them.
  statements: KEYLESS_CHILDREN.flatMap(([table, columns]) => [
    keylessChildDdl(table, columns as readonly ColumnSpec<unknown>[]),
    `INSERT INTO ${SCHEMA}.${table}_keyless SELECT ${columns.map((c) => c.name).join(", ")} FROM ${SCHEMA}.${table} ORDER BY ${[
      "file_id",
      ...CHILD_ORDER[table],
    ].join(", ")}`,
    `DROP TABLE ${SCHEMA}.${table}`,
    `ALTER TABLE ${SCHEMA}.${table}_keyless RENAME TO ${table}`,
  ]),
});

MIGRATIONS.push({
  version: 6,
  // Stryker disable next-line StringLiteral: a label recorded in schema_migrations for people reading it; no code reads it back
  name: "stats and part_stats: pixel statistics per channel and level, pixel hash per part (scan --stats)",
  // No foreign key to files, as for validation_results: cleanup deletes a file's statistics with its children.
  statements: [
    `CREATE TABLE ${SCHEMA}.stats (
  ${columnDdl(STAT_COLUMNS)},
  PRIMARY KEY (file_id, part_index, level_x, level_y, channel_name)
)`,
    `CREATE TABLE ${SCHEMA}.part_stats (
  ${columnDdl(PART_STAT_COLUMNS)},
  PRIMARY KEY (file_id, part_index)
)`,
  ],
});

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Applies every migration newer than the database's version. Idempotent. */
export async function migrate(connection: DuckDBConnection): Promise<number[]> {
  await connection.run(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
  await connection.run(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (
  version INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL,
  applied_at TIMESTAMP NOT NULL
)`);
  const reader = await connection.runAndReadAll(
    `SELECT coalesce(max(version), 0) FROM ${SCHEMA}.schema_migrations`,
  );
  const current = Number(reader.getRows()[0]?.[0] ?? 0);
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await connection.run("BEGIN TRANSACTION");
    try {
      for (const sql of m.statements) await connection.run(sql);
      await connection.run(`INSERT INTO ${SCHEMA}.schema_migrations VALUES ($1, $2, now()::TIMESTAMP)`, [
        m.version,
        m.name,
      ]);
      await connection.run("COMMIT");
    } catch (err) {
      await connection.run("ROLLBACK");
      throw err;
    }
    applied.push(m.version);
  }
  return applied;
}
