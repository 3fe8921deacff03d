/** Attribute types whose numbers are float32 (text output prints them as exrheader does: 0.45, not 0.449999988). */
export const FLOAT32_TYPES: ReadonlySet<string> = new Set([
  "float",
  "v2f",
  "v3f",
  "m33f",
  "m44f",
  "box2f",
  "floatvector",
  "chromaticities",
]);

/**
 * The shortest decimal that reads back as the same float32 (`0.44999998807907104` → `0.45`). Text output only:
 * JSON keeps the exact float64 expansion of the stored float32.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  const target = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return Number(value.toPrecision(9));
}

/** `shortestFloat32` applied to every number inside an attribute value (arrays and objects). */
export function shortestFloat32Deep<T>(value: T): T {
  if (typeof value === "number") return shortestFloat32(value) as T;
  if (Array.isArray(value)) return value.map(shortestFloat32Deep) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortestFloat32Deep(v)])) as T;
  }
  return value;
}
