import { pixelStatsSet } from "../catalog/pixel-stats.js";
import type { CatalogRecord } from "../catalog/rows.js";
import type { InspectionResult } from "../core/model.js";
import type { PartStatsRecord } from "../core/pixels/part-stats.js";
import { pixelReport } from "../inspect/pixel-report.js";
import type { ByteSource } from "../io/byte-source.js";

/**
 * `scan --stats`: decodes every chunk of a file whose header was read (streaming: memory bounded by a chunk or one
 * read window) and hangs its statistics on the record; returns them for the policy's pixel rules. A file whose header
 * could not be read gets none (nothing to decode).
 */
export async function attachPixelStats(
  record: CatalogRecord,
  result: InspectionResult,
  open: () => Promise<ByteSource>,
  now: Date,
): Promise<PartStatsRecord[] | null> {
  if (result.parts.length === 0) return null;
  let source: ByteSource;
  try {
    source = await open();
  } catch {
    return null;
  }
  try {
    const report = await pixelReport(source, { stats: true });
    record.pixel_stats = pixelStatsSet(record.file.file_id, report.parts, now);
    return report.parts;
  } finally {
    await source.close?.().catch(() => undefined);
  }
}
