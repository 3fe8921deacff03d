/**
 * What `consume` does with one event: find the object it names (serve/event-target.ts), read and inspect it,
 * and build its catalog rows exactly as `scan` does. Says whether a failure may pass on a retry (the object store
 * unavailable, a read failing midway) or never will (not an event, no such object, access denied).
 * Never throws.
 */
import { buildRecord } from "../catalog/build-record.js";
import type { CatalogRecord } from "../catalog/rows.js";
import type { InspectionResult } from "../core/model.js";
import { inspectRemote } from "../inspect/inspect-remote.js";
import type { RemoteContext } from "../io/remote-inputs.js";
import { s3Uri } from "../io/s3-uri.js";
import { displayLocation, eventTarget } from "../serve/event-target.js";
import { inspectLocal } from "../serve/local-inspector.js";
import { type ConsumedRecord, decodeEvent } from "./event-message.js";

export type EventOutcome =
  | { kind: "record"; record: CatalogRecord; bytesRead: number }
  | { kind: "skipped"; location: string; reason: string }
  | { kind: "failed"; location: string; retryable: boolean; error: string };

const TRANSIENT = new Set(["EXR_IO_ERROR", "EXR_SOURCE_UNAVAILABLE", "EXR_SOURCE_CHANGED"]);
const PERMANENT = new Set(["EXR_SOURCE_NOT_FOUND", "EXR_SOURCE_ACCESS_DENIED"]);

export interface ProcessorOptions {
  remote: RemoteContext;
  allFiles: boolean;
  cwd: string;
}

function readFailure(result: InspectionResult): { retryable: boolean; error: string } | null {
  for (const f of result.validation.findings) {
    if (TRANSIENT.has(f.code)) return { retryable: true, error: `${f.code}: ${f.message}` };
    if (PERMANENT.has(f.code)) return { retryable: false, error: `${f.code}: ${f.message}` };
  }
  return null;
}

export async function processEvent(record: ConsumedRecord, options: ProcessorOptions): Promise<EventOutcome> {
  const decoded = decodeEvent(record);
  const key = record.key?.toString() ?? "";
  if (!decoded.ok) return { kind: "failed", location: key, retryable: false, error: decoded.message };
  const target = eventTarget(decoded.event);
  if (!target.ok) {
    return target.reason === "not-created"
      ? { kind: "skipped", location: key, reason: target.message }
      : { kind: "failed", location: key, retryable: false, error: target.message };
  }
  const ref = target.ref;
  const location = displayLocation(ref);
  if (!options.allFiles && !/\.exr$/i.test(location))
    return { kind: "skipped", location, reason: `${location} is not an EXR (name)` };
  try {
    let result: InspectionResult;
    if (ref.kind === "s3") {
      const uri = s3Uri(ref.bucket, ref.key);
      result = await options.remote.limit(() => inspectRemote(() => options.remote.open(uri)));
    } else {
      result = await options.remote.limit(async () => {
        const outcome = await inspectLocal(ref.path);
        if (!outcome.ok) throw Object.assign(new Error(outcome.message), { openFailure: outcome.kind });
        return outcome.result;
      });
    }
    const failure = readFailure(result);
    if (failure) return { kind: "failed", location, ...failure };
    return {
      kind: "record",
      record: buildRecord(result, { cwd: options.cwd }),
      bytesRead: result.file.bytes_read,
    };
  } catch (err) {
    const openFailure = (err as { openFailure?: string }).openFailure;
    return {
      kind: "failed",
      location,
      retryable: openFailure === undefined || openFailure === "unavailable",
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
