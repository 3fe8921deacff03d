import { inspectFile } from "../inspect/inspect.js";
import { inspectRemote } from "../inspect/inspect-remote.js";
import { hasRemoteInputs, RemoteContext, type RemoteSettings, resolveInputs } from "../io/remote-inputs.js";
import { isRemote } from "../io/s3-uri.js";
import { walkPaths } from "../io/walk.js";
import { type FrameEntry, frameEntryOf } from "./frame-entry.js";

export interface FrameEntries {
  entries: FrameEntry[];
  /** Inputs that could not be expanded at all (a listing of a bucket that does not exist, …). */
  inputErrors: string[];
}

/**
 * Inspects every EXR under the given inputs into sequence entries: local files and directories (walked), and
 * `s3://bucket/prefix/` listings and object URIs (read with range requests, `concurrency` at once).
 */
/** Timed reads: this runs on the main thread, where a blocking read of a hung mount would never end. */
const LOCAL_READS = { hashes: false, io: "async" } as const;

export async function frameEntries(
  paths: readonly string[],
  remote: RemoteSettings = {},
): Promise<FrameEntries> {
  const entries: FrameEntry[] = [];
  if (!hasRemoteInputs(paths)) {
    for await (const { path } of walkPaths(paths))
      entries.push(frameEntryOf(await inspectFile(path, LOCAL_READS), path));
    return { entries, inputErrors: [] };
  }
  const context = new RemoteContext(remote);
  const inputErrors: string[] = [];
  const reads: Promise<void>[] = [];
  try {
    for await (const entry of resolveInputs(paths, context)) {
      const { path } = entry;
      if (entry.failure) {
        inputErrors.push(entry.failure.message);
      } else if (!isRemote(path)) {
        entries.push(frameEntryOf(await inspectFile(path, LOCAL_READS), path));
      } else {
        reads.push(
          context.limit(async () => {
            const result = await inspectRemote(() => context.open(path), { hashes: false });
            entries.push(frameEntryOf(result, path));
          }),
        );
      }
    }
    await Promise.all(reads);
  } finally {
    context.close();
  }
  return { entries, inputErrors };
}
