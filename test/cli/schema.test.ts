import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failedResult } from "../../src/cli/output/failed-result.js";
import { ensureBuilt, ndjson, removeTempDirs, runCli, writeSamples } from "./helpers.js";

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv2020) => unknown;
const formatsExport = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formatsExport.default ?? formatsExport;

const schema = JSON.parse(readFileSync(resolve("schema/inspection.schema.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);

function problems(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Corpus files that are documentation, not images (Damaged/ files have no .exr extension, so list by exclusion). */
const NOT_IMAGES = /(\.(md|rst|txt)$)|^(COPYING|LICENSE)/i;

const corpus = process.env.EXR_CORPUS ? resolve(process.env.EXR_CORPUS) : null;
const haveCorpus = corpus !== null && existsSync(corpus);

beforeAll(() => ensureBuilt());
afterAll(() => removeTempDirs());

describe("schema/inspection.schema.json", () => {
  it("accepts the output for every generated sample file", async () => {
    const { dir } = writeSamples();
    const docs = ndjson((await runCli(["inspect", "--format", "ndjson", dir])).stdout);
    expect(docs.length).toBeGreaterThan(10);
    for (const d of docs) expect(problems(d), d.file.path).toEqual([]);
  });

  it("rejects documents that break the contract", () => {
    const good = failedResult("x.exr", "m");
    expect(problems(good)).toEqual([]);
    expect(problems({ ...good, validation: { status: "bad", findings: [] } })).not.toEqual([]);
    const attr = (type: string, value: unknown) => ({
      ...good,
      parts: [
        {
          ...partSkeleton,
          attributes: [{ name: "a", type, size: 4, offset: 8, value }],
        },
      ],
    });
    expect(problems(attr("float", "NaN"))).toEqual([]);
    expect(problems(attr("float", "-0"))).toEqual([]);
    expect(problems(attr("float", "nan"))).not.toEqual([]);
    expect(problems(attr("box2i", { min: [0, 0], max: [1, 1] }))).toEqual([]);
    expect(problems(attr("box2i", { min: [0, 0.5], max: [1, 1] }))).not.toEqual([]);
    expect(problems(attr("box2i", { base64: "AAAA" }))).toEqual([]);
    expect(problems(attr("myType", { base64: "AAAA" }))).toEqual([]);
    expect(problems(attr("myType", 3))).not.toEqual([]);
    expect(problems(attr("compression", "zip"))).toEqual([]);
    expect(problems(attr("compression", "zstd"))).not.toEqual([]);
  });

  it.skipIf(!haveCorpus)(
    `accepts the output for every corpus file, damaged ones included (${haveCorpus ? corpus : "EXR_CORPUS unset or missing: skipped"})`,
    async () => {
      const files = readdirSync(corpus!, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile() && !NOT_IMAGES.test(d.name))
        .map((d) => join(d.parentPath, d.name));
      const r = await runCli(["inspect", "--format", "ndjson", "-"], files.join("\n"));
      const docs = ndjson(r.stdout);
      expect(docs.length).toBe(files.length);
      expect(docs.length).toBeGreaterThan(200);
      const bad = docs.flatMap((d) => problems(d).map((p) => `${d.file.path}: ${p}`));
      expect(bad).toEqual([]);
    },
  );
});

const partSkeleton = {
  part_index: 0,
  type: null,
  part_name: null,
  view_name: null,
  views: null,
  data_window: null,
  display_window: null,
  width: null,
  height: null,
  display_width: null,
  display_height: null,
  pixel_aspect_ratio: null,
  line_order: null,
  compression: null,
  is_tiled: false,
  is_deep: false,
  tiling: null,
  chunk_count_stored: null,
  chunk_count: null,
  header_offset: 8,
  offset_table_offset: null,
  data_offset_min: null,
  data_offset_max: null,
  chunks_present: null,
};
