/**
 * Which object a CloudEvent names. Every form DataEngine and the seed use is accepted:
 * - VAST Element events (`vastdata.com:Element.*`, any subtype): the `elementpath` extension `bucket/key`;
 * - the AWS-style S3 record in the data (`Records[0].s3.bucket.name`, `.object.key`, `.size`, `.eTag`),
 *   also when the payload is nested under a `data` member (seen with CLI-generated events);
 * - data `bucket`/`key` or `s3_bucket`/`s3_key`;
 * - the seed's `data.path` (a local or NFS path) and `s3://bucket/key` URIs in `path`/`uri`.
 * Pure: no I/O.
 */

export type ObjectRef =
  | { kind: "local"; path: string }
  | {
      kind: "s3";
      bucket: string;
      key: string;
      /** From the S3 record, when the event carries it (saves a HEAD; detects a newer write). */
      size?: number;
      etag?: string;
      sequencer?: string;
    };

export type EventTarget =
  | { ok: true; ref: ObjectRef }
  | { ok: false; reason: "malformed" | "not-created"; message: string };

export interface EventLike {
  type: string;
  data?: unknown;
  [extension: string]: unknown;
}

const ELEMENT_KIND = /^vastdata\.com:Element\./i;
const REMOVAL = /(Removed|Deleted)/i;

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

function count(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** `bucket/key` (elementpath) → parts; a leading slash is tolerated. */
function splitElementPath(elementPath: string): { bucket: string; key: string } | null {
  const trimmed = elementPath.replace(/^\/+/, "");
  const slash = trimmed.indexOf("/");
  if (slash <= 0 || slash === trimmed.length - 1) return null;
  return { bucket: trimmed.slice(0, slash), key: trimmed.slice(slash + 1) };
}

/** `s3://bucket/key` → parts. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | null {
  const m = /^s3:\/\/([^/]+)\/(.+)$/i.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]! } : null;
}

/** AWS event records carry keys URL-encoded with `+` for spaces. */
function decodeRecordKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return key;
  }
}

interface S3Record {
  eventName: string | null;
  bucket: string | null;
  key: string | null;
  size?: number;
  etag?: string;
  sequencer?: string;
}

function s3Record(data: Record<string, unknown>): S3Record | null {
  const records = data.Records;
  if (!Array.isArray(records) || records.length === 0) return null;
  const first = record(records[0]);
  const s3 = record(first?.s3);
  if (!first || !s3) return null;
  const object = record(s3.object) ?? {};
  const key = text(object.key);
  const out: S3Record = {
    eventName: text(first.eventName),
    bucket: text(record(s3.bucket)?.name),
    key: key === null ? null : decodeRecordKey(key),
  };
  const size = count(object.size);
  if (size !== undefined) out.size = size;
  const etag = text(object.eTag) ?? text(object.etag);
  if (etag) out.etag = etag.replace(/^"|"$/g, "");
  const sequencer = text(object.sequencer);
  if (sequencer) out.sequencer = sequencer;
  return out;
}

function parseData(raw: unknown): Record<string, unknown> | null {
  if (typeof raw === "string") {
    try {
      return record(JSON.parse(raw));
    } catch {
      return null;
    }
  }
  if (raw instanceof Uint8Array) return parseData(Buffer.from(raw).toString("utf8"));
  return record(raw);
}

/** The object named by the event, or why there is none. */
export function eventTarget(event: EventLike): EventTarget {
  const outer = parseData(event.data);
  // Parse defensively: some producers hand the whole envelope as data, with the payload under `data`.
  const nested = outer ? parseData(outer.data) : null;
  const layers = [outer, nested].filter((d): d is Record<string, unknown> => d !== null);
  const s3 = layers.map(s3Record).find((r) => r !== null) ?? null;

  const isElement = ELEMENT_KIND.test(event.type);
  if ((isElement && REMOVAL.test(event.type)) || (s3?.eventName && REMOVAL.test(s3.eventName))) {
    return { ok: false, reason: "not-created", message: `not an object-created event (${event.type})` };
  }

  const fromRecord = (bucket: string, key: string): EventTarget => {
    const ref: ObjectRef = { kind: "s3", bucket, key };
    if (s3 && s3.bucket === bucket && s3.key === key) {
      if (s3.size !== undefined) ref.size = s3.size;
      if (s3.etag !== undefined) ref.etag = s3.etag;
      if (s3.sequencer !== undefined) ref.sequencer = s3.sequencer;
    }
    return { ok: true, ref };
  };

  // The elementpath extension carries the raw key (no URL encoding), so it is preferred.
  const elementPath = text(event.elementpath);
  if (elementPath) {
    const parts = splitElementPath(elementPath);
    if (!parts)
      return { ok: false, reason: "malformed", message: `elementpath "${elementPath}" is not bucket/key` };
    return fromRecord(parts.bucket, parts.key);
  }
  if (s3?.bucket && s3.key) return fromRecord(s3.bucket, s3.key);

  for (const data of layers) {
    const bucket = text(data.bucket) ?? text(data.s3_bucket);
    const key = text(data.key) ?? text(data.s3_key) ?? text(data.object_key);
    if (bucket && key) return fromRecord(bucket, key);
    const location = text(data.path) ?? text(data.uri);
    if (location) {
      if (/^s3:\/\//i.test(location)) {
        const parts = parseS3Uri(location);
        if (!parts)
          return { ok: false, reason: "malformed", message: `"${location}" is not s3://bucket/key` };
        return fromRecord(parts.bucket, parts.key);
      }
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
        return { ok: false, reason: "malformed", message: `unsupported location scheme in "${location}"` };
      }
      return { ok: true, ref: { kind: "local", path: location } };
    }
  }
  return {
    ok: false,
    reason: "malformed",
    message:
      "the event names no object (expected the elementpath extension, an S3 record, data bucket/key or data path)",
  };
}

/** The location as the catalog records it (`s3://bucket/key` or the local path). */
export function displayLocation(ref: ObjectRef): string {
  return ref.kind === "s3" ? `s3://${ref.bucket}/${ref.key}` : ref.path;
}
