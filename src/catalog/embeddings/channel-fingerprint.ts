import type { InspectionResult } from "../../core/model.js";
import { addGroup, featureHash, type WeightedToken } from "./feature-hashing.js";
import { EmbeddingMemo, keyPart } from "./input-memo.js";
import { canonicalName } from "./tokens.js";

export const CHANNEL_FINGERPRINT_DIM = 128;

/**
 * 128-d fingerprint of a file's channel set alone (names, layers, components, types, sampling, pLinear):
 * files with the same AOV layout get (near-)identical fingerprints whatever their other metadata.
 */
const memo = new EmbeddingMemo();

export function channelFingerprint(result: InspectionResult): Float32Array {
  let key = "";
  for (const c of result.channels)
    key += `${keyPart(c.layer_name)}${keyPart(c.name)}${keyPart(c.type)}${keyPart(c.component_name)}${keyPart(c.x_sampling)}${keyPart(c.y_sampling)}${keyPart(c.p_linear)}`;
  return memo.get(key, () => fingerprintOf(result));
}

function fingerprintOf(result: InspectionResult): Float32Array {
  return featureHash(channelFingerprintTokens(result), CHANNEL_FINGERPRINT_DIM);
}

/** The weighted tokens of the channel fingerprint (exported for tests). */
export function channelFingerprintTokens(result: InspectionResult): WeightedToken[] {
  const out: WeightedToken[] = [];
  addGroup(
    out,
    result.channels.map((c) => `layer:${c.layer_name ? canonicalName(c.layer_name) : "<root>"}`),
    3,
  );
  addGroup(
    out,
    result.channels.map((c) => `channel:${canonicalName(c.name)}:${c.type}`),
    3,
  );
  addGroup(
    out,
    result.channels.map((c) => `component:${c.component_name.toLowerCase()}`),
    1,
  );
  addGroup(
    out,
    result.channels.map((c) => `sampling:${c.x_sampling}x${c.y_sampling}:${c.p_linear ? "plinear" : ""}`),
    0.5,
  );
  addGroup(out, [`count:${Math.min(result.channels.length, 64)}`], 0.5);
  return out;
}
