/**
 * Buffers for the query-answer messages that arrive split over several socket pieces (and so must be copied into
 * one array), reused once the page they belong to has been read. A streamed scan whose reader is done with each
 * page before asking for the next (`transientPages`) then copies each such message into one of a few buffers
 * instead of a fresh one: about half of a `similar` scan's 300 MB of short-lived ArrayBuffers, whose churn is what
 * drives its peak memory (V8 frees them only at the next collection).
 */
export class MessagePool {
  readonly #free: Uint8Array[] = [];

  constructor(private readonly maxFree = 8) {}

  /** A buffer of at least `n` bytes: the smallest free one that fits, else a fresh one of exactly `n`. */
  acquire(n: number): Uint8Array {
    let best = -1;
    this.#free.forEach((b, i) => {
      if (b.byteLength >= n && (best < 0 || b.byteLength < this.#free[best]!.byteLength)) best = i;
    });
    return best >= 0 ? this.#free.splice(best, 1)[0]! : new Uint8Array(n);
  }

  /** Takes buffers back once nothing reads them any more (at most `maxFree` are kept). */
  release(buffers: readonly Uint8Array[]): void {
    for (const b of buffers) if (this.#free.length < this.maxFree) this.#free.push(b);
  }
}
