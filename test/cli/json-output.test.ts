import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failedResult } from "../../src/cli/output/failed-result.js";
import { JsonOutput, prettyJson } from "../../src/cli/output/json.js";

describe("prettyJson", () => {
  it("is the same document as JSON.stringify", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(prettyJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps scalar arrays on one line and indents objects by two spaces", () => {
    expect(prettyJson({ a: { min: [0, 1], s: ["x", null] }, b: [] })).toBe(
      '{\n  "a": {\n    "min": [0, 1],\n    "s": ["x", null]\n  },\n  "b": []\n}',
    );
  });
});

describe("JsonOutput", () => {
  const run = async (n: number) => {
    let out = "";
    const json = new JsonOutput((t) => {
      out += t;
    });
    for (let i = 0; i < n; i++) await json.add(prettyJson(failedResult(`f${i}.exr`, "m"), "  "));
    await json.end();
    return JSON.parse(out);
  };

  it("prints a document for one file, an array for several, an empty array for none", async () => {
    expect((await run(1)).file.path).toBe("f0.exr");
    expect((await run(3)).map((d: { file: { path: string } }) => d.file.path)).toEqual([
      "f0.exr",
      "f1.exr",
      "f2.exr",
    ]);
    expect(await run(0)).toEqual([]);
  });

  it("prints one file exactly as prettyJson prints its document", async () => {
    const doc = failedResult("a\nb.exr", "line one\n  line two");
    let out = "";
    const json = new JsonOutput((t) => {
      out += t;
    });
    await json.add(prettyJson(doc, "  "));
    await json.end();
    expect(out).toBe(`${prettyJson(doc)}\n`);
  });
});
