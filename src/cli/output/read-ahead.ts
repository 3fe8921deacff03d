/**
 * Batches of a walk, pulled ahead of their consumer: the walk runs on as soon as it is started, up to `aheadBatches`
 * batches beyond the one being consumed, and `onPulled` hears how many items it has yielded so far. The worker pool
 * sizes itself from that count (workersFor), so a long piped list (`-`) starts its second worker once the list is
 * known to be long, not once the first worker has inspected that many files.
 */
export class ReadAhead<T> {
  private readonly ready: T[][] = [];
  private pulled = 0;
  private done = false;
  private failure: { error: unknown } | null = null;
  /** Resolves the consumer waiting for a batch. */
  private wakeConsumer: (() => void) | null = null;
  /** Resolves the walk waiting for room. */
  private wakeWalk: (() => void) | null = null;
  private listener: ((pulled: number) => void) | null = null;

  constructor(
    source: AsyncIterator<T>,
    private readonly batchSize: number,
    private readonly aheadBatches: number,
  ) {
    void this.pull(source);
  }

  /** Calls `listener` with the count now and after every batch the walk completes. */
  onPulled(listener: (pulled: number) => void): void {
    this.listener = listener;
    listener(this.pulled);
  }

  async *batches(): AsyncGenerator<T[]> {
    for (;;) {
      const batch = this.ready.shift();
      if (batch) {
        const wakeWalk = this.wakeWalk;
        this.wakeWalk = null;
        wakeWalk?.();
        yield batch;
        continue;
      }
      if (this.failure) throw this.failure.error;
      if (this.done) return;
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
    }
  }

  private async pull(source: AsyncIterator<T>): Promise<void> {
    let batch: T[] = [];
    try {
      for (let next = await source.next(); !next.done; next = await source.next()) {
        batch.push(next.value);
        this.pulled += 1;
        if (batch.length < this.batchSize) continue;
        this.deliver(batch);
        batch = [];
        while (this.ready.length > this.aheadBatches)
          await new Promise<void>((resolve) => {
            this.wakeWalk = resolve;
          });
      }
      if (batch.length) this.deliver(batch);
    } catch (error) {
      this.failure = { error };
    }
    this.done = true;
    this.wake();
  }

  private deliver(batch: T[]): void {
    this.ready.push(batch);
    this.listener?.(this.pulled);
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = null;
    wake?.();
  }
}
