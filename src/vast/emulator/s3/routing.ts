/**
 * One port serves both APIs, as on VAST. A tabular request names its command as the first query key
 * (`?schema`, `?table`, …, `/?transaction`), or is the SDK's snapshot listing (`?list_type=2&prefix=.snapshot/`,
 * with an underscore); everything else is the S3 object API.
 */
const TABULAR_COMMANDS = new Set([
  "transaction",
  "schema",
  "table",
  "column",
  "sorted-columns",
  "stats",
  "rows",
  "data",
  "projection",
  "projection-columns",
  "projection-stats",
  "blob-expansion",
]);

export function isTabularRequest(url: URL): boolean {
  const first = url.search.slice(1).split("&")[0]!.split("=")[0]!;
  return TABULAR_COMMANDS.has(first) || url.searchParams.has("list_type");
}
