import { describe, expect, it } from "vitest";
import { groupDigits } from "../../src/cli/output/group-digits.js";

describe("groupDigits", () => {
  it("prints a count as toLocaleString('en-US') does", () => {
    const counts = [0, 1, 12, 999, 1_000, 9_999, 10_000, 123_456, 999_999, 1_000_000, 22_016, 1_234_567_890];
    for (let n = 1; n < Number.MAX_SAFE_INTEGER / 7; n = n * 7 + 3) counts.push(n);
    counts.push(Number.MAX_SAFE_INTEGER);
    for (const n of counts) expect(groupDigits(n)).toBe(n.toLocaleString("en-US"));
  });

  it("leaves what is not a count to toLocaleString", () => {
    for (const n of [-1_234, 1_234.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])
      expect(groupDigits(n)).toBe(n.toLocaleString("en-US"));
  });
});
