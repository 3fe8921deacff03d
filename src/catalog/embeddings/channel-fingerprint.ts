import type { InspectionResult } from "../../core/model.js";
import { addGroup, featureHash, type WeightedToken } from "./feature-hashing.js";
import { canonicalName } from "./tokens.js";

export const CHANNEL_FINGERPRINT_DIM = 128;

/**
 * 128-d fingerprint of a file's channel set alone (names, layers, components, types, sampling, pLinear):
 * files with the same AOV layout get (near-)identical fingerprints whatever their other metadata.
 */
export function channelFingerprint(result: InspectionResult): Float32Array {
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
  return featureHash(out, CHANNEL_FINGERPRINT_DIM);
}
