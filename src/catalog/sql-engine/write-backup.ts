/** Writes catalog rows held in memory as an export (catalog/backup-manifest.ts), for backends that cannot write Parquet. */
import { mkdir } from "node:fs/promises";
import { backupTableFile, writeBackupManifest } from "../backup-manifest.js";
import { CATALOG_SCHEMA, STORED_TABLES } from "../tables.js";
import { type MirrorRows, withMirror } from "./mirror.js";
import { sqlString } from "./sql-literals.js";

/** One Parquet file per table (files ordered by id, children by every column) and the manifest. */
export async function writeBackup(dir: string, rows: MirrorRows): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tables: Record<string, number> = {};
  await withMirror(rows, async (connection) => {
    for (const table of STORED_TABLES) {
      const order = table === "files" ? "file_id" : "ALL";
      const file = sqlString(backupTableFile(dir, table));
      const r = await connection.run(
        `COPY (SELECT * FROM ${CATALOG_SCHEMA}.${table} ORDER BY ${order}) TO ${file} (FORMAT parquet)`,
      );
      tables[table] = r.rowsChanged;
    }
  });
  await writeBackupManifest(dir, tables);
}
