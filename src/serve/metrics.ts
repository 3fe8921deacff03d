/** The service's Prometheus metrics (`GET /metrics`, text exposition format), on a registry of its own. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export class ServeMetrics {
  readonly registry = new Registry();
  /** Events by outcome: inserted, reinspected, skipped, error, rejected (back-pressure). */
  readonly events = new Counter({
    name: "exr_serve_events_total",
    help: "CloudEvents handled, by outcome",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "exr_serve_event_duration_seconds",
    help: "Time from receiving an event to answering it",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly bytesRead = new Counter({
    name: "exr_serve_bytes_read_total",
    help: "Bytes read from objects and files while inspecting",
    registers: [this.registry],
  });
  readonly persistence = new Counter({
    name: "exr_serve_persistence_total",
    help: "Persistence outcomes (status success|error|skipped, inserted true|false)",
    labelNames: ["status", "inserted"] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: "exr_serve_batch_size",
    help: "Files written per catalog transaction batch",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: "exr_serve_in_flight",
    help: "Events being handled",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
