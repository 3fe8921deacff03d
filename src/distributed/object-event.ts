/**
 * The CloudEvent `publish` sends for one object: the shape of a VAST DataEngine Element trigger's event
 * (`vastdata.com:Element.ElementCreated`, the `elementpath` extension `bucket/key`, an AWS-style S3 record as data),
 * so `consume`, `serve` and a DataEngine function read it alike (serve/event-target.ts). Local and NFS files
 * carry `data.path` instead (the seed's form). Encoded in Kafka binary content mode by the cloudevents SDK:
 * `ce_*` headers, the JSON data as the value. The key is the object's path as the Event Broker keys Element events
 * (the elementpath `bucket/key`; a local file's path), so one object's events, from `publish` or from a trigger,
 * land in one partition and stay ordered.
 */
import { randomUUID } from "node:crypto";
import { CloudEvent, Kafka } from "cloudevents";
import { parseS3Uri } from "../io/s3-uri.js";

/** As VAST's Element triggers (and `vast-emulator --notify`) send it. */
export const OBJECT_CREATED_TYPE = "vastdata.com:Element.ElementCreated";
export const PUBLISH_SOURCE = "exr-inspector:publish";

export interface PublishedObject {
  /** `s3://bucket/key` or a local path. */
  path: string;
  size?: number;
  etag?: string | null;
}

/** What the Kafka client sends: header values are strings (the `ce_*` attributes and content type). */
export interface EventMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

function s3Data(bucket: string, key: string, object: PublishedObject): Record<string, unknown> {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "exr-inspector:publish",
        eventName: "ObjectCreated:Put",
        s3: {
          bucket: { name: bucket },
          // AWS encodes keys in event records (spaces as `+`); serve/event-target.ts decodes them back.
          object: {
            key: key
              .split("/")
              .map((segment) => encodeURIComponent(segment).replace(/%20/g, "+"))
              .join("/"),
            ...(object.size !== undefined ? { size: object.size } : {}),
            ...(object.etag ? { eTag: object.etag.replace(/"/g, "") } : {}),
          },
        },
      },
    ],
  };
}

export function objectEvent(object: PublishedObject, source = PUBLISH_SOURCE): CloudEvent<unknown> {
  const s3 = parseS3Uri(object.path);
  const common = {
    id: randomUUID(),
    source,
    type: OBJECT_CREATED_TYPE,
    datacontenttype: "application/json",
  };
  if (s3 && s3.key !== "") {
    return new CloudEvent({
      ...common,
      partitionkey: `${s3.bucket}/${s3.key}`,
      subject: s3.key,
      elementpath: `${s3.bucket}/${s3.key}`,
      data: s3Data(s3.bucket, s3.key, object),
    });
  }
  return new CloudEvent({
    ...common,
    subject: object.path,
    partitionkey: object.path,
    data: { path: object.path, ...(object.size !== undefined ? { size: object.size } : {}) },
  });
}

/** Kafka binary content mode (ce_* headers); the key is the event's partition key. */
export function eventMessage(event: CloudEvent<unknown>): EventMessage {
  const message = Kafka.binary(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  const value = typeof message.value === "string" ? message.value : JSON.stringify(message.value);
  return { key: String(message.key ?? ""), value, headers };
}
