import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { FILE_READ_TIMEOUT_MS } from "../io/file-source.js";
import { markStuck } from "../io/stuck-operations.js";
import { workerEntry } from "./worker-entry.js";

interface Pending<Req, Res> {
  request: Req;
  resolve: (response: Res) => void;
}

interface Slot<Req, Res> {
  /** Null until needed, and again after a crash (replaced when the next request needs it). */
  worker: Worker | null;
  /** Requests sent to this worker and not answered yet, by message id. */
  inFlight: Map<number, Pending<Req, Res>>;
  /** Fires when the worker has had requests and answered none for `answerTimeoutMs`. */
  watchdog: NodeJS.Timeout | null;
  /** Ticks the worker counts while it works (serveRequests' `tick`), shared memory: read without a message. */
  progress: Int32Array;
  /** The tick count when the watchdog was armed. */
  progressSeen: number;
}

/**
 * How long a worker with requests may go without answering one before it is dropped, for a per-read timeout of
 * `readTimeoutMs` (workers read synchronously, so a read stuck on a hung mount is only seen from outside): twice the
 * read timeout, so a job whose slow reads each stay within it still answers.
 */
export function workerAnswerTimeoutMs(readTimeoutMs = FILE_READ_TIMEOUT_MS): number {
  return 2 * readTimeoutMs;
}
/** How long closing waits for workers to end. */
const CLOSE_WAIT_MS = 5_000;

/** True when `url` is a worker module that exists on disk (compiled JS; absent when running from TS sources). */
export function workerModuleExists(url: URL): boolean {
  return url.protocol === "file:" && existsSync(fileURLToPath(url));
}

/**
 * A fixed number of worker threads, each sent up to `depth` requests at once (see `serveRequests`):
 * the next request already waits in a worker's port when it finishes one, so it never idles for a
 * round trip through this thread's event loop. Requests queue in order; a worker starts when a
 * request needs it. A worker that crashes or exits mid-request is dropped and the request it was
 * working on is answered by `onCrash` instead, so callers always get a response (requests waiting
 * behind it are sent again); its replacement starts with the next request (a worker that cannot
 * even load costs one failed request each, never a restart loop). A worker that answers nothing for
 * `answerTimeoutMs` while it has requests (a read stuck on a hung mount) is dropped the same way: the request
 * it was on gets `onCrash` with a timeout error; a worker that ticks (serveRequests' `tick`, e.g. once per file of
 * a batch) within each `answerTimeoutMs` is not dropped, so the timeout bounds one step of a request, not its size.
 */
export class WorkerPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = [];
  private readonly queue: Pending<Req, Res>[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers that crashed or exited so far. */
  crashes = 0;
  /** The script each worker starts (the bundled worker when this program runs from the bundle). */
  private readonly entry: URL;
  /** Workers requests go to (the first `active` slots); `useWorkers` raises it up to `size`. */
  private active: number;

  constructor(
    url: URL,
    readonly size: number,
    private readonly onCrash: (request: Req, err: unknown) => Res,
    private readonly depth = 2,
    private readonly answerTimeoutMs = 0,
  ) {
    this.entry = workerEntry(url);
    this.active = size;
    for (let i = 0; i < size; i++)
      this.slots.push({
        worker: null,
        inFlight: new Map(),
        watchdog: null,
        progress: new Int32Array(new SharedArrayBuffer(4)),
        progressSeen: 0,
      });
  }

  run(request: Req): Promise<Res> {
    if (this.closed) return Promise.reject(new Error("worker pool is closed"));
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      this.pump();
    });
  }

  /** Sends requests to the first `count` workers only (at least 1, at most `size`); a worker starts when a request needs it. */
  useWorkers(count: number): void {
    this.active = Math.max(1, Math.min(this.size, count));
    this.pump();
  }

  /** How many workers requests go to. */
  get workers(): number {
    return this.active;
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.slots.map((s) => s.worker).filter((w): w is Worker => w !== null);
    for (const slot of this.slots) {
      slot.worker = null;
      this.disarm(slot);
    }
    const ended = workers.map((w) => w.terminate());
    // A worker stuck in a blocking read (a hung mount) ends only when the read does, maybe never: wait a while,
    // then leave it counted as stuck.
    for (const e of ended) markStuck(e);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(ended),
      new Promise((resolve) => {
        timer = setTimeout(resolve, CLOSE_WAIT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private start(slot: Slot<Req, Res>): Worker {
    // A fresh counter per worker: 0 until the worker's module has loaded and serveRequests has ticked once.
    slot.progress = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(this.entry, { workerData: { progress: slot.progress.buffer } });
    worker.on("message", (message: { id: number; response: Res }) => {
      const pending = slot.inFlight.get(message.id);
      if (slot.worker !== worker || !pending) return;
      slot.inFlight.delete(message.id);
      this.disarm(slot);
      if (slot.inFlight.size > 0) this.arm(slot, worker);
      pending.resolve(message.response);
      this.pump();
    });
    worker.on("error", (err) => this.drop(slot, worker, err));
    worker.on("exit", (code) => this.drop(slot, worker, new Error(`worker exited with code ${code}`)));
    slot.worker = worker;
    return worker;
  }

  private drop(slot: Slot<Req, Res>, worker: Worker, err: unknown): void {
    if (slot.worker !== worker) return; // already dropped (error, then exit) or closed
    slot.worker = null;
    this.disarm(slot);
    this.crashes += 1;
    // A thread stuck in a blocking read cannot stop until the read returns: it must not keep the process alive,
    // and it is counted as stuck until it ends (exiting the process waits for it: see stuck-operations.ts).
    worker.unref();
    markStuck(worker.terminate());
    // A worker answers in order, so the oldest unanswered request is the one it died on; the
    // others never started and go back to the front of the queue.
    const [failed, ...waiting] = slot.inFlight.values();
    slot.inFlight.clear();
    this.queue.unshift(...waiting);
    if (failed) failed.resolve(this.onCrash(failed.request, err));
    this.pump();
  }

  private arm(slot: Slot<Req, Res>, worker: Worker): void {
    if (this.answerTimeoutMs <= 0) return;
    const seconds = this.answerTimeoutMs / 1000;
    slot.progressSeen = Atomics.load(slot.progress, 0);
    slot.watchdog = setTimeout(() => {
      // A long request (a large batch) that keeps ticking is working, not stuck; a worker still loading its module
      // (slow on a loaded machine) has not started on the request yet.
      const progress = Atomics.load(slot.progress, 0);
      if (progress === 0 || progress !== slot.progressSeen) this.arm(slot, worker);
      else this.drop(slot, worker, new Error(`no answer within ${seconds} s (a read may be stuck)`));
    }, this.answerTimeoutMs);
    slot.watchdog.unref();
  }

  private disarm(slot: Slot<Req, Res>): void {
    if (slot.watchdog) clearTimeout(slot.watchdog);
    slot.watchdog = null;
  }

  private pump(): void {
    if (this.closed) return;
    // Fill the least loaded worker first, so every worker gets work before any gets a second request.
    for (let load = 0; load < this.depth; load++) {
      for (let i = 0; i < this.active; i++) {
        const slot = this.slots[i]!;
        if (slot.inFlight.size > load) continue;
        const next = this.queue.shift();
        if (!next) return;
        const worker = slot.worker ?? this.start(slot);
        const id = this.nextId++;
        if (slot.inFlight.size === 0) this.arm(slot, worker);
        slot.inFlight.set(id, next);
        worker.postMessage({ id, request: next.request });
      }
    }
  }
}
