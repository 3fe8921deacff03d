import type { DuckDBConnection } from "@duckdb/node-api";
import type { CatalogRecord } from "../rows.js";
import { appendThrough } from "../sql-engine/appenders.js";
import { SQL_TYPE } from "../sql-engine/sql-types.js";
import {
  ATTRIBUTE_COLUMNS,
  CHANNEL_COLUMNS,
  type ColumnKind,
  type ColumnSpec,
  FILE_COLUMNS,
  PART_COLUMNS,
} from "../tables.js";
import { encodedColumnsMoveSql, encodedMoveSql } from "./child-json-sql.js";
import { catalogSqlType, sketchesByEmbeddingOf } from "./schema.js";
import { appendVectors, VECTOR_STAGING_COLUMNS } from "./vector-chunks.js";

/**
 * The staging tables are temporary tables of the writer connection, created, filled, moved and dropped inside its
 * open transaction (a transaction may write temporary tables and the catalog; it sees only what it wrote itself
 * or what was committed before it began, so staging on another connection would be invisible to it).
 */
const STAGING_CATALOG = "temp";

const isVector = (kind: ColumnKind) => kind === "float[384]" || kind === "float[128]";

/** One catalog table's staging within a generation: DDL, move statement, appending the rows of some records. */
interface StagedTable {
  /** Temporary `<table>_<batch>`: the same columns, no keys (vectors: see stagedTable). */
  ddl: string;
  /** `INSERT … SELECT` into the catalog table. */
  move: string;
  drop: string;
  append(connection: DuckDBConnection, records: readonly CatalogRecord[]): Promise<void>;
}

/**
 * Vector columns are staged as text literals (`[v0,v1,…]`, cast by the move) unless `vectorsJoin` names how a
 * row finds its embedding in the generation's vectors table (vector-chunks.ts: binary, no text). The join only
 * pays for the files table (one row per file): on a child table it cost the insert and the commit more than the
 * cast it saves, by scrambling the row order (measured).
 */
function stagedTable<Row>(
  schema: string,
  generation: number,
  table: string,
  columns: ColumnSpec<Row>[],
  rowsOf: (records: readonly CatalogRecord[]) => Row[],
  vectorsJoin?: { table: string; on: string; sketch?: boolean },
): StagedTable {
  const name = `${table}_${generation}`;
  const qualified = `${STAGING_CATALOG}.main.${name}`;
  const joined = (c: ColumnSpec<Row>) => vectorsJoin !== undefined && isVector(c.kind);
  // Stryker disable next-line MethodExpression: an extra staged column the move does not read
  const staged = columns.filter((c) => !joined(c));
  const defs = staged.map((c) => `${c.name} ${isVector(c.kind) ? "VARCHAR" : SQL_TYPE[c.kind]}`);
  const names: string[] = columns.map((c) => c.name);
  const values = columns.map((c) =>
    joined(c) ? `v.${c.name}` : isVector(c.kind) ? `s.${c.name}::${catalogSqlType(c)}` : `s.${c.name}`,
  );
  let join = vectorsJoin ? ` LEFT JOIN ${vectorsJoin.table} v ON ${vectorsJoin.on}` : "";
  if (vectorsJoin?.sketch) {
    // The SimHash sketch is computed from the staged embeddings, so new files need no update afterwards.
    names.push("embedding_sketch");
    values.push("k.sketch");
    join += ` LEFT JOIN (${sketchesByEmbeddingOf(vectorsJoin.table)}) k ON k.file_id = s.file_id`;
  }
  return {
    ddl: `CREATE TEMP TABLE IF NOT EXISTS ${name} (${defs.join(", ")})`,
    move: `INSERT INTO ${schema}.${table} (${names.join(", ")}) SELECT ${values.join(", ")} FROM ${qualified} s${join}`,
    drop: `DROP TABLE IF EXISTS ${qualified}`,
    async append(connection, records) {
      const rows = rowsOf(records);
      if (rows.length === 0) return;
      await appendThrough(
        connection,
        { table: name, schema: "main", catalog: STAGING_CATALOG },
        staged,
        rows,
      );
    },
  };
}

/**
 * One upsert batch of the bulk write path (bulk-writer.ts), inside the writer connection's open transaction:
 * new files are appended (JS thread: appender calls only) to key-less temporary tables of their own;
 * re-inspections are kept as UPDATE statements. `writeStatements` then moves them with one `INSERT … SELECT` per
 * table, which DuckDB executes off the JS thread (casts, the files keys in bulk), and the tables are dropped.
 * Many batches share one transaction: few commits cost DuckDB far less than many (measured: 20,000 files in 10
 * transactions 12–14 s, in one 5.5–6 s, with the child keys of that time).
 */
export class StagingGeneration {
  readonly updates: string[] = [];
  private created = false;
  private readonly tables: StagedTable[];
  private readonly vectorsName: string;
  /** Encoded child rows (CatalogRecord.encoded): file_id, file_path, one UTF-8 text (BLOB) per child table, its format. */
  private readonly encodedName: string;
  private readonly encodedMoves: string[];

  constructor(schema: string, generation: number) {
    this.vectorsName = `vectors_${generation}`;
    this.encodedName = `encoded_${generation}`;
    const encoded = `${STAGING_CATALOG}.main.${this.encodedName}`;
    this.encodedMoves = [
      encodedColumnsMoveSql(schema, "channels", encoded),
      encodedColumnsMoveSql(schema, "attributes", encoded),
      encodedMoveSql(schema, "channels", encoded),
      encodedMoveSql(schema, "attributes", encoded),
    ];
    const vectors = `${STAGING_CATALOG}.main.${this.vectorsName}`;
    // Parents first: the move inserts in this order so every child finds its file row.
    this.tables = [
      stagedTable(schema, generation, "files", FILE_COLUMNS, (rs) => rs.map((r) => r.file), {
        table: vectors,
        on: "v.file_id = s.file_id",
        sketch: true,
      }),
      stagedTable(schema, generation, "parts", PART_COLUMNS, (rs) => rs.flatMap((r) => r.parts)),
      stagedTable(schema, generation, "channels", CHANNEL_COLUMNS, (rs) => rs.flatMap((r) => r.channels)),
      stagedTable(schema, generation, "attributes", ATTRIBUTE_COLUMNS, (rs) =>
        rs.flatMap((r) => r.attributes),
      ),
    ];
  }

  /** Appends the rows of new files (file ids not in the catalog nor in this generation) to the staging tables. */
  async append(connection: DuckDBConnection, records: readonly CatalogRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (!this.created) {
      for (const t of this.tables) await connection.run(t.ddl);
      await connection.run(`CREATE TEMP TABLE IF NOT EXISTS ${this.vectorsName} (${VECTOR_STAGING_COLUMNS})`);
      await connection.run(
        `CREATE TEMP TABLE IF NOT EXISTS ${this.encodedName} (file_id VARCHAR, file_path VARCHAR, channels BLOB, attributes BLOB, columnar BOOLEAN)`,
      );
      this.created = true;
    }
    for (const t of this.tables) await t.append(connection, records);
    await appendVectors(
      connection,
      { catalog: STAGING_CATALOG, schema: "main", table: this.vectorsName },
      records,
    );
    await this.appendEncoded(connection, records);
  }

  private async appendEncoded(
    connection: DuckDBConnection,
    records: readonly CatalogRecord[],
  ): Promise<void> {
    if (!records.some((r) => r.encoded)) return;
    // Stryker disable next-line StringLiteral: the temp table is found by its name in the temp catalog alone
    const appender = await connection.createAppender(this.encodedName, "main", STAGING_CATALOG);
    try {
      for (const r of records) {
        if (!r.encoded) continue;
        appender.appendVarchar(r.file.file_id);
        appender.appendVarchar(r.file.file_path);
        appender.appendBlob(r.encoded.channels);
        appender.appendBlob(r.encoded.attributes);
        appender.appendBoolean(r.encoded.format === "columns");
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** The generation's writes, in order: re-inspection updates, then the moves of the staged rows. */
  writeStatements(): string[] {
    if (!this.created) return [...this.updates];
    return [...this.updates, ...this.tables.map((t) => t.move), ...this.encodedMoves];
  }

  /** Drops the staging tables (after the generation's transaction ended, committed or not). */
  dropStatements(): string[] {
    if (!this.created) return [];
    return [
      ...this.tables.map((t) => t.drop),
      `DROP TABLE IF EXISTS ${STAGING_CATALOG}.main.${this.vectorsName}`,
      `DROP TABLE IF EXISTS ${STAGING_CATALOG}.main.${this.encodedName}`,
    ];
  }
}
