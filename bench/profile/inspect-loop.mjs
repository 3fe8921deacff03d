/**
 * Profiling driver for header inspection (not a benchmark of record: see bench/headers.ts).
 * Loops inspectFileSync over the corpus's valid files and, in the same process, the raw floor
 * (openSync + readSync 64 KiB + closeSync), printing files/s per pass. Run it under a profiler:
 *
 *   npm run build && npx tsc -p bench/tsconfig.json
 *   EXR_CORPUS=../shared/corpus node --cpu-prof bench/profile/inspect-loop.mjs [passes] [repeat]
 *   node --trace-deopt bench/profile/inspect-loop.mjs 3 | grep deoptimizing
 *
 * It imports the compiled dist/ and bench/out/, so rebuild both after editing src/ or bench/lib/.
 */
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { inspectFileSync } from "../../dist/inspect/inspect.js";
// The corpus selection of bench/lib/corpus.ts, as compiled by `tsc -p bench/tsconfig.json`.
import { validCorpusFiles } from "../out/bench/lib/corpus.js";

const corpus = resolve(process.env.EXR_CORPUS ?? "../shared/corpus");
if (!existsSync(corpus)) {
  process.stderr.write(`inspect-loop: no corpus at ${corpus} (set EXR_CORPUS)\n`);
  process.exit(2);
}
const passes = Number(process.argv[2] ?? 5);
const repeat = Number(process.argv[3] ?? 10);
const base = validCorpusFiles(corpus);
const files = Array.from({ length: repeat }, () => base).flat();
const buf = new Uint8Array(64 * 1024);

function floor(path) {
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
}

function rate(fn) {
  const t0 = performance.now();
  for (const p of files) fn(p);
  return files.length / ((performance.now() - t0) / 1000);
}

for (const p of base) {
  floor(p);
  inspectFileSync(p);
}
for (let pass = 0; pass < passes; pass++) {
  const f = rate(floor);
  const ours = rate(inspectFileSync);
  const line = `pass ${pass + 1}: floor ${Math.round(f)} files/s, inspectFileSync ${Math.round(ours)} files/s (${(ours / f).toFixed(3)} of the floor, ${(1e6 / ours).toFixed(1)} us/file)`;
  process.stdout.write(`${line}\n`);
}
