import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { normalizePath } from "../../catalog/normalize-path.js";
import type { CatalogStore } from "../../catalog/port.js";
import { FILE_READ_TIMEOUT_MS, withTimeout } from "../../io/file-source.js";
import type { InputEntry } from "../../io/remote-inputs.js";
import { isRemote } from "../../io/s3-uri.js";
import type { KnownIndex } from "./known-index.js";

interface Candidate {
  path: string;
  normalized: string;
  size: number | null;
  /** Epoch milliseconds (stat's Date, like the inspector's file source, so it compares equal to the catalogued one). */
  mtimeMs: number | null;
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

function sameInstant(known: string | null, mtimeMs: number | null): boolean {
  if (known === null || mtimeMs === null) return false;
  return Math.abs(Date.parse(known) - mtimeMs) < 1;
}

/** Where an entry is catalogued: absolute (objects keep their URI), so the catalog does not depend on the cwd. */
function locate(given: string, cwd: string): { path: string; normalized: string } {
  const path = isRemote(given) ? given : absoluteLocal(given, cwd);
  return { path, normalized: normalizePath(path, cwd) };
}

async function candidateOf(
  { path: given, listed }: InputEntry,
  cwd: string,
  timeoutMs: number,
): Promise<Candidate> {
  const { path, normalized } = locate(given, cwd);
  if (isRemote(path))
    return { path, normalized, size: listed?.size ?? null, mtimeMs: null, etag: listed?.etag ?? null };
  try {
    // Timed: a stat of a hung mount never ends (the file is then inspected, and its read times out too).
    const s = await withTimeout(stat(path), timeoutMs, `stat of ${path}`);
    return { path, normalized, size: s.size, mtimeMs: s.mtime.getTime(), etag: null };
  } catch {
    return { path, normalized, size: null, mtimeMs: null, etag: null };
  }
}

/**
 * Stage 2 of a scan: drops the entries whose catalogued current version has the same size and mtime (objects: the
 * same size and ETag), unless `force` (or, with `stats`, unless that version has no pixel statistics yet). A path that cannot be stat'ed is always inspected (it becomes an error row).
 */
export async function skipUnchanged(
  group: InputEntry[],
  options: {
    store: CatalogStore;
    cwd: string;
    force: boolean;
    stats?: boolean;
    readTimeoutMs?: number;
    /** The catalogued state of every path under the inputs, read once (else looked up per group). */
    index?: KnownIndex | null;
  },
): Promise<ChangedEntries> {
  const timeout = options.readTimeoutMs ?? FILE_READ_TIMEOUT_MS;
  const index = options.force || options.stats ? null : (options.index ?? null);
  if (index) {
    // Only a catalogued path can be unchanged: the others are inspected without a stat (a first scan stats none).
    const located = group.map((e) => locate(e.path, options.cwd));
    const stated = await Promise.all(
      group.map((entry, i) =>
        index.has(located[i]!.normalized) ? candidateOf(entry, options.cwd, timeout) : null,
      ),
    );
    const todo: string[] = [];
    stated.forEach((c, i) => {
      const unchanged =
        c !== null &&
        c.size !== null &&
        c.mtimeMs !== null &&
        index.unchanged(c.normalized, c.size, c.mtimeMs);
      if (!unchanged) todo.push(located[i]!.path);
    });
    return { todo, skipped: group.length - todo.length };
  }
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
    const unchanged = c.etag !== null ? k?.etag === c.etag : sameInstant(k?.mtime ?? null, c.mtimeMs);
    if (!(k && c.size !== null && k.size_bytes === c.size && unchanged)) todo.push(c.path);
  }
  return { todo, skipped: candidates.length - todo.length };
}
