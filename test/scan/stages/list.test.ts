import { describe, expect, it } from "vitest";
import type { InputEntry } from "../../../src/io/remote-inputs.js";
import { SourceError } from "../../../src/io/source-error.js";
import { abortableWaits, listInGroups } from "../../../src/scan/stages/list.js";

function hooks(stopped = () => false) {
  const seen = { found: 0, errors: [] as string[], walkDone: false };
  return {
    seen,
    hooks: {
      aborted: new Promise<null>(() => {}),
      stopped,
      onFound: () => seen.found++,
      onInputError: (m: string) => seen.errors.push(m),
      onWalkDone: () => {
        seen.walkDone = true;
      },
    },
  };
}

async function* entries(paths: string[], pauseAfter = -1, pauseMs = 0): AsyncGenerator<InputEntry> {
  for (let i = 0; i < paths.length; i++) {
    if (i === pauseAfter) await new Promise((r) => setTimeout(r, pauseMs));
    yield { path: paths[i]! };
  }
}

async function collect(groups: AsyncGenerator<InputEntry[]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const g of groups) out.push(g.map((e) => e.path));
  return out;
}

describe("listInGroups", () => {
  it("hands on full groups of 1024 and the rest at the end", async () => {
    const paths = Array.from({ length: 2500 }, (_, i) => `f${i}.exr`);
    const { seen, hooks: h } = hooks();
    const groups = await collect(listInGroups(entries(paths), h));
    expect(groups.map((g) => g.length)).toEqual([1024, 1024, 452]);
    expect(groups.flat()).toEqual(paths);
    expect(seen.found).toBe(2500);
    expect(seen.walkDone).toBe(true);
  });

  it("hands on a partial group when the walk stalls, before the walk ends", async () => {
    const { hooks: h } = hooks();
    const order: string[] = [];
    const walk = (async function* (): AsyncGenerator<InputEntry> {
      yield { path: "a.exr" };
      yield { path: "b.exr" };
      await new Promise((r) => setTimeout(r, 600));
      order.push("walk resumed");
      yield { path: "c.exr" };
    })();
    for await (const g of listInGroups(walk, h)) order.push(g.map((e) => e.path).join(","));
    expect(order).toEqual(["a.exr,b.exr", "walk resumed", "c.exr"]);
  });

  it("reports input failures apart and does not count them as found", async () => {
    const { seen, hooks: h } = hooks();
    const walk = (async function* (): AsyncGenerator<InputEntry> {
      yield { path: "a.exr" };
      yield {
        path: "s3://nope/",
        failure: new SourceError("EXR_SOURCE_NOT_FOUND", "x"),
        error: "no such bucket",
      };
      yield { path: "missing", failure: new SourceError("EXR_SOURCE_NOT_FOUND", "x") };
    })();
    expect(await collect(listInGroups(walk, h))).toEqual([["a.exr"]]);
    expect(seen.errors).toEqual(["no such bucket", "missing"]);
    expect(seen.found).toBe(1);
  });

  it("after a stop hands on nothing more and does not call the walk done", async () => {
    let stop = false;
    const { seen, hooks: h } = hooks(() => stop);
    const paths = Array.from({ length: 1500 }, (_, i) => `f${i}.exr`);
    const got: number[] = [];
    for await (const g of listInGroups(entries(paths), h)) {
      got.push(g.length);
      stop = true;
    }
    expect(got).toEqual([1024]);
    expect(seen.walkDone).toBe(false);
  });

  it("ends at once when aborted while the walk waits forever", async () => {
    let abort!: (v: null) => void;
    const aborted = new Promise<null>((r) => {
      abort = r;
    });
    const { hooks: h } = hooks();
    const walk: AsyncIterator<InputEntry> = { next: () => new Promise(() => {}) };
    setTimeout(() => abort(null), 50);
    expect(await collect(listInGroups(walk, { ...h, aborted }))).toEqual([]);
  });

  it("subscribes to the abort signal once per run, not once per path (no reaction left per path)", async () => {
    let subscriptions = 0;
    class CountingPromise<T> extends Promise<T> {
      // biome-ignore lint/suspicious/noThenProperty: counts who subscribes to the promise, as a promise must
      override then<A = T, B = never>(
        onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
        onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
      ): Promise<A | B> {
        subscriptions++;
        return super.then(onFulfilled, onRejected);
      }
    }
    const aborted = new CountingPromise<null>(() => {});
    const { hooks: h } = hooks();
    const paths = Array.from({ length: 3000 }, (_, i) => `f${i}.exr`);
    const groups = await collect(listInGroups(entries(paths), { ...h, aborted }));
    expect(groups.flat()).toEqual(paths);
    expect(subscriptions).toBe(1);
  });
});

describe("abortableWaits", () => {
  it("passes a wait's value and its rejection through", async () => {
    const abortable = abortableWaits(new Promise<null>(() => {}));
    expect(await abortable(Promise.resolve(7))).toBe(7);
    await expect(abortable(Promise.reject(new Error("walk failed")))).rejects.toThrow("walk failed");
  });

  it("ends the wait in progress with null on abort, and every later wait at once", async () => {
    let abort!: (v: null) => void;
    const abortable = abortableWaits(
      new Promise<null>((r) => {
        abort = r;
      }),
    );
    const waiting = abortable(new Promise<number>(() => {}));
    abort(null);
    expect(await waiting).toBeNull();
    expect(await abortable(new Promise<number>(() => {}))).toBeNull();
    expect(await abortable(Promise.resolve(3))).toBeNull();
  });
});
