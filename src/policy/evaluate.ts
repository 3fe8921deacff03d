import { statusOf } from "../core/findings.js";
import type { Finding, InspectionResult, Severity } from "../core/model.js";
import { runCheck } from "./checks/index.js";
import type { PixelStats, Policy, PolicyFinding, Rule, RuleResult } from "./model.js";

/** Codes of the findings a policy adds to the structural ones. */
export const POLICY_FINDING_CODES = {
  EXR_POLICY_VIOLATION: "A file breaks a rule of the policy it was validated against.",
  EXR_POLICY_NEEDS_STATS:
    "A rule needs pixel statistics (e.g. no NaN/Inf in colour channels) and the run computed none.",
} as const;

/**
 * Every rule of the policy over one file: pure, no I/O. A file whose header could not be read (no parts) is not
 * evaluated: its structural errors already say why.
 */
export function evaluatePolicy(
  policy: Policy,
  result: InspectionResult,
  stats: PixelStats | null = null,
): RuleResult[] {
  const readable = result.parts.length > 0;
  return policy.rules.map((rule) => {
    if (!readable) return outcome(policy, rule, "not_evaluated", { message: "header not readable" });
    const verdict = runCheck(rule.check, { result, stats });
    if ("needsStats" in verdict)
      return outcome(policy, rule, "needs_stats", {
        message: `rule ${rule.id} needs pixel statistics; run with statistics to judge it`,
      });
    if (verdict.pass) return outcome(policy, rule, "pass", {});
    return outcome(policy, rule, "fail", {
      message: rule.message,
      expected: verdict.expected,
      actual: verdict.actual,
      suggested_fix: rule.suggested_fix,
      part_index: verdict.part_index ?? null,
      attribute: verdict.attribute ?? null,
    });
  });
}

function outcome(
  policy: Policy,
  rule: Rule,
  result: RuleResult["outcome"],
  fields: Partial<
    Pick<RuleResult, "message" | "expected" | "actual" | "suggested_fix" | "part_index" | "attribute">
  >,
): RuleResult {
  return {
    policy_id: policy.id,
    rule_id: rule.id,
    severity: rule.severity,
    outcome: result,
    message: fields.message ?? null,
    expected: fields.expected ?? null,
    actual: fields.actual ?? null,
    suggested_fix: fields.suggested_fix ?? null,
    part_index: fields.part_index ?? null,
    attribute: fields.attribute ?? null,
  };
}

/** Findings for the rules that failed, and an info finding for each rule that needed statistics. */
export function policyFindings(results: readonly RuleResult[]): PolicyFinding[] {
  const out: PolicyFinding[] = [];
  for (const r of results) {
    if (r.outcome !== "fail" && r.outcome !== "needs_stats") continue;
    const failed = r.outcome === "fail";
    out.push({
      code: failed ? "EXR_POLICY_VIOLATION" : "EXR_POLICY_NEEDS_STATS",
      severity: failed ? r.severity : "info",
      message: failed ? `${r.rule_id}: ${r.message}` : (r.message ?? ""),
      part_index: r.part_index,
      attribute: r.attribute,
      rule_id: r.rule_id,
      policy_id: r.policy_id,
      expected: r.expected,
      actual: r.actual,
      suggested_fix: r.suggested_fix,
    });
  }
  return out;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** The worst severity among findings, or null when there are none. */
export function worstSeverity(findings: readonly Finding[]): Severity | null {
  let worst: Severity | null = null;
  for (const f of findings) if (worst === null || RANK[f.severity] > RANK[worst]) worst = f.severity;
  return worst;
}

/** The inspection result with the policy's findings after the structural ones (a new object; the input is kept). */
export function withPolicyFindings(
  result: InspectionResult,
  policy: Policy,
  stats: PixelStats | null = null,
): InspectionResult {
  const findings: Finding[] = [
    ...result.validation.findings,
    ...policyFindings(evaluatePolicy(policy, result, stats)),
  ];
  return { ...result, validation: { status: statusOf(findings), findings } };
}
