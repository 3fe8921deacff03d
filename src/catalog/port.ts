/**
 * The catalog storage port. Every backend (DuckDB embedded: catalog/duckdb/, VAST DataBase: catalog/vast/)
 * implements it, and one contract suite (test/catalog/contract.ts) runs against each of them.
 *
 * Rows are built once, backend-independently, by catalog/rows.ts from an InspectionResult;
 * adapters only store and query them.
 */
import type { CatalogRecord, PixelStatsSet, ValidationResultRow } from "./rows.js";

export interface UpsertOutcome {
  file_id: string;
  file_path_normalized: string;
  /** inserted: new (path, header_hash); reinspected: same key seen again (count+1); */
  status: "inserted" | "reinspected";
}

export interface KnownFileState {
  file_path_normalized: string;
  /** file_id of the current version of that path. */
  file_id: string;
  size_bytes: number | null;
  mtime: string | null;
  /** Objects: the ETag catalogued (null for local files and catalogs from before it was kept). */
  etag: string | null;
}

/**
 * Size and mtime of the current version of every catalogued local path under some roots, as columns: what a
 * re-scan needs to skip unchanged files, loaded in one query (≈ 100 bytes per path) instead of a lookup per
 * group of paths.
 */
export interface KnownPathStates {
  paths: string[];
  /** Bytes; NaN when unknown. */
  sizes: Float64Array;
  /** Epoch milliseconds; NaN when unknown. */
  mtimesMs: Float64Array;
}

export interface SimilarHit {
  file_id: string;
  file_path: string;
  distance: number;
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  /** How the backend ran the query (e.g. what VAST filtered while reading), for the user; not part of the data. */
  notes?: string[];
}

export interface CleanupResult {
  files: number;
  parts: number;
  channels: number;
  attributes: number;
}

export interface TableCounts {
  files: number;
  parts: number;
  channels: number;
  attributes: number;
}

export interface UpsertOptions {
  /**
   * Called once the batch's rows are committed, before the adapter's post-commit work that the outcomes still
   * wait for (VAST: the duplicate check): a caller that writes one batch at a time may start the next one then.
   */
  onCommitted?: () => void;
}

export interface CatalogStore {
  /** The registered backend name (catalog/open.ts). */
  readonly backend: string;
  /** Where the catalog lives, for messages: a database file, an endpoint and bucket/schema, … */
  readonly location: string;
  /** The store takes records whose channel and attribute rows are encoded texts (`CatalogRecord.encoded`). */
  readonly acceptsEncodedChildren?: boolean;
  /** Create or migrate the schema (idempotent). */
  init(): Promise<void>;
  /**
   * Idempotent upsert keyed on (file_path_normalized, header_hash). Each file lands with all its child rows
   * atomically; the batch may be split into several transactions by the adapter.
   */
  upsertBatch(records: CatalogRecord[], now?: Date, options?: UpsertOptions): Promise<UpsertOutcome[]>;
  /**
   * Optional bulk mode (scan): the adapter may keep up to `files` upserted files uncommitted and commit them
   * together; `flush` (and every read, cleanup, export and close) commits them. 0 = commit every batch.
   */
  setWriteBuffer?(files: number): void;
  /** Commits whatever `setWriteBuffer` let the adapter hold back. */
  flush?(): Promise<void>;
  /** Size/mtime of the current version of each given normalized path (for skip-unchanged scans). */
  knownState(paths: string[]): Promise<Map<string, KnownFileState>>;
  /**
   * Optional: `knownState` of every committed path equal to one of `roots` or under it (normalized local paths,
   * no trailing slash), in one read. A scan of local directories uses it instead of per-group lookups.
   */
  knownStatesUnder?(roots: string[]): Promise<KnownPathStates>;
  /** Nearest files by metadata embedding (cosine distance), excluding the query file itself. */
  similar(
    query: { file_id: string } | { embedding: Float32Array | number[] },
    k: number,
  ): Promise<SimilarHit[]>;
  /** One stored file with all its child rows (children ordered by part, then stored order), or null. */
  getRecord(file_id: string): Promise<CatalogRecord | null>;
  /** Row counts of the four tables. */
  counts(): Promise<TableCounts>;
  /** Read-only SQL over the catalog tables (schema `exr_metadata`). */
  query(sql: string): Promise<QueryResult>;
  /**
   * Stores policy verdicts (`validation_results`): for each (file_id, policy_id) in `rows`, every earlier row is
   * replaced by the given ones (catalog/validation-results.ts), atomically. Read them with `query`.
   */
  putValidationResults(rows: ValidationResultRow[]): Promise<void>;
  /**
   * Stores pixel statistics (`stats`, `part_stats`): each given file's earlier rows in both tables are replaced by
   * its set (catalog/pixel-stats.ts), atomically. Read them with `query`.
   */
  putPixelStats(sets: PixelStatsSet[]): Promise<void>;
  /** Which of these file ids have pixel statistics stored (`scan --stats` skips unchanged files that do). */
  filesWithPixelStats(fileIds: string[]): Promise<Set<string>>;
  /** Remove files last inspected before `cutoff`, with all their children, verdicts and pixel statistics. */
  cleanup(cutoff: Date, dryRun: boolean): Promise<CleanupResult>;
  /** Lossless backup to / restore from a directory of Parquet files. */
  exportTo(dir: string): Promise<void>;
  importFrom(dir: string): Promise<void>;
  close(): Promise<void>;
}
