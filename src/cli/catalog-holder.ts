/**
 * DuckDB lets one process open a catalog file for writing and no other process open it at all meanwhile, so
 * `sql`/`report`/`similar` during a scan would fail with DuckDB's raw "Could not set lock on file". A scan leaves
 * a note beside the catalog (`<db>.scan.json`: its PID, start, progress) so those commands can say clearly that
 * a scan holds the catalog, since when, and how far it is.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";

export interface HolderNote {
  pid: number;
  command: string;
  started: string;
  done?: number;
  found?: number;
  walkDone?: boolean;
  updated?: string;
}

export const holderNotePath = (dbPath: string) => `${dbPath}.scan.json`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The note of a live holder, or null (none, unreadable, or its process is gone). */
export function readHolderNote(dbPath: string): HolderNote | null {
  try {
    const note = JSON.parse(readFileSync(holderNotePath(dbPath), "utf8")) as HolderNote;
    return typeof note.pid === "number" && alive(note.pid) ? note : null;
  } catch {
    return null;
  }
}

/** Writes (and rewrites) the note while a scan runs; `remove` deletes it. Failures never stop the scan. */
export function holderNote(
  dbPath: string,
  command: string,
): { update(p: Partial<HolderNote>): void; remove(): void } {
  const note: HolderNote = { pid: process.pid, command, started: new Date().toISOString() };
  let last = 0;
  let pending: NodeJS.Timeout | null = null;
  const write = () => {
    last = Date.now();
    try {
      writeFileSync(holderNotePath(dbPath), `${JSON.stringify(note)}\n`);
    } catch {
      // read-only directory: readers just get the generic message
    }
  };
  write();
  return {
    update(p) {
      Object.assign(note, p, { updated: new Date().toISOString() });
      if (pending) return;
      // At most one write per second; the latest state is always written.
      pending = setTimeout(
        () => {
          pending = null;
          write();
        },
        Math.max(0, 1000 - (Date.now() - last)),
      );
      pending.unref();
    },
    remove() {
      if (pending) clearTimeout(pending);
      pending = null;
      rmSync(holderNotePath(dbPath), { force: true });
    },
  };
}

const LOCK_MESSAGE = /Could not set lock on file|Conflicting lock is held/i;

export function isLockConflict(err: unknown): boolean {
  return err instanceof Error && LOCK_MESSAGE.test(err.message);
}

/** ", about N min left" from the rate so far, once the walk knows how many files there are. */
function remaining(note: HolderNote): string {
  if (!note.walkDone || !note.done || note.found === undefined || !note.updated) return "";
  const elapsed = Date.parse(note.updated) - Date.parse(note.started);
  if (!(elapsed > 0)) return "";
  const seconds = ((note.found - note.done) * elapsed) / note.done / 1000;
  return seconds < 60 ? ", less than a minute left" : `, about ${Math.round(seconds / 60)} min left`;
}

/** The message for a catalog another process holds. */
export function lockConflictMessage(dbPath: string, err: unknown): string {
  const note = readHolderNote(dbPath);
  const pid = /PID (\d+)/.exec(err instanceof Error ? err.message : "")?.[1];
  if (note) {
    const progress =
      note.done !== undefined
        ? `, ${note.done.toLocaleString("en-US")} of ${(note.found ?? 0).toLocaleString("en-US")}${note.walkDone ? "" : "+"} files done as of ${note.updated?.slice(11, 19) ?? "?"} UTC${remaining(note)}`
        : "";
    return (
      `the catalog ${dbPath} is held by a running scan (PID ${note.pid}, started ${note.started.slice(0, 19).replace("T", " ")} UTC${progress}: ${note.command}). ` +
      "DuckDB lets no other process open the catalog while it writes: retry when the scan finishes (or stop it with Ctrl-C; what it finished is kept)."
    );
  }
  return (
    `the catalog ${dbPath} is locked by another process${pid ? ` (PID ${pid})` : ""}. ` +
    "DuckDB allows one writer and no other process at the same time: retry when it finishes."
  );
}
