import type { InspectionResult } from "../../core/model.js";
import { inspectFileSync } from "../../inspect/inspect.js";
import { internalFailure } from "./failed-result.js";
import { type Rendered, type RenderKind, render } from "./render.js";

/** A batch of local files to inspect with blocking reads and render (in a worker or in process). */
export interface RenderRequest {
  paths: string[];
  kind: RenderKind;
  maxHeaderBytes?: number;
}

export function inspectOrFail(path: string, maxHeaderBytes?: number): InspectionResult {
  try {
    return inspectFileSync(path, maxHeaderBytes ? { maxHeaderBytes } : {});
  } catch (err) {
    // inspectFileSync is documented never to throw; keep one bad file from ending the run if it ever does.
    return internalFailure(path, err);
  }
}

export function renderFiles(request: RenderRequest): Rendered[] {
  return request.paths.map((p) => render(inspectOrFail(p, request.maxHeaderBytes), request.kind));
}
