import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Deliberately broken corpus files (corpus README): not part of the valid-file list. */
const BROKEN = [
  /(^|\/)Damaged\//,
  /OpenEXRTest\/comp_bad_[^/]*$/,
  /OpenEXRTest\/comp_early_eof_[^/]*$/,
  /OpenEXRTest\/comp_invalid_[^/]*$/,
  /OpenEXRTest\/comp_short_decode_[^/]*$/,
  /OpenEXRTest\/invalid[^/]*\.exr$/,
  /OpenEXRTest\/[^/]*_with_[^/]*_type\.exr$/,
  /OpenEXRTest\/tiled\.exr$/,
];

/** The corpus's valid `.exr` files, sorted (the same selection as python/conformance). */
export function validCorpusFiles(corpus: string): string[] {
  return readdirSync(corpus, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.toLowerCase().endsWith(".exr"))
    .map((d) => join(d.parentPath, d.name))
    .filter((p) => !BROKEN.some((re) => re.test(relative(corpus, p).split(sep).join("/"))))
    .sort();
}
