import type { AttributeRecord } from "../core/model.js";

/** Renderer name patterns, matched against the `software` string (first match wins). */
const SOFTWARE_PATTERNS: [RegExp, string][] = [
  [/\barnold\b|\bmtoa\b|\bhtoa\b|\bktoa\b|\bc4dtoa\b/i, "Arnold"],
  [/v-?ray/i, "V-Ray"],
  [/renderman|\bprman\b|\brfm\b|\brfh\b/i, "RenderMan"],
  [/redshift/i, "Redshift"],
  [/\bkarma\b/i, "Karma"],
  [/\bcycles\b/i, "Cycles"],
  [/\bmantra\b/i, "Mantra"],
  [/octane/i, "Octane"],
  [/\bclarisse\b/i, "Clarisse"],
  [/\b3delight\b/i, "3Delight"],
  [/\bblender\b/i, "Cycles"],
  [/\bnuke\b/i, "Nuke"],
];

/** Attribute-name prefixes that renderers write into their EXRs. */
const ATTRIBUTE_PREFIXES: [RegExp, string][] = [
  [/^arnold\//i, "Arnold"],
  [/^vray/i, "V-Ray"],
  [/^(rman|renderman|prman)[/:]/i, "RenderMan"],
  [/^redshift\//i, "Redshift"],
  [/^karma[/:]/i, "Karma"],
  [/^cycles[/:]/i, "Cycles"],
  [/^blender[/:]/i, "Cycles"],
  [/^mantra[/:]/i, "Mantra"],
  [/^octane\//i, "Octane"],
];

/**
 * The renderer that produced a part: from the `software` attribute when it names a known renderer, else from
 * renderer-specific attribute names (`arnold/…`, `vray…`, `rman…`, `redshift/…`, `karma…`, `cycles…`), else the
 * `software` string as written (trimmed), else null.
 */
export function detectRenderSoftware(attributes: readonly AttributeRecord[]): string | null {
  let software: string | null = null;
  for (const a of attributes) {
    if (a.name.toLowerCase() === "software" && typeof a.value === "string") software = a.value.trim() || null;
  }
  if (software) {
    for (const [pattern, name] of SOFTWARE_PATTERNS) if (pattern.test(software)) return name;
  }
  for (const a of attributes) {
    for (const [pattern, name] of ATTRIBUTE_PREFIXES) if (pattern.test(a.name)) return name;
  }
  return software;
}
