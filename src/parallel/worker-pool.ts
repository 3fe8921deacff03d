import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

interface Pending<Req, Res> {
  request: Req;
  resolve: (response: Res) => void;
}

interface Slot<Req, Res> {
  /** Null until needed, and again after a crash (replaced when the next request needs it). */
  worker: Worker | null;
  busy: Pending<Req, Res> | null;
  id: number;
}

/** True when `url` is a worker module that exists on disk (compiled JS; absent when running from TS sources). */
export function workerModuleExists(url: URL): boolean {
  return url.protocol === "file:" && existsSync(fileURLToPath(url));
}

/**
 * A fixed number of worker threads answering one request at a time each (see `serveRequests`).
 * Requests queue in order; a worker starts when a request needs it. A worker that crashes or exits
 * mid-request is dropped and that request is answered by `onCrash` instead, so callers always get a
 * response; its replacement starts with the next request (a worker that cannot even load costs one
 * failed request each, never a restart loop).
 */
export class WorkerPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = [];
  private readonly queue: Pending<Req, Res>[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers that crashed or exited so far. */
  crashes = 0;

  constructor(
    private readonly url: URL,
    readonly size: number,
    private readonly onCrash: (request: Req, err: unknown) => Res,
  ) {
    for (let i = 0; i < size; i++) this.slots.push({ worker: null, busy: null, id: 0 });
  }

  run(request: Req): Promise<Res> {
    if (this.closed) return Promise.reject(new Error("worker pool is closed"));
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.slots.map((s) => s.worker).filter((w): w is Worker => w !== null);
    for (const slot of this.slots) slot.worker = null;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private start(slot: Slot<Req, Res>): Worker {
    const worker = new Worker(this.url);
    worker.on("message", (message: { id: number; response: Res }) => {
      const pending = slot.busy;
      if (slot.worker !== worker || !pending || message.id !== slot.id) return;
      slot.busy = null;
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
    this.crashes += 1;
    void worker.terminate();
    const pending = slot.busy;
    slot.busy = null;
    if (pending) pending.resolve(this.onCrash(pending.request, err));
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      const worker = slot.worker ?? this.start(slot);
      slot.busy = next;
      slot.id = this.nextId++;
      worker.postMessage({ id: slot.id, request: next.request });
    }
  }
}
