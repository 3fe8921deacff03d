// Runs one of the build's CommonJS bundles (dist/bundle/, written by tools/bundle.ts) with V8's code cache.
// A fresh process per command spent most of its own start-up parsing and compiling ~100 modules and resolving
// them through the ES module loader; one script whose bytecode is read from the cache skips both (measured in
// docs/notes/inspect-speed.md, "Session 7").
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createRequire, wrap } from "node:module";
import { dirname } from "node:path";
import { constants, Script } from "node:vm";

/** The directory of the running bundle, set before it runs: worker pools start the bundled form of their workers. */
const BUNDLE_DIR = Symbol.for("exr-inspector.bundle-dir");
/** The cache file starts with the SHA-256 of the bundle it was made from: V8 itself only checks the source's length. */
const HASH_BYTES = 32;

export function cacheFileOf(bundle: string): string {
  return `${bundle}.cache`;
}

export function bundleHash(source: Buffer): Buffer {
  return createHash("sha256").update(source).digest();
}

/**
 * The bundle compiled as Node compiles a CommonJS module (the same wrapper), with its cache when the cache was made
 * from these exact bytes.
 */
export function compileBundle(
  bundle: string,
  withCache = true,
): { script: Script; source: Buffer; cacheUsed: boolean } {
  const source = readFileSync(bundle);
  let cachedData: Buffer | undefined;
  if (withCache) {
    try {
      const cache = readFileSync(cacheFileOf(bundle));
      if (cache.length > HASH_BYTES && bundleHash(source).equals(cache.subarray(0, HASH_BYTES)))
        cachedData = cache.subarray(HASH_BYTES);
    } catch {
      // no cache: compiled from source
    }
  }
  const script = new Script(wrap(source.toString("utf8")), {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return { script, source, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * Runs `bundle` as the program when it exists and is not older than `builtFrom` (the compiled module it was bundled
 * from: a `tsc` run after the last full build leaves the bundle stale, and then the modules run instead).
 * False when it did not run.
 */
export function runBundle(bundle: string, builtFrom?: string): boolean {
  try {
    const made = statSync(bundle).mtimeMs;
    if (builtFrom !== undefined && made < statSync(builtFrom).mtimeMs) return false;
  } catch {
    return false;
  }
  const { script } = compileBundle(bundle);
  (globalThis as Record<symbol, unknown>)[BUNDLE_DIR] = dirname(bundle);
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return true;
}
