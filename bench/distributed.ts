/**
 * Distributed ingest on Kafka: objects/s with 1, 2 and 4 `consume` processes (VAST backend, the emulator) draining
 * one published topic of tiny EXR objects on the emulator's S3 side, with per-consumer throughput and the group's
 * lag over time. A real Apache Kafka broker (KRaft, test/distributed/kafka-broker.ts) and the built emulator and
 * CLI as separate processes. Every run uses a fresh consumer group and a fresh VAST schema on the same topic.
 *
 * Usage: npm run bench:distributed [-- --objects N] [-- --partitions N] [-- --consumers 1,2,4]
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { Kafka, logLevel } from "kafkajs";
import { parseMetric } from "../test/distributed/consume-process.js";
import { startKafkaBroker } from "../test/distributed/kafka-broker.js";
import { emulatorEnv, s3TestClient, uploadFrames } from "../test/distributed/object-fixtures.js";

const REPO = resolve(import.meta.dirname, "../../..");
const CLI = resolve(REPO, "dist/cli/main.js");
const EMULATOR = resolve(REPO, "dist/vast/emulator/main.js");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const OBJECTS = Number(arg("--objects", "4000"));
const PARTITIONS = Number(arg("--partitions", "8"));
const CONSUMERS = arg("--consumers", "1,2,4").split(",").map(Number);
const SAMPLE_MS = 2000;
const TOPIC = "bench-frames";

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolvePromise(m);
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}): ${out}`)));
  });
}

interface Sample {
  t: number;
  lag: number;
  perConsumer: number[];
  /** CPU seconds used by each consumer process so far (prom-client's process_cpu_seconds_total). */
  cpu: number[];
}

async function groupLag(kafka: Kafka, group: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(TOPIC);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
    let lag = 0;
    for (const e of ends) {
      const c = Number(committed?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1);
      lag += Number(e.high) - (c < 0 ? Number(e.low) : c);
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

async function runConsumers(n: number, bootstrap: string, endpoint: string, kafka: Kafka) {
  const group = `bench-${n}-${Date.now()}`;
  const env = { ...process.env, ...emulatorEnv(endpoint, `bench_${n}_${Date.now()}`), LOG_LEVEL: "info" };
  const started = performance.now();
  const children: ChildProcess[] = [];
  const starting: Promise<RegExpExecArray>[] = [];
  // All started at once: the group's first rebalance spreads the partitions; time counts from here.
  for (let i = 0; i < n; i++) {
    const child = spawn(
      process.execPath,
      [
        CLI,
        "consume",
        "--brokers",
        bootstrap,
        "--topic",
        TOPIC,
        "--group",
        group,
        "--backend",
        "vast",
        "--metrics-port",
        "0",
      ],
      { env, stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(child);
    starting.push(waitForLine(child, /"metrics":"(http:\/\/[^"]+)"/, "consume"));
  }
  const urls = (await Promise.all(starting)).map((m) => m[1]!);
  const samples: Sample[] = [];
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const texts = await Promise.all(urls.map(async (u) => (await fetch(`${u}/metrics`)).text()));
      const perConsumer = texts.map((t) => parseMetric(t, "exr_consume_events_total"));
      const cpu = texts.map((t) => parseMetric(t, "process_cpu_seconds_total"));
      const lag = await groupLag(kafka, group);
      samples.push({ t: (performance.now() - started) / 1000, lag, perConsumer, cpu });
      process.stderr.write(
        `  ${n} consumers t=${samples.at(-1)!.t.toFixed(0)}s lag=${lag} done=${perConsumer.join("/")}\n`,
      );
      if (lag === 0) break;
      if (performance.now() - started > 30 * 60_000) throw new Error("did not drain within 30 minutes");
    }
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)),
    );
  }
  const last = samples.at(-1)!;
  // Steady rate: between the samples at 10 % and 90 % of the work done (start-up and the tail left out).
  const at = (fraction: number) => samples.find((x) => x.lag <= OBJECTS * (1 - fraction)) ?? last;
  const from = at(0.1);
  const to = at(0.9);
  const steady = to.t > from.t ? (from.lag - to.lag) / (to.t - from.t) : Number.NaN;
  return {
    consumers: n,
    seconds: last.t,
    objectsPerSecond: OBJECTS / last.t,
    steadyObjectsPerSecond: steady,
    perConsumer: last.perConsumer.map((x) => x / last.t),
    cpuMsPerObject: (last.cpu.reduce((a, b) => a + b, 0) * 1000) / OBJECTS,
    samples,
  };
}

async function main(): Promise<void> {
  const fetched = spawnSync(resolve(REPO, "tools/kafka/fetch.sh"), { stdio: "inherit" });
  if (fetched.status !== 0) throw new Error("fetching the Kafka jars failed");
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  const broker = await startKafkaBroker();
  const emulator = spawn(
    process.execPath,
    [EMULATOR, "--port", "0", "--bucket", "vastdb", "--quiet", "--no-verify-signatures"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const endpoint = (await waitForLine(emulator, /listening on (http:\/\/\S+)/, "emulator"))[1]!;
    const s3 = s3TestClient(endpoint);
    const up = performance.now();
    await uploadFrames(s3, "vastdb", "frames/", OBJECTS);
    s3.destroy();
    process.stderr.write(
      `${OBJECTS} objects uploaded in ${((performance.now() - up) / 1000).toFixed(1)} s\n`,
    );
    const published = spawnSync(
      process.execPath,
      [
        CLI,
        "publish",
        "s3://vastdb/frames/",
        "--brokers",
        broker.bootstrap,
        "--topic",
        TOPIC,
        "--partitions",
        String(PARTITIONS),
      ],
      { env: { ...process.env, ...emulatorEnv(endpoint) }, encoding: "utf8" },
    );
    if (published.status !== 0) throw new Error(`publish failed: ${published.stderr}`);
    process.stderr.write(published.stdout);
    const kafka = new Kafka({ clientId: "bench", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const results = [];
    for (const n of CONSUMERS) results.push(await runConsumers(n, broker.bootstrap, endpoint, kafka));
    const loadAfter = loadavg()
      .map((x) => x.toFixed(1))
      .join(" ");
    const base = results[0]!.objectsPerSecond;
    const lines = [
      `Date: ${date} UTC; ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average before ${load}, after ${loadAfter}.`,
      `${OBJECTS} tiny EXR objects (0.5–11 KB) on the emulator's S3 side, one topic of ${PARTITIONS} partitions; consumers write the emulator's VAST catalog; broker, emulator and consumers share the machine.`,
      "",
      "| consumers | drained in | objects/s (start → drained) | objects/s (10 % → 90 % done) | per consumer objects/s | vs 1 consumer | consumer CPU ms/object |",
      "|---:|---:|---:|---:|---|---:|---:|",
      ...results.map(
        (r) =>
          `| ${r.consumers} | ${r.seconds.toFixed(1)} s | ${r.objectsPerSecond.toFixed(0)} | ${r.steadyObjectsPerSecond.toFixed(0)} | ${r.perConsumer.map((x) => x.toFixed(0)).join(" / ")} | ${(r.objectsPerSecond / base).toFixed(2)}× | ${r.cpuMsPerObject.toFixed(2)} |`,
      ),
      "",
      "Lag (events not yet committed by the group) over time, seconds since the consumers were started:",
      "",
      ...results.map(
        (r) =>
          `- ${r.consumers} consumer${r.consumers > 1 ? "s" : ""}: ${r.samples
            .filter((_, i, a) => i % Math.max(1, Math.ceil(a.length / 12)) === 0 || i === a.length - 1)
            .map((s) => `${s.t.toFixed(0)} s ${s.lag}`)
            .join(", ")}`,
      ),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    mkdirSync(resolve(REPO, "bench/out"), { recursive: true });
    writeFileSync(
      resolve(REPO, "bench/out/distributed.json"),
      `${JSON.stringify({ date, load, results }, null, 2)}\n`,
    );
  } finally {
    emulator.kill("SIGTERM");
    await broker.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
