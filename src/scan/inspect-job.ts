import { buildRecord } from "../catalog/build-record.js";
import { encodeChildren } from "../catalog/encoded-children.js";
import type { CatalogRecord } from "../catalog/rows.js";
import type { InspectionResult } from "../core/model.js";
import { inspectFile, ioFailure } from "../inspect/inspect.js";
import type { Policy } from "../policy/model.js";
import { attachVerdicts } from "./policy-verdicts.js";

/** A unit of work for a scan worker: files to inspect and the inspection time to stamp them with. */
export interface InspectJob {
  paths: string[];
  /** Epoch milliseconds. */
  now: number;
  cwd: string;
  /** Channel and attribute rows as JSON texts (CatalogRecord.encoded), for a store that accepts them. */
  encodeChildren?: boolean;
  /** `scan --policy`: judge each file against it too (its verdicts ride on the record). */
  policy?: Policy;
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
      result = ioFailure(path, err);
    }
    const record = buildRecord(result, { now, cwd: job.cwd });
    if (job.policy) attachVerdicts(record, job.policy, result, now);
    if (job.encodeChildren) encodeChildren(record);
    out.push(record);
  }
  return out;
}
