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
import { randomBytes } from "node:crypto";
import { Field, Schema, type Table, Uint64 } from "apache-arrow";
import type { VastConfig } from "../../vast/client/config.js";
import { between, isin, lt, type Predicate } from "../../vast/client/predicate.js";
import { select } from "../../vast/client/select.js";
import { type SessionOptions, VastSession } from "../../vast/client/session.js";
import { ROW_ID, type TableRef, type Transaction } from "../../vast/client/transaction.js";
import { currentFirst } from "../current-version.js";
import type {
  CatalogStore,
  CleanupResult,
  KnownFileState,
  QueryResult,
  SimilarHit,
  TableCounts,
  UpsertOutcome,
} from "../port.js";
import { EmptyQueryError, runSandboxedQuery } from "../query-sandbox.js";
import { inRecordOrder } from "../record-order.js";
import type { AttributeRow, CatalogRecord, ChannelRow, FileRow, PartRow } from "../rows.js";
import { nearestFiles } from "../similarity.js";
import { neededColumns, withMirror } from "../sql-engine/mirror.js";
import { readBackup } from "../sql-engine/read-backup.js";
import { writeBackup } from "../sql-engine/write-backup.js";
import { CATALOG_TABLES, type CatalogTable, CHILD_TABLES, TABLE_COLUMNS } from "../tables.js";
import { dedupeBatch, upsertOutcomes } from "../upsert-batch.js";
import { readBigints, readStrings, rowsToBatch, tableToRows } from "./arrow-rows.js";
import { describeCatalog, provisionCatalog, tableRef } from "./provision.js";
import { INGEST_TOKEN } from "./table-schemas.js";

export interface VastStoreOptions {
  /** Files per write transaction (default 256). */
  filesPerTransaction?: number;
  /** Values per `isin` pushdown request (default 64). */
  keysPerQuery?: number;
  session?: SessionOptions;
  /** Open without creating anything (sql, similar, report, export). */
  readOnly?: boolean;
}

interface FileVersion {
  file_id: string;
  token: string | null;
  rowId: bigint;
  index: number;
}

interface WriteResult {
  inserted: Set<string>;
  reinspected: Set<string>;
  /** Ids seen with more than one files row (a race not yet cleaned up). */
  duplicated: Set<string>;
}

const FILE_KEY_COLUMNS = ["file_id", INGEST_TOKEN];

function newToken(): string {
  return randomBytes(16).toString("hex");
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Per file_id, the row with the smallest `$row_id`. */
function pickWinners(versions: FileVersion[]): Map<string, FileVersion> {
  const winners = new Map<string, FileVersion>();
  for (const v of versions) {
    const w = winners.get(v.file_id);
    if (!w || v.rowId < w.rowId) winners.set(v.file_id, v);
  }
  return winners;
}

function versionsOf(table: Table): FileVersion[] {
  const ids = readStrings(table, "file_id");
  const tokens = readStrings(table, INGEST_TOKEN);
  const rowIds = readBigints(table, ROW_ID);
  return ids.map((id, index) => ({
    file_id: id ?? "",
    token: tokens[index] ?? null,
    rowId: rowIds[index]!,
    index,
  }));
}

export class VastCatalogStore implements CatalogStore {
  readonly backend = "vast" as const;
  get location(): string {
    return `${this.config.endpoint.origin} ${this.config.bucket}/${this.config.schema}`;
  }
  readonly session: VastSession;
  readonly config: VastConfig;
  readonly #options: Required<Omit<VastStoreOptions, "session">>;
  #schemas: Record<CatalogTable, Schema | null> | null = null;

  private constructor(session: VastSession, config: VastConfig, options: VastStoreOptions) {
    this.session = session;
    this.config = config;
    this.#options = {
      filesPerTransaction: options.filesPerTransaction ?? 256,
      keysPerQuery: options.keysPerQuery ?? 64,
      readOnly: options.readOnly ?? false,
    };
  }

  static async open(config: VastConfig, options: VastStoreOptions = {}): Promise<VastCatalogStore> {
    const session = await VastSession.connect(config, options.session);
    return new VastCatalogStore(session, config, options);
  }

  #ref(table: CatalogTable): TableRef {
    return tableRef(this.config.bucket, this.config.schema, table);
  }

  async init(): Promise<void> {
    if (this.#options.readOnly) {
      this.#schemas = await describeCatalog(this.session, this.config.bucket, this.config.schema);
      return;
    }
    this.#schemas = await provisionCatalog(this.session, this.config.bucket, this.config.schema);
  }

  async #tableSchemas(): Promise<Record<CatalogTable, Schema | null>> {
    if (!this.#schemas) await this.init();
    return this.#schemas!;
  }

  /** Selects from a catalog table; a table that does not exist reads as empty. */
  async #select(
    tx: Transaction,
    table: CatalogTable,
    columns: string[],
    predicate: Predicate = [],
  ): Promise<Table | null> {
    const schema = (await this.#tableSchemas())[table];
    if (!schema) return null;
    const present = new Set(schema.fields.map((f) => f.name));
    return select(tx, this.#ref(table), schema, {
      columns: columns.filter((c) => present.has(c)),
      predicate,
      internalRowId: true,
    });
  }

  /** `column isin values`, issued in chunks that keep each request small. */
  async #selectIn(
    tx: Transaction,
    table: CatalogTable,
    columns: string[],
    column: string,
    values: readonly string[],
  ): Promise<Table[]> {
    const out: Table[] = [];
    // Sorted keys in chunks, each also bounded by its [first, last] range: the server can skip every row (or
    // block) outside the range with two comparisons instead of testing each key of the isin.
    const sorted = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const part of chunks(sorted, this.#options.keysPerQuery)) {
      const range = part.length > 1 ? [between(column, part[0]!, part[part.length - 1]!)] : [];
      const t = await this.#select(tx, table, columns, [...range, isin(column, part)]);
      if (t && t.numRows > 0) out.push(t);
    }
    return out;
  }

  // ---- writing ------------------------------------------------------------------------------------------

  async upsertBatch(records: CatalogRecord[], now: Date = new Date()): Promise<UpsertOutcome[]> {
    if (records.length === 0) return [];
    const { unique, occurrences } = dedupeBatch(records);
    const inserted = new Set<string>();
    for (const chunk of chunks(unique, this.#options.filesPerTransaction)) {
      const result = await this.#writeChunk(chunk, { occurrences, now, reinspect: true });
      for (const id of result.inserted) inserted.add(id);
    }
    return upsertOutcomes(records, (id) => inserted.has(id));
  }

  /**
   * One transaction (retried on transient failures) that inserts the chunk's new files with their children and
   * bumps re-inspected ones; then the post-commit duplicate check. Returns the ids this call inserted and kept.
   */
  async #writeChunk(
    chunk: CatalogRecord[],
    mode: { occurrences: Map<string, number>; now: Date; reinspect: boolean },
  ): Promise<WriteResult> {
    const schemas = await this.#tableSchemas();
    const ids = chunk.map((r) => r.file.file_id);
    const myTokens = new Set<string>();
    // Replayed whole on any failure that allows it: each attempt tags its rows with a new token, and a file an
    // earlier attempt committed (its answer lost) is recognised by that attempt's token.
    const result = await this.session.retrying(async (tx, attempt) => {
      const token = newToken();
      myTokens.add(token);
      const found = await this.#selectIn(
        tx,
        "files",
        [...FILE_KEY_COLUMNS, "inspection_count", "last_inspected"],
        "file_id",
        ids,
      );
      const winners = new Map<string, { v: FileVersion; count: number; last: number }>();
      const duplicated = new Set<string>();
      for (const t of found) {
        const counts = t.getChild("inspection_count");
        const lasts = t.getChild("last_inspected");
        for (const v of versionsOf(t)) {
          const w = winners.get(v.file_id);
          if (w) duplicated.add(v.file_id);
          if (w && w.v.rowId < v.rowId) continue;
          const last = lasts?.get(v.index);
          winners.set(v.file_id, {
            v,
            count: Number(counts?.get(v.index) ?? 0),
            last: typeof last === "number" ? last : last ? Date.parse(String(last)) : 0,
          });
        }
      }
      const fresh: CatalogRecord[] = [];
      const mine = new Set<string>();
      const updates: Record<string, unknown>[] = [];
      for (const rec of chunk) {
        const id = rec.file.file_id;
        const n = mode.occurrences.get(id) ?? 1;
        const w = winners.get(id);
        if (!w) {
          fresh.push(
            n > 1
              ? { ...rec, file: { ...rec.file, inspection_count: rec.file.inspection_count + n - 1 } }
              : rec,
          );
        } else if (w.v.token !== null && myTokens.has(w.v.token)) {
          mine.add(id); // an earlier attempt of this call committed before its answer was lost
        } else if (mode.reinspect && !(attempt > 1 && w.last === mode.now.getTime())) {
          updates.push({
            [ROW_ID]: w.v.rowId,
            inspection_count: w.count + n,
            last_inspected: mode.now,
          });
        }
      }
      if (updates.length > 0) {
        const files = schemas.files!;
        const pick = (name: string) => files.fields.find((f) => f.name === name)!;
        const updateSchema = new Schema([
          new Field(ROW_ID, new Uint64(), false),
          pick("inspection_count"),
          pick("last_inspected"),
        ]);
        updates.sort((a, b) => ((a[ROW_ID] as bigint) < (b[ROW_ID] as bigint) ? -1 : 1));
        await tx.update(this.#ref("files"), rowsToBatch(updateSchema, updates));
      }
      // Children first, the files rows last: a reader never sees a files row without its children.
      const tag = (rows: object[]): Record<string, unknown>[] =>
        rows.map((r) => ({ ...r, [INGEST_TOKEN]: token }));
      for (const table of CHILD_TABLES) {
        const rows = tag(fresh.flatMap((r) => r[table] as object[]));
        if (rows.length > 0) await tx.insert(this.#ref(table), rowsToBatch(schemas[table]!, rows));
      }
      if (fresh.length > 0) {
        await tx.insert(this.#ref("files"), rowsToBatch(schemas.files!, tag(fresh.map((r) => r.file))));
      }
      const inserted = new Set([...fresh.map((r) => r.file.file_id), ...mine]);
      const reinspected = new Set(ids.filter((id) => !inserted.has(id)));
      return { inserted, reinspected, duplicated };
    });
    if (result.inserted.size > 0 || result.duplicated.size > 0) {
      const lost = await this.#resolveDuplicates(
        [...new Set([...result.inserted, ...result.duplicated])],
        myTokens,
      );
      for (const id of lost) {
        if (!result.inserted.delete(id)) continue;
        result.reinspected.add(id);
      }
    }
    return result;
  }

  /**
   * Post-commit duplicate check of `ids`: keeps the smallest-`$row_id` files row of each, deletes the others with
   * the children carrying their tokens. Returns the ids whose winner is not one of `myTokens`.
   */
  async #resolveDuplicates(ids: string[], myTokens: Set<string>): Promise<Set<string>> {
    return this.session.retrying(async (tx) => {
      const versions = (await this.#selectIn(tx, "files", FILE_KEY_COLUMNS, "file_id", ids)).flatMap(
        versionsOf,
      );
      const winners = pickWinners(versions);
      const lost = new Set<string>();
      for (const [id, w] of winners) if (w.token === null || !myTokens.has(w.token)) lost.add(id);
      const losers = versions.filter((v) => winners.get(v.file_id) !== v);
      if (losers.length === 0) return lost;
      const loserTokens = new Map<string, Set<string>>();
      for (const l of losers) {
        const winnerToken = winners.get(l.file_id)!.token;
        if (l.token === null || l.token === winnerToken) continue;
        const set = loserTokens.get(l.file_id) ?? new Set<string>();
        set.add(l.token);
        loserTokens.set(l.file_id, set);
      }
      for (const table of CHILD_TABLES) {
        if (loserTokens.size === 0) break;
        const found = await this.#selectIn(tx, table, FILE_KEY_COLUMNS, "file_id", [...loserTokens.keys()]);
        const doomed = found
          .flatMap(versionsOf)
          .filter((c) => c.token !== null && loserTokens.get(c.file_id)?.has(c.token))
          .map((c) => c.rowId);
        await tx.delete(this.#ref(table), doomed);
      }
      await tx.delete(
        this.#ref("files"),
        losers.map((l) => l.rowId),
      );
      return lost;
    });
  }

  // ---- reading ------------------------------------------------------------------------------------------

  /** A read-only transaction around `work` (begin included in the retry; always rolled back: reads commit nothing). */
  #read<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.session.retrying(work, { commit: false });
  }

  /** Winner files rows (all or the given ids) with the requested catalog columns, plus their tokens. */
  async #winnerFiles(
    tx: Transaction,
    columns: string[],
    filter: { ids?: string[]; paths?: string[]; predicate?: Predicate } = {},
  ): Promise<{ rows: FileRow[]; tokens: Map<string, string | null> }> {
    const wanted = [...new Set([...FILE_KEY_COLUMNS, ...columns])];
    let tables: Table[];
    if (filter.ids) tables = await this.#selectIn(tx, "files", wanted, "file_id", filter.ids);
    else if (filter.paths)
      tables = await this.#selectIn(tx, "files", wanted, "file_path_normalized", filter.paths);
    else {
      const t = await this.#select(tx, "files", wanted, filter.predicate ?? []);
      tables = t ? [t] : [];
    }
    const specs = TABLE_COLUMNS.files.filter((c) => wanted.includes(c.name));
    const rows: FileRow[] = [];
    const tokens = new Map<string, string | null>();
    // Winners are decided over every version of an id, so a filter must not hide the winner: ids and paths
    // select all versions of a file; a predicate may only hide whole files (callers filter on per-file values).
    const all: { row: FileRow; v: FileVersion }[] = [];
    for (const t of tables) {
      const r = tableToRows<FileRow>(t, specs);
      for (const v of versionsOf(t)) all.push({ row: r[v.index]!, v });
    }
    const winners = pickWinners(all.map((x) => x.v));
    for (const x of all) {
      if (winners.get(x.v.file_id) !== x.v) continue;
      rows.push(x.row);
      tokens.set(x.v.file_id, x.v.token);
    }
    return { rows, tokens };
  }

  /** Child rows of the winner files only (matching `file_id` and `ingest_token`). */
  async #winnerChildren<Row>(
    tx: Transaction,
    table: Exclude<CatalogTable, "files">,
    columns: string[],
    tokens: Map<string, string | null>,
    ids?: string[],
  ): Promise<Row[]> {
    const wanted = [...new Set([...FILE_KEY_COLUMNS, ...columns])];
    let tables: Table[];
    if (ids) tables = await this.#selectIn(tx, table, wanted, "file_id", ids);
    else {
      const t = await this.#select(tx, table, wanted);
      tables = t ? [t] : [];
    }
    // biome-ignore lint/suspicious/noExplicitAny: specs of one of the three child row types
    const specs = (TABLE_COLUMNS[table] as any[]).filter((c) => wanted.includes(c.name));
    const out: Row[] = [];
    for (const t of tables) {
      const rows = tableToRows<Row>(t, specs);
      versionsOf(t).forEach((v, i) => {
        if (tokens.has(v.file_id) && tokens.get(v.file_id) === v.token) out.push(rows[i]!);
      });
    }
    return out;
  }

  async knownState(paths: string[]): Promise<Map<string, KnownFileState>> {
    const out = new Map<string, KnownFileState>();
    if (paths.length === 0) return out;
    const { rows } = await this.#read((tx) =>
      this.#winnerFiles(
        tx,
        ["file_path_normalized", "size_bytes", "mtime", "etag", "last_inspected", "inspection_timestamp"],
        { paths },
      ),
    );
    rows.sort(currentFirst);
    for (const f of rows) {
      if (out.has(f.file_path_normalized)) continue;
      out.set(f.file_path_normalized, {
        file_path_normalized: f.file_path_normalized,
        file_id: f.file_id,
        size_bytes: f.size_bytes,
        mtime: f.mtime ? f.mtime.toISOString() : null,
        etag: f.etag ?? null,
      });
    }
    return out;
  }

  async similar(
    query: { file_id: string } | { embedding: Float32Array | number[] },
    k: number,
  ): Promise<SimilarHit[]> {
    const { rows } = await this.#read((tx) =>
      this.#winnerFiles(tx, [
        "file_path",
        "file_path_normalized",
        "last_inspected",
        "inspection_timestamp",
        "metadata_embedding",
      ]),
    );
    return nearestFiles(rows, query, k);
  }

  async getRecord(file_id: string): Promise<CatalogRecord | null> {
    return this.#read(async (tx) => {
      const { rows, tokens } = await this.#winnerFiles(
        tx,
        TABLE_COLUMNS.files.map((c) => c.name),
        { ids: [file_id] },
      );
      const file = rows[0];
      if (!file) return null;
      const child = <Row>(table: Exclude<CatalogTable, "files">) =>
        this.#winnerChildren<Row>(
          tx,
          table,
          TABLE_COLUMNS[table].map((c) => c.name),
          tokens,
          [file_id],
        );
      return inRecordOrder({
        file,
        parts: await child<PartRow>("parts"),
        channels: await child<ChannelRow>("channels"),
        attributes: await child<AttributeRow>("attributes"),
      });
    });
  }

  async counts(): Promise<TableCounts> {
    return this.#read(async (tx) => {
      const { rows, tokens } = await this.#winnerFiles(tx, []);
      const out: TableCounts = { files: rows.length, parts: 0, channels: 0, attributes: 0 };
      for (const table of CHILD_TABLES) {
        out[table] = (await this.#winnerChildren(tx, table, [], tokens)).length;
      }
      return out;
    });
  }

  /** Pulls the winner rows of the tables/columns `sql` needs and runs it in an in-process DuckDB. */
  async query(sql: string): Promise<QueryResult> {
    if (sql.trim() === "") throw new EmptyQueryError();
    const needed = neededColumns(sql);
    const rows = await this.#read(async (tx) => {
      const out: Partial<Record<CatalogTable, Record<string, unknown>[]>> = {};
      let tokens: Map<string, string | null> | null = null;
      const needFiles = Object.keys(needed).length > 0;
      if (needFiles) {
        const files = await this.#winnerFiles(tx, needed.files ?? []);
        tokens = files.tokens;
        if (needed.files) out.files = files.rows as unknown as Record<string, unknown>[];
      }
      for (const table of CHILD_TABLES) {
        const columns = needed[table];
        if (columns && tokens) out[table] = await this.#winnerChildren(tx, table, columns, tokens);
      }
      return out;
    });
    return withMirror(rows, (c) => runSandboxedQuery(c, sql), { sandboxed: true });
  }

  /**
   * Removes files last inspected before the cutoff with their children; then (unless a dry run) sweeps storage:
   * files rows that lost a race and child rows of no winning write (left only if a writer died between its
   * commit and its duplicate check — readers ignore them anyway).
   */
  async cleanup(cutoff: Date, dryRun: boolean): Promise<CleanupResult> {
    const result = await this.session.retrying((tx) => this.#cleanupOnce(tx, cutoff, dryRun), {
      commit: !dryRun,
    });
    if (!dryRun) await this.session.retrying((tx) => this.#sweepOnce(tx));
    return result;
  }

  /** Deletes non-winning files rows and child rows whose (file_id, ingest_token) is no winner's. */
  async #sweepOnce(tx: Transaction): Promise<number> {
    const files = await this.#select(tx, "files", FILE_KEY_COLUMNS);
    const versions = files ? versionsOf(files) : [];
    const winners = pickWinners(versions);
    const losers = versions.filter((v) => winners.get(v.file_id) !== v).map((v) => v.rowId);
    let removed = losers.length;
    for (const table of CHILD_TABLES) {
      const children = await this.#select(tx, table, FILE_KEY_COLUMNS);
      if (!children) continue;
      const stray = versionsOf(children)
        .filter((c) => {
          const w = winners.get(c.file_id);
          return !w || w.token !== c.token;
        })
        .map((c) => c.rowId);
      await tx.delete(this.#ref(table), stray);
      removed += stray.length;
    }
    await tx.delete(this.#ref("files"), losers);
    return removed;
  }

  async #cleanupOnce(tx: Transaction, cutoff: Date, dryRun: boolean): Promise<CleanupResult> {
    // Old candidates by pushdown, then every version of those ids (the winner decides whether a file is old).
    const candidates = await this.#select(tx, "files", ["file_id"], [lt("last_inspected", cutoff)]);
    const candidateIds = candidates ? [...new Set(readStrings(candidates, "file_id"))] : [];
    const { rows, tokens } = await this.#winnerFiles(tx, ["last_inspected"], {
      ids: candidateIds.filter((x): x is string => x !== null),
    });
    const old = rows.filter((r) => r.last_inspected.getTime() < cutoff.getTime()).map((r) => r.file_id);
    const result: CleanupResult = { files: old.length, parts: 0, channels: 0, attributes: 0 };
    const oldTokens = new Map([...tokens].filter(([id]) => old.includes(id)));
    for (const table of CHILD_TABLES) {
      const found = await this.#selectIn(tx, table, FILE_KEY_COLUMNS, "file_id", old);
      const versions = found.flatMap(versionsOf);
      result[table] = versions.filter((v) => oldTokens.get(v.file_id) === v.token).length;
      if (!dryRun) {
        await tx.delete(
          this.#ref(table),
          versions.map((v) => v.rowId),
        );
      }
    }
    if (!dryRun && old.length > 0) {
      const files = (await this.#selectIn(tx, "files", FILE_KEY_COLUMNS, "file_id", old)).flatMap(versionsOf);
      await tx.delete(
        this.#ref("files"),
        files.map((v) => v.rowId),
      );
    }
    return result;
  }

  /**
   * Writes the catalog in the DuckDB adapter's export format (one Parquet file per table with exactly the catalog
   * columns, plus `manifest.json`), so an export restores into either backend.
   */
  async exportTo(dir: string): Promise<void> {
    const all = Object.fromEntries(CATALOG_TABLES.map((t) => [t, TABLE_COLUMNS[t].map((c) => c.name)]));
    const rows = await this.#read(async (tx) => {
      const files = await this.#winnerFiles(tx, all.files!);
      const out: Partial<Record<CatalogTable, Record<string, unknown>[]>> = {
        files: files.rows as unknown as Record<string, unknown>[],
      };
      for (const table of CHILD_TABLES)
        out[table] = await this.#winnerChildren(tx, table, all[table]!, files.tokens);
      return out;
    });
    await writeBackup(dir, rows);
  }

  /** Restores an export: files absent from the catalog are inserted with their children, values unchanged. */
  async importFrom(dir: string): Promise<void> {
    const records = await readBackup(dir);
    if (!this.#schemas || CATALOG_TABLES.some((t) => !this.#schemas![t])) await this.init();
    for (const chunk of chunks(records, this.#options.filesPerTransaction)) {
      await this.#writeChunk(chunk, { occurrences: new Map(), now: new Date(), reinspect: false });
    }
  }

  async close(): Promise<void> {
    this.session.close();
  }
}
