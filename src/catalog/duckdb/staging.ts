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
import { appendVectors, VECTOR_STAGING_DDL, VECTOR_STAGING_TABLE } from "./vector-chunks.js";

const isVector = (kind: ColumnKind) => kind === "float[384]" || kind === "float[128]";

function stagingTable(table: string): string {
  return `exr_stage_${table}`;
}

/** One catalog table's staging: its DDL, its move statement and how to append the rows of some records. */
interface StagedTable {
  table: string;
  /** Connection-local table with the same columns and no keys (vectors: see stagedTable). */
  ddl: string;
  /** `INSERT … SELECT` into the catalog table. */
  move: string;
  append(connection: DuckDBConnection, records: readonly CatalogRecord[]): Promise<void>;
}

/**
 * Vector columns are staged as text literals (`[v0,v1,…]`, cast by the move) unless `joinOn` says how a row
 * finds its vectors row in the vectors staging table (vector-chunks.ts: binary, no text). The join is only worth
 * it for the files table (one row per file): on a child table it costs the insert and the commit more than the
 * cast it saves, by scrambling the row order (measured).
 */
function stagedTable<Row>(
  schema: string,
  table: string,
  columns: ColumnSpec<Row>[],
  rowsOf: (records: readonly CatalogRecord[]) => Row[],
  joinOn?: string,
): StagedTable {
  const staging = stagingTable(table);
  const joined = (c: ColumnSpec<Row>) => joinOn !== undefined && isVector(c.kind);
  const staged = columns.filter((c) => !joined(c));
  const defs = staged.map((c) => `${c.name} ${isVector(c.kind) ? "VARCHAR" : SQL_TYPE[c.kind]}`);
  const names = columns.map((c) => c.name).join(", ");
  const values = columns
    .map((c) =>
      joined(c) ? `v.${c.name}` : isVector(c.kind) ? `s.${c.name}::${SQL_TYPE[c.kind]}` : `s.${c.name}`,
    )
    .join(", ");
  const join = joinOn ? ` LEFT JOIN temp.main.${VECTOR_STAGING_TABLE} v ON ${joinOn}` : "";
  return {
    table,
    ddl: `CREATE TEMP TABLE IF NOT EXISTS ${staging} (${defs.join(", ")})`,
    move: `INSERT INTO ${schema}.${table} (${names}) SELECT ${values} FROM temp.main.${staging} s${join}`,
    async append(connection, records) {
      const rows = rowsOf(records);
      if (rows.length === 0) return;
      await appendThrough(connection, { table: staging, schema: "main", catalog: "temp" }, staged, rows);
    },
  };
}

/** Parents first: the move inserts in this order so every child finds its file row. */
function stagedTables(schema: string): StagedTable[] {
  return [
    stagedTable(schema, "files", FILE_COLUMNS, (rs) => rs.map((r) => r.file), "v.file_id = s.file_id"),
    stagedTable(schema, "parts", PART_COLUMNS, (rs) => rs.flatMap((r) => r.parts)),
    stagedTable(schema, "channels", CHANNEL_COLUMNS, (rs) => rs.flatMap((r) => r.channels)),
    stagedTable(schema, "attributes", ATTRIBUTE_COLUMNS, (rs) => rs.flatMap((r) => r.attributes)),
  ];
}

/**
 * The bulk write path of the DuckDB store: new files are appended (JS thread: appender calls only) to
 * connection-local staging tables without keys (vectors through data chunks, see vector-chunks.ts), and moved into the catalog tables by one `INSERT … SELECT` per
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
      await this.connection.run(VECTOR_STAGING_DDL);
      this.ready = true;
    }
    for (const t of this.tables) await t.append(this.connection, records);
    await appendVectors(this.connection, records);
    for (const r of records) this.ids.add(r.file.file_id);
  }

  /** Moves every staged row into the catalog tables and empties the staging tables. */
  async move(): Promise<void> {
    if (this.ids.size === 0) return;
    for (const t of this.tables) {
      await this.connection.run(t.move);
      await this.connection.run(`DELETE FROM temp.main.${stagingTable(t.table)}`);
    }
    await this.connection.run(`DELETE FROM temp.main.${VECTOR_STAGING_TABLE}`);
    this.ids.clear();
  }

  /** After a rollback, which emptied the staging tables (or undid their creation): forget the staged ids. */
  discard(): void {
    this.ids.clear();
    this.ready = false;
  }
}
