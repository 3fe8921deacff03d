import type { InspectionResult } from "../../core/model.js";
import { addGroup, featureHash, type WeightedToken } from "./feature-hashing.js";
import { EmbeddingMemo, keyPart } from "./input-memo.js";
import { aspectBucket, canonicalName, resolutionBucket, structureTokens } from "./tokens.js";

export const METADATA_EMBEDDING_DIM = 384;

export interface EmbeddingContext {
  renderSoftware: string | null;
  colorSpace: string | null;
}

/**
 * Group weights: what makes two renders "the same kind of file" for a user — the set of layers/channels (the pass
 * kind), the renderer, then structure (deep, tiled, parts), then encoding details and attribute vocabulary.
 */
const WEIGHTS = {
  layers: 3.0,
  channels: 2.5,
  renderer: 2.5,
  attributeNames: 1.5,
  structure: 1.5,
  channelTypes: 0.8,
  compression: 0.6,
  colorSpace: 0.6,
  resolution: 0.5,
  sampling: 0.4,
};

/** The weighted tokens of the 384-d metadata embedding (exported for tests and for explaining neighbours). */
export function metadataTokens(result: InspectionResult, ctx: EmbeddingContext): WeightedToken[] {
  const out: WeightedToken[] = [];
  const layers = new Set<string>();
  const channels = new Set<string>();
  const types = new Set<string>();
  const sampling = new Set<string>();
  for (const ch of result.channels) {
    layers.add(`layer:${ch.layer_name ? canonicalName(ch.layer_name) : "<root>"}`);
    channels.add(`channel:${canonicalName(ch.name)}`);
    types.add(`chtype:${ch.type}`);
    sampling.add(`sampling:${ch.x_sampling}x${ch.y_sampling}`);
  }
  addGroup(out, layers, WEIGHTS.layers);
  addGroup(out, channels, WEIGHTS.channels);
  addGroup(out, types, WEIGHTS.channelTypes);
  addGroup(out, sampling, WEIGHTS.sampling);
  if (ctx.renderSoftware) addGroup(out, [`renderer:${ctx.renderSoftware.toLowerCase()}`], WEIGHTS.renderer);
  if (ctx.colorSpace) addGroup(out, [`colorspace:${ctx.colorSpace.toLowerCase()}`], WEIGHTS.colorSpace);
  addGroup(out, structureTokens(result), WEIGHTS.structure);
  const compressions = new Set<string>();
  const resolutions = new Set<string>();
  const attrNames = new Set<string>();
  for (const part of result.parts) {
    if (part.compression) compressions.add(`compression:${part.compression}`);
    const res = resolutionBucket(part.width, part.height);
    if (res) resolutions.add(`res:${res}`);
    const aspect = aspectBucket(part.width, part.height);
    if (aspect) resolutions.add(`aspect:${aspect}`);
    for (const a of part.attributes) attrNames.add(`attr:${canonicalName(a.name)}:${a.type}`);
  }
  addGroup(out, compressions, WEIGHTS.compression);
  addGroup(out, resolutions, WEIGHTS.resolution);
  addGroup(out, attrNames, WEIGHTS.attributeNames);
  return out;
}

/** Every input metadataTokens reads, as one unambiguous string. */
function inputKey(result: InspectionResult, ctx: EmbeddingContext): string {
  let key = `${keyPart(ctx.renderSoftware)}${keyPart(ctx.colorSpace)}${keyPart(result.file.is_deep)}${result.channels.length}|`;
  for (const c of result.channels)
    key += `${keyPart(c.layer_name)}${keyPart(c.name)}${keyPart(c.type)}${keyPart(c.x_sampling)}${keyPart(c.y_sampling)}`;
  key += `${result.parts.length}|`;
  for (const p of result.parts) {
    key += `${keyPart(p.type)}${keyPart(p.is_tiled)}${keyPart(p.tiling ? p.tiling.level_mode : null)}${keyPart(Boolean(p.tiling))}`;
    key += `${keyPart(p.compression)}${keyPart(p.width)}${keyPart(p.height)}${p.attributes.length}|`;
    for (const a of p.attributes) key += `${keyPart(a.name)}${keyPart(a.type)}`;
  }
  return key;
}

const memo = new EmbeddingMemo();

/** Deterministic, L2-normalized, similarity-preserving 384-d embedding of a file's metadata. */
export function metadataEmbedding(result: InspectionResult, ctx: EmbeddingContext): Float32Array {
  return memo.get(inputKey(result, ctx), () =>
    featureHash(metadataTokens(result, ctx), METADATA_EMBEDDING_DIM),
  );
}
