import {
  ARRAY,
  type DuckDBAppender,
  type DuckDBConnection,
  FLOAT,
  LIST,
  timestampValue,
  VARCHAR,
} from "@duckdb/node-api";
import type { ColumnKind, ColumnSpec } from "./columns.js";

const FLOAT384 = ARRAY(FLOAT, 384);
const FLOAT128 = ARRAY(FLOAT, 128);
const VARCHAR_LIST = LIST(VARCHAR);

function appendValue(appender: DuckDBAppender, kind: ColumnKind, value: unknown): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (kind) {
    case "varchar":
      appender.appendVarchar(String(value));
      return;
    case "bigint":
      appender.appendBigInt(BigInt(Math.trunc(value as number)));
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
      appender.appendArray(Array.from(value as Float32Array), FLOAT384);
      return;
    case "float[128]":
      appender.appendArray(Array.from(value as Float32Array), FLOAT128);
      return;
  }
}

/**
 * Appends rows through DuckDB's appender (the fast bulk path), in column order, inside the connection's current
 * transaction. Extra trailing table columns (e.g. `files.pending_delete`) receive their defaults.
 */
export async function appendRows<Row>(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  columns: ColumnSpec<Row>[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await connection.createAppender(table, schema);
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
