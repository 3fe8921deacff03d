import {
  ATTRIBUTE_ENCODED_COLUMNS,
  ATTRIBUTE_KEYS,
  CHANNEL_ENCODED_COLUMNS,
  CHANNEL_KEYS,
  COLUMN_SEPARATOR,
  NULL_STRING,
  VALUE_SEPARATOR,
} from "../encoded-children.js";
import type { AttributeRow, ChannelRow } from "../rows.js";
import { ATTRIBUTE_COLUMNS, CHANNEL_COLUMNS, type ColumnSpec } from "../tables.js";
import { catalogSqlType } from "./schema.js";

/** DuckDB's side of the encoded child rows (catalog/encoded-children.ts): `string_split` or `from_json` expands them in SQL. */
const TEXT_IN_JSON = new Set(["value_number"]);

/** A control character as a SQL expression. */
const chr = (c: string) => `chr(${c.codePointAt(0)})`;

/**
 * `INSERT … SELECT` of the rows of `table` held in BLOB column `table` of `source` (with file_id, file_path) in
 * the columnar encoding (catalog/encoded-children.ts), for the rows whose `columnar` is true, in stored order (the
 * columns' lists are unnested side by side; a plain scan and unnest keep the insertion order).
 */
export function encodedColumnsMoveSql(
  schema: string,
  table: "channels" | "attributes",
  source: string,
): string {
  const [columns, encoded]: [ColumnSpec<ChannelRow | AttributeRow>[], readonly string[]] =
    table === "channels"
      ? [CHANNEL_COLUMNS as ColumnSpec<ChannelRow | AttributeRow>[], CHANNEL_ENCODED_COLUMNS]
      : [ATTRIBUTE_COLUMNS as ColumnSpec<ChannelRow | AttributeRow>[], ATTRIBUTE_ENCODED_COLUMNS];
  const lists = encoded.map(
    (name, i) => `unnest(string_split(c[${i + 1}], ${chr(VALUE_SEPARATOR)})) AS ${name}`,
  );
  const values = columns.map((c) => {
    if (c.name === "file_id" || c.name === "file_path") return c.name;
    return c.kind === "varchar"
      ? `nullif(${c.name}, ${chr(NULL_STRING)})`
      : `nullif(${c.name}, '')::${catalogSqlType(c)}`;
  });
  return `INSERT INTO ${schema}.${table} (${columns.map((c) => c.name).join(", ")}) SELECT ${values.join(", ")} FROM (
  SELECT file_id, file_path, ${lists.join(", ")} FROM (
    SELECT file_id, file_path, string_split(decode(${table}), ${chr(COLUMN_SEPARATOR)}) AS c FROM ${source}
    WHERE columnar AND octet_length(${table}) > 0))`;
}

/**
 * `INSERT … SELECT` of the encoded rows of `table` held in BLOB column `table` of `source` (UTF-8 JSON; with
 * file_id, file_path), for the rows whose `columnar` is false, in stored order (a plain scan and unnest keep the
 * insertion order).
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
  SELECT file_id, file_path, unnest(from_json(decode(${table}), '[{${structure}}]'), recursive := true) FROM ${source} WHERE NOT columnar)`;
}
