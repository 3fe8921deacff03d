/**
 * The CloudEvent VAST sends for an object written through S3 (docs: "S3 event record format", "Event
 * Handling"): type `vastdata.com:Element.ElementCreated`, `source` the trigger, `subject` `<broker>.<topic>`,
 * the `elementpath` extension `bucket/key`, and the AWS-style S3 record as JSON data.
 */
import { randomUUID } from "node:crypto";
import { CloudEvent } from "cloudevents";

export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
  /** Quoted or bare; sent bare as AWS records carry it. */
  etag: string;
  /** `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`, `ObjectCreated:Copy`. */
  eventName: string;
  time: Date;
}

export const ELEMENT_CREATED = "vastdata.com:Element.ElementCreated";
export const TRIGGER_SOURCE = "vastdata.com:vast-emulator.object-trigger";
export const TRIGGER_SUBJECT = "vast-emulator.object-events";

/** AWS URL-encodes keys in records (`+` for spaces, `/` kept). */
export function recordKey(key: string): string {
  return key
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, "+"))
    .join("/");
}

/** Increases with every event of this process and across restarts (S3 orders events of a key by it). */
let lastSequence = BigInt(Date.now()) * 1000n;
function nextSequencer(): string {
  lastSequence += 1n;
  return lastSequence.toString(16).toUpperCase().padStart(16, "0");
}

export function objectCreatedEvent(o: ObjectCreated, region = "us-east-1"): CloudEvent<unknown> {
  const time = o.time.toISOString();
  return new CloudEvent({
    specversion: "1.0",
    type: ELEMENT_CREATED,
    source: TRIGGER_SOURCE,
    subject: TRIGGER_SUBJECT,
    id: randomUUID(),
    time,
    datacontenttype: "application/json",
    elementpath: `${o.bucket}/${o.key}`,
    data: {
      Records: [
        {
          eventVersion: "2.1",
          eventSource: "vast:s3",
          awsRegion: region,
          eventTime: time,
          eventName: o.eventName,
          s3: {
            s3SchemaVersion: "1.0",
            configurationId: "vast-emulator",
            bucket: { name: o.bucket, arn: `arn:aws:s3:::${o.bucket}` },
            object: {
              key: recordKey(o.key),
              size: o.size,
              eTag: o.etag.replace(/^"|"$/g, ""),
              sequencer: nextSequencer(),
            },
          },
        },
      ],
    },
  });
}
