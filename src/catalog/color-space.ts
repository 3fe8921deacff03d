import type { AttributeRecord, JsonAttributeValue } from "../core/model.js";

type Primaries = [number, number, number, number, number, number, number, number];

const KNOWN_PRIMARIES: { name: string; xy: Primaries }[] = [
  { name: "Rec.709", xy: [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329] },
  { name: "ACES2065-1 (AP0)", xy: [0.7347, 0.2653, 0.0, 1.0, 0.0001, -0.077, 0.32168, 0.33767] },
  { name: "ACEScg (AP1)", xy: [0.713, 0.293, 0.165, 0.83, 0.128, 0.044, 0.32168, 0.33767] },
  { name: "Rec.2020", xy: [0.708, 0.292, 0.17, 0.797, 0.131, 0.046, 0.3127, 0.329] },
  { name: "P3-D65", xy: [0.68, 0.32, 0.265, 0.69, 0.15, 0.06, 0.3127, 0.329] },
  { name: "P3-DCI", xy: [0.68, 0.32, 0.265, 0.69, 0.15, 0.06, 0.314, 0.351] },
];

/** Attribute names under which renderers and pipelines state a colour space by name. */
const NAMED_COLOR_SPACE_ATTRIBUTES = new Set([
  "colorspace",
  "colorinteropid",
  "oiio:colorspace",
  "ocio:colorspace",
  "nuke/input/colorspace",
]);

const TOLERANCE = 0.002;

function toNumber(v: JsonAttributeValue | undefined): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function pair(v: JsonAttributeValue | undefined): [number, number] | null {
  if (Array.isArray(v) && v.length === 2) {
    const x = toNumber(v[0]);
    const y = toNumber(v[1]);
    return x === null || y === null ? null : [x, y];
  }
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const x = toNumber(v.x);
    const y = toNumber(v.y);
    return x === null || y === null ? null : [x, y];
  }
  return null;
}

/** Accepts the chromaticities encodings in use: 8 numbers, 4 pairs, or {red, green, blue, white}. */
export function chromaticitiesToPrimaries(value: JsonAttributeValue): Primaries | null {
  let pairs: ([number, number] | null)[];
  if (Array.isArray(value) && value.length === 8) {
    const nums = value.map(toNumber);
    if (nums.some((n) => n === null)) return null;
    return nums as Primaries;
  }
  if (Array.isArray(value) && value.length === 4) pairs = value.map(pair);
  else if (value && typeof value === "object" && !Array.isArray(value)) {
    pairs = [value.red, value.green, value.blue, value.white].map(pair);
  } else return null;
  if (pairs.some((p) => p === null)) return null;
  return pairs.flatMap((p) => p as [number, number]) as Primaries;
}

export function namePrimaries(xy: Primaries): string {
  for (const known of KNOWN_PRIMARIES) {
    if (known.xy.every((v, i) => Math.abs(v - (xy[i] ?? Number.NaN)) <= TOLERANCE)) return known.name;
  }
  return "custom";
}

/**
 * Colour space of a part: a colour-space name stated in an attribute wins; otherwise the `chromaticities`
 * primaries are matched against known gamuts (Rec.709, ACES AP0/AP1, Rec.2020, P3) or reported as "custom".
 * Null when the header states nothing (OpenEXR then implies Rec.709 primaries, but the file does not say so).
 */
export function detectColorSpace(attributes: readonly AttributeRecord[]): string | null {
  for (const a of attributes) {
    if (NAMED_COLOR_SPACE_ATTRIBUTES.has(a.name.toLowerCase()) && typeof a.value === "string") {
      const name = a.value.trim();
      if (name) return name;
    }
  }
  const chroma = attributes.find((a) => a.name === "chromaticities");
  if (!chroma) return null;
  const xy = chromaticitiesToPrimaries(chroma.value);
  return xy ? namePrimaries(xy) : "custom";
}
