/** A weighted token of the feature-hashing embeddings. */
export interface WeightedToken {
  token: string;
  weight: number;
}

/** 32-bit FNV-1a over UTF-16 code units, finished with the murmur3 avalanche so low bits are well mixed. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Signed feature hashing (the "hashing trick"): each token adds ±weight to one bucket, so vectors that share
 * tokens have a high cosine similarity and unrelated ones are near-orthogonal. L2-normalized; all-zero input
 * yields the zero vector.
 */
export function featureHash(tokens: readonly WeightedToken[], dimensions: number): Float32Array {
  const acc = new Float64Array(dimensions);
  for (const { token, weight } of tokens) {
    const hs = tokenHashes(token);
    const h = Math.floor(hs / 2);
    const sign = hs % 2 === 1 ? 1 : -1;
    acc[h % dimensions] = (acc[h % dimensions] ?? 0) + sign * weight;
  }
  return l2Normalize(acc);
}

const MEMO_LIMIT = 50_000;
const tokenHashMemo = new Map<string, number>();

/**
 * `hash32(token) * 2 + (hash32(token, 0x9e3779b9) & 1)`: the bucket hash and the sign bit of a token, memoized
 * (tokens repeat across the files of a scan; the memo is bounded).
 */
function tokenHashes(token: string): number {
  let hs = tokenHashMemo.get(token);
  if (hs === undefined) {
    hs = hash32(token) * 2 + (hash32(token, 0x9e3779b9) & 1);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the memo's bound; clearing it sooner, later or never gives the same answers
    if (tokenHashMemo.size >= MEMO_LIMIT) tokenHashMemo.clear();
    tokenHashMemo.set(token, hs);
  }
  return hs;
}

export function l2Normalize(values: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] ?? 0) ** 2;
  const out = new Float32Array(values.length);
  if (sum === 0) return out;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] ?? 0) * inv;
  return out;
}

/** Adds a group of tokens whose total weight is `groupWeight` however many there are (weight / sqrt(n) each). */
export function addGroup(out: WeightedToken[], tokens: Iterable<string>, groupWeight: number): void {
  const unique = [...new Set(tokens)];
  if (unique.length === 0) return;
  const w = groupWeight / Math.sqrt(unique.length);
  for (const token of unique) out.push({ token, weight: w });
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
