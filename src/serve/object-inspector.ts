/** Dispatches an event's object to the local/NFS or the S3 inspector. */
import { displayLocation, type ObjectRef } from "./event-target.js";
import type { InspectOutcome, S3Inspector } from "./inspect-outcome.js";
import { inspectLocal } from "./local-inspector.js";

export interface ObjectInspector {
  inspect(ref: ObjectRef): Promise<InspectOutcome>;
  probe?(): Promise<void>;
  close(): void;
}

/** Dispatches on the reference kind; S3 references need `s3` (absent when serve has no S3 settings). */
export function objectInspector(
  s3: S3Inspector | null,
  why = "no S3 endpoint is configured",
): ObjectInspector {
  return {
    inspect: (ref) => {
      if (ref.kind === "local") return inspectLocal(ref.path);
      if (s3) return s3.inspect(ref);
      return Promise.resolve({
        ok: false,
        kind: "unavailable",
        message: `${displayLocation(ref)}: ${why} (set AWS_ENDPOINT_URL or S3_ENDPOINT, or use --backend vast)`,
      });
    },
    ...(s3 ? { probe: () => s3.probe() } : {}),
    close: () => s3?.close(),
  };
}
