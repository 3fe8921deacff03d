/**
 * VAST reads at scale against the emulator (the built one, a separate process): a catalog of N files (default
 * 100,000) is written straight through the adapter's row conversion (catalog records of one real inspected header at
 * N paths, each with its own random 384-d embedding; 1% of them last inspected a month earlier), then each read runs
 * in a fresh Node process so its peak RSS (`resourceUsage().maxRSS`) is its own:
 *   similar          the streamed top-k (src/catalog/vast/similar.ts), k = 10
 *   similar-whole    the peer: what `similar` did before — every winner files row with its embedding loaded, ranked
 *                    in memory (winnerFiles + nearestFiles)
 *   counts           streamed key columns
 *   sql              `SELECT file_path, last_inspected FROM files WHERE last_inspected < …` (pushed down), with the
 *                    bytes received against the bytes of the whole files table (every column, one full select)
 * Each is also run on an empty catalog of the same emulator: growth = peak RSS on N files − peak RSS on none.
 *
 * Usage: npm run bench:vast-reads [-- --files N] [-- --write docs/notes/vast-reads-bench.md]
 *   --only similar,counts   run only these reads
 *   --emulator URL --emulator-pid PID   use an emulator already running (not stopped at the end)
 *   --catalog NAME [--populated]        the schema of the N files (with --populated: written by an earlier run)
 *   --profile DIR           V8 CPU profiles (node --cpu-prof) of the emulator and of every read process into DIR,
 *                           so the emulator's share of a read's time can be told from the client's
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { buildRecord } from "../src/catalog/build-record.js";
import type { CatalogRecord } from "../src/catalog/rows.js";
import { nearestFiles } from "../src/catalog/similarity.js";
import { rowsToBatch } from "../src/catalog/vast/arrow-rows.js";
import { provisionCatalog } from "../src/catalog/vast/provision.js";
import { INGEST_TOKEN } from "../src/catalog/vast/table-schemas.js";
import { VastCatalogStore } from "../src/catalog/vast/vast-store.js";
import { VastTables } from "../src/catalog/vast/vast-tables.js";
import { winnerFiles } from "../src/catalog/vast/winner-rows.js";
import { sampleFiles } from "../src/core/write/sample-files.js";
import { inspect } from "../src/inspect/inspect.js";
import { BufferSource } from "../src/io/buffer-source.js";
import { VastConfig } from "../src/vast/client/config.js";
import { VastSession } from "../src/vast/client/session.js";
import { profileSummary } from "./lib/cpu-profile.js";

const execFileAsync = promisify(execFile);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const FILES = Number(arg("--files") ?? 100_000);
const PROFILE_DIR = arg("--profile") ? resolve(arg("--profile")!) : undefined;
const profileFlags = (name: string): string[] =>
  PROFILE_DIR ? ["--cpu-prof", "--cpu-prof-dir", PROFILE_DIR, "--cpu-prof-name", `${name}.cpuprofile`] : [];
const READS = (arg("--only") ?? "similar,counts,sql,similar-whole").split(",");
const K = 10;
const T_OLD = new Date("2026-11-01T00:00:00Z");
const T_NEW = new Date("2026-12-01T00:00:00Z");
const SQL =
  "SELECT file_path, last_inspected FROM files WHERE last_inspected < TIMESTAMP '2026-11-15 00:00:00'";

function config(url: string, schema: string): VastConfig {
  return new VastConfig({
    endpoint: url,
    accessKey: "bench",
    secretKey: "bench-secret",
    bucket: "vastdb",
    schema,
  });
}

function randomVector(): Float32Array {
  return Float32Array.from({ length: 384 }, () => Math.random() - 0.5);
}

/** One measured read, in this (child) process: prints `{ms, maxRssMb, bytes, rows}` as JSON. */
async function child(what: string, url: string, schema: string): Promise<void> {
  const store = await VastCatalogStore.open(config(url, schema), { readOnly: true });
  await store.init();
  const query = { embedding: randomVector() };
  const started = performance.now();
  const startedUs = process.hrtime.bigint() / 1000n;
  const cpuBefore = process.cpuUsage();
  const bytesBefore = store.session.bytesReceived;
  let rows = 0;
  if (what === "similar") rows = (await store.similar(query, K)).length;
  else if (what === "similar-whole") {
    const tables = new VastTables(store.session, store.config, { readOnly: true, keysPerQuery: 64 });
    const all = await tables.read((tx) =>
      winnerFiles(tables, tx, [
        "file_path",
        "file_path_normalized",
        "last_inspected",
        "inspection_timestamp",
        "metadata_embedding",
      ]),
    );
    rows = nearestFiles(all.rows, query, K).length;
  } else if (what === "counts") rows = (await store.counts()).files;
  else if (what === "sql") rows = (await store.query(SQL)).rows.length;
  else if (what === "table-bytes") {
    const tables = new VastTables(store.session, store.config, { readOnly: true, keysPerQuery: 64 });
    const names = (await tables.schemas()).files?.fields.map((f) => f.name) ?? [];
    await tables.read(async (tx) => {
      for await (const batch of tables.stream(tx, "files", names)) rows += batch.numRows;
    });
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const window = [Number(startedUs), Number(process.hrtime.bigint() / 1000n)];
  const bytes = store.session.bytesReceived - bytesBefore;
  await store.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify({ ms, maxRssMb, bytes, rows, cpuMs, window })}\n`);
}

interface Measure {
  ms: number;
  maxRssMb: number;
  bytes: number;
  rows: number;
  /** CPU time of the read's own process (user + system). */
  cpuMs: number;
  /** CPU time the emulator process spent meanwhile (/proc/PID/stat), i.e. serving the read. */
  emulatorCpuMs?: number;
  /** Start and end of the read on the monotonic clock, µs (the clock of V8's CPU profiles). */
  window: [number, number];
}

/** User + system CPU time of a process in ms, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[11], fields[12] = utime, stime (14th and 15th of the whole line) in clock ticks of 1/100 s
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** A read in a fresh process; a read that fails (e.g. a request timing out) is reported, not fatal. */
async function measure(
  what: string,
  url: string,
  schema: string,
  emulatorPid: number,
): Promise<Measure | { error: string }> {
  const emulatorBefore = processCpuMs(emulatorPid);
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      [...profileFlags(`read-${what}-${schema}`), process.argv[1]!, "--child", what, url, schema],
      {
        maxBuffer: 1 << 20,
        timeout: 900_000,
      },
    );
    const m = JSON.parse(stdout.trim().split("\n").pop()!) as Measure;
    const emulatorAfter = processCpuMs(emulatorPid);
    if (emulatorBefore !== undefined && emulatorAfter !== undefined)
      m.emulatorCpuMs = emulatorAfter - emulatorBefore;
    return m;
  } catch (err) {
    const text = String((err as { stderr?: string }).stderr ?? err);
    return { error: /(\w*Error: [^\n]*)/.exec(text)?.[1] ?? text.slice(0, 200) };
  }
}

function row(
  what: string,
  r: { empty: Measure | { error: string }; full: Measure | { error: string } },
): string {
  if ("error" in r.full || "error" in r.empty) {
    const error = "error" in r.full ? r.full.error : (r.empty as { error: string }).error;
    return `| ${what} | failed: ${error} | | | | | | | |`;
  }
  const emulatorCpu =
    r.full.emulatorCpuMs === undefined ? "n/a" : `${(r.full.emulatorCpuMs / 1000).toFixed(2)} s`;
  return (
    `| ${what} | ${(r.full.ms / 1000).toFixed(2)} s | ${(r.full.cpuMs / 1000).toFixed(2)} s | ${emulatorCpu} | ` +
    `${r.empty.maxRssMb.toFixed(0)} MB | ${r.full.maxRssMb.toFixed(0)} MB | ` +
    `${(r.full.maxRssMb - r.empty.maxRssMb).toFixed(0)} MB | ${(r.full.bytes / 2 ** 20).toFixed(1)} MiB | ${r.full.rows} |`
  );
}

async function startEmulator(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const main = resolve(import.meta.dirname, "../../../dist/vast/emulator/main.js");
  const flags = [...profileFlags("emulator"), main, "--port", "0", "--quiet", "--no-verify-signatures"];
  const child = spawn(process.execPath, flags, {
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
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** N catalog records (files + children, one ingest token per write), inserted in transactions of 2,000 files. */
async function populate(url: string, schema: string, n: number): Promise<void> {
  const sample = sampleFiles().find((f) => f.name.includes("channel_types")) ?? sampleFiles()[0]!;
  const inspected = await inspect(new BufferSource(sample.bytes, `memory:${sample.name}`));
  const session = await VastSession.connect(config(url, schema));
  try {
    const schemas = await provisionCatalog(session, "vastdb", schema);
    const ref = (table: string) => ({ bucket: "vastdb", schema, table });
    for (let start = 0; start < n; start += 2000) {
      const records: CatalogRecord[] = [];
      for (let i = start; i < Math.min(n, start + 2000); i++) {
        const now = i % 100 === 0 ? T_OLD : T_NEW;
        const path = `/shows/bench/seq${i % 500}/frame.${String(i).padStart(7, "0")}.exr`;
        const rec = buildRecord({ ...inspected, file: { ...inspected.file, path } }, { now });
        rec.file.metadata_embedding = randomVector();
        records.push(rec);
      }
      const token = `bench-${start}`;
      const tag = (rows: object[]) => rows.map((r) => ({ ...r, [INGEST_TOKEN]: token }));
      await session.transaction(async (tx) => {
        for (const table of ["parts", "channels", "attributes"] as const) {
          await tx.insert(
            ref(table),
            rowsToBatch(schemas[table], tag(records.flatMap((r) => r[table] as object[]))),
          );
        }
        await tx.insert(ref("files"), rowsToBatch(schemas.files, tag(records.map((r) => r.file))));
      });
    }
  } finally {
    session.close();
  }
}

function ok(m: Measure | { error: string } | undefined): m is Measure {
  return m !== undefined && !("error" in m);
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  const given = arg("--emulator");
  const emulator = given
    ? { url: given, pid: Number(arg("--emulator-pid")), stop: async () => {} }
    : await startEmulator();
  const empty = `bench_empty_${process.pid}`;
  const full = arg("--catalog") ?? `bench_full_${process.pid}`;
  const results: Record<string, { empty: Measure | { error: string }; full: Measure | { error: string } }> =
    {};
  try {
    const session = await VastSession.connect(config(emulator.url, empty));
    await provisionCatalog(session, "vastdb", empty);
    session.close();
    const t0 = performance.now();
    if (!process.argv.includes("--populated")) await populate(emulator.url, full, FILES);
    const populateS = (performance.now() - t0) / 1000;
    const load = loadavg()[0]!.toFixed(1);
    const lines = [
      `VAST reads on ${FILES.toLocaleString("en-US")} files in the emulator (${new Date().toISOString().slice(0, 10)}; ` +
        `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${load} at the start of the reads — the machine is shared; catalog written in ${populateS.toFixed(0)} s)`,
      "",
      "| read | time on N files | CPU of the read (client) | CPU of the emulator meanwhile | peak RSS, empty catalog | peak RSS, N files | growth | bytes received | rows |",
      "|---|---|---|---|---|---|---|---|---|",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    for (const what of READS) {
      results[what] = {
        empty: await measure(what, emulator.url, empty, emulator.pid),
        full: await measure(what, emulator.url, full, emulator.pid),
      };
      lines.push(row(what, results[what]!));
      process.stdout.write(`${lines[lines.length - 1]}\n`);
    }
    const printed = lines.length;
    const table = READS.includes("sql")
      ? await measure("table-bytes", emulator.url, full, emulator.pid)
      : undefined;
    if (ok(table)) {
      lines.push(
        "",
        `files table, every column, one full select: ${(table.bytes / 2 ** 20).toFixed(1)} MiB (${table.rows} rows).`,
      );
      const sql = results.sql?.full;
      if (ok(sql)) {
        lines.push(
          `sql with a WHERE on last_inspected (1% of the rows match) received ${((100 * sql.bytes) / table.bytes).toFixed(1)}% of the table's bytes.`,
        );
      }
    }
    const [s, w] = [results.similar, results["similar-whole"]];
    if (s && w && ok(s.full) && ok(s.empty) && ok(w.full) && ok(w.empty)) {
      lines.push(
        `similar vs the whole-table peer, same run: ${(w.full.ms / s.full.ms).toFixed(1)}× faster, peak RSS growth ` +
          `${(w.full.maxRssMb - w.empty.maxRssMb).toFixed(0)} MB → ${(s.full.maxRssMb - s.empty.maxRssMb).toFixed(0)} MB.`,
      );
    }
    const text = `${lines.join("\n")}\n`;
    process.stdout.write(`${lines.slice(printed).join("\n")}\n`);
    const out = arg("--write");
    if (out) writeFileSync(out, text);
  } finally {
    await emulator.stop();
  }
  if (PROFILE_DIR) {
    for (const [what, r] of Object.entries(results)) {
      if (!ok(r.full)) continue;
      process.stdout.write(`\n${what} on ${FILES} files, CPU profile by self time:\n`);
      process.stdout.write(
        profileSummary(join(PROFILE_DIR, "emulator.cpuprofile"), "emulator (during the read)", r.full.window),
      );
      process.stdout.write(
        profileSummary(join(PROFILE_DIR, `read-${what}-${full}.cpuprofile`), "read process"),
      );
    }
  }
}

await main();
