/**
 * The catalog's tables as VAST (Arrow) schemas, generated from the same column lists as the DuckDB DDL, so
 * both backends store exactly the same columns. Types are the ones VAST accepts: `utf8` (not large), int/float,
 * `timestamp[us]`, `list<utf8>`, `fixed_size_list<float32 not null, N>`.
 * One extra column, `ingest_token`, tags every row with the write attempt that stored it (see vast-store.ts).
 */
import {
  Bool,
  type DataType,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Schema,
  TimestampMicrosecond,
  Utf8,
} from "apache-arrow";
import { type ColumnKind, STORED_TABLE_COLUMNS, type StoredTable } from "../tables.js";

export const INGEST_TOKEN = "ingest_token";

export function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case "varchar":
      return new Utf8();
    case "bigint":
      return new Int64();
    case "integer":
      return new Int32();
    case "double":
      return new Float64();
    case "float":
      return new Float32();
    case "boolean":
      return new Bool();
    case "timestamp":
      return new TimestampMicrosecond();
    case "varchar[]":
      return new List(new Field("item", new Utf8(), true));
    case "float[384]":
      return new FixedSizeList(384, new Field("item", new Float32(), false));
    case "float[128]":
      return new FixedSizeList(128, new Field("item", new Float32(), false));
  }
}

/** Every column nullable: VAST does not enforce NOT NULL, and rows written by other tools may omit values. */
export function tableSchema(table: StoredTable): Schema {
  return new Schema([
    ...STORED_TABLE_COLUMNS[table].map((c) => new Field(c.name, arrowType(c.kind), true)),
    new Field(INGEST_TOKEN, new Utf8(), true),
  ]);
}
