import {
  ARRAY,
  arrayValue,
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  FLOAT,
  INTEGER,
  LIST,
  listValue,
  TIMESTAMP,
  timestampValue,
  VARCHAR,
} from "@duckdb/node-api";
import type { ColumnKind, ColumnSpec } from "./columns.js";

const TYPES: Record<ColumnKind, DuckDBType> = {
  varchar: VARCHAR,
  bigint: BIGINT,
  integer: INTEGER,
  double: DOUBLE,
  float: FLOAT,
  boolean: BOOLEAN,
  timestamp: TIMESTAMP,
  "varchar[]": LIST(VARCHAR),
  "float[384]": ARRAY(FLOAT, 384),
  "float[128]": ARRAY(FLOAT, 128),
};

/** DuckDB's standard vector size: rows per data chunk. */
const CHUNK_ROWS = 2048;

function toDuckValue(kind: ColumnKind, value: unknown): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "bigint":
      return BigInt(Math.trunc(value as number));
    case "timestamp":
      return timestampValue(BigInt((value as Date).getTime()) * 1000n);
    case "varchar[]":
      return listValue(value as string[]);
    case "float[384]":
    case "float[128]":
      return arrayValue(Array.from(value as Float32Array));
    default:
      return value as DuckDBValue;
  }
}

/**
 * Appends rows column-wise through data chunks (one native call per column per 2048 rows, far cheaper than one
 * call per value), inside the connection's current transaction. Extra trailing table columns (e.g.
 * `files.pending_delete`) must have defaults: they are filled from a second chunk-less appender pass.
 */
export async function appendRows<Row>(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  columns: ColumnSpec<Row>[],
  rows: readonly Row[],
  extraColumns: { type: DuckDBType; value: DuckDBValue }[] = [],
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await connection.createAppender(table, schema);
  try {
    const types = [...columns.map((c) => TYPES[c.kind]), ...extraColumns.map((e) => e.type)];
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const slice = rows.slice(start, start + CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create(types, slice.length);
      columns.forEach((c, i) => {
        chunk.setColumnValues(
          i,
          slice.map((row) => toDuckValue(c.kind, row[c.name])),
        );
      });
      extraColumns.forEach((e, j) => {
        chunk.setColumnValues(
          columns.length + j,
          slice.map(() => e.value),
        );
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
