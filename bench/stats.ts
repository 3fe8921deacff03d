/**
 * Decoded pixel throughput of `stats` per codec, same run, same files:
 *   ours (library, 1 thread) = pixelReport({stats: true}) per file in this process (decode + statistics + pixel hash)
 *   ours (lib, async inflate)= the same with zip/zips chunks inflated on libuv's thread pool (design B; zip/zips only)
 *   ours (CLI)               = `exr-inspector stats --format ndjson FILES` as a fresh process (default flags: this
 *                              thread decodes, a worker joins only when the work left is worth its warm-up)
 *   ours (CLI -j 0)          = the same on one thread (no workers)
 *   iinfo --stats            = OpenImageIO's iinfo, one process over the same files (default flags: all cores;
 *                              it cannot read HTJ2K)
 *   bindings + numpy         = the official OpenEXR bindings decode, numpy computes the statistics (python/bench)
 * MB/s counts decoded (unpacked) pixel bytes of every level. Each contender runs over the file list repeated so a
 * round takes long enough to time; medians of the rounds are reported.
 *
 * Usage: npm run bench:stats [-- --rounds N] [-- --mb MB per codec, default 64] [-- --write docs/BENCHMARKS.md]   (corpus: $EXR_CORPUS)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { isChunkFailure } from "../src/core/pixels/decode-chunk.js";
import { pixelReportFile } from "../src/inspect/pixel-report.js";
import { planPixels, readChunks } from "../src/inspect/read-chunks.js";
import { FileSource } from "../src/io/file-source.js";
import { median } from "./lib/stats.js";

const ALL_CODECS: Record<string, string[]> = {
  none: ["openexr-tests/OpenEXRTest/comp_none.exr"],
  rle: ["openexr-tests/OpenEXRTest/comp_rle.exr"],
  zips: ["openexr-tests/OpenEXRTest/comp_zips.exr"],
  zip: ["openexr-tests/OpenEXRTest/comp_zip.exr", "openexr-images/ScanLines/Desk.exr"],
  piz: ["openexr-tests/OpenEXRTest/comp_piz.exr", "openexr-images/Chromaticities/Rec709.exr"],
  pxr24: ["openexr-images/MultiResolution/ColorCodedLevels.exr"],
  b44: ["openexr-tests/OpenEXRTest/comp_b44.exr", "openexr-images/LuminanceChroma/CrissyField.exr"],
  b44a: ["openexr-images/MultiView/Adjuster.exr"],
  dwaa: ["openexr-tests/OpenEXRTest/comp_dwaa_v1.exr", "openexr-tests/OpenEXRTest/comp_dwaa_v2.exr"],
  dwab: ["openexr-tests/OpenEXRTest/comp_dwab_v1.exr"],
  // No corpus file is HTJ2K: the bindings rewrite comp_none.exr's pixels (python/bench/to_htj2k.py) into the run's
  // temporary directory; iinfo (OpenImageIO 2.4 / OpenEXR 3.1) cannot read HTJ2K.
  htj2k256: ["htj2k256.exr"],
  htj2k32: ["htj2k32.exr"],
};
/** HTJ2K files python/bench/to_htj2k.py writes from this corpus file. */
const HTJ2K_SOURCE = "openexr-tests/OpenEXRTest/comp_none.exr";
// --codecs a,b limits the run (default all).
const only = process.argv.includes("--codecs")
  ? process.argv[process.argv.indexOf("--codecs") + 1]!.split(",")
  : null;
const CODECS = Object.fromEntries(Object.entries(ALL_CODECS).filter(([c]) => !only || only.includes(c)));
const BEGIN = "<!-- bench:stats begin -->";
const END = "<!-- bench:stats end -->";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function decodedBytes(path: string): Promise<number> {
  const source = await FileSource.open(path);
  try {
    let n = 0;
    for await (const e of readChunks(source, await planPixels(source))) {
      if (isChunkFailure(e.decoded)) throw new Error(`${path}: ${e.decoded.findings[0]!.message}`);
      if ("planes" in e.decoded) for (const p of e.decoded.planes) n += p.data.byteLength;
    }
    return n;
  } finally {
    await source.close();
  }
}

/**
 * Decoded bytes as the CLI counts them (samples of every level and channel x 2 or 4 bytes): for HTJ2K, whose
 * WebAssembly decoder is found beside the build (dist/), not beside this compiled bench.
 */
function decodedBytesByCli(cli: string, path: string): number {
  const r = spawnSync(process.execPath, [cli, "stats", "--format", "ndjson", "-j", "0", path], {
    encoding: "utf8",
  });
  const doc = JSON.parse(r.stdout) as {
    parts: {
      levels: { channels: { type: string; finite_count: number; nan_count: number; inf_count: number }[] }[];
    }[];
  };
  let n = 0;
  for (const part of doc.parts)
    for (const level of part.levels)
      for (const c of level.channels)
        n += (c.finite_count + c.nan_count + c.inf_count) * (c.type === "half" ? 2 : 4);
  return n;
}

/** Wall seconds and CPU seconds (user + system, children included via /usr/bin/time when present) of one run. */
interface Timing {
  wall: number;
  cpu: number | null;
}

const TIME = "/usr/bin/time";

function timeProcess(cmd: string, args: string[]): Timing | null {
  const cpuFile = join(tmpdir(), `bench-stats-cpu-${process.pid}`);
  const timed = existsSync(TIME);
  const peer = cmd.endsWith("python");
  const stdio: ("ignore" | "pipe")[] = ["ignore", peer ? "pipe" : "ignore", "pipe"];
  const t = performance.now();
  const r = timed
    ? spawnSync(TIME, ["-f", "%U %S", "-o", cpuFile, cmd, ...args], {
        stdio,
        maxBuffer: 64 << 20,
        encoding: "utf8",
      })
    : spawnSync(cmd, args, { stdio, maxBuffer: 64 << 20, encoding: "utf8" });
  const wall = (performance.now() - t) / 1000;
  // Every file here is valid: anything but a clean exit means the contender did not do the work.
  if (r.status !== 0) {
    process.stderr.write(`${cmd} ${args[0]}: exit ${r.status}: ${String(r.stderr).slice(0, 200)}\n`);
    return null;
  }
  let cpu: number | null = null;
  if (timed) {
    const [user, sys] = readFileSync(cpuFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
    cpu = (user ?? Number.NaN) + (sys ?? Number.NaN);
    rmSync(cpuFile, { force: true });
  }
  // The Python peer prints its own decode time; its CPU comes from /usr/bin/time like the others.
  return { wall: peer ? Number(String(r.stdout).trim()) : wall, cpu };
}

/** Wall and CPU seconds of an in-process run (process.cpuUsage covers every thread, the libuv pool included). */
async function timeInProcess(run: () => Promise<void>): Promise<Timing> {
  const c = process.cpuUsage();
  const t = performance.now();
  await run();
  const used = process.cpuUsage(c);
  return { wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

async function main(): Promise<void> {
  const corpus = resolve(process.env.EXR_CORPUS ?? "../shared/corpus");
  const rounds = Number(arg("--rounds") ?? 3);
  const targetMb = Number(arg("--mb") ?? 64);
  // Compiled to bench/out/bench/stats.js: the repository root is three levels up.
  const root = resolve(import.meta.dirname, "../../..");
  // The bin a user types (the bundled CLI when `npm run build` made one).
  const cli = join(root, "dist/cli/launch.cjs");
  const python = join(root, ".venv/bin/python");
  const pyPeer = join(root, "python/bench/stats_numpy.py");
  const iinfo = has("iinfo");
  const bindings = existsSync(python);
  const links = mkdtempSync(join(tmpdir(), "bench-stats-"));
  process.on("exit", () => rmSync(links, { recursive: true, force: true }));
  const generated = new Set<string>();
  if (bindings && Object.keys(CODECS).some((c) => c.startsWith("htj2k"))) {
    const made = spawnSync(python, [
      join(root, "python/bench/to_htj2k.py"),
      join(corpus, HTJ2K_SOURCE),
      links,
    ]);
    if (made.status === 0) for (const f of ["htj2k256.exr", "htj2k32.exr"]) generated.add(f);
    else process.stderr.write(`to_htj2k.py: exit ${made.status}: ${String(made.stderr).slice(0, 200)}\n`);
  }
  const rows: string[] = [];
  const ratios: { codec: string; cliVsIinfo: number | null; libVsIinfo: number | null }[] = [];
  for (const [codec, rel] of Object.entries(CODECS)) {
    const files = rel
      .map((r) => (generated.has(r) ? join(links, r) : join(corpus, r)))
      .filter((p) => existsSync(p));
    if (files.length === 0) continue;
    let bytes = 0;
    const viaCli = codec.startsWith("htj2k");
    for (const f of files) bytes += viaCli ? decodedBytesByCli(cli, f) : await decodedBytes(f);
    const repeat = Math.max(1, Math.ceil((targetMb * 1e6) / bytes));
    // Every repeat under its own name (a symlink): OpenImageIO's ImageCache keys files by name and would decode a
    // name given ten times only once, which made iinfo look up to ~10x faster than it is.
    const list = Array.from({ length: repeat }, (_, r) =>
      files.map((f, i) => {
        const link = join(links, `${codec}-${r}-${i}.exr`);
        symlinkSync(f, link);
        return link;
      }),
    ).flat();
    const mb = (bytes * repeat) / 1e6;
    const lib: Timing[] = [];
    const libAsync: Timing[] = [];
    const cliOne: Timing[] = [];
    const cliT: Timing[] = [];
    const ii: Timing[] = [];
    const np: Timing[] = [];
    for (let r = 0; r < rounds; r++) {
      if (!viaCli)
        lib.push(
          await timeInProcess(async () => {
            for (const f of list) await pixelReportFile(f, { stats: true });
          }),
        );
      if (codec === "zip" || codec === "zips")
        libAsync.push(
          await timeInProcess(async () => {
            for (const f of list) await pixelReportFile(f, { stats: true, asyncInflate: true });
          }),
        );
      const c = timeProcess(process.execPath, [cli, "stats", "--format", "ndjson", ...list]);
      if (c !== null) cliT.push(c);
      const c1 = timeProcess(process.execPath, [cli, "stats", "--format", "ndjson", "-j", "0", ...list]);
      if (c1 !== null) cliOne.push(c1);
      if (iinfo && !codec.startsWith("htj2k")) {
        const i = timeProcess("iinfo", ["--stats", ...list]);
        if (i !== null) ii.push(i);
      }
      if (bindings) {
        const p = timeProcess(python, [pyPeer, ...list]);
        if (p !== null) np.push(p);
      }
    }
    const rate = (ts: Timing[]) => (ts.length ? mb / median(ts.map((t) => t.wall)) : null);
    const cpuPerMb = (ts: Timing[]) => {
      const cpu = ts.map((t) => t.cpu).filter((c): c is number => c !== null && Number.isFinite(c));
      return cpu.length ? (1000 * median(cpu)) / mb : null;
    };
    const [rl, rc, ri, rn] = [rate(lib), rate(cliT), rate(ii), rate(np)];
    const [ra, r1] = [rate(libAsync), rate(cliOne)];
    const [kl, kc, k1, ki] = [cpuPerMb(lib), cpuPerMb(cliT), cpuPerMb(cliOne), cpuPerMb(ii)];
    const fmt = (v: number | null) => (v === null ? "n/a" : v.toFixed(1));
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
    const fr = (v: number | null) => (v === null ? "n/a" : `${v.toFixed(2)}x`);
    const best1 = Math.max(rl ?? 0, r1 ?? 0) || null;
    ratios.push({ codec, cliVsIinfo: ratio(rc, ri), libVsIinfo: ratio(best1, ri) });
    const load = loadavg()[0]!.toFixed(0);
    rows.push(
      `| ${codec} | ${files.length} x ${repeat} | ${mb.toFixed(0)} | ${fmt(rl)} | ${fmt(ra)} | ${fmt(r1)} | ${fmt(rc)} | ${fmt(ri)} | ${fmt(rn)} | ${fr(ratio(rc, ri))} | ${fr(ratio(r1, ri))} | ${fr(ratio(rl, ri))} | ${fr(ratio(rl, rn))} | ${fmt(kl)} | ${fmt(k1)} | ${fmt(kc)} | ${fmt(ki)} | ${fr(ratio(ki, k1))} | ${load} |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  const head =
    "| codec | files x repeat | decoded MB | ours lib 1 thread MB/s | ours lib async inflate MB/s | ours CLI -j 0 MB/s | ours CLI (default) MB/s | iinfo --stats MB/s | bindings+numpy MB/s | CLI / iinfo | CLI -j 0 / iinfo | lib 1 thread / iinfo | lib / bindings+numpy | CPU ms/MB lib | CPU ms/MB CLI -j 0 | CPU ms/MB CLI | CPU ms/MB iinfo | CPU iinfo / CLI -j 0 | load |\n" +
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
  const met3 = ratios.filter((r) => (r.cliVsIinfo ?? 0) >= 3).map((r) => r.codec);
  const met1 = ratios.filter((r) => (r.libVsIinfo ?? 0) >= 1).map((r) => r.codec);
  const text =
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? "?"}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        " ",
      )} at start of write-up; ${new Date().toISOString().slice(0, 10)}; median of ${rounds} rounds.\n\n` +
    `${head}\n${rows.join("\n")}\n\n` +
    `Goal >= 3x iinfo --stats with default flags (CLI): met for ${met3.length ? met3.join(", ") : "no codec"}. ` +
    `Goal >= 1x on one thread (best of library and CLI -j 0): met for ${met1.length ? met1.join(", ") : "no codec"}.\n`;
  process.stdout.write(`${text}\n`);
  const out = arg("--write");
  if (out) {
    const section = `${BEGIN}\n## Pixel statistics (\`npm run bench:stats\`)\n\n${text}\n${END}`;
    const old = existsSync(out) ? readFileSync(out, "utf8") : "# Benchmarks\n";
    const s = old.indexOf(BEGIN);
    const e = old.indexOf(END);
    writeFileSync(
      out,
      s >= 0 && e > s
        ? `${old.slice(0, s)}${section}${old.slice(e + END.length)}`
        : `${old.trimEnd()}\n\n${section}\n`,
    );
  }
}

await main();
