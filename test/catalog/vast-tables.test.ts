/** The VAST adapter's batching helpers: fixed-size chunks, and awaiting every request before reporting a failure. */
import { describe, expect, it } from "vitest";
import { chunks, settleAll } from "../../src/catalog/vast/vast-tables.js";

describe("chunks", () => {
  it("splits in order into pieces of the size, the last one shorter", () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(chunks(["a"], 64)).toEqual([["a"]]);
    expect(chunks([], 3)).toEqual([]);
  });
});

describe("settleAll", () => {
  it("waits for every promise, then throws the first failure in list order", async () => {
    const finished: string[] = [];
    const later = (name: string, ms: number, fail = false) =>
      new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          finished.push(name);
          if (fail) reject(new Error(name));
          else resolve();
        }, ms),
      );
    await expect(
      settleAll([later("slow", 30), later("second", 10, true), later("first", 1, true)]),
    ).rejects.toThrow("second");
    expect(finished.sort()).toEqual(["first", "second", "slow"]);
  });

  it("resolves when every promise does (and with none)", async () => {
    await expect(settleAll([Promise.resolve(1), Promise.resolve("x")])).resolves.toBeUndefined();
    await expect(settleAll([])).resolves.toBeUndefined();
  });
});
