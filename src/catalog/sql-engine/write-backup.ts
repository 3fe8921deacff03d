/**
 * Writes an export (catalog/backup-manifest.ts) for backends that cannot write Parquet, table by table from pages
 * of rows: each table's pages are appended into a scratch DuckDB database on disk (so a table larger than memory
 * spills there), copied out as Parquet, and dropped before the next table is read.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { backupTableFile, writeBackupManifest } from "../backup-manifest.js";
import { CATALOG_SCHEMA, STORED_TABLE_COLUMNS, STORED_TABLES, type StoredTable } from "../tables.js";
import { appendRows } from "./appenders.js";
import { sqlString } from "./sql-literals.js";
import { SQL_TYPE } from "./sql-types.js";

export type BackupPages = Partial<Record<StoredTable, () => AsyncIterable<Record<string, unknown>[]>>>;

/** One Parquet file per table (files ordered by id, children by every column) and the manifest. */
export async function writeBackup(dir: string, pages: BackupPages): Promise<void> {
  await mkdir(dir, { recursive: true });
  const scratch = await mkdtemp(path.join(tmpdir(), "exr-export-"));
  const instance = await DuckDBInstance.create(path.join(scratch, "export.duckdb"));
  const connection = await instance.connect();
  const counts: Record<string, number> = {};
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(`CREATE SCHEMA ${CATALOG_SCHEMA}`);
    for (const table of STORED_TABLES) {
      const columns = STORED_TABLE_COLUMNS[table];
      const ddl = columns.map((c) => `${c.name} ${SQL_TYPE[c.kind as keyof typeof SQL_TYPE]}`).join(", ");
      await connection.run(`CREATE TABLE ${CATALOG_SCHEMA}.${table} (${ddl})`);
      for await (const rows of pages[table]?.() ?? []) {
        await appendRows(connection, CATALOG_SCHEMA, table, columns, rows);
      }
      const order = table === "files" ? "file_id" : "ALL";
      const file = sqlString(backupTableFile(dir, table));
      const r = await connection.run(
        `COPY (SELECT * FROM ${CATALOG_SCHEMA}.${table} ORDER BY ${order}) TO ${file} (FORMAT parquet)`,
      );
      counts[table] = r.rowsChanged;
      await connection.run(`DROP TABLE ${CATALOG_SCHEMA}.${table}`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(scratch, { recursive: true, force: true });
  }
  await writeBackupManifest(dir, counts);
}
