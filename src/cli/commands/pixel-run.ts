import { Option } from "commander";
import { finding } from "../../core/findings.js";
import { type PixelReport, pixelReportFile } from "../../inspect/pixel-report.js";
import { walkPaths } from "../../io/walk.js";
import { WorkerPool, workerModuleExists } from "../../parallel/worker-pool.js";
import { mapOrdered } from "../output/ordered.js";
import { pixelPasses } from "../output/pixel-output.js";
import type { PixelRequest } from "../output/pixel-worker.js";
import { defaultJobs } from "../output/run.js";

/** The compiled worker (absent when running from TypeScript sources, e.g. under vitest: then all runs here). */
const PIXEL_WORKER = new URL("../output/pixel-worker.js", import.meta.url);
/** A worker may decode one file this long before it is taken for stuck (its reads are timed anyway). */
const DECODE_ANSWER_TIMEOUT_MS = 30 * 60_000;

/** `-j`: decoding threads (shared by stats and verify). */
export function pixelJobsOption(): Option {
  return new Option("-j, --jobs <n>", "worker threads decoding files in parallel (0: this thread only)")
    .argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number >= 0: ${v}`);
      return n;
    })
    .default(defaultJobs(), "one per CPU, at most 8");
}

function failedReport(path: string, err: unknown): PixelReport {
  const message = `decoding worker failed: ${err instanceof Error ? err.message : String(err)}`;
  return {
    path,
    status: "error",
    is_complete: false,
    parts: [],
    findings: [finding("EXR_IO_ERROR", message)],
  };
}

/**
 * Decodes each file and hands its report over in input order. With `jobs` > 0 files are decoded on that many
 * worker threads (each file whole on one thread: memory stays one chunk window per thread); this thread decodes
 * the first files itself while the workers start, so a single small file never waits for a worker.
 */
export async function runPixelReports(
  paths: string[],
  stats: boolean,
  emit: (r: PixelReport) => void | Promise<void>,
  jobs = defaultJobs(),
): Promise<{ files: number; failed: number }> {
  let files = 0;
  let failed = 0;
  const pool =
    jobs > 0 && workerModuleExists(PIXEL_WORKER)
      ? new WorkerPool<PixelRequest, PixelReport | null>(
          PIXEL_WORKER,
          jobs,
          (req, err) => failedReport(req.path ?? "", err),
          2,
          DECODE_ANSWER_TIMEOUT_MS,
        )
      : null;
  let ready = false;
  if (pool)
    void Promise.all(Array.from({ length: jobs }, () => pool.run({ path: null, stats }))).then(() => {
      ready = pool.crashes === 0;
    });
  const decode = async (path: string): Promise<PixelReport> => {
    if (pool && ready) return (await pool.run({ path, stats })) ?? failedReport(path, "no answer");
    // Let the event loop deliver the workers' warm-up answers before this thread takes the file.
    if (pool) await new Promise((resolve) => setImmediate(resolve));
    if (pool && ready) return (await pool.run({ path, stats })) ?? failedReport(path, "no answer");
    return pixelReportFile(path, { stats });
  };
  try {
    const entries = (async function* () {
      for await (const entry of walkPaths(paths)) yield entry.path;
    })();
    for await (const r of mapOrdered(entries, decode, Math.max(1, jobs * 2))) {
      files++;
      if (!pixelPasses(r)) failed++;
      await emit(r);
    }
  } finally {
    await pool?.close();
  }
  return { files, failed };
}
