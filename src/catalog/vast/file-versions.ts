import type { Table } from "apache-arrow";
import { ROW_ID } from "../../vast/client/transaction.js";
import { readBigints, readStrings } from "./arrow-rows.js";
import { INGEST_TOKEN } from "./table-schemas.js";

/** One stored row of a file (in `files` or a child table): which write stored it, and where. */
export interface FileVersion {
  file_id: string;
  token: string | null;
  rowId: bigint;
  /** The row's index in the Arrow table it was read from. */
  index: number;
}

/** The columns that identify a stored version of a file. */
export const FILE_KEY_COLUMNS = ["file_id", INGEST_TOKEN];

/** Per file_id, the row with the smallest `$row_id`: the one every reader and writer agrees on. */
export function pickWinners(versions: FileVersion[]): Map<string, FileVersion> {
  const winners = new Map<string, FileVersion>();
  for (const v of versions) {
    const w = winners.get(v.file_id);
    if (!w || v.rowId < w.rowId) winners.set(v.file_id, v);
  }
  return winners;
}

/** The versions in a table read with FILE_KEY_COLUMNS and `$row_id`. */
export function versionsOf(table: Table): FileVersion[] {
  const ids = readStrings(table, "file_id");
  const tokens = readStrings(table, INGEST_TOKEN);
  const rowIds = readBigints(table, ROW_ID);
  return ids.map((id, index) => ({
    file_id: id ?? "",
    token: tokens[index] ?? null,
    rowId: rowIds[index]!,
    index,
  }));
}
