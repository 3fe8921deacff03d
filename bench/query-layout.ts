/**
 * The seed's "Query Optimization" section measured on DuckDB before adopting any of it: a catalog of N files
 * (default 100,000; 2 parts and 8 channels a file) in the product's own schema (every migration), written the way
 * the product writes it — files in inspection order, each file's children right after it, 20% of the files
 * re-inspected later (UPDATE of last_inspected in place) — then the seed's verification, monitoring and
 * maintenance queries (src/catalog/seed-queries.ts) timed on three layouts, same run:
 *   as written        the tables as the writer leaves them
 *   ordered           files rewritten ORDER BY last_inspected (zone maps of the range queries can prune), parts
 *                     ORDER BY file_id (the seed's `CLUSTER parts BY (file_id)`)
 *   compression_stats the seed's materialized view as a maintained table: reading it, and refreshing it (what every
 *                     write would pay)
 * Median of 7 runs per query (after one warm-up), on a file database with the default threads.
 *
 * Usage: npm run bench:query-layout [-- --files N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { migrate, SCHEMA } from "../src/catalog/duckdb/schema.js";
import { SEED_QUERIES } from "../src/catalog/seed-queries.js";

const i = process.argv.indexOf("--files");
const FILES = i >= 0 ? Number(process.argv[i + 1]) : 100_000;
const RUNS = 7;

async function populate(db: DuckDBConnection, n: number): Promise<void> {
  // Inspection order: the files inspected evenly over the year to 2026-12-01; mtimes over the two years before.
  const at = `TIMESTAMP '2025-12-01' + to_seconds((k * ${Math.floor(31_536_000 / n)})::BIGINT)`;
  await db.run(`INSERT INTO ${SCHEMA}.files (file_id, file_path, file_path_normalized, header_hash, size_bytes, mtime,
      multipart_count, is_deep, inspection_timestamp, inspection_count, last_inspected, validation_status)
    SELECT printf('%064x', hash(k)), '/shows/s/seq' || (k % 500) || '/frame.' || k || '.exr',
      '/shows/s/seq' || (k % 500) || '/frame.' || k || '.exr', printf('%016x', hash(k + 1)),
      1000000 + (hash(k) % 50000000)::BIGINT, TIMESTAMP '2026-12-01' - to_seconds((hash(k + 2) % 63072000)::BIGINT),
      2, false, ${at}, 1, ${at}, 'valid'
    FROM range(${n}) t(k)`);
  const compressions = "['zip', 'piz', 'dwaa', 'none', 'rle', 'zips', 'b44', 'pxr24']";
  await db.run(`INSERT INTO ${SCHEMA}.parts (file_id, file_path, part_index, compression, is_tiled, width, height)
    SELECT f.file_id, f.file_path, p, ${compressions}[(1 + (hash(f.file_id) + p) % 8)::BIGINT], (hash(f.file_id) % 4) = 0, 1920, 1080
    FROM ${SCHEMA}.files f, range(2) r(p) ORDER BY f.last_inspected, p`);
  await db.run(`INSERT INTO ${SCHEMA}.channels (file_id, file_path, part_index, channel_name, channel_type)
    SELECT f.file_id, f.file_path, p, ['R', 'G', 'B', 'A', 'Z', 'N.x', 'N.y', 'N.z'][(1 + c)::BIGINT], 'HALF'
    FROM ${SCHEMA}.files f, range(2) r(p), range(4) s(c) ORDER BY f.last_inspected, p, c`);
  // 20% re-inspected during the last month: updated in place, so the table is no longer in last_inspected order.
  await db.run(`UPDATE ${SCHEMA}.files SET last_inspected = TIMESTAMP '2026-11-01' + to_seconds((hash(file_id) % 2592000)::BIGINT),
      inspection_count = 2 WHERE hash(file_id) % 5 = 0`);
  await db.run("CHECKPOINT");
}

async function time(db: DuckDBConnection, sql: string): Promise<number> {
  await db.runAndReadAll(sql);
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await db.runAndReadAll(sql);
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[RUNS >> 1]!;
}

/** Rewrites a table in another order (keys and constraints dropped with it: this is a measurement copy). */
async function reorder(db: DuckDBConnection, table: string, order: string): Promise<void> {
  await db.run(
    `CREATE TABLE ${SCHEMA}.${table}_sorted AS SELECT * FROM ${SCHEMA}.${table} ORDER BY ${order}`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-query-layout-"));
  try {
    const instance = await DuckDBInstance.create(join(dir, "catalog.duckdb"));
    const db = await instance.connect();
    await migrate(db);
    await db.run(`SET search_path = '${SCHEMA},main'`);
    const t0 = performance.now();
    await populate(db, FILES);
    const written = (performance.now() - t0) / 1000;
    // Plain copies (no keys) of the tables as written and in the seed's orders, so both layouts compare alike.
    for (const t of ["files", "parts"]) {
      await db.run(`CREATE TABLE ${SCHEMA}.${t}_written AS SELECT * FROM ${SCHEMA}.${t}`);
    }
    await reorder(db, "files", "last_inspected");
    await reorder(db, "parts", "file_id, part_index");
    await db.run("CHECKPOINT");
    const layouts = { "as written": "_written", ordered: "_sorted" } as const;
    const queries = [
      ...SEED_QUERIES,
      // The seed's index strategy: "files.last_inspected: range queries for files inspected since…", and its mtime
      // partitions (range queries on mtime)
      {
        id: "inspected-since",
        section: "index strategy",
        sql: "SELECT count(*) FROM exr_metadata.files WHERE last_inspected >= TIMESTAMP '2026-11-24'",
      },
      {
        id: "mtime-range",
        section: "partitions",
        sql: "SELECT count(*) FROM exr_metadata.files WHERE mtime >= TIMESTAMP '2026-11-01'",
      },
    ];
    const rows: string[] = [];
    for (const q of queries) {
      const ms: number[] = [];
      for (const suffix of Object.values(layouts)) {
        const sql = q.sql
          .replace(/exr_metadata\.(files|parts)\b/g, `${SCHEMA}.$1${suffix}`)
          .replace(/FROM parts\b/, `FROM ${SCHEMA}.parts${suffix}`);
        ms.push(await time(db, sql));
      }
      rows.push(
        `| ${q.id} (${q.section}) | ${ms[0]!.toFixed(1)} ms | ${ms[1]!.toFixed(1)} ms | ${(ms[0]! / ms[1]!).toFixed(2)}× |`,
      );
      process.stdout.write(`${rows[rows.length - 1]}\n`);
    }
    const stats = SEED_QUERIES.find((q) => q.id === "compression-stats")!.sql.replace(
      /FROM parts\b/,
      `FROM ${SCHEMA}.parts_written`,
    );
    await db.run(`CREATE TABLE ${SCHEMA}.compression_stats AS ${stats.replace(/;\s*$/, "")}`);
    const query = await time(db, stats);
    const read = await time(db, `SELECT * FROM ${SCHEMA}.compression_stats`);
    const refresh = await time(
      db,
      `BEGIN; DELETE FROM ${SCHEMA}.compression_stats; INSERT INTO ${SCHEMA}.compression_stats ${stats.replace(/;\s*$/, "")}; COMMIT;`,
    );
    const out = [
      `Seed queries on ${FILES.toLocaleString("en-US")} files (${2 * FILES} parts, ${8 * FILES} channels) in DuckDB, ` +
        `${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} ` +
        `(shared machine); catalog written in ${written.toFixed(0)} s; median of ${RUNS} runs`,
      "",
      "| query | as written | ordered (files by last_inspected, parts by file_id) | as written / ordered |",
      "|---|---:|---:|---:|",
      ...rows,
      "",
      `compression_stats: the query ${query.toFixed(1)} ms; reading a maintained table ${read.toFixed(1)} ms; ` +
        `refreshing it (what each write would add) ${refresh.toFixed(1)} ms.`,
    ];
    process.stdout.write(`\n${out.join("\n")}\n`);
    db.closeSync();
    instance.closeSync();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
