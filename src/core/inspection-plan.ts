import type { Inflate } from "./attributes/idmanifest.js";
import { scanHeaders } from "./header-scan.js";
import {
  type ByteRange,
  DEFAULT_INITIAL_READ_BYTES,
  DEFAULT_MAX_HEADER_BYTES,
  Inspection,
} from "./inspection.js";
import type { InspectionResult } from "./model.js";

export interface PlanOptions {
  /** Reported path (also the source of the frame number). */
  path: string;
  /** First read size; grown (at least 4x per step) until the headers are complete. Default 64 KiB. */
  initialReadBytes?: number;
  /** Hard cap on the header component (EXR_HEADER_TOO_LARGE beyond it). Default 64 MiB. */
  maxHeaderBytes?: number;
  /** SHA-256 (hex) for `header_hash` and preview hashes; the core has no crypto. */
  sha256?: (bytes: Uint8Array) => string;
  /** False: no hashing: `header_hash` is null and previews carry no `hash` (for callers that never report them). */
  hashes?: boolean;
  /** zlib inflate for ID-manifest counts; the core has no zlib. */
  inflate?: Inflate;
}

/** The prefix before the first read (shared: never written to). */
const NOTHING = new Uint8Array(0);

/** The first range any inspection reads (a driver may fetch it before the file size is known). */
export function firstReadLength(options: Pick<PlanOptions, "initialReadBytes" | "maxHeaderBytes">): number {
  return Math.min(
    Math.max(8, options.initialReadBytes ?? DEFAULT_INITIAL_READ_BYTES),
    Math.max(8, options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES),
  );
}

/**
 * The whole inspection as a coroutine over reads, so one pure plan serves every kind of I/O:
 * it yields each byte range it needs and is resumed with exactly those bytes (fewer only at EOF);
 * a driver reports a failed read by throwing it into the generator. Returns the result.
 * Reads: the header prefix (grown until the headers end), the offset tables, the last chunk header.
 */
export function* inspectionPlan(
  size: number,
  mtime: Date | null,
  options: PlanOptions,
): Generator<ByteRange, InspectionResult, Uint8Array> {
  const cap = Math.max(8, options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES);
  // The options carry the host services (inflate, sha256) themselves: no per-file copy.
  const inspection = new Inspection(options.path, size, options);
  let bytesRead = 0;
  let headerHash: string | null = null;
  let buf: Uint8Array = NOTHING;

  // Each read is written out (no delegated sub-generator: one generator object per file, not per read).
  const received = (range: ByteRange, got: Uint8Array): Uint8Array => {
    bytesRead += got.length;
    // Every range asked for lies inside the file: each is clamped to `size` where it is made.
    if (got.length !== range.length) {
      throw new Error(`short read at ${range.offset}: ${got.length} of ${range.length} bytes`);
    }
    return got;
  };
  const held = (range: ByteRange): Uint8Array | null =>
    range.offset + range.length <= buf.length
      ? buf.subarray(range.offset, range.offset + range.length)
      : null;

  try {
    const first = { offset: 0, length: Math.min(size, firstReadLength(options)) };
    buf = held(first) ?? received(first, yield first);
    let scan = scanHeaders(buf, size, cap);
    while (scan.kind === "need-more") {
      // The scan's `needed` already includes the growth step (GROWTH, at most MAX_SPECULATIVE_BYTES ahead).
      const target = Math.min(size, cap, scan.needed);
      const range = { offset: buf.length, length: target - buf.length };
      const more = held(range) ?? received(range, yield range);
      const grown = new Uint8Array(buf.length + more.length);
      grown.set(buf, 0);
      grown.set(more, buf.length);
      buf = grown;
      scan = scanHeaders(buf, size, cap);
    }
    inspection.setHeaders(buf, scan);
    if (scan.headerEnd !== null && options.sha256 && options.hashes !== false)
      headerHash = options.sha256(buf.subarray(0, scan.headerEnd));
    const tables = inspection.tablesRange();
    if (tables) inspection.setTables(held(tables) ?? received(tables, yield tables));
    const chunk = inspection.lastChunkRange();
    if (chunk) inspection.setLastChunk(held(chunk) ?? received(chunk, yield chunk));
  } catch (err) {
    inspection.ioError(err);
  }
  return inspection.result({ size, mtime, bytesRead, headerHash });
}

/** Runs the plan over bytes already in memory. */
export function runPlanInMemory(bytes: Uint8Array, options: PlanOptions): InspectionResult {
  const plan = inspectionPlan(bytes.length, null, options);
  let step = plan.next();
  while (!step.done) {
    const { offset, length } = step.value;
    step = plan.next(bytes.subarray(offset, offset + length));
  }
  return step.value;
}

export interface InspectBytesOptions extends Partial<PlanOptions> {}

/** Inspects a whole file already in memory, synchronously (no I/O; used for fuzzing and in-memory callers). */
export function inspectBytes(bytes: Uint8Array, options: InspectBytesOptions = {}): InspectionResult {
  return runPlanInMemory(bytes, { ...options, path: options.path ?? "memory:" });
}
