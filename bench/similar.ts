/**
 * `similar` latency on a catalog of ≥ 100,000 files. The files rows are inserted directly (embeddings of real
 * generated renders plus per-row noise, so the vectors have the real distribution); only the files table is
 * read by `similar`. Prints the in-process query latency (median and p95 over many queries) and the
 * end-to-end CLI time (process start, open, query, print).
 *
 *   npm run bench:similar -- [--files 100000] [--queries 50] [--keep /tmp/similar.duckdb]
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { buildRecord } from "../src/catalog/build-record.js";
import { DuckDbCatalogStore } from "../src/catalog/duckdb/duckdb-store.js";
import { BACKFILL_SKETCHES } from "../src/catalog/duckdb/schema.js";
import type { CatalogRecord } from "../src/catalog/rows.js";
import { generateRenderTree } from "../src/generate/render-tree.js";
import { inspectFile } from "../src/inspect/inspect.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const { values } = parseArgs({
  options: {
    files: { type: "string", default: "100000" },
    queries: { type: "string", default: "50" },
    keep: { type: "string" },
  },
});
const total = Number(values.files);
const dir = await mkdtemp(path.join(tmpdir(), "exr-bench-similar-"));
try {
  const tree = await generateRenderTree({ root: path.join(dir, "tree"), sequences: 48, frames: 2, seed: 9 });
  const templates: CatalogRecord[] = [];
  for (const s of tree.sequences) {
    const file = path.join(dir, "tree", s.dir, s.pattern.replace("####", "1001"));
    templates.push(buildRecord(await inspectFile(file)));
  }
  const db = values.keep ? path.resolve(values.keep) : path.join(dir, "similar.duckdb");
  await rm(db, { force: true });
  await rm(`${db}.wal`, { force: true });
  const writer = await DuckDbCatalogStore.open(db);
  await writer.init();
  await writer.upsertBatch(templates);
  await writer.close();
  // The other rows: copies of the templates' files rows with noisy, re-normalized embeddings, made in SQL.
  const instance = await DuckDBInstance.create(db);
  const connection = await instance.connect();
  await connection.run(`
    INSERT INTO exr_metadata.files BY NAME
    SELECT * EXCLUDE (template, i) REPLACE (
             lpad(printf('%x', i), 64, '0') AS file_id,
             '/bench/file_' || i || '.exr' AS file_path,
             '/bench/file_' || i || '.exr' AS file_path_normalized,
             (SELECT list_transform(v, x -> x / sqrt(list_sum(list_transform(v, y -> y * y)))) FROM
               (SELECT list_transform(t.metadata_embedding::FLOAT[], x -> x + (random() - 0.5) * 0.05) AS v))::FLOAT[384]
               AS metadata_embedding,
             NULL AS embedding_sketch)
    FROM (SELECT *, row_number() OVER (ORDER BY file_id) - 1 AS template FROM exr_metadata.files) t
    JOIN range(${total - templates.length}) r(i) ON i % ${templates.length} = t.template`);
  await connection.run(BACKFILL_SKETCHES);
  connection.closeSync();
  instance.closeSync();
  const store = await DuckDbCatalogStore.open(db, { readOnly: true });
  const counts = await store.counts();
  const ids = (await store.query("SELECT file_id FROM files USING SAMPLE 200 ROWS")).rows.map((r) =>
    String(r[0]),
  );
  const times: number[] = [];
  const queries = Number(values.queries);
  let found = 0;
  for (let q = 0; q < queries + 3; q++) {
    const id = ids[q % ids.length]!;
    const t = performance.now();
    const hits = await store.similar({ file_id: id }, 10);
    if (hits.length !== 10) throw new Error("similar returned fewer than 10 hits");
    if (q < 3) continue;
    times.push(performance.now() - t);
    // Recall against the exact brute-force answer (same distances, same tie order).
    const exact = await store.query(
      `SELECT file_id FROM files WHERE file_id <> '${id}' ORDER BY array_cosine_distance(metadata_embedding,
         (SELECT metadata_embedding FROM files WHERE file_id = '${id}')), file_id LIMIT 10`,
    );
    const exactIds = new Set(exact.rows.map((r) => String(r[0])));
    found += hits.filter((h) => exactIds.has(h.file_id)).length;
  }
  const recall = (100 * found) / (10 * times.length);
  await store.close();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!;
  const cliStart = performance.now();
  await new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(repo, "dist/cli/main.js"), "similar", ids[0]!, "--db", db, "-k", "10"],
      (err) => (err ? reject(err) : resolve()),
    ),
  );
  const cli = performance.now() - cliStart;
  process.stdout.write(
    `${[
      `catalog: ${counts.files} files (DuckDB file, FLOAT[384] embeddings); machine: ${cpus().length} × ${cpus()[0]?.model}`,
      `similar k=10, in process: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${times.length} queries (goal < 100 ms)`,
      `recall@10 against exact brute force: ${recall.toFixed(1)}%`,
      `exr-inspector similar (whole CLI process): ${cli.toFixed(0)} ms`,
    ].join("\n")}\n`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
