import type { InspectionResult } from "../../core/model.js";
import { inspectFile } from "../../inspect/inspect.js";
import { type WalkEntry, walkPaths } from "../../io/walk.js";
import { failedResult, passes } from "./failed-result.js";
import { mapOrdered } from "./ordered.js";

/** Files inspected at once: enough to hide I/O latency, bounded so memory stays small. */
export const DEFAULT_CONCURRENCY = 16;

export interface RunOptions {
  paths: string[];
  /** Receives each result, in input order. Return a promise to apply back-pressure. */
  emit: (result: InspectionResult, index: number) => void | Promise<void>;
  concurrency?: number;
  stdin?: NodeJS.ReadableStream;
  maxHeaderBytes?: number;
  /** Blocking reads (default; fastest on local disks) or fs/promises with `concurrency` files in flight. */
  io?: "sync" | "async";
}

export interface RunSummary {
  files: number;
  failed: number;
}

/** Expands the paths, inspects every file (bounded concurrency) and emits the results in input order. */
export async function inspectPaths(options: RunOptions): Promise<RunSummary> {
  const inspectOne = async (entry: WalkEntry): Promise<InspectionResult> => {
    if (entry.error !== undefined) return failedResult(entry.path, entry.error);
    try {
      return await inspectFile(entry.path, {
        ...(options.maxHeaderBytes ? { maxHeaderBytes: options.maxHeaderBytes } : {}),
        ...(options.io ? { io: options.io } : {}),
      });
    } catch (err) {
      // inspectFile is documented never to throw; keep one bad file from ending the run if it ever does.
      return failedResult(entry.path, `internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const entries = walkPaths(options.paths, options.stdin ? { stdin: options.stdin } : {});
  const summary: RunSummary = { files: 0, failed: 0 };
  for await (const result of mapOrdered(entries, inspectOne, options.concurrency ?? DEFAULT_CONCURRENCY)) {
    await options.emit(result, summary.files);
    summary.files += 1;
    if (!passes(result)) summary.failed += 1;
  }
  return summary;
}

/** Exit status of inspect/validate: 0 all files pass, 1 any file fails or no file was found. */
export function exitCodeOf(summary: RunSummary): number {
  return summary.files > 0 && summary.failed === 0 ? 0 : 1;
}

let stdoutGuarded = false;

/** A closed stdout (`inspect dir | head`) ends the run quietly instead of crashing on EPIPE. */
function guardStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/** Writes to stdout, waiting for drain so huge outputs (many files, big manifests) stay bounded in memory. */
export function writeOut(text: string): Promise<void> | undefined {
  guardStdout();
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
}
