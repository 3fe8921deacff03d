import { beforeAll, describe, expect, it } from "vitest";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import type { InspectionResult } from "../../src/core/model.js";
import { validateFile } from "../../src/core/validate.js";
import { applyResultRules, type ResultRule } from "../../src/core/validation/result-rules.js";
import { sampleFiles } from "../../src/core/write/sample-files.js";

const zipOnly: ResultRule = {
  id: "delivery.compression",
  check: (r) =>
    r.parts
      .filter((p) => p.compression !== "zip")
      .map((p) => ({
        code: "POLICY_COMPRESSION",
        severity: "error" as const,
        message: `part ${p.part_index} uses ${p.compression}, the delivery spec allows zip`,
        part_index: p.part_index,
        attribute: "compression",
      })),
};

describe("validation as its own phase", () => {
  // Inspected in beforeAll, not while the tests are collected: mutation testing switches a mutant on per test run.
  let result: InspectionResult;
  beforeAll(() => {
    const sample = sampleFiles()[0]!;
    result = inspectBytes(sample.bytes, { path: sample.name });
  });

  it("result rules (policies) add their findings after the structural ones and set the status", () => {
    expect(result.validation).toEqual({ status: "ok", findings: [] });
    const checked = applyResultRules(result, [zipOnly]);
    expect(checked.validation.status).toBe("error");
    expect(checked.validation.findings.map((f) => f.code)).toEqual(["POLICY_COMPRESSION"]);
    expect(result.validation.findings).toEqual([]); // the input is not changed
    expect(applyResultRules(result, [])).toBe(result);
  });

  it("a rule that passes leaves the result as it was", () => {
    const lenient: ResultRule = { id: "any", check: () => [] };
    expect(applyResultRules(result, [lenient])).toBe(result);
  });

  it("structural rules run over parsed headers without a whole inspection", () => {
    // No parts decoded: only the file-level rules run, and a file with nothing wrong has no findings.
    expect(validateFile(result.file.flags!, [], [], [])).toEqual([]);
  });
});
