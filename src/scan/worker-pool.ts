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
