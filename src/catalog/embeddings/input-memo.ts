/**
 * A bounded memo of embeddings by the inputs they are computed from. The frames of a sequence share their channel
 * list, parts and attribute names, so a scan computes the same embedding again and again: building the tokens
 * costs ≈ 25 µs per file and the feature hash ≈ 6 (metadata), the channel fingerprint ≈ 15; a key of the inputs
 * a few µs. Keys are exact (every input the tokens read, strings length-prefixed), so a hit is the embedding the
 * computation would give; callers get a copy.
 */
const MEMO_LIMIT = 1_000;

export class EmbeddingMemo {
  private readonly entries = new Map<string, Float32Array>();

  get(key: string, compute: () => Float32Array): Float32Array {
    let embedding = this.entries.get(key);
    if (embedding === undefined) {
      embedding = compute();
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the memo's bound; clearing it sooner, later or never gives the same answers
      if (this.entries.size >= MEMO_LIMIT) this.entries.clear();
      this.entries.set(key, embedding);
    }
    return embedding.slice();
  }
}

/** One input of a key: strings length-prefixed (so no text can pass for another), anything else between tildes. */
export function keyPart(value: unknown): string {
  return typeof value === "string" ? `${value.length}:${value}` : `~${value}~`;
}
