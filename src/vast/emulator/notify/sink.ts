/**
 * Where the emulator's object notifications go. A sink sends one CloudEvent and says whether the target took
 * it; the notifier (notifier.ts) owns filtering, retries with backoff (at-least-once), duplicates and delays,
 * so a sink stays a thin transport. One file per sink; `openSink` picks one by the URL's scheme.
 */
import type { CloudEvent } from "cloudevents";

export type SendOutcome =
  /** The target took the event (HTTP 2xx, a produce acknowledged). */
  | { delivered: true }
  /** The target answered that this event can never succeed (HTTP 4xx other than 408/429): not retried. */
  | { delivered: false; reason: string };

export interface EventSink {
  /** The target as given (for logs and the stats endpoint; never carries credentials). */
  readonly target: string;
  /** Sends once. Throws when the target is down or failed (timeout, refused, 5xx): the notifier retries. */
  send(event: CloudEvent<unknown>): Promise<SendOutcome>;
  close(): Promise<void>;
}
