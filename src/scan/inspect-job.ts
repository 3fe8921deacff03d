import { buildRecord } from "../catalog/build-record.js";
import { encodeChildren } from "../catalog/encoded-children.js";
import type { CatalogRecord } from "../catalog/rows.js";
import type { InspectionResult } from "../core/model.js";
import { type InspectOptions, inspectFile, ioFailure } from "../inspect/inspect.js";
import { FileSource } from "../io/file-source.js";
import type { Policy } from "../policy/model.js";
import { attachPixelStats } from "./pixel-stats-job.js";
import { attachVerdicts } from "./policy-verdicts.js";

/** A unit of work for a scan worker: files to inspect and the inspection time to stamp them with. */
export interface InspectJob {
  paths: string[];
  /** Epoch milliseconds. */
  now: number;
  cwd: string;
  /** Channel and attribute rows as encoded texts (CatalogRecord.encoded), for a store that accepts them. */
  encodeChildren?: boolean;
  /** `scan --policy`: judge each file against it too (its verdicts ride on the record). */
  policy?: Policy;
  /** `scan --stats`: decode every chunk too; the file's pixel statistics ride on the record. */
  stats?: boolean;
  /** How long one open, stat or read may take on the main thread (default 60 s). */
  readTimeoutMs?: number;
}

/**
 * Inspects and builds the catalog rows of each path; one file's failure never affects the others.
 * `io`: "sync" on worker threads (blocking reads; the pool times the worker's answer), "async" on the main
 * thread, which must never block on a read: each open, stat and read is timed, and the job's files are read
 * concurrently.
 */
export async function runInspectJob(
  job: InspectJob,
  io: "sync" | "async" = "sync",
): Promise<CatalogRecord[]> {
  const now = new Date(job.now);
  const options: InspectOptions =
    io === "async" ? { io, ...(job.readTimeoutMs ? { readTimeoutMs: job.readTimeoutMs } : {}) } : {};
  const one = async (path: string): Promise<CatalogRecord> => {
    let result: InspectionResult;
    try {
      result = await inspectFile(path, options);
    } catch (err) {
      result = ioFailure(path, err);
    }
    const record = buildRecord(result, { now, cwd: job.cwd });
    const stats = job.stats
      ? await attachPixelStats(record, result, () => FileSource.open(path, job.readTimeoutMs), now)
      : null;
    if (job.policy) attachVerdicts(record, job.policy, result, now, stats && { parts: stats });
    if (job.encodeChildren) encodeChildren(record);
    return record;
  };
  if (io === "async") return Promise.all(job.paths.map(one));
  const out: CatalogRecord[] = [];
  for (const path of job.paths) out.push(await one(path));
  return out;
}
