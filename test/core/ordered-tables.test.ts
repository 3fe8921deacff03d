import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PartType } from "../../src/core/model.js";
import { analyzeTables, layoutTables } from "../../src/core/offset-tables.js";
import { orderedTables } from "../../src/core/ordered-tables.js";
import { tableBytes } from "./bytes.js";

const TYPES: PartType[] = ["scanlineimage", "tiledimage", "deepscanline", "deeptile"];
const MULTIPART_HEADER = { scanlineimage: 12, tiledimage: 24, deepscanline: 32, deeptile: 44 };

/** Everything analyzeTables reports, computed by sorting all (part, chunk, offset) entries. */
function reference(perPart: number[][], tablesEnd: number, fileSize: number, sizes: number[]) {
  const all = perPart.flatMap((t, part) => t.map((o, chunk) => ({ o, part, chunk })));
  const valid = all
    .map((e, i) => ({ ...e, i }))
    .filter(({ o }) => o !== 0 && o >= tablesEnd && o < fileSize)
    .sort((a, b) => a.o - b.o || a.i - b.i);
  const unfit = new Set<string>();
  valid.forEach(({ o, part, chunk }, k) => {
    const limit = k + 1 < valid.length ? valid[k + 1]!.o : fileSize;
    if (o + sizes[part]! > limit) unfit.add(`${part}/${chunk}`);
  });
  const stats = perPart.map((_t, part) => {
    const mine = valid.filter((e) => e.part === part);
    return {
      min: mine.length ? Math.min(...mine.map((e) => e.o)) : null,
      max: mine.length ? Math.max(...mine.map((e) => e.o)) : null,
      present: mine.filter((e) => !unfit.has(`${part}/${e.chunk}`)).length,
    };
  });
  const last = valid.at(-1);
  const lastChunk =
    last && last.o + sizes[last.part]! <= fileSize
      ? { part: last.part, chunk: last.chunk, offset: last.o }
      : null;
  return { stats, unfit, lastChunk, complete: valid.length === all.length && unfit.size === 0 };
}

/**
 * Offsets as a writer lays chunks out: in table order or round-robin across parts, each chunk
 * `gap` bytes after the previous one (gaps below a chunk header make the file malformed).
 */
function written(chunksPerPart: number[], gaps: number[], roundRobin: boolean, start: number): number[][] {
  const perPart = chunksPerPart.map(() => [] as number[]);
  let at = start;
  let g = 0;
  const place = (part: number) => {
    perPart[part]!.push(at);
    at += gaps[g++ % gaps.length]!;
  };
  const longest = Math.max(...chunksPerPart);
  if (roundRobin) {
    for (let c = 0; c < longest; c++)
      for (let p = 0; p < chunksPerPart.length; p++) if (c < chunksPerPart[p]!) place(p);
  } else {
    for (let p = 0; p < chunksPerPart.length; p++) for (let c = 0; c < chunksPerPart[p]!; c++) place(p);
  }
  return perPart;
}

describe("orderedTables (the one-pass path of analyzeTables)", () => {
  const headerEnd = 300;

  it("matches the sort-based reference on written layouts, perturbed or not", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 7 }),
        fc.boolean(),
        fc.constantFrom(...TYPES),
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.tuple(fc.nat(), fc.integer({ min: -300, max: 300 }))),
        fc.integer({ min: -40, max: 60 }),
        (chunks, gaps, roundRobin, type, tail, perturb, cut) => {
          const types = chunks.map((_, i) => TYPES[(TYPES.indexOf(type) + i) % TYPES.length]!);
          const multipart = chunks.length > 1;
          const sizes = types.map((t) => (multipart ? MULTIPART_HEADER[t] : MULTIPART_HEADER[t] - 4));
          const layout = layoutTables(headerEnd, chunks);
          const perPart = written(chunks, gaps, roundRobin, layout.end + 7);
          const flat = perPart.flat();
          if (perturb && flat.length) {
            const i = perturb[0] % flat.length;
            flat[i] = Math.max(0, flat[i]! + perturb[1]);
          }
          const highest = Math.max(layout.end, ...flat);
          const fileSize = highest + tail - 5;
          let bytes = tableBytes(flat);
          // sometimes the file ends inside its tables
          if (cut < 0) bytes = bytes.subarray(0, Math.max(0, bytes.length + cut));
          const again = chunks.map(() => [] as number[]);
          let k = 0;
          chunks.forEach((n, p) => {
            for (let c = 0; c < n && k < Math.floor(bytes.length / 8); c++) again[p]!.push(flat[k++]!);
          });
          const r = analyzeTables(bytes, layout, fileSize, types, multipart);
          const ref = reference(again, layout.end, fileSize, sizes);
          const stored = bytes.length / 8 === flat.length;
          expect(r.complete).toBe(ref.complete && stored);
          expect(r.lastChunk).toEqual(ref.lastChunk);
          expect(
            r.stats.map((s) => ({
              min: s.data_offset_min,
              max: s.data_offset_max,
              present: s.chunks_present,
            })),
          ).toEqual(ref.stats);
          const flagged = new Set(
            r.findings
              .filter((f) => f.code === "EXR_CHUNK_OVERLAP" || f.code === "EXR_CHUNK_TRUNCATED")
              .map((f) => `${f.part_index}/${f.chunk_index}`),
          );
          expect(flagged).toEqual(ref.unfit);
          const fast = orderedTables(bytes, layout, fileSize, sizes);
          if (fast) expect(fast).toEqual(r);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("takes the one pass for files written in table or round-robin order, and only those", () => {
    const layout = layoutTables(headerEnd, [3, 3]);
    const sizes = [12, 12];
    const fileSize = layout.end + 1000;
    const tableOrder = [
      layout.end,
      layout.end + 100,
      layout.end + 200,
      layout.end + 300,
      layout.end + 400,
      layout.end + 500,
    ];
    const roundRobin = [
      layout.end,
      layout.end + 200,
      layout.end + 400,
      layout.end + 100,
      layout.end + 300,
      layout.end + 500,
    ];
    const neither = [
      layout.end + 200,
      layout.end,
      layout.end + 400,
      layout.end + 100,
      layout.end + 300,
      layout.end + 500,
    ];
    for (const offsets of [tableOrder, roundRobin]) {
      const fast = orderedTables(tableBytes(offsets), layout, fileSize, sizes);
      expect(fast?.complete).toBe(true);
      expect(fast?.lastChunk).toEqual({ part: 1, chunk: 2, offset: layout.end + 500 });
    }
    expect(orderedTables(tableBytes(neither), layout, fileSize, sizes)).toBeNull();
    // the same layouts with a chunk too close to the next, a zero entry, or an unknown part type
    const tight = tableOrder.slice();
    tight[1] = tight[2]! - 11;
    expect(orderedTables(tableBytes(tight), layout, fileSize, sizes)).toBeNull();
    const zero = roundRobin.slice();
    zero[4] = 0;
    expect(orderedTables(tableBytes(zero), layout, fileSize, sizes)).toBeNull();
    expect(orderedTables(tableBytes(tableOrder), layout, fileSize, [12, 0])).toBeNull();
  });

  it("accepts a last chunk header ending exactly at EOF, refuses an offset at EOF, in both orders", () => {
    const one = layoutTables(headerEnd, [2]);
    const at = (offsets: number[], size: number, l = one, sizes = [8]) =>
      orderedTables(tableBytes(offsets), l, size, sizes);
    expect(at([one.end, one.end + 14], one.end + 22)?.lastChunk).toEqual({
      part: 0,
      chunk: 1,
      offset: one.end + 14,
    });
    expect(at([one.end, one.end + 22], one.end + 22)).toBeNull();
    expect(at([one.end, one.end + 14], one.end + 21)).toBeNull();
    // round robin over tables of 2 and 1 entries: part 0 chunk 0, part 1 chunk 0, part 0 chunk 1
    const two = layoutTables(headerEnd, [2, 1]);
    const e = two.end;
    const rr = at([e, e + 24, e + 12], e + 36, two, [12, 12]);
    expect(rr?.lastChunk).toEqual({ part: 0, chunk: 1, offset: e + 24 });
    expect(rr?.stats.map((s) => s.chunks_present)).toEqual([2, 1]);
    expect(at([e, e + 36, e + 12], e + 36, two, [12, 12])).toBeNull();
    expect(at([e, e + 24, e + 12], e + 35, two, [12, 12])).toBeNull();
  });

  it("handles offsets up to 2^31 - 1 and leaves files of 2 GiB or more to the full analysis", () => {
    const layout = layoutTables(headerEnd, [2, 2]);
    const sizes = [12, 12];
    const near = 0x7fff_ffff - 1000;
    const offsets = [near, near + 400, near + 200, near + 600];
    const justBelow = orderedTables(tableBytes(offsets), layout, 0x7fff_ffff, sizes);
    expect(justBelow).toEqual(
      analyzeTables(tableBytes(offsets), layout, 0x7fff_ffff, ["scanlineimage", "scanlineimage"], true),
    );
    expect(justBelow?.lastChunk).toEqual({ part: 1, chunk: 1, offset: near + 600 });
    expect(orderedTables(tableBytes(offsets), layout, 0x8000_0000, sizes)).toBeNull();
    const high = 2 ** 32 + 300;
    const far = [high, high + 400, high + 200, high + 600];
    expect(orderedTables(tableBytes(far), layout, high + 1000, sizes)).toBeNull();
    const full = analyzeTables(
      tableBytes(far),
      layout,
      high + 1000,
      ["scanlineimage", "scanlineimage"],
      true,
    );
    expect(full.complete).toBe(true);
    expect(full.lastChunk).toEqual({ part: 1, chunk: 1, offset: high + 600 });
    // an entry of 2^31 or more in a file that is smaller: invalid, and not read as negative-but-fitting
    const past = [layout.end, layout.end + 100, 2 ** 31, layout.end + 300];
    expect(orderedTables(tableBytes(past), layout, layout.end + 1000, sizes)).toBeNull();
    // a high word that is not 0 with a low word that alone would fit
    const wrapped = [layout.end, layout.end + 100, 2 ** 32 + layout.end + 200, layout.end + 300];
    expect(orderedTables(tableBytes(wrapped), layout, layout.end + 1000, sizes)).toBeNull();
    const wrappedRoundRobin = [layout.end, layout.end + 200, layout.end + 100, 2 ** 32 + layout.end + 300];
    expect(orderedTables(tableBytes(wrappedRoundRobin), layout, layout.end + 1000, sizes)).toBeNull();
  });
});
