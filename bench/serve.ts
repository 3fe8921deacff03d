/**
 * Event-driven ingest, in one run against one emulator (S3 + VAST DataBase on one port, a child process):
 *   serve (batched)   = `exr-inspector serve --backend vast`: ranged S3 reads, micro-batching (one transaction
 *                       per batch), one catalog session for the process
 *   serve (unbatched) = the same with `--no-batching`: one transaction per event
 *   seed              = python/bench/seed_serve.py: the seed's handler pattern (boto3 256 KiB GET, OpenImageIO
 *                       on a temporary file, one vastdb SDK transaction per file)
 * at 1, 8 and 64 concurrent senders (serve: HTTP clients posting the emulator trigger's CloudEvents; seed: that
 * many worker threads, each one function instance). Events/s and p50/p99 latency per event; same-run ratios.
 * Objects: `exr-inspector generate` frames (100–460 KB, realistic headers), uploaded once; every run writes
 * into a fresh schema, so every event is an insert.
 *
 *   serve (batched, wide) = design `wide`: up to 256 files a batch (default 64)
 *   serve (batched, narrow) = design `narrow`: the earlier defaults, 5 ms of waiting and two batches at once
 *   baseline = serve (batched) of another build (`--baseline DIR`: a checkout with `dist/` built), for a same-run
 *              comparison of this build's write path against an earlier one
 *   node:FLAGS = serve (batched) with extra node/V8 flags for its process (`+`-separated), e.g.
 *              `node:--max-semi-space-size=32`
 *   serve:ARGS = serve (batched) with extra serve options (`+`-separated), e.g. `serve:--batch-wait-ms+100`
 * The senders are cheap on purpose (requests encoded before the clock starts, one raw keep-alive HTTP/1.1
 * connection each, bench/lib/http1-sender.ts): they share the 2 cores with serve and the emulator. Besides events/s and latency, each serve run prints CPU per event of serve,
 * the emulator and the senders, and the batches written (count, files per batch).
 * Usage: npm run bench:serve [-- --events 200] [-- --concurrency 1,8,64] [-- --designs batched,unbatched,seed,wide,narrow]
 *        [-- --profile-dir DIR] [-- --perf-dir DIR] [-- --baseline DIR --designs batched,baseline,seed]
 *        [-- --warmup-events 128 --warmup-senders 1 (unmeasured events through serve first, to warm the emulator up;
 *        0 events: none)]
 *        [-- --serve-node-args "--trace-opt --trace-deopt"]; BENCH_SERVE_STDOUT=FILE appends the child processes'
 *        stdout (serve's V8 traces) to FILE.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { HTTP } from "cloudevents";
import { createS3Client } from "../src/io/s3-client.js";
import { objectCreatedEvent } from "../src/vast/emulator/notify/object-event.js";
import { Http1Sender, postRequest } from "./lib/http1-sender.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const EVENTS = Number(arg("--events", "200"));
const CONCURRENCY = arg("--concurrency", "1,8,64").split(",").map(Number);
const DESIGNS = arg("--designs", "batched,unbatched,seed").split(",");
/** Directory for V8 CPU profiles of the serve processes and (under `emulator/`) the emulator, when given. */
const PROFILE_DIR = arg("--profile-dir", "");
/** Directory for `perf record -g` data of each serve process (every thread, V8's included), when given. */
const PERF_DIR = arg("--perf-dir", "");
/** Extra node options for the serve processes (e.g. V8 tracing flags), space-separated. */
const SERVE_NODE_ARGS = arg("--serve-node-args", "").split(" ").filter(Boolean);
/** Extra node options for the emulator process, space-separated. */
const EMULATOR_NODE_ARGS = arg("--emulator-node-args", "").split(" ").filter(Boolean);
const REPO = resolve(import.meta.dirname, "../../..");
const PYTHON = arg("--python", resolve(REPO, ".venv/bin/python"));
const CLI = resolve(REPO, "dist/cli/launch.cjs");
const BASELINE = arg("--baseline", "");
const BASELINE_CLI = BASELINE ? resolve(BASELINE, "dist/cli/launch.cjs") : "";
const EMULATOR = resolve(REPO, "dist/vast/emulator/main.js");
/** Design `wide`: larger group commits than the default (up to 256 files). */
const WIDE_BATCHES = ["--batch-max", "256"];
/** Events of the unmeasured pass that warms the emulator up before the measured runs. */
const WARMUP_EVENTS = Number(arg("--warmup-events", "128"));
/** Senders of the warm-up pass: one, so each event is a transaction of its own (the emulator's busiest path). */
const WARMUP_SENDERS = Number(arg("--warmup-senders", "1"));
/** Design `narrow`: the group-commit settings before 2026-12-07 (5 ms of waiting, two batches at once). */
const NARROW_BATCHES = ["--batch-wait-ms", "5", "--batch-concurrency", "2"];
const ACCESS = "BenchAK";
const SECRET = "BenchSecretKey1";
const BUCKET = "renders";

interface Result {
  design: string;
  concurrency: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; 0 elsewhere). */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Where the CPU went, per event: the emulator (S3 + tabular API) and the ingest side (serve or the Python). */
const cpuNote = (n: number, ingest: number, emulator: number) =>
  `CPU per event: ingest ${((ingest / n) * 1000).toFixed(1)} ms, emulator ${((emulator / n) * 1000).toFixed(1)} ms`;

/** CPU seconds (user + system) of this process: the senders' side of a serve run. */
function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Batches written and files in them, from serve's `/metrics` (the `exr_serve_batch_size` histogram). */
async function batchSizes(base: string): Promise<{ batches: number; files: number }> {
  const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  return { batches: value("exr_serve_batch_size_count"), files: value("exr_serve_batch_size_sum") };
}

let emulatorPid: number | undefined;

interface Uploaded {
  key: string;
  size: number;
  etag: string;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((done, fail) =>
    execFile(cmd, args, { env, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${cmd} ${args.join(" ")}: ${err.message}\n${stderr}`)) : done(stdout),
    ),
  );
}

async function startChild(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  if (process.env.BENCH_SERVE_STDOUT)
    child.stdout!.pipe(createWriteStream(process.env.BENCH_SERVE_STDOUT, { flags: "a" }));
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  child.once("exit", (code) => {
    if (code) process.stderr.write(`${args[1] ?? cmd} exited ${code}: ${err}\n`);
  });
  return child;
}

async function startEmulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = await startChild(
    process.execPath,
    [
      ...EMULATOR_NODE_ARGS,
      ...(PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}/emulator`] : []),
      EMULATOR,
      "--port",
      "0",
      "--bucket",
      "vastdb",
      "--bucket",
      BUCKET,
      "--access-key",
      ACCESS,
      "--secret-key",
      SECRET,
      "--quiet",
    ],
    process.env,
  );
  const url = await new Promise<string>((ok, fail) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once("exit", () => fail(new Error("emulator exited")));
  });
  return { url, child };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.name.endsWith(".exr")) out.push(p);
  }
  return out.sort();
}

async function upload(url: string, dir: string): Promise<Uploaded[]> {
  const { client } = createS3Client({
    endpointUrl: url,
    region: "us-east-1",
    credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET },
  });
  const files = (await walk(dir)).slice(0, EVENTS);
  const out: Uploaded[] = [];
  for (const f of files) {
    const key = `frames/${relative(dir, f)}`;
    const body = await readFile(f);
    const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    out.push({ key, size: body.length, etag: put.ETag! });
  }
  client.destroy();
  return out;
}

function vastEnvironment(url: string, schema: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith("AWS_") && !k.startsWith("VAST_DB_")) env[k] = v;
  return {
    ...env,
    VAST_DB_ENDPOINT: url,
    VAST_DB_ACCESS_KEY: ACCESS,
    VAST_DB_SECRET_KEY: SECRET,
    VAST_DB_BUCKET: "vastdb",
    VAST_DB_SCHEMA: schema,
    LOG_LEVEL: "warn",
  };
}

let schemaCounter = 0;
const freshSchema = (design: string, c: number) => `bench_${design}_${c}_${process.pid}_${schemaCounter++}`;

async function runServe(
  url: string,
  objects: Uploaded[],
  concurrency: number,
  batched: boolean,
  variant = "",
  quiet = false,
): Promise<Result> {
  const design = batched
    ? variant === "baseline"
      ? "serve (batched, baseline)"
      : variant === "wide"
        ? "serve (batched, wide)"
        : variant === "narrow"
          ? "serve (batched, narrow)"
          : variant.startsWith("node:")
            ? `serve (batched, node ${variant.slice(5)})`
            : variant.startsWith("serve:")
              ? `serve (batched, ${variant.slice(6).replaceAll("+", " ")})`
              : "serve (batched)"
    : "serve (unbatched)";
  const port = 20000 + Math.floor(Math.random() * 20000);
  const perfName = `serve-${quiet ? "warmup" : (variant || (batched ? "batched" : "unbatched")).replace(/[^\w-]+/g, "_")}-${concurrency}`;
  const perf = PERF_DIR
    ? [
        ...["record", "-e", "cpu-clock", "-F", "999", "-g", "-o", join(PERF_DIR, `${perfName}.perf`), "--"],
        process.execPath,
        "--perf-basic-prof",
        // (V8's log, which --perf-basic-prof turns on, goes beside the data instead of the working directory.)
        `--logfile=${join(PERF_DIR, `${perfName}.v8.log`)}`,
        "--no-logfile-per-isolate",
      ]
    : [];
  const child = await startChild(
    PERF_DIR ? "perf" : process.execPath,
    [
      ...perf,
      ...SERVE_NODE_ARGS,
      ...(variant.startsWith("node:") ? variant.slice(5).split("+") : []),
      ...(PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      variant === "baseline" ? BASELINE_CLI : CLI,
      "serve",
      "--backend",
      "vast",
      "--port",
      String(port),
      ...(batched ? [] : ["--no-batching"]),
      ...(variant === "wide" ? WIDE_BATCHES : variant === "narrow" ? NARROW_BATCHES : []),
      ...(variant.startsWith("serve:") ? variant.slice(6).split("+") : []),
    ],
    vastEnvironment(url, freshSchema(batched ? "b" : "u", concurrency)),
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      if (Date.now() > deadline) throw new Error("serve did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  // Under perf, serve is perf's child.
  const servePid = PERF_DIR
    ? Number((await readFile(`/proc/${child.pid}/task/${child.pid}/children`, "utf8")).trim().split(" ")[0])
    : child.pid;
  const emulatorCpu = await cpuSeconds(emulatorPid);
  const serveCpu = await cpuSeconds(servePid);
  const split = { inspect: 0, persist: 0, bytes: 0 };
  // The requests are encoded before the clock starts (as the trigger has them ready when it sends) and written on
  // one keep-alive connection per sender (bench/lib/http1-sender.ts): the senders share the 2 cores with serve
  // and the emulator, so what they cost is kept small (fetch + encoding each event took ~2 ms of CPU per event,
  // node:http's client 0.4–0.9 ms).
  const requests = objects.map((o) => {
    const message = HTTP.binary(
      objectCreatedEvent({
        bucket: BUCKET,
        key: o.key,
        size: o.size,
        etag: o.etag,
        eventName: "ObjectCreated:Put",
        time: new Date(),
      }),
    );
    return postRequest(
      `127.0.0.1:${port}`,
      "/",
      message.headers as Record<string, string>,
      Buffer.from(String(message.body)),
    );
  });
  const senders = Array.from({ length: concurrency }, () => new Http1Sender("127.0.0.1", port));
  const senderCpu = ownCpuSeconds();
  const started = performance.now();
  await Promise.all(
    senders.map(async (sender) => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const t0 = performance.now();
        const answer = await sender.send(request);
        const status = answer.status;
        const body = JSON.parse(answer.body.toString("utf8")) as {
          persistence: { inserted: boolean };
          stats: { inspect_ms: number; persist_ms: number; bytes_read: number };
        };
        latencies.push(performance.now() - t0);
        split.inspect += body.stats.inspect_ms;
        split.persist += body.stats.persist_ms;
        split.bytes += body.stats.bytes_read;
        if (status !== 200 || !body.persistence.inserted) failures++;
      }
    }),
  );
  for (const sender of senders) sender.close();
  const seconds = (performance.now() - started) / 1000;
  const senderMs = ((ownCpuSeconds() - senderCpu) / objects.length) * 1000;
  const cpu = cpuNote(
    objects.length,
    (await cpuSeconds(servePid)) - serveCpu,
    (await cpuSeconds(emulatorPid)) - emulatorCpu,
  );
  const batches = batched ? await batchSizes(base) : null;
  process.kill(servePid!, "SIGTERM");
  await new Promise((r) => child.once("exit", r));
  if (failures) throw new Error(`${design}: ${failures} events not inserted`);
  const n = objects.length;
  if (!quiet)
    console.log(
      `      (${design}, ${concurrency}: mean inspect ${(split.inspect / n).toFixed(1)} ms, mean wait for the commit ${(split.persist / n).toFixed(1)} ms, ${(split.bytes / n / 1024).toFixed(0)} KiB read per object; ${cpu}, senders ${senderMs.toFixed(1)} ms${batches ? `; ${batches.batches} batches, ${(batches.files / Math.max(1, batches.batches)).toFixed(1)} files per batch` : ""})`,
    );
  latencies.sort((a, b) => a - b);
  return {
    design,
    concurrency,
    events: objects.length,
    seconds,
    eventsPerSecond: objects.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}

async function runSeed(url: string, keysFile: string, events: number, concurrency: number): Promise<Result> {
  const emulatorCpu = await cpuSeconds(emulatorPid);
  const out = await run(
    PYTHON,
    [
      resolve(REPO, "python/bench/seed_serve.py"),
      url,
      "vastdb",
      freshSchema("seed", concurrency),
      keysFile,
      "--object-bucket",
      BUCKET,
      "--concurrency",
      String(concurrency),
    ],
    { ...process.env, AWS_ACCESS_KEY_ID: ACCESS, AWS_SECRET_ACCESS_KEY: SECRET },
  );
  const r = JSON.parse(out.trim().split("\n").pop()!) as {
    seconds: number;
    events_per_second: number;
    p50_ms: number;
    p99_ms: number;
    inserted: number;
    failed: number;
    cpu_seconds: number;
  };
  console.log(
    `      (seed, ${concurrency}: ${cpuNote(events, r.cpu_seconds, (await cpuSeconds(emulatorPid)) - emulatorCpu)})`,
  );
  if (r.inserted !== events)
    throw new Error(`seed: ${r.inserted} of ${events} inserted (${r.failed} failed)`);
  return {
    design: "seed (per-file transaction)",
    concurrency,
    events,
    seconds: r.seconds,
    eventsPerSecond: r.events_per_second,
    p50: r.p50_ms,
    p99: r.p99_ms,
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "exr-bench-serve-"));
  const emulator = await startEmulator();
  emulatorPid = emulator.child.pid;
  const load = [loadavg()];
  try {
    await run(process.execPath, [
      CLI,
      "generate",
      join(dir, "tree"),
      "--sequences",
      String(Math.ceil(EVENTS / 10)),
      "--frames",
      "10",
    ]);
    const objects = await upload(emulator.url, join(dir, "tree"));
    const bytes = (
      await Promise.all((await walk(join(dir, "tree"))).slice(0, EVENTS).map((f) => stat(f)))
    ).reduce((n, s) => n + s.size, 0);
    const keysFile = join(dir, "keys.txt");
    await writeFile(keysFile, `${objects.map((o) => o.key).join("\n")}\n`);
    console.log(
      `bench:serve — ${new Date().toISOString()}, ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    );
    console.log(
      `${objects.length} objects (${(bytes / objects.length / 1024).toFixed(0)} KiB average), emulator ${emulator.url}`,
    );
    // The emulator stands in for a cluster that is always warm: one unmeasured serve pass first, so its JIT warm-up
    // on the GET and tabular paths (~2x its CPU per event) is not charged to whichever design runs first.
    if (WARMUP_EVENTS > 0) {
      const warmup = await runServe(
        emulator.url,
        objects.slice(0, WARMUP_EVENTS),
        WARMUP_SENDERS,
        true,
        "",
        true,
      );
      console.log(
        `  (emulator warm-up: ${warmup.events} events through serve from ${WARMUP_SENDERS} sender(s), not counted)`,
      );
    }
    const results: Result[] = [];
    for (const c of CONCURRENCY) {
      for (const d of DESIGNS) {
        const r =
          d === "seed"
            ? await runSeed(emulator.url, keysFile, objects.length, c)
            : await runServe(emulator.url, objects, c, d !== "unbatched", d);
        results.push(r);
        console.log(
          `  ${String(c).padStart(2)} senders  ${r.design.padEnd(28)} ${r.eventsPerSecond.toFixed(1).padStart(7)} events/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms`,
        );
      }
      load.push(loadavg());
    }
    console.log("same-run ratios (events/s):");
    for (const c of CONCURRENCY) {
      const of = (prefix: string) =>
        results.find(
          (r) => r.concurrency === c && (r.design === prefix || r.design.startsWith(`${prefix} (`)),
        );
      const seed = of("seed");
      const batched = of("serve (batched)");
      const wide = of("serve (batched, wide)");
      const narrow = of("serve (batched, narrow)");
      const baseline = of("serve (batched, baseline)");
      const unbatched = of("serve (unbatched)");
      if (seed && batched)
        console.log(
          `  ${String(c).padStart(2)} senders: serve batched / seed = ${(batched.eventsPerSecond / seed.eventsPerSecond).toFixed(1)}×` +
            (unbatched
              ? `, unbatched / seed = ${(unbatched.eventsPerSecond / seed.eventsPerSecond).toFixed(1)}×, batched / unbatched = ${(batched.eventsPerSecond / unbatched.eventsPerSecond).toFixed(1)}×`
              : "") +
            (wide ? `, wide / seed = ${(wide.eventsPerSecond / seed.eventsPerSecond).toFixed(1)}×` : "") +
            (narrow
              ? `, narrow / seed = ${(narrow.eventsPerSecond / seed.eventsPerSecond).toFixed(1)}×`
              : "") +
            (baseline
              ? `, baseline / seed = ${(baseline.eventsPerSecond / seed.eventsPerSecond).toFixed(1)}×`
              : ""),
        );
    }
    const best = (prefix: string) =>
      Math.max(
        ...results
          .filter((r) => r.design.startsWith(prefix) && !r.design.includes("baseline"))
          .map((r) => r.eventsPerSecond),
      );
    if (DESIGNS.includes("seed") && DESIGNS.includes("batched"))
      console.log(
        `  best serve (batched designs) / best seed = ${(best("serve (batched") / best("seed")).toFixed(1)}× (goal ≥ 20×)`,
      );
    console.log(
      `load average (1 min) during the run: ${load.map((l) => l[0]!.toFixed(1)).join(" → ")} (shared machine)`,
    );
  } finally {
    emulator.child.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
