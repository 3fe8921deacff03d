import { statSync } from "node:fs";
import { opendir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";

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
}

const isExr = (name: string) => name.toLowerCase().endsWith(".exr");
/** Names in one directory are distinct, so no two compare equal. */
const byName = (a: string, b: string) => (a < b ? -1 : 1);

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
  for (const arg of args) {
    if (arg === "-") {
      const lines = createInterface({
        input: options.stdin ?? process.stdin,
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of lines) {
        const path = line.trim();
        if (path) yield* expand(path, match);
      }
    } else {
      yield* expand(arg, match);
    }
  }
}

async function* expand(path: string, match: (name: string) => boolean): AsyncGenerator<WalkEntry> {
  let isDir = false;
  try {
    // Blocking stat: one cheap syscall per argument (an fs/promises round trip per listed path cost more
    // than inspecting the file). throwIfNoEntry: false keeps missing paths off the exception path.
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent, a missing path then throws and is caught with the same result
    const stats = statSync(path, { throwIfNoEntry: false });
    isDir = stats?.isDirectory() ?? false;
  } catch {
    // Unreadable: let the inspector report the precise error for this path.
  }
  if (!isDir) {
    yield { path };
    return;
  }
  yield* walkDirectory(path, match, new Set());
}

async function* walkDirectory(
  dir: string,
  match: (name: string) => boolean,
  onPath: Set<string>,
): AsyncGenerator<WalkEntry> {
  let real: string;
  let names: Array<{ name: string; dir: boolean }>;
  try {
    real = await realpath(dir);
    if (onPath.has(real)) return;
    names = [];
    for await (const d of await opendir(dir)) {
      let isDir = d.isDirectory();
      if (d.isSymbolicLink()) {
        try {
          isDir = (await stat(join(dir, d.name))).isDirectory();
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
    if (entry.dir) yield* walkDirectory(child, match, onPath);
    else if (match(entry.name)) yield { path: child };
  }
  onPath.delete(real);
}
