/**
 * Reading renders where they live, in one run against the emulator's S3 side with added per-request latency:
 *   ours = `exr-inspector validate s3://bench/objects/` (ranged GETs of exactly what the plan needs, many objects
 *          in flight)
 *   seed = python/bench/seed_s3_inspect.py: the seed's handler (one 256 KiB range GET per object with boto3, the
 *          prefix written to a temporary file, OpenImageIO on it), sequential as its handler is
 * Files/s and object bytes served (counted by the emulator) for both, at each latency; then both on a render
 * whose header is ~3 MB (Cryptomatte manifest).
 *
 * The objects are full-size renders (1080p/2K beauty, utility and Cryptomatte passes with renderer-style
 * headers; their pixel chunks are random bytes of realistic compressed size), copied to `--objects` keys.
 *
 * Designs of ours, same run: `direct` (the default: GETs and listing pages signed by our SigV4 signer, sent on
 * our HTTP/1.1 client, keep-alive, 8 pipelined per connection), `node-http` (`--s3-gets node-http`: the same
 * signed GETs on a keep-alive node:http agent), `sdk` (`--s3-gets sdk`: the AWS SDK's GetObject and
 * ListObjectsV2 command stack) and `wide` (`direct` with --concurrency 256 instead of the default 64).
 *
 * Before the timed runs, `--warm-up` untimed passes (default 1) of the seed and of ours at the first latency warm the
 * emulator's JIT, so neither side's figures include the emulator's own warm-up (`--warm-up 0`: cold, as before
 * 2026-12-08).
 *
 * Usage: npm run bench:s3 [-- --objects 3000] [-- --seed-files 300] [-- --latencies 1,20] [-- --concurrency N]
 *        [-- --designs direct,node-http,sdk,wide] [-- --rounds 2] [-- --warm-up 1] [-- --profile-dir DIR]
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { CopyObjectCommand, CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { AttributeSpec, ChannelSpec, ChunkInfo } from "../src/core/write/index.js";
import { writeExr } from "../src/core/write/index.js";
import { cryptomatteManifest } from "../src/core/write/sample-files.js";
import { createS3Client } from "../src/io/s3-client.js";
import { startEmulator } from "../src/vast/emulator/server.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const OBJECTS = Number(arg("--objects", "3000"));
const SEED_FILES = Number(arg("--seed-files", "300"));
const LATENCIES = arg("--latencies", "1,20").split(",").map(Number);
/** 0: the CLI's default, as a user types the command. */
const CONCURRENCY = Number(arg("--concurrency", "0"));
const DESIGNS = arg("--designs", "direct,node-http,sdk").split(",");
/** Passes over the designs at each latency, every other one in reverse order (the first run after the seed's
 * ran slower in every design: order matters under load). */
const ROUNDS = Number(arg("--rounds", "2"));
const DESIGN_LABEL: Record<string, string> = {
  direct: "direct GETs, our HTTP/1.1 client (default)",
  "node-http": "direct GETs on node:http (--s3-gets node-http)",
  sdk: "SDK GetObject (--s3-gets sdk)",
  wide: "direct GETs, --concurrency 256",
};
const DESIGN_ARGS: Record<string, string[]> = {
  "node-http": ["--s3-gets", "node-http"],
  sdk: ["--s3-gets", "sdk"],
  wide: ["--concurrency", "256"],
};
/**
 * Untimed passes (the seed's, then ours) at the first latency before the timed runs, so that both measure a warm
 * emulator, as a VAST endpoint (a long-running server) is: in a fresh emulator process the first 3,000 objects cost
 * ~0.26 s more CPU (V8 compiling its GET path), which fell on whichever run came first; a pass at 0 ms warmed it
 * only in part (its code for added latency stayed cold). 0: a cold emulator.
 */
const WARM_UP = Number(arg("--warm-up", "1"));
/** Directory for V8 CPU profiles of our CLI runs (`--cpu-prof`), when given. */
const PROFILE_DIR = arg("--profile-dir", "");
const PROFILE = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
const REPO = resolve(import.meta.dirname, "../../..");
const PYTHON = arg("--python", resolve(REPO, ".venv/bin/python"));
const CLI = resolve(REPO, "dist/cli/launch.cjs");
const SEED = resolve(REPO, "python/bench/seed_s3_inspect.py");

/** One shared block of random bytes: every chunk is a view of it (incompressible, like real pixel data). */
const NOISE = randomBytes(256 * 1024);
const chunkOf = (bytesPerChunk: number) => (_: ChunkInfo) => NOISE.subarray(0, bytesPerChunk);

const baseAttributes = (software: string): AttributeSpec[] => [
  { name: "software", type: "string", value: software },
  { name: "owner", type: "string", value: "lighting" },
  { name: "capDate", type: "string", value: "2026:03:14 10:00:00" },
  { name: "framesPerSecond", type: "rational", value: [24, 1] },
  {
    name: "chromaticities",
    type: "chromaticities",
    value: [0.713, 0.293, 0.165, 0.83, 0.128, 0.044, 0.32168, 0.33767],
  },
  { name: "worldToCamera", type: "m44f", value: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0.25, 1.5, -10, 1] },
  { name: "arnold/host/name", type: "string", value: "render-node-042" },
  { name: "arnold/stats/time/render", type: "float", value: 1834.5 },
];

const half = (names: string[]): ChannelSpec[] => names.map((name) => ({ name, type: "half" }));

function templates(): { name: string; bytes: Uint8Array }[] {
  const rgba = ["A", "B", "G", "R"];
  const aovs = ["diffuse", "specular", "transmission", "sss", "emission"].flatMap((l) =>
    ["B", "G", "R"].map((c) => `${l}.${c}`),
  );
  const beauty = writeExr({
    parts: [
      {
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [1919, 1079] },
        channels: half([...rgba, ...aovs].sort()),
        compression: "zip",
        attributes: baseAttributes("Arnold 7.3.1.0"),
        chunkData: chunkOf(96 * 1024),
      },
    ],
  });
  const utility = writeExr({
    parts: [
      {
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [2047, 857] },
        channels: [
          { name: "N.X", type: "float" },
          { name: "N.Y", type: "float" },
          { name: "N.Z", type: "float" },
          { name: "P.X", type: "float" },
          { name: "P.Y", type: "float" },
          { name: "P.Z", type: "float" },
          { name: "Z", type: "float" },
        ],
        compression: "zips",
        attributes: baseAttributes("V-Ray 6.2"),
        chunkData: chunkOf(6 * 1024),
      },
    ],
  });
  const crypto = writeExr({
    parts: [
      {
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [1919, 1079] },
        channels: [
          ...half(["A", "B", "G", "R"]),
          ...["00", "01", "02"].flatMap((r) =>
            ["A", "B", "G", "R"].map((c): ChannelSpec => ({ name: `CryptoObject${r}.${c}`, type: "float" })),
          ),
        ].sort((a, b) => (a.name < b.name ? -1 : 1)),
        compression: "zip",
        attributes: [
          ...baseAttributes("Karma 20.5"),
          { name: "cryptomatte/0123abc/name", type: "string", value: "CryptoObject" },
          { name: "cryptomatte/0123abc/hash", type: "string", value: "MurmurHash3_32" },
          { name: "cryptomatte/0123abc/conversion", type: "string", value: "uint32_to_float32" },
          { name: "cryptomatte/0123abc/manifest", type: "string", value: cryptomatteManifest(300) },
        ],
        chunkData: chunkOf(80 * 1024),
      },
    ],
  });
  return [
    { name: "beauty", bytes: beauty },
    { name: "utility", bytes: utility },
    { name: "crypto", bytes: crypto },
  ];
}

function bigHeader(): Uint8Array {
  return writeExr({
    parts: [
      {
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [1919, 1079] },
        channels: half(["A", "B", "G", "R"]),
        compression: "zip",
        attributes: [
          ...baseAttributes("Houdini 20.5"),
          { name: "cryptomatte/0123abc/manifest", type: "string", value: cryptomatteManifest(65_000) },
          { name: "renderer", type: "string", value: "after the manifest" },
        ],
        chunkData: chunkOf(64 * 1024),
      },
    ],
  });
}

/** CPU seconds of this process's reaped children (Linux /proc; null elsewhere). */
function childrenCpuSeconds(): number | null {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}

/** CPU seconds of this process: the emulator serving the requests (the bench itself only waits). */
const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; seconds: number; cpu: number | null; serverCpu: number }> {
  const started = performance.now();
  const childCpu = childrenCpuSeconds();
  const serverCpu = ownCpuSeconds();
  return new Promise((ok, fail) =>
    execFile(
      cmd,
      args,
      { env: { ...process.env, ...env }, maxBuffer: 512 * 1024 * 1024 },
      (err, stdout, stderr) => {
        // validate exits 1 when a file fails validation; the output tells
        if (err && typeof err.code !== "number") return fail(err);
        if (err && !stdout) return fail(new Error(`${cmd} ${args.join(" ")} failed: ${stderr}`));
        const cpuAfter = childrenCpuSeconds();
        ok({
          stdout,
          seconds: (performance.now() - started) / 1000,
          cpu: childCpu === null || cpuAfter === null ? null : cpuAfter - childCpu,
          serverCpu: ownCpuSeconds() - serverCpu,
        });
      },
    ),
  );
}

const emulator = await startEmulator({ port: 0, credentials: new Map([["AK", "SK"]]) });
const env = {
  AWS_ACCESS_KEY_ID: "AK",
  AWS_SECRET_ACCESS_KEY: "SK",
  AWS_ENDPOINT_URL: emulator.url,
  AWS_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/nonexistent",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
};
const traffic = async (reset: boolean) => {
  const res = await fetch(`${emulator.url}/_emulator/s3-traffic`, { method: reset ? "DELETE" : "GET" });
  return (await res.json()) as {
    requests: number;
    get_requests: number;
    bytes_served: number;
    max_in_flight: number;
  };
};

try {
  const { client: s3 } = createS3Client({
    endpointUrl: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
  });
  await s3.send(new CreateBucketCommand({ Bucket: "bench" }));
  const made = templates();
  for (const t of made)
    await s3.send(new PutObjectCommand({ Bucket: "bench", Key: `templates/${t.name}.exr`, Body: t.bytes }));
  // Copies share the template's bytes in the emulator's memory store.
  for (let i = 0; i < OBJECTS; i++) {
    const t = made[i % made.length]!;
    const key = `objects/sh${String(Math.floor(i / 100)).padStart(3, "0")}/${t.name}/${t.name}.${1001 + (i % 100)}.exr`;
    await s3.send(
      new CopyObjectCommand({ Bucket: "bench", Key: key, CopySource: `bench/templates/${t.name}.exr` }),
    );
  }
  await s3.send(new PutObjectCommand({ Bucket: "bench", Key: "big/crypto_manifest.exr", Body: bigHeader() }));
  s3.destroy();

  console.log(
    `bench:s3 — ${OBJECTS} objects (${made.map((t) => `${t.name} ${(t.bytes.length / 2 ** 20).toFixed(1)} MiB`).join(", ")}), ` +
      `seed on the first ${SEED_FILES}; ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, load average ${loadavg()[0]!.toFixed(1)} at start; ${new Date().toISOString()}`,
  );
  // The CLI's fixed cost (start-up, client set-up, one object), inside every "ours" time below.
  const one = await run(process.execPath, [CLI, "validate", "s3://bench/templates/utility.exr"], env);
  console.log(`CLI start-up + one object: ${one.seconds.toFixed(2)} s (inside every "ours" time)`);
  emulator.faults.update({ latency_ms: LATENCIES[0] ?? 0 });
  for (let pass = 0; pass < WARM_UP; pass++) {
    const seedWarm = await run(
      PYTHON,
      [SEED, emulator.url, "bench", "objects/", "--limit", String(SEED_FILES)],
      env,
    );
    const oursWarm = await run(
      process.execPath,
      [CLI, "validate", "--format", "ndjson", "s3://bench/objects/"],
      env,
    );
    const { get_requests } = await traffic(true);
    console.log(
      `Warm-up pass ${pass + 1} (untimed, ${LATENCIES[0] ?? 0} ms): the seed on ${SEED_FILES} objects, ours on ${OBJECTS}; ` +
        `${get_requests} GETs, emulator CPU ${(seedWarm.serverCpu + oursWarm.serverCpu).toFixed(2)} s`,
    );
  }
  console.log(
    "| latency | design | ours files/s | seed files/s | files/s ratio | ours bytes/file | seed bytes/file | bytes ratio | ours requests/file | client CPU ms/file ours / seed | emulator CPU ms/file ours / seed | ours GETs in flight (max) | load |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const latency of LATENCIES) {
    emulator.faults.update({ latency_ms: latency });
    await traffic(true);
    const seedRun = await run(
      PYTHON,
      [SEED, emulator.url, "bench", "objects/", "--limit", String(SEED_FILES)],
      env,
    );
    const seed = JSON.parse(seedRun.stdout) as { files: number; files_per_second: number; opened: number };
    const seedTraffic = await traffic(true);
    const seedBytes = seedTraffic.bytes_served / seed.files;
    const perFile = (cpu: number | null, files: number) =>
      cpu === null ? "?" : ((1000 * cpu) / files).toFixed(2);
    if (seed.opened !== seed.files) console.log(`  (seed: ${seed.opened}/${seed.files} opened)`);
    // The command as a user types it (default flags), then the same with the SDK's own GetObject.
    const order = Array.from({ length: ROUNDS }, (_, r) =>
      r % 2 === 0 ? DESIGNS : [...DESIGNS].reverse(),
    ).flat();
    for (const design of order) {
      // `wide`: the default design with 4x the objects in flight (is the run bound by concurrency or by CPU?).
      const extra = DESIGN_ARGS[design] ?? [];
      const concurrency = CONCURRENCY && design !== "wide" ? ["--concurrency", String(CONCURRENCY)] : [];
      const ours = await run(
        process.execPath,
        [...PROFILE, CLI, "validate", "--format", "ndjson", ...concurrency, ...extra, "s3://bench/objects/"],
        env,
      );
      const lines = ours.stdout.trim().split("\n").filter(Boolean);
      const failed = lines.filter((l) => (JSON.parse(l) as { status: string }).status === "error").length;
      const oursTraffic = await traffic(true);
      const oursRate = lines.length / ours.seconds;
      const oursBytes = oursTraffic.bytes_served / lines.length;
      console.log(
        `| ${latency} ms | ${DESIGN_LABEL[design] ?? design} | ${oursRate.toFixed(0)} | ${seed.files_per_second.toFixed(1)} | ${(oursRate / seed.files_per_second).toFixed(1)}x | ` +
          `${Math.round(oursBytes)} | ${Math.round(seedBytes)} | ${(oursBytes / seedBytes).toFixed(3)} | ${(oursTraffic.get_requests / lines.length).toFixed(2)} | ` +
          `${perFile(ours.cpu, lines.length)} / ${perFile(seedRun.cpu, seed.files)} | ${perFile(ours.serverCpu, lines.length)} / ${perFile(seedRun.serverCpu, seed.files)} | ${oursTraffic.max_in_flight} | ${loadavg()[0]!.toFixed(1)} |`,
      );
      if (lines.length !== OBJECTS || failed > 0)
        console.log(`  (ours: ${lines.length} files, ${failed} failed)`);
    }
  }

  emulator.faults.update({ latency_ms: 0 });
  const big = await run(PYTHON, [SEED, emulator.url, "bench", "", "--key", "big/crypto_manifest.exr"], env);
  const seedBig = JSON.parse(big.stdout) as {
    bytes: number;
    opened: boolean;
    attributes: Record<string, number>;
  };
  const oursBig = await run(
    process.execPath,
    [CLI, "inspect", "--format", "json", "s3://bench/big/crypto_manifest.exr"],
    env,
  );
  const doc = JSON.parse(oursBig.stdout) as {
    file: { header_bytes: number; bytes_read: number; requests: number };
    parts: { attributes: { name: string; size: number }[] }[];
    validation: { findings: unknown[] };
  };
  const manifest = doc.parts[0]?.attributes.find((a) => a.name === "cryptomatte/0123abc/manifest");
  console.log(
    `\n~3 MB header (Cryptomatte manifest of ${manifest?.size ?? "?"} bytes):\n` +
      `  seed: ${seedBig.bytes} bytes read, OpenImageIO ${seedBig.opened ? `opened it, ${Object.keys(seedBig.attributes).length} attributes, manifest ${seedBig.attributes["cryptomatte/0123abc/manifest"] ?? "missing"}` : "could not open the 256 KiB prefix: every attribute lost"}\n` +
      `  ours: header ${doc.file.header_bytes} bytes, bytes_read ${doc.file.bytes_read} in ${doc.file.requests} requests, ` +
      `${doc.parts[0]?.attributes.length} attributes, ${doc.validation.findings.length} findings`,
  );
} finally {
  await emulator.close();
}
