import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerEntry } from "../../src/parallel/worker-entry.js";
import { CLI, removeTempDirs, tempDir, writeSamples } from "./helpers.js";

// The build's bundles (tools/bundle.ts, the last step of `npm run build`) and the script that runs them.
const BUNDLE_DIR = resolve("dist/bundle");
const RUNNER = resolve("dist/cli/run-bundle.cjs");
const BUNDLES = ["cli.cjs", "render-worker.bundle.cjs", "pixel-worker.bundle.cjs", "scan-worker.bundle.cjs"];
const built = existsSync(join(BUNDLE_DIR, "cli.cjs"));

interface Runner {
  runBundle(bundle: string, builtFrom?: string): boolean;
  compileBundle(bundle: string): { cacheUsed: boolean };
}

/** In a fresh `node` (V8 refuses a cache made under other flags, and vitest's workers may have some). */
function inFreshNode(script: string): string {
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

let samples: string[];
beforeAll(() => {
  const { dir, names } = writeSamples();
  samples = names.map((n) => join(dir, n));
});
afterAll(removeTempDirs);

describe.skipIf(!built)("the bundled CLI", () => {
  it("every bundle's code cache is accepted by this node", () => {
    const used = inFreshNode(
      `const r = require(${JSON.stringify(RUNNER)});` +
        `for (const b of ${JSON.stringify(BUNDLES)}) console.log(b, r.compileBundle(require("path").join(${JSON.stringify(BUNDLE_DIR)}, b)).cacheUsed);`,
    );
    expect(used.trim().split("\n")).toEqual(BUNDLES.map((b) => `${b} true`));
  });

  it("a cache made from other bytes of the same length is not used, and the bundle still runs", () => {
    const dir = tempDir("exr-bundle-");
    const bundle = join(dir, "cli.cjs");
    const source = readFileSync(join(BUNDLE_DIR, "cli.cjs"), "latin1");
    // The same length (all V8 checks): one character of the first line (a comment) changed.
    expect(source.startsWith("///usr/bin/env node\n")).toBe(true);
    writeFileSync(bundle, source.replace("///usr/bin/env node", "///usr/bin/env nodf"), "latin1");
    expect(readFileSync(bundle).length).toBe(readFileSync(join(BUNDLE_DIR, "cli.cjs")).length);
    copyFileSync(join(BUNDLE_DIR, "cli.cjs.cache"), `${bundle}.cache`);
    expect(
      inFreshNode(
        `console.log(require(${JSON.stringify(RUNNER)}).compileBundle(${JSON.stringify(bundle)}).cacheUsed)`,
      ),
    ).toBe("false\n");
  });

  it("prints what the modules print, byte for byte, on workers too (>256 files)", () => {
    // Small files only (the run is about the programs, not the files), enough of them for a worker.
    const small = samples.filter((p) => statSync(p).size < 32_768);
    const paths = Array.from({ length: 300 }, (_, i) => small[i % small.length]!);
    for (const args of [
      ["validate", ...paths],
      ["inspect", "--format", "ndjson", ...paths],
      ["inspect", samples[0]!],
      ["--help"],
      ["--version"],
    ]) {
      const run = (entry: string) =>
        spawnSync(process.execPath, [entry, ...args], {
          encoding: "utf8",
          timeout: 60_000,
          maxBuffer: 256 << 20,
        });
      const bundled = run(CLI);
      const modules = run(resolve("dist/cli/main.js"));
      expect(bundled.error).toBeUndefined();
      expect(modules.error).toBeUndefined();
      expect([bundled.status, bundled.stdout, bundled.stderr]).toEqual([
        modules.status,
        modules.stdout,
        modules.stderr,
      ]);
    }
  });
});

describe("running a bundle", () => {
  const runner = createRequire(import.meta.url)(RUNNER) as Runner;

  it.skipIf(!existsSync(RUNNER))(
    "runs it unless the module it was built from is newer (a tsc run since)",
    () => {
      const dir = tempDir("exr-bundle-");
      const bundle = join(dir, "b.cjs");
      const from = join(dir, "main.js");
      writeFileSync(bundle, "globalThis.__bundleRan = (globalThis.__bundleRan ?? 0) + 1;");
      writeFileSync(from, "");
      utimesSync(bundle, 2_000, 2_000);
      utimesSync(from, 1_000, 1_000);
      expect(runner.runBundle(bundle, from)).toBe(true);
      utimesSync(from, 3_000, 3_000);
      expect(runner.runBundle(bundle, from)).toBe(false);
      expect(runner.runBundle(join(dir, "missing.cjs"))).toBe(false);
      expect((globalThis as { __bundleRan?: number }).__bundleRan).toBe(1);
      delete (globalThis as Record<symbol, unknown>)[Symbol.for("exr-inspector.bundle-dir")];
    },
  );

  it("a pool's worker starts the bundled worker only when the program runs from a bundle that has one", () => {
    const dir = tempDir("exr-bundle-");
    writeFileSync(join(dir, "render-worker.cjs"), "");
    const module = pathToFileURL(resolve("dist/cli/output/render-worker.js"));
    const key = Symbol.for("exr-inspector.bundle-dir");
    const global = globalThis as Record<symbol, unknown>;
    expect(workerEntry(module)).toBe(module);
    global[key] = dir;
    try {
      expect(workerEntry(module).href).toBe(pathToFileURL(join(dir, "render-worker.cjs")).href);
      const other = pathToFileURL(resolve("dist/scan/scan-worker.js"));
      expect(workerEntry(other)).toBe(other);
    } finally {
      delete global[key];
    }
  });
});
