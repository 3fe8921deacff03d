import { describe, expect, it } from "vitest";
import { ReadAhead } from "../../src/cli/output/read-ahead.js";

async function* numbers(n: number, failAt = -1): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw new Error(`walk failed at ${i}`);
    yield i;
  }
}

/** Lets the walk run as far as it will without a consumer. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("ReadAhead", () => {
  it("yields every item in input order, in batches of the given size (the last one shorter)", async () => {
    const ahead = new ReadAhead(numbers(23), 5, 2);
    const batches: number[][] = [];
    for await (const batch of ahead.batches()) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    expect(batches.flat()).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it("walks ahead of a consumer that takes nothing, up to its bound, and reports the count as it goes", async () => {
    const counts: number[] = [];
    const ahead = new ReadAhead(numbers(1_000), 10, 3);
    ahead.onPulled((n) => counts.push(n));
    await settle();
    // Three batches ahead plus the one a consumer would take next; then the walk waits.
    expect(counts).toEqual([0, 10, 20, 30, 40]);
    const batches = ahead.batches();
    expect((await batches.next()).value).toEqual(Array.from({ length: 10 }, (_, i) => i));
    await settle();
    expect(counts.at(-1)).toBe(50);
  });

  it("reports a short walk's last, partial batch", async () => {
    const counts: number[] = [];
    const ahead = new ReadAhead(numbers(7), 5, 4);
    ahead.onPulled((n) => counts.push(n));
    await settle();
    expect(counts).toEqual([0, 5, 7]);
  });

  it("hands over the batches completed before a walk fails, then its error", async () => {
    const ahead = new ReadAhead(numbers(100, 12), 5, 8);
    const seen: number[] = [];
    const consume = async () => {
      for await (const batch of ahead.batches()) seen.push(...batch);
    };
    await expect(consume()).rejects.toThrow("walk failed at 12");
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
