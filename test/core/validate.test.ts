import { describe, expect, it } from "vitest";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import type { Finding } from "../../src/core/model.js";
import type { ExrSpec, PartSpec } from "../../src/core/write/spec.js";
import { writeExr } from "../../src/core/write/write-exr.js";
import { b } from "./bytes.js";

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});

const part = (extra: Partial<PartSpec> = {}): PartSpec => ({
  type: "scanlineimage",
  dataWindow: box(0, 0, 7, 3),
  channels: [
    { name: "B", type: "half" },
    { name: "G", type: "half" },
    { name: "R", type: "half" },
  ],
  ...extra,
});

const findingsOf = (spec: ExrSpec) => inspectBytes(writeExr(spec)).validation.findings;
const single = (extra: Partial<PartSpec>) => findingsOf({ parts: [part(extra)] });

function expectFinding(findings: Finding[], expected: Partial<Finding>) {
  expect(findings).toContainEqual(expect.objectContaining(expected));
}

describe("validation", () => {
  it("a plain file is ok", () => {
    const r = inspectBytes(writeExr({ parts: [part()] }));
    expect(r.validation).toEqual({ status: "ok", findings: [] });
  });

  it("required attributes", () => {
    expectFinding(single({ omit: ["screenWindowWidth"] }), {
      code: "EXR_MISSING_REQUIRED_ATTRIBUTE",
      attribute: "screenWindowWidth",
      part_index: 0,
    });
    const multi = findingsOf({ parts: [part({ name: "a" }), part({ name: "b", omit: ["chunkCount"] })] });
    expectFinding(multi, { code: "EXR_MISSING_REQUIRED_ATTRIBUTE", attribute: "chunkCount", part_index: 1 });
  });

  it("standard attributes stored with the wrong type", () => {
    expectFinding(single({ attributes: [{ name: "dataWindow", type: "box2f", value: box(0, 0, 7, 3) }] }), {
      code: "EXR_ATTRIBUTE_WRONG_TYPE",
      attribute: "dataWindow",
    });
  });

  it("custom attributes named like Object.prototype members are not standard attributes", () => {
    const r = inspectBytes(
      writeExr({
        parts: [
          part({
            attributes: [
              { name: "toString", type: "string", value: "x" },
              { name: "constructor", type: "int", value: 1 },
              { name: "__proto__", type: "float", value: 1 },
            ],
          }),
        ],
      }),
    );
    expect(r.validation).toEqual({ status: "ok", findings: [] });
  });

  it("enum values out of range", () => {
    expectFinding(single({ attributes: [{ name: "lineOrder", type: "lineOrder", value: 7 }] }), {
      code: "EXR_UNKNOWN_LINE_ORDER",
    });
    const f = single({ attributes: [{ name: "compression", type: "compression", value: 42 }] });
    expectFinding(f, { code: "EXR_UNKNOWN_COMPRESSION", attribute: "compression" });
    expectFinding(f, { code: "EXR_CHUNK_COUNT_UNKNOWN", part_index: 0 });
  });

  it("channel types and sampling", () => {
    expectFinding(single({ channels: [{ name: "Y", type: 7 }] }), { code: "EXR_INVALID_CHANNEL_TYPE" });
    expectFinding(single({ channels: [{ name: "Y", type: "half", xSampling: 0 }] }), {
      code: "EXR_INVALID_SAMPLING",
    });
    expectFinding(single({ channels: [{ name: "Y", type: "half", xSampling: 3 }] }), {
      code: "EXR_INVALID_SAMPLING",
    });
    expectFinding(
      single({ dataWindow: box(1, 0, 8, 3), channels: [{ name: "Y", type: "half", xSampling: 2 }] }),
      {
        code: "EXR_INVALID_SAMPLING",
      },
    );
  });

  it("duplicate and unsorted channels", () => {
    const entry = (name: string) => b().str(name, true).i32(1).u8(0, 0, 0, 0).i32(1, 1);
    const raw = b().raw(entry("R").build()).raw(entry("G").build()).raw(entry("G").build()).u8(0).build();
    const f = single({ attributes: [{ name: "channels", type: "chlist", raw }] });
    expectFinding(f, { code: "EXR_DUPLICATE_CHANNEL" });
    expectFinding(f, { code: "EXR_CHANNELS_NOT_SORTED", severity: "warning" });
  });

  it("pixel aspect ratio and screen window width", () => {
    expectFinding(single({ pixelAspectRatio: 0 }), { code: "EXR_INVALID_PIXEL_ASPECT_RATIO" });
    expectFinding(single({ pixelAspectRatio: Number.NaN }), { code: "EXR_INVALID_PIXEL_ASPECT_RATIO" });
    expectFinding(single({ screenWindowWidth: -1 }), { code: "EXR_INVALID_SCREEN_WINDOW_WIDTH" });
    expect(single({ screenWindowWidth: -0 })).toEqual([]);
  });

  it("inverted windows", () => {
    expectFinding(
      single({ attributes: [{ name: "displayWindow", type: "box2i", value: box(5, 5, 0, 0) }] }),
      {
        code: "EXR_INVALID_WINDOW",
        attribute: "displayWindow",
      },
    );
  });

  it("tile descriptions", () => {
    const tiled = part({
      type: "tiledimage",
      tiles: { x_size: 4, y_size: 4 },
      attributes: [{ name: "tiles", type: "tiledesc", value: { x_size: 0, y_size: 4, level_mode: 5 } }],
    });
    expectFinding(findingsOf({ parts: [tiled] }), {
      code: "EXR_INVALID_TILE_DESCRIPTION",
      attribute: "tiles",
    });
  });

  it("type attribute contradicting the version flags", () => {
    const f = single({
      writeTypeAttributes: true,
      attributes: [{ name: "type", type: "string", value: "tiledimage" }],
    });
    expectFinding(f, { code: "EXR_TYPE_FLAG_MISMATCH", attribute: "type" });
    const unknown = single({
      writeTypeAttributes: true,
      attributes: [{ name: "type", type: "string", value: "flat" }],
    });
    expectFinding(unknown, { code: "EXR_UNKNOWN_PART_TYPE" });
  });

  it("stored vs computed chunk count", () => {
    const f = findingsOf({
      parts: [
        part({ name: "a" }),
        part({ name: "b", attributes: [{ name: "chunkCount", type: "int", value: 3 }] }),
      ],
    });
    expectFinding(f, { code: "EXR_CHUNK_COUNT_MISMATCH", part_index: 1, attribute: "chunkCount" });
  });

  it("attributes shared by all parts", () => {
    const f = findingsOf({
      parts: [
        part({ name: "a" }),
        part({
          name: "b",
          displayWindow: box(0, 0, 9, 9),
          attributes: [{ name: "timeCode", type: "timecode", value: { time_and_flags: 1, user_data: 0 } }],
        }),
      ],
    });
    expectFinding(f, { code: "EXR_SHARED_ATTRIBUTE_MISMATCH", part_index: 1, attribute: "displayWindow" });
    expectFinding(f, { code: "EXR_SHARED_ATTRIBUTE_MISMATCH", part_index: 1, attribute: "timeCode" });
  });

  it("duplicate part names", () => {
    expectFinding(findingsOf({ parts: [part({ name: "x" }), part({ name: "x" })] }), {
      code: "EXR_DUPLICATE_PART_NAME",
      part_index: 1,
    });
  });

  it("deep parts need a version attribute, and version 1", () => {
    const deep = (extra: Partial<PartSpec>) =>
      findingsOf({ parts: [part({ type: "deepscanline", ...extra })] });
    expect(deep({}).filter((f) => f.severity !== "info")).toEqual([]);
    expectFinding(deep({ omit: ["version"] }), {
      code: "EXR_MISSING_REQUIRED_ATTRIBUTE",
      attribute: "version",
    });
    expectFinding(deep({ attributes: [{ name: "version", type: "int", value: 2 }] }), {
      code: "EXR_UNKNOWN_PART_VERSION",
      severity: "warning",
    });
  });

  it("deep parts with a compression deep data cannot use", () => {
    const deep = part({ type: "deepscanline", compression: "piz", sampleCount: () => 1 });
    expectFinding(findingsOf({ parts: [deep] }), { code: "EXR_DEEP_COMPRESSION_UNSUPPORTED" });
  });

  it("tiled bit together with the multipart bit", () => {
    const f = findingsOf({
      parts: [part({ name: "a" }), part({ name: "b" })],
      versionField: 2 | 0x1000 | 0x200,
    });
    expectFinding(f, { code: "EXR_INVALID_FLAG_COMBINATION" });
  });

  it("status: error beats warning beats ok", () => {
    const warn = inspectBytes(
      writeExr({
        parts: [part({ attributes: [{ name: "note", type: "string", value: Uint8Array.of(0xff) }] })],
      }),
    );
    expect(warn.validation.status).toBe("warning");
    const err = inspectBytes(writeExr({ parts: [part({ pixelAspectRatio: -1 })] }));
    expect(err.validation.status).toBe("error");
  });
});
