import { availableParallelism, loadavg } from "node:os";
import { isRemote } from "../../io/s3-uri.js";
import { listedFiles, type WalkEntry, walkPaths } from "../../io/walk.js";
import { WorkerPool, workerAnswerTimeoutMs, workerModuleExists } from "../../parallel/worker-pool.js";
import { EXIT } from "../exit-codes.js";
import { failedResult, internalFailure } from "./failed-result.js";
import { mapOrdered } from "./ordered.js";
import { ReadAhead } from "./read-ahead.js";
import {
  BatchBuilder,
  batchOf,
  type Rendered,
  type RenderedBatch,
  type RenderKind,
  render,
} from "./render.js";
import type { RenderRequest } from "./render-files.js";
import type { RunOptions, RunSummary } from "./run-types.js";

/** Files inspected at once with `--io async`: enough to hide I/O latency, bounded so memory stays small. */
export const DEFAULT_CONCURRENCY = 16;
/**
 * Paths per worker message. A worker answers a batch with one string (its files' printed form, written with one
 * call), so a message costs the same whatever its size: large batches, measured in bench:cli (docs/notes/inspect-speed.md).
 */
const BATCH = 512;
/** Runs this short stay on this thread (timed reads): starting a worker would cost more than it saves. */
const WORKERS_AFTER_FILES = 256;
/**
 * Batches a walk may run ahead of the workers (~20k paths): past the files a second worker needs (FILES_PER_WORKER), so
 * a long piped list sizes the pool before its files are inspected; bounded because every path waiting costs memory
 * (128 batches cost ~30 MB more peak RSS on an 88k-path list).
 */
const AHEAD_BATCHES = 40;
/** The compiled worker beside this module (absent when running from TypeScript sources, e.g. under vitest). */
const RENDER_WORKER = new URL("./render-worker.js", import.meta.url);

export type { RunOptions, RunSummary } from "./run-types.js";

export type RenderPool = WorkerPool<RenderRequest, RenderedBatch>;

/** Worker threads that inspect and render batches of files; a crashed worker's files become error results. */
export function createRenderPool(jobs: number, readTimeoutMs?: number): RenderPool {
  return new WorkerPool<RenderRequest, RenderedBatch>(
    RENDER_WORKER,
    jobs,
    (req, err) => {
      const out = new BatchBuilder(req.kind, req.omitPassed);
      req.paths.forEach((p, i) => {
        const walkError = req.walkErrors?.[i];
        const result =
          walkError !== undefined
            ? failedResult(p, walkError)
            : internalFailure(p, err, "inspection worker failed: ");
        out.add(render(result, req.kind));
      });
      return out.finish();
    },
    2,
    workerAnswerTimeoutMs(readTimeoutMs),
  );
}

/** False when running from TypeScript sources (no compiled worker module): everything then runs in process. */
export function renderWorkersAvailable(): boolean {
  return workerModuleExists(RENDER_WORKER);
}

/**
 * One worker per CPU but one (the calling thread keeps that one), at least 1, at most 8: the pixel commands' default.
 * `inspect`/`validate` size their pool from the run instead (`workersFor`).
 */
export function defaultJobs(): number {
  return Math.max(1, Math.min(8, availableParallelism() - 1));
}

/**
 * Files a run needs per worker before another worker pays for itself. Every worker is a fresh V8 isolate that pays
 * its own warm-up (~0.15 s of its thread and ~0.4 s of V8's compiler threads) before it is fast, so a second worker
 * only shortens runs long enough to amortise it; `inspect`'s heavier files (JSON, hashes) amortise it sooner. The
 * break-even of a second worker on 2 CPUs, from the quiet bench:cli runs at 22k and 88k paths: ~18k paths for
 * validate, ~9k for inspect (docs/notes/inspect-speed.md, Session 11).
 */
const FILES_PER_WORKER: Record<"inspect" | "validate", number> = { inspect: 9_000, validate: 18_000 };

/** What `workersFor` reads of the machine. */
export interface MachineLoad {
  cpus: number;
  /** 1-minute load average. */
  load: number;
}

function thisMachine(): MachineLoad {
  return { cpus: availableParallelism(), load: loadavg()[0]! };
}

/**
 * Default workers of an `inspect`/`validate` run of `files` paths so far: one, and one more per FILES_PER_WORKER
 * files, at most one per CPU (the main thread only walks and writes) and 8. A busy machine (load average at least
 * twice the CPUs) gets one: there a second isolate's warm-up is paid in CPU the run cannot get back.
 */
export function workersFor(files: number, kind: RenderKind, machine: MachineLoad = thisMachine()): number {
  if (machine.load >= 2 * machine.cpus) return 1;
  const per = kind.startsWith("findings-") ? FILES_PER_WORKER.validate : FILES_PER_WORKER.inspect;
  return Math.max(1, Math.min(8, machine.cpus, 1 + Math.floor(files / per)));
}

/** The most workers `workersFor` gives on this machine: the size of a default pool. */
function maxWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** Expands the paths, inspects and renders every file, and emits the rendered files in input order. */
export async function renderPaths(options: RunOptions): Promise<RunSummary> {
  // Objects need the AWS SDK: loaded only by runs that name one.
  if (options.paths.some(isRemote)) return (await import("./run-remote.js")).renderMixedPaths(options);
  const summary: RunSummary = { files: 0, failed: 0, warned: 0 };
  const emit = async (batch: RenderedBatch) => {
    await options.emit(batch);
    summary.files += batch.files;
    summary.failed += batch.failed;
    summary.warned = (summary.warned ?? 0) + batch.warned;
  };
  const walk = () =>
    walkPaths(options.paths, {
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.readTimeoutMs ? { timeoutMs: options.readTimeoutMs } : {}),
    });
  if (options.io === "async") {
    await renderInThread(walk(), options, emit);
    return summary;
  }
  // A list of named files is known without I/O; otherwise read ahead until the run is known to be long enough for
  // workers. Short runs stay on this thread.
  const listed = listedFiles(options.paths);
  const head: WalkEntry[] = listed ?? [];
  let rest: AsyncIterator<WalkEntry> | null = null;
  if (!listed) {
    rest = walk()[Symbol.asyncIterator]();
    while (rest && head.length <= WORKERS_AFTER_FILES) {
      const next = await rest.next();
      if (next.done) rest = null;
      else head.push(next.value);
    }
  }
  const short = rest === null && head.length <= WORKERS_AFTER_FILES;
  // A long walk runs on while the workers load: its count sizes the pool (a piped list is known long before its files
  // are inspected).
  const ahead = rest ? new ReadAhead(prepend(head, rest), BATCH, AHEAD_BATCHES) : null;
  const pool =
    options.pool ??
    (short
      ? null
      : await startedPool(
          options.jobs ?? maxWorkers(),
          options.jobs ?? workersFor(head.length, options.kind),
          options.readTimeoutMs,
        ));
  if (!pool) {
    await renderInThread(ahead ? itemsOf(ahead.batches()) : rest ? prepend(head, rest) : head, options, emit);
    return summary;
  }
  // An explicit -j is kept; the default grows with the run as the walk counts it (workersFor).
  if (ahead && options.jobs === undefined && !options.pool)
    ahead.onPulled((files) => {
      if (pool.workers < pool.size) pool.useWorkers(Math.max(pool.workers, workersFor(files, options.kind)));
    });
  try {
    await renderInWorkers(ahead ? ahead.batches() : slicesOf(head, BATCH), pool, options, emit);
  } finally {
    if (!options.pool) await pool.close();
  }
  return summary;
}

/**
 * A pool of up to `size` workers, of which the first `workers` have loaded (they answered an empty request), or null
 * when they cannot start (e.g. a broken install).
 */
async function startedPool(
  size: number,
  workers: number,
  readTimeoutMs?: number,
): Promise<RenderPool | null> {
  if (!renderWorkersAvailable()) return null;
  const pool = createRenderPool(size, readTimeoutMs);
  pool.useWorkers(workers);
  await Promise.all(Array.from({ length: workers }, () => pool.run({ paths: [], kind: "ndjson" })));
  if (pool.crashes === 0) return pool;
  await pool.close();
  return null;
}

/**
 * This thread only walks, hands the workers batches of paths and writes their answers: each worker owns a batch
 * at a time and answers with its printed form. Output is in input order; a window of several batches per worker
 * lets a faster worker run ahead of a slower one instead of waiting for the oldest batch.
 */
async function renderInWorkers(
  batches: AsyncIterable<WalkEntry[]> | Iterable<WalkEntry[]>,
  pool: RenderPool,
  options: RunOptions,
  emit: (batch: RenderedBatch) => Promise<void>,
): Promise<void> {
  const request = (batch: WalkEntry[]): RenderRequest => {
    const req: RenderRequest = { paths: batch.map((e) => e.path), kind: options.kind };
    if (options.maxHeaderBytes) req.maxHeaderBytes = options.maxHeaderBytes;
    if (options.policy) req.policy = options.policy;
    if (options.omitPassed) req.omitPassed = true;
    batch.forEach((e, i) => {
      if (e.error === undefined) return;
      req.walkErrors ??= {};
      req.walkErrors[i] = e.error;
    });
    return req;
  };
  for await (const batch of mapOrdered(batches, (b) => pool.run(request(b)), pool.size * 4))
    await emit(batch);
}

/**
 * Every file on this thread with timed fs/promises reads, a few in flight (short runs, `--io async`, and when
 * workers cannot start): this thread never blocks on a read, since a hung mount would hang the run with no way out.
 */
async function renderInThread(
  entries: AsyncIterable<WalkEntry> | WalkEntry[],
  options: RunOptions,
  emit: (batch: RenderedBatch) => Promise<void>,
): Promise<void> {
  // Loaded here, not at the top: a long run never inspects on this thread, and its workers load their own copy.
  const [{ inspectFile }, { judged, timedReads }] = await Promise.all([
    import("../../inspect/inspect.js"),
    import("./render-files.js"),
  ]);
  const inspectOptions = timedReads(options.kind, options.maxHeaderBytes, options.readTimeoutMs);
  const inspectOne = async (entry: WalkEntry): Promise<Rendered> => {
    if (entry.error !== undefined) return render(failedResult(entry.path, entry.error), options.kind);
    const result = await inspectFile(entry.path, inspectOptions).catch((err: unknown) =>
      internalFailure(entry.path, err),
    );
    return render(judged(result, options.policy), options.kind);
  };
  for await (const item of mapOrdered(entries, inspectOne, options.concurrency ?? DEFAULT_CONCURRENCY))
    await emit(batchOf(item, options.kind, options.omitPassed));
}

/** `head` then the rest of `rest`. */
async function* prepend<T>(head: T[], rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield* head;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** Consecutive slices of `items`, `size` long (the last one shorter). */
function* slicesOf<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The items of `batches`, one at a time. */
async function* itemsOf<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
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
export function writeOut(text: string | Uint8Array): Promise<void> | undefined {
  guardStdout();
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
}
