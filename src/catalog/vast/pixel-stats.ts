/**
 * `stats` and `part_stats` on VAST (no keys): a write deletes the earlier rows of each file it is given from both
 * tables and inserts the new sets in one transaction, replayed whole on transient failures (the replay deletes what
 * a lost attempt inserted). Writers racing on one file may both insert; readers keep the file's rows of the latest
 * `computed_at` (`latestPixelStats`) and the next write of the file removes the rest.
 */
import type { Transaction } from "../../vast/client/transaction.js";
import { ROW_ID } from "../../vast/client/transaction.js";
import { latestPixelStats, pixelStatsByFile } from "../pixel-stats.js";
import type { PixelStatsSet } from "../rows.js";
import { PIXEL_STATS_TABLES, type PixelStatsTable, STORED_TABLE_COLUMNS } from "../tables.js";
import { readBigints, readStrings, rowsToBatch, tableToRows } from "./arrow-rows.js";
import type { VastTables } from "./vast-tables.js";

const ROWS_OF: Record<PixelStatsTable, (s: PixelStatsSet) => object[]> = {
  stats: (s) => s.stats,
  part_stats: (s) => s.parts,
};

export async function putPixelStats(tables: VastTables, sets: PixelStatsSet[]): Promise<void> {
  const byFile = pixelStatsByFile(sets);
  if (byFile.size === 0) return;
  const schemas = await tables.schemas();
  const fileIds = [...byFile.keys()];
  await tables.session.retrying(async (tx) => {
    for (const table of PIXEL_STATS_TABLES) {
      const schema = schemas[table];
      if (!schema) throw new Error(`the catalog has no ${table} table (opened read-only)`);
      await tx.delete(tables.ref(table), await statRowIds(tables, tx, table, fileIds));
      const fresh = [...byFile.values()].flatMap(ROWS_OF[table]);
      if (fresh.length > 0)
        await tx.insert(
          tables.ref(table),
          rowsToBatch(schema, fresh as unknown as Record<string, unknown>[]),
        );
    }
  });
}

/** The stored rows of one statistics table (each file's latest set), only the requested columns filled in. */
export async function readPixelStats(
  tables: VastTables,
  tx: Transaction,
  table: PixelStatsTable,
  columns: string[],
): Promise<Record<string, unknown>[]> {
  // The latest set is chosen by these, whatever the caller wants.
  const wanted = new Set([...columns, "file_id", "computed_at"]);
  const t = await tables.select(tx, table, [...wanted]);
  if (!t) return [];
  const specs = STORED_TABLE_COLUMNS[table].filter((c) => wanted.has(c.name));
  return latestPixelStats(tableToRows<{ file_id: string; computed_at: Date }>(t, specs)) as unknown as Record<
    string,
    unknown
  >[];
}

/** Which of these files have statistics stored. */
export async function filesWithPixelStats(tables: VastTables, fileIds: string[]): Promise<Set<string>> {
  if (fileIds.length === 0) return new Set();
  return tables.read(async (tx) => {
    const found = await tables.selectIn(tx, "part_stats", ["file_id"], "file_id", fileIds);
    return new Set(found.flatMap((t) => readStrings(t, "file_id")).filter((x): x is string => x !== null));
  });
}

/** Row ids of the rows of one statistics table of the given files (rewrites and cleanup). */
export async function statRowIds(
  tables: VastTables,
  tx: Transaction,
  table: PixelStatsTable,
  fileIds: string[],
): Promise<bigint[]> {
  const found = await tables.selectIn(tx, table, ["file_id"], "file_id", fileIds);
  return found.flatMap((t) => readBigints(t, ROW_ID));
}
