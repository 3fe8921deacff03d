/**
 * A consumed Kafka record → the CloudEvent it carries (binary content mode with `ce_*` headers, or structured
 * mode with `content-type: application/cloudevents+json`), parsed by the cloudevents SDK.
 */
import { type CloudEvent, Kafka } from "cloudevents";
import type { EventLike } from "../serve/event-target.js";

export interface ConsumedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export type DecodedEvent = { ok: true; event: EventLike & { id: string } } | { ok: false; message: string };

export function headerText(headers: ConsumedRecord["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name.toLowerCase()] = first.toString();
  }
  return out;
}

export function decodeEvent(record: ConsumedRecord): DecodedEvent {
  const headers = headerText(record.headers);
  const message = {
    key: record.key?.toString() ?? "",
    value: record.value?.toString() ?? "",
    headers,
    body: record.value?.toString() ?? "",
  };
  if (!Kafka.isEvent(message))
    return { ok: false, message: "not a CloudEvent (no ce_id header, no CloudEvents content type)" };
  try {
    const parsed = Kafka.toEvent(message);
    const event = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!event) return { ok: false, message: "an empty CloudEvents batch" };
    (event as CloudEvent<unknown>).validate();
    return { ok: true, event: event as unknown as EventLike & { id: string } };
  } catch (err) {
    return {
      ok: false,
      message: `not a valid CloudEvent: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
