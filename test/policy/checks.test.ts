/** Every check kind on files written with our writer (the presets do not use every field of every kind). */
import { describe, expect, it } from "vitest";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import type { InspectionResult } from "../../src/core/model.js";
import { type PartSpec, writeExr } from "../../src/core/write/index.js";
import {
  evaluatePolicy,
  policyFindings,
  withPolicyFindings,
  worstSeverity,
} from "../../src/policy/evaluate.js";
import type { Check, PixelStats, Policy, RuleResult } from "../../src/policy/model.js";

const box = (x1: number, y1: number) => ({
  min: [0, 0] as [number, number],
  max: [x1, y1] as [number, number],
});

function inspect(path: string, parts: Partial<PartSpec>[] = [{}]): InspectionResult {
  const base: PartSpec = {
    type: "scanlineimage",
    dataWindow: box(7, 3),
    channels: [
      { name: "R", type: "half" },
      { name: "G", type: "half" },
      { name: "B", type: "half" },
      { name: "Z", type: "float" },
    ],
    attributes: [
      { name: "owner", type: "string", value: "Jane Doe" },
      { name: "samples", type: "int", value: 64 },
    ],
  };
  return inspectBytes(writeExr({ parts: parts.map((p, i) => ({ ...base, name: `p${i}`, ...p })) }), { path });
}

const FILE = inspect("/shots/a/beauty.0042.exr");

function judge(check: Check, result = FILE, stats: PixelStats | null = null): RuleResult {
  const policy: Policy = {
    id: "t",
    title: "t",
    extends: [],
    rules: [{ id: "r", severity: "warning", check, message: "m", suggested_fix: "f" }],
  };
  return evaluatePolicy(policy, result, stats)[0]!;
}
const outcome = (check: Check, result = FILE, stats: PixelStats | null = null) =>
  judge(check, result, stats).outcome;

describe("check kinds", () => {
  it("attribute: presence, type, equals, one_of, min/max, pattern, optional", () => {
    expect(outcome({ kind: "attribute", name: "owner" })).toBe("pass");
    expect(judge({ kind: "attribute", name: "missing" })).toMatchObject({
      outcome: "fail",
      actual: "absent",
    });
    expect(outcome({ kind: "attribute", name: "missing", optional: true, equals: 1 })).toBe("pass");
    expect(judge({ kind: "attribute", name: "samples", type: "float" })).toMatchObject({
      outcome: "fail",
      expected: "type float",
      actual: "type int",
      attribute: "samples",
      part_index: 0,
    });
    expect(outcome({ kind: "attribute", name: "samples", equals: 64 })).toBe("pass");
    expect(outcome({ kind: "attribute", name: "samples", one_of: [32, 128] })).toBe("fail");
    expect(outcome({ kind: "attribute", name: "samples", min: 64, max: 64 })).toBe("pass");
    expect(outcome({ kind: "attribute", name: "samples", min: 65 })).toBe("fail");
    expect(outcome({ kind: "attribute", name: "samples", max: 63 })).toBe("fail");
    expect(outcome({ kind: "attribute", name: "owner", pattern: "^Jane" })).toBe("pass");
    expect(outcome({ kind: "attribute", name: "owner", pattern: "^John" })).toBe("fail");
    expect(outcome({ kind: "attribute", name: "dataWindow", equals: { min: [0, 0], max: [7, 3] } })).toBe(
      "pass",
    );
  });

  it("required and forbidden attributes", () => {
    expect(outcome({ kind: "required_attributes", names: ["owner", "samples"] })).toBe("pass");
    expect(judge({ kind: "required_attributes", names: ["owner", "comments"] })).toMatchObject({
      outcome: "fail",
      actual: "missing: comments",
    });
    expect(outcome({ kind: "forbidden_attributes", names: ["comments"] })).toBe("pass");
    expect(judge({ kind: "forbidden_attributes", names: ["owner"] })).toMatchObject({
      outcome: "fail",
      actual: "present: owner",
    });
  });

  it("pixel types over all or colour channels; channel names; sampling", () => {
    expect(outcome({ kind: "pixel_types", allowed: ["half"] })).toBe("fail");
    expect(outcome({ kind: "pixel_types", allowed: ["half"], channels: "color" })).toBe("pass");
    expect(judge({ kind: "pixel_types", allowed: ["half"] }).actual).toBe("Z: float");
    expect(outcome({ kind: "channel_names", pattern: "^[RGBZ]$", required: ["Z"], forbidden: ["A"] })).toBe(
      "pass",
    );
    expect(outcome({ kind: "channel_names", required: ["A"] })).toBe("fail");
    expect(outcome({ kind: "channel_names", forbidden: ["Z"] })).toBe("fail");
    expect(outcome({ kind: "channel_sets", allowed: [["Z", "B", "G", "R"]] })).toBe("pass");
    expect(outcome({ kind: "channel_sampling", x: 1, y: 1 })).toBe("pass");
    expect(outcome({ kind: "channel_sampling", x: 2, y: 1 })).toBe("fail");
  });

  it("resolution bounds on the data or display window; part count; tiled; deep; version flags", () => {
    expect(outcome({ kind: "resolution", width: 8, height: 4, max_width: 8, max_height: 4 })).toBe("pass");
    expect(judge({ kind: "resolution", max_width: 7 })).toMatchObject({ outcome: "fail", actual: "8x4" });
    const overscan = inspect("x.exr", [{ displayWindow: box(15, 7) }]);
    expect(outcome({ kind: "resolution", window: "display", width: 16 }, overscan)).toBe("pass");
    expect(outcome({ kind: "resolution", width: 16 }, overscan)).toBe("fail");
    const two = inspect("x.exr", [{}, {}]);
    expect(outcome({ kind: "part_count", max: 1 }, two)).toBe("fail");
    expect(outcome({ kind: "part_count", min: 2, max: 2 }, two)).toBe("pass");
    expect(outcome({ kind: "version_flags", allowed_flags: [] }, two)).toBe("fail");
    expect(outcome({ kind: "version_flags", allowed_flags: ["multipart"] }, two)).toBe("pass");
    expect(outcome({ kind: "tiled", tiled: true })).toBe("fail");
    expect(outcome({ kind: "deep", deep: false })).toBe("pass");
  });

  it("file name and frame number: padding, range, optional", () => {
    expect(outcome({ kind: "file_name", pattern: "^beauty\\." })).toBe("pass");
    expect(outcome({ kind: "frame_number", min_padding: 4, min: 42, max: 42 })).toBe("pass");
    expect(judge({ kind: "frame_number", min_padding: 5 })).toMatchObject({
      outcome: "fail",
      actual: "0042",
    });
    expect(outcome({ kind: "frame_number", min: 1001 })).toBe("fail");
    const unnumbered = inspect("/a/Desk.exr");
    expect(outcome({ kind: "frame_number" }, unnumbered)).toBe("fail");
    expect(outcome({ kind: "frame_number", required: false }, unnumbered)).toBe("pass");
    expect(outcome({ kind: "frame_number", min_padding: 3 }, inspect("/a/shot.-005.exr"))).toBe("pass");
  });

  it("size limits", () => {
    const size = FILE.file.size_bytes;
    expect(outcome({ kind: "size_limits", min_file_bytes: size, max_file_bytes: size })).toBe("pass");
    expect(outcome({ kind: "size_limits", min_file_bytes: size + 1 })).toBe("fail");
    expect(outcome({ kind: "size_limits", max_header_bytes: 100 })).toBe("fail");
  });

  it("finite pixels: needs statistics, then judges colour or all channels", () => {
    const check: Check = { kind: "finite_pixels" };
    expect(judge(check)).toMatchObject({ outcome: "needs_stats", severity: "warning" });
    const stats = (z: number): PixelStats => ({
      parts: [
        {
          part_index: 0,
          levels: [
            {
              level: [0, 0],
              channels: [
                { name: "R", nan_count: 0, inf_count: 0 },
                { name: "Z", nan_count: 0, inf_count: z },
              ],
            },
          ],
        },
      ],
    });
    expect(outcome(check, FILE, stats(0))).toBe("pass");
    expect(outcome(check, FILE, stats(3))).toBe("pass"); // Z is not a colour channel
    expect(judge({ kind: "finite_pixels", channels: "all" }, FILE, stats(3))).toMatchObject({
      outcome: "fail",
      actual: "Z: 0 NaN, 3 Inf",
    });
  });

  it("any_of passes on any alternative and reports every expectation otherwise", () => {
    const noChroma: Check = { kind: "chromaticities", expected: "ap0" };
    expect(outcome({ kind: "any_of", checks: [noChroma, { kind: "attribute", name: "owner" }] })).toBe(
      "pass",
    );
    const failed = judge({
      kind: "any_of",
      checks: [noChroma, { kind: "attribute", name: "colorInteropID" }],
    });
    expect(failed.outcome).toBe("fail");
    expect(failed.expected).toMatch(/^ap0: red \(0\.7347, 0\.2653\).*; or present$/);
    expect(outcome({ kind: "any_of", checks: [noChroma, { kind: "finite_pixels" }] })).toBe("needs_stats");
  });
});

describe("findings", () => {
  const policy: Policy = {
    id: "p",
    title: "p",
    extends: [],
    rules: [
      {
        id: "a",
        severity: "error",
        check: { kind: "tiled", tiled: true },
        message: "tiles",
        suggested_fix: "tile it",
      },
      { id: "b", severity: "error", check: { kind: "finite_pixels" }, message: "nan", suggested_fix: "fix" },
      {
        id: "c",
        severity: "info",
        check: { kind: "deep", deep: false },
        message: "deep",
        suggested_fix: "x",
      },
    ],
  };

  it("a failed rule is a finding with its severity; a rule needing statistics an info finding", () => {
    const findings = policyFindings(evaluatePolicy(policy, FILE));
    expect(findings.map((f) => [f.code, f.severity, f.rule_id])).toEqual([
      ["EXR_POLICY_VIOLATION", "error", "a"],
      ["EXR_POLICY_NEEDS_STATS", "info", "b"],
    ]);
    expect(findings[1]!.message).toBe("rule b needs pixel statistics; run with statistics to judge it");
    const judged = withPolicyFindings(FILE, policy);
    expect(judged.validation.status).toBe("error");
    expect(FILE.validation.findings).toEqual([]);
    expect(worstSeverity(judged.validation.findings)).toBe("error");
  });

  it("a file whose header cannot be read is not evaluated", () => {
    const unreadable = inspectBytes(new Uint8Array([1, 2, 3]), { path: "x.exr" });
    expect(evaluatePolicy(policy, unreadable).every((r) => r.outcome === "not_evaluated")).toBe(true);
    expect(policyFindings(evaluatePolicy(policy, unreadable))).toEqual([]);
  });
});
