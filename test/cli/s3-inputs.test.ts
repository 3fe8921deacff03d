import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { createS3Client } from "../../src/io/s3-client.js";
import { type RunningEmulator, startEmulator } from "../../src/vast/emulator/server.js";
import { runCli, sqlJson } from "../catalog/run-cli.js";

const SECRET = "sEcReT-never-printed-0123456789";
let emulator: RunningEmulator;
let s3: S3Client;
let dir: string;
let env: NodeJS.ProcessEnv;
const samples = sampleFiles(undefined).slice(0, 6);

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    credentials: new Map([["AK", SECRET]]),
    verifySignatures: true,
  });
  s3 = createS3Client({
    endpointUrl: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AK", secretAccessKey: SECRET },
  }).client;
  dir = mkdtempSync(join(tmpdir(), "exr-s3-cli-"));
  for (const f of samples) {
    await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: `show/seq/${f.name}`, Body: f.bytes }));
    writeFileSync(join(dir, f.name), f.bytes);
  }
  await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "show/seq/notes.txt", Body: "not an exr" }));
  await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: "show/other/README.EXR", Body: "not an exr" }));
  env = {
    AWS_ACCESS_KEY_ID: "AK",
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_ENDPOINT_URL: emulator.url,
    AWS_REGION: "",
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: join(tmpdir(), "no-such-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), "no-such-aws-credentials"),
  };
});

afterAll(async () => {
  s3.destroy();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

type Doc = {
  file: Record<string, unknown>;
  parts: unknown[];
  channels: unknown[];
  validation: { status: string; findings: { code: string; message: string }[] };
};

describe("s3:// inputs in inspect, validate and scan (emulator, environment credentials only)", () => {
  it("inspect lists a prefix (*.exr only), mixes local paths, and matches the local results", async () => {
    const local = join(dir, samples[0]!.name);
    const r = await runCli(["inspect", "--format", "json", "s3://vastdb/show/seq/", local], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const docs = JSON.parse(r.stdout) as Doc[];
    expect(docs.map((d) => d.file.path)).toEqual([
      ...samples.map((f) => `s3://vastdb/show/seq/${f.name}`).sort(),
      local,
    ]);
    const localRun = await runCli(
      ["inspect", "--format", "json", ...samples.map((f) => join(dir, f.name))],
      env,
    );
    const byName = new Map(
      (JSON.parse(localRun.stdout) as Doc[]).map((d) => [String(d.file.path).split("/").pop(), d]),
    );
    for (const d of docs.slice(0, samples.length)) {
      const l = byName.get(String(d.file.path).split("/").pop())!;
      expect(d.parts).toEqual(l.parts);
      expect(d.channels).toEqual(l.channels);
      expect(d.validation).toEqual(l.validation);
      expect(d.file.header_hash).toBe(l.file.header_hash);
      expect(d.file.bytes_read).toBe(l.file.bytes_read);
      expect(d.file.size_bytes).toBe(l.file.size_bytes);
      expect(d.file.etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(d.file.requests).toBeGreaterThanOrEqual(1);
      expect(typeof d.file.mtime).toBe("string");
    }
    expect(docs[docs.length - 1]!.file.etag).toBeUndefined();
  });

  it("validate applies --include/--exclude to listed keys and codes missing objects and buckets", async () => {
    const r = await runCli(
      [
        "validate",
        "--format",
        "ndjson",
        "--include",
        "*.exr",
        "--include",
        "*.EXR",
        "--exclude",
        "scanline_*",
        "s3://vastdb/show/",
        "s3://vastdb/show/missing.exr",
        "s3://nobucket/x/",
      ],
      env,
    );
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { path: string; findings: { code: string; message: string }[] });
    const paths = lines.map((l) => l.path);
    expect(paths).toContain("s3://vastdb/show/other/README.EXR");
    expect(paths.some((p) => p.includes("/scanline_"))).toBe(false);
    expect(paths).toContain(
      `s3://vastdb/show/seq/${samples.find((f) => !f.name.startsWith("scanline_"))!.name}`,
    );
    // An object that is not an EXR is a coded result like a local file.
    expect(lines.find((l) => l.path === "s3://vastdb/show/other/README.EXR")!.findings[0]!.code).toBe(
      "EXR_BAD_MAGIC",
    );
    expect(lines.find((l) => l.path === "s3://vastdb/show/missing.exr")!.findings[0]!.code).toBe(
      "EXR_SOURCE_NOT_FOUND",
    );
    const bucket = lines.find((l) => l.path === "s3://nobucket/x/")!;
    expect(bucket.findings[0]!.code).toBe("EXR_SOURCE_NOT_FOUND");
    expect(bucket.findings[0]!.message).toContain("no such bucket");
  });

  it("refused credentials are EXR_SOURCE_ACCESS_DENIED naming their source, and no secret is printed", async () => {
    const r = await runCli(["inspect", "--format", "json", `s3://vastdb/show/seq/${samples[0]!.name}`], {
      ...env,
      AWS_SECRET_ACCESS_KEY: `${SECRET}-wrong`,
    });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.validation.findings[0]!.code).toBe("EXR_SOURCE_ACCESS_DENIED");
    expect(doc.validation.findings[0]!.message).toContain("AWS_ACCESS_KEY_ID");
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it("scan catalogues a prefix, skips unchanged objects by ETag + size, re-inspects a replaced one", async () => {
    const db = join(dir, "catalog.duckdb");
    const first = await runCli(["scan", "--db", db, "--no-progress", "s3://vastdb/show/seq/"], env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const rows = await sqlJson(db, "SELECT file_path, etag, size_bytes FROM exr_metadata.files ORDER BY 1");
    expect(rows.map((r) => r.file_path)).toEqual(samples.map((f) => `s3://vastdb/show/seq/${f.name}`).sort());
    expect(rows.every((r) => /^"[0-9a-f]{32}"$/.test(String(r.etag)))).toBe(true);

    const again = await runCli(["scan", "--db", db, "--no-progress", "s3://vastdb/show/seq/"], env);
    expect(again.stdout).toMatch(new RegExp(`skipped +${samples.length} `));

    // Same size, other bytes: only the ETag tells.
    const replaced = samples[1]!;
    const changed = Uint8Array.from(replaced.bytes);
    changed[changed.length - 1] = (changed[changed.length - 1] ?? 0) ^ 0xff;
    await s3.send(
      new PutObjectCommand({ Bucket: "vastdb", Key: `show/seq/${replaced.name}`, Body: changed }),
    );
    const third = await runCli(["scan", "--db", db, "--no-progress", "s3://vastdb/show/seq/"], env);
    expect(third.stdout).toMatch(new RegExp(`skipped +${samples.length - 1} `));
    const current = await sqlJson(
      db,
      `SELECT count(*) AS n FROM exr_metadata.current_files WHERE file_path LIKE 's3://vastdb/show/seq/%'`,
    );
    expect(Number(current[0]!.n)).toBe(samples.length);
  });
});
