import { availableParallelism } from "node:os";
import { inspectFile } from "../../inspect/inspect.js";
import { isRemote } from "../../io/s3-uri.js";
import { type WalkEntry, walkPaths } from "../../io/walk.js";
import { WorkerPool, workerAnswerTimeoutMs, workerModuleExists } from "../../parallel/worker-pool.js";
import { EXIT } from "../exit-codes.js";
import { failedResult, internalFailure } from "./failed-result.js";
import { mapOrdered } from "./ordered.js";
import { type Rendered, type RenderKind, render } from "./render.js";
import { judged, type RenderRequest, timedReads } from "./render-files.js";
import type { RunOptions, RunSummary } from "./run-types.js";

/** Files inspected at once with `--io async`: enough to hide I/O latency, bounded so memory stays small. */
export const DEFAULT_CONCURRENCY = 16;
/** Paths per worker message: large enough to amortize a message, small enough to keep every worker busy. */
const BATCH = 32;
/** Runs this short are done before workers could even start; workers start once a run gets longer. */
const WORKERS_AFTER_FILES = 256;
/** The compiled worker beside this module (absent when running from TypeScript sources, e.g. under vitest). */
const RENDER_WORKER = new URL("./render-worker.js", import.meta.url);

export type { RunOptions, RunSummary } from "./run-types.js";

export type RenderPool = WorkerPool<RenderRequest, Rendered[]>;

/** Worker threads that inspect and render batches of files; a crashed worker's files become error results. */
export function createRenderPool(jobs: number, readTimeoutMs?: number): RenderPool {
  return new WorkerPool<RenderRequest, Rendered[]>(
    RENDER_WORKER,
    jobs,
    (req, err) =>
      req.paths.map((p) => render(internalFailure(p, err, "inspection worker failed: "), req.kind)),
    2,
    workerAnswerTimeoutMs(readTimeoutMs),
  );
}

/** False when running from TypeScript sources (no compiled worker module): everything then runs in process. */
export function renderWorkersAvailable(): boolean {
  return workerModuleExists(RENDER_WORKER);
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** Expands the paths, inspects and renders every file, and emits the rendered files in input order. */
export async function renderPaths(options: RunOptions): Promise<RunSummary> {
  // Objects need the AWS SDK: loaded only by runs that name one.
  if (options.paths.some(isRemote)) return (await import("./run-remote.js")).renderMixedPaths(options);
  const entries = walkPaths(options.paths, {
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.readTimeoutMs ? { timeoutMs: options.readTimeoutMs } : {}),
  });
  const summary: RunSummary = { files: 0, failed: 0, warned: 0 };
  const emit = async (item: Rendered) => {
    await options.emit(item, summary.files);
    summary.files += 1;
    if (!item.passed) summary.failed += 1;
    else if (item.worst === "warning" || item.worst === "error") summary.warned = (summary.warned ?? 0) + 1;
  };
  if (options.io === "async") {
    const inspectOne = async (entry: WalkEntry): Promise<Rendered> => {
      if (entry.error !== undefined) return walkFailure(entry, options.kind);
      const result = await inspectFile(
        entry.path,
        timedReads(options.kind, options.maxHeaderBytes, options.readTimeoutMs),
      ).catch((err: unknown) => internalFailure(entry.path, err));
      return render(judged(result, options.policy), options.kind);
    };
    for await (const item of mapOrdered(entries, inspectOne, options.concurrency ?? DEFAULT_CONCURRENCY))
      await emit(item);
    return summary;
  }
  await renderBatches(batchesOf(entries, BATCH), options, emit);
  return summary;
}

async function renderBatches(
  batches: AsyncGenerator<WalkEntry[]>,
  options: RunOptions,
  emit: (item: Rendered) => Promise<void>,
): Promise<void> {
  const request = (paths: string[]): RenderRequest => ({
    paths,
    kind: options.kind,
    ...(options.maxHeaderBytes ? { maxHeaderBytes: options.maxHeaderBytes } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const failed = (e: WalkEntry) => walkFailure(e, options.kind);
  // This thread never blocks on a read (a hung mount would hang the run with no way out): it inspects with
  // timed fs/promises reads; the blocking reads run on worker threads, whose answers are timed by the pool.
  const inspectOptions = timedReads(options.kind, options.maxHeaderBytes, options.readTimeoutMs);
  const inspectHere = async (e: WalkEntry): Promise<Rendered> => {
    if (e.error !== undefined) return failed(e);
    const result = await inspectFile(e.path, inspectOptions).catch((err: unknown) =>
      internalFailure(e.path, err),
    );
    return render(judged(result, options.policy), options.kind);
  };
  const inProcess = (batch: WalkEntry[]): Promise<Rendered[]> => Promise.all(batch.map(inspectHere));
  const inWorkers = async (workers: RenderPool, batch: WalkEntry[]): Promise<Rendered[]> => {
    const paths = batch.filter((e) => e.error === undefined).map((e) => e.path);
    const done = paths.length ? await workers.run(request(paths)) : [];
    let next = 0;
    return batch.map((e) => (e.error !== undefined ? failed(e) : done[next++]!));
  };

  const jobs = options.pool?.size ?? options.jobs ?? defaultJobs();
  let pool: RenderPool | null = options.pool ?? null;
  let ready = pool !== null;
  let workersFailed = false;
  let seen = 0;
  const runBatch = async (batch: WalkEntry[]): Promise<Rendered[]> => {
    seen += batch.length;
    if (!pool && !workersFailed && seen > WORKERS_AFTER_FILES && renderWorkersAvailable()) {
      // Workers start in the background (module loading takes ~100 ms); this thread keeps inspecting
      // until every worker has answered an empty request, then hands batches over.
      const started = createRenderPool(jobs, options.readTimeoutMs);
      pool = started;
      void Promise.all(Array.from({ length: jobs }, () => started.run(request([])))).then(() => {
        if (started.crashes === 0) {
          ready = true;
          return;
        }
        // Workers cannot start (e.g. a broken install): keep inspecting in this thread.
        workersFailed = true;
        pool = null;
        void started.close();
      });
    }
    if (pool && ready) return inWorkers(pool, batch);
    // Let the event loop deliver the workers' answers (the walk may never leave the microtask queue).
    if (pool) await new Promise((resolve) => setImmediate(resolve));
    return inProcess(batch);
  };
  try {
    // Output is in input order: a window of several batches per worker lets a faster worker run
    // ahead of a slower one instead of waiting for the oldest batch (CPUs often run at different speeds).
    for await (const items of mapOrdered(batches, runBatch, jobs * 4))
      for (const item of items) await emit(item);
  } finally {
    if (pool && !options.pool) await pool.close();
  }
}

/** The rendered result for an argument the walk could not expand (e.g. an unreadable directory). */
function walkFailure(entry: WalkEntry, kind: RenderKind): Rendered {
  return render(failedResult(entry.path, entry.error ?? ""), kind);
}

/** Groups a stream into arrays of up to `size` items. */
async function* batchesOf<T>(input: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of input) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * Exit status of inspect/validate: 0 all files pass, 1 any file fails (an error finding, incomplete, unreadable)
 * or no file was found; 130 when interrupted. `bySeverity` (validate --policy): 4 when no file fails but some
 * have warnings.
 */
export function exitCodeOf(summary: RunSummary, bySeverity = false): number {
  if (summary.interrupted) return EXIT.INTERRUPTED;
  if (summary.files === 0 || summary.failed > 0) return EXIT.FINDINGS;
  return bySeverity && (summary.warned ?? 0) > 0 ? EXIT.WARNINGS : EXIT.OK;
}

let stdoutGuarded = false;

/** A closed stdout (`inspect dir | head`) ends the run quietly instead of crashing on EPIPE. */
function guardStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/** Writes to stdout, waiting for drain so huge outputs (many files, big manifests) stay bounded in memory. */
export function writeOut(text: string): Promise<void> | undefined {
  guardStdout();
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
}
