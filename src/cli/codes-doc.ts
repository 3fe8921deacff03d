/**
 * docs/codes.md, generated from the two registries (exit codes: cli/exit-codes.ts; finding codes:
 * core/findings.ts). `npm run docs:codes` rewrites it; test/cli/codes-doc.test.ts fails when it is stale.
 */
import { FINDING_CODES } from "../core/findings.js";
import { POLICY_FINDING_CODES } from "../policy/evaluate.js";
import { EXIT_CODES } from "./exit-codes.js";

const cell = (text: string) => text.replaceAll("|", "\\|");

export function renderCodesDoc(): string {
  const lines = [
    "# Exit codes and finding codes",
    "",
    "Generated from the code (`src/cli/exit-codes.ts`, `src/core/findings.ts`) by `npm run docs:codes`;",
    "a test fails when this file is out of date. Do not edit by hand.",
    "",
    "## Exit codes of `exr-inspector`",
    "",
    "| code | name | meaning |",
    "| --- | --- | --- |",
    ...EXIT_CODES.map((e) => `| ${e.code} | ${e.name} | ${cell(e.meaning)} |`),
    "",
    "## Finding codes",
    "",
    "Every finding in `inspect`/`validate` output and in the catalog's `error_codes` has one of these codes. An",
    "`error` makes a file invalid (exit 1 from `inspect`/`validate`); a `warning` does not.",
    "",
    "| code | severity | meaning |",
    "| --- | --- | --- |",
    ...Object.entries(FINDING_CODES).map(
      ([code, [severity, meaning]]) => `| \`${code}\` | ${severity} | ${cell(meaning)} |`,
    ),
    "",
    "## Policy finding codes (`validate --policy`)",
    "",
    "Each carries the rule's `rule_id` and `policy_id`; its severity is the rule's (error, warning or info).",
    "",
    "| code | meaning |",
    "| --- | --- |",
    ...Object.entries(POLICY_FINDING_CODES).map(([code, meaning]) => `| \`${code}\` | ${cell(meaning)} |`),
    "",
  ];
  return lines.join("\n");
}
