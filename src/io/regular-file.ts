import { closeSync, constants, fstatSync, openSync, type Stats, statSync } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";

/**
 * Only regular files are opened. A FIFO named `*.exr` would block `open()` (or the first read) until a writer
 * appears, a socket cannot be opened at all, and a device never ends: each is reported as
 * EXR_NOT_A_REGULAR_FILE without being read. The path is stat'ed first; the open itself is non-blocking
 * (O_NONBLOCK) and the descriptor is checked again with fstat, so a path swapped in between cannot block either.
 */
export class NotARegularFileError extends Error {
  readonly code = "EXR_NOT_A_REGULAR_FILE";
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} is a ${kind}, not a regular file (not opened)`);
    this.name = "NotARegularFileError";
  }
}

export function fileKind(s: Stats): string {
  if (s.isFile()) return "regular file";
  if (s.isDirectory()) return "directory";
  if (s.isFIFO()) return "FIFO (named pipe)";
  if (s.isSocket()) return "socket";
  if (s.isCharacterDevice()) return "character device";
  if (s.isBlockDevice()) return "block device";
  return "special file";
}

const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function check(path: string, s: Stats): void {
  if (!s.isFile()) throw new NotARegularFileError(path, fileKind(s));
}

/**
 * Opens a regular file for reading (blocking I/O); anything else throws NotARegularFileError unopened. Returns the
 * descriptor's own stats (size, mtime) too, so callers need no further fstat.
 */
export function openRegularFileSync(path: string): { fd: number; stats: Stats } {
  check(path, statSync(path));
  const fd = openSync(path, FLAGS);
  let stats: Stats;
  try {
    stats = fstatSync(fd);
    check(path, stats);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return { fd, stats };
}

/** Opens a regular file for reading; anything else throws NotARegularFileError unopened. */
export async function openRegularFile(path: string): Promise<FileHandle> {
  check(path, await stat(path));
  const handle = await open(path, FLAGS);
  try {
    check(path, await handle.stat());
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}
