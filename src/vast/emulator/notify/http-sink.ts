/**
 * POSTs each event in CloudEvents binary content mode (`ce-*` headers, the S3 record as a JSON body), as a
 * Knative/DataEngine trigger delivers to a function. 2xx: delivered. 408, 429 and 5xx, timeouts and refused
 * connections: thrown, so the notifier retries. Any other 4xx: rejected (the receiver says redelivery is futile).
 */
import { type CloudEvent, HTTP } from "cloudevents";
import type { EventSink, SendOutcome } from "./sink.js";

const RETRYABLE_4XX = new Set([408, 429]);

export class HttpSink implements EventSink {
  constructor(
    readonly target: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(event: CloudEvent<unknown>): Promise<SendOutcome> {
    const message = HTTP.binary(event);
    const response = await fetch(this.target, {
      method: "POST",
      headers: message.headers as Record<string, string>,
      body: message.body as string,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text().catch(() => "");
    if (response.ok) return { delivered: true };
    if (response.status >= 500 || RETRYABLE_4XX.has(response.status))
      throw new Error(`${this.target} answered ${response.status}`);
    return { delivered: false, reason: `${response.status} ${text.slice(0, 200)}` };
  }

  async close(): Promise<void> {}
}
