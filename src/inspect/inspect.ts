import { firstReadLength, inspectionPlan } from "../core/inspection-plan.js";
import type { InspectionResult } from "../core/model.js";
import type { ByteSource } from "../io/byte-source.js";
import { FileSource } from "../io/file-source.js";
import { inspectFileSync, LOCAL_FIRST_READ_BYTES } from "./inspect-file-sync.js";
import { type InspectOptions, ioFailure, planOptions } from "./options.js";

export { inspectFileSync } from "./inspect-file-sync.js";
export { type InspectOptions, ioFailure, zlibInflate } from "./options.js";

/**
 * Inspects one EXR from any ByteSource: headers, derived part/channel records, offset-table
 * completeness and validation. Reads only the header prefix, the offset tables and the last
 * chunk's header; the first read is issued together with the size/mtime query.
 * Never throws: read failures become EXR_IO_ERROR findings.
 */
export async function inspect(source: ByteSource, options: InspectOptions = {}): Promise<InspectionResult> {
  const plan = planOptions(source.path, options);
  const firstLength = firstReadLength(plan);
  const first = source.read(0, firstLength);
  first.catch(() => undefined); // awaited below; a failure is reported from there
  let size: number;
  let mtime: Date | null;
  try {
    [size, mtime] = await Promise.all([source.size(), source.mtime ? source.mtime() : null]);
  } catch (err) {
    return ioFailure(plan.path, err);
  }
  const steps = inspectionPlan(size, mtime, plan);
  let step = steps.next();
  while (!step.done) {
    const { offset, length } = step.value;
    try {
      const bytes =
        offset === 0 && length <= firstLength
          ? (await first).subarray(0, length)
          : await source.read(offset, length);
      step = steps.next(bytes);
    } catch (err) {
      step = steps.throw(err);
    }
  }
  return step.value;
}

/**
 * Opens, inspects and closes a local file (see `io`: only "async" times out a read that hangs); open failures
 * become an EXR_IO_ERROR result.
 */
export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectionResult> {
  if (options.io !== "async") return inspectFileSync(path, options);
  let source: FileSource;
  try {
    source = await FileSource.open(path, options.readTimeoutMs);
  } catch (err) {
    return ioFailure(options.path ?? path, err);
  }
  // The same first read as the blocking path: results (bytes_read included) do not depend on `io`.
  const result = await inspect(source, {
    ...options,
    initialReadBytes: options.initialReadBytes ?? LOCAL_FIRST_READ_BYTES,
  });
  // Nothing depends on the close of a read-only handle, so it is not awaited: the next file's
  // open overlaps it. A failed close cannot change the result.
  source.close().catch(() => undefined);
  return result;
}
