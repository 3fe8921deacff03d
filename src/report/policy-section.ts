import type { CatalogStore } from "../catalog/port.js";
import { columnsOf, hasTable, objects } from "./catalog-queries.js";
import type { PolicySection, RuleFailure, RuleRow } from "./page/page-data.js";

const S = "exr_metadata";
const TABLE = "validation_results";

/**
 * Policy verdicts by rule, from the `validation_results` table when the catalog has one. A row counts as a failure
 * when its `outcome` is `fail` (tables written before outcomes existed hold failures only).
 */
export async function policySection(store: CatalogStore, filesPerRule: number): Promise<PolicySection> {
  if (!(await hasTable(store, TABLE))) return { available: false, rules: [], failures: {} };
  const hasOutcome = (await columnsOf(store, TABLE)).has("outcome");
  const failed = hasOutcome ? "v.outcome = 'fail'" : "true";
  const passed = hasOutcome ? "v.outcome = 'pass'" : "false";
  const from = `${S}.${TABLE} v JOIN ${S}.current_files f ON f.file_id = v.file_id`;
  const ruleRows = objects(
    await store.query(`SELECT v.policy_id, v.rule_id, arg_max(v.severity, v.checked_at) AS severity,
       count(*) AS files, count(*) FILTER (WHERE ${passed}) AS passed, count(*) FILTER (WHERE ${failed}) AS failed
FROM ${from}
GROUP BY v.policy_id, v.rule_id
ORDER BY failed DESC, v.policy_id, v.rule_id`),
  );
  const rules: RuleRow[] = ruleRows.map((r) => ({
    policy_id: String(r.policy_id),
    rule_id: String(r.rule_id),
    severity: String(r.severity),
    files: Number(r.files),
    passed: Number(r.passed),
    failed: Number(r.failed),
    other: Number(r.files) - Number(r.passed) - Number(r.failed),
  }));
  const failureRows = objects(
    await store.query(`SELECT * FROM (
  SELECT v.policy_id, v.rule_id, v.file_id, f.file_path, v.message, v.expected, v.actual, v.suggested_fix,
         row_number() OVER (PARTITION BY v.policy_id, v.rule_id ORDER BY f.file_path) AS k
  FROM ${from} WHERE ${failed}
) WHERE k <= ${Math.max(0, Math.floor(filesPerRule))}
ORDER BY policy_id, rule_id, k`),
  );
  const failures: Record<string, RuleFailure[]> = {};
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  for (const r of failureRows) {
    const key = `${r.policy_id}/${r.rule_id}`;
    const list = failures[key] ?? [];
    failures[key] = list;
    list.push({
      file_id: String(r.file_id),
      file_path: String(r.file_path),
      message: text(r.message),
      expected: text(r.expected),
      actual: text(r.actual),
      suggested_fix: text(r.suggested_fix),
    });
  }
  return { available: true, rules, failures };
}
