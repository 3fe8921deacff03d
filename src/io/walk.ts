import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { FILE_READ_TIMEOUT_MS, withTimeout } from "./file-source.js";

/** One input of a multi-file command: a path to inspect, or why a given argument produced nothing. */
export interface WalkEntry {
  path: string;
  /** Set when the argument could not be expanded (e.g. an unreadable directory); the path is still reported. */
  error?: string;
}

export interface WalkOptions {
  /** Where `-` reads its newline-separated path list (default: process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** File-name filter inside directories (default: `.exr`, case-insensitive). Explicit file arguments always pass. */
  match?: (name: string) => boolean;
  /** How long one stat, realpath or directory read may take (a hung mount); default FILE_READ_TIMEOUT_MS. */
  timeoutMs?: number;
}

// Function declarations, not arrow constants: their mutants act when called (Stryker cannot re-run module-level code).
function isExr(name: string): boolean {
  return name.toLowerCase().endsWith(".exr");
}
/** Names in one directory are distinct, so no two compare equal. */
function byName(a: string, b: string): number {
  // Stryker disable next-line EqualityOperator: names in one directory are distinct
  return a < b ? -1 : 1;
}

/**
 * Expands command-line path arguments, streaming: files as given; directories recursed depth-first with
 * entries sorted by name, keeping `*.exr` (case-insensitive); `-` reads paths from stdin, one per line.
 * Symlinked directories are followed once: a directory already on the walk (by real path) is skipped,
 * so loops terminate. Arguments that do not exist are yielded as-is; inspecting them reports the error.
 */
export async function* walkPaths(
  args: Iterable<string>,
  options: WalkOptions = {},
): AsyncGenerator<WalkEntry> {
  const match = options.match ?? isExr;
  const timeoutMs = options.timeoutMs ?? FILE_READ_TIMEOUT_MS;
  for (const arg of args) {
    if (arg === "-") {
      const lines = createInterface({
        input: options.stdin ?? process.stdin,
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of lines) {
        const path = line.trim();
        // A named *.exr is what expand would yield, without a generator per line (a piped list is often all of them).
        if (isExr(path)) yield { path };
        else if (path) yield* expand(path, match, timeoutMs);
      }
    } else {
      yield* expand(arg, match, timeoutMs);
    }
  }
}

/**
 * The entries `walkPaths(args)` yields, without walking, when expanding them needs no I/O: every argument names a
 * `*.exr` file (no directory to list, no `-` to read). Null otherwise. A shell glob of files takes this path.
 */
export function listedFiles(args: readonly string[]): WalkEntry[] | null {
  for (const arg of args) if (arg === "-" || !isExr(arg)) return null;
  return args.map((path) => ({ path }));
}

async function* expand(
  path: string,
  match: (name: string) => boolean,
  timeoutMs: number,
): AsyncGenerator<WalkEntry> {
  // A named `*.exr` is yielded without a stat: the inspector opens it (timed, regular files only) and reports any
  // error, and a long argument list (a shell glob) pays no metadata round trip per path.
  if (isExr(path)) {
    yield { path };
    return;
  }
  let isDir = false;
  try {
    // Stryker disable next-line StringLiteral: message text of a timeout that is caught here (the inspector reports the path)
    isDir = (await withTimeout(stat(path), timeoutMs, `stat ${path}`)).isDirectory();
  } catch {
    // Missing, unreadable or hung: let the inspector report the precise error for this path.
  }
  if (!isDir) {
    yield { path };
    return;
  }
  yield* walkDirectory(path, match, new Set(), timeoutMs);
}

async function* walkDirectory(
  dir: string,
  match: (name: string) => boolean,
  onPath: Set<string>,
  timeoutMs: number,
): AsyncGenerator<WalkEntry> {
  const timed = <T>(operation: Promise<T>, what: string) =>
    // Stryker disable next-line StringLiteral: message text
    withTimeout(operation, timeoutMs, `${what} ${dir}`);
  let real: string;
  let names: Array<{ name: string; dir: boolean }>;
  try {
    // Stryker disable next-line StringLiteral: message text
    real = await timed(realpath(dir), "realpath");
    if (onPath.has(real)) return;
    names = [];
    // One read of the whole directory under one timeout (the names are all held for sorting anyway): reading entry
    // by entry, each under its own timer, cost ~3x the CPU of the walk.
    // Stryker disable next-line StringLiteral: message text
    const entries = await timed(readdir(dir, { withFileTypes: true }), "read directory");
    for (const d of entries) {
      let isDir = d.isDirectory();
      if (d.isSymbolicLink()) {
        try {
          // Stryker disable next-line StringLiteral: message text of a timeout caught just below
          isDir = (await timed(stat(join(dir, d.name)), "stat link in")).isDirectory();
          // Stryker disable next-line BlockStatement: an emptied catch leaves isDir = d.isDirectory(), false for a link
        } catch {
          isDir = false; // dangling link: reported as a file if its name matches
        }
      }
      names.push({ name: d.name, dir: isDir });
    }
  } catch (err) {
    yield { path: dir, error: err instanceof Error ? err.message : String(err) };
    return;
  }
  names.sort((a, b) => byName(a.name, b.name));
  onPath.add(real);
  for (const entry of names) {
    const child = join(dir, entry.name);
    if (entry.dir) yield* walkDirectory(child, match, onPath, timeoutMs);
    else if (match(entry.name)) yield { path: child };
  }
  onPath.delete(real);
}
