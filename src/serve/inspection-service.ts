/**
 * What `serve` does with one event: find the object, inspect it, hand its catalog rows to the micro-batcher
 * (one transaction per batch, one catalog session for the process) and answer with the result document and the
 * HTTP status a broker acts on: 200 stored or already stored; 4xx never succeeds on redelivery (skipped); 5xx
 * retryable (the catalog or the object store unavailable).
 */
import { buildRecord } from "../catalog/build-record.js";
import type { CatalogStore, UpsertOutcome } from "../catalog/port.js";
import type { CatalogRecord } from "../catalog/rows.js";
import { displayLocation, type EventLike, eventTarget } from "./event-target.js";
import type { InspectOutcome } from "./inspect-outcome.js";
import type { Logger } from "./logger.js";
import type { ServeMetrics } from "./metrics.js";
import { type BatcherOptions, MicroBatcher } from "./micro-batcher.js";
import type { ObjectInspector } from "./object-inspector.js";
import {
  bareDocument,
  failed,
  inspectedDocument,
  type Persistence,
  type ResultDocument,
  skipped,
} from "./result-document.js";

export interface Answer {
  status: number;
  document: ResultDocument;
  /** Seconds, sent as Retry-After with retryable answers. */
  retryAfter?: number;
}

export interface ServiceOptions {
  store: CatalogStore;
  objects: ObjectInspector;
  metrics: ServeMetrics;
  logger: Logger;
  batch: BatcherOptions;
  /** Accept objects whatever their name (default: only `*.exr`, as `scan` walks directories). */
  allFiles?: boolean;
  /** Base for relative local paths (default: process.cwd()). */
  cwd?: string;
}

/** Retry-After of a 503 caused by an unavailable dependency. */
const RETRY_AFTER_SECONDS = 2;
const READINESS_TTL_MS = 2_000;
const PROBE_TIMEOUT_MS = 5_000;
const PROBE_PATH = "exr-inspector:readiness-probe";

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A record the catalog can never store (e.g. a row over VAST's size limit): not retried. */
class RefusedRecord {
  constructor(readonly reason: string) {}
}

/** Catalog errors that redelivery cannot fix (stable codes of the VAST client). */
const REFUSALS = new Set(["VAST_TOO_WIDE_ROW", "VAST_TOO_LARGE_REQUEST"]);
const isRefusal = (err: unknown) => REFUSALS.has(String((err as { code?: unknown })?.code));

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class InspectionService {
  readonly #options: ServiceOptions;
  readonly #batcher: MicroBatcher<CatalogRecord, UpsertOutcome | RefusedRecord>;
  #readiness: { at: number; result: Promise<string | null> } | null = null;
  /** Events being inspected now: each will reach the batcher soon, or not at all. */
  #inspecting = 0;

  constructor(options: ServiceOptions) {
    this.#options = options;
    // A batch waits for more events only while others are being inspected (they will join it soon).
    this.#batcher = new MicroBatcher((records, release) => this.#persist(records, release), {
      ...options.batch,
      upcoming: () => this.#inspecting,
    });
  }

  /**
   * One transaction for the batch. When the catalog refuses a record for good (too large for it), the batch is
   * written again record by record, so only that record's event fails (422) and its neighbours are stored.
   */
  async #persist(records: CatalogRecord[], release: () => void): Promise<(UpsertOutcome | RefusedRecord)[]> {
    try {
      return await this.#persistTogether(records, release);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      if (records.length === 1) return [new RefusedRecord(message(err))];
      const outcomes: (UpsertOutcome | RefusedRecord)[] = [];
      for (const r of records) {
        try {
          outcomes.push(...(await this.#persistTogether([r])));
        } catch (alone) {
          if (!isRefusal(alone)) throw alone;
          outcomes.push(new RefusedRecord(message(alone)));
        }
      }
      return outcomes;
    }
  }

  /** `release` (when given) lets the next batch start once this one is committed, during its duplicate check. */
  async #persistTogether(records: CatalogRecord[], release?: () => void): Promise<UpsertOutcome[]> {
    this.#options.metrics.batchSize.observe(records.length);
    const started = performance.now();
    const outcomes = await this.#options.store.upsertBatch(
      records,
      new Date(),
      release ? { onCommitted: release } : {},
    );
    this.#options.logger.debug(
      { files: records.length, ms: Math.round(performance.now() - started) },
      "batch committed",
    );
    return outcomes;
  }

  async handle(event: EventLike): Promise<Answer> {
    const answer = await this.#answer(event);
    const p = answer.document.persistence;
    const outcome =
      p.status === "success"
        ? p.inserted
          ? "inserted"
          : "reinspected"
        : p.status === "skipped"
          ? "skipped"
          : "error";
    this.#options.metrics.events.inc({ outcome });
    this.#options.metrics.persistence.inc({ status: p.status, inserted: String(p.inserted) });
    this.#options.metrics.bytesRead.inc(answer.document.stats.bytes_read);
    const log = { event_id: event.id, path: answer.document.file.path, status: answer.status, outcome };
    if (answer.status >= 500) this.#options.logger.warn({ ...log, error: p.error }, "event not processed");
    else if (answer.status >= 400 || p.status === "skipped")
      this.#options.logger.info({ ...log, reason: p.message }, "event skipped");
    else this.#options.logger.info({ ...log, file_id: p.file_id }, "event processed");
    return answer;
  }

  async #answer(event: EventLike): Promise<Answer> {
    const target = eventTarget(event);
    if (!target.ok) {
      return {
        status: target.reason === "malformed" ? 400 : 422,
        document: bareDocument("", skipped(target.message)),
      };
    }
    const ref = target.ref;
    const location = displayLocation(ref);
    if (!this.#options.allFiles && !/\.exr$/i.test(location)) {
      return { status: 422, document: bareDocument(location, skipped(`${location} is not an EXR (name)`)) };
    }
    const inspectStarted = performance.now();
    this.#inspecting++;
    let outcome: InspectOutcome;
    try {
      outcome = await this.#options.objects.inspect(ref);
    } finally {
      this.#inspecting--;
    }
    // Nothing to submit, or a read failure: the batch waiting for this event need not wait any longer.
    if (!outcome.ok || outcome.result.validation.findings.some((f) => f.code === "EXR_IO_ERROR"))
      this.#batcher.nudge();
    if (!outcome.ok) {
      if (outcome.kind === "unavailable") {
        return {
          status: 503,
          retryAfter: RETRY_AFTER_SECONDS,
          document: bareDocument(location, failed("object store unavailable", outcome.message)),
        };
      }
      // Superseded: handled, nothing to redeliver (the newer write's own event catalogues it).
      const status = outcome.kind === "superseded" ? 200 : outcome.kind === "gone" ? 404 : 422;
      return { status, document: bareDocument(location, skipped(outcome.message)) };
    }
    const result = outcome.result;
    const inspectMs = performance.now() - inspectStarted;
    const ioError = result.validation.findings.find((f) => f.code === "EXR_IO_ERROR");
    if (ioError) {
      // A read that failed mid-inspection (network, NFS): not the file's fault, so not catalogued; redelivery retries.
      return {
        status: 503,
        retryAfter: RETRY_AFTER_SECONDS,
        document: inspectedDocument(result, failed("read failed", ioError.message), {
          inspect_ms: inspectMs,
          persist_ms: 0,
        }),
      };
    }
    const record = buildRecord(result, { cwd: this.#options.cwd ?? process.cwd() });
    const persistStarted = performance.now();
    let persistence: Persistence;
    let status = 200;
    try {
      const outcome = await this.#batcher.submit(record);
      if (outcome instanceof RefusedRecord) {
        // Redelivery cannot help: answered 4xx so the broker stops; the catalog said why.
        const document = inspectedDocument(
          result,
          failed("the catalog refused this file", outcome.reason, record.file.file_id),
          { inspect_ms: inspectMs, persist_ms: performance.now() - persistStarted },
        );
        return { status: 422, document };
      }
      const inserted = outcome.status === "inserted";
      persistence = {
        status: "success",
        file_id: outcome.file_id,
        inserted,
        message: inserted ? "inserted" : "already catalogued (inspection_count incremented)",
        error: null,
      };
    } catch (err) {
      status = 503;
      persistence = failed("catalog write failed", message(err), record.file.file_id);
    }
    const document = inspectedDocument(result, persistence, {
      inspect_ms: inspectMs,
      persist_ms: performance.now() - persistStarted,
    });
    return status === 200 ? { status, document } : { status, document, retryAfter: RETRY_AFTER_SECONDS };
  }

  /** Null when the catalog (and the object store, when configured) answer; else what failed. Cached briefly. */
  readiness(): Promise<string | null> {
    const now = performance.now();
    if (this.#readiness && now - this.#readiness.at < READINESS_TTL_MS) return this.#readiness.result;
    const result = (async () => {
      try {
        await withTimeout(this.#options.store.knownState([PROBE_PATH]), PROBE_TIMEOUT_MS, "the catalog");
      } catch (err) {
        return `catalog unreachable: ${message(err)}`;
      }
      if (this.#options.objects.probe) {
        try {
          await withTimeout(this.#options.objects.probe(), PROBE_TIMEOUT_MS, "the object store");
        } catch (err) {
          return `object store unreachable: ${message(err)}`;
        }
      }
      return null;
    })();
    this.#readiness = { at: now, result };
    return result;
  }

  /** Commits everything submitted so far. */
  drain(): Promise<void> {
    return this.#batcher.drain();
  }
}
