import type { ColumnKind, ColumnSpec } from "../tables.js";

/** A DuckDB JS value made plain: BIGINT → number (string when unsafe), everything else unchanged. */
export function plainValue(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

function toRowValue(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "bigint":
    case "integer":
      return Number(value);
    case "timestamp":
      return value instanceof Date ? value : new Date(String(value));
    case "float[384]":
    case "float[128]":
      return Float32Array.from(value as number[]);
    case "varchar[]":
      return [...(value as string[])];
    default:
      return value;
  }
}

/** A result row object (getRowObjectsJS) → a typed catalog row of the given columns. */
export function rowFromObject<Row>(columns: ColumnSpec<Row>[], object: Record<string, unknown>): Row {
  const row: Record<string, unknown> = {};
  for (const c of columns) row[c.name] = toRowValue(c.kind, object[c.name]);
  return row as Row;
}
