import { Table } from "apache-arrow";
import type { Transaction } from "../../vast/client/transaction.js";
import { currentFirst } from "../current-version.js";
import type { KnownFileState, QueryResult, SimilarHit, TableCounts } from "../port.js";
import { EmptyQueryError, runSandboxedQuery } from "../query-sandbox.js";
import { inRecordOrder } from "../record-order.js";
import type { AttributeRow, CatalogRecord, ChannelRow, PartRow } from "../rows.js";
import { type MirrorRows, neededColumns, withMirror } from "../sql-engine/mirror.js";
import { analyzeWhere } from "../sql-engine/where-conjuncts.js";
import {
  type CatalogTable,
  CHILD_TABLES,
  PIXEL_STATS_TABLES,
  type StoredTable,
  TABLE_COLUMNS,
} from "../tables.js";
import { tableToRows } from "./arrow-rows.js";
import { countWinners } from "./counts.js";
import { FILE_KEY_COLUMNS, type FileVersion, versionsOf } from "./file-versions.js";
import { readPixelStats } from "./pixel-stats.js";
import { similarFiles } from "./similar.js";
import { type Pushdown, vastPushdown } from "./sql-pushdown.js";
import type { VastTables } from "./vast-tables.js";
import { readVerdicts } from "./verdicts.js";
import { winnerChildren, winnerFiles, winnersOf } from "./winner-rows.js";

// The adapter's reads: each in one read-only transaction, over winner rows only (see vast-store.ts).

export async function knownState(tables: VastTables, paths: string[]): Promise<Map<string, KnownFileState>> {
  const out = new Map<string, KnownFileState>();
  if (paths.length === 0) return out;
  const { rows } = await tables.read((tx) =>
    winnerFiles(
      tables,
      tx,
      ["file_path_normalized", "size_bytes", "mtime", "etag", "last_inspected", "inspection_timestamp"],
      { paths },
    ),
  );
  rows.sort(currentFirst);
  for (const f of rows) {
    if (out.has(f.file_path_normalized)) continue;
    out.set(f.file_path_normalized, {
      file_path_normalized: f.file_path_normalized,
      file_id: f.file_id,
      size_bytes: f.size_bytes,
      mtime: f.mtime ? f.mtime.toISOString() : null,
      etag: f.etag ?? null,
    });
  }
  return out;
}

/** Streamed: memory flat in the table size (similar.ts). */
export function similar(
  tables: VastTables,
  query: { file_id: string } | { embedding: Float32Array | number[] },
  k: number,
): Promise<SimilarHit[]> {
  return tables.read((tx) => similarFiles(tables, tx, query, k));
}

export async function getRecord(tables: VastTables, file_id: string): Promise<CatalogRecord | null> {
  return tables.read(async (tx) => {
    const { rows, tokens } = await winnerFiles(
      tables,
      tx,
      TABLE_COLUMNS.files.map((c) => c.name),
      { ids: [file_id] },
    );
    const file = rows[0];
    if (!file) return null;
    const child = <Row>(table: Exclude<CatalogTable, "files">) =>
      winnerChildren<Row>(
        tables,
        tx,
        table,
        TABLE_COLUMNS[table].map((c) => c.name),
        tokens,
        [file_id],
      );
    return inRecordOrder({
      file,
      parts: await child<PartRow>("parts"),
      channels: await child<ChannelRow>("channels"),
      attributes: await child<AttributeRow>("attributes"),
    });
  });
}

/** Streamed over the key columns, a few typed arrays per file (counts.ts). */
export function counts(tables: VastTables): Promise<TableCounts> {
  return tables.read((tx) => countWinners(tables, tx));
}

/**
 * Runs `sql` in an in-process, sandboxed DuckDB over the winner rows of only the tables and columns it names. When
 * it is one SELECT over one catalog table, the simple conditions of its WHERE are pushed down into the VAST read
 * (sql-pushdown.ts), so only matching rows cross the wire; the notes of the result say what was pushed or why not.
 */
export async function query(tables: VastTables, sql: string): Promise<QueryResult> {
  if (sql.trim() === "") throw new EmptyQueryError();
  const needed = neededColumns(sql);
  const { pushdown, reason } = vastPushdown(await analyzeWhere(sql), await tables.schemas());
  const rows = await tables.read((tx) =>
    pushdown ? pushedRows(tables, tx, pushdown, needed) : allRows(tables, tx, needed),
  );
  const result = await withMirror(rows, (c) => runSandboxedQuery(c, sql), { sandboxed: true });
  const read = Object.entries(needed)
    .map(([t, cols]) => `${t}(${cols.join(", ")})`)
    .join(", ");
  const notes = pushdown
    ? [
        `vast: pushed down to ${pushdown.table}: ${pushdown.pushed.join(" AND ")}`,
        ...(pushdown.notPushed.length > 0
          ? [`vast: applied after reading: ${pushdown.notPushed.join("; ")}`]
          : []),
      ]
    : [`vast: no condition pushed down (${reason}); every row of the tables read is fetched`];
  return { ...result, notes: [...notes, `vast: columns read: ${read || "none"}`] };
}

/** Every winner row of the needed tables and columns. */
async function allRows(
  tables: VastTables,
  tx: Transaction,
  needed: Partial<Record<StoredTable, string[]>>,
): Promise<MirrorRows> {
  const out: MirrorRows = {};
  let tokens: Map<string, string | null> | null = null;
  const needFiles = Object.keys(needed).length > 0;
  if (needFiles) {
    const files = await winnerFiles(tables, tx, needed.files ?? []);
    tokens = files.tokens;
    if (needed.files) out.files = files.rows as unknown as Record<string, unknown>[];
  }
  for (const table of CHILD_TABLES) {
    const columns = needed[table];
    if (columns && tokens) out[table] = await winnerChildren(tables, tx, table, columns, tokens);
  }
  if (needed.validation_results) {
    const verdicts = await readVerdicts(tables, tx, needed.validation_results);
    out.validation_results = verdicts as unknown as Record<string, unknown>[];
  }
  for (const table of PIXEL_STATS_TABLES) {
    const columns = needed[table];
    if (columns) out[table] = await readPixelStats(tables, tx, table, columns);
  }
  return out;
}

/**
 * The one table of the query, read with the pushed-down predicate; the rows kept are the winners' (files) or those
 * of winning writes (children), decided from the key columns of the files those rows belong to.
 */
async function pushedRows(
  tables: VastTables,
  tx: Transaction,
  pushdown: Pushdown,
  needed: Partial<Record<StoredTable, string[]>>,
): Promise<MirrorRows> {
  const table = pushdown.table;
  const wanted = [...new Set([...FILE_KEY_COLUMNS, ...(needed[table] ?? [])])];
  // biome-ignore lint/suspicious/noExplicitAny: specs of one of the four row types
  const specs = (TABLE_COLUMNS[table as CatalogTable] as any[]).filter((c) => wanted.includes(c.name));
  const found: { row: Record<string, unknown>; v: FileVersion }[] = [];
  for await (const batch of tables.stream(tx, table, wanted, { predicate: pushdown.predicate })) {
    const t = new Table([batch]);
    const rows = tableToRows<Record<string, unknown>>(t, specs);
    for (const v of versionsOf(t)) found.push({ row: rows[v.index]!, v });
  }
  const winners = await winnersOf(tables, tx, new Set(found.map((f) => f.v.file_id)), {
    tokens: table !== "files",
  });
  const kept = found.filter(({ v }) => {
    const w = winners.get(v.file_id);
    return table === "files" ? w?.rowId === v.rowId : w !== undefined && w.token === v.token;
  });
  return { [table]: kept.map((f) => f.row) };
}
