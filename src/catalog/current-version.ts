/**
 * The current version of a path: among the file rows of one `file_path_normalized`, the one inspected last,
 * then first inspected last, then the smallest `file_id`. Every reader (views, known state, similar, VAST
 * winners) derives its ordering from this one definition.
 */
import type { FileRow } from "./rows.js";

type VersionKey = "last_inspected" | "inspection_timestamp" | "file_id";

/** Each key in turn; `newestLargest`: the current version has the largest value of it (else the smallest). */
const CURRENT_FIRST: readonly { column: VersionKey; newestLargest: boolean }[] = [
  { column: "last_inspected", newestLargest: true },
  { column: "inspection_timestamp", newestLargest: true },
  { column: "file_id", newestLargest: false },
];

/** `ORDER BY` terms putting the current version first (`alias` qualifies the columns, e.g. "f"). */
export function currentFirstSql(alias = ""): string {
  const q = alias ? `${alias}.` : "";
  return CURRENT_FIRST.map((k) => `${q}${k.column}${k.newestLargest ? " DESC" : ""}`).join(", ");
}

/** SQL condition: the row `newer` is a more current version than the row `older` (same path assumed). */
export function newerVersionSql(newer: string, older: string): string {
  const terms: string[] = [];
  CURRENT_FIRST.forEach((k, i) => {
    const equal = CURRENT_FIRST.slice(0, i).map((e) => `${newer}.${e.column} = ${older}.${e.column}`);
    const op = k.newestLargest ? ">" : "<";
    terms.push([...equal, `${newer}.${k.column} ${op} ${older}.${k.column}`].join(" AND "));
  });
  return terms.map((t) => `(${t})`).join(" OR ");
}

/** Comparator putting the current version first. */
export function currentFirst(a: Pick<FileRow, VersionKey>, b: Pick<FileRow, VersionKey>): number {
  for (const { column, newestLargest } of CURRENT_FIRST) {
    const x = a[column];
    const y = b[column];
    // Both Dates (compared by their time value) or both ids.
    const order = x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return newestLargest ? -order : order;
  }
  return 0;
}
