import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeSequences } from "../../src/sequences/analyze.js";
import type { FrameEntry, FrameStructure } from "../../src/sequences/frame-entry.js";
import { frameRanges, sequenceLine, sequenceLines } from "../../src/sequences/notation.js";

const base: FrameStructure = {
  part_count: "1",
  channels: "0/B,0/G,0/R",
  pixel_types: "half",
  compression: "zip",
  data_window: "dw",
  display_window: "dw",
};

function entry(
  path: string,
  over: Partial<FrameEntry> = {},
  structure: Partial<FrameStructure> = {},
): FrameEntry {
  return { path, size: 1000, complete: true, structure: { ...base, ...structure }, ...over };
}

describe("analyzeSequences", () => {
  it("reports each kind of problem of one sequence", () => {
    const entries = [1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009].map((f) => entry(`/r/beauty.${f}.exr`));
    entries.push(entry("/r/beauty.01003.exr")); // duplicate of 1003
    entries[4] = entry("/r/beauty.1006.exr", { complete: false, size: 100 });
    entries[6] = entry("/r/beauty.1008.exr", {}, { compression: "piz", channels: "0/A,0/B,0/G,0/R" });
    const [s] = analyzeSequences(entries);
    expect(s).toEqual({
      directory: "/r",
      pattern: "beauty.####.exr",
      first: 1001,
      last: 1009,
      count: 8,
      missing: [1004],
      duplicates: [1003],
      incomplete: [1006],
      odd: [{ frame: 1008, differs: ["channels", "compression"] }],
      size_outliers: [1006],
    });
    expect(sequenceLine(s!)).toBe(
      "beauty.[1001-1009].exr  8 frames  missing 1004  duplicates 1003  incomplete 1006  odd 1008 (channels, compression)  small 1006",
    );
  });

  it("keeps directories, views and separators apart, and ignores files without a frame", () => {
    const reports = analyzeSequences([
      entry("/a/beauty.1.left.exr"),
      entry("/a/beauty.1.right.exr"),
      entry("/a/beauty_1.exr"),
      entry("/b/beauty.1.left.exr"),
      entry("/b/Desk.exr"),
      entry("s3://bucket/shots/beauty.-2.exr"),
      entry("s3://bucket/shots/beauty.-1.exr"),
    ]);
    expect(reports.map((r) => `${r.directory}|${r.pattern}|${r.first}..${r.last}`)).toEqual([
      "/a|beauty.#.left.exr|1..1",
      "/a|beauty.#.right.exr|1..1",
      "/a|beauty_#.exr|1..1",
      "/b|beauty.#.left.exr|1..1",
      "s3://bucket/shots|beauty.#.exr|-2..-1",
    ]);
    expect(sequenceLines(reports.slice(3))).toBe(
      "/b/\n  beauty.1.left.exr  1 frame\ns3://bucket/shots/\n  beauty.[-2--1].exr  2 frames\n",
    );
  });

  it("lists exactly the frames absent from the range and the numbers written twice (any padding)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -50, max: 300 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (frames, dupPicks, padding) => {
          const dups = new Set(dupPicks.map((i) => frames[i % frames.length] as number));
          const entries: FrameEntry[] = [];
          const name = (f: number, pad: number) =>
            `/s/shot_${f < 0 ? "-" : ""}${String(Math.abs(f)).padStart(pad, "0")}.exr`;
          for (const f of frames) entries.push(entry(name(f, padding)));
          for (const f of dups) entries.push(entry(name(f, padding + 2)));
          const [s] = analyzeSequences(entries);
          const sorted = [...frames].sort((a, b) => a - b);
          const lo = sorted[0] as number;
          const hi = sorted[sorted.length - 1] as number;
          const present = new Set(frames);
          const missing: number[] = [];
          for (let f = lo; f <= hi; f++) if (!present.has(f)) missing.push(f);
          expect(s).toMatchObject({ first: lo, last: hi, count: frames.length, missing });
          expect(s?.duplicates).toEqual([...dups].sort((a, b) => a - b));
          expect(s?.odd).toEqual([]);
          expect(s?.size_outliers).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("flags a frame far smaller than its neighbours, not one that is merely a bit smaller", () => {
    const sizes = [1000, 1010, 990, 400, 1005, 700, 1000, 995];
    const [s] = analyzeSequences(sizes.map((size, i) => entry(`/x/f.${i + 1}.exr`, { size })));
    expect(s?.size_outliers).toEqual([4]);
  });

  it("compresses frame lists into ranges", () => {
    expect(frameRanges([1, 2, 3, 7, 9, 10])).toBe("1-3 7 9-10");
    expect(frameRanges([])).toBe("");
  });
});
