/**
 * The child tables' keys as checks. The DuckDB catalog does not index them (migration 5: the indexes doubled the
 * bulk insert and took two thirds of the file): they hold by construction — children are written only with their
 * new file, in the same transaction, and build-record.ts emits each key once (a repeated channel name keeps its
 * first occurrence; attributes are keyed by stored position). These queries verify it on a catalog (`doctor`).
 */
import { CATALOG_SCHEMA as SCHEMA } from "./tables.js";

export interface ChildKeyCheck {
  table: "parts" | "channels" | "attributes";
  key: readonly string[];
  /** One row: rows sharing a key with another row, rows whose file_id has no files row. */
  sql: string;
}

const KEYS = {
  parts: ["file_id", "part_index"],
  channels: ["file_id", "part_index", "channel_name"],
  attributes: ["file_id", "part_index", "attribute_index"],
} as const;

export const CHILD_KEY_CHECKS: readonly ChildKeyCheck[] = Object.entries(KEYS).map(([table, key]) => ({
  table: table as ChildKeyCheck["table"],
  key,
  sql: `SELECT
  (SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM ${SCHEMA}.${table} GROUP BY ${key.join(", ")} HAVING count(*) > 1)) AS duplicated,
  (SELECT count(*) FROM ${SCHEMA}.${table} c ANTI JOIN ${SCHEMA}.files f USING (file_id)) AS orphaned`,
}));
