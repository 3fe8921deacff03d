import { stat } from "node:fs";
import { resolve } from "node:path";
import { normalizePath } from "../../catalog/normalize-path.js";
import type { CatalogStore } from "../../catalog/port.js";
import { FILE_READ_TIMEOUT_MS } from "../../io/file-source.js";
import type { InputEntry } from "../../io/remote-inputs.js";
import { isRemote } from "../../io/s3-uri.js";
import { markStuck } from "../../io/stuck-operations.js";
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

/** A local file's size and mtime (epoch ms, as stat's Date gives it). */
export interface LocalState {
  size: number;
  mtimeMs: number;
}

/**
 * The size and mtime of each local path, null for one that cannot be stat'ed in time. The stats are issued
 * together and bounded by one timer: a stat of a hung mount never ends (the file is then inspected, and its read
 * times out too; the stat counts as stuck until it ends). One timer per group rather than a timer and a race per
 * path: those cost 0.1–0.17 s of CPU per 20,000 paths, a tenth of a re-scan's.
 */
export function statAll(paths: readonly string[], timeoutMs: number): Promise<(LocalState | null)[]> {
  // fs.stat with a callback, not fs/promises: a promise per path cost about twice the CPU of the whole stat (a
  // re-scan stats every catalogued file).
  const states: (LocalState | null)[] = paths.map(() => null);
  if (paths.length === 0) return Promise.resolve(states);
  const ended = new Uint8Array(paths.length);
  /** After the timeout: what ends each abandoned stat's "stuck" count when its late answer comes. */
  const lateEnds: Array<() => void> = [];
  let left = paths.length;
  let timedOut = false;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timedOut = true;
      for (let i = 0; i < paths.length; i++) {
        if (ended[i]) continue;
        markStuck(
          new Promise<void>((r) => {
            lateEnds[i] = r;
          }),
        );
      }
      // What was answered in time; a late answer changes nothing.
      resolve(states.map((state, i) => (ended[i] ? state : null)));
    }, timeoutMs);
    paths.forEach((path, i) => {
      stat(path, (err, s) => {
        left--;
        if (timedOut) {
          lateEnds[i]?.();
          return;
        }
        // Stats#mtime is new Date(Math.round(mtimeMs)): the same milliseconds without making the Date.
        if (!err) states[i] = { size: s.size, mtimeMs: Math.round(s.mtimeMs) };
        ended[i] = 1;
        if (left === 0) {
          clearTimeout(timer);
          resolve(states);
        }
      });
    });
  });
}

/** The candidates of a group: objects as listed, local paths stat'ed together (statAll). */
async function candidatesOf(
  group: readonly InputEntry[],
  located: readonly { path: string; normalized: string }[],
  timeoutMs: number,
): Promise<Candidate[]> {
  const local: number[] = [];
  located.forEach((l, i) => {
    if (!isRemote(l.path)) local.push(i);
  });
  const states = await statAll(
    local.map((i) => located[i]!.path),
    timeoutMs,
  );
  const stateOf = new Map(local.map((i, k) => [i, states[k] ?? null]));
  return located.map(({ path, normalized }, i) => {
    if (isRemote(path)) {
      const listed = group[i]!.listed;
      return { path, normalized, size: listed?.size ?? null, mtimeMs: null, etag: listed?.etag ?? null };
    }
    const state = stateOf.get(i) ?? null;
    return { path, normalized, size: state?.size ?? null, mtimeMs: state?.mtimeMs ?? null, etag: null };
  });
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
    // Objects are never unchanged by this index (they have no mtime): only catalogued local paths are stat'ed.
    const catalogued: number[] = [];
    located.forEach((l, i) => {
      if (!isRemote(l.path) && index.has(l.normalized)) catalogued.push(i);
    });
    const states = await statAll(
      catalogued.map((i) => located[i]!.path),
      timeout,
    );
    const unchanged = new Set<number>();
    catalogued.forEach((i, k) => {
      const state = states[k];
      if (state && index.unchanged(located[i]!.normalized, state.size, state.mtimeMs)) unchanged.add(i);
    });
    const todo = located.filter((_, i) => !unchanged.has(i)).map((l) => l.path);
    return { todo, skipped: group.length - todo.length };
  }
  const located = group.map((e) => locate(e.path, options.cwd));
  const candidates = await candidatesOf(group, located, timeout);
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
