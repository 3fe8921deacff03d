/** `similar`'s rule for backends that rank in memory: current versions only, cosine distance, the query file excluded. */
import { currentFirst } from "./current-version.js";
import type { SimilarHit } from "./port.js";
import type { FileRow } from "./rows.js";

type Candidate = Pick<
  FileRow,
  | "file_id"
  | "file_path"
  | "file_path_normalized"
  | "last_inspected"
  | "inspection_timestamp"
  | "metadata_embedding"
>;

/** The `k` nearest current versions to `query` (a stored file's id, or an embedding), nearest first, ties by id. */
export function nearestFiles(
  candidates: readonly Candidate[],
  query: { file_id: string } | { embedding: Float32Array | number[] },
  k: number,
): SimilarHit[] {
  const limit = Math.max(0, Math.floor(k));
  let target: Float32Array | null;
  let exclude: string | null = null;
  if ("file_id" in query) {
    target = candidates.find((r) => r.file_id === query.file_id)?.metadata_embedding ?? null;
    exclude = query.file_id;
  } else {
    target = Float32Array.from(query.embedding);
  }
  if (!target) return [];
  const rows = [...candidates].sort(currentFirst);
  const seenPaths = new Set<string>();
  const hits: SimilarHit[] = [];
  for (const r of rows) {
    if (seenPaths.has(r.file_path_normalized)) continue;
    seenPaths.add(r.file_path_normalized);
    if (r.file_id === exclude || !r.metadata_embedding) continue;
    const d = cosineDistance(target, r.metadata_embedding);
    if (d !== null) hits.push({ file_id: r.file_id, file_path: r.file_path, distance: d });
  }
  hits.sort((a, b) => a.distance - b.distance || (a.file_id < b.file_id ? -1 : 1));
  return hits.slice(0, limit);
}

export function cosineDistance(a: Float32Array, b: Float32Array): number | null {
  if (a.length !== b.length) return null;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return null;
  return 1 - dot / Math.sqrt(na * nb);
}
