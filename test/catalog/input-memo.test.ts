/**
 * embeddings/input-memo.ts as the two embeddings use it: a memoized embedding is the one computed from the tokens
 * of its own input, whatever was asked before — each input the tokens read is part of the key (one input changed
 * at a time after the base file was memoized), names are length-prefixed (no two channel lists pass for each
 * other), and every caller gets its own copy.
 */
import { describe, expect, it } from "vitest";
import {
  CHANNEL_FINGERPRINT_DIM,
  channelFingerprint,
  channelFingerprintTokens,
} from "../../src/catalog/embeddings/channel-fingerprint.js";
import { featureHash } from "../../src/catalog/embeddings/feature-hashing.js";
import { keyPart } from "../../src/catalog/embeddings/input-memo.js";
import {
  type EmbeddingContext,
  METADATA_EMBEDDING_DIM,
  metadataEmbedding,
  metadataTokens,
} from "../../src/catalog/embeddings/metadata-embedding.js";
import type { InspectionResult } from "../../src/core/model.js";
import { fixture } from "./fixtures.js";

const CTX: EmbeddingContext = { renderSoftware: "Arnold", colorSpace: "ACEScg" };

function base(): InspectionResult {
  const r = fixture({ path: "/m/base.exr", pass: "cryptomatte" });
  return structuredClone(r);
}

type Variant = [string, (r: InspectionResult) => void, EmbeddingContext?];

const part = (r: InspectionResult) => r.parts[0]!;
const channel = (r: InspectionResult) => r.channels[0]!;
/** Changes to a channel that both the metadata embedding and the channel fingerprint must follow. */
const CHANNEL_VARIANTS: Variant[] = [
  ["a channel's layer", (r) => Object.assign(channel(r), { layer_name: "other" })],
  ["a channel's name", (r) => Object.assign(channel(r), { name: "Z" })],
  ["a channel's type", (r) => Object.assign(channel(r), { type: "uint" })],
  ["a channel's x sampling", (r) => Object.assign(channel(r), { x_sampling: 2 })],
  ["a channel's y sampling", (r) => Object.assign(channel(r), { y_sampling: 2 })],
];
const METADATA_VARIANTS: Variant[] = [
  ...CHANNEL_VARIANTS,
  ["one channel more", (r) => void r.channels.push({ ...channel(r), name: "extra" })],
  ["the renderer", () => undefined, { ...CTX, renderSoftware: "V-Ray" }],
  ["no renderer", () => undefined, { ...CTX, renderSoftware: null }],
  ["the colour space", () => undefined, { ...CTX, colorSpace: "sRGB" }],
  [
    "deep",
    (r) => {
      r.file.is_deep = !r.file.is_deep;
    },
  ],
  ["a part's type", (r) => Object.assign(part(r), { type: "deepscanline" })],
  ["tiled", (r) => Object.assign(part(r), { is_tiled: !part(r).is_tiled })],
  [
    "tiling",
    (r) =>
      Object.assign(part(r), {
        tiling: {
          x_size: 64,
          y_size: 64,
          level_mode: "MIPMAP_LEVELS",
          rounding_mode: "ROUND_DOWN",
        } as never,
      }),
  ],
  ["compression", (r) => Object.assign(part(r), { compression: "piz" })],
  ["width", (r) => Object.assign(part(r), { width: 4096 })],
  ["height", (r) => Object.assign(part(r), { height: 4096 })],
  ["an attribute's name", (r) => Object.assign(part(r).attributes[0]!, { name: "renamed" })],
  ["an attribute's type", (r) => Object.assign(part(r).attributes[0]!, { type: "string" })],
  ["one attribute less", (r) => void part(r).attributes.pop()],
  ["one part more", (r) => void r.parts.push(structuredClone(part(r)))],
];

const FINGERPRINT_VARIANTS: Variant[] = [
  ...CHANNEL_VARIANTS,
  ["a channel's component", (r) => Object.assign(channel(r), { component_name: "Q" })],
  ["a channel's pLinear", (r) => Object.assign(channel(r), { p_linear: !channel(r).p_linear })],
  ["one channel less", (r) => void r.channels.pop()],
];

describe("memoized embeddings", () => {
  it.each(METADATA_VARIANTS)("the metadata embedding follows %s", (_, change, ctx = CTX) => {
    const first = base();
    const direct = (r: InspectionResult, c: EmbeddingContext) =>
      featureHash(metadataTokens(r, c), METADATA_EMBEDDING_DIM);
    expect(metadataEmbedding(first, CTX)).toEqual(direct(first, CTX));
    const changed = base();
    change(changed);
    const want = direct(changed, ctx);
    expect(want).not.toEqual(direct(first, CTX));
    expect(metadataEmbedding(changed, ctx)).toEqual(want);
    expect(metadataEmbedding(first, CTX)).toEqual(direct(first, CTX));
  });

  it.each(FINGERPRINT_VARIANTS)("the channel fingerprint follows %s", (_, change) => {
    const first = base();
    const direct = (r: InspectionResult) => featureHash(channelFingerprintTokens(r), CHANNEL_FINGERPRINT_DIM);
    expect(channelFingerprint(first)).toEqual(direct(first));
    const changed = base();
    change(changed);
    const want = direct(changed);
    expect(want).not.toEqual(direct(first));
    expect(channelFingerprint(changed)).toEqual(want);
  });

  it("names are length-prefixed: two channel lists that concatenate alike stay apart", () => {
    const a = base();
    const b = base();
    a.channels = [
      { ...channel(a), name: "ab", layer_name: null },
      { ...channel(a), name: "c", layer_name: null },
    ];
    b.channels = [
      { ...channel(b), name: "a", layer_name: null },
      { ...channel(b), name: "bc", layer_name: null },
    ];
    const direct = (r: InspectionResult) => featureHash(channelFingerprintTokens(r), CHANNEL_FINGERPRINT_DIM);
    expect(channelFingerprint(a)).toEqual(direct(a));
    expect(channelFingerprint(b)).toEqual(direct(b));
    expect(direct(a)).not.toEqual(direct(b));
    expect(keyPart("1")).not.toBe(keyPart(1));
    expect(keyPart("~1~")).not.toBe(keyPart(1));
    expect(keyPart(null)).not.toBe(keyPart("null"));
  });

  it("every call answers a copy of its own", () => {
    const r = base();
    const one = metadataEmbedding(r, CTX);
    const two = metadataEmbedding(r, CTX);
    expect(two).not.toBe(one);
    one.fill(0);
    expect(metadataEmbedding(r, CTX)).toEqual(two);
    const f = channelFingerprint(r);
    f.fill(0);
    expect(channelFingerprint(r)).not.toEqual(f);
  });
});
