import { spawn } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InspectionResult } from "../../src/core/model.js";
import { writeExr } from "../../src/core/write/index.js";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import {
  CLI,
  ensureBuilt,
  ndjson,
  removeTempDirs,
  runCli,
  tempDir,
  writeFile,
  writeSamples,
} from "./helpers.js";

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});
const small = (extra = {}) =>
  writeExr({
    parts: [
      {
        type: "scanlineimage",
        dataWindow: box(0, 0, 3, 2),
        channels: [{ name: "Y", type: "half" }],
        ...extra,
      },
    ],
  });

beforeAll(() => ensureBuilt());
afterAll(() => removeTempDirs());

describe("inspect", () => {
  it("prints one ndjson line per file, recursing directories in sorted order, exit 0", async () => {
    const { dir, names } = writeSamples("renders/shot");
    writeFile(dir, "renders/UPPER.EXR", small());
    writeFile(dir, "renders/notes.txt", "not an image");
    symlinkSync(join(dir, "renders"), join(dir, "renders/shot/loop"));
    const r = await runCli(["inspect", "--format", "ndjson", dir]);
    expect(r.stderr).toBe("");
    const lines = ndjson(r.stdout) as InspectionResult[];
    const expected = [join(dir, "renders/UPPER.EXR"), ...[...names].sort().map((n) => join(dir, n))];
    expect(lines.map((l) => l.file.path)).toEqual(expected);
    expect(r.code).toBe(0);
    for (const l of lines) expect(l.file.is_complete, l.file.path).toBe(true);
  });

  it("keeps input order with many files in flight", async () => {
    const dir = tempDir("exr-order-");
    const huge = sampleFiles().find((f) => f.name === "huge_header.exr")!.bytes;
    const paths: string[] = [];
    for (let i = 0; i < 40; i++) paths.push(writeFile(dir, `f${i}.exr`, i % 7 === 0 ? huge : small()));
    const shuffled = [...paths].reverse();
    const r = await runCli(["inspect", "--format", "ndjson", ...shuffled]);
    expect((ndjson(r.stdout) as InspectionResult[]).map((l) => l.file.path)).toEqual(shuffled);
    expect(r.code).toBe(0);
  });

  it("gives the same results with --io async (16 files in flight) as with blocking reads", async () => {
    const { dir } = writeSamples();
    const strip = (out: string) =>
      (ndjson(out) as InspectionResult[]).map((r) => ({ ...r, file: { ...r.file, bytes_read: 0 } }));
    const sync = await runCli(["inspect", "--format", "ndjson", dir]);
    const async_ = await runCli(["inspect", "--format", "ndjson", "--io", "async", dir]);
    expect(strip(async_.stdout)).toEqual(strip(sync.stdout));
    expect(async_.code).toBe(0);
    expect((await runCli(["validate", "--io", "async", dir])).code).toBe(0);
  });

  it("prints one pretty document for one file and an array for several", async () => {
    const { dir, names } = writeSamples();
    const one = await runCli(["inspect", "--format", "json", join(dir, names[0]!)]);
    const doc = JSON.parse(one.stdout) as InspectionResult;
    expect(doc.file.path).toBe(join(dir, names[0]!));
    expect(one.stdout).toContain('\n  "file": {');
    const two = await runCli(["inspect", "--format", "json", join(dir, names[0]!), join(dir, names[1]!)]);
    const arr = JSON.parse(two.stdout) as InspectionResult[];
    expect(arr.map((d) => d.file.path)).toEqual([join(dir, names[0]!), join(dir, names[1]!)]);
  });

  it("renders every attribute with its type and value, derived facts and findings as text", async () => {
    const { dir } = writeSamples();
    const path = join(dir, "every_attribute_type.exr");
    const r = await runCli(["inspect", "--verbose", path]);
    const json = JSON.parse((await runCli(["inspect", "--format", "json", path])).stdout) as InspectionResult;
    for (const a of json.parts[0]!.attributes)
      expect(r.stdout).toContain(`  ${a.name} (type ${a.type}, ${a.size} byte`);
    expect(r.stdout).toMatch(/aM33d \(type m33d, 72 bytes at \d+\):\n\s+\(1 2 3\)/);
    expect(r.stdout).toContain("aTiledesc (type tiledesc, 9 bytes at");
    expect(r.stdout).toContain("tile size 64 by 32, level mode RIPMAP_LEVELS, rounding mode ROUND_UP");
    expect(r.stdout).toContain('"caf\uFFFD" (invalid UTF-8; bytes base64 Y2Fm6Q==)');
    expect(r.stdout).toContain("aCustom (type myCustomType, 5 bytes at");
    expect(r.stdout).toContain("derived:");
    expect(r.stdout).toContain("validation: warning");
    expect(r.code).toBe(0);
  });

  it("reads a path list from stdin with '-'", async () => {
    const { dir, names } = writeSamples();
    const list = names.slice(0, 3).map((n) => join(dir, n));
    const r = await runCli(
      ["inspect", "--format", "ndjson", "-"],
      `${list[2]}\n\n${list[0]}\r\n${list[1]}\n`,
    );
    expect((ndjson(r.stdout) as InspectionResult[]).map((l) => l.file.path)).toEqual([
      list[2],
      list[0],
      list[1],
    ]);
    expect(r.code).toBe(0);
  });

  it("exits 1 with a result for damaged, truncated and unreadable inputs", async () => {
    const dir = tempDir("exr-bad-");
    const good = writeFile(dir, "good.exr", small());
    const zeroed = writeFile(
      dir,
      "zeroed.exr",
      writeExr({
        parts: [
          { type: "scanlineimage", dataWindow: box(0, 0, 3, 2), channels: [{ name: "Y", type: "half" }] },
        ],
        damage: { zeroOffsets: [{ part: 0, chunk: 1 }] },
      }),
    );
    const cut = writeFile(dir, "cut.exr", small().slice(0, 60));
    const missing = join(dir, "missing.exr");
    const r = await runCli(["inspect", "--format", "ndjson", good, zeroed, cut, missing]);
    const lines = ndjson(r.stdout) as InspectionResult[];
    expect(lines.map((l) => l.file.path)).toEqual([good, zeroed, cut, missing]);
    expect(lines[0]!.file.is_complete).toBe(true);
    expect(lines[1]!.file.is_complete).toBe(false);
    expect(lines[1]!.validation.findings.some((f) => f.chunk_index === 1)).toBe(true);
    expect(lines[2]!.validation.status).toBe("error");
    expect(lines[3]!.validation.findings[0]!.code).toBe("EXR_IO_ERROR");
    expect(r.code).toBe(1);
    expect((await runCli(["inspect", good])).code).toBe(0);
    expect((await runCli(["inspect", missing])).code).toBe(1);
  });

  it("ends quietly when stdout is closed early (| head)", async () => {
    const { dir } = writeSamples();
    const many = Array.from({ length: 30 }, () => dir);
    const child = spawn(process.execPath, [CLI, "inspect", ...many], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on("close", (c) => done(c)));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it("exits 1 and says so when no EXR file is found", async () => {
    const dir = tempDir("exr-empty-");
    writeFile(dir, "readme.txt", "nothing here");
    const r = await runCli(["inspect", "--format", "json", dir]);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toBe("exr-inspector: no EXR files found\n");
    expect(r.code).toBe(1);
  });

  it("exits 2 on usage errors", async () => {
    expect((await runCli(["inspect"])).code).toBe(2);
    expect((await runCli(["inspect", "--bogus", "x.exr"])).code).toBe(2);
    expect((await runCli(["inspect", "--format", "xml", "x.exr"])).code).toBe(2);
    expect((await runCli(["validate", "--format", "json", "x.exr"])).code).toBe(2);
    expect((await runCli(["inspect", "--max-header-bytes", "-1", "x.exr"])).code).toBe(2);
    expect((await runCli(["inspect", "--io", "mmap", "x.exr"])).code).toBe(2);
  });

  it("reports a header over --max-header-bytes as an error", async () => {
    const { dir } = writeSamples();
    const r = await runCli([
      "inspect",
      "--format",
      "ndjson",
      "--max-header-bytes",
      "262144",
      join(dir, "huge_header.exr"),
    ]);
    const [res] = ndjson(r.stdout) as InspectionResult[];
    expect(res!.validation.status).toBe("error");
    expect(r.code).toBe(1);
  });
});

describe("validate", () => {
  it("prints only findings, one verdict per file, with the same exit codes", async () => {
    const dir = tempDir("exr-val-");
    const good = writeFile(dir, "a_good.exr", small());
    const bad = writeFile(dir, "b_bad.exr", small().slice(0, 40));
    const ok = await runCli(["validate", good]);
    expect(ok.stdout).toBe(`${good}: OK\n`);
    expect(ok.code).toBe(0);
    const text = await runCli(["validate", "--details", dir]);
    expect(text.stdout.startsWith(`${good}: OK\n`)).toBe(true);
    expect(text.stdout).toMatch(
      new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: error EXR_[A-Z_]+: `),
    );
    expect(text.stdout).not.toContain("dataWindow (type");
    expect(text.stderr).toBe("2 files, 1 failed\n");
    expect(text.code).toBe(1);
    const nd = ndjson((await runCli(["validate", "--format", "ndjson", dir])).stdout);
    expect(nd.map((l) => [l.path, l.passed])).toEqual([
      [good, true],
      [bad, false],
    ]);
    expect(nd[1].findings.length).toBeGreaterThan(0);
  });
});
