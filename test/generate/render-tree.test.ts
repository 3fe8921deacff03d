import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { type GeneratedTree, generateRenderTree, MANIFEST_FILE } from "../../src/generate/render-tree.js";
import { inspectFile } from "../../src/inspect/inspect.js";

const RENDERER_NAMES: Record<string, string> = {
  arnold: "Arnold",
  vray: "V-Ray",
  renderman: "RenderMan",
  karma: "Karma",
  redshift: "Redshift",
  cycles: "Cycles",
};

let dir: string;
let tree: GeneratedTree;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-generate-test-"));
  tree = await generateRenderTree({ root: dir, sequences: 24, frames: 2, seed: 3 });
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("generateRenderTree", () => {
  it("covers every renderer and pass kind and writes its manifest", async () => {
    expect(tree.files).toBe(48);
    expect(new Set(tree.sequences.map((s) => `${s.renderer}/${s.pass}`)).size).toBe(24);
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), "utf8")) as GeneratedTree;
    expect(manifest.sequences).toEqual(tree.sequences);
  });

  it("writes valid, complete EXRs whose headers carry the renderer's conventions", async () => {
    for (const seq of tree.sequences) {
      for (const frame of [1001, 1002]) {
        const file = path.join(dir, seq.dir, seq.pattern.replace("####", String(frame)));
        const result = await inspectFile(file);
        expect(result.validation.status, file).not.toBe("error");
        expect(result.file.is_complete, file).toBe(true);
        expect(result.file.frame_number).toBe(frame);
        expect(result.parts[0]?.width).toBe(seq.width);
        expect(result.file.is_deep).toBe(seq.pass === "deep");
        const record = buildRecord(result);
        expect(record.parts[0]?.render_software).toBe(RENDERER_NAMES[seq.renderer]);
        expect(record.parts[0]?.color_space).toBe(seq.colorSpace === "ACEScg" ? "ACEScg (AP1)" : "Rec.709");
        if (seq.pass === "cryptomatte") {
          const manifests = record.attributes.filter((a) => a.attribute_name.endsWith("/manifest"));
          expect(manifests.length).toBeGreaterThan(0);
          expect(JSON.parse(manifests[0]!.value_text!)).toBeTypeOf("object");
        }
      }
    }
  });

  it("is deterministic for a seed", async () => {
    const again = await mkdtemp(path.join(tmpdir(), "exr-generate-test-"));
    try {
      const t2 = await generateRenderTree({ root: again, sequences: 24, frames: 2, seed: 3 });
      expect(t2.sequences).toEqual(tree.sequences);
      for (const s of t2.sequences) {
        const a = await readFile(path.join(again, s.dir, s.pattern.replace("####", "1002")));
        const b = await readFile(path.join(dir, s.dir, s.pattern.replace("####", "1002")));
        expect(a.equals(b)).toBe(true);
      }
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });
});
