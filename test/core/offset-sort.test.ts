import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allFitSorted,
  bucketSortedKeys,
  insertionSortBounded,
  mergeRuns,
  segmentOf,
  sortedKeys,
} from "../../src/core/offset-tables.js";

// The sorting helpers of the offset-table analysis, each against its contract. Only the first `n` values of
// the input count (the arrays are reused scratch space, longer than `n`).

const offsetLists = fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 0, maxLength: 200 });

/** `values` followed by junk that must be ignored. */
function padded(values: number[]): Float64Array {
  const a = new Float64Array(values.length + 3);
  a.set(values);
  a.fill(-7, values.length);
  return a;
}

const ascending = (values: number[]) => values.slice().sort((a, b) => a - b);

describe("offset sorting helpers", () => {
  it("sortedKeys sorts the first n keys", () => {
    fc.assert(
      fc.property(offsetLists, (values) => {
        expect([...sortedKeys(padded(values), values.length).subarray(0, values.length)]).toEqual(
          ascending(values),
        );
      }),
      { numRuns: 200 },
    );
    expect([...sortedKeys(Float64Array.of(5, 1, 4, 2, 3), 5).subarray(0, 5)]).toEqual([1, 2, 3, 4, 5]);
  });

  it("mergeRuns orders the indices by offset, stably", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 200 }), (values) => {
        const idx = [...mergeRuns(padded(values), values.length).subarray(0, values.length)];
        const expected = values.map((o, i) => ({ o, i })).sort((a, b) => a.o - b.o || a.i - b.i);
        expect(idx).toEqual(expected.map((e) => e.i));
      }),
      { numRuns: 200 },
    );
    // three runs, ties across runs keep table order
    expect([...mergeRuns(Float64Array.of(10, 20, 5, 20, 1, 30), 6)]).toEqual([4, 2, 0, 1, 3, 5]);
  });

  it("bucketSortedKeys sorts spread-out keys, and gives up (null) only on clustered ones", () => {
    fc.assert(
      fc.property(offsetLists, (values) => {
        const sorted = bucketSortedKeys(padded(values), values.length);
        if (sorted) expect([...sorted.subarray(0, values.length)]).toEqual(ascending(values));
      }),
      { numRuns: 200 },
    );
    // chunks spread over the file in any order: one bucket each, no give-up
    const spread = Array.from({ length: 500 }, (_, i) => 1000 + ((i * 7919) % 500) * 100);
    expect([...(bucketSortedKeys(padded(spread), 500) ?? [])]).toEqual(ascending(spread));
    const two = bucketSortedKeys(Float64Array.of(300, 100), 2);
    expect(two && [...two.subarray(0, 2)]).toEqual([100, 300]);
    // one far outlier crowds every other key into one bucket: too many moves
    const clustered = Array.from({ length: 400 }, (_, i) => 400 - i);
    clustered.push(10_000_000);
    expect(bucketSortedKeys(padded(clustered), clustered.length)).toBeNull();
  });

  it("insertionSortBounded sorts within its budget of moves, else reports false", () => {
    const reversed = () => Float64Array.of(10, 9, 8, 7, 6, 5, 4, 3, 2, 1); // 45 moves to sort
    const ok = reversed();
    expect(insertionSortBounded(ok, 10, 45)).toBe(true);
    expect([...ok]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(insertionSortBounded(reversed(), 10, 44)).toBe(false);
    const partial = Float64Array.of(3, 1, 2, 0);
    expect(insertionSortBounded(partial, 3, 2)).toBe(true);
    expect([...partial]).toEqual([1, 2, 3, 0]);
    expect(insertionSortBounded(Float64Array.of(1, 1, 2), 3, 0)).toBe(true);
  });

  it("allFitSorted: every gap in sorted order at least the header size, the last before EOF", () => {
    fc.assert(
      fc.property(
        offsetLists,
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 50 }),
        (values, slack, h) => {
          const fileSize = Math.max(0, ...values) + slack;
          const s = ascending(values);
          const fits = s.every((o, k) => o + h <= (k + 1 < s.length ? s[k + 1]! : fileSize));
          expect(allFitSorted(padded(values), values.length, h, fileSize)).toBe(fits);
        },
      ),
      { numRuns: 300 },
    );
    expect(allFitSorted(new Float64Array(0), 0, 8, 0)).toBe(true);
    expect(allFitSorted(Float64Array.of(20, 10), 2, 10, 30)).toBe(true);
    expect(allFitSorted(Float64Array.of(20, 10), 2, 10, 29)).toBe(false);
    expect(allFitSorted(Float64Array.of(20, 11), 2, 10, 30)).toBe(false);
  });

  it("segmentOf: the last segment starting at or before an entry (empty segments skipped)", () => {
    const starts = [0, 3, 3, 5, 9];
    expect([0, 1, 2, 3, 4, 5, 8, 9, 12].map((i) => segmentOf(starts, i))).toEqual([
      0, 0, 0, 2, 2, 3, 3, 4, 4,
    ]);
    expect(segmentOf([0], 7)).toBe(0);
  });
});
