/**
 * The CLI as a user types it, against OpenEXR's `exrinfo -v -a`, on the corpus's valid files repeated to ~22k paths
 * (page cache warm): whole processes, paths as arguments, stdout and stderr to /dev/null. Contenders of a round run
 * back to back and their ratios are taken per round (the machine's speed drifts between rounds, other processes share
 * it): medians of the per-round ratios are reported with their range, the load average next to each round.
 *
 *   validate            `exr-inspector validate PATHS…` with the default -j, and with -j 1 and -j 2
 *   inspect ndjson      `exr-inspector inspect --format ndjson PATHS…`, the same three -j settings
 *   (each run is the bin, dist/cli/launch.cjs: the bundled CLI when `npm run build` made one)
 *   baseline (optional) the same default-j commands from another build (`--baseline DIR`: a copy of an earlier
 *                       `dist/`, e.g. bench/out/base/dist), to measure a change in the same run
 *
 * Usage: npm run bench:cli [-- --rounds N] [-- --repeat N] [-- --baseline DIR] [-- --write docs/BENCHMARKS.md]
 * (corpus: $EXR_CORPUS, default ../shared/corpus). `--repeat N` (default 256: ~22k paths) repeats the list N times.
 * A list too long for one command line (Linux: 2 MiB of arguments and environment, reached near x300) is handed over
 * as a user would: our CLI reads it from stdin (`validate -`), `exrinfo` gets it through `xargs` (a few processes).
 * The output says which N and which form were used.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { validCorpusFiles } from "./lib/corpus.js";
import { median } from "./lib/stats.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** CPU time of waited-for children so far (user + system, seconds), from /proc (Linux). */
function childrenCpuSeconds(): number {
  if (!existsSync("/proc/self/stat")) return Number.NaN;
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 16 and 17 of the whole line (cutime, cstime) are 13 and 14 after the command name, 0-based.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface Contender {
  key: string;
  label: string;
  command: string;
  args: string[];
  /** How the path list reaches it when it does not fit on a command line. */
  longList: "stdin" | "xargs";
}

/** Bytes of arguments above which the list goes through stdin/xargs (ARG_MAX is 2 MiB with the environment). */
const MAX_ARGUMENT_BYTES = 1_500_000;

interface Timing {
  filesPerSecond: number;
  cpuSeconds: number;
  status: number | null;
}

const devNull = openSync("/dev/null", "w");

/** The list, one path per line, for runs that read it from stdin. */
const listFile = resolve(tmpdir(), `bench-cli-${process.pid}.txt`);

function argumentBytes(files: string[]): number {
  return files.reduce((n, f) => n + Buffer.byteLength(f) + 1, 0);
}

function run(c: Contender, files: string[]): Timing {
  const asArguments = argumentBytes(files) <= MAX_ARGUMENT_BYTES;
  let stdin: number | "ignore" = "ignore";
  if (!asArguments) {
    writeFileSync(listFile, `${files.join("\n")}\n`);
    stdin = openSync(listFile, "r");
  }
  const [command, args] = asArguments
    ? [c.command, [...c.args, ...files]]
    : c.longList === "stdin"
      ? [c.command, [...c.args, "-"]]
      : ["xargs", ["-d", "\n", c.command, ...c.args]];
  const cpu0 = childrenCpuSeconds();
  const t0 = performance.now();
  const r = spawnSync(command, args, {
    stdio: [stdin, devNull, devNull],
    timeout: 600_000,
  });
  if (typeof stdin === "number") closeSync(stdin);
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  return {
    filesPerSecond: files.length / seconds,
    cpuSeconds: childrenCpuSeconds() - cpu0,
    status: r.status,
  };
}

const BEGIN = "<!-- bench:cli begin (written by npm run bench:cli -- --write) -->";
const END = "<!-- bench:cli end -->";

function writeSection(file: string, text: string): void {
  const section = `${BEGIN}\n## The CLI as typed vs \`exrinfo\` (\`npm run bench:cli\`)\n\n${text}\n${END}`;
  const old = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = old.indexOf(BEGIN);
  const end = old.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${old.slice(0, start)}${section}${old.slice(end + END.length)}`
      : `${old.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

function main(): void {
  const corpus = resolve(process.env.EXR_CORPUS ?? "../shared/corpus");
  if (!existsSync(corpus)) {
    process.stderr.write(`bench:cli: no corpus at ${corpus} (set EXR_CORPUS)\n`);
    process.exit(2);
  }
  const exrinfo = spawnSync("sh", ["-c", "command -v exrinfo"], { encoding: "utf8" }).stdout.trim();
  if (!exrinfo) {
    process.stderr.write("bench:cli: exrinfo is not installed (apt-get install openexr)\n");
    process.exit(2);
  }
  const rounds = Number(arg("--rounds") ?? 5);
  const base = validCorpusFiles(corpus);
  const repeat = Number(arg("--repeat") ?? Math.ceil(22_000 / base.length));
  const files = Array.from({ length: repeat }, () => base).flat();
  // The bin a user types: dist/cli/launch.cjs runs the bundled CLI with its code cache when the build made one.
  const cli = resolve("dist/cli/launch.cjs");
  const baseline = arg("--baseline");
  const node = process.execPath;
  const ours = (key: string, label: string, main: string, args: string[]): Contender => ({
    key,
    label,
    command: node,
    args: [main, ...args],
    longList: "stdin",
  });
  const contenders: Contender[] = [
    {
      key: "exrinfo",
      label: "`exrinfo -v -a PATHS…`",
      command: exrinfo,
      args: ["-v", "-a"],
      longList: "xargs",
    },
    ours("validate", "`validate PATHS…` (default -j)", cli, ["validate"]),
    ours("validate1", "`validate -j 1 PATHS…`", cli, ["validate", "-j", "1"]),
    ours("validate2", "`validate -j 2 PATHS…`", cli, ["validate", "-j", "2"]),
    ours("ndjson", "`inspect --format ndjson PATHS…` (default -j)", cli, ["inspect", "--format", "ndjson"]),
    ours("ndjson1", "`inspect --format ndjson -j 1 PATHS…`", cli, [
      "inspect",
      "--format",
      "ndjson",
      "-j",
      "1",
    ]),
    ours("ndjson2", "`inspect --format ndjson -j 2 PATHS…`", cli, [
      "inspect",
      "--format",
      "ndjson",
      "-j",
      "2",
    ]),
  ];
  if (baseline) {
    // An older build without the launcher runs its modules.
    const launcher = resolve(baseline, "cli/launch.cjs");
    const main = existsSync(launcher) ? launcher : resolve(baseline, "cli/main.js");
    contenders.push(
      ours("baseValidate", `baseline \`validate\` (default -j; ${baseline})`, main, ["validate"]),
      ours("baseNdjson", "baseline `inspect --format ndjson` (default -j)", main, [
        "inspect",
        "--format",
        "ndjson",
      ]),
    );
  }

  // Page cache and binaries warm before the first recorded round.
  for (const c of contenders) run(c, base);
  const rows: Array<Record<string, Timing> & { load?: never }> = [];
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...contenders].reverse() : contenders;
    const row: Record<string, Timing> = {};
    for (const c of order) row[c.key] = run(c, files);
    rows.push(row);
    loads.push(loadavg()[0]!);
    process.stderr.write(
      `round ${r + 1}/${rounds} (load ${loadavg()[0]!.toFixed(1)}): ${contenders
        .map((c) => `${c.key} ${Math.round(row[c.key]!.filesPerSecond)}`)
        .join(", ")}\n`,
    );
  }

  const per = (key: string) => rows.map((row) => row[key]!);
  const ratioOf = (a: string, b: (row: Record<string, Timing>) => number) =>
    rows.map((row) => row[a]!.filesPerSecond / b(row));
  const fmtRatios = (rs: number[]) =>
    `${median(rs).toFixed(2)} [${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)}]`;
  const vsExrinfo = (key: string) => ratioOf(key, (row) => row.exrinfo!.filesPerSecond);
  const bestOf12 = (v: string) => (row: Record<string, Timing>) =>
    Math.max(row[`${v}1`]!.filesPerSecond, row[`${v}2`]!.filesPerSecond);
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const lines = [
    `Date: ${date}`,
    `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown CPU"}; availableParallelism ${availableParallelism()}), Node ${process.version}, ${process.platform}/${process.arch}. ` +
      `Load average (1 min) after each round: ${loads.map((l) => l.toFixed(1)).join(" / ")} — the machine is shared, compare same-run ratios.`,
    `Files: N = ${repeat}: ${base.length} valid corpus files x${repeat} = ${files.length} paths ${
      argumentBytes(files) <= MAX_ARGUMENT_BYTES
        ? "as arguments"
        : "(too long for one command line: our CLI reads them from stdin, `-`; `exrinfo` gets them through `xargs`)"
    }; ${rounds} rounds (order reversed every other round) after one warm-up pass of each contender; stdout and stderr to /dev/null.`,
    "",
    "| contender | files/s (median) | CPU s per run (median) | vs `exrinfo` (median of per-round ratios [range]) |",
    "| --- | ---: | ---: | --- |",
    ...contenders.map((c) => {
      const t = per(c.key);
      return `| ${c.label} | ${Math.round(median(t.map((x) => x.filesPerSecond))).toLocaleString("en-US")} | ${median(t.map((x) => x.cpuSeconds)).toFixed(2)} | ${c.key === "exrinfo" ? "1" : fmtRatios(vsExrinfo(c.key))} |`;
    }),
    "",
    `Goal \`validate\` >= 0.5x exrinfo: ${median(vsExrinfo("validate")) >= 0.5 ? "met" : "missed"} (${fmtRatios(vsExrinfo("validate"))}).`,
    `Goal \`inspect --format ndjson\` >= 0.35x exrinfo: ${median(vsExrinfo("ndjson")) >= 0.35 ? "met" : "missed"} (${fmtRatios(vsExrinfo("ndjson"))}).`,
    `Goal default -j >= 0.95x the best of -j 1/-j 2: validate ${fmtRatios(ratioOf("validate", bestOf12("validate")))}, ` +
      `ndjson ${fmtRatios(ratioOf("ndjson", bestOf12("ndjson")))}.`,
    ...(baseline
      ? [
          `This build vs the baseline, same rounds: validate ${fmtRatios(ratioOf("validate", (row) => row.baseValidate!.filesPerSecond))}, ` +
            `ndjson ${fmtRatios(ratioOf("ndjson", (row) => row.baseNdjson!.filesPerSecond))}.`,
        ]
      : []),
    `Rounds (files/s): ${contenders
      .map(
        (c) =>
          `${c.key} ${per(c.key)
            .map((t) => Math.round(t.filesPerSecond))
            .join("/")}`,
      )
      .join("; ")}`,
  ];
  const text = lines.join("\n");
  process.stdout.write(`${text}\n`);
  const out = arg("--write");
  if (out) writeSection(out, text);
  closeSync(devNull);
  if (existsSync(listFile)) unlinkSync(listFile);
}

main();
