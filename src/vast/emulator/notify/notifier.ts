/**
 * Object-created notifications with at-least-once delivery: each matching object event is sent to the sink
 * and retried with capped exponential backoff (jittered) until the sink takes it, however long the target is
 * down or failing — only `close()` gives up on what is still pending. Fault options make delivery as a broker's
 * can be: some events sent twice, some late (held back a random time, so they overtake each other).
 */
import { type ObjectCreated, objectCreatedEvent } from "./object-event.js";
import type { EventSink } from "./sink.js";

export interface NotifyOptions {
  sink: EventSink;
  /** Only keys ending with this (e.g. `.exr`), as a trigger's suffix filter. */
  suffix?: string;
  /** Only keys starting with this. */
  prefix?: string;
  /** Fraction of events delivered a second time (default 0). */
  duplicate?: number;
  /** Fraction of events held back before their first attempt (default 0). */
  late?: number;
  /** Longest hold of a late event or a duplicate, in ms (default 1000). */
  delayMs?: number;
  /** Sends in flight at once (default 16). */
  concurrency?: number;
  /** First retry delay in ms, doubled per failure up to `maxBackoffMs` (defaults 100 and 5000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  region?: string;
  random?: () => number;
  log?: (line: string) => void;
}

export interface NotifyStats {
  target: string;
  /** Objects that matched the filters (replays included). */
  published: number;
  /** Extra copies scheduled by `duplicate`. */
  duplicated: number;
  /** Events held back by `late`. */
  delayed: number;
  /** Sends the sink took. */
  delivered: number;
  /** Sends the target refused for good (HTTP 4xx). */
  rejected: number;
  /** Failed attempts that were retried. */
  retries: number;
  /** Copies not yet taken or rejected. */
  pending: number;
}

export class Notifier {
  readonly stats: NotifyStats;
  private readonly o: Required<Omit<NotifyOptions, "suffix" | "prefix" | "log">> &
    Pick<NotifyOptions, "suffix" | "prefix" | "log">;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idle: Array<() => void> = [];
  private closed = false;

  constructor(options: NotifyOptions) {
    this.o = {
      duplicate: 0,
      late: 0,
      delayMs: 1000,
      concurrency: 16,
      backoffMs: 100,
      maxBackoffMs: 5000,
      region: "us-east-1",
      random: Math.random,
      ...options,
    };
    this.stats = {
      target: options.sink.target,
      published: 0,
      duplicated: 0,
      delayed: 0,
      delivered: 0,
      rejected: 0,
      retries: 0,
      pending: 0,
    };
  }

  matches(key: string): boolean {
    return (
      (!this.o.prefix || key.startsWith(this.o.prefix)) && (!this.o.suffix || key.endsWith(this.o.suffix))
    );
  }

  /** Called after an object write completed; returns at once (delivery runs in the background). */
  objectCreated(o: ObjectCreated): void {
    if (this.closed || !this.matches(o.key)) return;
    this.stats.published++;
    const event = objectCreatedEvent(o, this.o.region);
    const late = this.o.random() < this.o.late;
    if (late) this.stats.delayed++;
    this.schedule(() => this.deliver(event), late ? this.holdMs() : 0);
    if (this.o.random() < this.o.duplicate) {
      this.stats.duplicated++;
      this.schedule(() => this.deliver(event), this.holdMs());
    }
  }

  /** Resolves when nothing is pending, or false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.stats.pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Stops: nothing more is sent; copies still pending are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const wake of this.waiting.splice(0)) wake();
    await this.o.sink.close();
  }

  private holdMs(): number {
    return Math.round(this.o.random() * this.o.delayMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private schedule(send: () => Promise<void>, afterMs: number): void {
    this.stats.pending++;
    void (async () => {
      try {
        if (afterMs > 0) await this.sleep(afterMs);
        if (!this.closed) await send();
      } finally {
        this.stats.pending--;
        if (this.stats.pending === 0) for (const wake of this.idle.splice(0)) wake();
      }
    })();
  }

  /** One copy, retried until taken or refused for good (or the notifier closes). */
  private async deliver(event: ReturnType<typeof objectCreatedEvent>): Promise<void> {
    let backoff = this.o.backoffMs;
    while (!this.closed) {
      while (this.running >= this.o.concurrency && !this.closed)
        await new Promise<void>((r) => this.waiting.push(r));
      if (this.closed) return;
      this.running++;
      let failure: string | null = null;
      try {
        const outcome = await this.o.sink.send(event);
        if (outcome.delivered) this.stats.delivered++;
        else {
          this.stats.rejected++;
          this.o.log?.(`notify: ${event.elementpath} refused by ${this.stats.target}: ${outcome.reason}`);
        }
      } catch (err) {
        failure = (err as Error).message;
      } finally {
        this.running--;
        this.waiting.shift()?.();
      }
      if (failure === null) return;
      this.stats.retries++;
      this.o.log?.(`notify: ${event.elementpath} to ${this.stats.target} failed (${failure}); retrying`);
      await this.sleep(Math.round(backoff * (0.5 + this.o.random() / 2)));
      backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
    }
  }
}
