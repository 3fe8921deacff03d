import type { RecordBatch, Schema, Table } from "apache-arrow";
import type { VastConfig } from "../../vast/client/config.js";
import { between, isin, type Predicate } from "../../vast/client/predicate.js";
import { select, selectBatches } from "../../vast/client/select.js";
import type { VastSession } from "../../vast/client/session.js";
import type { TableRef, Transaction } from "../../vast/client/transaction.js";
import type { StoredTable } from "../tables.js";
import { rowsToBatch } from "./arrow-rows.js";
import { BulkImporter } from "./bulk-import.js";
import { describeCatalog, provisionCatalog, tableRef } from "./provision.js";

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Awaits every promise (none is left running unobserved), then throws the first failure, if any. */
export async function settleAll(work: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/**
 * The catalog's tables in one VAST schema, as every job of the adapter (writes, reads, maintenance, backup) uses
 * them: their Arrow schemas (provisioned or described once), references, and selects that tolerate a missing table.
 */
export class VastTables {
  #schemas: Record<StoredTable, Schema | null> | null = null;
  /** Present with `bulkImport`: rows go in as server-side imports of staged Parquet objects. */
  readonly #bulk: BulkImporter | null;

  constructor(
    readonly session: VastSession,
    readonly config: VastConfig,
    private readonly options: { readOnly: boolean; keysPerQuery: number; bulkImport?: boolean },
  ) {
    this.#bulk = options.bulkImport ? new BulkImporter(config) : null;
  }

  /** Appends rows to a catalog table in `tx`: Arrow row inserts, or a server-side import on the bulk path. */
  async insertRows(
    tx: Transaction,
    table: StoredTable,
    rows: readonly Record<string, unknown>[],
  ): Promise<void> {
    const schema = (await this.schemas())[table];
    if (!schema) throw new Error(`catalog table ${table} does not exist`);
    if (this.#bulk) await this.#bulk.insert(tx, this.ref(table), schema, rows);
    else await tx.insert(this.ref(table), rowsToBatch(schema, rows));
  }

  /**
   * Appends rows to several catalog tables in `tx`: the tables' requests are sent concurrently (one round trip
   * instead of one per table); the bulk path imports them one after the other. Tables without rows are skipped.
   */
  async insertTables(
    tx: Transaction,
    inserts: readonly { table: StoredTable; rows: readonly Record<string, unknown>[] }[],
  ): Promise<void> {
    const work = inserts.filter((i) => i.rows.length > 0);
    if (this.#bulk) {
      for (const { table, rows } of work) await this.insertRows(tx, table, rows);
      return;
    }
    await settleAll(work.map(({ table, rows }) => this.insertRows(tx, table, rows)));
  }

  /** After a write transaction ended (either way): removes what the bulk path staged for it. */
  async afterWrite(): Promise<void> {
    await this.#bulk?.cleanup();
  }

  close(): void {
    this.#bulk?.close();
  }

  /** Creates what is missing (or, read-only, only describes what exists). */
  async init(): Promise<void> {
    const { bucket, schema } = this.config;
    this.#schemas = this.options.readOnly
      ? await describeCatalog(this.session, bucket, schema)
      : await provisionCatalog(this.session, bucket, schema);
  }

  /** True when every catalog table is known to exist. */
  complete(): boolean {
    return this.#schemas !== null && Object.values(this.#schemas).every((s) => s !== null);
  }

  async schemas(): Promise<Record<StoredTable, Schema | null>> {
    if (!this.#schemas) await this.init();
    return this.#schemas!;
  }

  ref(table: StoredTable): TableRef {
    return tableRef(this.config.bucket, this.config.schema, table);
  }

  /** A read-only transaction around `work` (begin included in the retry; always rolled back: reads commit nothing). */
  read<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.session.retrying(work, { commit: false });
  }

  /** Selects from a catalog table; a table that does not exist reads as empty. */
  async select(
    tx: Transaction,
    table: StoredTable,
    columns: string[],
    predicate: Predicate = [],
  ): Promise<Table | null> {
    const schema = (await this.schemas())[table];
    if (!schema) return null;
    const present = new Set(schema.fields.map((f) => f.name));
    return select(tx, this.ref(table), schema, {
      columns: columns.filter((c) => present.has(c)),
      predicate,
      internalRowId: true,
    });
  }

  /**
   * Streams a catalog table's rows (with `$row_id`) in pages of at most `rowsPerPage` rows per sub-split, so a
   * reader that folds them as they come holds one page at a time; a table that does not exist streams nothing.
   */
  async *stream(
    tx: Transaction,
    table: StoredTable,
    columns: string[],
    options: { predicate?: Predicate; rowsPerPage?: number; transientPages?: boolean } = {},
  ): AsyncGenerator<RecordBatch> {
    const schema = (await this.schemas())[table];
    if (!schema) return;
    const present = new Set(schema.fields.map((f) => f.name));
    yield* selectBatches(tx, this.ref(table), schema, {
      columns: columns.filter((c) => present.has(c)),
      predicate: options.predicate ?? [],
      internalRowId: true,
      rowsPerPage: options.rowsPerPage,
      transientPages: options.transientPages,
    });
  }

  /** `column isin values`, issued in chunks that keep each request small. */
  async selectIn(
    tx: Transaction,
    table: StoredTable,
    columns: string[],
    column: string,
    values: readonly string[],
  ): Promise<Table[]> {
    const out: Table[] = [];
    // Sorted keys in chunks, each also bounded by its [first, last] range: the server can skip every row (or
    // block) outside the range with two comparisons instead of testing each key of the isin.
    const sorted = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const part of chunks(sorted, this.options.keysPerQuery)) {
      const range = part.length > 1 ? [between(column, part[0]!, part[part.length - 1]!)] : [];
      const t = await this.select(tx, table, columns, [...range, isin(column, part)]);
      if (t && t.numRows > 0) out.push(t);
    }
    return out;
  }
}
