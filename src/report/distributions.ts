import type { CatalogStore } from "../catalog/port.js";
import { topCounts } from "./catalog-queries.js";
import type { Distributions, ReportTotals } from "./page/page-data.js";

const S = "exr_metadata";
/** Bars shown per categorical chart before the rest is summed into `(other)`. */
const TOP = 15;

/** Catalog-wide totals of the current file versions. */
export async function catalogTotals(
  store: CatalogStore,
): Promise<Omit<ReportTotals, "sequences" | "sequences_with_problems">> {
  const r = await store.query(`SELECT count(*), coalesce(sum(size_bytes), 0),
       count(*) FILTER (WHERE validation_status = 'error'),
       count(*) FILTER (WHERE is_complete IS DISTINCT FROM true),
       count(*) FILTER (WHERE validation_status = 'error' OR is_complete IS DISTINCT FROM true)
FROM ${S}.current_files`);
  const [files, bytes, invalid, incomplete, attention] = (r.rows[0] ?? []).map(Number);
  return {
    files: files ?? 0,
    bytes: bytes ?? 0,
    invalid: invalid ?? 0,
    incomplete: incomplete ?? 0,
    needing_attention: attention ?? 0,
  };
}

/** Each chart's data, aggregated by the database over the current file versions. */
export async function distributions(store: CatalogStore): Promise<Distributions> {
  const current = `(SELECT file_id FROM ${S}.current_files)`;
  const compression = await topCounts(
    store,
    `SELECT coalesce(p.compression, '(unknown)'), count(*) AS n FROM ${S}.parts p
WHERE p.file_id IN ${current} GROUP BY 1 ORDER BY n DESC, 1`,
    TOP,
  );
  const channel_sets = await topCounts(
    store,
    `SELECT set_name, count(*) AS n FROM (
  SELECT string_agg(channel_name, ' ' ORDER BY part_index, channel_name) AS set_name
  FROM ${S}.channels WHERE file_id IN ${current} GROUP BY file_id
) GROUP BY 1 ORDER BY n DESC, 1`,
    TOP,
  );
  const resolutions = await topCounts(
    store,
    `SELECT p.width || '×' || p.height, count(*) AS n FROM ${S}.parts p
WHERE p.part_index = 0 AND p.width IS NOT NULL AND p.file_id IN ${current} GROUP BY 1 ORDER BY n DESC, 1`,
    TOP,
  );
  const sizeRows =
    await store.query(`SELECT CAST(floor(log2(greatest(size_bytes, 1))) AS INTEGER) AS b, count(*)
FROM ${S}.current_files WHERE size_bytes IS NOT NULL GROUP BY 1 ORDER BY 1`);
  const sizes = sizeRows.rows.map((r) => [2 ** Number(r[0]), Number(r[1])] as [number, number]);
  const dayRows =
    await store.query(`SELECT strftime(date_trunc('day', last_inspected), '%Y-%m-%d') AS d, count(*)
FROM ${S}.current_files GROUP BY 1 ORDER BY 1`);
  const inspected = dayRows.rows.map((r) => [String(r[0]), Number(r[1])] as [string, number]);
  return { compression, channel_sets, resolutions, sizes, inspected };
}
