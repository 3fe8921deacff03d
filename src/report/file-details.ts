import type { CatalogStore } from "../catalog/port.js";
import { columnsOf, hasTable, objects, quote } from "./catalog-queries.js";
import type { FileDetail } from "./page/page-data.js";

const S = "exr_metadata";
/** Attribute values longer than this are cut on the page (Cryptomatte manifests run to megabytes). */
export const MAX_VALUE_CHARS = 400;

/** Current files that are invalid or incomplete, paths in order, up to `limit`. */
export async function problemFileIds(store: CatalogStore, limit: number): Promise<string[]> {
  const r = await store.query(`SELECT file_id FROM ${S}.current_files
WHERE validation_status = 'error' OR is_complete IS DISTINCT FROM true
ORDER BY file_path LIMIT ${Math.max(0, Math.floor(limit))}`);
  return r.rows.map((row) => String(row[0]));
}

function groupBy(rows: Record<string, unknown>[]): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const id = String(r.file_id);
    const list = out.get(id);
    if (list) list.push(r);
    else out.set(id, [r]);
  }
  return out;
}

/** Every attribute, part, channel, verdict and stats row of the given files (one query per table). */
export async function fileDetails(
  store: CatalogStore,
  ids: readonly string[],
): Promise<Record<string, FileDetail>> {
  if (ids.length === 0) return {};
  const list = ids.map(quote).join(",");
  const files = objects(
    await store.query(`SELECT file_id, file_path, size_bytes, mtime, last_inspected, validation_status, is_complete,
       error_codes, error_message FROM ${S}.files WHERE file_id IN (${list})`),
  );
  const parts = groupBy(
    objects(
      await store.query(`SELECT file_id, part_index, part_name, view_name, part_type, compression, data_window,
       display_window, width, height, pixel_aspect_ratio, line_order, is_tiled, is_deep, chunk_count, color_space,
       render_software FROM ${S}.parts WHERE file_id IN (${list}) ORDER BY file_id, part_index`),
    ),
  );
  const channels = groupBy(
    objects(
      await store.query(`SELECT file_id, part_index, channel_name, channel_type FROM ${S}.channels
WHERE file_id IN (${list}) ORDER BY file_id, part_index, channel_name`),
    ),
  );
  const attributes = groupBy(
    objects(
      await store.query(`SELECT file_id, part_index, attribute_name, attribute_type,
       CASE WHEN length(attribute_value) > ${MAX_VALUE_CHARS}
            THEN left(attribute_value, ${MAX_VALUE_CHARS}) || '…' ELSE attribute_value END AS value
FROM ${S}.attributes WHERE file_id IN (${list}) ORDER BY file_id, part_index, attribute_index`),
    ),
  );
  const verdicts = (await hasTable(store, "validation_results"))
    ? groupBy(
        objects(
          await store.query(`SELECT * EXCLUDE (checked_at), CAST(checked_at AS VARCHAR) AS checked_at
FROM ${S}.validation_results WHERE file_id IN (${list}) ORDER BY file_id, policy_id, rule_id`),
        ),
      )
    : new Map<string, Record<string, unknown>[]>();
  // The `stats` table (pixel statistics) exists only in catalogs where a stats-enabled scan ran.
  const stats =
    (await hasTable(store, "stats")) && (await columnsOf(store, "stats")).has("file_id")
      ? groupBy(objects(await store.query(`SELECT * FROM ${S}.stats WHERE file_id IN (${list})`)))
      : null;
  const out: Record<string, FileDetail> = {};
  for (const f of files) {
    const id = String(f.file_id);
    const strip = (rows: Record<string, unknown>[] | undefined) =>
      (rows ?? []).map(({ file_id: _, ...rest }) => rest);
    out[id] = {
      file_id: id,
      file_path: String(f.file_path),
      size_bytes: f.size_bytes === null ? null : Number(f.size_bytes),
      mtime: (f.mtime as string | null) ?? null,
      last_inspected: (f.last_inspected as string | null) ?? null,
      validation_status: String(f.validation_status),
      is_complete: (f.is_complete as boolean | null) ?? null,
      error_codes: Array.isArray(f.error_codes) ? f.error_codes.map(String) : [],
      error_message: (f.error_message as string | null) ?? null,
      parts: strip(parts.get(id)),
      channels: (channels.get(id) ?? []).map((c) => ({
        part_index: Number(c.part_index),
        name: String(c.channel_name),
        type: c.channel_type === null ? null : String(c.channel_type),
      })),
      attributes: (attributes.get(id) ?? []).map((a) => ({
        part_index: a.part_index === null ? null : Number(a.part_index),
        name: String(a.attribute_name),
        type: a.attribute_type === null ? null : String(a.attribute_type),
        value: a.value === null ? null : String(a.value),
      })),
      verdicts: strip(verdicts.get(id)),
      stats: stats ? strip(stats.get(id)) : null,
    };
  }
  return out;
}
