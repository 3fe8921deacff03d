import type { Chromaticities, ChromaticitiesCheck } from "../model.js";
import { attributeOf } from "./facts.js";
import { type CheckInput, firstViolation, PASS, type Verdict, violation } from "./verdict.js";

/** Named primaries and white points (CIE xy). */
export const NAMED_CHROMATICITIES: Readonly<Record<string, Chromaticities>> = {
  // SMPTE ST 2065-1 (ACES2065-1), as in OpenEXR's ImfAcesFile.cpp.
  ap0: { red: [0.7347, 0.2653], green: [0.0, 1.0], blue: [0.0001, -0.077], white: [0.32168, 0.33767] },
  // ACEScg (S-2014-004).
  ap1: { red: [0.713, 0.293], green: [0.165, 0.83], blue: [0.128, 0.044], white: [0.32168, 0.33767] },
  rec709: { red: [0.64, 0.33], green: [0.3, 0.6], blue: [0.15, 0.06], white: [0.3127, 0.329] },
  rec2020: { red: [0.708, 0.292], green: [0.17, 0.797], blue: [0.131, 0.046], white: [0.3127, 0.329] },
  p3d65: { red: [0.68, 0.32], green: [0.265, 0.69], blue: [0.15, 0.06], white: [0.3127, 0.329] },
};

const KEYS = ["red", "green", "blue", "white"] as const;

function asChromaticities(value: unknown): Chromaticities | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const ok = KEYS.every(
    (k) => Array.isArray(v[k]) && (v[k] as unknown[]).every((n) => typeof n === "number"),
  );
  return ok ? (v as unknown as Chromaticities) : null;
}

const showXy = (c: Chromaticities) => KEYS.map((k) => `${k} (${c[k].join(", ")})`).join(", ");

export function checkChromaticities(check: ChromaticitiesCheck, { result }: CheckInput): Verdict {
  const expected =
    typeof check.expected === "string" ? NAMED_CHROMATICITIES[check.expected]! : check.expected;
  const label =
    typeof check.expected === "string" ? `${check.expected}: ${showXy(expected)}` : showXy(expected);
  const tolerance = check.tolerance ?? 1e-4;
  return firstViolation(result.parts, (part) => {
    const where = { part_index: part.part_index, attribute: "chromaticities" };
    const attribute = attributeOf(part, "chromaticities");
    if (!attribute) return violation(label, "absent", where);
    const actual = asChromaticities(attribute.value);
    if (!actual) return violation(label, JSON.stringify(attribute.value), where);
    const within = KEYS.every((k) =>
      [0, 1].every((i) => Math.abs(actual[k][i]! - expected[k][i]!) <= tolerance),
    );
    return within ? PASS : violation(`${label} (±${tolerance})`, showXy(actual), where);
  });
}
