import type { DuckDBConnection } from "@duckdb/node-api";
import type { CatalogRecord } from "../rows.js";
import { appendThrough } from "./appenders.js";
import {
  ATTRIBUTE_COLUMNS,
  CHANNEL_COLUMNS,
  type ColumnKind,
  type ColumnSpec,
  FILE_COLUMNS,
  PART_COLUMNS,
  SQL_TYPE,
} from "./columns.js";

const isVector = (kind: ColumnKind) => kind === "float[384]" || kind === "float[128]";

function stagingTable(table: string): string {
  return `exr_stage_${table}`;
}

/** One catalog table's staging: its DDL, its move statement and how to append the rows of some records. */
interface StagedTable {
  table: string;
  /** Connection-local table with the same columns, no keys, vectors as text literals (`[v0,v1,…]`). */
  ddl: string;
  /** `INSERT … SELECT` into the catalog table, vectors cast from their literals. */
  move: string;
  append(connection: DuckDBConnection, records: readonly CatalogRecord[]): Promise<void>;
}

function stagedTable<Row>(
  schema: string,
  table: string,
  columns: ColumnSpec<Row>[],
  rowsOf: (records: readonly CatalogRecord[]) => Row[],
): StagedTable {
  const staging = stagingTable(table);
  const defs = columns.map((c) => `${c.name} ${isVector(c.kind) ? "VARCHAR" : SQL_TYPE[c.kind]}`);
  const names = columns.map((c) => c.name).join(", ");
  const values = columns
    .map((c) => (isVector(c.kind) ? `${c.name}::${SQL_TYPE[c.kind]}` : c.name))
    .join(", ");
  return {
    table,
    ddl: `CREATE TEMP TABLE IF NOT EXISTS ${staging} (${defs.join(", ")})`,
    move: `INSERT INTO ${schema}.${table} (${names}) SELECT ${values} FROM temp.main.${staging}`,
    async append(connection, records) {
      const rows = rowsOf(records);
      if (rows.length === 0) return;
      await appendThrough(connection, { table: staging, schema: "main", catalog: "temp" }, columns, rows);
    },
  };
}

/** Parents first: the move inserts in this order so every child finds its file row. */
function stagedTables(schema: string): StagedTable[] {
  return [
    stagedTable(schema, "files", FILE_COLUMNS, (rs) => rs.map((r) => r.file)),
    stagedTable(schema, "parts", PART_COLUMNS, (rs) => rs.flatMap((r) => r.parts)),
    stagedTable(schema, "channels", CHANNEL_COLUMNS, (rs) => rs.flatMap((r) => r.channels)),
    stagedTable(schema, "attributes", ATTRIBUTE_COLUMNS, (rs) => rs.flatMap((r) => r.attributes)),
  ];
}

/**
 * The bulk write path of the DuckDB store: new files are appended (JS thread: appender calls only) to
 * connection-local staging tables without keys, and moved into the catalog tables by one `INSERT … SELECT` per
 * table, which DuckDB runs off the JS thread (vector casts, key and foreign-key checks in bulk). Few large moves
 * cost DuckDB far less than many small ones, so the store may stage several batches before moving them.
 * Everything runs inside the store's open transaction: a rollback empties the staging tables too.
 */
export class Staging {
  private ready = false;
  private readonly ids = new Set<string>();
  private readonly tables: StagedTable[];

  constructor(
    private readonly connection: DuckDBConnection,
    schema: string,
  ) {
    this.tables = stagedTables(schema);
  }

  /** Files staged and not yet moved. */
  get files(): number {
    return this.ids.size;
  }

  has(fileId: string): boolean {
    return this.ids.has(fileId);
  }

  /** Appends the rows of new files (file ids not in the catalog nor staged) to the staging tables. */
  async append(records: readonly CatalogRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (!this.ready) {
      for (const t of this.tables) await this.connection.run(t.ddl);
      this.ready = true;
    }
    for (const t of this.tables) await t.append(this.connection, records);
    for (const r of records) this.ids.add(r.file.file_id);
  }

  /** Moves every staged row into the catalog tables and empties the staging tables. */
  async move(): Promise<void> {
    if (this.ids.size === 0) return;
    for (const t of this.tables) {
      await this.connection.run(t.move);
      await this.connection.run(`DELETE FROM temp.main.${stagingTable(t.table)}`);
    }
    this.ids.clear();
  }

  /** After a rollback, which emptied the staging tables (or undid their creation): forget the staged ids. */
  discard(): void {
    this.ids.clear();
    this.ready = false;
  }
}
