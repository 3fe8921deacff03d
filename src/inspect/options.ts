import * as crypto from "node:crypto";
import { inflateSync } from "node:zlib";
import { Inspection } from "../core/inspection.js";
import type { PlanOptions } from "../core/inspection-plan.js";
import type { InspectionResult } from "../core/model.js";
import { NotARegularFileError } from "../io/regular-file.js";

export interface InspectOptions {
  /** First read size; grown (at least 4x per step) until the headers are complete. Default 64 KiB. */
  initialReadBytes?: number;
  /** Hard cap on the header component; larger headers yield EXR_HEADER_TOO_LARGE. Default 64 MiB. */
  maxHeaderBytes?: number;
  /** Path reported in the result (defaults to the source's path). */
  path?: string;
  /**
   * `inspectFile` only. "sync" (default): blocking reads, fastest on local disks (a few syscalls per file), but
   * a blocking read cannot be timed out: use it off the main thread (worker threads whose answers are timed, as
   * the CLI does) or on disks that cannot hang. "async": fs/promises reads that never block the event loop,
   * each open, stat and read failing after `readTimeoutMs` (a hung network mount).
   */
  io?: "sync" | "async";
  /** With `io: "async"`: how long one open, stat or read may take (default 60 s, FILE_READ_TIMEOUT_MS). */
  readTimeoutMs?: number;
  /**
   * False: compute no SHA-256 at all: `header_hash` is null and preview values carry no `hash` (for callers
   * that never print them, e.g. `validate`). Default true.
   */
  hashes?: boolean;
}

const { createHash } = crypto;
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: "hex") => string }).hash;

/** SHA-256 hex; the one-shot `crypto.hash` (Node >= 20.12) avoids a Hash object per file. */
export function sha256Hex(bytes: Uint8Array): string {
  return oneShot ? oneShot("sha256", bytes, "hex") : createHash("sha256").update(bytes).digest("hex");
}

/**
 * Output buffer size for inflating `compressed` into at most `maxLength` bytes: the whole output at once (no
 * growing in 16 KiB steps), but never more than deflate can expand those bytes to (1032:1), so a damaged size field
 * cannot make it allocate more than the data could hold.
 */
export function inflateChunkSize(compressed: Uint8Array, maxLength: number): number {
  return Math.max(64, Math.min(maxLength, compressed.length * 1032 + 64, 1 << 26));
}

/** zlib inflate bounded by `maxLength` (node:zlib throws past it; the core turns that into a finding). */
export function zlibInflate(compressed: Uint8Array, maxLength: number): Uint8Array {
  const out = inflateSync(compressed, {
    maxOutputLength: maxLength,
    chunkSize: inflateChunkSize(compressed, maxLength),
  });
  // A plain Uint8Array view, like every other byte array the core reads: a Buffer (a subclass, another map) at the
  // same call sites deoptimized the core's readers and made V8 compile them again.
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The plan's options for one file, built without spreads (this runs once per inspected file). */
export function planOptions(path: string, options: InspectOptions, defaultFirstRead?: number): PlanOptions {
  const plan: PlanOptions = { path: options.path ?? path, sha256: sha256Hex, inflate: zlibInflate };
  const first = options.initialReadBytes ?? defaultFirstRead;
  if (first !== undefined) plan.initialReadBytes = first;
  if (options.maxHeaderBytes !== undefined) plan.maxHeaderBytes = options.maxHeaderBytes;
  if (options.hashes === false) plan.hashes = false;
  return plan;
}

/** A result for a file that could not be opened at all. */
export function ioFailure(path: string, err: unknown): InspectionResult {
  const failed = new Inspection(path, 0);
  if (err instanceof NotARegularFileError) failed.notARegularFile(err.message);
  else failed.ioError(err);
  return failed.result({ size: 0, mtime: null, bytesRead: 0, headerHash: null });
}
