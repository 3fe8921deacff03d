// Writes the EXR writer's sample files (src/core/write/sample-files.ts, built to dist/) into a directory.
// Usage: node python/conformance/make_fixtures.mjs OUT_DIR
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { deflateSync } from "node:zlib";

const root = resolve(import.meta.dirname, "../..");
const { sampleFiles } = await import(pathToFileURL(join(root, "dist/core/write/sample-files.js")).href);
const out = process.argv[2];
if (!out) {
  process.stderr.write("usage: make_fixtures.mjs OUT_DIR\n");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
for (const f of sampleFiles((b) => new Uint8Array(deflateSync(b)))) {
  writeFileSync(join(out, f.name), f.bytes);
  process.stdout.write(`${join(out, f.name)}\n`);
}
