// Dumps exr-inspector's decoded pixels (level 0 of every decodable part, raw little-endian bits) and its
// `stats` document for each file, for compare_pixels.py. Uses the built library (dist/).
// Usage: node python/conformance/dump_pixels.mjs OUT_DIR FILE...   (writes OUT_DIR/index.ndjson)
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "../..");
const lib = await import(pathToFileURL(join(root, "dist/index.js")).href);
const { FileSource } = await import(pathToFileURL(join(root, "dist/io/file-source.js")).href);
const [out, ...files] = process.argv.slice(2);
if (!out) {
  process.stderr.write("usage: dump_pixels.mjs OUT_DIR FILE...\n");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const index = [];
for (const [i, path] of files.entries()) {
  const report = await lib.pixelReportFile(path, { stats: true });
  const parts = [];
  const source = await FileSource.open(path);
  try {
    for (const p of report.parts) {
      const px = await lib.readPixels(source, { part: p.part_index, level: [0, 0] });
      const channels = px.channels.map((c, k) => {
        const file = join(out, `${i}_${p.part_index}_${k}.bin`);
        writeFileSync(file, new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength));
        return { name: c.name, type: c.type, width: c.width, height: c.height, file };
      });
      parts.push({ part_index: p.part_index, channels });
    }
  } finally {
    await source.close();
  }
  index.push(JSON.stringify({ path, parts, stats: { path, parts: report.parts, findings: report.findings } }));
}
writeFileSync(join(out, "index.ndjson"), `${index.join("\n")}\n`);
