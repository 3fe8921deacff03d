import type { InspectionResult } from "../../core/model.js";
import type { PixelStats } from "../model.js";

/** What a check reads: the inspection result, and pixel statistics when the run computed them. */
export interface CheckInput {
  result: InspectionResult;
  stats: PixelStats | null;
}

export interface Violation {
  pass: false;
  expected: string;
  actual: string;
  part_index?: number;
  attribute?: string;
}

export type Verdict = { pass: true } | Violation | { needsStats: true };

export const PASS: Verdict = { pass: true };

export function violation(
  expected: string,
  actual: string,
  where: { part_index?: number; attribute?: string } = {},
): Violation {
  return { pass: false, expected, actual, ...where };
}

/** Readable form of a value for `expected`/`actual` (JSON, strings unquoted). */
export function show(value: unknown): string {
  if (value === undefined) return "absent";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function showList(values: readonly unknown[]): string {
  return values.map(show).join(", ");
}

/** The first part that violates, checked in part order, or a pass. */
export function firstViolation<T>(items: readonly T[], check: (item: T) => Verdict): Verdict {
  for (const item of items) {
    const verdict = check(item);
    if (!("pass" in verdict && verdict.pass)) return verdict;
  }
  return PASS;
}
