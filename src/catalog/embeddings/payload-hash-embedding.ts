import { createHash } from "node:crypto";
import { l2Normalize } from "./feature-hashing.js";

/**
 * The seed's scheme, kept ONLY as the baseline of bench/embedding-quality.ts: a SHA-256 of the whole JSON
 * payload expanded into `dimensions` pseudo-random values in [-1, 1] and L2-normalized. Any change to the payload
 * gives an unrelated vector, so its nearest neighbours are random — which the benchmark demonstrates.
 */
export function payloadHashEmbedding(payload: unknown, dimensions: number): Float32Array {
  const seed = createHash("sha256").update(JSON.stringify(payload)).digest();
  const values = new Float64Array(dimensions);
  let block = Buffer.alloc(0);
  // Stryker disable next-line EqualityOperator: one more turn (i <= dimensions) writes past the end of the Float64Array, which JS ignores
  for (let i = 0, counter = 0; i < dimensions; i++) {
    const at = (i * 2) % 32;
    if (at === 0) {
      block = createHash("sha256").update(seed).update(String(counter++)).digest();
    }
    values[i] = block.readUInt16BE(at) / 32767.5 - 1;
  }
  return l2Normalize(values);
}
