/**
 * `exr-inspector scan` of a generated render tree into a fresh DuckDB, as a user types it, against in the same run:
 * `exr-inspector validate` of the same tree (the parse alone: the scan's bound), the seed's pipeline (Python +
 * OpenImageIO + one DuckDB transaction per file into the seed's schema and keys, python/bench/seed_pipeline.py;
 * and the same with 1,000 files per transaction), and the OpenImageIO header walk with no database. Then a re-scan
 * of the unchanged tree, the catalog file against its own Parquet export, and the peak RSS of each process.
 * Optionally (`--big N`) a scan of an N-file tree (the tree's files hard-linked under N/20,000 directories: as
 * many distinct paths, no extra disk) for memory flat in the tree size. Prints the load average beside each number.
 *
 *   npm run bench:scan -- [--files 20000] [--root /tmp/exr-bench-tree] [--jobs N] [--rounds 2] [--regenerate]
 *                         [--seed-files 600] [--seed-batch-files 2000] [--big 200000] [--copy]
 *
 * The seed's pipeline manages ~8–15 files/s here, so it runs on the first `--seed-files` / `--seed-batch-files`
 * files of the tree (its per-file cost only grows with the database, so a prefix flatters it).
 * The tree is generated once per root (render-tree.json records it) and reused; a root holding a tree of another
 * size is an error unless --regenerate (use another --root for a smaller tree while iterating). Keep it in /tmp.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { link, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type GeneratedTree, generateRenderTree, MANIFEST_FILE } from "../src/generate/render-tree.js";
import { copyCatalog } from "./lib/duckdb-copy.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const { values } = parseArgs({
  options: {
    files: { type: "string", default: "20000" },
    root: { type: "string", default: path.join(tmpdir(), "exr-bench-tree") },
    jobs: { type: "string" },
    rounds: { type: "string", default: "2" },
    python: { type: "string", default: path.join(repo, ".venv/bin/python") },
    regenerate: { type: "boolean", default: false },
    "seed-files": { type: "string", default: "600" },
    "seed-batch-files": { type: "string", default: "2000" },
    big: { type: "string", default: "0" },
    copy: { type: "boolean", default: false },
  },
});
const files = Number(values.files);
const frames = 100;
const sequences = Math.ceil(files / frames);
const root = path.resolve(values.root!);
const work = path.join(tmpdir(), `exr-bench-scan-${process.pid}`);

interface Run {
  seconds: number;
  stdout: string;
  stderr: string;
  /** Peak resident set of the process, MiB (GNU time). */
  rssMiB: number;
  /** User + system CPU seconds of the process (GNU time): what carries over from a loaded machine. */
  cpu: number;
  /** 1-minute load average when it started. */
  load: number;
}

/** Runs a command under GNU time for its peak RSS. */
function run(cmd: string, args: string[]): Promise<Run> {
  const load = loadavg()[0]!;
  const t = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      "/usr/bin/time",
      ["-f", "maxrss_kb=%M cpu_user=%U cpu_sys=%S", cmd, ...args],
      { maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(" ")} failed: ${stderr || err.message}`));
        const rss = /maxrss_kb=(\d+)/.exec(stderr);
        const cpu = /cpu_user=([\d.]+) cpu_sys=([\d.]+)/.exec(stderr);
        resolve({
          seconds: (performance.now() - t) / 1000,
          stdout,
          stderr,
          rssMiB: rss ? Number(rss[1]) / 1024 : Number.NaN,
          cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
          load,
        });
      },
    );
  });
}

async function tree(): Promise<GeneratedTree> {
  const manifest = path.join(root, MANIFEST_FILE);
  if (existsSync(manifest)) {
    const t = JSON.parse(await readFile(manifest, "utf8")) as GeneratedTree;
    if (t.sequences.length === sequences && t.sequences[0]?.frames === frames) return t;
    // Never silently delete a tree of another size (a 20,000-file tree takes minutes to write).
    if (!values.regenerate) {
      throw new Error(
        `${root} holds a ${t.files}-file tree, not ${sequences * frames}: pass --root DIR for another size, or --regenerate`,
      );
    }
    await rm(root, { recursive: true, force: true });
  }
  process.stderr.write(`generating ${sequences * frames} files under ${root}…\n`);
  return generateRenderTree({ root, sequences, frames, seed: 42 });
}

/** Hard links of every file of `from` under `copies` sub-directories of `to`: copies × as many paths, no new data. */
async function linkTree(from: string, to: string, copies: number): Promise<void> {
  const walk = async (dir: string, out: string[]) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p, out);
      else if (e.name.endsWith(".exr")) out.push(path.relative(from, p));
    }
    return out;
  };
  const relative = await walk(from, []);
  for (let c = 0; c < copies; c++) {
    for (const r of relative) {
      const target = path.join(to, `copy${c}`, r);
      await mkdir(path.dirname(target), { recursive: true });
      await link(path.join(from, r), target);
    }
  }
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(path.join(dir, name))).size;
  return total;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const at = (r: { load: number }) => `load ${r.load.toFixed(1)}`;

const t = await tree();
// The installed command: `bin` is the CommonJS launcher (it sizes libuv's thread pool before main.js loads).
const cli = path.join(repo, "dist/cli/launch.cjs");
const jobs = values.jobs;
const jobArgs = jobs ? ["--jobs", jobs] : [];
await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
const python = values.python!;
// Warm the page cache so no contender pays for first reads from disk.
await run(python, [path.join(repo, "python/bench/oiio_header_walk.py"), root]);

const scanOnce = async (tree: string, db: string, expected: number) => {
  await rm(db, { force: true });
  await rm(`${db}.wal`, { force: true });
  const scan = await run(process.execPath, [cli, "scan", tree, "--db", db, ...jobArgs, "--no-progress"]);
  if (!scan.stdout.includes(`(new ${expected},`))
    throw new Error(`scan did not insert every file:\n${scan.stdout}`);
  return scan;
};

const rounds = Math.max(1, Number(values.rounds));
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};
say(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ` +
    `scan/validate ${jobs ? `--jobs ${jobs}` : "default -j"}; ${new Date().toISOString()}`,
);
say(
  `tree: ${t.files} files, ${t.sequences.length} sequences, ${(t.bytes / 2 ** 30).toFixed(2)} GiB at ${root}`,
);

let seedPerFile: Run | null = null;
let seedBatched: Run | null = null;
for (let round = 0; round < rounds; round++) {
  const db = path.join(work, "catalog.duckdb");
  const validate = await run(process.execPath, [cli, "validate", root, ...jobArgs]);
  if (!validate.stderr.includes(`${t.files} files, 0 failed`))
    throw new Error(`validate did not pass every file:\n${validate.stderr.slice(-500)}`);
  const oiio = await run(python, [path.join(repo, "python/bench/oiio_header_walk.py"), root]);
  const scan = await scanOnce(root, db, t.files);
  const catalogBytes = (await stat(db)).size;
  const rescan = await run(process.execPath, [cli, "scan", root, "--db", db, ...jobArgs, "--no-progress"]);
  if (!rescan.stdout.includes(`skipped     ${t.files}`))
    throw new Error(`re-scan did not skip:\n${rescan.stdout}`);
  const exportDir = path.join(work, "export");
  await rm(exportDir, { recursive: true, force: true });
  await run(process.execPath, [cli, "export", exportDir, "--db", db]);
  const parquetBytes = await dirBytes(exportDir);
  if (round === 0) {
    const seedDb = path.join(work, "seed.duckdb");
    const seed = async (limit: string, perTransaction: string) => {
      await rm(seedDb, { force: true });
      await rm(`${seedDb}.wal`, { force: true });
      return run(python, [
        path.join(repo, "python/bench/seed_pipeline.py"),
        root,
        "--db",
        seedDb,
        "--limit",
        limit,
        "--files-per-transaction",
        perTransaction,
      ]);
    };
    seedPerFile = await seed(values["seed-files"]!, "1");
    seedBatched = await seed(values["seed-batch-files"]!, "1000");
  }
  const fps = (n: number, r: Run) => n / r.seconds;
  const seedFps = (r: Run) => (JSON.parse(r.stdout) as { files_per_second: number }).files_per_second;
  const seedFiles = (r: Run) => (JSON.parse(r.stdout) as { files: number }).files;
  const scanFps = fps(t.files, scan);
  say(`round ${round + 1}:`);
  say(
    `  validate                 ${fps(t.files, validate).toFixed(0)} files/s (${validate.seconds.toFixed(2)} s, CPU ${validate.cpu.toFixed(1)} s, ${validate.rssMiB.toFixed(0)} MiB, ${at(validate)})`,
  );
  say(
    `  scan, fresh catalog      ${scanFps.toFixed(0)} files/s (${scan.seconds.toFixed(2)} s, CPU ${scan.cpu.toFixed(1)} s, peak RSS ${scan.rssMiB.toFixed(0)} MiB, ${at(scan)})` +
      ` = ${(scanFps / fps(t.files, validate)).toFixed(2)}× validate (goal ≥ 0.4×; by CPU per file ${(validate.cpu / scan.cpu).toFixed(2)}×)`,
  );
  say(
    `  re-scan, unchanged       ${fps(t.files, rescan).toFixed(0)} files/s (${rescan.seconds.toFixed(2)} s, CPU ${rescan.cpu.toFixed(1)} s, ${at(rescan)})` +
      ` = ${(fps(t.files, rescan) / scanFps).toFixed(1)}× the first scan (goal ≥ 10×; by CPU ${(scan.cpu / rescan.cpu).toFixed(1)}×)`,
  );
  say(
    `  catalog file             ${mib(catalogBytes)} MiB = ${(catalogBytes / parquetBytes).toFixed(2)}× its Parquet export (${mib(parquetBytes)} MiB; goal ≤ 3×), ${(catalogBytes / t.files / 1024).toFixed(2)} KiB per file`,
  );
  say(
    `  OIIO header walk, no DB  ${(t.files / oiio.seconds).toFixed(0)} files/s (${oiio.seconds.toFixed(2)} s, ${at(oiio)}) = scan ${(scanFps / (t.files / oiio.seconds)).toFixed(2)}×`,
  );
  if (seedPerFile && seedBatched) {
    say(
      `  seed pipeline, 1 file per transaction      ${seedFps(seedPerFile).toFixed(1)} files/s (first ${seedFiles(seedPerFile)} files, ${seedPerFile.seconds.toFixed(1)} s, ${seedPerFile.rssMiB.toFixed(0)} MiB, ${at(seedPerFile)}) = scan ${(scanFps / seedFps(seedPerFile)).toFixed(1)}× (goal ≥ 10×)`,
    );
    say(
      `  seed pipeline, 1,000 files per transaction ${seedFps(seedBatched).toFixed(1)} files/s (first ${seedFiles(seedBatched)} files, ${seedBatched.seconds.toFixed(1)} s, ${seedBatched.rssMiB.toFixed(0)} MiB, ${at(seedBatched)}) = scan ${(scanFps / seedFps(seedBatched)).toFixed(1)}×`,
    );
  }
  if (values.copy) {
    const copy = await copyCatalog(db, path.join(work, "copy.duckdb"));
    say(
      `  DuckDB alone: the scan's ${copy.rows} rows into a fresh catalogue ${copy.keyed.toFixed(2)} s, into key-less tables ${copy.unkeyed.toFixed(2)} s`,
    );
  }
  if (round === 0) {
    const big = Number(values.big);
    if (big > 0) {
      const copies = Math.ceil(big / t.files);
      const bigRoot = path.join(work, "big-tree");
      await linkTree(root, bigRoot, copies);
      const bigScan = await scanOnce(bigRoot, path.join(work, "big.duckdb"), copies * t.files);
      const bigBytes = (await stat(path.join(work, "big.duckdb"))).size;
      say(
        `  scan of ${copies * t.files} files (hard links) ${fps(copies * t.files, bigScan).toFixed(0)} files/s (${bigScan.seconds.toFixed(1)} s, CPU ${bigScan.cpu.toFixed(1)} s, ${at(bigScan)}), ` +
          `peak RSS ${bigScan.rssMiB.toFixed(0)} MiB = ${(bigScan.rssMiB / scan.rssMiB).toFixed(2)}× the ${t.files}-file scan's (goal ≤ 1.2×); catalog ${mib(bigBytes)} MiB`,
      );
      await rm(bigRoot, { recursive: true, force: true });
      await rm(path.join(work, "big.duckdb"), { force: true });
    }
  }
}
await rm(work, { recursive: true, force: true });
