import { currentFirst } from "../current-version.js";
import type { KnownFileState, QueryResult, SimilarHit, TableCounts } from "../port.js";
import { EmptyQueryError, runSandboxedQuery } from "../query-sandbox.js";
import { inRecordOrder } from "../record-order.js";
import type { AttributeRow, CatalogRecord, ChannelRow, PartRow } from "../rows.js";
import { nearestFiles } from "../similarity.js";
import { neededColumns, withMirror } from "../sql-engine/mirror.js";
import { type CatalogTable, CHILD_TABLES, type StoredTable, TABLE_COLUMNS } from "../tables.js";
import type { VastTables } from "./vast-tables.js";
import { readVerdicts } from "./verdicts.js";
import { winnerChildren, winnerFiles } from "./winner-rows.js";

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

export async function similar(
  tables: VastTables,
  query: { file_id: string } | { embedding: Float32Array | number[] },
  k: number,
): Promise<SimilarHit[]> {
  const { rows } = await tables.read((tx) =>
    winnerFiles(tables, tx, [
      "file_path",
      "file_path_normalized",
      "last_inspected",
      "inspection_timestamp",
      "metadata_embedding",
    ]),
  );
  return nearestFiles(rows, query, k);
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

export async function counts(tables: VastTables): Promise<TableCounts> {
  return tables.read(async (tx) => {
    const { rows, tokens } = await winnerFiles(tables, tx, []);
    const out: TableCounts = { files: rows.length, parts: 0, channels: 0, attributes: 0 };
    for (const table of CHILD_TABLES) {
      out[table] = (await winnerChildren(tables, tx, table, [], tokens)).length;
    }
    return out;
  });
}

/** Pulls the winner rows of the tables/columns `sql` needs and runs it in an in-process DuckDB. */
export async function query(tables: VastTables, sql: string): Promise<QueryResult> {
  if (sql.trim() === "") throw new EmptyQueryError();
  const needed = neededColumns(sql);
  const rows = await tables.read(async (tx) => {
    const out: Partial<Record<StoredTable, Record<string, unknown>[]>> = {};
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
    return out;
  });
  return withMirror(rows, (c) => runSandboxedQuery(c, sql), { sandboxed: true });
}
