import { type DuckDBAppender, type DuckDBConnection, LIST, timestampValue, VARCHAR } from "@duckdb/node-api";
import type { ColumnKind, ColumnSpec } from "../tables.js";

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
    // Stryker disable next-line EqualityOperator: v is ±Infinity here (finite and NaN are handled before), never 0
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
    // Stryker disable next-line ConditionalExpression: without this case an integer falls through to appendDouble, which the appender casts to the same INTEGER (only slower)
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
export async function appendThrough<Row>(
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
  // Stryker disable next-line ConditionalExpression: a shortcut; an appender given no rows appends nothing
  if (rows.length === 0) return;
  await appendThrough(connection, { table, schema }, columns, rows);
}
