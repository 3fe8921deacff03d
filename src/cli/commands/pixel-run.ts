import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { Option } from "commander";
import { finding } from "../../core/findings.js";
import { type PixelReport, pixelReportFile } from "../../inspect/pixel-report.js";
import { listedFiles, walkPaths } from "../../io/walk.js";
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
 * A default run's workers take files only when the decoding left is expected to last this long on this thread: each
 * worker is a fresh V8 isolate that spends ~0.3 s of CPU starting and warming up (its JIT tiers) before it decodes
 * at full speed, so it pays only on a run with well over that left (measured 2026-12-08 on 67 MB runs of ~0.5 s:
 * 0.53 s CPU on this thread alone, 0.73 s with one worker beside it, and no shorter wall time). Twice the ~1 s
 * break-even, because the estimate runs high: the files it times are still warming up (zips: 50-60 ms each at the
 * third file, 25-30 ms at the twentieth).
 */
const WORKERS_PAY_MS = 2_000;
/** A default run whose files are not counted up front (directories, stdin) or are few and big: workers after this. */
const WORKERS_AFTER_MS = 2_000;
/** Files this thread decodes before their times are taken as its warm speed (the first ones run cold). */
const TIMED_FILES = 3;

/** True when the machine has a CPU this process is not using (1-minute load average, ours included). */
function idleCpu(): boolean {
  return loadavg()[0]! < availableParallelism();
}

interface Waiting {
  path: string;
  resolve: (r: PixelReport) => void;
  reject: (err: unknown) => void;
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
 * `jobs` > 0, worker threads take waiting files beside it (each file whole on one thread: memory stays one chunk
 * window per thread). With `jobs` given they take files at once. By default (`jobs` undefined: `defaultJobs()`
 * workers) only on a machine with an idle CPU and once the work left is worth a worker's warm-up: the files left of
 * a listed run times the fastest file this thread decoded (after TIMED_FILES) reach WORKERS_PAY_MS, or the run has
 * decoded for WORKERS_AFTER_MS (walked runs, a few big files). A short run or a busy machine pays no warm-up.
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
  const listed = listedFiles(paths)?.length ?? null;
  const started = performance.now();
  let taken = 0;
  let timedHere = 0;
  let fastestHereMs = Number.POSITIVE_INFINITY;
  const workersPay = (): boolean => {
    if (jobs !== undefined) return true;
    if (!idleCpu()) return false;
    if (performance.now() - started >= WORKERS_AFTER_MS) return true;
    return listed !== null && timedHere >= TIMED_FILES && (listed - taken) * fastestHereMs >= WORKERS_PAY_MS;
  };
  const waiting: Waiting[] = [];
  let hereBusy = false;
  let inPool = 0;
  const decodeHere = async (job: Waiting) => {
    const t = performance.now();
    try {
      job.resolve(await pixelReportFile(job.path, { stats }));
    } catch (err) {
      job.reject(err);
    }
    timedHere++;
    if (timedHere > 1) fastestHereMs = Math.min(fastestHereMs, performance.now() - t);
    hereBusy = false;
    pump();
  };
  // Hands waiting files to this thread when it is free, and to the workers while they pay and have room.
  const pump = (): void => {
    if (!hereBusy && waiting.length > 0) {
      hereBusy = true;
      taken++;
      void decodeHere(waiting.shift()!);
    }
    while (pool && waiting.length > 0 && inPool < 2 * workers && workersPay()) {
      const job = waiting.shift()!;
      taken++;
      inPool++;
      void pool.run({ path: job.path, stats }).then((r) => {
        inPool--;
        job.resolve(r);
        pump();
      });
    }
  };
  // A few big files: nothing else calls pump while this thread decodes the first one.
  const late = pool && jobs === undefined ? setTimeout(pump, WORKERS_AFTER_MS) : null;
  late?.unref();
  const decode = (path: string): Promise<PixelReport> =>
    new Promise((resolve, reject) => {
      waiting.push({ path, resolve, reject });
      pump();
    });
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
    if (late) clearTimeout(late);
    await pool?.close();
  }
  return { files, failed };
}
