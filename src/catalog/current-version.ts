/**
 * The current version of a path: among the file rows of one `file_path_normalized`, the one inspected last,
 * then first inspected last, then the smallest `file_id`. Every reader (views, known state, similar, VAST
 * winners) derives its ordering from this one definition.
 */
import type { FileRow } from "./rows.js";

type VersionKey = "last_inspected" | "inspection_timestamp" | "file_id";

const CURRENT_FIRST: readonly { column: VersionKey; newest: "largest" | "smallest" }[] = [
  { column: "last_inspected", newest: "largest" },
  { column: "inspection_timestamp", newest: "largest" },
  { column: "file_id", newest: "smallest" },
];

/** `ORDER BY` terms putting the current version first (`alias` qualifies the columns, e.g. "f"). */
export function currentFirstSql(alias = ""): string {
  const q = alias ? `${alias}.` : "";
  return CURRENT_FIRST.map((k) => `${q}${k.column}${k.newest === "largest" ? " DESC" : ""}`).join(", ");
}

/** SQL condition: the row `newer` is a more current version than the row `older` (same path assumed). */
export function newerVersionSql(newer: string, older: string): string {
  const terms: string[] = [];
  CURRENT_FIRST.forEach((k, i) => {
    const equal = CURRENT_FIRST.slice(0, i).map((e) => `${newer}.${e.column} = ${older}.${e.column}`);
    const op = k.newest === "largest" ? ">" : "<";
    terms.push([...equal, `${newer}.${k.column} ${op} ${older}.${k.column}`].join(" AND "));
  });
  return terms.map((t) => `(${t})`).join(" OR ");
}

/** Comparator putting the current version first. */
export function currentFirst(a: Pick<FileRow, VersionKey>, b: Pick<FileRow, VersionKey>): number {
  for (const { column, newest } of CURRENT_FIRST) {
    const x = a[column];
    const y = b[column];
    const order =
      typeof x === "string" || typeof y === "string"
        ? x < y
          ? -1
          : x > y
            ? 1
            : 0
        : (x as Date).getTime() - (y as Date).getTime();
    if (order !== 0) return newest === "largest" ? -order : order;
  }
  return 0;
}
