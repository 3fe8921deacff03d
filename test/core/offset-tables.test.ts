import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeTables, layoutTables } from "../../src/core/offset-tables.js";
import { tableBytes } from "./bytes.js";

/** Reference: chunks that fit, by sorting all (part, chunk, offset) triples. */
function reference(offsets: number[], tablesEnd: number, fileSize: number, headerSize: number) {
  const valid = offsets
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => o !== 0 && o >= tablesEnd && o < fileSize)
    .sort((a, b) => a.o - b.o || a.i - b.i);
  const bad = new Set<number>();
  valid.forEach(({ o, i }, k) => {
    const limit = k + 1 < valid.length ? valid[k + 1]!.o : fileSize;
    if (o + headerSize > limit) bad.add(i);
  });
  return { present: valid.length - bad.size, bad };
}

describe("analyzeTables", () => {
  const headerEnd = 100;

  it("agrees with a sort-based reference on arbitrary layouts (one part)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 0, max: 6000 }),
        (offsets, extra) => {
          const layout = layoutTables(headerEnd, [offsets.length]);
          const fileSize = layout.end + extra;
          const shifted = offsets.map((o) => (o === 0 ? 0 : o + layout.end - 50));
          const r = analyzeTables(tableBytes(shifted), layout, fileSize, ["scanlineimage"], false);
          const ref = reference(shifted, layout.end, fileSize, 8);
          expect(r.stats[0]!.chunks_present).toBe(ref.present);
          const flagged = new Set(
            r.findings
              .filter((f) => f.code === "EXR_CHUNK_OVERLAP" || f.code === "EXR_CHUNK_TRUNCATED")
              .map((f) => f.chunk_index),
          );
          expect(flagged).toEqual(ref.bad);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("interleaved parts (many ascending runs) are sorted globally", () => {
    const parts = 10;
    const per = 50;
    const counts = Array.from({ length: parts }, () => per);
    const layout = layoutTables(headerEnd, counts);
    const offsets: number[] = [];
    for (let p = 0; p < parts; p++)
      for (let c = 0; c < per; c++) offsets.push(layout.end + (c * parts + p) * 100);
    const fileSize = layout.end + parts * per * 100;
    const ok = analyzeTables(
      tableBytes(offsets),
      layout,
      fileSize,
      counts.map(() => "scanlineimage"),
      true,
    );
    expect(ok.complete).toBe(true);
    expect(ok.stats.map((s) => s.chunks_present)).toEqual(counts);
    expect(ok.lastChunk).toEqual({ part: parts - 1, chunk: per - 1, offset: fileSize - 100 });
    // part 3's chunk 7 moved 5 bytes before the next chunk starts: its 12-byte header no longer fits
    const moved = offsets.slice();
    moved[3 * per + 7] = layout.end + (7 * parts + 4) * 100 - 5;
    const bad = analyzeTables(
      tableBytes(moved),
      layout,
      fileSize,
      counts.map(() => "scanlineimage"),
      true,
    );
    expect(bad.findings).toContainEqual(
      expect.objectContaining({ code: "EXR_CHUNK_OVERLAP", part_index: 3, chunk_index: 7 }),
    );
  });

  it("a skewed layout (one far chunk) still sorts correctly", () => {
    const layout = layoutTables(headerEnd, [200]);
    const offsets = Array.from({ length: 200 }, (_, i) => layout.end + (199 - i) * 10);
    offsets[0] = 10_000_000;
    const r = analyzeTables(tableBytes(offsets), layout, 10_000_100, ["scanlineimage"], false);
    expect(r.complete).toBe(true);
    expect(r.lastChunk).toEqual({ part: 0, chunk: 0, offset: 10_000_000 });
    expect(r.stats[0]!.chunks_present).toBe(200);
  });
  it("agrees with the reference across parts with different chunk header sizes", () => {
    const types = ["scanlineimage", "deeptile", "tiledimage"] as const;
    const sizes = [12, 44, 24]; // multi-part chunk headers: part number + coordinates + sizes
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 60 }), {
          minLength: 2,
          maxLength: 3,
        }),
        fc.integer({ min: 0, max: 100 }),
        (perPart, extra) => {
          const layout = layoutTables(
            headerEnd,
            perPart.map((t) => t.length),
          );
          const fileSize = layout.end + 3000 + extra;
          const shifted = perPart.map((t) => t.map((o) => (o === 0 ? 0 : o + layout.end - 20)));
          const flat = shifted.flat();
          const r = analyzeTables(tableBytes(flat), layout, fileSize, types.slice(0, perPart.length), true);
          // reference: sort every valid entry, compare each with the next higher offset
          const valid = shifted
            .flatMap((t, part) => t.map((o, chunk) => ({ o, part, chunk })))
            .map((e, i) => ({ ...e, i }))
            .filter(({ o }) => o !== 0 && o >= layout.end && o < fileSize)
            .sort((a, b) => a.o - b.o || a.i - b.i);
          const bad = new Set<string>();
          valid.forEach(({ o, part, chunk }, k) => {
            const limit = k + 1 < valid.length ? valid[k + 1]!.o : fileSize;
            if (o + sizes[part]! > limit) bad.add(`${part}/${chunk}`);
          });
          const flagged = new Set(
            r.findings
              .filter((f) => f.code === "EXR_CHUNK_OVERLAP" || f.code === "EXR_CHUNK_TRUNCATED")
              .map((f) => `${f.part_index}/${f.chunk_index}`),
          );
          expect(flagged).toEqual(bad);
          const last = valid.at(-1);
          if (last && last.o + sizes[last.part]! <= fileSize) {
            expect(r.lastChunk).toEqual({ part: last.part, chunk: last.chunk, offset: last.o });
          } else {
            expect(r.lastChunk).toBeNull();
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
