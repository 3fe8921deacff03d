/**
 * `stats` / `verify` with worker threads (`-j`): the same output, in input order, as on this thread alone (`-j 0`),
 * damage found in a file decoded by a worker, exit codes kept.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExr } from "../../src/core/write/index.js";
import { runCli } from "../catalog/run-cli.js";
import { cliBuilt } from "../vast/client/writer-fleet.js";

let dir: string;
const files: string[] = [];
let damaged: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-pixel-jobs-"));
  for (let i = 0; i < 24; i++) {
    const bytes = writeExr({
      deflate: (d) => deflateSync(d),
      parts: [
        {
          type: "scanlineimage",
          dataWindow: { min: [0, 0], max: [255, 63 + i] },
          compression: i % 2 ? "zip" : "zips",
          channels: [
            { name: "G", type: "half" },
            { name: "Z", type: "float" },
          ],
          pixel: (c, x, y) => ((x * 5 + y * (i + 1) + c.charCodeAt(0)) % 23) / 8,
        },
      ],
    });
    if (i === 17) {
      // A byte near the end (inside the last chunk's compressed data) flipped.
      bytes[bytes.length - 9]! ^= 0xff;
      damaged = path.join(dir, `f${i}.exr`);
    }
    const file = path.join(dir, `f${i}.exr`);
    await writeFile(file, bytes);
    files.push(file);
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!cliBuilt)("stats and verify on worker threads", () => {
  it("stats -j 2 prints exactly what -j 0 prints, in input order", async () => {
    const one = await runCli(["stats", "--format", "ndjson", "-j", "0", ...files]);
    const two = await runCli(["stats", "--format", "ndjson", "-j", "2", ...files]);
    // Default flags: this thread first, workers only once the run is long enough on an idle machine.
    const typed = await runCli(["stats", "--format", "ndjson", ...files]);
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(typed.code).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    expect(typed.stdout).toBe(one.stdout);
    const lines = one.stdout.trim().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { path: string }).path)).toEqual(files);
    const bad = JSON.parse(lines[17]!) as {
      findings: { code: string }[];
      parts: { pixel_hash: string | null }[];
    };
    expect(bad.findings.map((f) => f.code)).toContain("EXR_CHUNK_CORRUPT");
    expect(bad.parts[0]!.pixel_hash).toBeNull();
  }, 120_000);

  it("verify -j 2 finds the damaged file; validate --full likewise", async () => {
    const r = await runCli(["verify", "--format", "ndjson", "-j", "2", ...files]);
    expect(r.code).toBe(1);
    const failing = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { path: string; status: string })
      .filter((d) => d.status === "error")
      .map((d) => d.path);
    expect(failing).toEqual([damaged]);
    const full = await runCli(["validate", "--full", "--format", "ndjson", "-j", "2", ...files]);
    expect(full.stdout).toBe(r.stdout);
    const clean = await runCli(["verify", "-j", "2", ...files.filter((f) => f !== damaged)]);
    expect(clean.code).toBe(0);
  }, 120_000);
});
