/**
 * Header-inspection throughput on the corpus's valid files, repeated x10, in one process:
 *   ours (library) = inspectFileSync() one file at a time (headers, offset tables, last-chunk check,
 *                    derivation, validation), the result objects only
 *   ours (CLI)     = what `exr-inspector inspect --format ndjson` does: walk the paths, inspect, render
 *                    each result as a JSON line, in input order; with --jobs 1 (the first 256 files on this
 *                    thread with timed reads, then one worker thread) and on N worker threads
 *   floor          = open + read 64 KiB + close (the I/O any header reader must do), in this thread and
 *                    on the same N worker threads
 *   exrinfo        = OpenEXR's C tool, one process with every file of the x10 list as arguments (when installed)
 * Rounds interleave the contenders to share cache and machine noise; medians are reported, with ratios.
 * Worker pools are started once (their start-up is reported separately), as in a long multi-file run.
 *
 * Usage: npm run bench:headers [-- --rounds N] [-- --write docs/BENCHMARKS.md]   (corpus: $EXR_CORPUS, default ../shared/corpus)
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { RenderKind } from "../src/cli/output/render.js";
import { createRenderPool, type RenderPool, renderPaths } from "../src/cli/output/run.js";
import { inspectFileSync } from "../src/inspect/inspect.js";
import { WorkerPool } from "../src/parallel/worker-pool.js";
import { validCorpusFiles } from "./lib/corpus.js";
import { median } from "./lib/stats.js";

const REPEAT = 10;
const FLOOR_BYTES = 64 * 1024;
const FLOOR_BATCH = 32;
const WARMUP_ROUNDS = 4;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The floor with blocking calls (no thread-pool round trips): the cheapest way Node can do it. */
function floorReadSync(path: string, buf: Uint8Array): void {
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, FLOOR_BYTES, 0);
  } finally {
    closeSync(fd);
  }
}

function rate(count: number, t0: number): number {
  return count / ((performance.now() - t0) / 1000);
}

/** The floor on the pool's threads: batches of paths, up to two per thread in flight. */
async function floorOnWorkers(pool: WorkerPool<string[], number>, files: string[]): Promise<number> {
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += FLOOR_BATCH) batches.push(files.slice(i, i + FLOOR_BATCH));
  let next = 0;
  const lane = async () => {
    while (next < batches.length) await pool.run(batches[next++]!);
  };
  await Promise.all(Array.from({ length: pool.size * 2 }, lane));
  return files.length;
}

/** The CLI's multi-file path without the terminal (`inspect --format ndjson` / `validate`): every rendered text is produced and counted. */
async function cliRun(kind: RenderKind, files: string[], jobs: number, pool?: RenderPool): Promise<number> {
  let bytes = 0;
  await renderPaths({
    paths: files,
    kind,
    jobs,
    ...(pool ? { pool } : {}),
    emit: ({ text }) => {
      bytes += text.length;
    },
  });
  return bytes;
}

function whichExrinfo(): string | null {
  const r = spawnSync("sh", ["-c", "command -v exrinfo"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

function timeExrinfo(bin: string, files: string[]): { filesPerSecond: number; errors: number } {
  const t0 = performance.now();
  const r = spawnSync(bin, files, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const errors = (r.stderr?.toString("utf8").match(/ERROR/g) ?? []).length;
  return { filesPerSecond: files.length / seconds, errors };
}

const BEGIN = "<!-- bench:headers begin (written by npm run bench:headers -- --write) -->";
const END = "<!-- bench:headers end -->";

/** Replaces this benchmark's section of a shared results file (other benchmarks keep theirs). */
function writeSection(file: string, text: string): void {
  const section = `${BEGIN}\n## Header inspection (\`npm run bench:headers\`)\n\n${text}\n${END}`;
  const old = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = old.indexOf(BEGIN);
  const end = old.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${old.slice(0, start)}${section}${old.slice(end + END.length)}`
      : `${old.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

/** "Goal G: met|missed (ratio, label; ...)" from measured ratios only (null: not measured). */
function verdict(goal: string, pairs: Array<[string, number | null]>, target: number): string {
  const parts = pairs
    .filter(([, r]) => r !== null)
    .map(([label, r]) => `${r! >= target ? "met" : "missed"} ${label} (${r!.toFixed(2)})`);
  return `Goal ${goal}: ${parts.length ? parts.join("; ") : "not measured"}.`;
}

async function main(): Promise<void> {
  const corpus = resolve(process.env.EXR_CORPUS ?? "../shared/corpus");
  if (!existsSync(corpus)) {
    process.stderr.write(`bench:headers: no corpus at ${corpus} (set EXR_CORPUS)\n`);
    process.exit(2);
  }
  const rounds = Number(arg("--rounds") ?? 7);
  const jobs = Math.max(2, availableParallelism());
  const base = validCorpusFiles(corpus);
  const files = Array.from({ length: REPEAT }, () => base).flat();
  const exrinfo = whichExrinfo();
  const buf = new Uint8Array(FLOOR_BYTES);

  // Warm the page cache and the JIT once; every contender then reads from memory.
  for (const p of base) floorReadSync(p, buf);
  for (const p of base) inspectFileSync(p);
  const t0 = performance.now();
  const renderPool = createRenderPool(jobs);
  await cliRun("ndjson", base, jobs, renderPool);
  const workerStartMs = performance.now() - t0;
  const floorPool = new WorkerPool<string[], number>(
    new URL("./lib/floor-worker.js", import.meta.url),
    jobs,
    (_, err) => {
      throw err;
    },
  );
  await floorOnWorkers(floorPool, base);

  const m: Record<string, number[]> = {
    ours1: [],
    cli1: [],
    cliN: [],
    validate1: [],
    validateN: [],
    floorSync: [],
    floorN: [],
    exrinfo: [],
  };
  let exrinfoErrors = 0;
  let incomplete = 0;
  for (const p of base) if (!inspectFileSync(p).file.is_complete) incomplete++;
  // Unrecorded warm-up rounds: V8 reaches full speed only after a few thousand inspections, in every thread
  // separately (measured: the first 860 run at a quarter of the speed of the fourth 860).
  let warming = true;
  const record = (into: number[], filesPerSecond: number) => {
    if (!warming) into.push(filesPerSecond);
  };
  for (let r = -WARMUP_ROUNDS; r < rounds; r++) {
    warming = r < 0;
    /** Times one pass of the x10 list and records its files/s in `into`. */
    const timed = (into: number[], pass: () => unknown) => async () => {
      const start = performance.now();
      await pass();
      record(into, rate(files.length, start));
    };
    const contenders: Array<() => Promise<void>> = [
      timed(m.ours1!, () => {
        for (const p of files) inspectFileSync(p);
      }),
      timed(m.floorSync!, () => {
        for (const p of files) floorReadSync(p, buf);
      }),
      timed(m.cli1!, () => cliRun("ndjson", files, 1)),
      timed(m.cliN!, () => cliRun("ndjson", files, jobs, renderPool)),
      timed(m.validate1!, () => cliRun("findings-text", files, 1)),
      timed(m.validateN!, () => cliRun("findings-text", files, jobs, renderPool)),
      timed(m.floorN!, () => floorOnWorkers(floorPool, files)),
      async () => {
        if (!exrinfo) return;
        const e = timeExrinfo(exrinfo, files);
        record(m.exrinfo!, e.filesPerSecond);
        exrinfoErrors = e.errors;
      },
    ];
    if (r % 2) contenders.reverse();
    for (const c of contenders) await c();
  }
  await renderPool.close();
  await floorPool.close();

  const med = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.length ? median(v) : null]));
  const fmt = (v: number | null) => (v === null ? "n/a" : Math.round(v).toLocaleString("en-US"));
  // Contenders of one round ran back to back, so their ratio is taken per round and the median of those
  // reported: the machine's speed drifts between rounds by more than the differences measured here.
  const paired = (a: number[], b: number[]): number | null =>
    a.length && a.length === b.length ? median(a.map((x, i) => x / b[i]!)) : null;
  const spread = (a: number[], b: number[]): string => {
    if (!a.length || a.length !== b.length) return "";
    const r = a.map((x, i) => x / b[i]!);
    return ` [${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}]`;
  };
  const ratio = (a: keyof typeof m, b: keyof typeof m) => {
    const r = paired(m[a]!, m[b]!);
    return r === null ? "n/a" : `${r.toFixed(2)}${spread(m[a]!, m[b]!)}`;
  };
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    `Date: ${date}`,
    `Machine: ${cpus().length} CPUs (${cpu}), Node ${process.version}, ${process.platform}/${process.arch}; load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        " / ",
      )} (1/5/15 min; the machine may be shared, so compare same-run ratios, not absolute numbers)`,
    `Files: ${base.length} valid corpus files x${REPEAT} = ${files.length} inspections per pass; ${rounds} interleaved rounds after ${WARMUP_ROUNDS} unrecorded warm-up rounds, medians (files/s). ${incomplete} of the ${base.length} are reported incomplete by us.`,
    "",
    "| contender | files/s |",
    "| --- | ---: |",
    `| exr-inspector library: \`inspectFileSync(path)\`, one file at a time, this thread | ${fmt(med.ours1 ?? null)} |`,
    `| exr-inspector CLI path (\`inspect --format ndjson --jobs 1\`: walk, inspect, render JSON lines; the first 256 files on this thread with timed reads, the rest on 1 worker thread started by the run) | ${fmt(med.cli1 ?? null)} |`,
    `| exr-inspector CLI path (\`inspect --format ndjson --jobs ${jobs}\`), ${jobs} worker threads | ${fmt(med.cliN ?? null)} |`,
    `| exr-inspector \`validate --jobs 1\` path (the same inspection, findings printed: short output like exrinfo's; threads as for --jobs 1 above) | ${fmt(med.validate1 ?? null)} |`,
    `| exr-inspector \`validate --jobs ${jobs}\` path, ${jobs} worker threads | ${fmt(med.validateN ?? null)} |`,
    `| raw floor: openSync + readSync 64 KiB + closeSync, this thread | ${fmt(med.floorSync ?? null)} |`,
    `| raw floor, the same on ${jobs} worker threads | ${fmt(med.floorN ?? null)} |`,
    `| \`exrinfo\` (OpenEXR's C tool; one process, one thread, all ${files.length} paths as arguments) | ${exrinfo ? fmt(med.exrinfo ?? null) : "not installed"} |`,
    "",
    `Worker threads: ${jobs} (this machine's CPUs, at least 2); starting them and their first batch took ${workerStartMs.toFixed(0)} ms once, not counted above.`,
    "Ratios (median of the per-round ratios, [lowest–highest round]):",
    `ours/floor ${ratio("validateN", "floorSync")} (validate on ${jobs} threads vs the floor in one thread), ` +
      `${ratio("validateN", "floorN")} (both on ${jobs} threads), ${ratio("ours1", "floorSync")} (library vs floor, both in one thread);`,
    `ours/exrinfo ${ratio("validateN", "exrinfo")} (validate on ${jobs} threads), ${ratio("cliN", "exrinfo")} (ndjson on ${jobs} threads), ` +
      `${ratio("validate1", "exrinfo")} (validate in one thread), ${ratio("ours1", "exrinfo")} (library in one thread, no rendering).`,
    exrinfo
      ? `exrinfo/floor ${ratio("exrinfo", "floorSync")} (OpenEXR's own C tool, which does less per file than ours, against the same floor goal of 0.5).`
      : "exrinfo/floor n/a (exrinfo not installed).",
    verdict(
      "ours/floor >= 0.5",
      [
        [`validate on ${jobs} threads vs the floor in one thread`, paired(m.validateN!, m.floorSync!)],
        [`validate vs floor, both on ${jobs} threads`, paired(m.validateN!, m.floorN!)],
        ["library vs floor, both in one thread", paired(m.ours1!, m.floorSync!)],
      ],
      0.5,
    ),
    verdict(
      "ours/exrinfo >= 1",
      [
        [`validate on ${jobs} threads`, paired(m.validateN!, m.exrinfo!)],
        [`inspect --format ndjson on ${jobs} threads`, paired(m.cliN!, m.exrinfo!)],
        ["library in one thread", paired(m.ours1!, m.exrinfo!)],
      ],
      1,
    ),
    "",
    "Work per file: ours parses and decodes every header attribute, derives parts/channels/tiling, hashes the header " +
      "(SHA-256; not on the validate path, which does not print it), reads and checks every offset-table entry and the " +
      "last chunk's header (completeness), and validates; " +
      "the floor only opens, reads up to 64 KiB and closes; plain `exrinfo` parses the headers and prints a summary " +
      "(it does not read offset tables).",
    exrinfo
      ? `exrinfo printed ${exrinfoErrors} ERROR lines on this list.`
      : "exrinfo not installed (apt-get install openexr).",
    `Rounds (files/s): ${Object.entries(m)
      .filter(([, v]) => v.length)
      .map(([k, v]) => `${k} ${v.map((x) => Math.round(x)).join("/")}`)
      .join("; ")}`,
  ];
  const text = lines.join("\n");
  process.stdout.write(`${text}\n`);
  const out = arg("--write");
  if (out) writeSection(out, text);
}

await main();
