import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance, VARCHAR } from "@duckdb/node-api";
import { backupTableFile, checkBackupManifest, writeBackupManifest } from "../backup-manifest.js";
import { currentFirstSql, newerVersionSql } from "../current-version.js";
import { pixelStatsByFile } from "../pixel-stats.js";
import type {
  CatalogStore,
  CleanupResult,
  KnownFileState,
  KnownPathStates,
  QueryResult,
  SimilarHit,
  TableCounts,
  UpsertOutcome,
} from "../port.js";
import { EmptyQueryError, openSandboxedFile, runSandboxedQuery, sandbox } from "../query-sandbox.js";
import type {
  AttributeRow,
  CatalogRecord,
  ChannelRow,
  FileRow,
  PartRow,
  PixelStatsSet,
  ValidationResultRow,
} from "../rows.js";
import { appendRows } from "../sql-engine/appenders.js";
import { sqlString, sqlTimestamp } from "../sql-engine/sql-literals.js";
import { rowFromObject } from "../sql-engine/values.js";
import {
  ATTRIBUTE_COLUMNS,
  CATALOG_TABLES,
  CHANNEL_COLUMNS,
  CHILD_ORDER,
  type ColumnSpec,
  FILE_COLUMNS,
  PART_COLUMNS,
  PART_STAT_COLUMNS,
  PIXEL_STATS_TABLES,
  STAT_COLUMNS,
  STORED_TABLES,
  VALIDATION_RESULT_COLUMNS,
} from "../tables.js";
import { dedupeBatch, upsertOutcomes } from "../upsert-batch.js";
import { verdictSets } from "../validation-results.js";
import { BulkWriter } from "./bulk-writer.js";
import { BACKFILL_SKETCHES, migrate, SCHEMA } from "./schema.js";

export interface DuckDbStoreOptions {
  /** Open the database file read-only (sql, similar, report, export). */
  readOnly?: boolean;
  /** DuckDB's `threads` (default: one per core). */
  threads?: number;
}

const CHILD_TABLES = ["attributes", "channels", "parts"] as const;
/** (file_id, policy_id) pairs per DELETE of earlier verdicts. */
const VERDICT_PAIRS_PER_DELETE = 1000;
/** Up to this many files `similar` is exact (brute-force cosine); above, sketch-prefiltered then exact. */
export const EXACT_SIMILAR_MAX_FILES = 20_000;
const SKETCH_CANDIDATES = 1_000;
/**
 * The storage format a new catalog file is written in (DuckDB writes the oldest readable format, v0.10, unless
 * told): from v1.3 strings are compressed with ZSTD and dictionary+FSST, which took a 20,000-file catalog's
 * data from ~135 to ~30 MB (attribute values are long repeated texts: channel lists, Cryptomatte manifests).
 * Such a file is readable by DuckDB 1.3 and newer; an existing file keeps the format it was created with.
 */
export const STORAGE_VERSION = "v1.3.0";
/**
 * DuckDB's buffer pool for a writable catalog file (its default is 80 % of RAM). Rows a scan commits stay in
 * memory until a checkpoint writes them to the file; above the limit they spill to `<db>.tmp`. Measured on a
 * 20,000-file scan (2026-12-07, load ≈ 24): DuckDB's own memory 170–450 MB by default, 50–170 MB at 200 MB, the
 * same CPU time. With the columnar child rows (2026-12-08, load 6–8): the scan's peak RSS 768–785 MB at 256 MB,
 * 617–639 MB at 128 MB (CPU +0.7 s of ≈ 13); 64 MB ran out of memory (the open generation's rows cannot be
 * evicted).
 */
const MEMORY_LIMIT = "128MB";
/**
 * DuckDB hands memory back to the system (jemalloc) after a task once its peak passed this (its default: 128 MB,
 * kept as reserve between tasks). Measured on a 20,000-file scan (2026-12-07, load ≈ 22): peak RSS 849 → 714 MB
 * at 8 MB with the same CPU; 16 MB keeps a little reserve. (`allocator_background_threads` crashed at close.)
 */
const ALLOCATOR_FLUSH_THRESHOLD = "16MB";
/**
 * Checkpoint once the WAL holds this much (DuckDB's default: 16 MB). Committed rows live in memory until then.
 * It was 1 GB while the child tables had key indexes, which every checkpoint rewrote; only `files` has them now.
 */
const CHECKPOINT_THRESHOLD = "64MB";

function embeddingLiteral(embedding: Float32Array | number[]): string {
  const values = Array.from(embedding, (v) => (Number.isFinite(v) ? String(v) : "0"));
  return `[${values.join(",")}]::FLOAT[${values.length}]`;
}

/** Serializes use of the single connection: DuckDB transactions are per connection and must not interleave. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** The embedded DuckDB adapter of the catalog port (the default backend). */
export class DuckDbCatalogStore implements CatalogStore {
  readonly backend = "duckdb" as const;
  get location(): string {
    return this.dbPath;
  }
  readonly acceptsEncodedChildren = true;
  private readonly lock = new Mutex();
  /** Skip checks run on their own connection, so a scan's lookups do not wait for the batch being written. */
  private readonly lookupLock = new Mutex();
  private readonly bulk: BulkWriter;
  /** An in-memory store has no file to reopen in the sandbox: its own instance enters it (for good). */
  private memorySandboxed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly lookupConnection: DuckDBConnection,
    private readonly writerConnection: DuckDBConnection,
    readonly dbPath: string,
    readonly readOnly: boolean,
  ) {
    this.bulk = new BulkWriter(connection, writerConnection);
  }

  /** Opens (creating when writable and absent) the database file; `:memory:` for a throw-away catalog. */
  static async open(dbPath: string, options: DuckDbStoreOptions = {}): Promise<DuckDbCatalogStore> {
    const readOnly = options.readOnly ?? false;
    if (dbPath !== ":memory:") await mkdir(path.dirname(path.resolve(dbPath)), { recursive: true });
    const instance = await DuckDBInstance.create(
      dbPath,
      readOnly
        ? { access_mode: "READ_ONLY" }
        : {
            storage_compatibility_version: STORAGE_VERSION,
            ...(options.threads ? { threads: String(options.threads) } : {}),
            ...(dbPath === ":memory:"
              ? {}
              : { memory_limit: MEMORY_LIMIT, allocator_flush_threshold: ALLOCATOR_FLUSH_THRESHOLD }),
          },
    );
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    if (!readOnly) await connection.run(`SET checkpoint_threshold = '${CHECKPOINT_THRESHOLD}'`);
    const lookupConnection = await instance.connect();
    await lookupConnection.run("SET TimeZone = 'UTC'");
    const writerConnection = await instance.connect();
    await writerConnection.run("SET TimeZone = 'UTC'");
    const store = new DuckDbCatalogStore(
      instance,
      connection,
      lookupConnection,
      writerConnection,
      dbPath,
      readOnly,
    );
    await store.applySearchPath();
    return store;
  }

  private async schemaExists(connection: DuckDBConnection): Promise<boolean> {
    const r = await connection.runAndReadAll(
      `SELECT count(*) FROM information_schema.schemata WHERE schema_name = '${SCHEMA}'`,
    );
    return Number(r.getRows()[0]?.[0] ?? 0) > 0;
  }

  /** Lets the seed's unqualified queries (`FROM parts`) resolve to exr_metadata once the schema exists. */
  private async applySearchPath(): Promise<void> {
    if (await this.schemaExists(this.connection)) {
      await this.connection.run(`SET search_path = '${SCHEMA},main'`);
      await this.lookupConnection.run(`SET search_path = '${SCHEMA},main'`);
    }
  }

  init(): Promise<void> {
    return this.committed(async () => {
      await migrate(this.connection);
      await this.applySearchPath();
      await this.finishPendingDeletes();
    });
  }

  /** Schema version recorded in the database (0 when not initialized). */
  schemaVersion(): Promise<number> {
    return this.committed(async () => {
      const r = await this.connection.runAndReadAll(
        `SELECT count(*) FROM information_schema.tables WHERE table_schema = '${SCHEMA}' AND table_name = 'schema_migrations'`,
      );
      // Stryker disable next-line OptionalChaining: count(*) always answers one row
      if (Number(r.getRows()[0]?.[0] ?? 0) === 0) return 0;
      const v = await this.connection.runAndReadAll(
        `SELECT coalesce(max(version), 0) FROM ${SCHEMA}.schema_migrations`,
      );
      // Stryker disable next-line OptionalChaining: coalesce(max(…)) always answers one row
      return Number(v.getRows()[0]?.[0] ?? 0);
    });
  }

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run("BEGIN TRANSACTION");
    try {
      const result = await work();
      await this.connection.run("COMMIT");
      return result;
    } catch (err) {
      await this.connection.run("ROLLBACK");
      throw err;
    }
  }

  /** Deletes parents left marked by an interrupted cleanup (their children are already gone). */
  private async finishPendingDeletes(): Promise<number> {
    const r = await this.connection.run(`DELETE FROM ${SCHEMA}.files WHERE pending_delete`);
    return r.rowsChanged;
  }

  /**
   * Bulk writes (scan): upserted files are committed together once `files` of them are pending (a quarter of
   * that when no commit is running) or at `flush` (and before any read, cleanup, export or close), in the
   * background while the next batches are staged, instead of at the end of every `upsertBatch`: DuckDB moves, checks and commits them in a few large statements (far less work
   * than many small ones). Until then they are invisible to `knownState`; a failed commit rolls back its files
   * and is thrown by the next `upsertBatch` or `flush`. 0 (the default): every `upsertBatch` commits before it
   * returns and throws its own failure.
   */
  setWriteBuffer(files: number): void {
    this.bulk.writeBuffer = Math.max(0, Math.floor(files));
  }

  /** Runs `task` on the connection once the files upserted so far are committed (every read and write but upserts). */
  private committed<T>(task: () => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      await this.bulk.flush();
      return task();
    });
  }

  /** Commits the files upserted so far and waits for it. */
  flush(): Promise<void> {
    return this.lock.run(() => this.bulk.flush());
  }

  upsertBatch(records: CatalogRecord[], now: Date = new Date()): Promise<UpsertOutcome[]> {
    return this.lock.run(async () => {
      if (records.length === 0) return [];
      const { unique, occurrences } = dedupeBatch(records);
      const existingIds = await this.bulk.upsert(unique, occurrences, now);
      return upsertOutcomes(records, (id) => !existingIds.has(id));
    });
  }

  knownState(paths: string[]): Promise<Map<string, KnownFileState>> {
    // Committed rows only: a batch still being written holds other paths (the walk yields each path once).
    return this.lookupLock.run(async () => {
      const out = new Map<string, KnownFileState>();
      if (paths.length === 0) return out;
      await this.lookupConnection.run(
        "CREATE OR REPLACE TEMP TABLE known_query (file_path_normalized VARCHAR)",
      );
      try {
        const appender = await this.lookupConnection.createAppender("known_query", "main", "temp");
        for (const p of paths) {
          appender.appendValue(p, VARCHAR);
          appender.endRow();
        }
        appender.closeSync();
        const reader = await this.lookupConnection.runAndReadAll(
          `SELECT f.file_path_normalized, f.file_id, f.size_bytes, f.mtime, f.etag
           FROM ${SCHEMA}.files f SEMI JOIN known_query q USING (file_path_normalized)
           WHERE NOT f.pending_delete
           QUALIFY row_number() OVER (PARTITION BY f.file_path_normalized
             ORDER BY ${currentFirstSql("f")}) = 1`,
        );
        for (const [p, id, size, mtime, etag] of reader.getRowsJS()) {
          out.set(String(p), {
            file_path_normalized: String(p),
            file_id: String(id),
            size_bytes: size === null ? null : Number(size),
            mtime: mtime instanceof Date ? mtime.toISOString() : null,
            etag: etag === null || etag === undefined ? null : String(etag),
          });
        }
        // Stryker disable next-line BlockStatement: the next lookup replaces the connection's temp table (CREATE OR REPLACE); dropping it only frees it early
      } finally {
        // Stryker disable next-line StringLiteral: the next lookup replaces the connection's temp table (CREATE OR REPLACE); dropping it only frees it early
        await this.lookupConnection.run("DROP TABLE IF EXISTS known_query");
      }
      return out;
    });
  }

  knownStatesUnder(roots: string[]): Promise<KnownPathStates> {
    return this.lookupLock.run(async () => {
      const empty = { paths: [], sizes: new Float64Array(0), mtimesMs: new Float64Array(0) };
      if (roots.length === 0) return empty;
      const under = roots
        .map(
          (r) =>
            `f.file_path_normalized = ${sqlString(r)} OR starts_with(f.file_path_normalized, ${sqlString(r.endsWith("/") ? r : `${r}/`)})`,
        )
        .join(" OR ");
      const reader = await this.lookupConnection.runAndReadAll(
        `SELECT f.file_path_normalized, f.size_bytes::DOUBLE, epoch_ms(f.mtime)::DOUBLE
         FROM ${SCHEMA}.files f
         WHERE NOT f.pending_delete AND (${under})
         QUALIFY row_number() OVER (PARTITION BY f.file_path_normalized ORDER BY ${currentFirstSql("f")}) = 1`,
      );
      const [paths = [], sizes = [], mtimes = []] = reader.getColumnsJS() as [
        string[],
        (number | null)[],
        (number | null)[],
      ];
      if (paths.length === 0) return empty;
      return {
        paths,
        sizes: Float64Array.from(sizes, (v) => v ?? Number.NaN),
        mtimesMs: Float64Array.from(mtimes, (v) => v ?? Number.NaN),
      };
    });
  }

  similar(
    query: { file_id: string } | { embedding: Float32Array | number[] },
    k: number,
  ): Promise<SimilarHit[]> {
    return this.committed(async () => {
      const limit = Math.max(0, Math.floor(k));
      if (limit === 0) return [];
      let target: string;
      let exclude = "";
      if ("file_id" in query) {
        target = `(SELECT metadata_embedding FROM ${SCHEMA}.files WHERE file_id = ${sqlString(query.file_id)})`;
        exclude = `AND file_id <> ${sqlString(query.file_id)}`;
      } else {
        target = embeddingLiteral(query.embedding);
      }
      // Nearest rows first (one vectorized scan of the embedding column), then keep the current version of each
      // path. Old versions are rare, so a small over-fetch almost always suffices; if not, widen the search.
      const total = Number(
        (await this.connection.runAndReadAll(`SELECT count(*) FROM ${SCHEMA}.files`)).getRows()[0]?.[0] ?? 0,
      );
      // Above EXACT_SIMILAR_MAX_FILES the scan is narrowed first by the SimHash sketch (Hamming distance of 64
      // bits, a few ms for 100k rows) to SKETCH_CANDIDATES rows, which are then ranked by exact cosine distance.
      const approximate = total > EXACT_SIMILAR_MAX_FILES;
      for (let fetch = limit * 4 + 16; ; fetch *= 8) {
        const source = approximate
          ? `(SELECT * FROM ${SCHEMA}.files WHERE rowid IN (
               SELECT g.rowid FROM ${SCHEMA}.files g,
                 (SELECT bit_or(CASE WHEN array_inner_product(${target}, p.plane) > 0 THEN (1::UBIGINT << p.bit)
                                     ELSE 0::UBIGINT END) AS s FROM ${SCHEMA}.embedding_planes p) q
               WHERE g.embedding_sketch IS NOT NULL AND NOT g.pending_delete
               ORDER BY bit_count(xor(g.embedding_sketch, q.s))
               LIMIT ${Math.max(SKETCH_CANDIDATES, fetch)}))`
          : `${SCHEMA}.files`;
        const reader = await this.connection.runAndReadAll(
          `WITH nearest AS (
             SELECT file_id, file_path, file_path_normalized, last_inspected, inspection_timestamp,
                    array_cosine_distance(metadata_embedding, ${target}) AS distance
             FROM ${source}
             WHERE metadata_embedding IS NOT NULL AND NOT pending_delete ${exclude}
             ORDER BY distance, file_id
             LIMIT ${fetch})
           SELECT n.file_id, n.file_path, n.distance
           FROM nearest n
           WHERE NOT EXISTS (
             SELECT 1 FROM ${SCHEMA}.files g
             WHERE g.file_path_normalized = n.file_path_normalized AND NOT g.pending_delete AND g.file_id <> n.file_id
               AND (${newerVersionSql("g", "n")}))
           ORDER BY n.distance, n.file_id
           LIMIT ${limit}`,
        );
        const rows = reader.getRowsJS();
        if (rows.length >= limit || fetch >= total) {
          const hits: SimilarHit[] = [];
          for (const [id, p, d] of rows) {
            if (d === null) continue;
            hits.push({ file_id: String(id), file_path: String(p), distance: Number(d) });
          }
          return hits;
        }
      }
    });
  }

  getRecord(file_id: string): Promise<CatalogRecord | null> {
    return this.committed(async () => {
      const where = `WHERE file_id = ${sqlString(file_id)}`;
      const select = async <Row>(table: string, columns: ColumnSpec<Row>[], order: string) => {
        const r = await this.connection.runAndReadAll(
          `SELECT ${columns.map((c) => c.name).join(", ")} FROM ${SCHEMA}.${table} ${where} ORDER BY ${order}`,
        );
        return r.getRowObjectsJS().map((o) => rowFromObject(columns, o as Record<string, unknown>));
      };
      const files = await select<FileRow>("files", FILE_COLUMNS, "file_id");
      const file = files[0];
      if (!file) return null;
      return {
        file,
        parts: await select<PartRow>("parts", PART_COLUMNS, CHILD_ORDER.parts.join(", ")),
        channels: await select<ChannelRow>("channels", CHANNEL_COLUMNS, CHILD_ORDER.channels.join(", ")),
        attributes: await select<AttributeRow>(
          "attributes",
          ATTRIBUTE_COLUMNS,
          CHILD_ORDER.attributes.join(", "),
        ),
      };
    });
  }

  counts(): Promise<TableCounts> {
    return this.committed(async () => {
      const r = await this.connection.runAndReadAll(
        `SELECT (SELECT count(*) FROM ${SCHEMA}.files WHERE NOT pending_delete),
                (SELECT count(*) FROM ${SCHEMA}.parts),
                (SELECT count(*) FROM ${SCHEMA}.channels),
                (SELECT count(*) FROM ${SCHEMA}.attributes)`,
      );
      const [files, parts, channels, attributes] = (r.getRows()[0] ?? []).map(Number);
      return { files: files ?? 0, parts: parts ?? 0, channels: channels ?? 0, attributes: attributes ?? 0 };
    });
  }

  /**
   * Runs SELECT statements only, in the query sandbox (query-sandbox.ts): on a read-only instance of the catalog
   * file opened for this query, so it sees everything committed so far and nothing else on this machine.
   */
  query(sql: string): Promise<QueryResult> {
    if (sql.trim() === "") return Promise.reject(new EmptyQueryError());
    return this.committed(async () => {
      if (this.dbPath === ":memory:") {
        if (!this.memorySandboxed) await sandbox(this.connection);
        this.memorySandboxed = true;
        return runSandboxedQuery(this.connection, sql);
      }
      const sandboxed = await openSandboxedFile(this.dbPath);
      try {
        if (await this.schemaExists(sandboxed.connection)) {
          await sandboxed.connection.run(`SET search_path = '${SCHEMA},main'`);
        }
        return await runSandboxedQuery(sandboxed.connection, sql);
      } finally {
        sandboxed.close();
      }
    });
  }

  putValidationResults(rows: ValidationResultRow[]): Promise<void> {
    return this.committed(async () => {
      const sets = [...verdictSets(rows).values()];
      if (sets.length === 0) return;
      await this.transaction(async () => {
        for (let i = 0; i < sets.length; i += VERDICT_PAIRS_PER_DELETE) {
          const pairs = sets
            .slice(i, i + VERDICT_PAIRS_PER_DELETE)
            .map((p) => `(${sqlString(p.file_id)}, ${sqlString(p.policy_id)})`);
          await this.connection.run(
            `DELETE FROM ${SCHEMA}.validation_results WHERE (file_id, policy_id) IN (${pairs.join(", ")})`,
          );
        }
        await appendRows(
          this.connection,
          SCHEMA,
          "validation_results",
          VALIDATION_RESULT_COLUMNS,
          sets.flatMap((p) => p.rows),
        );
      });
    });
  }

  putPixelStats(sets: PixelStatsSet[]): Promise<void> {
    return this.committed(async () => {
      const byFile = [...pixelStatsByFile(sets).values()];
      if (byFile.length === 0) return;
      await this.transaction(async () => {
        for (let i = 0; i < byFile.length; i += VERDICT_PAIRS_PER_DELETE) {
          const ids = byFile.slice(i, i + VERDICT_PAIRS_PER_DELETE).map((s) => sqlString(s.file_id));
          for (const table of PIXEL_STATS_TABLES)
            await this.connection.run(`DELETE FROM ${SCHEMA}.${table} WHERE file_id IN (${ids.join(", ")})`);
        }
        await appendRows(
          this.connection,
          SCHEMA,
          "stats",
          STAT_COLUMNS,
          byFile.flatMap((s) => s.stats),
        );
        await appendRows(
          this.connection,
          SCHEMA,
          "part_stats",
          PART_STAT_COLUMNS,
          byFile.flatMap((s) => s.parts),
        );
      });
    });
  }

  filesWithPixelStats(fileIds: string[]): Promise<Set<string>> {
    // Committed rows only, like knownState (a scan asks this right after it).
    return this.lookupLock.run(async () => {
      const out = new Set<string>();
      for (let i = 0; i < fileIds.length; i += VERDICT_PAIRS_PER_DELETE) {
        const ids = fileIds.slice(i, i + VERDICT_PAIRS_PER_DELETE).map(sqlString);
        const r = await this.lookupConnection.runAndReadAll(
          `SELECT DISTINCT file_id FROM ${SCHEMA}.part_stats WHERE file_id IN (${ids.join(", ")})`,
        );
        for (const [id] of r.getRows()) out.add(String(id));
      }
      return out;
    });
  }

  cleanup(cutoff: Date, dryRun: boolean): Promise<CleanupResult> {
    return this.committed(async () => {
      const old = `SELECT file_id FROM ${SCHEMA}.files WHERE last_inspected < ${sqlTimestamp(cutoff)} OR pending_delete`;
      const r = await this.connection.runAndReadAll(
        `SELECT (SELECT count(*) FROM ${SCHEMA}.files WHERE file_id IN (${old})),
                (SELECT count(*) FROM ${SCHEMA}.parts WHERE file_id IN (${old})),
                (SELECT count(*) FROM ${SCHEMA}.channels WHERE file_id IN (${old})),
                (SELECT count(*) FROM ${SCHEMA}.attributes WHERE file_id IN (${old}))`,
      );
      const [files, parts, channels, attributes] = (r.getRows()[0] ?? []).map(Number);
      const result = {
        files: files ?? 0,
        parts: parts ?? 0,
        channels: channels ?? 0,
        attributes: attributes ?? 0,
      };
      if (dryRun || result.files === 0) return result;
      await this.transaction(async () => {
        for (const table of [...CHILD_TABLES, "validation_results", ...PIXEL_STATS_TABLES]) {
          await this.connection.run(`DELETE FROM ${SCHEMA}.${table} WHERE file_id IN (${old})`);
        }
        await this.connection.run(
          `UPDATE ${SCHEMA}.files SET pending_delete = true WHERE last_inspected < ${sqlTimestamp(cutoff)}`,
        );
      });
      await this.finishPendingDeletes();
      return result;
    });
  }

  exportTo(dir: string): Promise<void> {
    return this.committed(async () => {
      await mkdir(dir, { recursive: true });
      const rows: Record<string, number> = {};
      for (const table of STORED_TABLES) {
        const file = backupTableFile(dir, table);
        const source =
          table === "files"
            ? `(SELECT * EXCLUDE (pending_delete, embedding_sketch) FROM ${SCHEMA}.files WHERE NOT pending_delete ORDER BY file_id)`
            : `(SELECT * FROM ${SCHEMA}.${table} ORDER BY ALL)`;
        const r = await this.connection.run(`COPY ${source} TO ${sqlString(file)} (FORMAT parquet)`);
        rows[table] = r.rowsChanged;
      }
      await writeBackupManifest(dir, rows);
    });
  }

  importFrom(dir: string): Promise<void> {
    return this.committed(async () => {
      await checkBackupManifest(dir);
      await migrate(this.connection);
      await this.applySearchPath();
      await this.transaction(async () => {
        // Files already catalogued keep their rows; the children (no keys: migration 5) come only with new files.
        await this.connection.run(
          `CREATE OR REPLACE TEMP TABLE import_new AS SELECT file_id FROM read_parquet(${sqlString(backupTableFile(dir, "files"))})
           EXCEPT SELECT file_id FROM ${SCHEMA}.files`,
        );
        for (const table of CATALOG_TABLES) {
          const file = backupTableFile(dir, table);
          await this.connection.run(
            `INSERT INTO ${SCHEMA}.${table} BY NAME SELECT * FROM read_parquet(${sqlString(file)})
             WHERE file_id IN (SELECT file_id FROM import_new)`,
          );
        }
        await this.connection.run("DROP TABLE import_new");
        const verdicts = backupTableFile(dir, "validation_results");
        // Exports from before verdicts existed have no such file; a (file, policy) already judged here is kept.
        if (existsSync(verdicts))
          await this.connection.run(`INSERT INTO ${SCHEMA}.validation_results BY NAME
SELECT b.* FROM read_parquet(${sqlString(verdicts)}) b
WHERE NOT EXISTS (SELECT 1 FROM ${SCHEMA}.validation_results v
                  WHERE v.file_id = b.file_id AND v.policy_id = b.policy_id)`);
        // Statistics likewise: a file that has statistics here keeps them; exports from before have no files.
        const statFiles = PIXEL_STATS_TABLES.map((t) => backupTableFile(dir, t));
        if (statFiles.every((f) => existsSync(f))) {
          const present = `(SELECT file_id FROM ${SCHEMA}.part_stats UNION SELECT file_id FROM ${SCHEMA}.stats)`;
          await this.connection.run(`CREATE TEMP TABLE stats_present AS ${present}`);
          try {
            for (const [k, table] of PIXEL_STATS_TABLES.entries())
              await this.connection.run(`INSERT INTO ${SCHEMA}.${table} BY NAME
SELECT b.* FROM read_parquet(${sqlString(statFiles[k]!)}) b
WHERE b.file_id NOT IN (SELECT file_id FROM stats_present)`);
          } finally {
            await this.connection.run("DROP TABLE stats_present");
          }
        }
        await this.connection.run(BACKFILL_SKETCHES);
      });
    });
  }

  /** Commits pending files and closes; a failed commit is thrown after the database is closed all the same. */
  close(): Promise<void> {
    return this.lock.run(async () => {
      let failure: { error: unknown } | null = null;
      try {
        await this.bulk.flush();
      } catch (error) {
        failure = { error };
      }
      await this.lookupLock.run(async () => this.lookupConnection.closeSync());
      this.writerConnection.closeSync();
      this.connection.closeSync();
      this.instance.closeSync();
      if (failure) throw failure.error;
    });
  }
}
