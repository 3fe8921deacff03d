import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { inspect } from "../../src/inspect/inspect.js";
import { FileSource } from "../../src/io/file-source.js";
import { CORPUS_SKIP_REASON, CountingSource, corpusRoot, listFiles } from "./helpers.js";

const root = corpusRoot();
const suite = root ? describe : describe.skip;

/** openexr-tests files that are malformed on purpose (see the corpus README). */
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

/**
 * Damaged files whose damage lies inside compressed pixel data: their headers, offset tables and chunk
 * sizes are all consistent, so a header-level inspector cannot tell them from valid files.
 */
const UNDETECTABLE_WITHOUT_DECODING = new Set([
  "asan_heap-oob_7f171b7ab3a2_937_b4e2415c399c2ab39548de911223769d_exr", // PIZ payload overrun
]);

async function inspectCounting(path: string) {
  const file = await FileSource.open(path);
  const src = new CountingSource(file);
  try {
    const result = await inspect(src);
    return { result, src, size: await file.size() };
  } finally {
    await file.close();
  }
}

const isBroken = (rel: string) => DELIBERATELY_BROKEN.some((re) => re.test(rel));
const errorsOf = (r: { validation: { findings: { severity: string; code: string }[] } }) =>
  r.validation.findings.filter((f) => f.severity === "error");

suite(root ? "corpus" : CORPUS_SKIP_REASON, () => {
  const all = root ? listFiles(root) : [];
  const rel = (p: string) => relative(root!, p);
  const valid = all.filter((p) => !rel(p).includes("Damaged/") && !isBroken(rel(p)));
  const broken = all.filter((p) => isBroken(rel(p)));
  const damaged = all.filter((p) => rel(p).includes("Damaged/"));

  it("finds the corpus files", () => {
    expect(valid.length).toBeGreaterThan(60);
    expect(broken.length).toBeGreaterThanOrEqual(14);
    expect(damaged.length).toBeGreaterThan(100);
  });

  it.each(valid.map((p) => [rel(p), p]))("valid %s: no errors, complete, reads bounded", async (_, path) => {
    const { result, src, size } = await inspectCounting(path);
    expect(errorsOf(result)).toEqual([]);
    expect(result.file.is_complete).toBe(true);
    expect(result.file.header_hash).toMatch(/^[0-9a-f]{64}$/);
    for (const p of result.parts) {
      if (p.chunk_count_stored !== null) expect(p.chunk_count_stored).toBe(p.chunk_count);
      expect(p.chunks_present).toBe(p.chunk_count);
    }
    expect(src.bytesRead).toBeLessThanOrEqual(size);
    expect(result.file.bytes_read).toBe(src.bytesRead);
  });

  it.each(broken.map((p) => [rel(p), p]))("broken %s: coded errors, no exception", async (_, path) => {
    const { result, src, size } = await inspectCounting(path);
    expect(errorsOf(result).length).toBeGreaterThan(0);
    for (const f of result.validation.findings) expect(f.code).toMatch(/^EXR_[A-Z0-9_]+$/);
    expect(src.bytesRead).toBeLessThanOrEqual(size);
  });

  it.each(damaged.map((p) => [rel(p), p]))(
    "damaged %s: result without exception, bounded reads",
    async (_, path) => {
      const { result, src, size } = await inspectCounting(path);
      expect(result.file.size_bytes).toBe(size);
      expect(src.bytesRead).toBeLessThanOrEqual(size);
      expect(src.largestRead).toBeLessThanOrEqual(Math.max(size, 64 * 1024));
      if (!UNDETECTABLE_WITHOUT_DECODING.has(basename(path))) {
        expect(errorsOf(result).length).toBeGreaterThan(0);
        expect(result.validation.status).toBe("error");
      }
    },
  );

  it("unfinished_multipart.exr is reported incomplete with part, chunk and offset", async () => {
    const { result } = await inspectCounting(
      join(root!, "openexr-tests/python_tests/unfinished_multipart.exr"),
    );
    expect(result.file.is_complete).toBe(false);
    const f = result.validation.findings.find((x) => x.code.startsWith("EXR_OFFSET_"));
    expect(f).toMatchObject({
      part_index: expect.any(Number),
      chunk_index: 0,
      byte_offset: expect.any(Number),
    });
  });

  it("type attributes contradicting the version flags are reported", async () => {
    for (const name of ["scanline_with_tiledimage_type.exr", "tiled_with_scanlineimage_type.exr"]) {
      const { result } = await inspectCounting(join(root!, "openexr-tests/OpenEXRTest", name));
      expect(result.validation.findings.map((f) => f.code)).toContain("EXR_TYPE_FLAG_MISMATCH");
    }
  });

  it("shared attributes that differ across parts are reported", async () => {
    const { result } = await inspectCounting(
      join(root!, "openexr-tests/OpenEXRTest/invalid_shared_attrs_multipart.exr"),
    );
    expect(result.validation.findings.map((f) => f.code)).toContain("EXR_SHARED_ATTRIBUTE_MISMATCH");
  });

  it("synthetic/alltypes.exr decodes every attribute type", async () => {
    const { result } = await inspectCounting(join(root!, "synthetic/alltypes.exr"));
    const v = Object.fromEntries(result.parts[0]!.attributes.map((a) => [a.name, [a.type, a.value]]));
    expect(v.t_box2f).toEqual(["box2f", { min: [-1.5, -2.5], max: [3.5, 4.5] }]);
    expect(v.chromaticities![1]).toEqual({
      red: [Math.fround(0.64), Math.fround(0.33)],
      green: [Math.fround(0.3), Math.fround(0.6)],
      blue: [Math.fround(0.15), Math.fround(0.06)],
      white: [Math.fround(0.3127), Math.fround(0.329)],
    });
    expect(v.t_double).toEqual(["double", 1 / 3]);
    expect(v.envmap).toEqual(["envmap", "CUBE"]);
    expect(v.t_floatvector).toEqual(["floatvector", [1, 2, 3]]);
    expect(v.t_int).toEqual(["int", -7]);
    expect(v.keyCode).toEqual([
      "keycode",
      {
        film_mfc_code: 1,
        film_type: 2,
        prefix: 3,
        count: 4,
        perf_offset: 5,
        perfs_per_frame: 4,
        perfs_per_count: 64,
      },
    ]);
    expect(v.t_m33f).toEqual(["m33f", [0, 1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(v.t_m33d).toEqual(["m33d", [0, 1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(v.worldToCamera).toEqual(["m44f", Array.from({ length: 16 }, (_, i) => i)]);
    expect(v.t_m44d).toEqual(["m44d", Array.from({ length: 16 }, (_, i) => i)]);
    expect(v.preview).toEqual([
      "preview",
      { width: 2, height: 1, hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
    ]);
    expect(v.framesPerSecond).toEqual(["rational", { numerator: 24000, denominator: 1001 }]);
    expect(v.owner).toEqual(["string", "ACME"]);
    expect(v.t_latin1).toEqual(["string", { text: "caf\ufffd", base64: "Y2Fm6Q==", valid_utf8: false }]);
    expect(v.multiView).toEqual(["stringvector", ["left", "right"]]);
    expect(v.t_tiledesc).toEqual([
      "tiledesc",
      { x_size: 32, y_size: 32, level_mode: "MIPMAP_LEVELS", rounding_mode: "ROUND_UP" },
    ]);
    expect(v.timeCode).toEqual(["timecode", { time_and_flags: 0x01020304, user_data: 0 }]);
    expect(v.t_v2i).toEqual(["v2i", [1, 2]]);
    expect(v.t_v2d).toEqual(["v2d", [1.25, 2.5]]);
    expect(v.t_v3i).toEqual(["v3i", [1, 2, 3]]);
    expect(v.t_v3f).toEqual(["v3f", [1, 2, 3]]);
    expect(v.t_v3d).toEqual(["v3d", [1, 2, 3]]);
    expect(v.deepImageState).toEqual(["deepImageState", "TIDY"]);
    expect(v.t_bytes).toEqual(["bytes", { base64: Buffer.from('{"a":1}').toString("base64"), hint: "json" }]);
    expect(v.t_nan).toEqual(["float", "NaN"]);
    expect(v.t_opaque).toEqual(["myCustomType", { base64: "3q2+7w==" }]);
    expect(result.parts[0]!.views).toEqual(["left", "right"]);
    expect(result.validation.status).toBe("warning");
  });

  it("ID manifests are counted", async () => {
    const { result } = await inspectCounting(join(root!, "openexr-tests/bin_test_images/11.deep.exr"));
    const manifest = result.parts[0]!.attributes.find((a) => a.name === "idManifest");
    expect(manifest).toMatchObject({ type: "idmanifest", size: 241 });
    expect(manifest!.value).toEqual({ uncompressed_size: 262, compressed_size: 233, groups: 2, entries: 11 });
  });

  it("frame numbers come from file names", async () => {
    const { result } = await inspectCounting(join(root!, "openexr-images/Beachball/multipart.0003.exr"));
    expect(result.file.frame_number).toBe(3);
  });
});
