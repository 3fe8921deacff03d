/**
 * The VAST Event Broker's Kafka subset (reference/dataengine.md): keys and values ≤ 126 KB each, messages ≤ 1 MB,
 * no compression on the wire, no transactions, no idempotent producer. Defaults follow it; a full Kafka may take
 * larger values (`--max-message-bytes`, `--max-value-bytes`).
 */
import type { EventMessage } from "./object-event.js";

export interface MessageLimits {
  maxKeyBytes: number;
  maxValueBytes: number;
  maxMessageBytes: number;
}

export const EVENT_BROKER_LIMITS: MessageLimits = {
  maxKeyBytes: 126 * 1024,
  maxValueBytes: 126 * 1024,
  maxMessageBytes: 1024 * 1024,
};

/** Bytes of a record on the wire, near enough to compare with the limits (record framing adds a few dozen). */
export function messageBytes(message: EventMessage): number {
  let n = Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers))
    n += Buffer.byteLength(name) + Buffer.byteLength(value);
  return n + 64;
}

/** Null when the message fits, else why not. */
export function limitViolation(message: EventMessage, limits: MessageLimits): string | null {
  const key = Buffer.byteLength(message.key);
  if (key > limits.maxKeyBytes) return `key of ${key} bytes exceeds ${limits.maxKeyBytes}`;
  const value = Buffer.byteLength(message.value);
  if (value > limits.maxValueBytes) return `value of ${value} bytes exceeds ${limits.maxValueBytes}`;
  const total = messageBytes(message);
  if (total > limits.maxMessageBytes) return `message of ${total} bytes exceeds ${limits.maxMessageBytes}`;
  return null;
}
