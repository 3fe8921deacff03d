import { type PixelReport, pixelReportFile } from "../../inspect/pixel-report.js";
import { walkPaths } from "../../io/walk.js";
import { pixelPasses } from "../output/pixel-output.js";

/** Decodes each file (one at a time: memory stays one chunk window) and hands its report over in input order. */
export async function runPixelReports(
  paths: string[],
  stats: boolean,
  emit: (r: PixelReport) => void | Promise<void>,
): Promise<{ files: number; failed: number }> {
  let files = 0;
  let failed = 0;
  for await (const entry of walkPaths(paths)) {
    const r = await pixelReportFile(entry.path, { stats });
    files++;
    if (!pixelPasses(r)) failed++;
    await emit(r);
  }
  return { files, failed };
}
