/**
 * The VAST DataBase adapter of the catalog port.
 *
 * VAST has transactions but no primary or unique keys, so duplicates are prevented by design:
 * - `file_id` is deterministic (hash of path + header hash): every writer of a file computes the same id.
 * - A batch of files is written in one transaction, children first and the `files` row last; every row carries
 *   the `ingest_token` of the write attempt that stored it.
 * - After commit, the writer re-reads the `files` rows of the ids it inserted. When several exist (two writers
 *   raced), the winner is the row with the smallest `$row_id`; every other row and the children carrying its
 *   token are deleted (by the losing writer, or by any later writer that sees them).
 * - Readers never double count even before that clean-up: per `file_id` only the winner row counts, and a child
 *   counts only when its `ingest_token` is the winner's. A transaction that never committed leaves nothing
 *   visible; children without a matching `files` row are never read.
 * - Re-inspection updates `inspection_count` / `last_inspected` of the winner by `$row_id`.
 */
import type { VastConfig } from "../../vast/client/config.js";
import { type SessionOptions, VastSession } from "../../vast/client/session.js";
import type {
  CatalogStore,
  CleanupResult,
  KnownFileState,
  QueryResult,
  SimilarHit,
  TableCounts,
  UpsertOptions,
  UpsertOutcome,
} from "../port.js";
import type { CatalogRecord, PixelStatsSet, ValidationResultRow } from "../rows.js";
import { exportTo, importFrom } from "./backup.js";
import { cleanup } from "./maintenance.js";
import { filesWithPixelStats, putPixelStats } from "./pixel-stats.js";
import { counts, getRecord, knownState, query, similar } from "./reads.js";
import { VastTables } from "./vast-tables.js";
import { putValidationResults } from "./verdicts.js";
import { upsertFiles } from "./write-files.js";

export interface VastStoreOptions {
  /** Files per write transaction (default 256). */
  filesPerTransaction?: number;
  /** Values per `isin` pushdown request (default 64). */
  keysPerQuery?: number;
  session?: SessionOptions;
  /** Open without creating anything (sql, similar, report, export). */
  readOnly?: boolean;
  /**
   * Backfill path: new rows are staged as Parquet objects on the cluster's S3 side and imported server-side
   * (`import_files`) instead of sent as row inserts; the same transactions, checks and catalog either way.
   */
  bulkImport?: boolean;
}

/** The port on VAST: each job lives in its own module (write-files, reads, maintenance, backup) over `VastTables`. */
export class VastCatalogStore implements CatalogStore {
  readonly backend = "vast" as const;
  get location(): string {
    return `${this.config.endpoint.origin} ${this.config.bucket}/${this.config.schema}`;
  }
  readonly session: VastSession;
  readonly config: VastConfig;
  readonly #tables: VastTables;
  readonly #filesPerTransaction: number;

  private constructor(session: VastSession, config: VastConfig, options: VastStoreOptions) {
    this.session = session;
    this.config = config;
    this.#filesPerTransaction = options.filesPerTransaction ?? 256;
    this.#tables = new VastTables(session, config, {
      readOnly: options.readOnly ?? false,
      keysPerQuery: options.keysPerQuery ?? 64,
      bulkImport: options.bulkImport ?? false,
    });
  }

  static async open(config: VastConfig, options: VastStoreOptions = {}): Promise<VastCatalogStore> {
    const session = await VastSession.connect(config, options.session);
    return new VastCatalogStore(session, config, options);
  }

  init(): Promise<void> {
    return this.#tables.init();
  }

  upsertBatch(
    records: CatalogRecord[],
    now: Date = new Date(),
    options: UpsertOptions = {},
  ): Promise<UpsertOutcome[]> {
    return upsertFiles(this.#tables, records, now, this.#filesPerTransaction, options.onCommitted);
  }

  knownState(paths: string[]): Promise<Map<string, KnownFileState>> {
    return knownState(this.#tables, paths);
  }

  similar(
    query: { file_id: string } | { embedding: Float32Array | number[] },
    k: number,
  ): Promise<SimilarHit[]> {
    return similar(this.#tables, query, k);
  }

  getRecord(file_id: string): Promise<CatalogRecord | null> {
    return getRecord(this.#tables, file_id);
  }

  counts(): Promise<TableCounts> {
    return counts(this.#tables);
  }

  /** Pulls the winner rows of the tables/columns `sql` needs and runs it in an in-process, sandboxed DuckDB. */
  query(sql: string): Promise<QueryResult> {
    return query(this.#tables, sql);
  }

  putValidationResults(rows: ValidationResultRow[]): Promise<void> {
    return putValidationResults(this.#tables, rows);
  }

  putPixelStats(sets: PixelStatsSet[]): Promise<void> {
    return putPixelStats(this.#tables, sets);
  }

  filesWithPixelStats(fileIds: string[]): Promise<Set<string>> {
    return filesWithPixelStats(this.#tables, fileIds);
  }

  cleanup(cutoff: Date, dryRun: boolean): Promise<CleanupResult> {
    return cleanup(this.#tables, cutoff, dryRun);
  }

  exportTo(dir: string): Promise<void> {
    return exportTo(this.#tables, dir);
  }

  importFrom(dir: string): Promise<void> {
    return importFrom(this.#tables, dir, this.#filesPerTransaction);
  }

  async close(): Promise<void> {
    this.#tables.close();
    this.session.close();
  }
}
