/**
 * Header-inspection throughput on the corpus's valid files, repeated x10, in one process:
 *   ours   = inspectFile() (headers, offset tables, last-chunk check, derivation, validation)
 *   floor  = open + read 64 KiB + close (the I/O any header reader must do)
 *   exrinfo = OpenEXR's C tool, one process with every file of the x10 list as arguments (when installed)
 * Rounds interleave the contenders to share cache and machine noise; medians are reported, with ratios.
 *
 * Usage: npm run bench:headers [-- --rounds N] [-- --write docs/BENCHMARKS.md]   (corpus: $EXR_CORPUS, default ../shared/corpus)
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { inspectFile } from "../src/inspect/inspect.js";
import { validCorpusFiles } from "./lib/corpus.js";
import { forEachLimited, median } from "./lib/stats.js";

const REPEAT = 10;
const FLOOR_BYTES = 64 * 1024;
const CONCURRENCY = 16;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function floorRead(path: string, buf: Uint8Array): Promise<void> {
  const fh = await open(path, "r");
  try {
    await fh.read(buf, 0, FLOOR_BYTES, 0);
  } finally {
    await fh.close();
  }
}

/** The same floor with blocking calls (no thread-pool round trips): the cheapest way Node can do it. */
function floorReadSync(path: string, buf: Uint8Array): void {
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, FLOOR_BYTES, 0);
  } finally {
    closeSync(fd);
  }
}

async function timePass(
  files: string[],
  limit: number,
  fn: (path: string) => Promise<unknown>,
): Promise<number> {
  const t0 = performance.now();
  await forEachLimited(files, limit, fn);
  return files.length / ((performance.now() - t0) / 1000);
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

/** "Goal G: met|missed (ratio, label; ...)" from measured numbers only. */
function verdict(goal: string, pairs: Array<[string, number | null, number | null]>, target: number): string {
  const parts = pairs
    .filter(([, a, b]) => a && b)
    .map(([label, a, b]) => {
      const r = a! / b!;
      return `${r >= target ? "met" : "missed"} ${label} (${r.toFixed(2)})`;
    });
  return `Goal ${goal}: ${parts.length ? parts.join("; ") : "not measured"}.`;
}

async function main(): Promise<void> {
  const corpus = resolve(process.env.EXR_CORPUS ?? "../shared/corpus");
  if (!existsSync(corpus)) {
    process.stderr.write(`bench:headers: no corpus at ${corpus} (set EXR_CORPUS)\n`);
    process.exit(2);
  }
  const rounds = Number(arg("--rounds") ?? 5);
  const base = validCorpusFiles(corpus);
  const files = Array.from({ length: REPEAT }, () => base).flat();
  const exrinfo = whichExrinfo();
  const buf = new Uint8Array(FLOOR_BYTES);
  const floorOne = (p: string) => floorRead(p, new Uint8Array(FLOOR_BYTES));

  // Warm the page cache and the JIT once; every contender then reads from memory.
  for (const p of base) await floorRead(p, buf);
  for (const p of base) await inspectFile(p);

  const m: Record<string, number[]> = {
    ours1: [],
    floor1: [],
    floorSync: [],
    oursN: [],
    floorN: [],
    exrinfo: [],
  };
  let exrinfoErrors = 0;
  let incomplete = 0;
  for (const p of base) if (!(await inspectFile(p)).file.is_complete) incomplete++;
  for (let r = 0; r < rounds; r++) {
    const contenders: Array<() => Promise<void>> = [
      async () => void m.floor1!.push(await timePass(files, 1, (p) => floorRead(p, buf))),
      async () => void m.ours1!.push(await timePass(files, 1, (p) => inspectFile(p))),
      async () =>
        void m.floorSync!.push(
          await timePass(files, 1, async (p) => {
            floorReadSync(p, buf);
          }),
        ),
      async () => void m.floorN!.push(await timePass(files, CONCURRENCY, floorOne)),
      async () =>
        void m.oursN!.push(await timePass(files, CONCURRENCY, (p) => inspectFile(p, { io: "async" }))),
      async () => {
        if (!exrinfo) return;
        const e = timeExrinfo(exrinfo, files);
        m.exrinfo!.push(e.filesPerSecond);
        exrinfoErrors = e.errors;
      },
    ];
    if (r % 2) contenders.reverse();
    for (const c of contenders) await c();
  }

  const med = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.length ? median(v) : null]));
  const fmt = (v: number | null) => (v === null ? "n/a" : Math.round(v).toLocaleString("en-US"));
  const ratio = (a: number | null, b: number | null) => (a && b ? (a / b).toFixed(2) : "n/a");
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    `Date: ${date}`,
    `Machine: ${cpus().length} CPUs (${cpu}), Node ${process.version}, ${process.platform}/${process.arch}; load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        " / ",
      )} (1/5/15 min; the machine may be shared, so compare same-run ratios, not absolute numbers)`,
    `Files: ${base.length} valid corpus files x${REPEAT} = ${files.length} inspections per pass; ${rounds} interleaved rounds, medians (files/s). ${incomplete} of the ${base.length} are reported incomplete by us.`,
    "",
    "| contender | files/s |",
    "| --- | ---: |",
    `| exr-inspector \`inspectFile(path)\` (default: blocking reads), one file at a time | ${fmt(med.ours1 ?? null)} |`,
    `| exr-inspector \`inspectFile(path, {io: "async"})\`, 16 files in flight | ${fmt(med.oursN ?? null)} |`,
    `| raw floor, blocking: openSync + readSync 64 KiB + closeSync | ${fmt(med.floorSync ?? null)} |`,
    `| raw floor, fs/promises: open + read 64 KiB + close, one at a time | ${fmt(med.floor1 ?? null)} |`,
    `| raw floor, fs/promises, 16 in flight | ${fmt(med.floorN ?? null)} |`,
    `| \`exrinfo\` (OpenEXR's C tool; one process, all ${files.length} paths as arguments) | ${exrinfo ? fmt(med.exrinfo ?? null) : "not installed"} |`,
    "",
    `Ratios (goals: ours/floor >= 0.5, ours/exrinfo >= 1): ours/floor ${ratio(med.ours1 ?? null, med.floorSync ?? null)} (blocking vs blocking), ` +
      `${ratio(med.ours1 ?? null, med.floor1 ?? null)} (ours blocking vs the fs/promises floor), ` +
      `${ratio(med.oursN ?? null, med.floorN ?? null)} (both fs/promises, 16 in flight); ` +
      `ours/exrinfo ${ratio(med.ours1 ?? null, med.exrinfo ?? null)} (default mode), ${ratio(med.oursN ?? null, med.exrinfo ?? null)} (async, 16 in flight).`,
    verdict(
      "ours/floor >= 0.5",
      [
        ["blocking vs blocking", med.ours1 ?? null, med.floorSync ?? null],
        ["ours blocking vs the fs/promises floor", med.ours1 ?? null, med.floor1 ?? null],
      ],
      0.5,
    ),
    verdict("ours/exrinfo >= 1", [["default mode", med.ours1 ?? null, med.exrinfo ?? null]], 1),
    "",
    "Work per file: ours parses and decodes every header attribute, derives parts/channels/tiling, hashes the header " +
      "(SHA-256), reads and checks every offset-table entry and the last chunk's header (completeness), and validates; " +
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
