import { Table } from "apache-arrow";
import type { Transaction } from "../../vast/client/transaction.js";
import { pixelStatsToRestore } from "../pixel-stats.js";
import { readBackup, readBackupPixelStats, readBackupVerdicts } from "../sql-engine/read-backup.js";
import { type BackupPages, writeBackup } from "../sql-engine/write-backup.js";
import {
  type CatalogTable,
  CHILD_TABLES,
  type ColumnSpec,
  PIXEL_STATS_TABLES,
  STORED_TABLE_COLUMNS,
  type StoredTable,
  TABLE_COLUMNS,
  VALIDATION_RESULT_COLUMNS,
} from "../tables.js";
import { setsToRestore } from "../validation-results.js";
import { tableToRows } from "./arrow-rows.js";
import { FILE_KEY_COLUMNS, type FileVersion, versionsOf } from "./file-versions.js";
import { putPixelStats, readPixelStats } from "./pixel-stats.js";
import { chunks, type VastTables } from "./vast-tables.js";
import { putValidationResults, readVerdicts } from "./verdicts.js";
import { writeFiles } from "./write-files.js";

/**
 * Writes the catalog in the DuckDB adapter's export format (one Parquet file per table with exactly the catalog
 * columns, plus `manifest.json`), so an export restores into either backend. Streamed table by table, page by page
 * (write-backup.ts): memory holds one page and one winner entry per file, whatever the catalog's size.
 */
export async function exportTo(tables: VastTables, dir: string): Promise<void> {
  await tables.read(async (tx) => {
    const winners = await winnerIndex(tables, tx);
    const pagesOf = (table: StoredTable, keep: (v: FileVersion) => boolean) =>
      async function* (): AsyncIterable<Record<string, unknown>[]> {
        const columns = TABLE_COLUMNS[table as CatalogTable] as ColumnSpec<Record<string, unknown>>[];
        const wanted = [...new Set([...FILE_KEY_COLUMNS, ...columns.map((c) => c.name)])];
        for await (const batch of tables.stream(tx, table, wanted)) {
          const t = new Table([batch]);
          const rows = tableToRows<Record<string, unknown>>(t, columns);
          yield versionsOf(t)
            .filter(keep)
            .map((v) => rows[v.index]!);
        }
      };
    const pages: BackupPages = {
      files: pagesOf("files", (v) => winners.get(v.file_id)?.rowId === v.rowId),
      validation_results: async function* () {
        const columns = VALIDATION_RESULT_COLUMNS.map((c) => c.name);
        yield (await readVerdicts(tables, tx, columns)) as unknown as Record<string, unknown>[];
      },
    };
    for (const table of CHILD_TABLES) {
      pages[table] = pagesOf(table, (v) => {
        const w = winners.get(v.file_id);
        return w !== undefined && w.token === v.token;
      });
    }
    for (const table of PIXEL_STATS_TABLES) {
      pages[table] = async function* () {
        const columns = STORED_TABLE_COLUMNS[table].map((c) => c.name);
        yield await readPixelStats(tables, tx, table, columns);
      };
    }
    await writeBackup(dir, pages);
  });
}

/** Each file's winner row id and token, from one streamed read of the key columns. */
async function winnerIndex(tables: VastTables, tx: Transaction): Promise<Map<string, FileVersion>> {
  const winners = new Map<string, FileVersion>();
  for await (const batch of tables.stream(tx, "files", FILE_KEY_COLUMNS)) {
    for (const v of versionsOf(new Table([batch]))) {
      const w = winners.get(v.file_id);
      if (!w || v.rowId < w.rowId) winners.set(v.file_id, v);
    }
  }
  return winners;
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
