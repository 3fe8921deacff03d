/** Reads an export (catalog/backup-manifest.ts) back into records, for backends that cannot read Parquet. */

import { existsSync } from "node:fs";
import { backupTableFile, checkBackupManifest } from "../backup-manifest.js";
import { groupPixelStats } from "../pixel-stats.js";
import type {
  AttributeRow,
  CatalogRecord,
  ChannelRow,
  FileRow,
  PartRow,
  PixelStatsSet,
  ValidationResultRow,
} from "../rows.js";
import {
  CATALOG_SCHEMA,
  CATALOG_TABLES,
  type CatalogTable,
  type ColumnSpec,
  PART_STAT_COLUMNS,
  STAT_COLUMNS,
  type StoredTable,
  TABLE_COLUMNS,
  VALIDATION_RESULT_COLUMNS,
} from "../tables.js";
import { withMirror } from "./mirror.js";
import { sqlString } from "./sql-literals.js";
import { rowFromObject } from "./values.js";

/** Every file of the export with its child rows (columns an older export lacks are null). */
export async function readBackup(dir: string): Promise<CatalogRecord[]> {
  await checkBackupManifest(dir);
  return withMirror({}, async (connection) => {
    const read = async <Row>(table: CatalogTable): Promise<Row[]> => {
      const columns = TABLE_COLUMNS[table];
      await connection.run(
        `INSERT INTO ${CATALOG_SCHEMA}.${table} BY NAME SELECT * FROM read_parquet(${sqlString(backupTableFile(dir, table))})`,
      );
      const r = await connection.runAndReadAll(
        `SELECT ${columns.map((c) => c.name).join(", ")} FROM ${CATALOG_SCHEMA}.${table}`,
      );
      return r.getRowObjectsJS().map((o) => rowFromObject(columns, o as Record<string, unknown>) as Row);
    };
    const byId = new Map<string, CatalogRecord>();
    for (const table of CATALOG_TABLES) {
      if (table === "files") {
        for (const f of await read<FileRow>("files"))
          byId.set(f.file_id, { file: f, parts: [], channels: [], attributes: [] });
      } else {
        for (const row of await read<PartRow | ChannelRow | AttributeRow>(table))
          (byId.get(row.file_id)?.[table] as (PartRow | ChannelRow | AttributeRow)[] | undefined)?.push(row);
      }
    }
    return [...byId.values()];
  });
}

/** The rows of one table outside a file's record (none when the export predates the table). */
async function readBackupTable<Row>(
  dir: string,
  table: StoredTable,
  columns: ColumnSpec<Row>[],
): Promise<Row[]> {
  await checkBackupManifest(dir);
  const file = backupTableFile(dir, table);
  if (!existsSync(file)) return [];
  return withMirror({}, async (connection) => {
    const names = columns.map((c) => c.name).join(", ");
    const r = await connection.runAndReadAll(`SELECT ${names} FROM read_parquet(${sqlString(file)})`);
    return r.getRowObjectsJS().map((o) => rowFromObject(columns, o as Record<string, unknown>));
  });
}

/** The export's policy verdicts (none when it predates them). */
export function readBackupVerdicts(dir: string): Promise<ValidationResultRow[]> {
  return readBackupTable(dir, "validation_results", VALIDATION_RESULT_COLUMNS);
}

/** The export's pixel statistics as one set per file (none when it predates them). */
export async function readBackupPixelStats(dir: string): Promise<PixelStatsSet[]> {
  const stats = await readBackupTable(dir, "stats", STAT_COLUMNS);
  const parts = await readBackupTable(dir, "part_stats", PART_STAT_COLUMNS);
  return groupPixelStats(stats, parts);
}
