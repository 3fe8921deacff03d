import { inspectFile } from "../inspect/inspect.js";
import { walkPaths } from "../io/walk.js";
import { type FrameEntry, frameEntryOf } from "./frame-entry.js";

/** Inspects every EXR under the given paths (directories recurse) into sequence entries. */
export async function localFrameEntries(paths: readonly string[]): Promise<FrameEntry[]> {
  const entries: FrameEntry[] = [];
  for await (const { path } of walkPaths(paths)) {
    entries.push(frameEntryOf(await inspectFile(path, { hashes: false }), path));
  }
  return entries;
}
