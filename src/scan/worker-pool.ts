import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { buildRecord } from "../catalog/build-record.js";
import type { CatalogRecord } from "../catalog/rows.js";
import { failedInspection, type InspectJob, runInspectJob } from "./inspect-job.js";

interface Pending {
  job: InspectJob;
  resolve: (records: CatalogRecord[]) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
  id: number;
}

/** The compiled worker beside this module (absent when running from TypeScript sources, e.g. under vitest). */
const WORKER_URL = new URL("./scan-worker.js", import.meta.url);

export function workersAvailable(): boolean {
  return WORKER_URL.protocol === "file:" && existsSync(fileURLToPath(WORKER_URL));
}

/**
 * Runs inspect jobs on `size` worker threads (in-process when size is 0 or no compiled worker exists).
 * A crashed worker is replaced and the files of its job become error rows, so the scan always continues.
 */
export class InspectPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  readonly threads: number;

  constructor(size: number) {
    this.threads = size > 0 && workersAvailable() ? size : 0;
    for (let i = 0; i < this.threads; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_URL), busy: null, id: 0 };
    slot.worker.on("message", (message: { id: number; records: CatalogRecord[] }) => {
      const pending = slot.busy;
      if (!pending || message.id !== slot.id) return;
      slot.busy = null;
      pending.resolve(message.records);
      this.pump();
    });
    slot.worker.on("error", (err) => this.replace(slot, err));
    slot.worker.on("exit", (code) => {
      if (slot.busy) this.replace(slot, new Error(`scan worker exited with code ${code}`));
    });
    return slot;
  }

  private replace(slot: Slot, err: unknown): void {
    const pending = slot.busy;
    slot.busy = null;
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    void slot.worker.terminate();
    this.slots[index] = this.spawn();
    if (pending) {
      const now = new Date(pending.job.now);
      pending.resolve(
        pending.job.paths.map((p) => buildRecord(failedInspection(p, err), { now, cwd: pending.job.cwd })),
      );
    }
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      slot.busy = next;
      slot.id = this.nextId++;
      slot.worker.postMessage({ id: slot.id, job: next.job });
    }
  }

  run(job: InspectJob): Promise<CatalogRecord[]> {
    if (this.threads === 0) return runInspectJob(job);
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
