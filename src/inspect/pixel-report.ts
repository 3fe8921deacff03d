import { createHash } from "node:crypto";
import { FindingSink, finding, statusOf } from "../core/findings.js";
import type { Finding, ValidationStatus } from "../core/model.js";
import { isChunkFailure } from "../core/pixels/decode-chunk.js";
import { PartStats, type PartStatsRecord } from "../core/pixels/part-stats.js";
import type { Hasher } from "../core/pixels/pixel-hash.js";
import type { ByteSource } from "../io/byte-source.js";
import { FileSource } from "../io/file-source.js";
import { planPixels, readChunks } from "./read-chunks.js";

/** What `verify` and `stats` print for one file. */
export interface PixelReport {
  path: string;
  status: ValidationStatus;
  is_complete: boolean;
  /** Per decoded part (empty for `verify`). */
  parts: PartStatsRecord[];
  /** Header, offset-table and pixel findings together. */
  findings: Finding[];
}

export interface PixelReportOptions {
  /** Compute statistics and pixel hashes (the `stats` command); false only decodes (`verify`). */
  stats?: boolean;
  path?: string;
  /** zip/zips chunks inflated on the thread pool, a read window at a time (see ChunkReadOptions.asyncInflate). */
  asyncInflate?: boolean;
}

export function sha256Hasher(): Hasher {
  const h = createHash("sha256");
  return { update: (b) => h.update(b), digest: () => new Uint8Array(h.digest()) };
}

/** Decodes every chunk of `source`; never throws (read failures become EXR_IO_ERROR findings). */
export async function pixelReport(
  source: ByteSource,
  options: PixelReportOptions = {},
): Promise<PixelReport> {
  const path = options.path ?? source.path;
  const sink = new FindingSink();
  let isComplete = false;
  const parts: PartStatsRecord[] = [];
  try {
    const plan = await planPixels(source);
    isComplete = plan.result.file.is_complete;
    for (const f of plan.result.validation.findings) sink.findings.push(f);
    sink.addAll(plan.findings);
    const stats = plan.layouts.map((l) => (l && options.stats ? new PartStats(l, sha256Hasher) : null));
    for await (const e of readChunks(source, plan, { asyncInflate: options.asyncInflate === true })) {
      if (isChunkFailure(e.decoded)) sink.addAll(e.decoded.findings);
      else if ("counts" in e.decoded) stats[e.layout.partIndex]?.addDeep(e.decoded);
      else stats[e.layout.partIndex]?.add(e.decoded);
    }
    for (const s of stats) if (s) parts.push(s.record());
  } catch (err) {
    sink.add(finding("EXR_IO_ERROR", `read failed: ${err instanceof Error ? err.message : String(err)}`));
  }
  const findings = sink.finish();
  return { path, status: statusOf(findings), is_complete: isComplete, parts, findings };
}

export async function pixelReportFile(path: string, options: PixelReportOptions = {}): Promise<PixelReport> {
  let source: FileSource;
  try {
    source = await FileSource.open(path);
  } catch (err) {
    const findings = [
      finding("EXR_IO_ERROR", `cannot open: ${err instanceof Error ? err.message : String(err)}`),
    ];
    return { path: options.path ?? path, status: "error", is_complete: false, parts: [], findings };
  }
  try {
    return await pixelReport(source, options);
  } finally {
    await source.close().catch(() => undefined);
  }
}
