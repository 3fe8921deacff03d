import type { CatalogRecord } from "../../catalog/rows.js";
import type { RemoteContext } from "../../io/remote-inputs.js";
import { isRemote } from "../../io/s3-uri.js";
import type { Policy } from "../../policy/model.js";
import { runRemoteInspectJob } from "../inspect-remote-job.js";
import type { InspectPool } from "../worker-pool.js";
import type { BatchWriter } from "./write.js";

export interface InspectStageOptions {
  pool: InspectPool;
  /** Reads `s3://` / `https://` paths (on this thread, concurrently); null when every input is local. */
  remote: RemoteContext | null;
  writer: BatchWriter;
  jobSize: number;
  cwd: string;
  /** Workers hand the store its child rows pre-encoded (see catalog/encoded-children.ts). */
  encodeChildren: boolean;
  /** `scan --policy`: each record also carries the file's verdicts. */
  policy?: Policy;
  /** `scan --stats`: each record also carries the file's pixel statistics. */
  stats?: boolean;
  /** How long one open, stat or read may take when files are inspected on this thread (no workers). */
  readTimeoutMs?: number;
  stopped: () => boolean;
  onInspected: (records: CatalogRecord[]) => void;
}

/**
 * Stage 3 of a scan: inspects paths in jobs of `jobSize`, local files on the worker pool and objects on this
 * thread, with enough jobs in flight to keep the workers busy while the writer stores a batch, and no more.
 */
export class InspectStage {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxInFlight: number;

  constructor(private readonly options: InspectStageOptions) {
    const { pool, writer, jobSize } = options;
    // In-process inspection (no workers) just alternates with writing.
    this.maxInFlight = pool.threads === 0 ? 2 : Math.ceil(writer.handoff / jobSize) + pool.threads * 4;
  }

  /** Dispatches every path (local files first: they go to other threads), waiting for room as it goes. */
  async inspect(paths: string[]): Promise<void> {
    // Objects and local files go to different jobs (objects are read on this thread, files on the workers).
    const objects = paths.filter((p) => isRemote(p));
    const files = objects.length === 0 ? paths : paths.filter((p) => !isRemote(p));
    const { jobSize, stopped } = this.options;
    for (const list of [files, objects])
      for (let i = 0; i < list.length && !stopped(); i += jobSize)
        await this.dispatch(list.slice(i, i + jobSize));
  }

  /** Resolves when every job dispatched so far has been inspected. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async dispatch(paths: string[]): Promise<void> {
    const { pool, remote, writer, cwd, encodeChildren, policy, stats, readTimeoutMs, stopped, onInspected } =
      this.options;
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    // Backpressure: while one batch is written, the workers fill the next; no more rows than that wait in memory.
    if (pool.threads === 0) await writer.idle();
    // A failed write stops the scan now (its error is thrown here) rather than after inspecting everything.
    await writer.waitForRoom();
    if (stopped()) return;
    const job = {
      paths,
      now: Date.now(),
      cwd,
      encodeChildren,
      ...(policy ? { policy } : {}),
      ...(stats ? { stats } : {}),
      ...(readTimeoutMs ? { readTimeoutMs } : {}),
    };
    const task = (
      remote && isRemote(paths[0]!) ? runRemoteInspectJob(paths, remote, job) : pool.run(job)
    ).then(onInspected);
    const tracked = task.then(() => {
      this.inFlight.delete(tracked);
    });
    this.inFlight.add(tracked);
  }
}
