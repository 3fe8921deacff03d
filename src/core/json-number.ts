import type { JsonAttributeValue } from "./model.js";

/**
 * JSON has no NaN/Infinity, so non-finite floats become the strings "NaN", "Infinity", "-Infinity";
 * negative zero becomes "-0" (JSON.stringify would print it as 0, losing the sign bit).
 * Finite float32 values decoded to a double print with enough digits to round-trip to the same bits.
 */
export function jsonNumber(v: number): number | string {
  if (Object.is(v, -0)) return "-0";
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return "NaN";
  return v === Number.POSITIVE_INFINITY ? "Infinity" : "-Infinity";
}

/** Inverse of `jsonNumber` for derivation code that reads encoded attribute values. */
export function numberFromJson(v: JsonAttributeValue | undefined): number | null {
  if (typeof v === "number") return v;
  if (v === "-0") return -0;
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  return null;
}
