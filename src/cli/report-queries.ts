/**
 * What `exr-inspector report` shows, in the order a TD looks for it: how many files are unreadable, incomplete or
 * invalid and which, then how the catalog is made up. Plain SQL over the current version of each file
 * (`current_files`), run through the catalog's sandboxed query path on either backend.
 */

/** unreadable: no header could be read; incomplete: readable but chunks missing; invalid: the rest of the errors. */
export const PROBLEM_KIND = `CASE
  WHEN header_bytes IS NULL THEN 'unreadable'
  WHEN is_complete = false THEN 'incomplete'
  ELSE 'invalid' END`;

export const PROBLEM_WHERE = "(header_bytes IS NULL OR is_complete = false OR validation_status = 'error')";

export const REPORT_TOTALS = `SELECT count(*) AS files, coalesce(sum(size_bytes), 0) AS bytes,
  count(*) FILTER (WHERE header_bytes IS NULL) AS unreadable,
  count(*) FILTER (WHERE header_bytes IS NOT NULL AND is_complete = false) AS incomplete,
  count(*) FILTER (WHERE header_bytes IS NOT NULL AND is_complete IS NOT false AND validation_status = 'error') AS invalid,
  count(*) FILTER (WHERE validation_status = 'warning') AS warnings,
  max(last_inspected) AS last_inspected
FROM current_files`;

export const REPORT_PROBLEMS = `SELECT ${PROBLEM_KIND} AS problem, file_path AS path,
  array_to_string(list_distinct(error_codes), ', ') AS codes, size_bytes AS size
FROM current_files
WHERE ${PROBLEM_WHERE}
ORDER BY CASE problem WHEN 'unreadable' THEN 0 WHEN 'incomplete' THEN 1 ELSE 2 END, path`;

export interface ReportSection {
  title: string;
  sql: string;
  /** Columns holding byte counts (printed in human units). */
  bytes?: string[];
}

export const REPORT_SECTIONS: ReportSection[] = [
  {
    title: "Compression (parts, files, total size of those files)",
    sql: `SELECT coalesce(p.compression, '(unknown)') AS compression, count(*) AS parts,
  count(DISTINCT p.file_id) AS files, sum(f.size_bytes) AS size
FROM parts p JOIN current_files f ON p.file_id = f.file_id
GROUP BY 1 ORDER BY files DESC, compression`,
    bytes: ["size"],
  },
  {
    title: "Renderers",
    sql: `SELECT coalesce(p.render_software, '(unknown)') AS renderer, count(DISTINCT p.file_id) AS files
FROM parts p JOIN current_files f ON p.file_id = f.file_id
GROUP BY 1 ORDER BY files DESC, renderer`,
  },
  {
    title: "File sizes",
    sql: `SELECT min(size_bytes) AS smallest, quantile_cont(size_bytes, 0.5) AS median,
  quantile_cont(size_bytes, 0.95) AS p95, max(size_bytes) AS largest
FROM current_files WHERE header_bytes IS NOT NULL`,
    bytes: ["smallest", "median", "p95", "largest"],
  },
  {
    title: "Most common channels",
    sql: `SELECT c.channel_name AS channel, count(DISTINCT c.file_id) AS files
FROM channels c JOIN current_files f ON c.file_id = f.file_id
GROUP BY 1 ORDER BY files DESC, channel`,
  },
  {
    title: "Most recently inspected",
    sql: `SELECT file_path AS path, last_inspected, inspection_count AS times_inspected
FROM current_files ORDER BY last_inspected DESC, path`,
  },
];
