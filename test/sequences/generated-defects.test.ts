import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeneratedTree, generateRenderTree } from "../../src/generate/render-tree.js";
import { createS3Client } from "../../src/io/s3-client.js";
import type { SequenceReport } from "../../src/sequences/analyze.js";
import { type RunningEmulator, startEmulator } from "../../src/vast/emulator/server.js";
import { runCli } from "../catalog/run-cli.js";

const FIRST = 1001;
const FRAMES = 14;

let dir: string;
let tree: GeneratedTree;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-sequences-"));
  tree = await generateRenderTree({
    root: path.join(dir, "tree"),
    sequences: 24,
    frames: FRAMES,
    seed: 5,
    defects: { gaps: 2, duplicates: 1, incomplete: 2, odd: 2 },
  });
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * What the report must say, from the generator's record of what it wrote (not from reading the files); `root`: where
 * the tree is read from (its directory, or the S3 prefix it was uploaded to).
 */
function expected(root = tree.root): SequenceReport[] {
  return tree.sequences
    .map((seq) => {
      const d = seq.defects;
      if (!d) throw new Error("the generator did not record its defects");
      return {
        directory: `${root}/${seq.dir}`,
        pattern: seq.pattern,
        first: FIRST,
        last: FIRST + FRAMES - 1,
        count: FRAMES - d.missing.length,
        missing: d.missing,
        duplicates: d.duplicates,
        incomplete: d.incomplete,
        odd: d.odd.map((frame) => ({ frame, differs: ["channels"] })),
        // A frame cut to a third of its bytes is also far smaller than its neighbours.
        size_outliers: d.incomplete,
      } as SequenceReport;
    })
    .sort((a, b) => (a.directory < b.directory ? -1 : 1));
}

describe("sequences on a generated tree with known defects", () => {
  it("the generator put every defect on distinct interior frames", () => {
    for (const seq of tree.sequences) {
      const all = Object.values(seq.defects ?? {}).flat();
      expect(new Set(all).size).toBe(7);
      expect(Math.min(...all)).toBeGreaterThan(FIRST);
      expect(Math.max(...all)).toBeLessThan(FIRST + FRAMES - 1);
    }
  });

  it("reads the files and reports every defect exactly (JSON)", async () => {
    const r = await runCli(["sequences", "--format", "json", tree.root]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual(expected());
  });

  it("reports the same from the catalog without reading the files", async () => {
    const db = path.join(dir, "catalog.duckdb");
    const scan = await runCli(["scan", "--db", db, "--no-progress", tree.root]);
    expect(scan.code, scan.stderr).toBe(0);
    const r = await runCli(["sequences", "--db", db, "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual(expected());
    const text = await runCli(["sequences", "--db", db, `${tree.root}/`]);
    const local = await runCli(["sequences", tree.root]);
    expect(text.stdout).toBe(local.stdout);
    const first = expected()[0] as SequenceReport;
    expect(text.stdout).toContain(
      `${first.pattern.replace("####", `[${FIRST}-${FIRST + FRAMES - 1}]`)}  ${first.count} frames  missing `,
    );
  });

  it("exits 0 on a clean tree and 2 without paths", async () => {
    const clean = path.join(dir, "clean");
    await generateRenderTree({ root: clean, sequences: 2, frames: 3, seed: 1 });
    const r = await runCli(["sequences", clean]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("  "))).toHaveLength(2);
    expect((await runCli(["sequences"])).code).toBe(2);
  });
});

describe("sequences over s3:// (the emulator's S3 side)", () => {
  const SECRET = "sequences-secret-0123456789";
  const PREFIX = "s3://vastdb/renders";
  let emulator: RunningEmulator;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      credentials: new Map([["AK", SECRET]]),
      verifySignatures: true,
    });
    const { client } = createS3Client({
      endpointUrl: emulator.url,
      region: "us-east-1",
      credentials: { accessKeyId: "AK", secretAccessKey: SECRET },
    });
    try {
      const files = (await readdir(tree.root, { recursive: true, withFileTypes: true })).filter((e) =>
        e.isFile(),
      );
      for (const f of files) {
        const file = path.join(f.parentPath, f.name);
        const key = `renders/${path.relative(tree.root, file)}`;
        await client.send(new PutObjectCommand({ Bucket: "vastdb", Key: key, Body: await readFile(file) }));
      }
    } finally {
      client.destroy();
    }
    env = {
      AWS_ACCESS_KEY_ID: "AK",
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_ENDPOINT_URL: emulator.url,
      AWS_REGION: "",
      AWS_PROFILE: "",
      AWS_CONFIG_FILE: path.join(dir, "no-such-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "no-such-aws-credentials"),
    };
  }, 120_000);
  afterAll(async () => {
    await emulator?.close();
  });

  it("lists and reads the uploaded tree and reports every defect exactly (JSON)", async () => {
    const r = await runCli(["sequences", "--format", "json", `${PREFIX}/`], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual(expected(PREFIX));
  });

  it("reports the same from a catalog of the scanned objects", async () => {
    const db = path.join(dir, "s3-catalog.duckdb");
    const scan = await runCli(["scan", "--db", db, "--no-progress", `${PREFIX}/`], env);
    expect(scan.code, scan.stderr).toBe(0);
    const r = await runCli(["sequences", "--db", db, "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual(expected(PREFIX));
  });

  it("a listing that fails is an error, not an empty result", async () => {
    const r = await runCli(["sequences", "s3://no-such-bucket/renders/"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exr-inspector: .*no-such-bucket/);
  });
});
