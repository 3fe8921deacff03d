/**
 * `npm run test:mutation [-- stryker options] [-- --check]`: runs Stryker (stryker.config.json, incremental)
 * and reports the mutation score of each area against its goal, counting only non-equivalent mutants:
 * killed + timed out over killed + timed out + survived + not covered. Mutants disabled in the source with a
 * `// Stryker disable ... : reason` comment (equivalent ones) are listed with their reason, not counted.
 * `--check` exits 1 when an area that was mutated is below its goal. `--tests "glob,glob"` runs only those test files
 * (for one file's run: the focused tests of that file).
 * Results accumulate across runs (reports/mutation/accumulated.json): the table covers every file measured so far,
 * marking those changed since; `--last` reports only the last run, `--report-only` runs nothing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { splitMutationArgs } from "./mutation-args.js";

const REPORT = "reports/mutation/mutation.json";
const SUMMARY = "reports/mutation/scores.md";
/** Every file's latest whole-file result, kept across runs of one file or group at a time. */
const ACCUMULATED = "reports/mutation/accumulated.json";
const INCREMENTAL = "reports/stryker-incremental.json";

/** Goals of issue 20, per area (a file belongs to the longest matching prefix). */
export const GOALS: ReadonlyArray<{ area: string; goal: number }> = [
  { area: "src/core/", goal: 90 },
  { area: "src/io/", goal: 90 },
  { area: "src/catalog/", goal: 85 },
  { area: "src/vast/client/", goal: 85 },
];

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  /** Executed while modules load (module-level constants); see `survivedStatic`. */
  static?: boolean;
  location: { start: { line: number; column: number } };
}

interface FileResult {
  source?: string;
  mutants: Mutant[];
}

interface Report {
  files: Record<string, FileResult>;
  testFiles?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Stryker's report (and its incremental file) holds only the files of the last run. Merges it into the results
 * of earlier runs: a file measured again replaces its old result, the others stay. A run over line ranges
 * (`file.ts:10-20`) measured part of a file only and is not merged.
 */
export function accumulate(previous: Report | null, latest: Report): Report {
  if (!previous) return latest;
  const files: Record<string, FileResult> = { ...previous.files, ...latest.files };
  // Results Stryker reused from its incremental file come back without their `static` flag: keep the earlier one.
  for (const [name, file] of Object.entries(latest.files)) {
    const before = previous.files[name];
    if (!before || before.source !== file.source) continue;
    const key = (m: Mutant) =>
      `${m.location.start.line}:${m.location.start.column}:${m.mutatorName}:${m.replacement ?? ""}`;
    const wasStatic = new Set(before.mutants.filter((m) => m.static).map(key));
    files[name] = {
      ...file,
      mutants: file.mutants.map((m) => (wasStatic.has(key(m)) ? { ...m, static: true } : m)),
    };
  }
  return {
    ...latest,
    files,
    testFiles: { ...(previous.testFiles ?? {}), ...(latest.testFiles ?? {}) },
  };
}

/** Files whose source changed since they were measured (their result no longer describes the code). */
export function staleFiles(report: Report, readSource: (file: string) => string | null): string[] {
  return Object.keys(report.files)
    .filter((f) => {
      const source = report.files[f]!.source;
      return source !== undefined && readSource(f) !== source;
    })
    .sort();
}

export interface Tally {
  killed: number;
  timeout: number;
  survived: number;
  /**
   * Survivors that are static mutants (module-level code, run once when a module loads). Under the vitest runner
   * the mutated modules are not loaded again per mutant, so these are never switched on: they count as survived,
   * and are shown apart so a reader can tell them from survivors that a running test sees.
   */
  survivedStatic: number;
  noCoverage: number;
  equivalent: number;
  /** Static mutants skipped by `--ignoreStatic`: not measured, so neither counted nor equivalent. */
  notRun: number;
  invalid: number;
}

const emptyTally = (): Tally => ({
  killed: 0,
  timeout: 0,
  survived: 0,
  survivedStatic: 0,
  noCoverage: 0,
  equivalent: 0,
  notRun: 0,
  invalid: 0,
});

export function tallyOf(mutants: readonly Mutant[], into: Tally = emptyTally()): Tally {
  for (const m of mutants) {
    if (m.status === "Killed") into.killed++;
    else if (m.status === "Timeout") into.timeout++;
    else if (m.status === "Survived") {
      into.survived++;
      if (m.static) into.survivedStatic++;
    } else if (m.status === "NoCoverage") into.noCoverage++;
    else if (m.status === "Ignored" && skippedStatic(m)) into.notRun++;
    else if (m.status === "Ignored") into.equivalent++;
    else into.invalid++; // CompileError, RuntimeError: not a valid program, not counted
  }
  return into;
}

/** Stryker marks the static mutants `--ignoreStatic` skipped as Ignored too, with this reason. */
const skippedStatic = (m: Mutant) => m.status === "Ignored" && /ignoreStatic/.test(m.statusReason ?? "");

/** Score in percent over the non-equivalent valid mutants; null when there are none. */
export function scoreOf(t: Tally): number | null {
  const detected = t.killed + t.timeout;
  const total = detected + t.survived + t.noCoverage;
  return total === 0 ? null : (100 * detected) / total;
}

function areaOf(file: string): { area: string; goal: number } | null {
  const normal = file.replaceAll("\\", "/");
  let best: { area: string; goal: number } | null = null;
  for (const g of GOALS)
    if (normal.startsWith(g.area) && (!best || g.area.length > best.area.length)) best = g;
  return best;
}

const pct = (s: number | null) => (s === null ? "n/a" : `${s.toFixed(1)} %`);

function row(name: string, t: Tally, goal?: number): string {
  const s = scoreOf(t);
  const verdict =
    goal === undefined || s === null ? "" : s >= goal ? ` | met (≥ ${goal} %)` : ` | below ${goal} %`;
  const cells = [t.killed, t.timeout, `${t.survived} (${t.survivedStatic})`, t.noCoverage, t.equivalent].join(
    " | ",
  );
  return `| ${name} | ${pct(s)} | ${cells}${verdict || " | "} |`;
}

/** Static mutants a run skipped (`--ignoreStatic`), per area: unmeasured, to be said next to the score. */
function notRunLines(areas: Map<string, Tally>): string[] {
  const lines = [...areas]
    .filter(([, t]) => t.notRun > 0)
    .map(
      ([area, t]) => `- \`${area}\`: ${t.notRun} static mutant(s) not run (--ignoreStatic); not in the score`,
    );
  return lines.length > 0 ? ["## Not measured", "", ...lines, ""] : [];
}

export function summarize(report: Report, stale: readonly string[] = []): { text: string; below: string[] } {
  const areas = new Map<string, Tally>();
  const lines: string[] = [];
  const equivalents: string[] = [];
  const header =
    "| | score | killed | timeout | survived (static) | no coverage | equivalent | goal |\n| --- | --- | --- | --- | --- | --- | --- | --- |";
  const files = Object.keys(report.files).sort();
  for (const file of files) {
    const mutants = report.files[file]!.mutants;
    const t = tallyOf(mutants);
    const area = areaOf(file);
    if (area) areas.set(area.area, tallyOf(mutants, areas.get(area.area) ?? emptyTally()));
    lines.push(row(`\`${file}\`${stale.includes(file) ? " (changed since)" : ""}`, t));
    for (const m of mutants) {
      if (m.status !== "Ignored" || skippedStatic(m)) continue;
      const at = `${file}:${m.location.start.line}`;
      equivalents.push(`- \`${at}\` ${m.mutatorName}: ${m.statusReason ?? "(no reason given)"}`);
    }
  }
  const below: string[] = [];
  const areaLines = GOALS.filter((g) => areas.has(g.area)).map((g) => {
    const t = areas.get(g.area)!;
    const s = scoreOf(t);
    if (s !== null && s < g.goal) below.push(g.area);
    return row(`\`${g.area}\``, t, g.goal);
  });
  const text = [
    "## Mutation score per area (non-equivalent mutants only)",
    "",
    header,
    ...areaLines,
    "",
    "## Per file",
    "",
    ...(stale.length > 0
      ? [`${stale.length} file(s) changed since they were measured: re-run them for a current score.`, ""]
      : []),
    header,
    ...lines,
    "",
    `## Equivalent mutants (${equivalents.length}, disabled in the source with a reason)`,
    "",
    ...equivalents,
    "",
    ...notRunLines(areas),
  ].join("\n");
  return { text, below };
}

function main(argv: string[]): number {
  const { check, reportOnly, last, tests, strykerArgs } = splitMutationArgs(argv);
  const partial = strykerArgs.some((a) => /\.ts:\d/.test(a));
  if (!reportOnly) {
    const bin = join("node_modules", ".bin", process.platform === "win32" ? "stryker.cmd" : "stryker");
    // The sandbox Stryker copies the repo into leaves out .venv: tests that drive the official SDKs find it here.
    const python = resolve(".venv", "bin", "python");
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (existsSync(python)) env.EXR_INSPECTOR_PYTHON = python;
    if (tests) env.MUTATION_TESTS = tests; // read by vitest.mutation.config.ts
    const run = spawnSync(bin, ["run", ...strykerArgs], { stdio: "inherit", env });
    if (run.status !== 0) return run.status ?? 1;
    if (!partial) {
      const previous = existsSync(ACCUMULATED)
        ? (JSON.parse(readFileSync(ACCUMULATED, "utf8")) as Report)
        : null;
      const merged = accumulate(previous, JSON.parse(readFileSync(REPORT, "utf8")) as Report);
      writeFileSync(ACCUMULATED, JSON.stringify(merged));
      // the next run of any file reuses its earlier results (Stryker keeps only the last run's files)
      writeFileSync(INCREMENTAL, JSON.stringify(merged));
    }
  }
  const source = existsSync(ACCUMULATED) && !partial && !last ? ACCUMULATED : REPORT;
  const report = JSON.parse(readFileSync(source, "utf8")) as Report;
  const stale = staleFiles(report, (f) => (existsSync(f) ? readFileSync(f, "utf8") : null));
  const { text, below } = summarize(report, stale);
  mkdirSync(dirname(SUMMARY), { recursive: true });
  writeFileSync(SUMMARY, text);
  process.stdout.write(`\n${text}\n(also in ${SUMMARY}; full report: reports/mutation/mutation.html)\n`);
  if (below.length > 0) {
    process.stdout.write(`below goal: ${below.join(", ")}\n`);
    if (check) return 1;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
