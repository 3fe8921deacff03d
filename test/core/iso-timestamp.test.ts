import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoTimestamp } from "../../src/core/iso-timestamp.js";

describe("isoTimestamp", () => {
  it("equals Date.prototype.toISOString everywhere a Date is valid", () => {
    const MAX = 8.64e15;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 253_402_300_799_999 }),
          fc.integer({ min: -MAX, max: MAX }),
          fc.double({ min: -1e13, max: 1e13, noNaN: true }),
        ),
        (ms) => {
          expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("edges: epoch, leap days, century rules, the last 4-digit year", () => {
    for (const iso of [
      "1970-01-01T00:00:00.000Z",
      "2000-02-29T23:59:59.999Z",
      "2100-03-01T00:00:00.000Z",
      "2024-02-29T12:34:56.007Z",
      "1999-12-31T23:59:59.090Z",
      "9999-12-31T23:59:59.999Z",
    ]) {
      expect(isoTimestamp(Date.parse(iso))).toBe(iso);
    }
  });
});
