import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

interface Pending<Req, Res> {
  request: Req;
  resolve: (response: Res) => void;
}

interface Slot<Req, Res> {
  worker: Worker;
  busy: Pending<Req, Res> | null;
  id: number;
}

/** True when `url` is a worker module that exists on disk (compiled JS; absent when running from TS sources). */
export function workerModuleExists(url: URL): boolean {
  return url.protocol === "file:" && existsSync(fileURLToPath(url));
}

/**
 * A fixed set of worker threads answering one request at a time each (see `serveRequests`). Requests
 * queue in order; workers start on the first request. A worker that crashes or exits mid-request is
 * replaced, and that request is answered by `onCrash` instead, so callers always get a response.
 */
export class WorkerPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = [];
  private readonly queue: Pending<Req, Res>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly url: URL,
    readonly size: number,
    private readonly onCrash: (request: Req, err: unknown) => Res,
  ) {}

  run(request: Req): Promise<Res> {
    if (this.closed) return Promise.reject(new Error("worker pool is closed"));
    if (this.slots.length === 0) for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private spawn(): Slot<Req, Res> {
    const slot: Slot<Req, Res> = { worker: new Worker(this.url), busy: null, id: 0 };
    slot.worker.on("message", (message: { id: number; response: Res }) => {
      const pending = slot.busy;
      if (!pending || message.id !== slot.id) return;
      slot.busy = null;
      pending.resolve(message.response);
      this.pump();
    });
    slot.worker.on("error", (err) => this.replace(slot, err));
    slot.worker.on("exit", (code) => {
      if (slot.busy) this.replace(slot, new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  private replace(slot: Slot<Req, Res>, err: unknown): void {
    const pending = slot.busy;
    slot.busy = null;
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    void slot.worker.terminate();
    if (!this.closed) this.slots[index] = this.spawn();
    if (pending) pending.resolve(this.onCrash(pending.request, err));
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      slot.busy = next;
      slot.id = this.nextId++;
      slot.worker.postMessage({ id: slot.id, request: next.request });
    }
  }
}
