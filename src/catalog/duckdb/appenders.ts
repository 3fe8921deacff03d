import { type DuckDBAppender, type DuckDBConnection, LIST, timestampValue, VARCHAR } from "@duckdb/node-api";
import { type ColumnKind, type ColumnSpec, SQL_TYPE } from "./columns.js";

const VARCHAR_LIST = LIST(VARCHAR);

/**
 * `[v0,v1,…]` with each float32 printed as the shortest decimal of its double value, which the appender's cast
 * to FLOAT[n] parses back to the identical float32 (lossless), far cheaper than one JS value object per element.
 */
function floatArrayLiteral(values: Float32Array): string {
  let out = "[";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ",";
    const v = values[i]!;
    out += Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "'nan'" : v > 0 ? "'inf'" : "'-inf'";
  }
  return `${out}]`;
}

function appendValue(appender: DuckDBAppender, kind: ColumnKind, value: unknown): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (kind) {
    case "varchar":
      appender.appendVarchar(value as string);
      return;
    case "bigint":
      // Integral doubles up to 2^53 cast exactly; avoids a BigInt per value.
      appender.appendDouble(value as number);
      return;
    case "integer":
      appender.appendInteger(value as number);
      return;
    case "double":
      appender.appendDouble(value as number);
      return;
    case "float":
      appender.appendFloat(value as number);
      return;
    case "boolean":
      appender.appendBoolean(value as boolean);
      return;
    case "timestamp":
      appender.appendTimestamp(timestampValue(BigInt((value as Date).getTime()) * 1000n));
      return;
    case "varchar[]":
      appender.appendList(value as string[], VARCHAR_LIST);
      return;
    case "float[384]":
    case "float[128]":
      appender.appendVarchar(floatArrayLiteral(value as Float32Array));
      return;
  }
}

/**
 * Opens an appender on `[catalog.]schema.table`, appends the rows in column order (trailing table columns get
 * their defaults), and always closes it.
 */
async function appendThrough<Row>(
  connection: DuckDBConnection,
  target: { table: string; schema: string; catalog?: string },
  columns: ColumnSpec<Row>[],
  rows: readonly Row[],
): Promise<void> {
  const appender = await connection.createAppender(target.table, target.schema, target.catalog);
  try {
    const extra = appender.columnCount - columns.length;
    for (const row of rows) {
      for (const c of columns) appendValue(appender, c.kind, row[c.name]);
      for (let i = 0; i < extra; i++) appender.appendDefault();
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Appends rows through DuckDB's appender (the bulk path), in column order, inside the connection's current
 * transaction. Trailing table columns beyond `columns` (e.g. `files.pending_delete`) receive their defaults.
 */
export async function appendRows<Row>(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  columns: ColumnSpec<Row>[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  await appendThrough(connection, { table, schema }, columns, rows);
}

const isVector = (kind: ColumnKind) => kind === "float[384]" || kind === "float[128]";

function stagingTable(table: string): string {
  return `exr_stage_${table}`;
}

/**
 * DDL of a connection-local staging table for `table`: the same columns without keys, vectors kept as their
 * text literal (`[v0,v1,…]`) so the appender does no casting; `stageRows` casts them during the bulk insert.
 */
export function stagingTableDdl<Row>(table: string, columns: ColumnSpec<Row>[]): string {
  const defs = columns.map((c) => `${c.name} ${isVector(c.kind) ? "VARCHAR" : SQL_TYPE[c.kind]}`);
  return `CREATE TEMP TABLE IF NOT EXISTS ${stagingTable(table)} (${defs.join(", ")})`;
}

/**
 * Bulk path of the scan: appends the rows to the (empty) staging table created by `stagingTableDdl`, which costs
 * the JS thread only the appender calls, then moves them with one `INSERT … SELECT` that DuckDB runs off the JS
 * thread (casts, key and foreign-key checks in bulk), and empties the staging table. Runs inside the caller's
 * transaction, so a failure rolls back both tables.
 */
export async function stageRows<Row>(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  columns: ColumnSpec<Row>[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const staging = stagingTable(table);
  await appendThrough(connection, { table: staging, schema: "main", catalog: "temp" }, columns, rows);
  const names = columns.map((c) => c.name).join(", ");
  const values = columns
    .map((c) => (isVector(c.kind) ? `${c.name}::${SQL_TYPE[c.kind]}` : c.name))
    .join(", ");
  await connection.run(
    `INSERT INTO ${schema}.${table} (${names}) SELECT ${values} FROM temp.main.${staging}`,
  );
  await connection.run(`DELETE FROM temp.main.${staging}`);
}
