/**
 * VAST ingest throughput against the emulator, in one run:
 *   seed    = the seed's pattern as the official SDK runs it: per file a new session (version probe), a
 *             transaction, bucket/schema/table lookups, select the file by (file_path_normalized, header_hash),
 *             then insert files, parts, channels and attributes rows, commit
 *   batched = VastCatalogStore.upsertBatch: one session, many files per transaction, post-commit duplicate check
 *   bulk    = the same with `bulkImport`: each transaction's new rows staged as Parquet objects on the emulator's S3
 *             side and imported server-side (`import_files`) instead of Arrow row inserts
 * All three write the same kind of catalog records (a real EXR header inspected once, at distinct paths) into fresh
 * schemas of the same emulator (the built one, `dist/vast/emulator/main.js`, a separate process).
 *
 * Usage: npm run bench:vast [-- --seed-files N] [-- --files N] [-- --batch N] [-- --write docs/notes/vast-bench.md]
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { buildRecord } from "../src/catalog/build-record.js";
import type { CatalogRecord } from "../src/catalog/rows.js";
import { rowsToBatch } from "../src/catalog/vast/arrow-rows.js";
import { provisionCatalog } from "../src/catalog/vast/provision.js";
import { INGEST_TOKEN } from "../src/catalog/vast/table-schemas.js";
import { VastCatalogStore } from "../src/catalog/vast/vast-store.js";
import { sampleFiles } from "../src/core/write/sample-files.js";
import { inspect } from "../src/inspect/inspect.js";
import { BufferSource } from "../src/io/buffer-source.js";
import { VastConfig } from "../src/vast/client/config.js";
import { eq } from "../src/vast/client/predicate.js";
import { select } from "../src/vast/client/select.js";
import { VastSession } from "../src/vast/client/session.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const SEED_FILES = arg("--seed-files", 200);
const FILES = arg("--files", 4000);
const BATCH = arg("--batch", 500);

async function startEmulator(): Promise<{ url: string; stop: () => void }> {
  const main = resolve(import.meta.dirname, "../../../dist/vast/emulator/main.js");
  const child = spawn(process.execPath, [main, "--port", "0", "--quiet"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once("exit", (code) => fail(new Error(`emulator exited with ${code} (run npm run build first)`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

async function makeRecords(n: number, prefix: string): Promise<CatalogRecord[]> {
  const sample = sampleFiles().find((f) => f.name.includes("channel_types")) ?? sampleFiles()[0]!;
  const bytes = sample.bytes;
  const result = await inspect(new BufferSource(bytes, `memory:${sample.name}`));
  const now = new Date();
  return Array.from({ length: n }, (_, i) =>
    buildRecord(
      { ...result, file: { ...result.file, path: `/${prefix}/seq${i % 50}/frame.${i}.exr` } },
      { now },
    ),
  );
}

function config(url: string, schema: string): VastConfig {
  return new VastConfig({
    endpoint: url,
    accessKey: "bench",
    secretKey: "bench-secret",
    bucket: "vastdb",
    schema,
  });
}

/**
 * The seed's pattern, RPC for RPC as the official SDK performs it: `vastdb.connect()` (version probe) per file,
 * a transaction, `tx.bucket()` (HEAD), `.schema()` (exact listing), `.table()` for each table it touches (exact
 * listing, stats, columns), the select by key, the four inserts, commit.
 */
async function seedPattern(url: string, records: CatalogRecord[]): Promise<number> {
  const cfg = config(url, "bench_seed");
  const setup = await VastSession.connect(cfg);
  const schemas = await provisionCatalog(setup, cfg.bucket, cfg.schema);
  setup.close();
  const ref = (table: string) => ({ bucket: cfg.bucket, schema: cfg.schema, table });
  const started = performance.now();
  for (const rec of records) {
    const session = await VastSession.connect(cfg);
    try {
      await session.transaction(async (tx) => {
        await tx.assertBucket(cfg.bucket);
        if (!(await tx.schemaExists(cfg.bucket, cfg.schema))) throw new Error("schema vanished");
        const open = async (table: string) => {
          if (!(await tx.tableExists(ref(table)))) throw new Error(`table ${table} vanished`);
          await tx.stats(ref(table));
          return tx.columns(ref(table));
        };
        await open("files");
        const existing = await select(tx, ref("files"), schemas.files, {
          columns: ["file_id"],
          predicate: [
            eq("file_path_normalized", rec.file.file_path_normalized),
            eq("header_hash", rec.file.header_hash),
          ],
        });
        if (existing.numRows > 0) return;
        const tag = (rows: object[]) => rows.map((r) => ({ ...r, [INGEST_TOKEN]: null }));
        await tx.insert(ref("files"), rowsToBatch(schemas.files, tag([rec.file])));
        for (const table of ["parts", "channels", "attributes"] as const) {
          await open(table);
          const rows = tag(rec[table] as object[]);
          if (rows.length > 0) await tx.insert(ref(table), rowsToBatch(schemas[table], rows));
        }
      });
    } finally {
      session.close();
    }
  }
  return records.length / ((performance.now() - started) / 1000);
}

async function batched(url: string, records: CatalogRecord[], bulkImport: boolean): Promise<number> {
  const store = await VastCatalogStore.open(config(url, bulkImport ? "bench_bulk" : "bench_batched"), {
    filesPerTransaction: BATCH,
    bulkImport,
  });
  await store.init();
  const started = performance.now();
  for (let i = 0; i < records.length; i += BATCH) await store.upsertBatch(records.slice(i, i + BATCH));
  const rate = records.length / ((performance.now() - started) / 1000);
  const counts = await store.counts();
  await store.close();
  if (counts.files !== records.length)
    throw new Error(`${bulkImport ? "bulk" : "batched"} run stored ${counts.files} files`);
  return rate;
}

const emulator = await startEmulator();
try {
  const seedRecords = await makeRecords(SEED_FILES, "seed");
  const batchRecords = await makeRecords(FILES, "batched");
  const bulkRecords = await makeRecords(FILES, "bulk");
  const children =
    seedRecords[0]!.parts.length + seedRecords[0]!.channels.length + seedRecords[0]!.attributes.length;
  const seedRate = await seedPattern(emulator.url, seedRecords);
  const loadBefore = loadavg()[0]!;
  const batchRate = await batched(emulator.url, batchRecords, false);
  const bulkRate = await batched(emulator.url, bulkRecords, true);
  const ratio = batchRate / seedRate;
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const lines = [
    `VAST ingest into the emulator (${new Date().toISOString().slice(0, 10)}, ${machine})`,
    `  each file: 1 files row + ${children} child rows`,
    `  seed pattern (session + transaction per file, select then insert): ${SEED_FILES} files, ${seedRate.toFixed(1)} files/s`,
    `  batched upsert (${BATCH} files per transaction):                    ${FILES} files, ${batchRate.toFixed(1)} files/s`,
    `  bulk import (${BATCH} files per transaction, Parquet + import_files): ${FILES} files, ${bulkRate.toFixed(1)} files/s`,
    `  ratio batched/seed: ${ratio.toFixed(1)}x (goal >= 20x); bulk/seed: ${(bulkRate / seedRate).toFixed(1)}x; bulk/batched: ${(bulkRate / batchRate).toFixed(2)}x`,
    `  load average (1 min) before/after: ${loadBefore.toFixed(1)} / ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const out = process.argv.indexOf("--write");
  if (out >= 0) writeFileSync(process.argv[out + 1]!, `${lines.join("\n")}\n`);
} finally {
  emulator.stop();
}
