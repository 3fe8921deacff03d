/**
 * Group commit: items submitted close together are handed to `run` as one batch — when `maxItems` are waiting,
 * or `maxWaitMs` after the first of them arrived, or as soon as nothing else is on its way (`upcoming` says 0:
 * waiting would only delay), or as soon as a running batch finishes if items piled up meanwhile. When at least
 * `ADAPTIVE_WAIT_MIN_ITEMS` wait and more are on their way, the wait after the first is stretched to twice as long
 * as the last batch took to write (at most `MAX_ADAPTIVE_WAIT_MS`): under load, when writes are slow, a batch then takes in the items being prepared
 * instead of leaving them to a batch of their own (each batch has a fixed cost); an item waits at most two writes. At most
 * `maxConcurrent` batches run at once; a batch stops counting when `run` calls its `release` (its writing is
 * done, only a check the outcomes wait for is left) or when it finishes. Each submitter's promise settles with its
 * own item's outcome when its batch finishes (a batch that throws rejects every item in it).
 */
export interface BatcherOptions {
  maxItems: number;
  maxWaitMs: number;
  maxConcurrent: number;
  /** Items being prepared that will be submitted soon (e.g. events being inspected); default: not known. */
  upcoming?: () => number;
}

/** The longest a batch waits for items on their way, however slowly the last one was written. */
export const MAX_ADAPTIVE_WAIT_MS = 500;
/** How many times the last batch's write a batch may wait for items on their way. */
export const ADAPTIVE_WAIT_FACTOR = 2;
/**
 * Items waiting before the wait is stretched: with few senders the batches in flight already hold every event, and
 * a longer wait only adds latency (bench:serve, 8 senders: p50 +15 ms, no CPU saved).
 */
export const ADAPTIVE_WAIT_MIN_ITEMS = 16;

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

export class MicroBatcher<I, O> {
  readonly #run: (items: I[], release: () => void) => Promise<O[]>;
  readonly #options: Required<Omit<BatcherOptions, "upcoming">>;
  readonly #upcoming: (() => number) | undefined;
  #pending: Waiting<I, O>[] = [];
  #firstPendingAt = 0;
  #timer: NodeJS.Timeout | null = null;
  /** Batches counted against `maxConcurrent`. */
  #running = 0;
  /** Batches whose outcomes are not settled yet (released ones included). */
  #unsettled = 0;
  #idle: (() => void)[] = [];
  /** How long the last batch took until it released (or finished). */
  #lastWriteMs = 0;

  constructor(run: (items: I[], release: () => void) => Promise<O[]>, options: BatcherOptions) {
    this.#run = run;
    this.#options = {
      maxItems: Math.max(1, Math.floor(options.maxItems)),
      maxWaitMs: Math.max(0, options.maxWaitMs),
      maxConcurrent: Math.max(1, Math.floor(options.maxConcurrent)),
    };
    this.#upcoming = options.upcoming;
  }

  /** Re-checks whether to write now: call when an upcoming item will not come after all. */
  nudge(): void {
    this.#schedule();
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.#pending.length === 0) this.#firstPendingAt = performance.now();
      this.#pending.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Items submitted and not yet answered. */
  get backlog(): number {
    return this.#pending.length;
  }

  /** Resolves once nothing is waiting or running (flushes what waits without further delay). */
  drain(): Promise<void> {
    if (this.#pending.length === 0 && this.#unsettled === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idle.push(resolve);
      this.#flushNow();
    });
  }

  #schedule(): void {
    if (this.#pending.length === 0) return;
    const waited = performance.now() - this.#firstPendingAt;
    const maxWait =
      this.#pending.length >= ADAPTIVE_WAIT_MIN_ITEMS
        ? Math.max(
            this.#options.maxWaitMs,
            Math.min(ADAPTIVE_WAIT_FACTOR * this.#lastWriteMs, MAX_ADAPTIVE_WAIT_MS),
          )
        : this.#options.maxWaitMs;
    if (
      this.#pending.length >= this.#options.maxItems ||
      waited >= maxWait ||
      this.#upcoming?.() === 0 ||
      this.#idle.length > 0
    ) {
      this.#flushNow();
      return;
    }
    // (Checked again when it fires: the wait may have been stretched since.)
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.#schedule();
    }, maxWait - waited);
  }

  #flushNow(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    while (this.#pending.length > 0 && this.#running < this.#options.maxConcurrent) {
      const batch = this.#pending.splice(0, this.#options.maxItems);
      this.#running++;
      void this.#execute(batch);
    }
  }

  async #execute(batch: Waiting<I, O>[]): Promise<void> {
    this.#unsettled++;
    let released = false;
    const started = performance.now();
    const release = () => {
      if (released) return;
      released = true;
      this.#lastWriteMs = performance.now() - started;
      this.#running--;
      this.#schedule();
    };
    try {
      const outcomes = await this.#run(
        batch.map((w) => w.item),
        release,
      );
      if (outcomes.length !== batch.length)
        throw new Error(`batch of ${batch.length} answered ${outcomes.length}`);
      batch.forEach((w, i) => {
        w.resolve(outcomes[i]!);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.#unsettled--;
      release();
      if (this.#pending.length === 0 && this.#unsettled === 0)
        for (const done of this.#idle.splice(0)) done();
    }
  }
}
