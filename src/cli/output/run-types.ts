import type { RemoteSettings } from "../../io/remote-inputs.js";
import type { WorkerPool } from "../../parallel/worker-pool.js";
import type { Policy } from "../../policy/model.js";
import type { RenderedBatch, RenderKind } from "./render.js";
import type { RenderRequest } from "./render-files.js";

export interface RunOptions {
  paths: string[];
  kind: RenderKind;
  /**
   * Receives the files' printed form in input order, a batch at a time (files joined as `separatorOf(kind)` says;
   * one file per batch on this thread, many from workers). Return a promise to apply back-pressure.
   */
  emit: (batch: RenderedBatch) => void | Promise<void>;
  /** Count files that pass but print only the failing ones (validate -q). */
  omitPassed?: boolean;
  /**
   * Worker threads for blocking-read inspection (default: one per CPU but one, see defaultJobs), started once the run has more than
   * a few hundred files; until they are up, this thread inspects with timed (non-blocking) reads.
   */
  jobs?: number;
  /** With `io: "async"`: files in flight. */
  concurrency?: number;
  stdin?: NodeJS.ReadableStream;
  maxHeaderBytes?: number;
  /**
   * "sync" (default; fastest on local disks): blocking reads on worker threads, whose answers are timed, for
   * long runs. "async": fs/promises with `concurrency` files in flight. This thread never blocks on a read.
   */
  io?: "sync" | "async";
  /** How long one open, stat or read of a file on this thread may take (default 60 s). */
  readTimeoutMs?: number;
  /** Workers kept by the caller across runs (then used whatever the run's size, and not closed here). */
  pool?: WorkerPool<RenderRequest, RenderedBatch>;
  /** Policy whose findings are added to each file's (validate --policy). */
  policy?: Policy;
  /** How `s3://` and `https://` inputs are read (see run-remote.ts). */
  remote?: RemoteSettings;
}

export interface RunSummary {
  files: number;
  failed: number;
  /** Files that passed but whose worst finding is a warning (validate --policy). */
  warned?: number;
  /** Stopped by Ctrl-C (remote runs): only the files that had finished were emitted. */
  interrupted?: boolean;
}
