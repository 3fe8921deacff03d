import type { AttributeRecord } from "../core/model.js";

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};
const FLOATING_TYPES = new Set(["float", "double", "half"]);

/**
 * Typed projections of an attribute value so SQL can filter without JSON functions:
 * `value_number` for a plain number (NaN/±Inf of float/double included), `value_text` for a plain string.
 */
export function typedValue(attribute: AttributeRecord): {
  value_number: number | null;
  value_text: string | null;
} {
  const v = attribute.value;
  if (typeof v === "number") return { value_number: v, value_text: null };
  if (typeof v === "string") {
    const nonFinite = FLOATING_TYPES.has(attribute.type) ? NON_FINITE[v] : undefined;
    if (nonFinite !== undefined) return { value_number: nonFinite, value_text: null };
    return { value_number: null, value_text: v };
  }
  if (typeof v === "boolean") return { value_number: v ? 1 : 0, value_text: null };
  if (v && typeof v === "object" && !Array.isArray(v) && attribute.type === "string") {
    // A non-UTF-8 string is encoded as an object holding a readable rendering next to its raw bytes.
    for (const key of ["text", "value", "string", "lossy"]) {
      const readable = v[key];
      if (typeof readable === "string") return { value_number: null, value_text: readable };
    }
  }
  return { value_number: null, value_text: null };
}

/** JSON text of an attribute value (the seed's `attribute_value`), NaN/Infinity already encoded as strings. */
export function jsonValue(attribute: AttributeRecord): string {
  return JSON.stringify(attribute.value) ?? "null";
}
