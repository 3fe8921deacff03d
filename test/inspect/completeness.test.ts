import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { InspectionResult } from "../../src/core/model.js";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { inspect } from "../../src/inspect/inspect.js";
import { BufferSource } from "../../src/io/buffer-source.js";
import { CORPUS_SKIP_REASON, corpusRoot } from "./helpers.js";

const run = (bytes: Uint8Array) => inspect(new BufferSource(bytes, "memory:cut.exr"));

/** Cut positions: inside the header, every offset-table byte (up to a bound), spread over pixel data, the last byte. */
function cutPositions(full: InspectionResult, maxTablePositions = 400): number[] {
  const size = full.file.size_bytes;
  const headerEnd = full.file.header_bytes!;
  const tablesEnd = Math.min(...full.parts.map((p) => p.data_offset_min ?? size));
  const out = new Set<number>([0, 3, 7, 8, 9, Math.floor(headerEnd / 2), headerEnd - 1, headerEnd, size - 1]);
  const tableBytes = tablesEnd - headerEnd;
  const step = Math.max(1, Math.ceil(tableBytes / maxTablePositions));
  for (let p = headerEnd; p < tablesEnd; p += step) out.add(p);
  for (let k = 1; k <= 40; k++) out.add(tablesEnd + Math.floor(((size - tablesEnd) * k) / 41));
  return [...out].filter((p) => p >= 0 && p < size).sort((a, b) => a - b);
}

async function expectIncompleteWhenCut(bytes: Uint8Array, maxTablePositions?: number): Promise<number> {
  const full = await run(bytes);
  expect(full.file.is_complete).toBe(true);
  const positions = cutPositions(full, maxTablePositions);
  for (const cut of positions) {
    const r = await run(bytes.subarray(0, cut));
    const context = `cut at ${cut} of ${bytes.length}`;
    expect(r.file.is_complete, context).toBe(false);
    const located = r.validation.findings.filter(
      (f) => f.severity === "error" && typeof f.byte_offset === "number",
    );
    expect(located.length, context).toBeGreaterThan(0);
    if (cut >= full.file.header_bytes!) {
      // past the header: the finding names the part and chunk
      const chunkLevel = located.filter(
        (f) => typeof f.part_index === "number" && typeof f.chunk_index === "number",
      );
      expect(chunkLevel.length, context).toBeGreaterThan(0);
    }
  }
  return positions.length;
}

async function expectZeroedOffsetsReported(bytes: Uint8Array): Promise<void> {
  const full = await run(bytes);
  for (const p of full.parts) {
    const n = p.chunk_count!;
    for (const chunk of new Set([0, Math.floor(n / 2), n - 1])) {
      const copy = bytes.slice();
      const entry = p.offset_table_offset! + chunk * 8;
      copy.fill(0, entry, entry + 8);
      const r = await run(copy);
      expect(r.file.is_complete).toBe(false);
      expect(r.validation.findings).toContainEqual(
        expect.objectContaining({
          code: "EXR_OFFSET_ZERO",
          part_index: p.part_index,
          chunk_index: chunk,
          byte_offset: entry,
        }),
      );
    }
  }
}

describe("completeness of generated files", () => {
  const samples = sampleFiles((d) => deflateSync(d)).filter((s) =>
    [
      "scanline_zip.exr",
      "tiled_ripmap_up.exr",
      "deep_tiled.exr",
      "deep_scanline.exr",
      "multipart_mixed.exr",
    ].includes(s.name),
  );

  it.each(samples.map((s) => [s.name, s.bytes]))("%s truncated anywhere is incomplete", async (_, bytes) => {
    // every byte position of the offset tables is tried for these small files
    expect(await expectIncompleteWhenCut(bytes, Number.POSITIVE_INFINITY)).toBeGreaterThan(20);
  });

  it.each(samples.map((s) => [s.name, s.bytes]))("%s with zeroed offsets is incomplete", async (_, bytes) => {
    await expectZeroedOffsetsReported(bytes);
  });

  it("an offset pointing past EOF or into the tables is reported", async () => {
    const bytes = samples.find((s) => s.name === "scanline_zip.exr")!.bytes.slice();
    const full = await run(bytes);
    const table = full.parts[0]!.offset_table_offset!;
    const view = new DataView(bytes.buffer);
    view.setBigUint64(table, BigInt(bytes.length + 10), true);
    view.setBigUint64(table + 8, BigInt(table), true);
    const r = await run(bytes);
    const codes = r.validation.findings
      .filter((f) => f.code === "EXR_OFFSET_OUT_OF_RANGE")
      .map((f) => f.chunk_index);
    expect(codes).toEqual([0, 1]);
    expect(r.file.is_complete).toBe(false);
  });
});

const root = corpusRoot();
(root ? describe : describe.skip)(root ? "completeness of corpus files" : CORPUS_SKIP_REASON, () => {
  const files = [
    "openexr-images/ScanLines/Desk.exr",
    "openexr-images/Beachball/multipart.0001.exr",
    "openexr-images/Tiles/GoldenGate.exr",
    "openexr-images/MultiResolution/ColorCodedLevels.exr",
    "openexr-images/v2/LowResLeftView/Balls.exr",
    "openexr-tests/bin_test_images/11.deep.exr",
  ];

  it.each(files)("%s truncated at many positions is incomplete", async (rel) => {
    const bytes = new Uint8Array(readFileSync(join(root!, rel)));
    expect(await expectIncompleteWhenCut(bytes)).toBeGreaterThan(20);
  });

  it.each(files)("%s with zeroed offsets is incomplete", async (rel) => {
    await expectZeroedOffsetsReported(new Uint8Array(readFileSync(join(root!, rel))));
  });
});
