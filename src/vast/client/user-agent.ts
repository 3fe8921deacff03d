/**
 * The `User-Agent` of every request to VAST: names exr-inspector and its version (package.json), the way the
 * official SDK names itself ("VAST Database Python SDK X.Y.Z - 2024 (c)"), so a cluster's logs tell the clients apart.
 */
import { readFileSync } from "node:fs";

function packageVersion(): string {
  // src/vast/client/ and dist/vast/client/ are both three levels below the package root.
  const text = readFileSync(new URL("../../../package.json", import.meta.url), "utf8");
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === "string" ? version : "unknown";
}

export const USER_AGENT = `exr-inspector/${packageVersion()} (VAST tabular client; node ${process.versions.node})`;
