import { inspectFile } from "../../inspect/inspect.js";
import { inspectRemote } from "../../inspect/inspect-remote.js";
import { ioFailure } from "../../inspect/options.js";
import { type InputEntry, RemoteContext, resolveInputs } from "../../io/remote-inputs.js";
import { isRemote } from "../../io/s3-uri.js";
import { failedResult, internalFailure } from "./failed-result.js";
import { mapOrdered } from "./ordered.js";
import { batchOf, type Rendered, render } from "./render.js";
import { judged, optionsFor, timedReads } from "./render-files.js";
import type { RunOptions, RunSummary } from "./run-types.js";

/**
 * A run with `s3://` or `https://` inputs (mixed with local ones): objects are inspected on this thread,
 * `--concurrency` of them at once (each inspection has one ranged GET in flight at a time), output in input
 * order. Ctrl-C stops new requests, abandons those in flight and prints every file that had finished.
 */
export async function renderMixedPaths(options: RunOptions): Promise<RunSummary> {
  const controller = new AbortController();
  const summary: RunSummary = { files: 0, failed: 0, warned: 0 };
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    process.stderr.write(
      "\ninterrupted: no new requests; printing the files that finished (Ctrl-C again to quit now)\n",
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const context = new RemoteContext(options.remote ?? {}, controller.signal);
  const inspectOptions = optionsFor(options.kind, options.maxHeaderBytes);
  const localOptions = timedReads(options.kind, options.maxHeaderBytes, options.readTimeoutMs);
  const inspectOne = async (entry: InputEntry): Promise<Rendered | null> => {
    if (controller.signal.aborted) return null;
    if (entry.failure) return render(ioFailure(entry.path, entry.failure), options.kind);
    if (entry.error !== undefined) return render(failedResult(entry.path, entry.error), options.kind);
    if (!isRemote(entry.path)) {
      const result = await inspectFile(entry.path, localOptions).catch((err: unknown) =>
        internalFailure(entry.path, err),
      );
      return render(judged(result, options.policy), options.kind);
    }
    const result = await inspectRemote(() => context.open(entry.path), inspectOptions);
    return controller.signal.aborted ? null : render(judged(result, options.policy), options.kind);
  };
  try {
    const entries = resolveInputs(options.paths, context, options.stdin ? { stdin: options.stdin } : {});
    for await (const item of mapOrdered(entries, inspectOne, context.concurrency)) {
      if (item === null) continue;
      await options.emit(batchOf(item, options.kind, options.omitPassed));
      summary.files += 1;
      if (!item.passed) summary.failed += 1;
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    context.close();
  }
  if (controller.signal.aborted) summary.interrupted = true;
  return summary;
}
