import type { ColumnKind, ColumnSpec } from "../tables.js";

/** The DuckDB type of each column kind (DuckDB is the catalog's local SQL engine, for both backends). */
export const SQL_TYPE: Record<ColumnKind, string> = {
  varchar: "VARCHAR",
  bigint: "BIGINT",
  integer: "INTEGER",
  double: "DOUBLE",
  float: "FLOAT",
  boolean: "BOOLEAN",
  timestamp: "TIMESTAMP",
  "varchar[]": "VARCHAR[]",
  "float[384]": "FLOAT[384]",
  "float[128]": "FLOAT[128]",
};

export function columnDdl<Row>(columns: ColumnSpec<Row>[]): string {
  return columns.map((c) => `${c.name} ${SQL_TYPE[c.kind]}${c.notNull ? " NOT NULL" : ""}`).join(",\n  ");
}
