/**
 * The SQL queries of the seed document (`shared/seed/000_61014913341d0393.txt`), verbatim except where noted.
 * `exr-inspector report` runs them; test/catalog/seed-queries.test.ts runs each through `exr-inspector sql`.
 * On DuckDB they all run unchanged: `array_length` accepts FLOAT[384], `PERCENTILE_CONT … WITHIN GROUP` and
 * `GROUP BY` on an output alias are supported, and the unqualified `FROM parts` of the materialized-view example
 * resolves through the connection's search_path (exr_metadata first).
 */
export interface SeedQuery {
  id: string;
  title: string;
  section: "verification" | "monitoring" | "optimization" | "maintenance";
  sql: string;
}

export const SEED_QUERIES: SeedQuery[] = [
  {
    id: "recent-inspections",
    title: "Recent inspections",
    section: "verification",
    sql: `SELECT file_id, file_path, last_inspected, inspection_count
FROM exr_metadata.files
ORDER BY last_inspected DESC
LIMIT 10;`,
  },
  {
    id: "embedding-dimensions",
    title: "Embedding dimensions",
    section: "verification",
    sql: `SELECT file_id, array_length(metadata_embedding) as emb_dim
FROM exr_metadata.files
WHERE metadata_embedding IS NOT NULL
LIMIT 5;`,
  },
  {
    id: "parts-by-compression",
    title: "Parts by compression",
    section: "verification",
    sql: `SELECT compression, COUNT(*) as count
FROM exr_metadata.parts
GROUP BY compression;`,
  },
  {
    id: "files-per-channel",
    title: "Files per channel name",
    section: "verification",
    sql: `SELECT channel_name, COUNT(DISTINCT file_id) as files_with_channel
FROM exr_metadata.channels
GROUP BY channel_name
ORDER BY files_with_channel DESC;`,
  },
  {
    id: "inspections-per-hour",
    title: "Inspections per hour (persistence success rate)",
    section: "monitoring",
    sql: `SELECT
    DATE_TRUNC('hour', inspection_timestamp) as hour,
    COUNT(*) as total,
    SUM(CASE WHEN inspection_count = 1 THEN 1 ELSE 0 END) as new_files
FROM exr_metadata.files
GROUP BY hour
ORDER BY hour DESC;`,
  },
  {
    id: "size-percentiles",
    title: "File size distribution",
    section: "monitoring",
    sql: `SELECT
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY size_bytes) as median,
    PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY size_bytes) as p95,
    PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY size_bytes) as p99
FROM exr_metadata.files;`,
  },
  {
    id: "compression-usage",
    title: "Compression usage with total size",
    section: "monitoring",
    sql: `SELECT compression, COUNT(*) as count, SUM(f.size_bytes) as total_size
FROM exr_metadata.parts p
JOIN exr_metadata.files f ON p.file_id = f.file_id
GROUP BY compression;`,
  },
  {
    id: "compression-stats",
    title: "Compression statistics (the seed's materialized view, as a query)",
    section: "optimization",
    sql: `SELECT
    compression,
    COUNT(DISTINCT file_id) as file_count,
    COUNT(*) as part_count,
    AVG(is_tiled::INT) as tiling_ratio
FROM parts
GROUP BY compression;`,
  },
  {
    id: "cleanup-candidates",
    title:
      "Files not inspected in 6 months (the seed's DELETE, as the SELECT of its rows; `cleanup` deletes)",
    section: "maintenance",
    sql: `SELECT file_id FROM exr_metadata.files
WHERE last_inspected < CURRENT_DATE - INTERVAL '6 months';`,
  },
];

/** The seed's cleanup statement; `exr-inspector sql` rejects it (read-only), `exr-inspector cleanup` performs it. */
export const SEED_CLEANUP_DELETE = `DELETE FROM exr_metadata.files
WHERE last_inspected < CURRENT_DATE - INTERVAL '6 months';`;
