/**
 * The rules of `validation_results`, the same for every backend: a write replaces every earlier row of each
 * (file_id, policy_id) it is given (so re-checking a file against a policy leaves exactly that run's verdicts,
 * rules since removed from the policy included), and within one write the last row given for a rule wins.
 */
import type { ValidationResultRow } from "./rows.js";

export interface VerdictSet {
  file_id: string;
  policy_id: string;
  /** One row per rule: the last one given. */
  rows: ValidationResultRow[];
}

/** Key of a (file_id, policy_id) pair. */
export function verdictSetKey(file_id: string, policy_id: string): string {
  return `${file_id}\0${policy_id}`;
}

/** The rows of one write grouped by the (file_id, policy_id) whose earlier rows they replace. */
export function verdictSets(rows: readonly ValidationResultRow[]): Map<string, VerdictSet> {
  const byRule = new Map<string, Map<string, ValidationResultRow>>();
  for (const r of rows) {
    const key = verdictSetKey(r.file_id, r.policy_id);
    const rules = byRule.get(key) ?? new Map<string, ValidationResultRow>();
    byRule.set(key, rules);
    rules.set(r.rule_id, r);
  }
  const out = new Map<string, VerdictSet>();
  for (const [key, rules] of byRule) {
    const rows = [...rules.values()];
    out.set(key, { file_id: rows[0]!.file_id, policy_id: rows[0]!.policy_id, rows });
  }
  return out;
}

/** Restoring an export: the backup's verdict sets of the pairs the catalog holds none of (existing ones are kept). */
export function setsToRestore(
  backup: readonly ValidationResultRow[],
  stored: readonly Pick<ValidationResultRow, "file_id" | "policy_id">[],
): ValidationResultRow[] {
  const present = new Set(stored.map((r) => verdictSetKey(r.file_id, r.policy_id)));
  return backup.filter((r) => !present.has(verdictSetKey(r.file_id, r.policy_id)));
}

/**
 * For stores without keys (VAST): two writers of the same pair may both have inserted before either deleted the
 * other's rows. Readers keep, per (file_id, policy_id), only the rows of the latest `checked_at`.
 */
export function latestVerdicts(rows: readonly ValidationResultRow[]): ValidationResultRow[] {
  const latest = new Map<string, number>();
  for (const r of rows) {
    const key = verdictSetKey(r.file_id, r.policy_id);
    latest.set(key, Math.max(latest.get(key) ?? Number.NEGATIVE_INFINITY, r.checked_at.getTime()));
  }
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = verdictSetKey(r.file_id, r.policy_id);
    if (r.checked_at.getTime() !== latest.get(key)) return false;
    const ruleKey = `${key}\0${r.rule_id}`;
    if (seen.has(ruleKey)) return false;
    seen.add(ruleKey);
    return true;
  });
}
