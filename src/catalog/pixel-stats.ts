/**
 * The rules of the pixel-statistics tables (`stats`, `part_stats`), the same for every backend: a file's statistics
 * are one set (every row of both tables for that file_id, written together by `scan --stats`); a write replaces each
 * given file's earlier set whole, so re-scanning a file leaves exactly the latest run's rows and never duplicates.
 */
import type { PartStatsRecord } from "../core/pixels/part-stats.js";
import type { PartStatRow, PixelStatsSet, StatRow } from "./rows.js";

/** A `stats` report's parts (exr-inspector stats) as the rows of one file's set. */
export function pixelStatsSet(file_id: string, parts: readonly PartStatsRecord[], now: Date): PixelStatsSet {
  const stats: StatRow[] = [];
  const partRows: PartStatRow[] = [];
  // Keys as the tables' primary keys: a channel name repeated in a damaged header keeps its first occurrence.
  const seen = new Set<string>();
  for (const p of parts) {
    if (seen.has(`${p.part_index}`)) continue;
    seen.add(`${p.part_index}`);
    for (const level of p.levels)
      for (const c of level.channels) {
        const key = `${p.part_index}\0${level.level[0]}\0${level.level[1]}\0${c.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        stats.push({
          file_id,
          part_index: p.part_index,
          level_x: level.level[0],
          level_y: level.level[1],
          channel_name: c.name,
          type: c.type,
          min: c.min,
          max: c.max,
          mean: c.mean,
          stddev: c.stddev,
          nan_count: c.nan_count,
          inf_count: c.inf_count,
          finite_count: c.finite_count,
          constant: c.constant,
          computed_at: now,
        });
      }
    partRows.push({
      file_id,
      part_index: p.part_index,
      pixel_hash: p.pixel_hash,
      monochrome: p.monochrome,
      total_samples: p.deep?.total_samples ?? null,
      pixels_with_samples: p.deep?.pixels_with_samples ?? null,
      pixels_without_samples: p.deep?.pixels_without_samples ?? null,
      samples_histogram: p.deep ? JSON.stringify(p.deep.samples_histogram) : null,
      min_depth: p.deep?.min_depth?.value ?? null,
      max_depth: p.deep?.max_depth?.value ?? null,
      computed_at: now,
    });
  }
  return { file_id, stats, parts: partRows };
}

/** The sets of one write by file (the last set given for a file wins). */
export function pixelStatsByFile(sets: readonly PixelStatsSet[]): Map<string, PixelStatsSet> {
  const out = new Map<string, PixelStatsSet>();
  for (const s of sets) out.set(s.file_id, s);
  return out;
}

/** Rows of both tables grouped back into sets (export readers, restores). */
export function groupPixelStats(stats: readonly StatRow[], parts: readonly PartStatRow[]): PixelStatsSet[] {
  const out = new Map<string, PixelStatsSet>();
  const set = (id: string) => {
    let s = out.get(id);
    if (!s) {
      s = { file_id: id, stats: [], parts: [] };
      out.set(id, s);
    }
    return s;
  };
  for (const r of stats) set(r.file_id).stats.push(r);
  for (const r of parts) set(r.file_id).parts.push(r);
  return [...out.values()];
}

/** Restoring an export: the backup's sets of the files the catalog holds no statistics for (existing ones kept). */
export function pixelStatsToRestore(
  backup: readonly PixelStatsSet[],
  storedFileIds: ReadonlySet<string>,
): PixelStatsSet[] {
  return backup.filter((s) => !storedFileIds.has(s.file_id));
}

/**
 * For stores without keys (VAST): two writers of the same file may both have inserted before either deleted the
 * other's rows. Readers keep, per file, only the rows of the latest `computed_at` (the same in both tables of a set).
 */
export function latestPixelStats<Row extends { file_id: string; computed_at: Date }>(
  rows: readonly Row[],
): Row[] {
  const latest = new Map<string, number>();
  for (const r of rows)
    latest.set(
      r.file_id,
      Math.max(latest.get(r.file_id) ?? Number.NEGATIVE_INFINITY, r.computed_at.getTime()),
    );
  return rows.filter((r) => r.computed_at.getTime() === latest.get(r.file_id));
}
