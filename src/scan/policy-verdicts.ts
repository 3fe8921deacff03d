import type { CatalogRecord, ValidationResultRow } from "../catalog/rows.js";
import type { InspectionResult } from "../core/model.js";
import { evaluatePolicy } from "../policy/evaluate.js";
import type { PixelStats, Policy } from "../policy/model.js";

/** `scan --policy`: every rule's verdict (rules needing pixel statistics judged when `stats` are given, `--stats`) on the inspected file, as `validation_results` rows riding on its record. */
export function attachVerdicts(
  record: CatalogRecord,
  policy: Policy,
  result: InspectionResult,
  now: Date,
  stats: PixelStats | null = null,
): void {
  record.validation_results = evaluatePolicy(policy, result, stats).map(
    (r): ValidationResultRow => ({
      file_id: record.file.file_id,
      policy_id: r.policy_id,
      rule_id: r.rule_id,
      severity: r.severity,
      outcome: r.outcome,
      message: r.message,
      expected: r.expected,
      actual: r.actual,
      suggested_fix: r.suggested_fix,
      checked_at: now,
    }),
  );
}
