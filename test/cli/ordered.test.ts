import { describe, expect, it } from "vitest";
import { mapOrdered } from "../../src/cli/output/ordered.js";

async function* numbers(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

describe("mapOrdered", () => {
  it("yields in input order with at most `limit` calls in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const out: number[] = [];
    const slow = async (i: number) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      inFlight--;
      return i * 10;
    };
    for await (const v of mapOrdered(numbers(50), slow, 4)) out.push(v);
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 10));
    expect(peak).toBe(4);
  });
});
