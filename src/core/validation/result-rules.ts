/**
 * The seam for checks over a finished inspection (policies, delivery specs): a rule reads the result and returns
 * findings; `applyResultRules` adds them and recomputes the status, so every caller derives it the same way.
 */
import { statusOf } from "../findings.js";
import type { Finding, InspectionResult } from "../model.js";

export interface ResultRule {
  /** Stable id of the rule (reported with its findings by whoever runs it). */
  readonly id: string;
  check(result: InspectionResult): readonly Finding[];
}

/** A copy of `result` with the findings of `rules` appended after the structural ones, and the status recomputed. */
export function applyResultRules(result: InspectionResult, rules: readonly ResultRule[]): InspectionResult {
  const added = rules.flatMap((rule) => rule.check(result));
  if (added.length === 0) return result;
  const findings = [...result.validation.findings, ...added];
  return { ...result, validation: { status: statusOf(findings), findings } };
}
