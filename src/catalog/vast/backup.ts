import { pixelStatsToRestore } from "../pixel-stats.js";
import { readBackup, readBackupPixelStats, readBackupVerdicts } from "../sql-engine/read-backup.js";
import { writeBackup } from "../sql-engine/write-backup.js";
import {
  CATALOG_TABLES,
  CHILD_TABLES,
  PIXEL_STATS_TABLES,
  STORED_TABLE_COLUMNS,
  type StoredTable,
  TABLE_COLUMNS,
  VALIDATION_RESULT_COLUMNS,
} from "../tables.js";
import { setsToRestore } from "../validation-results.js";
import { putPixelStats, readPixelStats } from "./pixel-stats.js";
import { chunks, type VastTables } from "./vast-tables.js";
import { putValidationResults, readVerdicts } from "./verdicts.js";
import { winnerChildren, winnerFiles } from "./winner-rows.js";
import { writeFiles } from "./write-files.js";

/**
 * Writes the catalog in the DuckDB adapter's export format (one Parquet file per table with exactly the catalog
 * columns, plus `manifest.json`), so an export restores into either backend.
 */
export async function exportTo(tables: VastTables, dir: string): Promise<void> {
  const all = Object.fromEntries(CATALOG_TABLES.map((t) => [t, TABLE_COLUMNS[t].map((c) => c.name)]));
  const rows = await tables.read(async (tx) => {
    const files = await winnerFiles(tables, tx, all.files!);
    const out: Partial<Record<StoredTable, Record<string, unknown>[]>> = {
      files: files.rows as unknown as Record<string, unknown>[],
    };
    for (const table of CHILD_TABLES)
      out[table] = await winnerChildren(tables, tx, table, all[table]!, files.tokens);
    const verdicts = await readVerdicts(
      tables,
      tx,
      VALIDATION_RESULT_COLUMNS.map((c) => c.name),
    );
    out.validation_results = verdicts as unknown as Record<string, unknown>[];
    for (const table of PIXEL_STATS_TABLES)
      out[table] = await readPixelStats(
        tables,
        tx,
        table,
        STORED_TABLE_COLUMNS[table].map((c) => c.name),
      );
    return out;
  });
  await writeBackup(dir, rows);
}

/**
 * Restores an export: files absent from the catalog are inserted with their children, values unchanged; then the
 * verdict sets of the (file, policy) pairs the catalog has none of, and the pixel statistics of the files it has
 * none for.
 */
export async function importFrom(
  tables: VastTables,
  dir: string,
  filesPerTransaction: number,
): Promise<void> {
  const records = await readBackup(dir);
  if (!tables.complete()) await tables.init();
  for (const chunk of chunks(records, filesPerTransaction)) {
    await writeFiles(tables, chunk, { occurrences: new Map(), now: new Date(), reinspect: false });
  }
  const verdicts = await readBackupVerdicts(dir);
  if (verdicts.length > 0) {
    const stored = await tables.read((tx) => readVerdicts(tables, tx, ["file_id", "policy_id"]));
    await putValidationResults(tables, setsToRestore(verdicts, stored));
  }
  const stats = await readBackupPixelStats(dir);
  if (stats.length > 0) {
    const stored = await tables.read(async (tx) => {
      const ids = new Set<string>();
      for (const table of PIXEL_STATS_TABLES)
        for (const r of await readPixelStats(tables, tx, table, ["file_id"])) ids.add(String(r.file_id));
      return ids;
    });
    await putPixelStats(tables, pixelStatsToRestore(stats, stored));
  }
}
