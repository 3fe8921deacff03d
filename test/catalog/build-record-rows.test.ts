import { beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { channelFingerprint } from "../../src/catalog/embeddings/channel-fingerprint.js";
import { metadataEmbedding } from "../../src/catalog/embeddings/metadata-embedding.js";
import { catalogHeaderHash, fileIdFor } from "../../src/catalog/identity.js";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import type { InspectionResult } from "../../src/core/model.js";
import type { AttributeSpec, PartSpec } from "../../src/core/write/spec.js";
import { writeExr } from "../../src/core/write/write-exr.js";

// Every column of every catalog row of a real (written, then inspected) file, asserted once: the file row, a
// part row per part (with the per-part and file-level colour space / renderer fallbacks, multi-view, tiling),
// a channel row per distinct channel (fingerprint on the first only), an attribute row per attribute.

const NOW = new Date("2026-03-04T05:06:07Z");
const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});
const str = (name: string, value: string): AttributeSpec => ({ name, type: "string", value });
const part = (extra: Partial<PartSpec>): PartSpec => ({
  type: "scanlineimage",
  dataWindow: box(0, 0, 7, 3),
  displayWindow: box(0, 0, 31, 15),
  channels: [
    { name: "G", type: "half" },
    { name: "R", type: "float" },
  ],
  ...extra,
});

function inspectAt(path: string, spec: Parameters<typeof writeExr>[0]): InspectionResult {
  const r = inspectBytes(writeExr(spec));
  return { ...r, file: { ...r.file, path, mtime: "2026-01-02T03:04:05.000Z", frame_number: 42 } };
}

describe("buildRecord: every column", () => {
  // Built in beforeAll, not while the tests are collected: mutation testing switches a mutant on per test run.
  let result: InspectionResult;
  let rec: ReturnType<typeof buildRecord>;
  let headerHash: string;
  let fileId: string;
  beforeAll(() => {
    result = inspectAt("/shots/sh010/beauty.0042.exr", {
      parts: [
        part({
          name: "left",
          type: "tiledimage",
          tiles: { x_size: 16, y_size: 8, level_mode: "MIPMAP_LEVELS" },
          dataWindow: box(0, 0, 31, 15),
          attributes: [str("view", "left"), str("colorSpace", " ACEScg "), str("software", "Arnold 7.2")],
        }),
        part({ name: "right", attributes: [str("view", "right")] }),
        part({
          name: "extra",
          compression: "zips",
          channels: [{ name: "Z", type: "float", xSampling: 2, ySampling: 2 }],
          attributes: [str("software", "Blender 4.1"), str("oiio:ColorSpace", "lin_rec709")],
        }),
      ],
    });
    rec = buildRecord(result, { now: NOW });
    headerHash = catalogHeaderHash(result);
    fileId = fileIdFor("/shots/sh010/beauty.0042.exr", headerHash);
  });

  it("the file row", () => {
    expect(rec.file).toEqual({
      file_id: fileId,
      file_path: "/shots/sh010/beauty.0042.exr",
      file_path_normalized: "/shots/sh010/beauty.0042.exr",
      header_hash: headerHash,
      size_bytes: result.file.size_bytes,
      mtime: new Date("2026-01-02T03:04:05.000Z"),
      multipart_count: 3,
      is_deep: false,
      metadata_embedding: metadataEmbedding(result, { renderSoftware: "Arnold", colorSpace: "ACEScg" }),
      inspection_timestamp: NOW,
      inspection_count: 1,
      last_inspected: NOW,
      frame_number: 42,
      is_complete: true,
      validation_status: "ok",
      header_bytes: result.file.header_bytes,
      error_codes: null,
      error_message: null,
      // Local files have no ETag (objects read over S3 or HTTP(S) do).
      etag: null,
    });
    expect(result.validation.findings).toEqual([]);
    expect(headerHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a part row per part: tiling, views, and the colour space / renderer of the part, else of the file", () => {
    const p = result.parts;
    const common = (i: number) => ({
      file_id: fileId,
      file_path: "/shots/sh010/beauty.0042.exr",
      part_index: i,
      pixel_aspect_ratio: 1,
      line_order: "INCREASING_Y",
      is_deep: false,
      data_offset_min: p[i]!.data_offset_min,
      data_offset_max: p[i]!.data_offset_max,
    });
    expect(rec.parts).toEqual([
      {
        ...common(0),
        part_name: "left",
        view_name: "left",
        multi_view: true,
        data_window: '{"min":[0,0],"max":[31,15]}',
        display_window: '{"min":[0,0],"max":[31,15]}',
        compression: "none",
        is_tiled: true,
        tile_width: 16,
        tile_height: 8,
        tile_depth: 1,
        part_type: "tiledimage",
        width: 32,
        height: 16,
        display_width: 32,
        display_height: 16,
        chunk_count: p[0]!.chunk_count,
        level_mode: "MIPMAP_LEVELS",
        color_space: "ACEScg",
        render_software: "Arnold",
      },
      {
        ...common(1),
        part_name: "right",
        view_name: "right",
        multi_view: true,
        data_window: '{"min":[0,0],"max":[7,3]}',
        display_window: '{"min":[0,0],"max":[31,15]}',
        compression: "none",
        is_tiled: false,
        tile_width: null,
        tile_height: null,
        tile_depth: null,
        part_type: "scanlineimage",
        width: 8,
        height: 4,
        display_width: 32,
        display_height: 16,
        chunk_count: 4,
        level_mode: null,
        // nothing stated in this part: the file's (its first part's)
        color_space: "ACEScg",
        render_software: "Arnold",
      },
      {
        ...common(2),
        part_name: "extra",
        view_name: null,
        multi_view: false,
        data_window: '{"min":[0,0],"max":[7,3]}',
        display_window: '{"min":[0,0],"max":[31,15]}',
        compression: "zips",
        is_tiled: false,
        tile_width: null,
        tile_height: null,
        tile_depth: null,
        part_type: "scanlineimage",
        width: 8,
        height: 4,
        display_width: 32,
        display_height: 16,
        chunk_count: 4,
        level_mode: null,
        color_space: "lin_rec709",
        render_software: "Cycles",
      },
    ]);
    expect(p[0]!.chunk_count).toBeGreaterThan(2); // the mip levels' tiles
  });

  it("a channel row per channel, sorted by part then name, the fingerprint on the first only", () => {
    const row = (part_index: number, name: string, type: string, sampling: number) => ({
      file_id: fileId,
      file_path: "/shots/sh010/beauty.0042.exr",
      part_index,
      channel_name: name,
      channel_type: type,
      x_sampling: sampling,
      y_sampling: sampling,
      channel_fingerprint: null,
      layer_name: null,
      component_name: name,
      p_linear: false,
    });
    expect(rec.channels).toEqual([
      { ...row(0, "G", "half", 1), channel_fingerprint: channelFingerprint(result) },
      row(0, "R", "float", 1),
      row(1, "G", "half", 1),
      row(1, "R", "float", 1),
      row(2, "Z", "float", 2),
    ]);
  });

  it("an attribute row per attribute, in stored order per part, with typed projections", () => {
    expect(rec.attributes).toHaveLength(result.parts.reduce((n, p) => n + p.attributes.length, 0));
    for (const p of result.parts) {
      const rows = rec.attributes.filter((a) => a.part_index === p.part_index);
      expect(rows.map((a) => [a.attribute_index, a.attribute_name, a.attribute_type])).toEqual(
        p.attributes.map((a, i) => [i, a.name, a.type]),
      );
    }
    const find = (part: number, name: string) =>
      rec.attributes.find((a) => a.part_index === part && a.attribute_name === name);
    expect(find(0, "software")).toEqual({
      file_id: fileId,
      file_path: "/shots/sh010/beauty.0042.exr",
      part_index: 0,
      attribute_name: "software",
      attribute_type: "string",
      attribute_value: '"Arnold 7.2"',
      attribute_index: result.parts[0]!.attributes.findIndex((a) => a.name === "software"),
      value_number: null,
      value_text: "Arnold 7.2",
    });
    expect(find(2, "pixelAspectRatio")).toMatchObject({
      attribute_value: "1",
      value_number: 1,
      value_text: null,
    });
    expect(find(1, "dataWindow")).toMatchObject({
      attribute_value: '{"min":[0,0],"max":[7,3]}',
      value_number: null,
      value_text: null,
    });
  });
});

describe("buildRecord: status columns and damaged files", () => {
  it("warnings make the status but never error_codes or error_message", () => {
    const r = inspectAt("/w.exr", {
      parts: [part({ attributes: [{ name: "note", type: "string", value: Uint8Array.of(0xff) }] })],
    });
    expect(r.validation.status).toBe("warning");
    const rec = buildRecord(r, { now: NOW });
    expect(rec.file.validation_status).toBe("warning");
    expect(rec.file.error_codes).toBeNull();
    expect(rec.file.error_message).toBeNull();
  });

  it("errors: each code once, in order of first occurrence; the message of the first error", () => {
    const r = inspectAt("/e.exr", {
      parts: [
        part({
          name: "a",
          attributes: [{ name: "note", type: "string", value: Uint8Array.of(0xff) }],
          pixelAspectRatio: -1,
        }),
        part({ name: "a", pixelAspectRatio: -1 }),
      ],
    });
    const errors = r.validation.findings.filter((f) => f.severity === "error");
    const rec = buildRecord(r, { now: NOW });
    expect(rec.file.validation_status).toBe("error");
    expect(rec.file.error_codes).toEqual([...new Set(errors.map((f) => f.code))]);
    expect(rec.file.error_codes).toContain("EXR_DUPLICATE_PART_NAME");
    expect(rec.file.error_codes!.filter((c) => c === "EXR_INVALID_PIXEL_ASPECT_RATIO")).toHaveLength(1);
    expect(rec.file.error_codes).not.toContain("EXR_INVALID_UTF8");
    expect(rec.file.error_message).toBe(errors[0]!.message);
  });

  it("duplicate channel names keep one row, the first; a file with no channels has no fingerprint", () => {
    const r = inspectAt("/d.exr", { parts: [part({})] });
    const doubled: InspectionResult = {
      ...r,
      channels: [...r.channels, { ...r.channels[1]!, type: "uint" }, ...r.channels],
    };
    const rec = buildRecord(doubled, { now: NOW });
    expect(rec.channels.map((c) => [c.channel_name, c.channel_type])).toEqual([
      ["G", "half"],
      ["R", "float"],
    ]);
    const none = buildRecord({ ...r, channels: [] }, { now: NOW });
    expect(none.channels).toEqual([]);
  });

  it("an unreadable file: no parts, no embedding, no mtime, a relative path resolved against cwd", () => {
    const r = inspectBytes(Uint8Array.of(1, 2, 3));
    const rec = buildRecord(
      { ...r, file: { ...r.file, path: "x/../bad.exr", mtime: "not a date" } },
      {
        now: NOW,
        cwd: "/base",
      },
    );
    expect(rec.file.file_path).toBe("x/../bad.exr");
    expect(rec.file.file_path_normalized).toBe("/base/bad.exr");
    expect(rec.file.mtime).toBeNull();
    expect(rec.file.metadata_embedding).toBeNull();
    expect(rec.file.error_codes).toEqual(["EXR_FILE_TOO_SMALL"]);
    expect(rec.parts).toEqual([]);
    const noTime = buildRecord({ ...r, file: { ...r.file, mtime: null } }, { now: NOW });
    expect(noTime.file.mtime).toBeNull();
  });

  it("the inspection time defaults to now", () => {
    const before = Date.now();
    const rec = buildRecord(inspectAt("/n.exr", { parts: [part({})] }));
    expect(rec.file.inspection_timestamp.getTime()).toBeGreaterThanOrEqual(before);
    expect(rec.file.last_inspected).toBe(rec.file.inspection_timestamp);
  });
});
