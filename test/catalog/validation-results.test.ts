/** The verdict rules every backend shares (src/catalog/validation-results.ts). */
import { describe, expect, it } from "vitest";
import type { ValidationResultRow } from "../../src/catalog/rows.js";
import { latestVerdicts, verdictSets } from "../../src/catalog/validation-results.js";

const row = (
  file_id: string,
  policy_id: string,
  rule_id: string,
  at: number,
  outcome = "pass",
): ValidationResultRow => ({
  file_id,
  policy_id,
  rule_id,
  severity: "error",
  outcome,
  message: null,
  expected: null,
  actual: null,
  suggested_fix: null,
  checked_at: new Date(at),
});

describe("verdictSets", () => {
  it("groups a write by (file, policy), one row per rule, the last given winning", () => {
    const sets = verdictSets([
      row("f1", "p", "a", 1),
      row("f1", "p", "b", 1),
      row("f1", "p", "a", 1, "fail"),
      row("f1", "q", "a", 1),
      row("f2", "p", "a", 1),
    ]);
    expect(
      [...sets.values()].map((s) => [s.file_id, s.policy_id, s.rows.map((r) => `${r.rule_id}:${r.outcome}`)]),
    ).toEqual([
      ["f1", "p", ["a:fail", "b:pass"]],
      ["f1", "q", ["a:pass"]],
      ["f2", "p", ["a:pass"]],
    ]);
    expect(verdictSets([]).size).toBe(0);
  });
});

describe("latestVerdicts (stores without keys)", () => {
  it("keeps only the latest set of each (file, policy), even when the older set had other rules", () => {
    const older = [row("f1", "p", "a", 1, "fail"), row("f1", "p", "gone", 1)];
    const newer = [row("f1", "p", "a", 2)];
    const other = [row("f1", "q", "a", 1), row("f2", "p", "a", 1)];
    expect(latestVerdicts([...older, ...newer, ...other])).toEqual([...newer, ...other]);
    expect(latestVerdicts([...newer, ...older, ...other])).toEqual([...newer, ...other]);
  });

  it("two writers that stored the same set at the same time read as one", () => {
    const set = [row("f1", "p", "a", 5), row("f1", "p", "b", 5)];
    expect(latestVerdicts([...set, ...set.map((r) => ({ ...r }))])).toEqual(set);
  });
});
