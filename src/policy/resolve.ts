import type { Parsed, PolicyProblem } from "./document.js";
import type { Policy, Rule } from "./model.js";
import type { ParsedPolicy } from "./parse.js";

/**
 * Applies `extends`: `chain` is the policy first, then its parent, grandparent, …. Each policy inherits its parent's
 * rules in order; a rule with an inherited id replaces that rule in place, new rules follow; `overrides` set the
 * severity of inherited (or own) rules and `disable` drops them. Naming a rule that does not exist is an error.
 */
export function resolvePolicy(chain: readonly ParsedPolicy[]): Parsed<Policy> {
  const problems: PolicyProblem[] = [];
  let rules: Rule[] = [];
  for (const { document, problemAt } of [...chain].reverse()) {
    for (const rule of document.rules ?? []) {
      const at = rules.findIndex((r) => r.id === rule.id);
      if (at >= 0) rules[at] = rule;
      else rules.push(rule);
    }
    for (const [id, override] of Object.entries(document.overrides ?? {})) {
      const at = rules.findIndex((r) => r.id === id);
      if (at < 0) problems.push(problemAt(`/overrides/${id}`, `no rule "${id}" to override`));
      else rules[at] = { ...rules[at]!, severity: override.severity };
    }
    (document.disable ?? []).forEach((id, i) => {
      if (!rules.some((r) => r.id === id))
        problems.push(problemAt(`/disable/${i}`, `no rule "${id}" to disable`));
    });
    const disabled = new Set(document.disable ?? []);
    rules = rules.filter((r) => !disabled.has(r.id));
  }
  if (problems.length) return { ok: false, problems };
  const [own, ...parents] = chain;
  if (!own)
    return {
      ok: false,
      problems: [{ file: "", pointer: "", line: null, column: null, message: "no policy" }],
    };
  const policy: Policy = {
    id: own.document.id,
    title: own.document.title,
    extends: parents.map((p) => p.document.id),
    rules,
  };
  if (own.document.description !== undefined) policy.description = own.document.description;
  return { ok: true, value: policy };
}
