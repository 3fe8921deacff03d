import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Set by dist/cli/run-bundle.cjs to the bundle's directory when the program runs from the build's bundle. */
const BUNDLE_DIR = Symbol.for("exr-inspector.bundle-dir");

/**
 * The script a worker for module `url` starts: its bundled form (`<bundle dir>/<name>.cjs`, written by
 * `npm run build` with its code cache) when this program runs from the bundle and one exists, else the module.
 */
export function workerEntry(url: URL): URL {
  const dir = (globalThis as Record<symbol, unknown>)[BUNDLE_DIR];
  if (typeof dir !== "string" || url.protocol !== "file:") return url;
  const bundled = join(dir, basename(fileURLToPath(url)).replace(/\.js$/, ".cjs"));
  return existsSync(bundled) ? pathToFileURL(bundled) : url;
}
