import type { CatalogStore } from "../catalog/port.js";
import { MAX_MISSING, type SequenceReport, SIZE_NEIGHBOURS, SIZE_OUTLIER_RATIO } from "./analyze.js";
import { STRUCTURE_FIELDS, type StructureField } from "./frame-entry.js";
import { FRAME_NAME_PATTERN } from "./frame-name.js";

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const S = "exr_metadata";

/** `lag(size, 4) OVER w, …, lead(size, 4) OVER w`. */
function neighbourSizes(): string {
  const calls: string[] = [];
  for (let k = SIZE_NEIGHBOURS; k >= 1; k--) calls.push(`lag(size, ${k}) OVER w`);
  for (let k = 1; k <= SIZE_NEIGHBOURS; k++) calls.push(`lead(size, ${k}) OVER w`);
  return calls.join(", ");
}

/**
 * The sequence checks of `analyze.ts`, computed inside the database over the current catalogued files, so only
 * per-sequence results (problem frames, missing runs) leave it: a million-file catalog is answered without
 * moving a million rows into the process. Same grammar (the same regular expression, run by RE2), same
 * grouping, same rules; test/sequences/generated-defects.test.ts holds both to the generator's record.
 *
 * Structure fields are compared as order-independent hashes of their parts (`bit_xor` of hash(part, value)).
 */
export function catalogSequencesSql(prefixes: readonly string[] = []): string {
  const name = quote(FRAME_NAME_PATTERN.source);
  const where = prefixes.length
    ? `WHERE ${prefixes.map((p) => `starts_with(file_path_normalized, ${quote(p)})`).join(" OR ")}`
    : "";
  const fieldNames = `[${STRUCTURE_FIELDS.map(quote).join(", ")}]`;
  return `WITH f AS (
  SELECT file_id, size_bytes AS size, coalesce(is_complete, false) AS complete,
         CASE WHEN regexp_matches(file_path_normalized, '[/\\\\]')
              THEN regexp_extract(file_path_normalized, '^(.*)[/\\\\][^/\\\\]*$', 1) ELSE '.' END AS directory,
         regexp_extract(file_path_normalized, '[^/\\\\]*$') AS name
  FROM ${S}.current_files ${where}
), m AS (
  SELECT *, regexp_extract(name, ${name}, ['prefix', 'sep', 'sign', 'digits', 'suffix']) AS g
  FROM f WHERE regexp_full_match(name, ${name})
), flip AS (
  -- \`beauty--5\`: the regex takes prefix \`beauty-\` and separator \`-\`; the second \`-\` is the frame's sign.
  SELECT *, g.sign = '' AND g.sep = '-' AND regexp_matches(g.prefix, '[._-]$') AS signed_late FROM m
), parsed AS (
  SELECT file_id, size, complete, directory,
         CASE WHEN signed_late THEN left(g.prefix, length(g.prefix) - 1) ELSE g.prefix END AS prefix,
         CASE WHEN signed_late THEN right(g.prefix, 1) ELSE g.sep END AS sep,
         g.suffix AS suffix,
         CASE WHEN signed_late OR g.sign = '-' THEN -CAST(g.digits AS BIGINT) ELSE CAST(g.digits AS BIGINT) END AS frame,
         length(g.digits) AS padding
  FROM flip
), s AS (
  SELECT *, {'directory': directory, 'prefix': prefix, 'sep': sep, 'suffix': suffix} AS seq FROM parsed
), frames AS (
  SELECT seq, frame, count(*) AS files, bool_or(NOT complete) AS incomplete, max(size) AS size
  FROM s GROUP BY seq, frame
), framed AS (
  SELECT *, list_median(near) AS around, len(list_filter(near, x -> x IS NOT NULL)) AS known_around
  FROM (
    -- the sizes of up to SIZE_NEIGHBOURS frames on each side (lag/lead: one sort, unlike a framed median)
    SELECT *, lag(frame) OVER w AS prev, [${neighbourSizes()}] AS near
    FROM frames WINDOW w AS (PARTITION BY seq ORDER BY frame)
  )
), p AS (
  SELECT file_id, count(*) AS part_count, bit_xor(hash(part_index, compression)) AS compression,
         bit_xor(hash(part_index, data_window)) AS data_window, bit_xor(hash(part_index, display_window)) AS display_window
  FROM ${S}.parts GROUP BY file_id
), c AS (
  SELECT file_id, bit_xor(hash(part_index, channel_name)) AS channels, bit_xor(DISTINCT hash(channel_type)) AS pixel_types
  FROM ${S}.channels GROUP BY file_id
), fields AS (
  SELECT s.seq, s.frame, s.frame * 10 + s.padding AS pos,
         unnest(range(${STRUCTURE_FIELDS.length})) AS k,
         unnest([CAST(p.part_count AS UBIGINT), coalesce(c.channels, 0), coalesce(c.pixel_types, 0), p.compression,
                 p.data_window, p.display_window]) AS value
  FROM s JOIN p ON p.file_id = s.file_id LEFT JOIN c ON c.file_id = s.file_id
), tally AS (
  SELECT seq, k, value, count(*) AS n, min(pos) AS first_pos FROM fields GROUP BY seq, k, value
), majority AS (
  SELECT seq, k, arg_max(value, {'n': n, 'earlier': -first_pos}) AS value FROM tally GROUP BY seq, k
), differing AS (
  SELECT DISTINCT f.seq, f.frame, f.k FROM fields f JOIN majority j ON j.seq = f.seq AND j.k = f.k
  WHERE f.value IS DISTINCT FROM j.value
), odd AS (
  SELECT seq, list(frame ORDER BY frame) AS odd_frames, list(differs ORDER BY frame) AS odd_differs FROM (
    SELECT seq, frame, list(${fieldNames}[k + 1] ORDER BY k) AS differs FROM differing GROUP BY seq, frame
  ) GROUP BY seq
), seqs AS (
  SELECT seq, any_value(directory) AS directory, any_value(prefix) AS prefix, any_value(sep) AS sep,
         any_value(suffix) AS suffix, min(padding) AS padding
  FROM s GROUP BY seq
), checks AS (
  SELECT seq, min(frame) AS first, max(frame) AS last, count(*) AS count,
         list([prev + 1, frame - 1] ORDER BY frame) FILTER (WHERE frame - prev > 1) AS missing_runs,
         list(frame ORDER BY frame) FILTER (WHERE files > 1) AS duplicates,
         list(frame ORDER BY frame) FILTER (WHERE incomplete) AS incomplete,
         list(frame ORDER BY frame)
           FILTER (WHERE size IS NOT NULL AND known_around >= 2 AND size < ${SIZE_OUTLIER_RATIO} * around) AS size_outliers
  FROM framed GROUP BY seq
)
SELECT q.directory, q.prefix, q.sep, q.suffix, q.padding, k.first, k.last, k.count, k.missing_runs, k.duplicates,
       k.incomplete, o.odd_frames, o.odd_differs, k.size_outliers
FROM seqs q JOIN checks k USING (seq) LEFT JOIN odd o USING (seq)`;
}

const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);

function expandRuns(runs: unknown): number[] {
  const out: number[] = [];
  for (const run of Array.isArray(runs) ? runs : []) {
    const [a, b] = numbers(run) as [number, number];
    for (let f = a; f <= b && out.length < MAX_MISSING; f++) out.push(f);
  }
  return out;
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** `sequences --db`: every sequence of the catalog (or of the paths under `prefixes`), checked by the database. */
export async function catalogSequences(
  store: CatalogStore,
  prefixes: readonly string[] = [],
): Promise<SequenceReport[]> {
  const result = await store.query(catalogSequencesSql(prefixes));
  return result.rows
    .map((row) => {
      const [
        directory,
        prefix,
        sep,
        suffix,
        padding,
        first,
        last,
        count,
        runs,
        dups,
        incomplete,
        oddFrames,
        oddDiffers,
        small,
      ] = row;
      const differs = Array.isArray(oddDiffers) ? oddDiffers : [];
      const report: SequenceReport = {
        directory: String(directory),
        pattern: `${prefix}${sep}${"#".repeat(Number(padding))}${suffix}`,
        first: Number(first),
        last: Number(last),
        count: Number(count),
        missing: expandRuns(runs),
        duplicates: numbers(dups),
        incomplete: numbers(incomplete),
        odd: numbers(oddFrames).map((frame, i) => ({
          frame,
          differs: (Array.isArray(differs[i]) ? differs[i] : []).map(String) as StructureField[],
        })),
        size_outliers: numbers(small),
      };
      return { key: `${directory}\0${prefix}\0${sep}\0${suffix}`, report };
    })
    .sort(byKey)
    .map((r) => r.report);
}
