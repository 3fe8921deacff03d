import type { InspectionResult } from "../../core/model.js";
import { type InspectOptions, inspectFileSync } from "../../inspect/inspect.js";
import { withPolicyFindings } from "../../policy/evaluate.js";
import type { Policy } from "../../policy/model.js";
import { failedResult, internalFailure } from "./failed-result.js";
import { BatchBuilder, type RenderedBatch, type RenderKind, render } from "./render.js";

/** A batch of local files to inspect with blocking reads and render (in a worker or in process). */
export interface RenderRequest {
  paths: string[];
  kind: RenderKind;
  maxHeaderBytes?: number;
  /** Add this policy's findings to each file's structural ones. */
  policy?: Policy;
  /** Count passing files but print only failing ones (validate -q). */
  omitPassed?: boolean;
  /** Paths the walk could not expand, by index in `paths`, with the reason: reported, not inspected. */
  walkErrors?: Record<number, string>;
}

/** Inspection options for a render kind: `validate` prints findings only, so it computes no hashes. */
export function optionsFor(kind: RenderKind, maxHeaderBytes?: number): InspectOptions {
  const options: InspectOptions =
    kind === "findings-text" || kind === "findings-line" || kind === "findings-ndjson"
      ? { hashes: false }
      : {};
  if (maxHeaderBytes) options.maxHeaderBytes = maxHeaderBytes;
  return options;
}

/**
 * Inspection options for this (the main) thread: fs/promises reads, each open, stat and read failing after
 * `readTimeoutMs` (default 60 s), since a blocking read of a hung mount could never be given up.
 */
export function timedReads(
  kind: RenderKind,
  maxHeaderBytes?: number,
  readTimeoutMs?: number,
): InspectOptions {
  return {
    ...optionsFor(kind, maxHeaderBytes),
    io: "async",
    ...(readTimeoutMs ? { readTimeoutMs } : {}),
  };
}

/** Blocking-read inspection (worker threads only: the pool times their answers). */
function inspectOrFail(path: string, options: InspectOptions): InspectionResult {
  try {
    return inspectFileSync(path, options);
  } catch (err) {
    // inspectFileSync is documented never to throw; keep one bad file from ending the run if it ever does.
    return internalFailure(path, err);
  }
}

/** The result as printed: the inspection, plus the policy's findings when a policy was given. */
export function judged(result: InspectionResult, policy: Policy | undefined): InspectionResult {
  return policy ? withPolicyFindings(result, policy) : result;
}

/** Inspects and renders a batch with blocking reads, in input order, as one piece of text (worker threads). */
export function renderBatch(request: RenderRequest, tick?: () => void): RenderedBatch {
  const options = optionsFor(request.kind, request.maxHeaderBytes);
  const out = new BatchBuilder(request.kind, request.omitPassed, true);
  const { paths, walkErrors, kind, policy } = request;
  for (let i = 0; i < paths.length; i++) {
    const walkError = walkErrors?.[i];
    const result =
      walkError !== undefined
        ? failedResult(paths[i]!, walkError)
        : judged(inspectOrFail(paths[i]!, options), policy);
    out.add(render(result, kind));
    tick?.();
  }
  return out.finish();
}

/** What a worker's answer hands over instead of copying: the batch's bytes. */
export function transferOf(batch: RenderedBatch): ArrayBuffer[] {
  return typeof batch.text === "string" ? [] : [batch.text.buffer as ArrayBuffer];
}
