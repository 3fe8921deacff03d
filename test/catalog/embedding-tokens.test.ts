/**
 * The tokens behind the catalog's embeddings, exactly: canonical names, resolution and aspect buckets, structure
 * tokens, each group of the metadata embedding with its weight (group weight / sqrt(size)), and the properties of
 * the hashed vectors (unit length, zero for nothing, identical for identical tokens, cosine of shared tokens).
 */
import { describe, expect, it } from "vitest";
import {
  addGroup,
  cosineSimilarity,
  featureHash,
  hash32,
  l2Normalize,
  type WeightedToken,
} from "../../src/catalog/embeddings/feature-hashing.js";
import {
  METADATA_EMBEDDING_DIM,
  metadataEmbedding,
  metadataTokens,
} from "../../src/catalog/embeddings/metadata-embedding.js";
import {
  aspectBucket,
  canonicalName,
  resolutionBucket,
  structureTokens,
} from "../../src/catalog/embeddings/tokens.js";
import type { InspectionResult } from "../../src/core/model.js";

/** Width/height pairs with a side missing, zero or negative: no bucket. */
const MISSING_OR_EMPTY_SIDES = [
  [0, 10],
  [10, 0],
  [null, 10],
  [10, null],
  [-4, 4],
  [4, -4],
] as const;

describe("tokens", () => {
  it("canonical names: lower case, hex-like ids of 6+ characters and digit runs become #", () => {
    expect(canonicalName("cryptomatte/8a2f1c3/name")).toBe("cryptomatte/#/name");
    expect(canonicalName("crypto_object00")).toBe("crypto_object#");
    expect(canonicalName("AOV_light_group_02")).toBe("aov_light_group_#");
    expect(canonicalName("DEADBEEF.R")).toBe("#.r");
    expect(canonicalName("abcde.R")).toBe("abcde.r");
    expect(canonicalName("beauty123")).toBe("beauty#");
    expect(canonicalName("x.abcdef12")).toBe("x.#");
  });

  it("resolution buckets: the nearest power of two of each side; none for a missing or empty side", () => {
    expect(resolutionBucket(1920, 1080)).toBe("11x10");
    expect(resolutionBucket(4096, 2160)).toBe("12x11");
    expect(resolutionBucket(1, 1)).toBe("0x0");
    for (const [w, h] of MISSING_OR_EMPTY_SIDES) expect(resolutionBucket(w, h), `${w}x${h}`).toBeNull();
  });

  it("aspect buckets: width / height to one decimal", () => {
    expect(aspectBucket(1920, 1080)).toBe("1.8");
    expect(aspectBucket(1000, 1000)).toBe("1.0");
    expect(aspectBucket(1000, 3000)).toBe("0.3");
    for (const [w, h] of MISSING_OR_EMPTY_SIDES) expect(aspectBucket(w, h), `${w}x${h}`).toBeNull();
  });
});

function result(over: { parts?: object[]; channels?: object[]; deep?: boolean } = {}): InspectionResult {
  return {
    schema_version: "x",
    file: { is_deep: over.deep ?? false } as InspectionResult["file"],
    parts: (over.parts ?? []) as InspectionResult["parts"],
    channels: (over.channels ?? []) as InspectionResult["channels"],
    validation: { status: "ok", findings: [] },
  };
}
const part = (p: object) => ({
  type: null,
  is_tiled: false,
  tiling: null,
  compression: null,
  width: null,
  height: null,
  attributes: [],
  ...p,
});
const ch = (name: string, layer: string | null, type = "half", xs = 1, ys = 1) => ({
  name,
  layer_name: layer,
  type,
  x_sampling: xs,
  y_sampling: ys,
});

describe("structure tokens", () => {
  it("the part count (at most 8), deep, and each part's type, tiling and level mode", () => {
    expect(structureTokens(result())).toEqual(["parts:0"]);
    expect(
      structureTokens(
        result({
          deep: true,
          parts: [
            part({ type: "deeptile", is_tiled: true, tiling: { level_mode: "MIPMAP_LEVELS" } }),
            part({}),
          ],
        }),
      ),
    ).toEqual(["parts:2", "deep", "parttype:deeptile", "tiled", "levelmode:MIPMAP_LEVELS"]);
    expect(structureTokens(result({ parts: Array.from({ length: 9 }, () => part({})) }))).toEqual([
      "parts:8",
    ]);
    expect(structureTokens(result({ parts: Array.from({ length: 8 }, () => part({})) }))).toEqual([
      "parts:8",
    ]);
    expect(structureTokens(result({ parts: Array.from({ length: 7 }, () => part({})) }))).toEqual([
      "parts:7",
    ]);
  });
});

describe("metadata tokens", () => {
  it("every group with its weight, each token once", () => {
    const r = result({
      channels: [
        ch("diffuse.R", "diffuse"),
        ch("diffuse.G", "diffuse"),
        ch("Z", null, "float"),
        ch("BY", null, "half", 2, 2),
      ],
      parts: [
        part({
          type: "scanlineimage",
          compression: "zip",
          width: 1920,
          height: 1080,
          attributes: [
            { name: "owner", type: "string" },
            { name: "cryptomatte/8a2f1c3/name", type: "string" },
          ],
        }),
        part({ compression: "zip", width: 0, height: 0, attributes: [{ name: "owner", type: "string" }] }),
      ],
    });
    const tokens = metadataTokens(r, { renderSoftware: "Arnold", colorSpace: "ACEScg" });
    const w = (group: number, n: number) => group / Math.sqrt(n);
    expect(tokens).toEqual([
      { token: "layer:diffuse", weight: w(3, 2) },
      { token: "layer:<root>", weight: w(3, 2) },
      { token: "channel:diffuse.r", weight: w(2.5, 4) },
      { token: "channel:diffuse.g", weight: w(2.5, 4) },
      { token: "channel:z", weight: w(2.5, 4) },
      { token: "channel:by", weight: w(2.5, 4) },
      { token: "chtype:half", weight: w(0.8, 2) },
      { token: "chtype:float", weight: w(0.8, 2) },
      { token: "sampling:1x1", weight: w(0.4, 2) },
      { token: "sampling:2x2", weight: w(0.4, 2) },
      { token: "renderer:arnold", weight: 2.5 },
      { token: "colorspace:acescg", weight: 0.6 },
      { token: "parts:2", weight: w(1.5, 2) },
      { token: "parttype:scanlineimage", weight: w(1.5, 2) },
      { token: "compression:zip", weight: 0.6 },
      { token: "res:11x10", weight: w(0.5, 2) },
      { token: "aspect:1.8", weight: w(0.5, 2) },
      { token: "attr:owner:string", weight: w(1.5, 2) },
      { token: "attr:cryptomatte/#/name:string", weight: w(1.5, 2) },
    ]);
  });

  it("no renderer, colour space, compression or size: those groups are absent", () => {
    const tokens = metadataTokens(result({ parts: [part({})] }), { renderSoftware: null, colorSpace: null });
    expect(tokens).toEqual([{ token: "parts:1", weight: 1.5 }]);
    expect(metadataTokens(result({ parts: [part({})] }), { renderSoftware: "", colorSpace: "" })).toEqual(
      tokens,
    );
  });
});

describe("hashed vectors", () => {
  it("a group adds its unique tokens with the group's weight spread as 1/sqrt(n); an empty group adds nothing", () => {
    const out: WeightedToken[] = [];
    addGroup(out, ["a", "b", "a", "c", "d"], 2);
    expect(out).toEqual(["a", "b", "c", "d"].map((token) => ({ token, weight: 1 })));
    addGroup(out, [], 5);
    expect(out).toHaveLength(4);
  });

  it("unit length, zero for nothing, the same for the same tokens, independent of order", () => {
    const tokens = [
      { token: "layer:diffuse", weight: 2 },
      { token: "channel:r", weight: 1 },
    ];
    const v = featureHash(tokens, 64);
    expect(v).toHaveLength(64);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    expect([...featureHash([...tokens].reverse(), 64)]).toEqual([...v]);
    expect([...featureHash([], 16)]).toEqual(new Array(16).fill(0));
    expect([...featureHash([{ token: "x", weight: 0 }], 16)]).toEqual(new Array(16).fill(0));
    // one token: a single ±1 entry
    const one = [...featureHash([{ token: "only", weight: 3 }], 32)];
    expect(one.filter((x) => x !== 0).map(Math.abs)).toEqual([1]);
  });

  it("shared tokens make vectors similar, and a token's weight is its share", () => {
    const base = [
      { token: "a", weight: 1 },
      { token: "b", weight: 1 },
      { token: "c", weight: 1 },
    ];
    const dims = 4096;
    const s = cosineSimilarity(
      featureHash(base, dims),
      featureHash([...base.slice(0, 2), { token: "z", weight: 1 }], dims),
    );
    expect(s).toBeCloseTo(2 / 3, 1);
    expect(cosineSimilarity(featureHash(base, dims), featureHash(base, dims))).toBeCloseTo(1, 6);
  });

  it("each token's weight lands at hash32(token) mod dimensions, signed by the low bit of its seeded hash", () => {
    const tokens: WeightedToken[] = [
      { token: "renderer:arnold", weight: 1 },
      { token: "parts:2", weight: 0.5 },
      { token: "channel:diffuse.r", weight: 2 },
      { token: "compression:zip", weight: 0.25 },
      { token: "colorspace:acescg", weight: 1.5 },
    ];
    const dimensions = 16;
    const expected = new Float64Array(dimensions);
    for (const { token, weight } of tokens) {
      expected[hash32(token) % dimensions]! += (hash32(token, 0x9e3779b9) & 1 ? 1 : -1) * weight;
    }
    const norm = Math.hypot(...expected);
    const actual = featureHash(tokens, dimensions);
    expect(actual).toHaveLength(dimensions);
    for (const [i, v] of expected.entries()) expect(actual[i], `dimension ${i}`).toBeCloseTo(v / norm, 6);
    // Both signs occur among these tokens, so a flipped sign bit would show.
    expect(new Set(tokens.map((t) => hash32(t.token, 0x9e3779b9) & 1)).size).toBe(2);
  });

  it("cosine similarity: exact on small vectors, 0 when one is zero", () => {
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBe(-1);
    expect(cosineSimilarity([3, 4], [4, 3])).toBeCloseTo(24 / 25, 12);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(cosineSimilarity([1, 1], [0, 0])).toBe(0);
  });

  it("l2Normalize scales to unit length; the zero vector stays zero", () => {
    expect([...l2Normalize([3, 4])].map((x) => Number(x.toFixed(6)))).toEqual([0.6, 0.8]);
    expect([...l2Normalize([0, 0, 0])]).toEqual([0, 0, 0]);
    expect([...l2Normalize([-2])]).toEqual([-1]);
  });

  it("the metadata embedding is 384 numbers of unit length", () => {
    const v = metadataEmbedding(result({ parts: [part({ compression: "piz" })] }), {
      renderSoftware: "Karma",
      colorSpace: null,
    });
    expect(METADATA_EMBEDDING_DIM).toBe(384);
    expect(v).toHaveLength(384);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
  });
});
