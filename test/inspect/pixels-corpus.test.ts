import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { pixelReportFile } from "../../src/inspect/pixel-report.js";
import { CORPUS_SKIP_REASON, corpusRoot, listFiles } from "./helpers.js";

const root = corpusRoot();
const suite = root ? describe : describe.skip;
if (!root) console.warn(CORPUS_SKIP_REASON);

const DELIBERATELY_BROKEN = [
  /OpenEXRTest\/comp_bad_/,
  /OpenEXRTest\/comp_early_eof_/,
  /OpenEXRTest\/comp_invalid_/,
  /OpenEXRTest\/comp_short_decode_/,
  /OpenEXRTest\/invalid[^/]*\.exr$/,
  /OpenEXRTest\/[^/]*_with_[^/]*_type\.exr$/,
  /OpenEXRTest\/tiled\.exr$/,
  /python_tests\/unfinished_multipart\.exr$/,
];
const PIXEL_DAMAGE = new Set([
  "EXR_CHUNK_CORRUPT",
  "EXR_CHUNK_SIZE_MISMATCH",
  "EXR_DEEP_SAMPLE_COUNTS_INVALID",
]);

suite("verify and stats on the corpus", () => {
  const all = root
    ? listFiles(root).filter((p) => p.toLowerCase().endsWith(".exr") || p.includes("/Damaged/"))
    : [];
  const damaged = all.filter((p) => p.includes("/Damaged/"));
  const valid = all.filter((p) => !p.includes("/Damaged/") && !DELIBERATELY_BROKEN.some((re) => re.test(p)));

  it("every valid file decodes without a pixel finding", async () => {
    for (const p of valid) {
      const r = await pixelReportFile(p, { stats: false });
      const bad = r.findings.filter((f) => PIXEL_DAMAGE.has(f.code) || f.code === "EXR_CHUNK_HEADER_INVALID");
      expect(bad, relative(root!, p)).toEqual([]);
    }
  }, 900_000);

  it("the lossless codecs of OpenEXRTest decode to the same pixels as the uncompressed file", async () => {
    const dir = join(root!, "openexr-tests/OpenEXRTest");
    const hash = async (name: string) =>
      (await pixelReportFile(join(dir, name), { stats: true })).parts[0]!.pixel_hash;
    const none = await hash("comp_none.exr");
    expect(none).toMatch(/^[0-9a-f]{64}$/);
    for (const name of ["comp_rle.exr", "comp_zips.exr", "comp_zip.exr", "comp_piz.exr"])
      expect(await hash(name), name).toBe(none);
  }, 60_000);

  // CPU time, not wall time: the shared CI machine can be loaded many times over.
  it("every Damaged file gives a result or coded findings within 1 s of CPU, and the PIZ overrun is found", async () => {
    expect(damaged.length).toBeGreaterThan(100);
    for (const p of damaged) {
      const t = process.cpuUsage();
      const r = await pixelReportFile(p, { stats: true });
      const used = process.cpuUsage(t);
      expect((used.user + used.system) / 1000, basename(p)).toBeLessThan(1000);
      for (const f of r.findings) expect(f.code, basename(p)).toMatch(/^EXR_[A-Z0-9_]+$/);
      if (basename(p).startsWith("asan_heap-oob_7f171b7ab3a2_937_"))
        expect(r.findings.some((f) => f.code === "EXR_CHUNK_CORRUPT")).toBe(true);
    }
  }, 300_000);
});
