import { describe, expect, it } from "vitest";
import {
  ADAPTIVE_WAIT_MIN_ITEMS,
  MAX_ADAPTIVE_WAIT_MS,
  MicroBatcher,
} from "../../src/serve/micro-batcher.js";

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

  it("waits for items on their way, and not a moment longer once none is (upcoming, nudge)", async () => {
    const batches: number[][] = [];
    let upcoming = 1;
    const b = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        return items;
      },
      { maxItems: 100, maxWaitMs: 10_000, maxConcurrent: 1, upcoming: () => upcoming },
    );
    const first = b.submit(1);
    await sleep(30);
    expect(batches).toEqual([]); // one more is being prepared: wait for it
    upcoming = 0;
    await Promise.all([first, b.submit(2)]); // the last one arrives: written at once, not after 10 s
    expect(batches).toEqual([[1, 2]]);
    upcoming = 1;
    const third = b.submit(3);
    await sleep(30);
    expect(batches).toHaveLength(1);
    upcoming = 0; // the one on its way will not come (skipped, failed)
    b.nudge();
    await third;
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it("waits for items on their way up to twice the last write when many wait, at most MAX_ADAPTIVE_WAIT_MS", async () => {
    const batches: number[][] = [];
    let upcoming = 0;
    let writeMs = 150;
    const b = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        await sleep(writeMs);
        return items;
      },
      { maxItems: 100, maxWaitMs: 10, maxConcurrent: 1, upcoming: () => upcoming },
    );
    const many = (from: number) =>
      Promise.all(Array.from({ length: ADAPTIVE_WAIT_MIN_ITEMS }, (_, i) => b.submit(from + i)));
    await b.submit(1); // nothing on its way: written at once, and took ~150 ms
    upcoming = 1;
    await b.submit(2); // one more on its way, but few wait: written after maxWaitMs
    expect(batches).toEqual([[1], [2]]);
    writeMs = 0;
    const waiting = many(100);
    await sleep(100);
    expect(batches).toHaveLength(2); // many wait and the last write took ~150 ms: still waiting
    await waiting;
    expect(batches).toHaveLength(3); // written ~300 ms after they came, though one more is still on its way
    expect(batches[2]).toHaveLength(ADAPTIVE_WAIT_MIN_ITEMS);

    writeMs = MAX_ADAPTIVE_WAIT_MS + 400;
    upcoming = 0;
    await b.submit(3); // a slow write
    upcoming = 1;
    writeMs = 0;
    const started = performance.now();
    await many(200);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(MAX_ADAPTIVE_WAIT_MS - 20);
    expect(waited).toBeLessThan(MAX_ADAPTIVE_WAIT_MS + 300);
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

  it("starts the next batch once a batch releases (committed, checking), and drains only when all settled", async () => {
    const started: number[][] = [];
    let finishFirst: () => void = () => {};
    const firstChecked = new Promise<void>((r) => {
      finishFirst = r;
    });
    const b = new MicroBatcher<number, number>(
      async (items, release) => {
        started.push(items);
        if (started.length === 1) {
          release(); // committed: only the check is left
          release(); // twice is harmless: one slot
          await firstChecked;
        }
        return items;
      },
      { maxItems: 1, maxWaitMs: 0, maxConcurrent: 1 },
    );
    const first = b.submit(1);
    const second = b.submit(2);
    const third = b.submit(3);
    expect(await second).toBe(2); // written while the first batch was still checking
    expect(await third).toBe(3);
    expect(started).toEqual([[1], [2], [3]]);
    let drained = false;
    const drain = b.drain().then(() => {
      drained = true;
    });
    await sleep(20);
    expect(drained).toBe(false); // the first batch's outcome is still pending
    finishFirst();
    expect(await first).toBe(1);
    await drain;
    expect(drained).toBe(true);
  });
});
