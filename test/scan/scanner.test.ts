import { mkdtemp, readFile, rm, truncate, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbCatalogStore } from "../../src/catalog/duckdb/duckdb-store.js";
import { type GeneratedTree, generateRenderTree } from "../../src/generate/render-tree.js";
import { scan } from "../../src/scan/scanner.js";

let dir: string;
let tree: GeneratedTree;
const firstFile = () => {
  const s = tree.sequences[0]!;
  return path.join(dir, s.dir, s.pattern.replace("####", "1001"));
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-scan-test-"));
  tree = await generateRenderTree({ root: dir, sequences: 8, frames: 3, seed: 7 });
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function freshStore() {
  const store = await DuckDbCatalogStore.open(":memory:");
  await store.init();
  return store;
}

describe("scan", () => {
  it("catalogues a tree, skips it unchanged, re-inspects with force", async () => {
    const store = await freshStore();
    try {
      const first = await scan({ inputs: [dir], store, batchSize: 7 });
      expect(first.inspected).toBe(tree.files);
      expect(first.inserted).toBe(tree.files);
      expect(first.invalid + first.incomplete + first.errors).toBe(0);
      const counts = await store.counts();
      expect(counts.files).toBe(tree.files);

      const second = await scan({ inputs: [dir], store });
      expect(second.skipped).toBe(tree.files);
      expect(second.inspected).toBe(0);
      expect(await store.counts()).toEqual(counts);

      const forced = await scan({ inputs: [dir], store, force: true });
      expect(forced.reinspected).toBe(tree.files);
      expect(await store.counts()).toEqual(counts);
      const r = await store.query(
        "SELECT min(inspection_count), max(inspection_count) FROM exr_metadata.files",
      );
      expect(r.rows[0]).toEqual([2, 2]);
    } finally {
      await store.close();
    }
  });

  it("a changed file becomes a new version; a damaged file an error row; the scan goes on", async () => {
    const store = await freshStore();
    try {
      await scan({ inputs: [dir], store });
      const target = firstFile();
      const bytes = await readFile(target);
      // Change a header byte inside the software string (same size, new header hash), bump mtime.
      const text = Buffer.from(bytes);
      const at = text.indexOf("Arnold");
      text.write("Brnold", at);
      await writeFile(target, text);
      const broken = path.join(dir, "broken.exr");
      await writeFile(broken, bytes.subarray(0, 40));
      const notExr = path.join(dir, "notes.exr");
      await writeFile(notExr, "not an image");
      const summary = await scan({ inputs: [dir], store });
      expect(summary.inspected).toBe(3);
      expect(summary.skipped).toBe(tree.files - 1);
      expect(summary.errors + summary.invalid).toBeGreaterThanOrEqual(2);
      const versions = await store.query(
        `SELECT count(*) FROM exr_metadata.files WHERE file_path_normalized = '${target}'`,
      );
      expect(versions.rows[0]).toEqual([2]);
      const current = await store.knownState([target, broken, notExr]);
      expect(current.size).toBe(3);
      const b = await store.getRecord(current.get(broken)!.file_id);
      expect(b?.file.validation_status).toBe("error");
      expect(b?.file.error_codes?.length).toBeGreaterThan(0);
      const n = await store.getRecord(current.get(notExr)!.file_id);
      expect(n?.file.error_codes?.length).toBeGreaterThan(0);
      await rm(broken);
      await rm(notExr);
      await writeFile(target, bytes);
      await utimes(target, new Date(), new Date());
    } finally {
      await store.close();
    }
  });

  it("an interrupted scan keeps what it committed and a re-run resumes without duplicates", async () => {
    const store = await freshStore();
    try {
      let batches = 0;
      const partial = await scan({
        inputs: [dir],
        store,
        batchSize: 4,
        jobSize: 2,
        onProgress: () => {
          batches++;
        },
        shouldStop: () => batches >= 2,
      });
      expect(partial.interrupted).toBe(true);
      const committed = (await store.counts()).files;
      expect(committed).toBeGreaterThan(0);
      expect(committed).toBeLessThan(tree.files);
      const rest = await scan({ inputs: [dir], store });
      expect(rest.skipped).toBe(committed);
      expect(rest.inserted).toBe(tree.files - committed);
      const dupes = await store.query(
        "SELECT count(*) FROM (SELECT file_path_normalized FROM exr_metadata.files GROUP BY 1 HAVING count(*) > 1)",
      );
      expect(dupes.rows[0]).toEqual([0]);
      const orphans = await store.query(
        "SELECT count(*) FROM exr_metadata.attributes a ANTI JOIN exr_metadata.files f USING (file_id)",
      );
      expect(orphans.rows[0]).toEqual([0]);
    } finally {
      await store.close();
    }
  });

  it("a truncated file is catalogued as incomplete", async () => {
    const store = await freshStore();
    const copy = path.join(dir, "truncated.exr");
    try {
      const bytes = await readFile(firstFile());
      await writeFile(copy, bytes);
      await truncate(copy, bytes.length - 10);
      await scan({ inputs: [copy], store });
      const known = await store.knownState([copy]);
      const rec = await store.getRecord(known.get(copy)!.file_id);
      expect(rec?.file.is_complete).toBe(false);
    } finally {
      await rm(copy, { force: true });
      await store.close();
    }
  });

  it("a failing catalog write stops the scan with its error, without inspecting the rest first", async () => {
    const store = await freshStore();
    let calls = 0;
    const failing = Object.assign(Object.create(store) as DuckDbCatalogStore, {
      upsertBatch: async () => {
        calls++;
        throw new Error("disk full");
      },
    });
    try {
      await expect(scan({ inputs: [dir], store: failing, batchSize: 2, jobSize: 1 })).rejects.toThrow(
        "disk full",
      );
      expect(calls).toBeLessThan(tree.files / 2);
    } finally {
      await store.close();
    }
  });
});
