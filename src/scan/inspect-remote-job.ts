import { buildRecord } from "../catalog/build-record.js";
import { encodeChildren } from "../catalog/encoded-children.js";
import type { CatalogRecord } from "../catalog/rows.js";
import { inspectRemote } from "../inspect/inspect-remote.js";
import type { RemoteContext } from "../io/remote-inputs.js";
import type { InspectJob } from "./inspect-job.js";
import { attachPixelStats } from "./pixel-stats-job.js";
import { attachVerdicts } from "./policy-verdicts.js";

/**
 * Inspects objects (`s3://`, `https://`) on this thread: their cost is waiting for the network, so they run
 * concurrently (bounded by the context's `concurrency` across all jobs) instead of on worker threads.
 */
export async function runRemoteInspectJob(
  paths: string[],
  context: RemoteContext,
  job: Omit<InspectJob, "paths">,
): Promise<CatalogRecord[]> {
  const now = new Date(job.now);
  return Promise.all(
    paths.map((path) =>
      context.limit(async () => {
        const result = await inspectRemote(() => context.open(path));
        const record = buildRecord(result, { now, cwd: job.cwd });
        const stats = job.stats
          ? await attachPixelStats(record, result, async () => context.open(path), now)
          : null;
        if (job.policy) attachVerdicts(record, job.policy, result, now, stats && { parts: stats });
        if (job.encodeChildren) encodeChildren(record);
        return record;
      }),
    ),
  );
}
