/**
 * S3 objects for `serve`: inspected with ranged GETs through the S3 source, and the source's coded failures
 * mapped to what a broker should do: no such key or bucket → gone (404, never retried); refused credentials or
 * an unreachable endpoint → unavailable (503, redelivery succeeds once fixed); replaced while read (twice), or
 * already replaced since the event (its size or ETag differs from the object's) → superseded: the newer write
 * has its own event, so this one is skipped, not failed.
 */
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import type { InspectionResult } from "../core/model.js";
import { inspectRemote } from "../inspect/inspect-remote.js";
import type { RetryPolicy } from "../io/remote-retry.js";
import type { ConfiguredS3 } from "../io/s3-client.js";
import { DirectRangeGets } from "../io/s3-direct-get.js";
import { S3Source } from "../io/s3-source.js";
import { displayLocation } from "./event-target.js";
import type { InspectOutcome, S3Inspector, S3Ref } from "./inspect-outcome.js";

const bare = (etag: string) => etag.replace(/^W\//, "").replace(/^"|"$/g, "");

const PROBE_TIMEOUT_MS = 5_000;

function finding(result: InspectionResult, code: string): string | null {
  return result.validation.findings.find((f) => f.code === code)?.message ?? null;
}

/**
 * Ranged GETs are signed and sent on our keep-alive HTTP/1.1 client (io/s3-direct-get.ts, io/http1-pool.ts),
 * not through the SDK's command stack: that stack was the largest CPU cost per event in bench:serve's profile.
 */
export function s3Inspector(s3: ConfiguredS3, maxSockets: number, policy?: RetryPolicy): S3Inspector {
  const { client, credentialSource } = s3;
  const gets = new DirectRangeGets(client, maxSockets);
  return {
    async inspect(ref: S3Ref): Promise<InspectOutcome> {
      const result = await inspectRemote(
        () => new S3Source(gets, ref.bucket, ref.key, { credentialSource, ...(policy ? { policy } : {}) }),
      );
      const notFound = finding(result, "EXR_SOURCE_NOT_FOUND");
      if (notFound) return { ok: false, kind: "gone", message: notFound };
      const unavailable =
        finding(result, "EXR_SOURCE_ACCESS_DENIED") ?? finding(result, "EXR_SOURCE_UNAVAILABLE");
      if (unavailable) return { ok: false, kind: "unavailable", message: unavailable };
      const changed = finding(result, "EXR_SOURCE_CHANGED");
      if (changed) return { ok: false, kind: "superseded", message: changed };
      const where = displayLocation(ref);
      const etag = result.file.etag ? bare(result.file.etag) : null;
      if (ref.etag && etag && bare(ref.etag) !== etag)
        return {
          ok: false,
          kind: "superseded",
          message: `${where} was replaced after the event (ETag ${etag}, the event's ${bare(ref.etag)})`,
        };
      if (ref.size !== undefined && ref.size !== result.file.size_bytes)
        return {
          ok: false,
          kind: "superseded",
          message: `${where} was replaced after the event (${result.file.size_bytes} bytes, the event's ${ref.size})`,
        };
      return { ok: true, result };
    },
    async probe(): Promise<void> {
      await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    },
    close: () => {
      gets.close();
      client.destroy();
    },
  };
}
