import type { CatalogStore } from "../catalog/port.js";
import {
  hasRemoteInputs,
  type InputEntry,
  RemoteContext,
  type RemoteSettings,
  resolveInputs,
} from "../io/remote-inputs.js";
import { walkPaths } from "../io/walk.js";
import type { Policy } from "../policy/model.js";
import { InspectStage } from "./stages/inspect.js";
import { KnownIndex } from "./stages/known-index.js";
import { listInGroups } from "./stages/list.js";
import { skipUnchanged } from "./stages/skip-unchanged.js";
import { BatchWriter } from "./stages/write.js";
import { InspectPool } from "./worker-pool.js";

/** `--stats`: a worker may decode one file this long before it is taken for stuck (its reads are timed anyway). */
const STATS_ANSWER_TIMEOUT_MS = 30 * 60_000;

export interface ScanOptions {
  /** Files, directories (recursed) or `-` (paths on stdin). */
  inputs: string[];
  store: CatalogStore;
  /** Re-inspect files whose size and mtime match the catalog. */
  force?: boolean;
  /** Worker threads (0 = inspect on the main thread). */
  jobs?: number;
  /** Files per database transaction (default 10,000: DuckDB ingests few large transactions far faster). */
  batchSize?: number;
  /** Files per worker job. */
  jobSize?: number;
  /** Checked between batches: stop cleanly (everything committed so far stays; a re-run resumes). */
  shouldStop?: () => boolean;
  /**
   * Stops the scan promptly wherever it is (walking, even a walk waiting on stdin; inspecting): no new file is
   * inspected, inspections in flight are abandoned, the files already inspected are committed, and the summary
   * says `interrupted`. A re-run resumes with the rest. Also cancels listings and object reads in flight.
   */
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  stdin?: NodeJS.ReadableStream;
  cwd?: string;
  /** In directories, catalogue every file rather than only `*.exr` (fuzzer corpora, damaged files). */
  allFiles?: boolean;
  /** How long one open, stat or read of a local file may take on this thread (default 60 s). */
  readTimeoutMs?: number;
  /** How `s3://` / `https://` inputs are listed and read (they are inspected on this thread, concurrently). */
  remote?: RemoteSettings;
  /**
   * Also judge every file against this policy and store the verdicts (`validation_results`, replacing the file's
   * earlier verdicts for the policy). Every file found is inspected again, changed or not, so all verdicts are
   * this run's.
   */
  policy?: Policy;
  /**
   * Also decode every chunk and store the pixel statistics (`stats`, `part_stats`; each file's earlier ones
   * replaced). Unchanged files that already have statistics are skipped as usual; unchanged files catalogued
   * without them are inspected again to get them. One file per worker job (decoding is long).
   */
  stats?: boolean;
}

export interface ScanProgress {
  /** Paths found by the walk so far (final once `walkDone`). */
  found: number;
  walkDone: boolean;
  inspected: number;
  skipped: number;
  invalid: number;
  incomplete: number;
  errors: number;
}

export interface ScanSummary extends ScanProgress {
  inserted: number;
  reinspected: number;
  seconds: number;
  filesPerSecond: number;
  interrupted: boolean;
  /** Inputs that could not be expanded at all (e.g. listing a bucket that does not exist). */
  inputErrors: string[];
}

/**
 * Walks the inputs, skips files whose size+mtime match the catalogued current version (unless forced), inspects
 * the rest on worker threads and stores them, one transaction per `batchSize` files. Per-file failures become
 * error rows; nothing one file does stops the scan. Interrupting loses at most the uncommitted batch, and the
 * next run skips what was committed.
 *
 * The stages (list → skip-unchanged → inspect → write) live in `stages/`; this function wires them together and
 * owns the progress counts and the stop.
 */
export async function scan(options: ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const batchSize = Math.max(1, options.batchSize ?? 10_000);
  const progress: ScanProgress = {
    found: 0,
    walkDone: false,
    inspected: 0,
    skipped: 0,
    invalid: 0,
    incomplete: 0,
    errors: 0,
  };
  let interrupted = false;
  const signal = options.signal;
  const stopped = () => {
    if (!interrupted && (signal?.aborted || options.shouldStop?.())) interrupted = true;
    return interrupted;
  };
  const aborted = new Promise<null>((resolve) => {
    if (signal?.aborted) resolve(null);
    signal?.addEventListener("abort", () => resolve(null), { once: true });
  });

  const pool = new InspectPool(
    options.jobs ?? 0,
    options.readTimeoutMs,
    options.stats ? STATS_ANSWER_TIMEOUT_MS : undefined,
  );
  const writer = new BatchWriter(options.store, batchSize);
  const remote = hasRemoteInputs(options.inputs)
    ? new RemoteContext(options.remote ?? {}, options.signal)
    : null;
  /** Set once the last records are taken for the final commit: results of abandoned inspections are ignored. */
  let finishing = false;
  const inspectStage = new InspectStage({
    pool,
    remote,
    writer,
    jobSize: Math.max(1, options.jobSize ?? (options.stats ? 1 : Math.min(32, writer.handoff))),
    cwd,
    // Workers hand DuckDB its child rows as encoded texts: far less work on the main thread (see catalog/encoded-children.ts).
    encodeChildren: options.store.acceptsEncodedChildren === true,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.stats ? { stats: true } : {}),
    ...(options.readTimeoutMs ? { readTimeoutMs: options.readTimeoutMs } : {}),
    stopped,
    onInspected: (records) => {
      if (finishing) return;
      // Counted when inspected: every collected record is stored (a stop commits them too) unless a write fails.
      for (const r of records) {
        progress.inspected++;
        if (r.file.validation_status === "error") progress.invalid++;
        if (r.file.is_complete === false) progress.incomplete++;
        if (r.file.header_bytes === null && r.file.error_codes) progress.errors++;
      }
      options.onProgress?.({ ...progress });
      writer.add(records);
    },
  });

  const inputErrors: string[] = [];
  const walkOptions = {
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.allFiles ? { match: () => true } : {}),
    ...(options.readTimeoutMs ? { timeoutMs: options.readTimeoutMs } : {}),
  };
  try {
    const walk: AsyncIterator<InputEntry> = remote
      ? resolveInputs(options.inputs, remote, { ...walkOptions, allFiles: options.allFiles === true })
      : walkPaths(options.inputs, walkOptions);
    const groups = listInGroups(walk, {
      aborted,
      stopped,
      onFound: () => progress.found++,
      onInputError: (message) => inputErrors.push(message),
      onWalkDone: () => {
        progress.walkDone = true;
      },
    });
    const force = options.force === true || options.policy !== undefined;
    // Read before the first write: the scan's own commits are files the walk has already passed.
    const index = force || options.stats ? null : await KnownIndex.load(options.store, options.inputs, cwd);
    for await (const group of groups) {
      const { todo, skipped } = await skipUnchanged(group, {
        store: options.store,
        cwd,
        force,
        index,
        stats: options.stats === true,
        ...(options.readTimeoutMs ? { readTimeoutMs: options.readTimeoutMs } : {}),
      });
      progress.skipped += skipped;
      if (skipped > 0) options.onProgress?.({ ...progress });
      await inspectStage.inspect(todo);
    }
    // After a stop, inspections still in flight are abandoned (the pool is closed below) rather than awaited.
    await Promise.race([inspectStage.drain(), stopped() ? Promise.resolve(null) : aborted]);
    stopped();
    await writer.idle();
    finishing = true;
    await writer.finish();
    stopped(); // a stop during the final commit still makes this an interrupted scan
  } finally {
    writer.release();
    await pool.close();
    remote?.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    ...progress,
    inserted: writer.inserted,
    reinspected: writer.reinspected,
    seconds,
    filesPerSecond: seconds > 0 ? (progress.inspected + progress.skipped) / seconds : 0,
    interrupted,
    inputErrors,
  };
}
