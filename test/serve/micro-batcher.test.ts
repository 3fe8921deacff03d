import { describe, expect, it } from "vitest";
import { MicroBatcher } from "../../src/serve/micro-batcher.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("MicroBatcher", () => {
  it("groups items submitted together into one batch and answers each with its own outcome", async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        return items.map((i) => i * 10);
      },
      { maxItems: 100, maxWaitMs: 20, maxConcurrent: 1 },
    );
    const answers = await Promise.all([1, 2, 3].map((i) => b.submit(i)));
    expect(answers).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("flushes at maxItems without waiting, and piles up behind a running batch", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const b = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items;
      },
      { maxItems: 2, maxWaitMs: 10_000, maxConcurrent: 1 },
    );
    const all = [1, 2, 3, 4, 5].map((i) => b.submit(i));
    await sleep(10);
    expect(batches).toEqual([[1, 2]]);
    release();
    await Promise.all(all.slice(0, 4));
    expect(batches.slice(0, 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    // The fifth waits for company (maxWaitMs) until drain asks for it.
    await b.drain();
    expect(await all[4]).toBe(5);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("rejects every item of a batch that fails and goes on with the next", async () => {
    let calls = 0;
    const b = new MicroBatcher<number, number>(
      async (items) => {
        calls++;
        if (calls === 1) throw new Error("catalog down");
        return items;
      },
      { maxItems: 10, maxWaitMs: 5, maxConcurrent: 1 },
    );
    const first = [b.submit(1), b.submit(2)];
    await expect(first[0]).rejects.toThrow("catalog down");
    await expect(first[1]).rejects.toThrow("catalog down");
    expect(await b.submit(3)).toBe(3);
  });

  it("runs up to maxConcurrent batches at once", async () => {
    let running = 0;
    let peak = 0;
    const b = new MicroBatcher<number, number>(
      async (items) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(20);
        running--;
        return items;
      },
      { maxItems: 1, maxWaitMs: 0, maxConcurrent: 3 },
    );
    await Promise.all(Array.from({ length: 9 }, (_, i) => b.submit(i)));
    expect(peak).toBe(3);
  });
});
