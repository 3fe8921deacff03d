import { buildRecord } from "../catalog/build-record.js";
import type { CatalogRecord } from "../catalog/rows.js";
import { ioFailure } from "../inspect/inspect.js";
import { WorkerPool, workerAnswerTimeoutMs, workerModuleExists } from "../parallel/worker-pool.js";
import { type InspectJob, runInspectJob } from "./inspect-job.js";

/** The compiled worker beside this module (absent when running from TypeScript sources, e.g. under vitest). */
const WORKER_URL = new URL("./scan-worker.js", import.meta.url);

export function workersAvailable(): boolean {
  return workerModuleExists(WORKER_URL);
}

/**
 * Threads for the database beside `jobs` inspection workers: the cores they leave, at least one. A scan's moves
 * insert one batch (less than a DuckDB row group) at a time, which DuckDB runs as one task whatever its thread
 * count, while its idle threads wait actively: on the 2-core bench machine (2026-12-08, load 7–8) one DuckDB
 * thread instead of two took the 20,000-file scan's CPU from 13.6–13.9 s to 11.4–12.1 s.
 */
export function databaseThreadsBeside(jobs: number, cores: number): number {
  return Math.max(1, cores - jobs);
}

/**
 * Runs inspect jobs on `size` worker threads (in-process when size is 0 or no compiled worker exists).
 * A crashed worker is replaced and the files of its job become error rows, so the scan always continues.
 */
export class InspectPool {
  private readonly pool: WorkerPool<InspectJob, CatalogRecord[]> | null;
  readonly threads: number;

  /** `answerTimeoutMs`: how long a worker may take over one job (default: twice the read timeout). */
  constructor(size: number, readTimeoutMs?: number, answerTimeoutMs = workerAnswerTimeoutMs(readTimeoutMs)) {
    this.threads = size > 0 && workersAvailable() ? size : 0;
    this.pool =
      this.threads > 0
        ? new WorkerPool<InspectJob, CatalogRecord[]>(
            WORKER_URL,
            this.threads,
            (job, err) => {
              const now = new Date(job.now);
              return job.paths.map((p) => buildRecord(ioFailure(p, err), { now, cwd: job.cwd }));
            },
            2,
            answerTimeoutMs,
          )
        : null;
  }

  run(job: InspectJob): Promise<CatalogRecord[]> {
    return this.pool ? this.pool.run(job) : runInspectJob(job, "async");
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
