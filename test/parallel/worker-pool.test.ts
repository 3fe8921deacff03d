import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RenderedBatch } from "../../src/cli/output/render.js";
import { renderBatch } from "../../src/cli/output/render-files.js";
import { WorkerPool } from "../../src/parallel/worker-pool.js";
import { ensureBuilt, removeTempDirs, tempDir, writeFile, writeSamples } from "../cli/helpers.js";

beforeAll(() => ensureBuilt());
afterAll(() => removeTempDirs());

/** A worker module speaking the pool's protocol through the compiled `serveRequests`. */
function echoWorker(): URL {
  const serve = pathToFileURL(resolve("dist/parallel/serve-requests.js")).href;
  const file = join(tempDir("exr-pool-"), "echo-worker.mjs");
  writeFileSync(
    file,
    `import { threadId } from "node:worker_threads";
import { serveRequests } from ${JSON.stringify(serve)};
serveRequests((r, tick) => {
  if (r === "ticking") {
    // Busy for 1.5 s, ticking every 100 ms: a long request that is working.
    const end = Date.now() + 1500;
    for (let next = Date.now(); Date.now() < end; ) if (Date.now() >= next) { tick(); next += 100; }
    return "TICKED";
  }
  if (r === "exit") process.exit(3);
  if (r === "thread") { const end = Date.now() + 20; while (Date.now() < end) {} return String(threadId); }
  if (r === "throw") setTimeout(() => { throw new Error("boom"); });
  if (r === "hang") { const end = Date.now() + 3000; while (Date.now() < end) {} }
  if (r === "exit" || r === "throw") return new Promise(() => {});
  return r.toUpperCase();
});
`,
  );
  return pathToFileURL(file);
}

describe("WorkerPool", () => {
  it("a worker that answers nothing within the timeout (a stuck read) is dropped and answered through onCrash", async () => {
    const seen: string[] = [];
    const pool = new WorkerPool<string, string>(
      echoWorker(),
      1,
      (req, err) => {
        seen.push(`${req}: ${err instanceof Error ? err.message : String(err)}`);
        return "timed out";
      },
      2,
      500,
    );
    const started = Date.now();
    const answers = await Promise.all([pool.run("hang"), pool.run("b")]);
    expect(answers).toEqual(["timed out", "B"]);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(seen).toEqual([expect.stringMatching(/^hang: no answer within 0.5 s/)]);
    await pool.close();
  });

  it("a worker that keeps ticking through a request longer than the timeout is not dropped", async () => {
    const seen: string[] = [];
    const pool = new WorkerPool<string, string>(
      echoWorker(),
      1,
      (req) => {
        seen.push(req);
        return "timed out";
      },
      2,
      500,
    );
    expect(await Promise.all([pool.run("ticking"), pool.run("b")])).toEqual(["TICKED", "B"]);
    expect(seen).toEqual([]);
    await pool.close();
  });

  it("answers every request, in any number, on a fixed set of threads", async () => {
    const pool = new WorkerPool<string, string>(echoWorker(), 2, () => "crashed");
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`);
    expect(await Promise.all(words.map((w) => pool.run(w)))).toEqual(words.map((w) => w.toUpperCase()));
    await pool.close();
    await expect(pool.run("late")).rejects.toThrow(/closed/);
  });

  it("sends requests to the first useWorkers(n) workers only, and to more once raised", async () => {
    const pool = new WorkerPool<string, string>(echoWorker(), 2, () => "crashed");
    pool.useWorkers(1);
    expect(pool.workers).toBe(1);
    const threads = async () =>
      new Set(await Promise.all(Array.from({ length: 12 }, () => pool.run("thread"))));
    expect((await threads()).size).toBe(1);
    pool.useWorkers(5);
    expect(pool.workers).toBe(2);
    expect((await threads()).size).toBe(2);
    await pool.close();
  });

  it.each(["exit", "throw"])(
    "a worker that dies (%s) answers through onCrash and is replaced",
    async (how) => {
      const seen: string[] = [];
      const pool = new WorkerPool<string, string>(echoWorker(), 1, (req, err) => {
        seen.push(`${req}: ${err instanceof Error ? err.message : String(err)}`);
        return "crashed";
      });
      expect(await pool.run("a")).toBe("A");
      // "b" waits in the same worker behind the request it dies on: it goes back to the queue, a new worker answers.
      // (An answer posted just before a worker dies can be lost, so none is in flight ahead of the crash.)
      const answers = await Promise.all([pool.run(how), pool.run("b")]);
      expect(answers).toEqual(["crashed", "B"]);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatch(how === "exit" ? /code 3/ : /boom/);
      await pool.close();
    },
  );

  it("a worker module that cannot load fails each request once, without a restart loop", async () => {
    const file = join(tempDir("exr-pool-"), "broken-worker.mjs");
    writeFileSync(file, 'throw new Error("cannot load");\n');
    const pool = new WorkerPool<string, string>(pathToFileURL(file), 2, (req) => `failed ${req}`);
    expect(await Promise.all(["a", "b", "c"].map((r) => pool.run(r)))).toEqual([
      "failed a",
      "failed b",
      "failed c",
    ]);
    const crashes = pool.crashes;
    expect(crashes).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.crashes).toBe(crashes);
    await pool.close();
  });
});

/** A batch with its bytes as text (comparing multi-MB typed arrays element by element is slow). */
const asText = (b: RenderedBatch) => ({ ...b, text: Buffer.from(b.text).toString("utf8") });

describe("render workers", () => {
  it("render exactly what the same inspection renders in this thread", async () => {
    const { dir, names } = writeSamples();
    const paths = [
      ...names.map((n) => join(dir, n)),
      writeFile(dir, "junk.exr", "junk"),
      join(dir, "none.exr"),
    ];
    const { createRenderPool } = (await import(
      pathToFileURL(resolve("dist/cli/output/run.js")).href
    )) as typeof import("../../src/cli/output/run.js");
    const pool = createRenderPool(2);
    for (const kind of ["ndjson", "text", "json", "findings-text", "findings-ndjson"] as const) {
      const inWorkers = await pool.run({ paths, kind });
      expect(asText(inWorkers)).toEqual(asText(renderBatch({ paths, kind })));
      expect(inWorkers.files).toBe(paths.length);
      expect(inWorkers.failed).toBeGreaterThanOrEqual(2);
    }
    // validate -q: passing files are counted, not printed; a path the walk could not expand is reported in its place.
    const quiet = await pool.run({
      paths,
      kind: "findings-ndjson",
      omitPassed: true,
      walkErrors: { 0: "cannot read directory" },
    });
    const printed = Buffer.from(quiet.text)
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { path: string; passed: boolean });
    expect(printed.length).toBe(quiet.failed);
    expect(printed.every((r) => !r.passed)).toBe(true);
    expect(printed[0]!.path).toBe(paths[0]);
    expect(asText(quiet)).toEqual(
      asText(
        renderBatch({
          paths,
          kind: "findings-ndjson",
          omitPassed: true,
          walkErrors: { 0: "cannot read directory" },
        }),
      ),
    );
    await pool.close();
  });
});

describe("renderPaths with workers", () => {
  it("renders every file in input order on a started pool exactly as in this thread", async () => {
    const { dir, names } = writeSamples();
    const paths = names.map((n) => join(dir, n));
    // Several batches, with a missing file and a non-EXR among them.
    const args = [...paths, ...paths, join(dir, "none.exr"), writeFile(dir, "junk.exr", "junk"), ...paths];
    const run = (await import(
      pathToFileURL(resolve("dist/cli/output/run.js")).href
    )) as typeof import("../../src/cli/output/run.js");
    const collect = async (options: { jobs: number; pool?: ReturnType<typeof run.createRenderPool> }) => {
      const texts: string[] = [];
      const summary = await run.renderPaths({
        paths: args,
        kind: "ndjson",
        ...options,
        emit: ({ text }) => {
          texts.push(Buffer.from(text).toString("utf8"));
        },
      });
      return { texts, summary };
    };
    const pool = run.createRenderPool(2);
    const inWorkers = await collect({ jobs: 2, pool });
    await pool.close();
    const inThread = await collect({ jobs: 1 });
    // Workers answer a batch with one text, this thread emits file by file: the same bytes in the same order.
    expect(inWorkers.texts.join("")).toEqual(inThread.texts.join(""));
    expect(inWorkers.summary).toEqual(inThread.summary);
    expect(inThread.texts).toHaveLength(args.length);
    expect(inWorkers.summary.failed).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(inThread.texts[2 * paths.length]!).file.path).toBe(join(dir, "none.exr"));
  });
  it("renders a long piped list (read ahead of the workers) exactly as this thread does when no worker can start", async () => {
    const { dir, names } = writeSamples();
    const paths = names.map((n) => join(dir, n));
    // Past the read-ahead of 257 entries that decides between this thread and workers, with a missing file inside.
    const list = [
      ...Array.from({ length: Math.ceil(600 / paths.length) }, () => paths).flat(),
      join(dir, "none.exr"),
    ];
    list.splice(300, 0, join(dir, "gone.exr"));
    const built = (await import(
      pathToFileURL(resolve("dist/cli/output/run.js")).href
    )) as typeof import("../../src/cli/output/run.js");
    // From the TypeScript sources there is no compiled worker: the run falls back to this thread.
    const sources = await import("../../src/cli/output/run.js");
    expect(sources.renderWorkersAvailable()).toBe(false);
    const collect = async (run: typeof sources, jobs?: number) => {
      const texts: string[] = [];
      const summary = await run.renderPaths({
        paths: ["-"],
        stdin: Readable.from([`${list.join("\n")}\n`]),
        kind: "findings-ndjson",
        ...(jobs ? { jobs } : {}),
        emit: ({ text }) => {
          texts.push(Buffer.from(text).toString("utf8"));
        },
      });
      return { text: texts.join(""), summary, emits: texts.length };
    };
    const inWorkers = await collect(built, 2);
    const byDefault = await collect(built);
    const inThread = await collect(sources);
    expect(inThread.emits).toBe(list.length);
    expect(inWorkers.emits).toBeLessThan(list.length);
    expect(inWorkers.text).toEqual(inThread.text);
    expect(byDefault.text).toEqual(inThread.text);
    expect(inWorkers.summary).toEqual(inThread.summary);
    expect(inThread.summary.files).toBe(list.length);
    const printed = inThread.text
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { path: string }).path);
    expect(printed).toEqual(list);
  });
});

describe("workersFor", () => {
  it("gives an idle 2-CPU machine a second worker from 9,000 files (inspect) or 18,000 (validate)", async () => {
    const { workersFor } = await import("../../src/cli/output/run.js");
    const idle = { cpus: 2, load: 2.2 };
    expect(workersFor(300, "ndjson", idle)).toBe(1);
    expect(workersFor(8_999, "ndjson", idle)).toBe(1);
    expect(workersFor(9_000, "ndjson", idle)).toBe(2);
    expect(workersFor(9_000, "text", idle)).toBe(2);
    expect(workersFor(17_999, "findings-line", idle)).toBe(1);
    expect(workersFor(18_000, "findings-ndjson", idle)).toBe(2);
    expect(workersFor(22_016, "findings-line", idle)).toBe(2);
    expect(workersFor(88_064, "findings-text", idle)).toBe(2);
  });

  it("never more than one per CPU and 8, and one on a busy machine", async () => {
    const { workersFor } = await import("../../src/cli/output/run.js");
    expect(workersFor(10_000_000, "ndjson", { cpus: 2, load: 0 })).toBe(2);
    expect(workersFor(10_000_000, "ndjson", { cpus: 32, load: 0 })).toBe(8);
    expect(workersFor(10_000_000, "ndjson", { cpus: 2, load: 4 })).toBe(1);
    expect(workersFor(10_000_000, "findings-line", { cpus: 16, load: 31.9 })).toBe(8);
    expect(workersFor(42_000, "ndjson", { cpus: 16, load: 0 })).toBe(5);
    expect(workersFor(42_000, "findings-line", { cpus: 16, load: 0 })).toBe(3);
  });
});
