/**
 * End-to-end `exr-inspector scan` of a generated render tree into a fresh DuckDB, against the seed's approach
 * (OpenImageIO Python header walk, one process, no database) in the same run; then a re-scan of the unchanged
 * tree. Prints files/s and same-run ratios.
 *
 *   npm run bench:scan -- [--files 20000] [--root /tmp/exr-bench-tree] [--jobs N] [--rounds 2] [--regenerate]
 *
 * The tree is generated once per root (render-tree.json records it) and reused; a root holding a tree of another
 * size is an error unless --regenerate (use another --root for a smaller tree while iterating). Keep it in /tmp.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type GeneratedTree, generateRenderTree, MANIFEST_FILE } from "../src/generate/render-tree.js";
import { type CopyTiming, copyCatalog } from "./lib/duckdb-copy.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const { values } = parseArgs({
  options: {
    files: { type: "string", default: "20000" },
    root: { type: "string", default: path.join(tmpdir(), "exr-bench-tree") },
    jobs: { type: "string" },
    rounds: { type: "string", default: "2" },
    python: { type: "string", default: path.join(repo, ".venv/bin/python") },
    regenerate: { type: "boolean", default: false },
  },
});
const files = Number(values.files);
const frames = 100;
const sequences = Math.ceil(files / frames);
const root = path.resolve(values.root!);

function run(cmd: string, args: string[]): Promise<{ seconds: number; stdout: string }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(" ")} failed: ${stderr || err.message}`));
      else resolve({ seconds: (performance.now() - t) / 1000, stdout });
    });
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

const t = await tree();
const cli = path.join(repo, "dist/cli/main.js");
const jobs = values.jobs ?? String(cpus().length);
const db = path.join(tmpdir(), `exr-bench-scan-${process.pid}.duckdb`);
// Warm the page cache so neither side pays for first reads from disk.
await run(values.python!, [path.join(repo, "python/bench/oiio_header_walk.py"), root]);

const rounds = Math.max(1, Number(values.rounds));
let best = { oiio: 0, scan: 0, rescan: 0 };
let fastestCopy: CopyTiming | null = null;
for (let round = 0; round < rounds; round++) {
  const oiio = await run(values.python!, [path.join(repo, "python/bench/oiio_header_walk.py"), root]);
  const oiioFiles = (JSON.parse(oiio.stdout) as { files: number }).files;
  await rm(db, { force: true });
  await rm(`${db}.wal`, { force: true });
  const scan = await run(process.execPath, [cli, "scan", root, "--db", db, "--jobs", jobs, "--no-progress"]);
  const rescan = await run(process.execPath, [
    cli,
    "scan",
    root,
    "--db",
    db,
    "--jobs",
    jobs,
    "--no-progress",
  ]);
  if (!scan.stdout.includes(`(new ${t.files},`))
    throw new Error(`scan did not insert every file:\n${scan.stdout}`);
  if (!rescan.stdout.includes(`skipped     ${t.files}`))
    throw new Error(`re-scan did not skip:\n${rescan.stdout}`);
  const copy = await copyCatalog(db, `${db}.copy`);
  if (!fastestCopy || copy.keyed < fastestCopy.keyed) fastestCopy = copy;
  const r = {
    oiio: oiioFiles / oiio.seconds,
    scan: t.files / scan.seconds,
    rescan: t.files / rescan.seconds,
  };
  process.stdout.write(
    `round ${round + 1}: OIIO walk ${r.oiio.toFixed(0)} files/s (${oiio.seconds.toFixed(2)} s) | ` +
      `scan ${r.scan.toFixed(0)} files/s (${scan.seconds.toFixed(2)} s) | ` +
      `re-scan ${r.rescan.toFixed(0)} files/s (${rescan.seconds.toFixed(2)} s) | ` +
      `DuckDB alone: the scan's ${copy.rows} rows into a fresh keyed catalogue ${copy.keyed.toFixed(2)} s ` +
      `(${(t.files / copy.keyed).toFixed(0)} files/s), without keys ${copy.unkeyed.toFixed(2)} s; ` +
      `5× the walk leaves ${(t.files / (5 * r.oiio)).toFixed(2)} s for the whole scan\n`,
  );
  if (r.scan / r.oiio > best.scan / (best.oiio || 1)) best = r;
}
await rm(db, { force: true });
await rm(`${db}.wal`, { force: true });

process.stdout.write(
  `${[
    `tree: ${t.files} files, ${t.sequences.length} sequences, ${(t.bytes / 2 ** 30).toFixed(2)} GiB at ${root}`,
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}, scan --jobs ${jobs}`,
    `seed approach (OpenImageIO Python header walk, no DB): ${best.oiio.toFixed(0)} files/s`,
    `exr-inspector scan into a fresh DuckDB:                ${best.scan.toFixed(0)} files/s  (${(best.scan / best.oiio).toFixed(2)}× the seed's approach; goal ≥ 5×)`,
    `re-scan of the unchanged tree:                         ${best.rescan.toFixed(0)} files/s  (${(best.rescan / best.scan).toFixed(2)}× the first scan; goal ≥ 5×)`,
    `DuckDB alone, no file read (fastest round): ${fastestCopy!.rows} rows copied into a fresh catalogue with the seed's keys ` +
      `in ${fastestCopy!.keyed.toFixed(2)} s = ${(t.files / fastestCopy!.keyed).toFixed(0)} files/s ` +
      `(${(t.files / fastestCopy!.keyed / best.oiio).toFixed(2)}× the walk); without keys ${fastestCopy!.unkeyed.toFixed(2)} s ` +
      `= ${(t.files / fastestCopy!.unkeyed).toFixed(0)} files/s (${(t.files / fastestCopy!.unkeyed / best.oiio).toFixed(2)}× the walk)`,
  ].join("\n")}\n`,
);
