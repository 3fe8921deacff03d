import { describe, expect, it } from "vitest";
import type { DecodedHeader } from "../../src/core/header-decode.js";
import type { AttributeRecord, JsonAttributeValue, VersionFlags } from "../../src/core/model.js";
import { boxOf, derivePart, isInverted, partTypeOf, typedValue } from "../../src/core/part-derive.js";

// derivePart on hand-built decoded headers: every field of the part record from the attributes alone.

type Attr = [name: string, type: string, value: JsonAttributeValue];

function header(attrs: Attr[], offset = 8): DecodedHeader {
  const attributes: AttributeRecord[] = attrs.map(([name, type, value], i) => ({
    name,
    type,
    size: 4,
    offset: offset + 10 * i,
    value,
  }));
  return { offset, terminated: true, attributes, byName: new Map(attributes.map((a) => [a.name, a])) };
}

const FLAGS: VersionFlags = {
  tiled: false,
  long_names: false,
  non_image: false,
  multipart: false,
} as VersionFlags;
const flags = (f: Partial<VersionFlags>): VersionFlags => ({ ...FLAGS, ...f });
const box = (x0: number, y0: number, x1: number, y1: number) => ({ min: [x0, y0], max: [x1, y1] });
const tiles = (
  x_size: JsonAttributeValue,
  y_size: JsonAttributeValue,
  level_mode = "ONE_LEVEL",
  rounding_mode = "ROUND_DOWN",
) => ({
  x_size,
  y_size,
  level_mode,
  rounding_mode,
});

const scanline = (extra: Attr[] = []): Attr[] => [
  ["compression", "compression", "zip"],
  ["dataWindow", "box2i", box(-2, 3, 5, 19)],
  ["displayWindow", "box2i", box(2, 3, 9, 9)],
  ...extra,
];

describe("typedValue and boxOf", () => {
  it("a standard attribute counts only with its required type", () => {
    const h = header([["dataWindow", "box2f", box(0, 0, 1, 1)]]);
    expect(typedValue(h, "dataWindow", "box2i")).toBeUndefined();
    expect(typedValue(h, "dataWindow", "box2f")).toEqual(box(0, 0, 1, 1));
    expect(typedValue(h, "other", "box2f")).toBeUndefined();
  });

  it("a box needs an object with min and max arrays of four numbers", () => {
    expect(boxOf(box(1, 2, 3, 4))).toEqual(box(1, 2, 3, 4));
    for (const v of [
      undefined,
      null,
      5,
      "x",
      [1, 2],
      { min: [0, 0] },
      { min: 1, max: [0, 0] },
      { min: [0, 0], max: "x" },
    ])
      expect(boxOf(v as JsonAttributeValue), JSON.stringify(v)).toBeNull();
    for (let i = 0; i < 4; i++) {
      const coords: JsonAttributeValue[] = [1, 2, 3, 4];
      coords[i] = "NaN";
      expect(boxOf({ min: [coords[0]!, coords[1]!], max: [coords[2]!, coords[3]!] }), String(i)).toBeNull();
    }
  });

  it("inverted when either maximum is below its minimum; equal is one pixel", () => {
    expect(isInverted({ min: [0, 0], max: [0, 0] })).toBe(false);
    expect(isInverted({ min: [1, 0], max: [0, 5] })).toBe(true);
    expect(isInverted({ min: [0, 1], max: [5, 0] })).toBe(true);
  });
});

describe("part type", () => {
  const typed = (t: JsonAttributeValue, type = "string") => header([["type", type, t]]);
  it("multi-part: the type attribute when it is a known string type, else null", () => {
    const mp = flags({ multipart: true, tiled: true, non_image: true });
    expect(partTypeOf(typed("deeptile"), mp)).toBe("deeptile");
    expect(partTypeOf(typed({ text: "tiledimage", base64: "", valid_utf8: false }), mp)).toBe("tiledimage");
    expect(partTypeOf(typed("deepTile"), mp)).toBeNull();
    expect(partTypeOf(typed("scanlineimage", "int"), mp)).toBeNull();
    expect(partTypeOf(header([]), mp)).toBeNull();
  });

  it("single-part: the flags decide; non-image takes only a deep type from the attribute", () => {
    expect(partTypeOf(typed("deeptile"), flags({ tiled: true }))).toBe("tiledimage");
    expect(partTypeOf(typed("deeptile"), flags({ non_image: true }))).toBe("deeptile");
    expect(partTypeOf(typed("deepscanline"), flags({ non_image: true }))).toBe("deepscanline");
    expect(partTypeOf(typed("tiledimage"), flags({ non_image: true }))).toBeNull();
    expect(partTypeOf(header([]), flags({ non_image: true }))).toBeNull();
    expect(partTypeOf(typed("deeptile"), FLAGS)).toBe("scanlineimage");
  });
});

describe("derivePart", () => {
  it("a scanline part: sizes, windows, chunk count from the compression's lines, everything else from attributes", () => {
    const h = header(
      scanline([
        ["lineOrder", "lineOrder", "DECREASING_Y"],
        ["pixelAspectRatio", "float", 1.5],
        ["name", "string", "beauty"],
        ["view", "string", { text: "left", base64: "", valid_utf8: false }],
        ["multiView", "stringvector", ["left", { text: "right", base64: "", valid_utf8: false }, 3]],
      ]),
      120,
    );
    const d = derivePart(h, 3, FLAGS);
    expect(d.linesPerChunk).toBe(16);
    expect(d.tableEntries).toBe(2);
    expect(d.record).toEqual({
      part_index: 3,
      type: "scanlineimage",
      part_name: "beauty",
      view_name: "left",
      views: ["left", "right", ""],
      data_window: box(-2, 3, 5, 19),
      display_window: box(2, 3, 9, 9),
      width: 8,
      height: 17,
      display_width: 8,
      display_height: 7,
      pixel_aspect_ratio: 1.5,
      line_order: "DECREASING_Y",
      compression: "zip",
      is_tiled: false,
      is_deep: false,
      tiling: null,
      chunk_count_stored: null,
      chunk_count: 2,
      header_offset: 120,
      offset_table_offset: null,
      data_offset_min: null,
      data_offset_max: null,
      chunks_present: null,
      attributes: h.attributes,
    });
  });

  it("exactly one block of lines gives one chunk; no usable compression, window or type gives none", () => {
    const lines = (n: number, compression: JsonAttributeValue = "zip") =>
      derivePart(
        header([
          ["compression", "compression", compression],
          ["dataWindow", "box2i", box(0, 0, 0, n - 1)],
        ]),
        0,
        FLAGS,
      );
    expect(lines(16).record.chunk_count).toBe(1);
    expect(lines(17).record.chunk_count).toBe(2);
    expect(lines(1).record.chunk_count).toBe(1);
    const offset = derivePart(
      header([
        ["compression", "compression", "zip"],
        ["dataWindow", "box2i", box(0, 10, 0, 25)],
      ]),
      0,
      FLAGS,
    );
    expect(offset.record).toMatchObject({ chunk_count: 1, height: 16 });
    expect(lines(1, 3).record).toMatchObject({ compression: null, chunk_count: null });
    expect(lines(1, 3).linesPerChunk).toBeNull();
    expect(lines(0).record).toMatchObject({ chunk_count: null, width: null, height: null });
    const untyped = derivePart(header(scanline()), 0, flags({ multipart: true }));
    expect(untyped.record).toMatchObject({ type: null, chunk_count: null, width: 8 });
    expect(untyped.tableEntries).toBeNull();
  });

  it("windows that are missing, mistyped or inverted give null sizes", () => {
    const d = derivePart(
      header([
        ["dataWindow", "box2f", box(0, 0, 3, 3)],
        ["displayWindow", "box2i", box(0, 5, 3, 4)],
      ]),
      0,
      FLAGS,
    ).record;
    expect(d).toMatchObject({
      data_window: null,
      width: null,
      height: null,
      display_width: null,
      display_height: null,
    });
    expect(d.display_window).toEqual(box(0, 5, 3, 4));
    const inverted = derivePart(header([["dataWindow", "box2i", box(4, 0, 3, 3)]]), 0, FLAGS).record;
    expect(inverted).toMatchObject({ width: null, height: null });
  });

  it("pixel aspect ratio only when finite; line order and compression only as strings", () => {
    const ratio = (v: JsonAttributeValue, type = "float") =>
      derivePart(header([["pixelAspectRatio", type, v]]), 0, FLAGS).record.pixel_aspect_ratio;
    expect(ratio("NaN")).toBeNull();
    expect(ratio("Infinity")).toBeNull();
    expect(ratio("-0")).toBe(-0);
    expect(ratio(2)).toBe(2);
    expect(ratio(2, "double")).toBeNull();
    const other = derivePart(
      header([
        ["lineOrder", "lineOrder", 7],
        ["compression", "compression", 40],
      ]),
      0,
      FLAGS,
    ).record;
    expect(other).toMatchObject({
      line_order: null,
      compression: null,
      views: null,
      part_name: null,
      view_name: null,
    });
  });

  it("the stored chunk count: used for the table when it is a non-negative integer, reported as stored", () => {
    const stored = (v: JsonAttributeValue, type = "int") =>
      derivePart(header(scanline([["chunkCount", type, v]])), 0, FLAGS);
    expect([
      stored(5).tableEntries,
      stored(5).record.chunk_count_stored,
      stored(5).record.chunk_count,
    ]).toEqual([5, 5, 2]);
    expect([stored(0).tableEntries, stored(0).record.chunk_count_stored]).toEqual([0, 0]);
    expect([stored(-1).tableEntries, stored(-1).record.chunk_count_stored]).toEqual([2, -1]);
    expect([stored(2.5).tableEntries, stored(2.5).record.chunk_count_stored]).toEqual([2, null]);
    expect([stored(5, "float").tableEntries, stored(5, "float").record.chunk_count_stored]).toEqual([
      2,
      null,
    ]);
  });

  it("tiled parts: tiling from a valid tile description, tile count as the chunk count", () => {
    const tiled = (t: JsonAttributeValue, dw = box(0, 0, 9, 4), type = "tiledesc") =>
      derivePart(
        header([
          ["compression", "compression", "piz"],
          ["dataWindow", "box2i", dw],
          ["tiles", type, t],
        ]),
        0,
        flags({ tiled: true }),
      );
    const one = tiled(tiles(4, 4));
    expect(one.record).toMatchObject({ type: "tiledimage", is_tiled: true, is_deep: false, chunk_count: 6 });
    expect(one.record.tiling).toMatchObject({
      x_size: 4,
      y_size: 4,
      level_mode: "ONE_LEVEL",
      num_x_levels: 1,
    });
    expect(one.tableEntries).toBe(6);
    expect(one.linesPerChunk).toBe(32);
    expect(tiled(tiles(1, 1)).record.chunk_count).toBe(50);
    expect(tiled(tiles(4, 4, "MIPMAP_LEVELS", "ROUND_UP")).record.tiling).toMatchObject({ num_x_levels: 5 });
    expect(tiled(tiles(4, 4, "RIPMAP_LEVELS")).record.tiling).toMatchObject({
      num_x_levels: 4,
      num_y_levels: 3,
    });
    for (const bad of [
      tiles(0, 4),
      tiles(4, 0),
      tiles("4", 4),
      tiles(4, "4"),
      tiles(4, 4, "SOME_LEVELS"),
      tiles(4, 4, "ONE_LEVEL", "ROUND_SIDEWAYS"),
      [4, 4],
      "tiles",
    ]) {
      const d = tiled(bad);
      expect(d.record.tiling, JSON.stringify(bad)).toBeNull();
      expect(d.record.chunk_count, JSON.stringify(bad)).toBeNull();
      expect(d.tableEntries).toBeNull();
    }
    expect(tiled(tiles(4, 4), box(0, 0, 9, 4), "int").record.tiling).toBeNull();
    expect(tiled(tiles(4, 4), box(9, 0, 0, 4)).record.tiling).toBeNull();
    const scan = derivePart(header(scanline([["tiles", "tiledesc", tiles(4, 4)]])), 0, FLAGS).record;
    expect([scan.tiling, scan.chunk_count]).toEqual([null, 2]);
  });

  it("deep types set is_deep; deep tiles are tiled", () => {
    const deep = (type: string) =>
      derivePart(
        header(
          scanline([
            ["type", "string", type],
            ["tiles", "tiledesc", tiles(8, 8)],
          ]),
        ),
        0,
        flags({ multipart: true }),
      ).record;
    expect(deep("deeptile")).toMatchObject({ is_deep: true, is_tiled: true, chunk_count: 3 });
    expect(deep("deepscanline")).toMatchObject({
      is_deep: true,
      is_tiled: false,
      chunk_count: 2,
      tiling: null,
    });
  });
});
