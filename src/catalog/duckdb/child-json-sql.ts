import { ATTRIBUTE_KEYS, CHANNEL_KEYS } from "../encoded-children.js";
import type { AttributeRow, ChannelRow } from "../rows.js";
import { ATTRIBUTE_COLUMNS, CHANNEL_COLUMNS, type ColumnSpec } from "../tables.js";
import { catalogSqlType } from "./schema.js";

/** DuckDB's side of the encoded child rows (catalog/encoded-children.ts): `from_json` expands them in SQL. */
const TEXT_IN_JSON = new Set(["value_number"]);

/**
 * `INSERT … SELECT` of the encoded rows of `table` held in BLOB column `table` of `source` (UTF-8 JSON; with
 * file_id, file_path),
 * in stored order (a plain scan and unnest keep the insertion order).
 */
export function encodedMoveSql(schema: string, table: "channels" | "attributes", source: string): string {
  const [columns, keys]: [ColumnSpec<ChannelRow | AttributeRow>[], Record<string, string>] =
    table === "channels"
      ? [CHANNEL_COLUMNS as ColumnSpec<ChannelRow | AttributeRow>[], CHANNEL_KEYS]
      : [ATTRIBUTE_COLUMNS as ColumnSpec<ChannelRow | AttributeRow>[], ATTRIBUTE_KEYS];
  const encoded = columns.filter((c) => c.name !== "file_id" && c.name !== "file_path");
  const structure = encoded
    .map((c) => `"${keys[c.name]}":"${TEXT_IN_JSON.has(c.name) ? "VARCHAR" : catalogSqlType(c)}"`)
    .join(",");
  const values = columns.map((c) => {
    if (c.name === "file_id" || c.name === "file_path") return c.name;
    const key = keys[c.name];
    return TEXT_IN_JSON.has(c.name) ? `${key}::DOUBLE` : key;
  });
  return `INSERT INTO ${schema}.${table} (${columns.map((c) => c.name).join(", ")}) SELECT ${values.join(", ")} FROM (
  SELECT file_id, file_path, unnest(from_json(decode(${table}), '[{${structure}}]'), recursive := true) FROM ${source})`;
}
