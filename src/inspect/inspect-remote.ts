import type { InspectionResult } from "../core/model.js";
import type { RemoteObjectSource } from "../io/remote-object.js";
import { inspect } from "./inspect.js";
import { LOCAL_FIRST_READ_BYTES } from "./inspect-file-sync.js";
import type { InspectOptions } from "./options.js";

/**
 * The first range of a remote object: the same as a local file's, so an object and its local copy give
 * the same result down to `bytes_read`. It also keeps a large render to ~1/8 of the seed's fixed 256 KiB
 * GET; headers past it (Cryptomatte manifests) take one more, 4x larger, range.
 */
export const REMOTE_FIRST_READ_BYTES = LOCAL_FIRST_READ_BYTES;

const changedDuringRead = (r: InspectionResult) =>
  r.validation.findings.some((f) => f.code === "EXR_SOURCE_CHANGED");

/**
 * Inspects a remote object (S3 or HTTP(S)); never throws. An object replaced while it was read is read
 * once more from scratch with a new source; a second change leaves EXR_SOURCE_CHANGED in the result.
 * Adds `etag` and `requests` (every ranged GET sent, retries included, over both attempts) to `file`.
 */
export async function inspectRemote(
  open: () => RemoteObjectSource | Promise<RemoteObjectSource>,
  options: InspectOptions = {},
): Promise<InspectionResult> {
  const readOptions: InspectOptions = { initialReadBytes: REMOTE_FIRST_READ_BYTES, ...options };
  let requests = 0;
  let result: InspectionResult | null = null;
  let source: RemoteObjectSource | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    source = await open();
    result = await inspect(source, readOptions);
    requests += source.stats.requests;
    if (!changedDuringRead(result)) break;
  }
  const etag = await source!.etag().catch(() => null);
  result!.file.etag = etag;
  result!.file.requests = requests;
  return result!;
}
