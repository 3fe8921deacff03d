/**
 * `exr-inspector doctor` against the emulator and DuckDB files: all ✓ when healthy, and each failure mode of the
 * seed's troubleshooting section when provoked (wrong endpoint, wrong key, missing schema, missing table, a
 * database file that does not exist or is locked).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VastSession } from "../../src/vast/client/session.js";
import { runCli } from "../catalog/run-cli.js";
import { cliBuilt, freePort, startServe } from "../serve/serve-process.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { vastEnv } from "../vast/client/writer-fleet.js";

const ACCESS = "DocAccK8";
const SECRET = "DocSecP4Vn7Rz2";
let emu: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  if (!cliBuilt) return;
  emu = await startTestEmulator(["--access-key", ACCESS, "--secret-key", SECRET]);
  dir = await mkdtemp(path.join(tmpdir(), "exr-doctor-"));
}, 120_000);
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function envFor(url: string, schema?: string): NodeJS.ProcessEnv {
  const config = testConfig(url, schema);
  const env: NodeJS.ProcessEnv = {
    ...vastEnv(config),
    VAST_DB_ACCESS_KEY: ACCESS,
    VAST_DB_SECRET_KEY: SECRET,
  };
  for (const k of Object.keys(env)) if (k.startsWith("AWS_") || k.startsWith("S3_")) delete env[k];
  return env;
}

/** The doctor's lines by check name. */
function lines(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const m = /^([✓✗]) ([^:]+):/.exec(line);
    if (m) out.set(m[2]!, line);
  }
  return out;
}

/** `--s3 auto`: with the VAST backend the S3 line runs too (ListBuckets on the VAST endpoint, its keys). */
async function doctor(env: NodeJS.ProcessEnv, args: string[] = []) {
  const run = await runCli(["doctor", "--backend", "vast", ...args], env);
  return { ...run, checks: lines(run.stdout) };
}

describe.skipIf(!cliBuilt)("doctor on VAST", () => {
  it("passes every check on a healthy emulator, and says which failed when a schema or a table is missing", async () => {
    const env = envFor(emu.url);
    const missingSchema = await doctor(env);
    expect(missingSchema.code).toBe(1);
    expect(missingSchema.checks.get("VAST credentials")).toMatch(/^✓ .*server vast \d+\.\d+\.\d+\.\d+/);
    expect(missingSchema.checks.get("schema")).toMatch(/^✗ schema: Schema not found.*fix: CREATE SCHEMA/);
    expect(missingSchema.checks.get("table files")).toMatch(/^✗ .*not tried/);

    expect((await runCli(["db", "init", "--backend", "vast"], env)).code).toBe(0);
    const healthy = await doctor(env);
    expect(healthy.stdout).not.toContain("✗");
    for (const name of [
      "VAST endpoint DNS",
      "VAST endpoint TCP",
      "VAST credentials",
      "bucket",
      "schema",
      "table files",
      "table parts",
      "table channels",
      "table attributes",
      "round trip",
      "S3 credentials",
    ])
      expect(healthy.checks.get(name), name).toMatch(/^✓/);
    expect(healthy.checks.get("S3 credentials")).toMatch(
      /accepted; \d+ buckets? listed \(tried: ListBuckets on http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(healthy.stdout).toMatch(/all \d+ checks passed/);
    expect(healthy.code).toBe(0);
    for (let i = 0; i + 4 <= SECRET.length; i++)
      expect(healthy.stdout + healthy.stderr).not.toContain(SECRET.slice(i, i + 4));

    const config = testConfig(emu.url, env.VAST_DB_SCHEMA);
    const session = await VastSession.connect(
      new (config.constructor as typeof import("../../src/vast/client/config.js").VastConfig)({
        endpoint: emu.url,
        accessKey: ACCESS,
        secretKey: SECRET,
        bucket: config.bucket,
        schema: config.schema,
      }),
    );
    try {
      await session.transaction((tx) =>
        tx.dropTable({ bucket: config.bucket, schema: config.schema, table: "channels" }),
      );
    } finally {
      session.close();
    }
    const missingTable = await doctor(env);
    expect(missingTable.code).toBe(1);
    expect(missingTable.checks.get("table channels")).toMatch(
      /^✗ .*Table not found: .*channels.*fix: .*db init/,
    );
    expect(missingTable.checks.get("table files")).toMatch(/^✓/);
  }, 120_000);

  it("reports a wrong key as invalid credentials with the seed's fix", async () => {
    const run = await doctor({ ...envFor(emu.url), VAST_DB_ACCESS_KEY: "WrongKeyQ9" });
    expect(run.code).toBe(1);
    expect(run.checks.get("VAST endpoint TCP")).toMatch(/^✓/);
    expect(run.checks.get("VAST credentials")).toMatch(
      /^✗ VAST credentials: Invalid credentials.*fix: .*aws s3 ls --endpoint-url/,
    );
    expect(run.checks.get("bucket")).toMatch(/not tried/);
    expect(run.checks.get("S3 credentials")).toMatch(
      /^✗ S3 credentials: Invalid credentials.*fix: .*aws s3 ls/,
    );
  });

  it("reports a wrong secret (right key) as a signature mismatch on both the tabular API and S3", async () => {
    const run = await doctor({ ...envFor(emu.url), VAST_DB_SECRET_KEY: "WrongSecretK3x" });
    expect(run.code).toBe(1);
    expect(run.checks.get("VAST endpoint TCP")).toMatch(/^✓/);
    expect(run.checks.get("VAST credentials")).toMatch(
      /^✗ VAST credentials: .*fix: .*aws s3 ls --endpoint-url/,
    );
    expect(run.checks.get("S3 credentials")).toMatch(
      /^✗ S3 credentials: .*SignatureDoesNotMatch.*fix: .*aws s3 ls/,
    );
    expect(run.stdout + run.stderr).not.toContain("WrongSecretK3x");
  });

  it("checks S3 on its own endpoint and keys: a wrong S3 key, a bucket the keys do not list", async () => {
    const env = envFor(emu.url);
    expect((await runCli(["db", "init", "--backend", "vast"], env)).code).toBe(0);
    const ownEndpoint = await doctor({ ...env, S3_ENDPOINT: emu.url });
    expect(ownEndpoint.checks.get("S3 credentials")).toMatch(/^✓/);
    expect(ownEndpoint.code).toBe(0);
    const wrongKey = await doctor({ ...env, S3_ACCESS_KEY: "WrongS3Key", S3_SECRET_KEY: "WrongS3Secret" });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.checks.get("VAST credentials")).toMatch(/^✓/);
    expect(wrongKey.checks.get("S3 credentials")).toMatch(
      /^✗ S3 credentials: Invalid credentials: InvalidAccessKeyId \(HTTP 403\).*fix: .*aws s3 ls --endpoint-url/,
    );
    // The right key with a wrong secret: only the signature betrays it (the emulator verifies SigV4).
    const wrongSecret = await doctor({ ...env, S3_ACCESS_KEY: ACCESS, S3_SECRET_KEY: "WrongS3SecretZ8" });
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.checks.get("VAST credentials")).toMatch(/^✓/);
    expect(wrongSecret.checks.get("S3 credentials")).toMatch(
      /^✗ S3 credentials: .*SignatureDoesNotMatch \(HTTP 403\).*fix: .*aws s3 ls --endpoint-url/,
    );
    expect(wrongSecret.stdout + wrongSecret.stderr).not.toContain("WrongS3SecretZ8");
    const noBucket = await doctor({ ...env, VAST_DB_BUCKET: "nosuchbucket" });
    expect(noBucket.code).toBe(1);
    expect(noBucket.checks.get("S3 credentials")).toMatch(/^✗ .*bucket nosuchbucket is not among/);
    const closed = await doctor({ ...env, S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` });
    expect(closed.checks.get("S3 endpoint TCP")).toMatch(/^✗ .*ECONNREFUSED/);
    expect(closed.checks.get("S3 credentials")).toMatch(/not tried/);
  });

  it("reports a wrong endpoint at DNS or TCP with the seed's fix", async () => {
    const badHost = await doctor({
      ...envFor(emu.url),
      VAST_DB_ENDPOINT: "http://no-such-host.invalid:9090",
    });
    expect(badHost.code).toBe(1);
    expect(badHost.checks.get("VAST endpoint DNS")).toMatch(/^✗ .*fix: nslookup no-such-host\.invalid/);
    const closed = await doctor({
      ...envFor(emu.url),
      VAST_DB_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    });
    expect(closed.code).toBe(1);
    expect(closed.checks.get("VAST endpoint DNS")).toMatch(/^✓/);
    expect(closed.checks.get("VAST endpoint TCP")).toMatch(/^✗ .*ECONNREFUSED.*fix: .*security groups/);
    const missing = await doctor({ ...envFor(emu.url), VAST_DB_ENDPOINT: "" });
    expect(missing.checks.get("VAST configuration")).toMatch(/^✗ .*VAST_DB_ENDPOINT/);
  });
});

describe.skipIf(!cliBuilt)("doctor on DuckDB", () => {
  it("passes on an initialised file and fails on a missing or locked one", async () => {
    const db = path.join(dir, "c.duckdb");
    const missing = await runCli(["doctor", "--db", db]);
    expect(missing.code).toBe(1);
    expect(lines(missing.stdout).get("database file")).toMatch(/^✗ .*does not exist.*fix: .*db init/);

    expect((await runCli(["db", "init", "--db", db])).code).toBe(0);
    const healthy = await runCli(["doctor", "--db", db]);
    expect(healthy.stdout).not.toContain("✗");
    expect(healthy.code).toBe(0);
    expect(lines(healthy.stdout).get("round trip")).toMatch(/^✓/);
    expect(lines(healthy.stdout).get("keys channels")).toMatch(/^✓ .*no duplicate key, no orphan/);
    // The child keys are not indexed (migration 5): a row written around exr-inspector is caught here.
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(db);
    const c = await instance.connect();
    await c.run(
      "INSERT INTO exr_metadata.channels (file_id, file_path, part_index, channel_name) VALUES ('x', '/x.exr', 0, 'R'), ('x', '/x.exr', 0, 'R')",
    );
    c.closeSync();
    instance.closeSync();
    const damaged = await runCli(["doctor", "--db", db]);
    expect(damaged.code).toBe(1);
    expect(lines(damaged.stdout).get("keys channels")).toMatch(
      /^✗ .*2 rows share a key, 2 rows have no file/,
    );
    expect(lines(damaged.stdout).get("keys parts")).toMatch(/^✓/);
    await runCli(["db", "init", "--db", db]);

    const serve = await startServe(["--db", db]);
    try {
      const locked = await runCli(["doctor", "--db", db]);
      expect(locked.code).toBe(1);
      expect(lines(locked.stdout).get("open")).toMatch(/^✗ .*fix: stop the process holding the database/);
    } finally {
      await serve.stop();
    }
  });
});
