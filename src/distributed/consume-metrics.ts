/**
 * `consume`'s Prometheus metrics (`GET /metrics`, as `serve` exposes its own): events by outcome, the consumer
 * lag per partition, events per second over the last 10 s, catalog batch sizes, commits and dead letters.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

const RATE_WINDOW_S = 10;

export class ConsumeMetrics {
  readonly registry = new Registry();
  /** inserted, reinspected, skipped, dead_lettered. */
  readonly events = new Counter({
    name: "exr_consume_events_total",
    help: "Events consumed, by outcome (inserted, reinspected, skipped, dead_lettered)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: "exr_consume_retries_total",
    help: "Attempts repeated after a retryable failure (object store unavailable, a read failing midway)",
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: "exr_consume_lag",
    help: "Records after the last committed offset, per assigned partition (high watermark - committed)",
    labelNames: ["topic", "partition"] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: "exr_consume_batch_size",
    help: "Files written per catalog transaction batch",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly commits = new Counter({
    name: "exr_consume_offset_commits_total",
    help: "Offset commits (each after its catalog commit)",
    registers: [this.registry],
  });
  readonly rejoins = new Counter({
    name: "exr_consume_rejoins_total",
    help: "Times this member lost its group membership (e.g. silent past the session timeout) and rejoined",
    registers: [this.registry],
  });
  readonly bytesRead = new Counter({
    name: "exr_consume_bytes_read_total",
    help: "Bytes read from objects and files while inspecting",
    registers: [this.registry],
  });
  readonly #done: number[] = [];
  readonly eventsPerSecond: Gauge;

  constructor() {
    const done = this.#done;
    this.eventsPerSecond = new Gauge({
      name: "exr_consume_events_per_second",
      help: `Events committed per second over the last ${RATE_WINDOW_S} s`,
      registers: [this.registry],
      collect() {
        this.set(recentRate(done));
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Records `n` events finished now (for the events-per-second gauge). */
  finished(n: number): void {
    const now = Date.now();
    for (let i = 0; i < n; i++) this.#done.push(now);
    prune(this.#done, now);
  }

  /** Events per second over the last 10 s. */
  rate(): number {
    return recentRate(this.#done);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function prune(times: number[], now: number): void {
  const cutoff = now - RATE_WINDOW_S * 1000;
  let drop = 0;
  while (drop < times.length && times[drop]! < cutoff) drop++;
  if (drop > 0) times.splice(0, drop);
}

function recentRate(times: number[]): number {
  prune(times, Date.now());
  return times.length / RATE_WINDOW_S;
}
