import { describe, expect, it } from "vitest";
import { typedValue } from "../../src/catalog/attribute-values.js";
import { buildRecord } from "../../src/catalog/build-record.js";
import { chromaticitiesToPrimaries, detectColorSpace, namePrimaries } from "../../src/catalog/color-space.js";
import { cosineSimilarity } from "../../src/catalog/embeddings/feature-hashing.js";
import { payloadHashEmbedding } from "../../src/catalog/embeddings/payload-hash-embedding.js";
import { fileIdFor } from "../../src/catalog/identity.js";
import { normalizePath } from "../../src/catalog/normalize-path.js";
import { detectRenderSoftware } from "../../src/catalog/render-software.js";
import { fixture } from "./fixtures.js";

const attr = (name: string, type: string, value: unknown) =>
  ({ name, type, size: 0, offset: 0, value }) as Parameters<typeof detectRenderSoftware>[0][number];

describe("normalizePath", () => {
  it("resolves . .. and duplicate slashes against cwd, never lower-cases", () => {
    expect(normalizePath("/a//b/./c/../D.exr")).toBe("/a/b/D.exr");
    expect(normalizePath("x/../Y.exr", "/base/dir")).toBe("/base/dir/Y.exr");
    expect(normalizePath("/A.exr")).not.toBe(normalizePath("/a.exr"));
  });
  it("applies Unicode NFC", () => {
    expect(normalizePath("/r/Cafe\u0301.exr")).toBe("/r/Caf\u00e9.exr");
  });
  it("keeps S3 keys literal, lower-cases scheme and bucket", () => {
    expect(normalizePath("S3://Bucket/Shots//A.exr")).toBe("s3://bucket/Shots//A.exr");
    expect(normalizePath("memory:test")).toBe("memory:test");
  });
});

describe("identity", () => {
  it("file_id is a deterministic sha256 of path and header hash", () => {
    const id = fileIdFor("/a.exr", "ff".repeat(32));
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(fileIdFor("/a.exr", "ff".repeat(32))).toBe(id);
    expect(fileIdFor("/b.exr", "ff".repeat(32))).not.toBe(id);
  });
  it("a file without a header hash gets a surrogate that changes with size", () => {
    const a = buildRecord(fixture({ path: "/x.exr", headerHash: null, errorCodes: ["EXR_BAD_MAGIC"] }));
    const b = buildRecord(fixture({ path: "/x.exr", headerHash: null, errorCodes: ["EXR_BAD_MAGIC"] }));
    const c = buildRecord(
      fixture({ path: "/x.exr", headerHash: null, errorCodes: ["EXR_BAD_MAGIC"], sizeBytes: 7 }),
    );
    expect(a.file.header_hash).toBe(b.file.header_hash);
    expect(c.file.header_hash).not.toBe(a.file.header_hash);
    expect(a.file.error_codes).toEqual(["EXR_BAD_MAGIC"]);
    expect(a.file.metadata_embedding).toBeNull();
  });
});

describe("colour space and renderer detection", () => {
  it("names known primaries in every chromaticities encoding", () => {
    const ap1 = [0.713, 0.293, 0.165, 0.83, 0.128, 0.044, 0.32168, 0.33767];
    expect(namePrimaries(chromaticitiesToPrimaries(ap1)!)).toBe("ACEScg (AP1)");
    const rec709 = {
      red: [0.64, 0.33],
      green: [0.3, 0.6],
      blue: [0.15, 0.06],
      white: [0.3127, 0.329],
    };
    expect(detectColorSpace([attr("chromaticities", "chromaticities", rec709)])).toBe("Rec.709");
    expect(
      detectColorSpace([
        attr("chromaticities", "chromaticities", [
          [0.1, 0.1],
          [0.2, 0.2],
          [0.3, 0.3],
          [0.3, 0.3],
        ]),
      ]),
    ).toBe("custom");
    expect(detectColorSpace([attr("colorSpace", "string", "ACES - ACEScg")])).toBe("ACES - ACEScg");
    expect(detectColorSpace([])).toBeNull();
  });
  it("finds the renderer from software or renderer-specific attributes", () => {
    expect(detectRenderSoftware([attr("software", "string", "Arnold 7.2.1.1")])).toBe("Arnold");
    expect(detectRenderSoftware([attr("software", "string", "V-Ray 6.1")])).toBe("V-Ray");
    expect(detectRenderSoftware([attr("vrayInfo/camera", "string", "cam")])).toBe("V-Ray");
    expect(detectRenderSoftware([attr("rman/version", "string", "25")])).toBe("RenderMan");
    expect(detectRenderSoftware([attr("software", "string", "Houdini 20 Karma XPU")])).toBe("Karma");
    expect(detectRenderSoftware([attr("software", "string", "Blender 4.1 Cycles")])).toBe("Cycles");
    expect(detectRenderSoftware([attr("software", "string", "MyTool 1.0")])).toBe("MyTool 1.0");
    expect(detectRenderSoftware([])).toBeNull();
  });
});

describe("typed attribute values", () => {
  it("projects numbers, non-finite floats and strings", () => {
    expect(typedValue(attr("a", "float", 1.5))).toEqual({ value_number: 1.5, value_text: null });
    expect(typedValue(attr("a", "float", "Infinity")).value_number).toBe(Number.POSITIVE_INFINITY);
    expect(typedValue(attr("s", "string", "NaN"))).toEqual({ value_number: null, value_text: "NaN" });
    expect(typedValue(attr("b", "box2i", { min: [0, 0], max: [1, 1] }))).toEqual({
      value_number: null,
      value_text: null,
    });
  });
});

describe("buildRecord", () => {
  it("builds all rows deterministically with derived columns", () => {
    const r = buildRecord(fixture({ path: "/r//shot/./a.exr", parts: 2 }), { now: new Date(0) });
    expect(r).toEqual(buildRecord(fixture({ path: "/r//shot/./a.exr", parts: 2 }), { now: new Date(0) }));
    expect(r.file.file_path_normalized).toBe("/r/shot/a.exr");
    expect(r.parts).toHaveLength(2);
    expect(r.parts[0]?.render_software).toBe("Arnold");
    expect(r.parts[0]?.color_space).toBe("ACEScg (AP1)");
    expect(r.attributes.filter((a) => a.part_index === 1).map((a) => a.attribute_index)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(r.channels.filter((c) => c.channel_fingerprint !== null)).toHaveLength(1);
    const e = r.file.metadata_embedding!;
    expect(e).toHaveLength(384);
    expect(Math.hypot(...e)).toBeCloseTo(1, 5);
    expect(r.channels[0]?.channel_fingerprint).toHaveLength(128);
  });

  it("metadata embeddings are similarity-preserving, unlike the payload hash", () => {
    const emb = (o: Parameters<typeof fixture>[0]) => buildRecord(fixture(o)).file.metadata_embedding!;
    const a = emb({ path: "/a/beauty.1001.exr", width: 1920, height: 1080 });
    const sameKind = emb({ path: "/b/beauty.1001.exr", width: 2048, height: 1152 });
    const other = emb({ path: "/c/crypto.1001.exr", pass: "cryptomatte", renderer: "vray" });
    expect(cosineSimilarity(a, sameKind)).toBeGreaterThan(0.8);
    expect(cosineSimilarity(a, other)).toBeLessThan(cosineSimilarity(a, sameKind) - 0.3);
    const pa = payloadHashEmbedding(fixture({ path: "/a/beauty.1001.exr" }), 384);
    const pb = payloadHashEmbedding(fixture({ path: "/b/beauty.1001.exr" }), 384);
    expect(pa).toHaveLength(384);
    expect(Math.hypot(...pa)).toBeCloseTo(1, 5);
    expect(Math.abs(cosineSimilarity(pa, pb))).toBeLessThan(0.3);
  });
});
