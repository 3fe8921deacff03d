/**
 * Backfill: an object-created event for every existing object (of one bucket and/or under a prefix), as if
 * each had just been written — for objects written before a trigger existed or while events were lost.
 */
import type { ObjectStore } from "../s3/object-store.js";
import type { Notifier } from "./notifier.js";

export interface ReplayRequest {
  bucket?: string;
  prefix?: string;
}

/** Returns how many objects were published (the notifier's own filters still apply). */
export function replayObjects(store: ObjectStore, notifier: Notifier, request: ReplayRequest): number {
  const buckets = request.bucket ? [request.bucket] : store.listBuckets().map((b) => b.name);
  const before = notifier.stats.published;
  for (const bucket of buckets) {
    let after = "";
    for (;;) {
      const page = store.list(bucket, { prefix: request.prefix ?? "", delimiter: "", after, maxKeys: 1000 });
      for (const o of page.contents)
        notifier.objectCreated({
          bucket,
          key: o.key,
          size: o.size,
          etag: o.etag,
          eventName: "ObjectCreated:Put",
          time: new Date(),
        });
      if (!page.truncated || page.last === null) break;
      after = page.last;
    }
  }
  return notifier.stats.published - before;
}
