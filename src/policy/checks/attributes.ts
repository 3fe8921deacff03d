import type { PartRecord } from "../../core/model.js";
import type { AttributeCheck, ForbiddenAttributesCheck, RequiredAttributesCheck } from "../model.js";
import { attributeOf, jsonEqual } from "./facts.js";
import { regex } from "./pattern.js";
import { type CheckInput, firstViolation, PASS, show, showList, type Verdict, violation } from "./verdict.js";

export function checkAttribute(check: AttributeCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) => attributeVerdict(check, part));
}

function attributeVerdict(check: AttributeCheck, part: PartRecord): Verdict {
  const where = { part_index: part.part_index, attribute: check.name };
  const attribute = attributeOf(part, check.name);
  if (!attribute) return check.optional ? PASS : violation(describe(check), "absent", where);
  const { type, value } = attribute;
  if (check.type !== undefined && type !== check.type)
    return violation(`type ${check.type}`, `type ${type}`, where);
  if (check.equals !== undefined && !jsonEqual(value, check.equals))
    return violation(show(check.equals), show(value), where);
  if (check.one_of !== undefined && !check.one_of.some((v) => jsonEqual(value, v)))
    return violation(`one of ${showList(check.one_of)}`, show(value), where);
  if (check.min !== undefined && !(typeof value === "number" && value >= check.min))
    return violation(`>= ${check.min}`, show(value), where);
  if (check.max !== undefined && !(typeof value === "number" && value <= check.max))
    return violation(`<= ${check.max}`, show(value), where);
  if (check.pattern !== undefined && !(typeof value === "string" && regex(check.pattern).test(value)))
    return violation(`matching /${check.pattern}/`, show(value), where);
  return PASS;
}

function describe(check: AttributeCheck): string {
  const parts = [`present${check.type ? ` (${check.type})` : ""}`];
  if (check.equals !== undefined) parts.push(`= ${show(check.equals)}`);
  if (check.one_of !== undefined) parts.push(`one of ${showList(check.one_of)}`);
  return parts.join(" ");
}

export function checkRequiredAttributes(check: RequiredAttributesCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) => {
    const missing = check.names.filter((n) => !attributeOf(part, n));
    return missing.length
      ? violation(`present: ${check.names.join(", ")}`, `missing: ${missing.join(", ")}`, {
          part_index: part.part_index,
          attribute: missing[0]!,
        })
      : PASS;
  });
}

export function checkForbiddenAttributes(check: ForbiddenAttributesCheck, { result }: CheckInput): Verdict {
  return firstViolation(result.parts, (part) => {
    const present = check.names.filter((n) => attributeOf(part, n));
    return present.length
      ? violation(`absent: ${check.names.join(", ")}`, `present: ${present.join(", ")}`, {
          part_index: part.part_index,
          attribute: present[0]!,
        })
      : PASS;
  });
}
