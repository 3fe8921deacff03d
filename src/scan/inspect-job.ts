import { buildRecord } from "../catalog/build-record.js";
import { encodeChildren } from "../catalog/duckdb/child-json.js";
import type { CatalogRecord } from "../catalog/rows.js";
import { Inspection } from "../core/inspection.js";
import type { InspectionResult } from "../core/model.js";
import { inspectFile } from "../inspect/inspect.js";

/** A unit of work for a scan worker: files to inspect and the inspection time to stamp them with. */
export interface InspectJob {
  paths: string[];
  /** Epoch milliseconds. */
  now: number;
  cwd: string;
  /** Channel and attribute rows as JSON texts (CatalogRecord.encoded), for a store that accepts them. */
  encodeChildren?: boolean;
}

/** A result that records why a file could not be inspected at all (never expected: inspect never throws). */
export function failedInspection(path: string, err: unknown): InspectionResult {
  const failed = new Inspection(path, 0);
  failed.ioError(err);
  return failed.result({ size: 0, mtime: null, bytesRead: 0, headerHash: null });
}

/** Inspects and builds the catalog rows of each path; one file's failure never affects the others. */
export async function runInspectJob(job: InspectJob): Promise<CatalogRecord[]> {
  const now = new Date(job.now);
  const out: CatalogRecord[] = [];
  for (const path of job.paths) {
    let result: InspectionResult;
    try {
      result = await inspectFile(path);
    } catch (err) {
      result = failedInspection(path, err);
    }
    const record = buildRecord(result, { now, cwd: job.cwd });
    if (job.encodeChildren) encodeChildren(record);
    out.push(record);
  }
  return out;
}
