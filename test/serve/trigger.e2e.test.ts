/**
 * The seed's deployment end to end, without a cluster: files uploaded with the official AWS CLI into the
 * emulator's S3 API → its object trigger (`--notify`, some events twice, some late) → `serve --backend vast`
 * (catalog in the same emulator) → the catalog holds exactly the rows `scan` of the same objects produces (same
 * file_ids, same row counts in the four tables), no duplicates. Mid-stream `serve` is SIGKILLed and restarted on
 * the same port: the trigger's redelivery leaves nothing missing. A replay (backfill) of every object changes no
 * row. Generated files (always) plus `EXR_CORPUS` (when set). Needs the build and `.venv/bin/aws`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { walkPaths } from "../../src/io/walk.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { runCli, vastEnv, writeTree } from "../vast/client/writer-fleet.js";
import { cliBuilt, freePort, type ServeHandle, startServe } from "./serve-process.js";

const AWS = path.resolve(import.meta.dirname, "../../.venv/bin/aws");
const CORPUS = process.env.EXR_CORPUS;
const ACCESS = "E2eAccK9";
const SECRET = "E2eS3cretWq4Lm";
const BUCKET = "renders";

let dir: string;
let emu: EmulatorHandle;
let servePort: number;
const serves: ServeHandle[] = [];

interface NotifyStats {
  published: number;
  delivered: number;
  duplicated: number;
  delayed: number;
  retries: number;
  rejected: number;
  pending: number;
}

beforeAll(async () => {
  if (!cliBuilt || !existsSync(AWS)) return;
  dir = await mkdtemp(path.join(tmpdir(), "exr-trigger-e2e-"));
  servePort = await freePort();
  // The receiver is not up yet: the first events are retried until serve listens.
  emu = await startTestEmulator([
    "--access-key",
    ACCESS,
    "--secret-key",
    SECRET,
    "--bucket",
    BUCKET,
    "--notify",
    `http://127.0.0.1:${servePort}/`,
    "--notify-suffix",
    ".exr",
    "--notify-duplicate",
    "0.2",
    "--notify-late",
    "0.2",
    "--notify-delay-ms",
    "500",
  ]);
}, 120_000);

afterAll(async () => {
  for (const s of serves)
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function awsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_")) env[k] = v;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: ACCESS,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: path.join(dir, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "no-credentials"),
  };
}

function aws(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(AWS, [...args, "--endpoint-url", emu.url, "--only-show-errors"], {
      env: awsEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("exit", (code) => resolve({ code, out }));
  });
}

async function notifyStats(): Promise<NotifyStats> {
  return (await (await fetch(`${emu.url}/_emulator/notify`)).json()) as NotifyStats;
}

async function until(what: string, condition: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${ms} ms (${JSON.stringify(await notifyStats())})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sql(env: NodeJS.ProcessEnv, query: string): Promise<Record<string, unknown>[]> {
  const run = await runCli(["sql", "--backend", "vast", "--format", "json", query], env);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>[];
}

async function catalogState(env: NodeJS.ProcessEnv) {
  const ids = (await sql(env, "SELECT file_id FROM files ORDER BY file_id")).map((r) => String(r.file_id));
  const counts: Record<string, unknown> = {};
  for (const table of ["files", "parts", "channels", "attributes"])
    counts[table] = (await sql(env, `SELECT count(*) AS n FROM ${table}`))[0]!.n;
  return { ids, counts };
}

describe.skipIf(!cliBuilt || !existsSync(AWS))("object trigger → serve → VAST catalog, end to end", () => {
  it("catalogues exactly what scan does, once each, across duplicates, late events and a SIGKILLed serve", async () => {
    // Files: generated (a bare checkout has them), one past the multipart threshold, and the corpus when present.
    const gen = path.join(dir, "gen");
    await writeTree(path.join(gen, "tree"), 30);
    await mkdir(path.join(gen, "samples"), { recursive: true });
    // huge_header.exr is left out: its 3 MB attribute row is over VAST's row limit, so neither scan nor serve
    // can catalogue it there (serve answers it 422; test/serve/serve-vast.test.ts).
    for (const s of sampleFiles())
      if (s.name !== "huge_header.exr") await writeFile(path.join(gen, "samples", s.name), s.bytes);
    const first = sampleFiles()[0]!.bytes;
    await writeFile(
      path.join(gen, "samples", "truncated.exr"),
      first.subarray(0, Math.floor(first.length / 2)),
    );
    await writeFile(path.join(gen, "samples", "notes.txt"), "not an image");
    await writeFile(
      path.join(gen, "big-multipart.exr"),
      Buffer.concat([first, Buffer.alloc(6 * 1024 * 1024 - first.length)]),
    );
    await writeFile(
      path.join(dir, "aws-config"),
      "[default]\ns3 =\n  multipart_threshold = 5MB\n  multipart_chunksize = 5MB\n  max_concurrent_requests = 8\n",
    );
    let expected = 0;
    for await (const e of walkPaths([gen])) if (e.path.endsWith(".exr")) expected++;
    const corpusFiles: string[] = [];
    if (CORPUS)
      for await (const e of walkPaths([CORPUS])) if (e.path.endsWith(".exr")) corpusFiles.push(e.path);
    expected += corpusFiles.length + 1; // + the copy below

    const env: NodeJS.ProcessEnv = {
      ...vastEnv(testConfig(emu.url)),
      VAST_DB_ACCESS_KEY: ACCESS,
      VAST_DB_SECRET_KEY: SECRET,
      LOG_LEVEL: "warn",
    };
    for (const k of Object.keys(env)) if (k.startsWith("AWS_") || k.startsWith("S3_")) delete env[k];
    const serveArgs = ["--backend", "vast", "--batch-max", "16"];

    const upGen = await aws("s3", "sync", gen, `s3://${BUCKET}/gen/`);
    expect(upGen.code, upGen.out).toBe(0);
    const copy = await aws(
      "s3",
      "cp",
      `s3://${BUCKET}/gen/tree/shot0/frame.0000.exr`,
      `s3://${BUCKET}/gen/copied.exr`,
    );
    expect(copy.code, copy.out).toBe(0);
    serves.push(await startServe(serveArgs, env, servePort));

    // The corpus upload runs while serve is SIGKILLed and restarted.
    const upload = CORPUS
      ? aws("s3", "sync", CORPUS, `s3://${BUCKET}/corpus/`, "--exclude", "*", "--include", "*.exr")
      : Promise.resolve({ code: 0, out: "" });
    const killAt = Math.floor(expected / 2);
    await until("half the events delivered", async () => (await notifyStats()).delivered >= killAt, 120_000);
    serves[0]!.child.kill("SIGKILL");
    await serves[0]!.exited;
    await new Promise((r) => setTimeout(r, 500)); // events meanwhile are refused and retried
    serves.push(await startServe(serveArgs, env, servePort));
    const up = await upload;
    expect(up.code, up.out).toBe(0);
    await until("every event delivered", async () => (await notifyStats()).pending === 0, 180_000);

    const stats = await notifyStats();
    expect(stats.published).toBe(expected);
    expect(stats.rejected).toBe(0);
    expect(stats.duplicated).toBeGreaterThan(0);
    expect(stats.delayed).toBeGreaterThan(0);
    expect(stats.retries).toBeGreaterThan(0); // serve down at start and while killed
    expect(stats.delivered).toBe(expected + stats.duplicated);

    const served = await catalogState(env);
    expect(served.ids).toHaveLength(expected);
    expect(new Set(served.ids).size).toBe(expected);

    // scan of the same objects, into another schema of the same emulator.
    const scanEnv: NodeJS.ProcessEnv = { ...env, VAST_DB_SCHEMA: `${env.VAST_DB_SCHEMA}_scan` };
    const scan = await runCli(
      ["scan", `s3://${BUCKET}/`, "--backend", "vast", "--endpoint-url", emu.url, "--no-progress"],
      { ...scanEnv, AWS_ACCESS_KEY_ID: ACCESS, AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: "us-east-1" },
    );
    expect([0, 1], scan.stderr).toContain(scan.code); // 1 = damaged files were found
    const scanned = await catalogState(scanEnv);
    expect(served.ids).toEqual(scanned.ids);
    expect(served.counts).toEqual(scanned.counts);

    // A backfill replays every object: every event is a duplicate now, nothing changes.
    const replay = await fetch(`${emu.url}/_emulator/replay`, {
      method: "POST",
      body: JSON.stringify({ bucket: BUCKET }),
    });
    expect(await replay.json()).toEqual({ published: expected });
    await until("the replay delivered", async () => (await notifyStats()).pending === 0, 180_000);
    expect(await catalogState(env)).toEqual(served);
    expect(await serves[1]!.stop()).toBe(0);
  }, 600_000);
});
