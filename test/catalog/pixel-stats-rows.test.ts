/**
 * The pixel-statistics rows of one file, every column once: a `stats` report's parts and levels as `stats` and
 * `part_stats` rows (first occurrence of a repeated key kept), deep and flat parts, grouping rows back into sets,
 * the last set of a file winning, what a restore adds, and the latest set kept per file on stores without keys.
 */
import { describe, expect, it } from "vitest";
import {
  groupPixelStats,
  latestPixelStats,
  pixelStatsByFile,
  pixelStatsSet,
  pixelStatsToRestore,
} from "../../src/catalog/pixel-stats.js";
import type { PixelStatsSet } from "../../src/catalog/rows.js";
import type { ChannelStatsRecord } from "../../src/core/pixels/channel-stats.js";
import type { PartStatsRecord } from "../../src/core/pixels/part-stats.js";

const at = new Date("2026-12-07T17:00:00Z");
const channel = (name: string, k: number): ChannelStatsRecord => ({
  name,
  type: k % 2 ? "half" : "float",
  min: -k,
  max: k * 10,
  mean: k / 2,
  stddev: k / 4,
  nan_count: k + 1,
  inf_count: k + 2,
  finite_count: k + 3,
  constant: k % 3 === 0,
});

describe("pixelStatsSet", () => {
  it("one stats row per part, level and channel; one part_stats row per part; every column", () => {
    const parts: PartStatsRecord[] = [
      {
        part_index: 0,
        levels: [
          { level: [0, 0], channels: [channel("R", 1), channel("G", 2)] },
          { level: [1, 2], channels: [channel("R", 3)] },
        ],
        monochrome: false,
        pixel_hash: "abc",
      },
      {
        part_index: 1,
        levels: [{ level: [0, 0], channels: [channel("Z", 4)] }],
        monochrome: null,
        pixel_hash: null,
        deep: {
          total_samples: 90,
          samples_histogram: { "0": 2, "3": 30 },
          pixels_with_samples: 30,
          pixels_without_samples: 2,
          min_depth: { value: 0.5, x: 1, y: 2, sample: 0 } as never,
          max_depth: { value: 99, x: 3, y: 4, sample: 2 } as never,
        },
      },
    ];
    const set = pixelStatsSet("F", parts, at);
    expect(set.file_id).toBe("F");
    expect(set.stats).toEqual([
      {
        file_id: "F",
        part_index: 0,
        level_x: 0,
        level_y: 0,
        channel_name: "R",
        type: "half",
        min: -1,
        max: 10,
        mean: 0.5,
        stddev: 0.25,
        nan_count: 2,
        inf_count: 3,
        finite_count: 4,
        constant: false,
        computed_at: at,
      },
      {
        file_id: "F",
        part_index: 0,
        level_x: 0,
        level_y: 0,
        channel_name: "G",
        type: "float",
        min: -2,
        max: 20,
        mean: 1,
        stddev: 0.5,
        nan_count: 3,
        inf_count: 4,
        finite_count: 5,
        constant: false,
        computed_at: at,
      },
      {
        file_id: "F",
        part_index: 0,
        level_x: 1,
        level_y: 2,
        channel_name: "R",
        type: "half",
        min: -3,
        max: 30,
        mean: 1.5,
        stddev: 0.75,
        nan_count: 4,
        inf_count: 5,
        finite_count: 6,
        constant: true,
        computed_at: at,
      },
      {
        file_id: "F",
        part_index: 1,
        level_x: 0,
        level_y: 0,
        channel_name: "Z",
        type: "float",
        min: -4,
        max: 40,
        mean: 2,
        stddev: 1,
        nan_count: 5,
        inf_count: 6,
        finite_count: 7,
        constant: false,
        computed_at: at,
      },
    ]);
    expect(set.parts).toEqual([
      {
        file_id: "F",
        part_index: 0,
        pixel_hash: "abc",
        monochrome: false,
        total_samples: null,
        pixels_with_samples: null,
        pixels_without_samples: null,
        samples_histogram: null,
        min_depth: null,
        max_depth: null,
        computed_at: at,
      },
      {
        file_id: "F",
        part_index: 1,
        pixel_hash: null,
        monochrome: null,
        total_samples: 90,
        pixels_with_samples: 30,
        pixels_without_samples: 2,
        samples_histogram: '{"0":2,"3":30}',
        min_depth: 0.5,
        max_depth: 99,
        computed_at: at,
      },
    ]);
  });

  it("a deep part without depth has null depths", () => {
    const set = pixelStatsSet(
      "F",
      [
        {
          part_index: 0,
          levels: [],
          monochrome: true,
          pixel_hash: "h",
          deep: {
            total_samples: 0,
            samples_histogram: {},
            pixels_with_samples: 0,
            pixels_without_samples: 4,
            min_depth: null,
            max_depth: null,
          },
        },
      ],
      at,
    );
    expect(set.stats).toEqual([]);
    expect(set.parts[0]).toMatchObject({
      total_samples: 0,
      pixels_without_samples: 4,
      samples_histogram: "{}",
      min_depth: null,
      max_depth: null,
      monochrome: true,
    });
  });

  it("keeps the first occurrence of a repeated channel key and of a repeated part", () => {
    const set = pixelStatsSet(
      "F",
      [
        {
          part_index: 0,
          levels: [
            { level: [0, 0], channels: [channel("R", 1), channel("R", 2), channel("G", 3)] },
            { level: [0, 1], channels: [channel("R", 5)] },
          ],
          monochrome: null,
          pixel_hash: "first",
        },
        {
          part_index: 0,
          levels: [{ level: [0, 0], channels: [channel("B", 4)] }],
          monochrome: null,
          pixel_hash: "second",
        },
        {
          part_index: 1,
          levels: [{ level: [0, 0], channels: [channel("R", 6)] }],
          monochrome: null,
          pixel_hash: "third",
        },
      ],
      at,
    );
    expect(set.stats.map((r) => [r.part_index, r.level_x, r.level_y, r.channel_name, r.min])).toEqual([
      [0, 0, 0, "R", -1],
      [0, 0, 0, "G", -3],
      [0, 0, 1, "R", -5],
      [1, 0, 0, "R", -6],
    ]);
    expect(set.parts.map((p) => p.pixel_hash)).toEqual(["first", "third"]);
  });

  it("levels that differ only in x or only in y are different keys", () => {
    const set = pixelStatsSet(
      "F",
      [
        {
          part_index: 0,
          levels: [
            { level: [1, 0], channels: [channel("R", 1)] },
            { level: [0, 1], channels: [channel("R", 2)] },
            { level: [1, 1], channels: [channel("R", 3)] },
          ],
          monochrome: null,
          pixel_hash: null,
        },
      ],
      at,
    );
    expect(set.stats).toHaveLength(3);
  });
});

describe("sets of several files", () => {
  const set = (file_id: string, hash: string): PixelStatsSet => ({
    file_id,
    stats: [],
    parts: [
      {
        file_id,
        part_index: 0,
        pixel_hash: hash,
        monochrome: null,
        total_samples: null,
        pixels_with_samples: null,
        pixels_without_samples: null,
        samples_histogram: null,
        min_depth: null,
        max_depth: null,
        computed_at: at,
      },
    ],
  });

  it("the last set given for a file wins", () => {
    const byFile = pixelStatsByFile([set("a", "1"), set("b", "2"), set("a", "3")]);
    expect([...byFile.keys()]).toEqual(["a", "b"]);
    expect(byFile.get("a")!.parts[0]!.pixel_hash).toBe("3");
  });

  it("rows are grouped back by file, in order of first appearance, from either table", () => {
    const a = pixelStatsSet(
      "a",
      [
        {
          part_index: 0,
          levels: [{ level: [0, 0], channels: [channel("R", 1)] }],
          monochrome: null,
          pixel_hash: "x",
        },
      ],
      at,
    );
    const b = set("b", "y");
    const c = pixelStatsSet(
      "c",
      [
        {
          part_index: 0,
          levels: [{ level: [0, 0], channels: [channel("G", 2)] }],
          monochrome: null,
          pixel_hash: "z",
        },
      ],
      at,
    );
    const groups = groupPixelStats([...c.stats, ...a.stats], [...a.parts, ...b.parts, ...c.parts]);
    expect(groups).toEqual([
      { file_id: "c", stats: c.stats, parts: c.parts },
      { file_id: "a", stats: a.stats, parts: a.parts },
      { file_id: "b", stats: [], parts: b.parts },
    ]);
    expect(groupPixelStats([], [])).toEqual([]);
  });

  it("a restore adds only the files without statistics", () => {
    const backup = [set("a", "1"), set("b", "2"), set("c", "3")];
    expect(pixelStatsToRestore(backup, new Set(["b"])).map((s) => s.file_id)).toEqual(["a", "c"]);
  });

  it("per file, only the rows of the latest computed_at are kept", () => {
    const row = (file_id: string, t: number, n: number) => ({ file_id, computed_at: new Date(t), n });
    const rows = [
      row("a", 1000, 1),
      row("a", 2000, 2),
      row("b", 500, 3),
      row("a", 2000, 4),
      row("b", 400, 5),
      row("c", -5, 6),
    ];
    expect(latestPixelStats(rows).map((r) => r.n)).toEqual([2, 3, 4, 6]);
    expect(latestPixelStats([])).toEqual([]);
  });
});
