import { Table } from "apache-arrow";
import type { Predicate } from "../../vast/client/predicate.js";
import type { Transaction } from "../../vast/client/transaction.js";
import type { FileRow } from "../rows.js";
import { type CatalogTable, TABLE_COLUMNS } from "../tables.js";
import { tableToRows } from "./arrow-rows.js";
import { FILE_KEY_COLUMNS, type FileVersion, pickWinners, versionsOf } from "./file-versions.js";
import type { VastTables } from "./vast-tables.js";

/** Winner files rows (all or the given ids/paths) with the requested catalog columns, plus their tokens. */
export async function winnerFiles(
  tables: VastTables,
  tx: Transaction,
  columns: string[],
  filter: { ids?: string[]; paths?: string[]; predicate?: Predicate } = {},
): Promise<{ rows: FileRow[]; tokens: Map<string, string | null> }> {
  const wanted = [...new Set([...FILE_KEY_COLUMNS, ...columns])];
  let found: Table[];
  if (filter.ids) found = await tables.selectIn(tx, "files", wanted, "file_id", filter.ids);
  else if (filter.paths)
    found = await tables.selectIn(tx, "files", wanted, "file_path_normalized", filter.paths);
  else {
    const t = await tables.select(tx, "files", wanted, filter.predicate ?? []);
    found = t ? [t] : [];
  }
  const specs = TABLE_COLUMNS.files.filter((c) => wanted.includes(c.name));
  const rows: FileRow[] = [];
  const tokens = new Map<string, string | null>();
  // Winners are decided over every version of an id, so a filter must not hide the winner: ids and paths
  // select all versions of a file; a predicate may only hide whole files (callers filter on per-file values).
  const all: { row: FileRow; v: FileVersion }[] = [];
  for (const t of found) {
    const r = tableToRows<FileRow>(t, specs);
    for (const v of versionsOf(t)) all.push({ row: r[v.index]!, v });
  }
  const winners = pickWinners(all.map((x) => x.v));
  for (const x of all) {
    if (winners.get(x.v.file_id) !== x.v) continue;
    rows.push(x.row);
    tokens.set(x.v.file_id, x.v.token);
  }
  return { rows, tokens };
}

/** Child rows of the winner files only (matching `file_id` and `ingest_token`). */
export async function winnerChildren<Row>(
  tables: VastTables,
  tx: Transaction,
  table: Exclude<CatalogTable, "files">,
  columns: string[],
  tokens: Map<string, string | null>,
  ids?: string[],
): Promise<Row[]> {
  const wanted = [...new Set([...FILE_KEY_COLUMNS, ...columns])];
  let found: Table[];
  if (ids) found = await tables.selectIn(tx, table, wanted, "file_id", ids);
  else {
    const t = await tables.select(tx, table, wanted);
    found = t ? [t] : [];
  }
  // biome-ignore lint/suspicious/noExplicitAny: specs of one of the three child row types
  const specs = (TABLE_COLUMNS[table] as any[]).filter((c) => wanted.includes(c.name));
  const out: Row[] = [];
  for (const t of found) {
    const rows = tableToRows<Row>(t, specs);
    versionsOf(t).forEach((v, i) => {
      if (tokens.has(v.file_id) && tokens.get(v.file_id) === v.token) out.push(rows[i]!);
    });
  }
  return out;
}

/** Above this many ids, winners are found by one narrow streamed scan instead of key lookups (64 keys each). */
const LOOKUP_LIMIT = 1024;

/**
 * The winner (smallest `$row_id`) of each of `ids` (with its token when asked), from the key columns only: by key lookups when
 * there are few ids, else by one streamed scan of `(file_id, ingest_token, $row_id)` keeping only those ids.
 */
export async function winnersOf(
  tables: VastTables,
  tx: Transaction,
  ids: ReadonlySet<string>,
  options: { tokens: boolean },
): Promise<Map<string, FileVersion>> {
  if (ids.size === 0) return new Map();
  const columns = options.tokens ? FILE_KEY_COLUMNS : ["file_id"];
  if (ids.size <= LOOKUP_LIMIT) {
    const found = await tables.selectIn(tx, "files", columns, "file_id", [...ids]);
    return pickWinners(found.flatMap(versionsOf));
  }
  const winners = new Map<string, FileVersion>();
  for await (const batch of tables.stream(tx, "files", columns)) {
    for (const v of versionsOf(new Table([batch]))) {
      if (!ids.has(v.file_id)) continue;
      const w = winners.get(v.file_id);
      if (!w || v.rowId < w.rowId) winners.set(v.file_id, v);
    }
  }
  return winners;
}
