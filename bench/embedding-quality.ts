/**
 * Embedding quality: for a query from every sequence of a generated render tree, among its 10 nearest
 * neighbours (cosine) from OTHER sequences, the % that share the query's pass kind and renderer. Ours (feature
 * hashing of meaningful tokens) next to the seed's hash-of-payload scheme, same files, same run.
 *
 *   npm run bench:embeddings -- [--sequences 96] [--frames 5]
 *
 * Each (renderer, pass kind) pair needs at least 3 sequences so that 10 same-kind neighbours from other
 * sequences exist: the defaults give 4 per pair (96 sequences = 6 renderers × 4 pass kinds × 4).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildRecord } from "../src/catalog/build-record.js";
import { cosineSimilarity } from "../src/catalog/embeddings/feature-hashing.js";
import { payloadHashEmbedding } from "../src/catalog/embeddings/payload-hash-embedding.js";
import { generateRenderTree } from "../src/generate/render-tree.js";
import { inspectFile } from "../src/inspect/inspect.js";

const { values } = parseArgs({
  options: {
    sequences: { type: "string", default: "96" },
    frames: { type: "string", default: "5" },
    k: { type: "string", default: "10" },
  },
});
const k = Number(values.k);
const root = await mkdtemp(path.join(tmpdir(), "exr-embedding-quality-"));
try {
  const tree = await generateRenderTree({
    root,
    sequences: Number(values.sequences),
    frames: Number(values.frames),
    seed: 5,
  });
  interface Item {
    seq: number;
    kind: string;
    ours: Float32Array;
    seed: Float32Array;
  }
  const items: Item[] = [];
  for (const s of tree.sequences) {
    for (let f = 0; f < s.frames; f++) {
      const file = path.join(root, s.dir, s.pattern.replace("####", String(1001 + f)));
      const result = await inspectFile(file);
      const ours = buildRecord(result).file.metadata_embedding;
      if (!ours) throw new Error(`${file}: no embedding`);
      items.push({
        seq: s.index,
        kind: `${s.renderer}/${s.pass}`,
        ours,
        seed: payloadHashEmbedding(result, 384),
      });
    }
  }
  const score = (pick: (i: Item) => Float32Array) => {
    let shared = 0;
    let total = 0;
    for (const s of tree.sequences) {
      // The query of a sequence: its middle frame.
      const queryIndex = items.findIndex((i) => i.seq === s.index) + Math.floor(s.frames / 2);
      const q = items[queryIndex]!;
      const neighbours = items
        .filter((i) => i.seq !== q.seq)
        .map((i) => ({ i, sim: cosineSimilarity(pick(q), pick(i)) }))
        .sort((a, b) => b.sim - a.sim)
        .slice(0, k);
      shared += neighbours.filter((n) => n.i.kind === q.kind).length;
      total += neighbours.length;
    }
    return (100 * shared) / total;
  };
  const ours = score((i) => i.ours);
  const seed = score((i) => i.seed);
  process.stdout.write(
    `${[
      `tree: ${tree.files} files, ${tree.sequences.length} sequences (6 renderers × 4 pass kinds), one query per sequence`,
      `top-${k} neighbours from other sequences sharing the query's pass kind and renderer:`,
      `  exr-inspector metadata_embedding (feature hashing): ${ours.toFixed(1)}%  (goal ≥ 90%)`,
      `  seed hash-of-payload embedding:                     ${seed.toFixed(1)}%`,
      `  chance level:                                       ${(100 / 24).toFixed(1)}%`,
    ].join("\n")}\n`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
