import type { InspectionResult } from "../../core/model.js";

const MEMO_LIMIT = 20_000;
const canonicalNames = new Map<string, string>();

/**
 * Canonical form of a name for tokens: lower-cased, digit runs and hex-like ids replaced, so that
 * `cryptomatte/8a2f1c3/name`, `crypto_object00` and `AOV_light_group_02` compare by their meaningful part.
 */
export function canonicalName(name: string): string {
  let canonical = canonicalNames.get(name);
  if (canonical === undefined) {
    canonical = name
      .toLowerCase()
      .replace(/\b[0-9a-f]{6,}\b/g, "#")
      .replace(/\d+/g, "#");
    // Names repeat across the files of a scan (channels, layers, attributes): memoized, bounded.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the memo's bound; clearing it sooner, later or never gives the same answers
    if (canonicalNames.size >= MEMO_LIMIT) canonicalNames.clear();
    canonicalNames.set(name, canonical);
  }
  return canonical;
}

/** Resolution bucket: the power of two nearest the width (…, 1k, 2k, 4k). */
export function resolutionBucket(width: number | null, height: number | null): string | null {
  if (!width || !height || width <= 0 || height <= 0) return null;
  return `${Math.round(Math.log2(width))}x${Math.round(Math.log2(height))}`;
}

export function aspectBucket(width: number | null, height: number | null): string | null {
  if (!width || !height || width <= 0 || height <= 0) return null;
  return (Math.round((width / height) * 10) / 10).toFixed(1);
}

/** Part structure summary shared by both embeddings. */
export function structureTokens(result: InspectionResult): string[] {
  const out: string[] = [`parts:${Math.min(result.parts.length, 8)}`];
  if (result.file.is_deep) out.push("deep");
  for (const part of result.parts) {
    if (part.type) out.push(`parttype:${part.type}`);
    if (part.is_tiled) out.push("tiled");
    if (part.tiling) out.push(`levelmode:${part.tiling.level_mode}`);
  }
  return out;
}
