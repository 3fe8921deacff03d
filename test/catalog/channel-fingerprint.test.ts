/**
 * embeddings/channel-fingerprint.ts and payload-hash-embedding.ts: the channel-set fingerprint is the feature hash of
 * exactly these weighted tokens (checked against a hand-written token list), depends on nothing but the channels, and
 * each property of a channel changes it; the seed's payload-hash baseline expands SHA-256 as its comment says.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { channelFingerprint } from "../../src/catalog/embeddings/channel-fingerprint.js";
import { featureHash, l2Normalize } from "../../src/catalog/embeddings/feature-hashing.js";
import { payloadHashEmbedding } from "../../src/catalog/embeddings/payload-hash-embedding.js";
import type { ChannelRecord, InspectionResult } from "../../src/core/model.js";
import { fixture } from "./fixtures.js";

function channel(name: string, o: Partial<ChannelRecord> = {}): ChannelRecord {
  const dot = name.lastIndexOf(".");
  return {
    part_index: 0,
    name,
    layer_name: dot < 0 ? null : name.slice(0, dot),
    component_name: dot < 0 ? name : name.slice(dot + 1),
    type: "half",
    x_sampling: 1,
    y_sampling: 1,
    p_linear: false,
    ...o,
  };
}

function withChannels(channels: ChannelRecord[], path = "/f/a.exr"): InspectionResult {
  return { ...fixture({ path }), channels };
}

describe("channelFingerprint", () => {
  it("is the feature hash of the layer, channel, component, sampling and count tokens, with their group weights", () => {
    const fp = channelFingerprint(
      withChannels([
        channel("R"),
        channel("diffuse.G", { type: "float", x_sampling: 2, y_sampling: 2, p_linear: true }),
        channel("crypto_object00.R"),
      ]),
    );
    const group = (tokens: string[], weight: number) =>
      tokens.map((token) => ({ token, weight: weight / Math.sqrt(tokens.length) }));
    const expected = featureHash(
      [
        ...group(["layer:<root>", "layer:diffuse", "layer:crypto_object#"], 3),
        ...group(["channel:r:half", "channel:diffuse.g:float", "channel:crypto_object#.r:half"], 3),
        ...group(["component:r", "component:g"], 1),
        ...group(["sampling:1x1:", "sampling:2x2:plinear"], 0.5),
        ...group(["count:3"], 0.5),
      ],
      128,
    );
    expect(fp).toHaveLength(128);
    expect(fp).toEqual(expected);
  });

  it("depends on the channels only", () => {
    const channels = [channel("R"), channel("G"), channel("beauty.B")];
    const a = fixture({ path: "/x/a.exr", renderer: "vray", compression: "zip" });
    const b = fixture({ path: "/y/b.exr", renderer: "karma", compression: "piz", width: 64 });
    expect(channelFingerprint({ ...a, channels })).toEqual(channelFingerprint({ ...b, channels }));
  });

  it("names compare case-insensitively; a layer literally named <root> is the root layer", () => {
    const upper = channelFingerprint(withChannels([channel("DIFFUSE.R"), channel("Z")]));
    const lower = channelFingerprint(withChannels([channel("diffuse.r"), channel("z")]));
    expect(upper).toEqual(lower);
    const root = channelFingerprint(withChannels([channel("Z")]));
    const named = channelFingerprint(withChannels([channel("Z", { layer_name: "<root>" })]));
    expect(root).toEqual(named);
  });

  it("each property of a channel changes it", () => {
    const base = channelFingerprint(withChannels([channel("diffuse.R"), channel("Z")]));
    const variants: ChannelRecord[][] = [
      [channel("diffuse.R", { layer_name: "specular" }), channel("Z")],
      [channel("diffuse.G"), channel("Z")],
      [channel("diffuse.R", { type: "float" }), channel("Z")],
      [channel("diffuse.R", { component_name: "X" }), channel("Z")],
      [channel("diffuse.R", { x_sampling: 2 }), channel("Z")],
      [channel("diffuse.R", { y_sampling: 2 }), channel("Z")],
      [channel("diffuse.R", { p_linear: true }), channel("Z")],
      [channel("diffuse.R"), channel("Z"), channel("Z")], // the count
    ];
    for (const channels of variants) expect(channelFingerprint(withChannels(channels))).not.toEqual(base);
  });

  it("the count token saturates at 64 channels", () => {
    const many = (n: number) =>
      channelFingerprint(withChannels(Array.from({ length: n }, () => channel("R"))));
    expect(many(64)).toEqual(many(70));
    expect(many(63)).not.toEqual(many(64));
  });
});

describe("payloadHashEmbedding", () => {
  it("SHA-256 of the JSON payload, expanded 16 values per block (SHA-256 of seed + counter), L2-normalized", () => {
    const payload = { a: 1, b: ["x"] };
    const seed = createHash("sha256").update(JSON.stringify(payload)).digest();
    const raw: number[] = [];
    for (let counter = 0; raw.length < 40; counter++) {
      const block = createHash("sha256").update(seed).update(String(counter)).digest();
      for (let at = 0; at < 32 && raw.length < 40; at += 2) raw.push(block.readUInt16BE(at) / 32767.5 - 1);
    }
    const v = payloadHashEmbedding(payload, 40);
    expect(v).toEqual(l2Normalize(raw));
    expect(payloadHashEmbedding(payload, 16)).toEqual(l2Normalize(raw.slice(0, 16)));
    expect(payloadHashEmbedding({ a: 2, b: ["x"] }, 40)).not.toEqual(v);
  });
});
