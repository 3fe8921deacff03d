import type { CatalogStore } from "../catalog/port.js";
import type { FrameEntry, FrameStructure } from "./frame-entry.js";

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * One row per current catalogued file with its structure reduced in the database to one hash per field, so a
 * million-file catalog crosses into the process as a million short rows. `prefixes` keep paths starting with
 * one of them (as catalogued: absolute and normalized; `s3://bucket/key` for S3).
 */
export function frameEntriesSql(prefixes: readonly string[] = []): string {
  const where = prefixes.length
    ? `WHERE ${prefixes.map((p) => `starts_with(f.file_path_normalized, ${quote(p)})`).join(" OR ")}`
    : "";
  return `WITH p AS (
  SELECT file_id, count(*) AS part_count,
         hash(string_agg(coalesce(compression, '?'), ',' ORDER BY part_index)) AS compression,
         hash(string_agg(coalesce(data_window, '?'), ';' ORDER BY part_index)) AS data_window,
         hash(string_agg(coalesce(display_window, '?'), ';' ORDER BY part_index)) AS display_window
  FROM exr_metadata.parts GROUP BY file_id
), c AS (
  SELECT file_id,
         hash(string_agg(part_index || '/' || channel_name, ',' ORDER BY part_index, channel_name)) AS channels,
         hash(string_agg(DISTINCT channel_type, ',' ORDER BY channel_type)) AS pixel_types
  FROM exr_metadata.channels GROUP BY file_id
)
SELECT f.file_path_normalized, f.size_bytes, coalesce(f.is_complete, false) AS complete,
       p.part_count, c.channels, c.pixel_types, p.compression, p.data_window, p.display_window
FROM exr_metadata.current_files f
LEFT JOIN p ON p.file_id = f.file_id
LEFT JOIN c ON c.file_id = f.file_id
${where}`;
}

const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** The catalog's view of its files as sequence entries (no file is read). */
export async function catalogFrameEntries(
  store: CatalogStore,
  prefixes: readonly string[] = [],
): Promise<FrameEntry[]> {
  const result = await store.query(frameEntriesSql(prefixes));
  return result.rows.map((row) => {
    const [path, size, complete, partCount, channels, pixelTypes, compression, dataWindow, displayWindow] =
      row;
    const structure: FrameStructure | null =
      partCount === null || partCount === undefined
        ? null
        : {
            part_count: text(partCount),
            channels: text(channels),
            pixel_types: text(pixelTypes),
            compression: text(compression),
            data_window: text(dataWindow),
            display_window: text(displayWindow),
          };
    return {
      path: String(path),
      size: size === null || size === undefined ? null : Number(size),
      complete: complete === true,
      structure,
    };
  });
}
