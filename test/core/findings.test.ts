import { describe, expect, it } from "vitest";
import { FindingSink, finding, statusOf } from "../../src/core/findings.js";

/** The finding sink's caps per (code, part) and the status of a finding list (mutation testing, issue 20). */
describe("FindingSink", () => {
  const zero = (part: number | null, i: number) =>
    finding("EXR_OFFSET_ZERO", `entry ${i}`, { part_index: part, chunk_index: i });

  it("keeps the first `limit` findings of each code and part, then one summary per capped pair", () => {
    const sink = new FindingSink(3);
    for (let i = 0; i < 5; i++) sink.add(zero(0, i));
    for (let i = 0; i < 3; i++) sink.add(zero(1, i));
    for (let i = 0; i < 4; i++) sink.add(zero(null, i));
    sink.add(finding("EXR_OFFSET_OUT_OF_RANGE", "other code", { part_index: 0 }));
    const out = sink.finish();
    expect(out.map((f) => [f.code, f.part_index, f.chunk_index])).toEqual([
      ["EXR_OFFSET_ZERO", 0, 0],
      ["EXR_OFFSET_ZERO", 0, 1],
      ["EXR_OFFSET_ZERO", 0, 2],
      ["EXR_OFFSET_ZERO", 1, 0],
      ["EXR_OFFSET_ZERO", 1, 1],
      ["EXR_OFFSET_ZERO", 1, 2],
      ["EXR_OFFSET_ZERO", null, 0],
      ["EXR_OFFSET_ZERO", null, 1],
      ["EXR_OFFSET_ZERO", null, 2],
      ["EXR_OFFSET_OUT_OF_RANGE", 0, null],
      ["EXR_FINDINGS_ELIDED", 0, null],
      ["EXR_FINDINGS_ELIDED", null, null],
    ]);
    expect(out.slice(-2)).toEqual([
      finding("EXR_FINDINGS_ELIDED", "2 more EXR_OFFSET_ZERO findings not listed", { part_index: 0 }),
      finding("EXR_FINDINGS_ELIDED", "1 more EXR_OFFSET_ZERO findings not listed", { part_index: null }),
    ]);
    // finishing again gives the same list (the kept findings are not changed by it)
    expect(sink.finish()).toEqual(out);
    expect(sink.findings).toHaveLength(10);
  });

  it("exactly the limit: no summary", () => {
    const sink = new FindingSink(2);
    sink.addAll([zero(0, 0), zero(0, 1)]);
    expect(sink.finish().map((f) => f.chunk_index)).toEqual([0, 1]);
  });

  it("20 by default", () => {
    const sink = new FindingSink();
    for (let i = 0; i < 21; i++) sink.add(zero(2, i));
    const out = sink.finish();
    expect(out).toHaveLength(21);
    expect(out[20]!.message).toBe("1 more EXR_OFFSET_ZERO findings not listed");
  });
});

describe("statusOf", () => {
  it("error over warning over ok; info alone is ok", () => {
    const info = finding("EXR_FINDINGS_ELIDED", "x");
    const warning = finding("EXR_INVALID_UTF8", "x");
    const error = finding("EXR_BAD_MAGIC", "x");
    expect([info.severity, warning.severity, error.severity]).toEqual(["info", "warning", "error"]);
    expect(statusOf([])).toBe("ok");
    expect(statusOf([info])).toBe("ok");
    expect(statusOf([info, warning])).toBe("warning");
    expect(statusOf([warning, error, info])).toBe("error");
  });
});
