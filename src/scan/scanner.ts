import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { normalizePath } from "../catalog/normalize-path.js";
import type { CatalogStore } from "../catalog/port.js";
import type { CatalogRecord } from "../catalog/rows.js";
import {
  hasRemoteInputs,
  type InputEntry,
  RemoteContext,
  type RemoteSettings,
  resolveInputs,
} from "../io/remote-inputs.js";
import { isRemote } from "../io/s3-uri.js";
import { walkPaths } from "../io/walk.js";
import { runRemoteInspectJob } from "./inspect-remote-job.js";
import { InspectPool } from "./worker-pool.js";

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
  /** How `s3://` / `https://` inputs are listed and read (they are inspected on this thread, concurrently). */
  remote?: RemoteSettings;
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

interface Candidate {
  path: string;
  normalized: string;
  size: number | null;
  mtime: string | null;
  /** Objects: the ETag from the listing (objects are compared by ETag + size, never by mtime). */
  etag: string | null;
}

const WALK_GROUP = 1024;
/** A partial group waits at most this long for the walk to fill it. */
const WALK_STALL_MS = 250;
const STALLED = Symbol("stalled");
const stall = (ms: number) =>
  new Promise<typeof STALLED>((resolve) => setTimeout(() => resolve(STALLED), ms).unref());
/** Files handed to the store per call: bounds the rows held in JS memory whatever the transaction size. */
const HANDOFF_FILES = 2000;

/** Local paths resolved against `cwd`; URIs (`s3://…`) as given. */
function absoluteLocal(location: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !/^[a-z]:[\\/]/i.test(location)) return location;
  return resolve(cwd, location);
}

function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  return Math.abs(Date.parse(a) - Date.parse(b)) < 1;
}

/**
 * Walks the inputs, skips files whose size+mtime match the catalogued current version (unless forced), inspects
 * the rest on worker threads and stores them, one transaction per `batchSize` files. Per-file failures become
 * error rows; nothing one file does stops the scan. Interrupting loses at most the uncommitted batch, and the
 * next run skips what was committed.
 */
export async function scan(options: ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const batchSize = Math.max(1, options.batchSize ?? 10_000);
  const handoff = Math.min(batchSize, HANDOFF_FILES);
  const jobSize = Math.max(1, options.jobSize ?? Math.min(32, handoff));
  const pool = new InspectPool(options.jobs ?? 0);
  // Workers hand DuckDB its child rows as JSON texts: far less work on the main thread (see catalog/encoded-children.ts).
  const encodeChildren = options.store.acceptsEncodedChildren === true;
  const progress: ScanProgress = {
    found: 0,
    walkDone: false,
    inspected: 0,
    skipped: 0,
    invalid: 0,
    incomplete: 0,
    errors: 0,
  };
  let inserted = 0;
  let reinspected = 0;
  let interrupted = false;
  const signal = options.signal;
  const stopped = () => {
    if (!interrupted && (signal?.aborted || options.shouldStop?.())) interrupted = true;
    return interrupted;
  };
  /** Resolves (to null) when the signal aborts: raced against waits that may never end (a walk reading stdin). */
  const aborted = new Promise<null>((resolve) => {
    if (signal?.aborted) resolve(null);
    signal?.addEventListener("abort", () => resolve(null), { once: true });
  });

  let buffer: CatalogRecord[] = [];
  let writeFailed = false;
  let writing: Promise<void> = Promise.resolve();
  /** One settled-or-not marker per batch handed to the writer and not yet finished, oldest first. */
  const queued: Promise<void>[] = [];
  const flush = async (records: CatalogRecord[]) => {
    if (records.length === 0) return;
    const outcomes = await options.store.upsertBatch(records);
    for (const o of outcomes) {
      if (o.status === "inserted") inserted++;
      else reinspected++;
    }
  };
  /** Set once the last records are taken for the final commit: results of abandoned inspections are ignored. */
  let finishing = false;
  const collect = (records: CatalogRecord[]) => {
    if (finishing) return;
    // Counted when inspected: every collected record is stored (a stop commits them too) unless a write fails.
    for (const r of records) {
      progress.inspected++;
      if (r.file.validation_status === "error") progress.invalid++;
      if (r.file.is_complete === false) progress.incomplete++;
      if (r.file.header_bytes === null && r.file.error_codes) progress.errors++;
    }
    options.onProgress?.({ ...progress });
    buffer.push(...records);
    if (buffer.length >= handoff) {
      const batch = buffer;
      buffer = [];
      writing = writing.then(() => flush(batch));
      writing.catch(() => {
        writeFailed = true;
      });
      // Never rejects (a failed write surfaces where `writing` is awaited); only tells when the batch is done.
      const done: Promise<void> = writing.then(
        () => undefined,
        () => undefined,
      );
      queued.push(done);
      void done.then(() => queued.splice(queued.indexOf(done), 1));
    }
  };

  const inFlight = new Set<Promise<void>>();
  // Enough work queued for the workers to keep inspecting while the main thread writes a whole batch; in-process
  // inspection (no workers) just alternates.
  const maxInFlight = pool.threads === 0 ? 2 : Math.ceil(handoff / jobSize) + pool.threads * 4;
  const dispatch = async (paths: string[]) => {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    // Backpressure: while one batch is written, the workers fill the next; no more rows than that wait in memory.
    if (pool.threads === 0) await writing;
    while (queued.length >= 2) await queued[0];
    // A failed write stops the scan now (its error is thrown here) rather than after inspecting everything.
    if (writeFailed) await writing;
    if (stopped()) return;
    const job = { paths, now: Date.now(), cwd, encodeChildren };
    const task = (
      remote && isRemote(paths[0]!) ? runRemoteInspectJob(paths, remote, job) : pool.run(job)
    ).then(collect);
    const tracked = task.then(() => {
      inFlight.delete(tracked);
    });
    inFlight.add(tracked);
  };

  const processGroup = async (group: InputEntry[]) => {
    const candidates: Candidate[] = await Promise.all(
      group.map(async ({ path: given, listed }) => {
        // Stored absolute, so the catalog does not depend on where the scan ran (objects keep their URI).
        const path = isRemote(given) ? given : absoluteLocal(given, cwd);
        const normalized = normalizePath(path, cwd);
        if (isRemote(path))
          return { path, normalized, size: listed?.size ?? null, mtime: null, etag: listed?.etag ?? null };
        try {
          const s = await stat(path);
          // stat's Date, like the inspector's file source, so the catalogued mtime compares equal.
          return { path, normalized, size: s.size, mtime: s.mtime.toISOString(), etag: null };
        } catch {
          return { path, normalized, size: null, mtime: null, etag: null };
        }
      }),
    );
    const known = options.force
      ? new Map()
      : await options.store.knownState(candidates.map((c) => c.normalized));
    const todo: string[] = [];
    for (const c of candidates) {
      const k = known.get(c.normalized);
      const unchanged =
        c.etag !== null ? k?.etag === c.etag : c.mtime !== null && sameInstant(k?.mtime ?? null, c.mtime);
      if (k && c.size !== null && k.size_bytes === c.size && unchanged) progress.skipped++;
      else todo.push(c.path);
    }
    if (todo.length < group.length) options.onProgress?.({ ...progress });
    // Objects and local files go to different jobs (objects are read on this thread, files on the workers).
    const objects = todo.filter((p) => isRemote(p));
    const files = objects.length === 0 ? todo : todo.filter((p) => !isRemote(p));
    for (const list of [files, objects])
      for (let i = 0; i < list.length && !stopped(); i += jobSize) await dispatch(list.slice(i, i + jobSize));
  };

  // The store commits every `batchSize` files (and at the end), not every hand-off.
  options.store.setWriteBuffer?.(batchSize);
  const inputErrors: string[] = [];
  const remote = hasRemoteInputs(options.inputs)
    ? new RemoteContext(options.remote ?? {}, options.signal)
    : null;
  const walkOptions = {
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.allFiles ? { match: () => true } : {}),
  };
  try {
    let group: InputEntry[] = [];
    const walk: AsyncIterator<InputEntry> = remote
      ? resolveInputs(options.inputs, remote, { ...walkOptions, allFiles: options.allFiles === true })
      : walkPaths(options.inputs, walkOptions);
    /** Fires WALK_STALL_MS after the current group got its first path. */
    let groupAge: Promise<typeof STALLED> | null = null;
    for (;;) {
      const pending = walk.next();
      let next = await Promise.race(groupAge ? [pending, aborted, groupAge] : [pending, aborted]);
      if (next === STALLED) {
        // A slow walk (a producer on stdin, a slow mount): what it found so far is inspected meanwhile.
        await processGroup(group);
        group = [];
        groupAge = null;
        next = await Promise.race([pending, aborted]);
      }
      if (next === null || next.done || stopped()) break;
      const entry = next.value;
      if (entry.failure) {
        inputErrors.push(entry.error ?? entry.path);
        continue;
      }
      progress.found++;
      group.push(entry);
      groupAge ??= stall(WALK_STALL_MS);
      if (group.length >= WALK_GROUP) {
        await processGroup(group);
        group = [];
        groupAge = null;
      }
    }
    progress.walkDone = !stopped();
    if (!stopped() && group.length > 0) await processGroup(group);
    // After a stop, inspections still in flight are abandoned (the pool is closed below) rather than awaited.
    await Promise.race([Promise.all(inFlight), stopped() ? Promise.resolve(null) : aborted]);
    stopped();
    await writing;
    finishing = true;
    const rest = buffer;
    buffer = [];
    await flush(rest);
    await options.store.flush?.();
    stopped(); // a stop during the final commit still makes this an interrupted scan
  } finally {
    options.store.setWriteBuffer?.(0);
    await pool.close();
    remote?.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    ...progress,
    inserted,
    reinspected,
    seconds,
    filesPerSecond: seconds > 0 ? (progress.inspected + progress.skipped) / seconds : 0,
    interrupted,
    inputErrors,
  };
}
