/**
 * In-process finishing of what VAST cannot run itself (joins, aggregations, arbitrary SQL): the rows pulled
 * from VAST (already de-duplicated, only the columns a query needs) are appended into a throw-away in-memory
 * DuckDB that has the catalog's tables and its `current_files` view, and the SQL runs there.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { currentFirstSql } from "../current-version.js";
import { sandbox } from "../query-sandbox.js";
import { CATALOG_SCHEMA as SCHEMA, STORED_TABLE_COLUMNS, type StoredTable } from "../tables.js";
import { appendRows } from "./appenders.js";
import { SQL_TYPE } from "./sql-types.js";

export type MirrorRows = Partial<Record<StoredTable, Record<string, unknown>[]>>;

/**
 * Opens an in-memory DuckDB holding `rows`, runs `work`, always closes it. `sandboxed`: the instance enters the
 * query sandbox (query-sandbox.ts) once the rows are in, before `work` (user SQL) runs.
 */
export async function withMirror<T>(
  rows: MirrorRows,
  work: (c: DuckDBConnection) => Promise<T>,
  options: { sandboxed?: boolean } = {},
): Promise<T> {
  // Stryker disable next-line StringLiteral: DuckDB opens "" as an in-memory database too
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(`CREATE SCHEMA ${SCHEMA}`);
    for (const [table, columns] of Object.entries(STORED_TABLE_COLUMNS)) {
      // No NOT NULL here: rows written by other tools (the seed's) may lack our added columns.
      const ddl = columns.map((c) => `${c.name} ${SQL_TYPE[c.kind as keyof typeof SQL_TYPE]}`).join(", ");
      await connection.run(`CREATE TABLE ${SCHEMA}.${table} (${ddl})`);
      const data = rows[table as StoredTable];
      if (data) await appendRows(connection, SCHEMA, table, columns, data);
    }
    await connection.run(`CREATE VIEW ${SCHEMA}.current_files AS
SELECT * FROM ${SCHEMA}.files
QUALIFY row_number() OVER (
  PARTITION BY file_path_normalized ORDER BY ${currentFirstSql()}
) = 1`);
    await connection.run(`SET search_path = '${SCHEMA},main'`);
    if (options.sandboxed) await sandbox(connection);
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** current_files orders by these; verdicts are told apart by these; file_id ties the other rows to their file. */
const ALWAYS_NEEDED: Partial<Record<StoredTable, string[]>> = {
  files: ["file_id", "file_path_normalized", "last_inspected", "inspection_timestamp"],
  validation_results: ["file_id", "policy_id", "rule_id", "checked_at"],
  stats: ["file_id", "computed_at"],
  part_stats: ["file_id", "computed_at"],
};

/**
 * Which tables and columns a SQL text can touch: a table is needed when its name (or `current_files`) appears,
 * a column when its name appears as a word; `*` pulls every column of the needed tables.
 */
export function neededColumns(sql: string): Partial<Record<StoredTable, string[]>> {
  const words = new Set(sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g));
  // Stryker disable next-line StringLiteral: whatever count(*) is replaced by, it must only not contain a `*`
  const star = /\*/.test(sql.replace(/count\s*\(\s*\*\s*\)/gi, ""));
  const out: Partial<Record<StoredTable, string[]>> = {};
  for (const [table, columns] of Object.entries(STORED_TABLE_COLUMNS) as [
    StoredTable,
    { name: string }[],
  ][]) {
    const used = words.has(table) || (table === "files" && words.has("current_files"));
    if (!used) continue;
    const names = columns.map((c) => c.name).filter((n) => star || words.has(n));
    const always = ALWAYS_NEEDED[table] ?? ["file_id"];
    out[table] = [...new Set([...always, ...names])];
  }
  return out;
}
