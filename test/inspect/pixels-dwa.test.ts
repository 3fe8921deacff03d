import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pixelReport, pixelReportFile } from "../../src/inspect/pixel-report.js";
import { chunkRefs, planPixels } from "../../src/inspect/read-chunks.js";
import { BufferSource } from "../../src/io/buffer-source.js";
import { itDecodesAsTheBindings } from "./bindings-fixtures.js";

// Written by the official OpenEXR 3.5.3 bindings (python/conformance/make_codec_fixtures.py), with the SHA-256 of
// the bindings' decoded samples per channel: our decode must equal OpenEXR's bit for bit.
const DIR = join(import.meta.dirname, "../fixtures/dwa");
const CLI = join(import.meta.dirname, "../../dist/cli/launch.cjs");

describe("DWAA / DWAB decode as OpenEXR does", () => {
  itDecodesAsTheBindings(DIR);

  // Needs the built CLI (Stryker's sandbox has no dist/).
  it.skipIf(!existsSync(CLI))(
    "a host without WebAssembly (node --jitless) decodes them to the same stats and pixel hashes",
    () => {
      const files = ["dwaa_scanline.exr", "dwab_tiled.exr"].map((f) => join(DIR, f));
      const run = (flags: string[], args: string[]) =>
        spawnSync(process.execPath, [...flags, ...args], { encoding: "utf8", timeout: 60_000 });
      expect(run(["--jitless"], ["-p", "typeof WebAssembly"]).stdout.trim()).toBe("undefined");
      const stats = [CLI, "stats", "--format", "ndjson", "-j", "0", ...files];
      const plain = run([], stats);
      const jitless = run(["--jitless"], stats);
      expect([plain.status, jitless.status]).toEqual([0, 0]);
      expect(plain.stdout.trim().split("\n")).toHaveLength(2);
      expect(plain.stdout).toContain('"pixel_hash"');
      expect(jitless.stdout).toBe(plain.stdout);
    },
  );

  it("verify and stats decode DWA parts instead of reporting them unsupported", async () => {
    const r = await pixelReportFile(join(DIR, "dwaa_scanline.exr"), { stats: true });
    expect(r.findings).toEqual([]);
    const level = r.parts[0]!.levels[0]!;
    expect(level.channels.map((c) => c.name)).toEqual(["A", "B", "G", "R", "Y", "Z", "id"]);
    expect(level.channels.every((c) => c.finite_count === 37 * 45)).toBe(true);
    expect(r.parts[0]!.pixel_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a DWA chunk with a counter past what it can hold is a coded finding at that chunk", async () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, "dwaa_scanline.exr")));
    const plan = await planPixels(new BufferSource(bytes));
    const second = (await chunkRefs(new BufferSource(bytes), plan)).find((r) => r.chunk === 1)!;
    // Chunk header: y (int32) and data size (int32); then the DWA counters, the 9th being the AC count.
    new DataView(bytes.buffer).setUint32(second.offset + 8 + 8 * 8, 0x7fffffff, true);
    const r = await pixelReport(new BufferSource(bytes), { stats: true });
    expect(r.findings.map((f) => [f.code, f.chunk_index, f.byte_offset])).toEqual([
      ["EXR_CHUNK_CORRUPT", 1, second.offset],
    ]);
    expect(r.findings[0]!.message).toMatch(/AC coefficients/);
  });
});
