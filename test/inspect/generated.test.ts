import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { sampleFiles } from "../../src/core/write/sample-files.js";
import { writeExr } from "../../src/core/write/write-exr.js";
import { inspect } from "../../src/inspect/inspect.js";
import { BufferSource } from "../../src/io/buffer-source.js";
import { CountingSource } from "./helpers.js";

const samples = sampleFiles((d) => deflateSync(d));
const byName = new Map(samples.map((s) => [s.name, s.bytes]));
const run = (name: string, bytes = byName.get(name)!) => inspect(new BufferSource(bytes, `memory:${name}`));
const errors = (r: Awaited<ReturnType<typeof run>>) =>
  r.validation.findings.filter((f) => f.severity === "error");

describe("generated sample files", () => {
  it.each(samples.map((s) => [s.name]))("%s is valid and complete", async (name) => {
    const r = await run(name);
    expect(errors(r)).toEqual([]);
    expect(r.file.is_complete).toBe(true);
    for (const p of r.parts) {
      expect(p.chunk_count_stored ?? p.chunk_count).toBe(p.chunk_count);
      expect(p.chunks_present).toBe(p.chunk_count);
    }
  });

  it("rip-maps: levels in both directions with per-level tiles", async () => {
    const r = await run("tiled_ripmap_down.exr");
    const t = r.parts[0]!.tiling!;
    // data window 37 x 21, tiles 8 x 16, ROUND_DOWN: x levels 37,18,9,4,2,1 and y levels 21,10,5,2,1
    expect([t.num_x_levels, t.num_y_levels]).toEqual([6, 5]);
    expect(t.levels).toHaveLength(30);
    expect(t.levels[0]).toEqual({ level_x: 0, level_y: 0, width: 37, height: 21, tiles_x: 5, tiles_y: 2 });
    expect(t.levels[1]).toMatchObject({ level_x: 1, level_y: 0, width: 18, height: 21 });
    expect(t.levels[29]).toMatchObject({
      level_x: 5,
      level_y: 4,
      width: 1,
      height: 1,
      tiles_x: 1,
      tiles_y: 1,
    });
    const tiles = t.levels.reduce((n, l) => n + l.tiles_x * l.tiles_y, 0);
    expect(r.parts[0]!.chunk_count).toBe(tiles);
  });

  it("mip-map rounding changes the level count", async () => {
    const down = (await run("tiled_mipmap_down.exr")).parts[0]!.tiling!;
    const up = (await run("tiled_mipmap_up.exr")).parts[0]!.tiling!;
    expect(down.num_x_levels).toBe(6); // floor(log2(37)) + 1
    expect(up.num_x_levels).toBe(7); // ceil(log2(37)) + 1
    expect(up.levels.map((l) => l.width)).toEqual([37, 19, 10, 5, 3, 2, 1]);
  });

  it("deep tiled and deep scanline parts", async () => {
    const r = await run("multipart_mixed.exr");
    expect(r.parts.map((p) => [p.part_name, p.type, p.is_deep, p.is_tiled])).toEqual([
      ["beauty", "scanlineimage", false, false],
      ["depth", "tiledimage", false, true],
      ["deep", "deepscanline", true, false],
      ["deepTiles", "deeptile", true, true],
    ]);
    expect(r.parts[0]!.view_name).toBe("left");
    expect(r.file.is_deep).toBe(true);
    expect(r.file.multipart_count).toBe(4);
    expect(r.file.flags).toMatchObject({ multipart: true, non_image: true, tiled: false });
  });

  it("channel types, sampling, pLinear and layers", async () => {
    const r = await run("scanline_channel_types.exr");
    const ch = Object.fromEntries(r.channels.map((c) => [c.name, c]));
    expect(ch["diffuse.G"]).toMatchObject({
      layer_name: "diffuse",
      component_name: "G",
      type: "float",
      p_linear: true,
    });
    expect(ch.objectId).toMatchObject({ layer_name: null, component_name: "objectId", type: "uint" });
    expect(ch.RY).toMatchObject({ x_sampling: 2, y_sampling: 2 });
    expect(r.parts[0]).toMatchObject({
      width: 16,
      height: 12,
      display_width: 10,
      line_order: "DECREASING_Y",
    });
  });

  it("HTJ2K compression: name and 32-line chunks", async () => {
    const r = await run("htj2k_header.exr");
    expect(r.parts[0]).toMatchObject({ compression: "htj2k32", chunk_count: 1 });
  });

  it("a multi-MB header is read by growing the first read, within the cap", async () => {
    const bytes = byName.get("huge_header.exr")!;
    const src = new CountingSource(new BufferSource(bytes, "memory:huge"));
    const r = await inspect(src);
    expect(r.file.header_bytes).toBeGreaterThan(256 * 1024);
    expect(errors(r)).toEqual([]);
    expect(src.reads[0]!.length).toBe(64 * 1024);
    expect(r.file.bytes_read).toBe(src.bytesRead);
    expect(src.bytesRead).toBeLessThanOrEqual(bytes.length);
    const capped = await inspect(new BufferSource(bytes), { maxHeaderBytes: 1024 * 1024 });
    expect(capped.validation.findings.map((f) => f.code)).toContain("EXR_HEADER_TOO_LARGE");
    expect(capped.file.is_complete).toBe(false);
  });

  it("a small file is inspected with a single read", async () => {
    const src = new CountingSource(new BufferSource(byName.get("scanline_rgb_none.exr")!));
    const r = await inspect(src);
    expect(src.reads).toHaveLength(1);
    expect(r.file.bytes_read).toBe(r.file.size_bytes);
  });

  it("header_hash covers exactly magic through the header terminator and is stable", async () => {
    const bytes = byName.get("multipart_mixed.exr")!;
    const a = await run("multipart_mixed.exr");
    const { createHash } = await import("node:crypto");
    expect(a.file.header_hash).toBe(
      createHash("sha256").update(bytes.subarray(0, a.file.header_bytes!)).digest("hex"),
    );
    const b = await run("multipart_mixed.exr");
    expect(b.file.header_hash).toBe(a.file.header_hash);
    expect(bytes[a.file.header_bytes! - 1]).toBe(0);
    expect(a.parts[0]!.offset_table_offset).toBe(a.file.header_bytes);
  });

  it("hashes: false leaves header_hash null, previews without a hash, and changes nothing else", async () => {
    const bytes = byName.get("every_attribute_type.exr")!;
    const hashed = await inspect(new BufferSource(bytes));
    const unhashed = await inspect(new BufferSource(bytes), { hashes: false });
    expect(hashed.file.header_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(unhashed.file.header_hash).toBeNull();
    const preview = (r: typeof hashed) => r.parts[0]!.attributes.find((a) => a.name === "aPreview")!;
    expect(preview(hashed).value).toEqual({
      width: 3,
      height: 2,
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(preview(unhashed).value).toEqual({ width: 3, height: 2 });
    const restored = structuredClone(unhashed);
    restored.file.header_hash = hashed.file.header_hash;
    preview(restored).value = preview(hashed).value;
    expect(restored).toEqual(hashed);
  });

  it("attributes are listed in stored order with sizes and offsets", async () => {
    const bytes = byName.get("every_attribute_type.exr")!;
    const r = await run("every_attribute_type.exr");
    const attrs = r.parts[0]!.attributes;
    for (let i = 1; i < attrs.length; i++) expect(attrs[i]!.offset).toBeGreaterThan(attrs[i - 1]!.offset);
    for (const a of attrs) {
      const name = new TextDecoder().decode(bytes.subarray(a.offset, a.offset + a.name.length));
      expect(name).toBe(a.name);
    }
    const types = new Set(attrs.map((a) => a.type));
    for (const t of [
      "box2f",
      "bytes",
      "deepImageState",
      "m44d",
      "preview",
      "stringvector",
      "timecode",
      "v3d",
    ]) {
      expect(types).toContain(t);
    }
  });

  it.each(["DECREASING_Y", "RANDOM_Y"] as const)(
    "%s line order: tables stay in canonical order",
    async (lineOrder) => {
      for (const type of ["scanlineimage", "tiledimage"] as const) {
        const bytes = writeExr({
          parts: [
            {
              type,
              lineOrder,
              dataWindow: { min: [-3, 2], max: [20, 17] },
              channels: [{ name: "Y", type: "half" }],
              ...(type === "tiledimage"
                ? { tiles: { x_size: 4, y_size: 8, level_mode: "RIPMAP_LEVELS" as const } }
                : {}),
            },
          ],
        });
        const r = await inspect(new BufferSource(bytes));
        expect(errors(r), `${type} ${lineOrder}`).toEqual([]);
        expect(r.file.is_complete).toBe(true);
      }
    },
  );

  it("uncompressed chunk with a wrong data size is reported", async () => {
    const bytes = writeExr({
      parts: [
        {
          type: "scanlineimage",
          dataWindow: { min: [0, 0], max: [3, 1] },
          channels: [{ name: "R", type: "half" }],
          chunkData: () => new Uint8Array(3),
        },
      ],
    });
    const r = await inspect(new BufferSource(bytes));
    expect(r.validation.findings).toContainEqual(
      expect.objectContaining({ code: "EXR_CHUNK_HEADER_INVALID", part_index: 0, chunk_index: 1 }),
    );
  });
});
