/**
 * Bytes received in pieces (socket chunks), read from the front: a read that lies inside one piece is a view of
 * it, one that spans pieces is copied into a fresh array of exactly its length. Nothing else is copied.
 */
export class ByteQueue {
  readonly #pieces: Uint8Array[] = [];
  /** Bytes of `#pieces[0]` already read. */
  #offset = 0;
  #length = 0;

  /** Bytes not read yet. */
  get length(): number {
    return this.#length;
  }

  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.#pieces.push(piece);
    this.#length += piece.length;
  }

  /**
   * The first `n` bytes (`n` ≤ `length`), left in the queue; bytes that span pieces are copied into
   * `alloc(n)` (default: a fresh array).
   */
  peek(n: number, alloc?: (n: number) => Uint8Array): Uint8Array {
    if (n > this.#length) throw new RangeError(`peek of ${n} bytes with ${this.#length} queued`);
    const first = this.#pieces[0];
    if (first === undefined) return new Uint8Array(0);
    if (this.#offset + n <= first.length) return first.subarray(this.#offset, this.#offset + n);
    const out = alloc ? alloc(n) : new Uint8Array(n);
    let filled = 0;
    let offset = this.#offset;
    for (const piece of this.#pieces) {
      const part = piece.subarray(offset, offset + (n - filled));
      out.set(part, filled);
      filled += part.length;
      offset = 0;
      if (filled === n) break;
    }
    return out;
  }

  /** Drops the first `n` bytes (`n` ≤ `length`). */
  skip(n: number): void {
    if (n > this.#length) throw new RangeError(`skip of ${n} bytes with ${this.#length} queued`);
    this.#length -= n;
    let left = n;
    while (left > 0) {
      const first = this.#pieces[0]!;
      const rest = first.length - this.#offset;
      if (left < rest) {
        this.#offset += left;
        return;
      }
      left -= rest;
      this.#pieces.shift();
      this.#offset = 0;
    }
  }

  /** The first `n` bytes (`n` ≤ `length`), removed from the queue (copied as `peek` says). */
  take(n: number, alloc?: (n: number) => Uint8Array): Uint8Array {
    const out = this.peek(n, alloc);
    this.skip(n);
    return out;
  }
}
