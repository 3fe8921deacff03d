import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectFile } from "../../src/inspect/inspect.js";
import { inspectRemote } from "../../src/inspect/inspect-remote.js";
import { createS3Client } from "../../src/io/s3-client.js";
import { DirectRangeGets } from "../../src/io/s3-direct-get.js";
import { S3Source } from "../../src/io/s3-source.js";
import { type RunningEmulator, startEmulator } from "../../src/vast/emulator/server.js";
import { runCli, sqlJson } from "../catalog/run-cli.js";
import { CORPUS_SKIP_REASON, corpusRoot, listFiles } from "./helpers.js";

const root = corpusRoot();
const suite = root ? describe : describe.skip;
/** Files that are malformed on purpose or damaged (see corpus.test.ts): "valid" is everything else. */
const NOT_VALID = [
  /Damaged\//,
  /OpenEXRTest\/(comp_|invalid|tiled\.exr$|[^/]*_with_[^/]*_type\.exr$)/,
  /unfinished_multipart/,
];

suite(root ? "the corpus over S3 (emulator)" : CORPUS_SKIP_REASON, () => {
  const valid = root
    ? listFiles(root).filter(
        (p) => p.toLowerCase().endsWith(".exr") && !NOT_VALID.some((re) => re.test(relative(root, p))),
      )
    : [];
  const keyOf = (p: string) => `corpus/${relative(root!, p)}`;
  let emulator: RunningEmulator;
  let s3: S3Client;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, credentials: new Map([["AK", "SK"]]) });
    s3 = createS3Client({
      endpointUrl: emulator.url,
      region: "us-east-1",
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
    }).client;
    for (const p of valid)
      await s3.send(new PutObjectCommand({ Bucket: "vastdb", Key: keyOf(p), Body: readFileSync(p) }));
  }, 120_000);
  afterAll(async () => {
    s3?.destroy();
    await emulator?.close();
  });

  it.each(["sdk", "direct"] as const)(
    "every valid file gives the local result over s3:// (parts, channels, attributes, findings, header_hash, bytes_read; %s GETs)",
    async (transport) => {
      expect(valid.length).toBeGreaterThan(60);
      const direct = new DirectRangeGets(s3);
      const gets = transport === "sdk" ? s3 : direct;
      for (const p of valid) {
        const uri = `s3://vastdb/${keyOf(p)}`;
        const remote = await inspectRemote(() => new S3Source(gets, "vastdb", keyOf(p)));
        const local = inspectFile(p, { path: uri });
        const { etag, requests, mtime: _remoteMtime, ...remoteFile } = remote.file;
        const { mtime: _localMtime, ...localFile } = (await local).file;
        expect(remoteFile, uri).toEqual(localFile);
        expect(remote.parts, uri).toEqual((await local).parts);
        expect(remote.channels, uri).toEqual((await local).channels);
        expect(remote.validation, uri).toEqual((await local).validation);
        expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
        expect(requests).toBeGreaterThanOrEqual(1);
      }
      direct.close();
    },
    120_000,
  );

  it("with faults injected (500s, SlowDowns, dropped connections), scan s3:// catalogues every file exactly once", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "exr-s3-scan-"));
    emulator.faults.update({ error500: 0.1, slowdown: 0.1, drop: 0.05 });
    try {
      const env = {
        AWS_ACCESS_KEY_ID: "AK",
        AWS_SECRET_ACCESS_KEY: "SK",
        AWS_ENDPOINT_URL: emulator.url,
        AWS_CONFIG_FILE: join(dir, "none"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
      };
      const db = join(dir, "c.duckdb");
      const r = await runCli(
        ["scan", "--db", db, "--no-progress", "--retries", "10", "s3://vastdb/corpus/"],
        env,
      );
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const rows = await sqlJson(
        db,
        "SELECT file_path, count(*) AS n, max(inspection_count) AS c, bool_and(error_codes IS NULL) AS clean FROM exr_metadata.files GROUP BY 1 ORDER BY 1",
      );
      expect(rows.map((x) => x.file_path)).toEqual(valid.map((p) => `s3://vastdb/${keyOf(p)}`).sort());
      expect(rows.every((x) => Number(x.n) === 1 && Number(x.c) === 1 && x.clean === true)).toBe(true);
    } finally {
      emulator.faults.update({ error500: 0, slowdown: 0, drop: 0 });
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
