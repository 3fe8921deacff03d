import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { normalizePath } from "../../catalog/normalize-path.js";
import type { CatalogStore } from "../../catalog/port.js";
import { FILE_READ_TIMEOUT_MS, withTimeout } from "../../io/file-source.js";
import type { InputEntry } from "../../io/remote-inputs.js";
import { isRemote } from "../../io/s3-uri.js";

interface Candidate {
  path: string;
  normalized: string;
  size: number | null;
  mtime: string | null;
  /** Objects: the ETag from the listing (objects are compared by ETag + size, never by mtime). */
  etag: string | null;
}

export interface ChangedEntries {
  /** Paths to inspect (local ones absolute, objects as their URI), in input order. */
  todo: string[];
  skipped: number;
}

/** Local paths resolved against `cwd`; URIs (`s3://…`) as given. */
function absoluteLocal(location: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !/^[a-z]:[\\/]/i.test(location)) return location;
  return resolve(cwd, location);
}

function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  return Math.abs(Date.parse(a) - Date.parse(b)) < 1;
}

async function candidateOf(
  { path: given, listed }: InputEntry,
  cwd: string,
  timeoutMs: number,
): Promise<Candidate> {
  // Stored absolute, so the catalog does not depend on where the scan ran (objects keep their URI).
  const path = isRemote(given) ? given : absoluteLocal(given, cwd);
  const normalized = normalizePath(path, cwd);
  if (isRemote(path))
    return { path, normalized, size: listed?.size ?? null, mtime: null, etag: listed?.etag ?? null };
  try {
    // Timed: a stat of a hung mount never ends (the file is then inspected, and its read times out too).
    const s = await withTimeout(stat(path), timeoutMs, `stat of ${path}`);
    // stat's Date, like the inspector's file source, so the catalogued mtime compares equal.
    return { path, normalized, size: s.size, mtime: s.mtime.toISOString(), etag: null };
  } catch {
    return { path, normalized, size: null, mtime: null, etag: null };
  }
}

/**
 * Stage 2 of a scan: drops the entries whose catalogued current version has the same size and mtime (objects: the
 * same size and ETag), unless `force` (or, with `stats`, unless that version has no pixel statistics yet). A path that cannot be stat'ed is always inspected (it becomes an error row).
 */
export async function skipUnchanged(
  group: InputEntry[],
  options: { store: CatalogStore; cwd: string; force: boolean; stats?: boolean; readTimeoutMs?: number },
): Promise<ChangedEntries> {
  const timeout = options.readTimeoutMs ?? FILE_READ_TIMEOUT_MS;
  const candidates = await Promise.all(group.map((entry) => candidateOf(entry, options.cwd, timeout)));
  const known = options.force
    ? new Map()
    : await options.store.knownState(candidates.map((c) => c.normalized));
  // `scan --stats`: an unchanged file catalogued without pixel statistics is inspected again to get them.
  const withStats = options.stats
    ? await options.store.filesWithPixelStats([...known.values()].map((k) => k.file_id))
    : null;
  const todo: string[] = [];
  for (const c of candidates) {
    const k = known.get(c.normalized);
    if (k && withStats && !withStats.has(k.file_id)) {
      todo.push(c.path);
      continue;
    }
    const unchanged =
      c.etag !== null ? k?.etag === c.etag : c.mtime !== null && sameInstant(k?.mtime ?? null, c.mtime);
    if (!(k && c.size !== null && k.size_bytes === c.size && unchanged)) todo.push(c.path);
  }
  return { todo, skipped: candidates.length - todo.length };
}
