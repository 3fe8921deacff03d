import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
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
  return new Option(
    "-j, --jobs <n>",
    "worker threads decoding files beside this thread (0: this thread only; default: one per CPU but one, at most " +
      "8, used only once a run has decoded for 0.5 s on a machine with an idle CPU)",
  ).argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number >= 0: ${v}`);
    return n;
  });
}

/**
 * How long a default run decodes on this thread alone before its workers may take files. Each worker is a fresh V8
 * isolate that spends ~0.25 s of CPU warming up before it decodes at full speed (measured 2026-12-08 on 67 MB
 * runs: 0.53 s CPU on this thread alone, 0.73 s with one worker beside it); a run shorter than this is done sooner
 * without one.
 */
const WORKERS_AFTER_MS = 500;

/** True when the machine has a CPU this process is not using (1-minute load average, ours included). */
function idleCpu(): boolean {
  return loadavg()[0]! < availableParallelism();
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
 * Decodes each file and hands its report over in input order. This thread decodes files one after the other; with
 * `jobs` > 0 worker threads take files beside it (each file whole on one thread: memory stays one chunk window per
 * thread) whenever this thread already has one to do: at once when `jobs` is given, and by default (`jobs`
 * undefined: `defaultJobs()` workers) only once the run has decoded for WORKERS_AFTER_MS on a machine with an idle
 * CPU, so a short run or a busy machine pays no worker's warm-up and is never slower than `-j 0`.
 */
export async function runPixelReports(
  paths: string[],
  stats: boolean,
  emit: (r: PixelReport) => void | Promise<void>,
  jobs?: number,
): Promise<{ files: number; failed: number }> {
  let files = 0;
  let failed = 0;
  const workers = jobs ?? defaultJobs();
  const pool =
    workers > 0 && workerModuleExists(PIXEL_WORKER)
      ? new WorkerPool<PixelRequest, PixelReport>(
          PIXEL_WORKER,
          workers,
          (req, err) => failedReport(req.path, err),
          2,
          DECODE_ANSWER_TIMEOUT_MS,
        )
      : null;
  const started = performance.now();
  const workersPay =
    jobs !== undefined ? () => true : () => performance.now() - started >= WORKERS_AFTER_MS && idleCpu();
  // Files this thread has taken and not finished; each starts when the one before it ends.
  let here = 0;
  let hereDone: Promise<unknown> = Promise.resolve();
  const decode = (path: string): Promise<PixelReport> => {
    if (pool && here > 0 && workersPay()) return pool.run({ path, stats });
    here++;
    const report = hereDone.then(() => pixelReportFile(path, { stats })).finally(() => here--);
    hereDone = report.catch(() => undefined);
    return report;
  };
  try {
    const entries = (async function* () {
      for await (const entry of walkPaths(paths)) yield entry.path;
    })();
    for await (const r of mapOrdered(entries, decode, 2 * (workers + 1))) {
      files++;
      if (!pixelPasses(r)) failed++;
      await emit(r);
    }
  } finally {
    await pool?.close();
  }
  return { files, failed };
}
