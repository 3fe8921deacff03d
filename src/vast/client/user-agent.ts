/**
 * The `User-Agent` of every request to VAST: names exr-inspector and its version (package.json), the way the
 * official SDK names itself ("VAST Database Python SDK X.Y.Z - 2024 (c)"), so a cluster's logs tell the clients apart.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The version in the nearest package.json named exr-inspector above this module (src/, dist/, bench/out/…). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 8; up++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === "exr-inspector" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // no (readable) package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return "unknown";
}

export const USER_AGENT = `exr-inspector/${packageVersion()} (VAST tabular client; node ${process.versions.node})`;
