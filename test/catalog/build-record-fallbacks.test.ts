import { describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { channelFingerprint } from "../../src/catalog/embeddings/channel-fingerprint.js";
import type { AttributeRecord, ChannelRecord } from "../../src/core/model.js";
import { fixture } from "./fixtures.js";

// buildRecord's rules for inputs a written file rarely shows: the file-level fallback taken from a later part,
// multi-view from the multiView attribute alone, channels listed out of order across parts, a header without
// channels, and an mtime that does not parse.

const NOW = new Date(0);
const without = (attrs: AttributeRecord[], ...names: string[]) =>
  attrs.filter((a) => !names.includes(a.name));

describe("buildRecord fallbacks", () => {
  it("a part without a colour space or renderer takes the first part's that has one, even a later part", () => {
    const result = fixture({ path: "/f.exr", parts: 3 });
    const [p0, p1, p2] = result.parts;
    p0!.attributes = without(p0!.attributes, "chromaticities", "software", "arnold/version");
    p1!.attributes = [
      ...without(p1!.attributes, "chromaticities", "software", "arnold/version"),
      { name: "colorSpace", type: "string", size: 6, offset: 500, value: "ACEScg" },
      { name: "software", type: "string", size: 6, offset: 520, value: "V-Ray 6" },
    ];
    const rows = buildRecord(result, { now: NOW }).parts;
    expect(rows.map((r) => [r.color_space, r.render_software])).toEqual([
      [rows[1]!.color_space, rows[1]!.render_software],
      [rows[1]!.color_space, rows[1]!.render_software],
      [rows[2]!.color_space, rows[2]!.render_software],
    ]);
    expect(rows[1]!.color_space).not.toBeNull();
    expect(rows[1]!.render_software).not.toBeNull();
    expect(rows[2]!.color_space).not.toBe(rows[1]!.color_space);
    expect(rows[2]!.render_software).not.toBe(rows[1]!.render_software);
    p2!.attributes = without(p2!.attributes, "chromaticities", "software", "arnold/version");
    p1!.attributes = without(p1!.attributes, "colorSpace", "software");
    expect(buildRecord(result, { now: NOW }).parts.map((r) => [r.color_space, r.render_software])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it("multi_view: a view name, or a multiView attribute alone; neither is single-view", () => {
    const result = fixture({ path: "/v.exr", parts: 3 });
    result.parts[0]!.view_name = "left";
    result.parts[1]!.attributes.push({
      name: "multiView",
      type: "stringvector",
      size: 12,
      offset: 600,
      value: ["left", "right"],
    });
    expect(buildRecord(result, { now: NOW }).parts.map((p) => p.multi_view)).toEqual([true, true, false]);
  });

  it("channel rows sorted by part, then name, whatever order the reader listed them in", () => {
    const result = fixture({ path: "/c.exr", parts: 2, pass: "depth" });
    const ch = (part_index: number, name: string): ChannelRecord => ({
      part_index,
      name,
      layer_name: null,
      component_name: name,
      type: "float",
      x_sampling: 1,
      y_sampling: 1,
      p_linear: false,
    });
    result.channels = [ch(1, "B"), ch(0, "Z"), ch(1, "A"), ch(0, "A"), ch(0, "M"), ch(1, "C")];
    const rows = buildRecord(result, { now: NOW }).channels;
    expect(rows.map((r) => `${r.part_index}${r.channel_name}`)).toEqual(["0A", "0M", "0Z", "1A", "1B", "1C"]);
    expect(rows[0]!.channel_fingerprint).toEqual(channelFingerprint(result));
    expect(rows.slice(1).every((r) => r.channel_fingerprint === null)).toBe(true);
  });

  it("a header with parts but no channels still has its metadata embedding; an unparsable mtime is null", () => {
    const result = fixture({ path: "/n.exr", mtime: "not a time" });
    result.channels = [];
    const rec = buildRecord(result, { now: NOW });
    expect(rec.file.metadata_embedding).toBeInstanceOf(Float32Array);
    expect(rec.channels).toEqual([]);
    expect(rec.file.mtime).toBeNull();
    expect(buildRecord(fixture({ path: "/m.exr", mtime: "" }), { now: NOW }).file.mtime).toBeNull();
    expect(buildRecord(fixture({ path: "/m.exr", mtime: null }), { now: NOW }).file.mtime).toBeNull();
    expect(buildRecord(fixture({ path: "/m.exr" }), { now: NOW }).file.mtime).toEqual(
      new Date("2026-01-02T03:04:05.678Z"),
    );
  });
});
