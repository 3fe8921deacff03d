/**
 * The dead-letter record of an event that failed: the original key, value and headers unchanged (so it can be
 * re-published as is once fixed), plus headers saying why, how many attempts, and where it came from.
 */
import type { EventMessage } from "./object-event.js";

export const DEAD_LETTER_HEADERS = {
  error: "exr_error",
  attempts: "exr_attempts",
  topic: "exr_source_topic",
  partition: "exr_source_partition",
  offset: "exr_source_offset",
  failedAt: "exr_failed_at",
} as const;

/** Error texts are cut so a dead letter stays within the broker's header and message limits. */
const MAX_ERROR_CHARS = 4096;

export interface FailedEvent {
  key: string;
  value: string;
  headers: Record<string, string>;
  topic: string;
  partition: number;
  offset: string;
  attempts: number;
  error: string;
}

export function deadLetter(failed: FailedEvent, now = new Date()): EventMessage {
  return {
    key: failed.key,
    value: failed.value,
    headers: {
      ...failed.headers,
      [DEAD_LETTER_HEADERS.error]: failed.error.slice(0, MAX_ERROR_CHARS),
      [DEAD_LETTER_HEADERS.attempts]: String(failed.attempts),
      [DEAD_LETTER_HEADERS.topic]: failed.topic,
      [DEAD_LETTER_HEADERS.partition]: String(failed.partition),
      [DEAD_LETTER_HEADERS.offset]: failed.offset,
      [DEAD_LETTER_HEADERS.failedAt]: now.toISOString(),
    },
  };
}
