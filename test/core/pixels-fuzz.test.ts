import { join } from "node:path";
import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Inflate } from "../../src/core/codecs/types.js";
import { decodeChunk, isChunkFailure } from "../../src/core/pixels/decode-chunk.js";
import { decodeDeepChunk } from "../../src/core/pixels/decode-deep.js";
import type { PartLayout } from "../../src/core/pixels/part-layout.js";
import { writeExr } from "../../src/core/write/index.js";
import type { ExrSpec } from "../../src/core/write/spec.js";
import { htj2kDecoder } from "../../src/inspect/htj2k-decoder.js";
import { zlibInflate } from "../../src/inspect/options.js";
import { chunkRefs, planPixels } from "../../src/inspect/read-chunks.js";
import { BufferSource } from "../../src/io/buffer-source.js";
import type { ByteSource } from "../../src/io/byte-source.js";
import { FileSource } from "../../src/io/file-source.js";
import { corpusRoot } from "../inspect/helpers.js";

/**
 * Property: no mutation of a compressed chunk (bit flips, overwritten bytes, truncation, insertion, deletion,
 * size fields set to anything) makes a decoder throw or return planes of the wrong size; damage is a coded
 * finding. Runs PIXEL_FUZZ_RUNS cases (default 3,000 inside `npm test`; `npm run test:pixels-fuzz` runs 100,000,
 * as CI does). PIXEL_FUZZ_SEED replays a run. Bases: generated none/zip/zips flat and deep chunks, the committed
 * DWAA/DWAB fixtures (scan-line, tiled; Huffman and deflated AC) and HTJ2K fixtures (OpenJPH's WebAssembly decoder), plus (with EXR_CORPUS) rle, piz, pxr24, b44,
 * b44a and version-1 DWAA/DWAB chunks of corpus files. Besides byte damage, the first eleven 64-bit words of the
 * data (a DWA block's counters) are set to anything.
 */
const RUNS = Number(process.env.PIXEL_FUZZ_RUNS ?? 3_000);
const SEED = process.env.PIXEL_FUZZ_SEED ? Number(process.env.PIXEL_FUZZ_SEED) : undefined;
const MAX_UNPACKED = 96 * 1024;
const inflate: Inflate = zlibInflate;

interface Base {
  name: string;
  layout: PartLayout;
  chunk: number;
  bytes: Uint8Array;
}

const value = (c: string, x: number, y: number) => ((x * 31 + y * 17 + c.charCodeAt(0)) % 251) / 7 - 3;

function generatedFiles(): { name: string; bytes: Uint8Array }[] {
  const deflate = (d: Uint8Array) => deflateSync(d);
  const flat = (compression: "none" | "zip" | "zips"): ExrSpec => ({
    deflate,
    parts: [
      {
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [40, 20] },
        compression,
        channels: [
          { name: "R", type: "half" },
          { name: "Z", type: "float" },
          { name: "i", type: "uint" },
          { name: "BY", type: "half", xSampling: 2, ySampling: 2 },
        ],
        pixel: value,
      },
    ],
  });
  const deep = (type: "deepscanline" | "deeptile", compression: "zip" | "zips" | "none"): ExrSpec => ({
    deflate,
    parts: [
      {
        type,
        dataWindow: { min: [0, 0], max: [15, 9] },
        compression,
        ...(type === "deeptile" ? { tiles: { x_size: 8, y_size: 8 } } : {}),
        channels: [
          { name: "A", type: "half" },
          { name: "Z", type: "float" },
        ],
        sampleCount: (x, y) => (x + y) % 3,
        sample: (c, x, y, i) => value(c, x, y) + i,
      },
    ],
  });
  return [
    { name: "flat-none", bytes: writeExr(flat("none")) },
    { name: "flat-zip", bytes: writeExr(flat("zip")) },
    { name: "flat-zips", bytes: writeExr(flat("zips")) },
    { name: "deep-scanline-zip", bytes: writeExr(deep("deepscanline", "zip")) },
    { name: "deep-tiled-zips", bytes: writeExr(deep("deeptile", "zips")) },
  ];
}

const CORPUS_FILES = [
  "openexr-tests/OpenEXRTest/comp_rle.exr",
  "openexr-tests/OpenEXRTest/comp_piz.exr",
  "openexr-images/MultiResolution/ColorCodedLevels.exr", // pxr24
  "openexr-tests/OpenEXRTest/comp_b44.exr",
  "openexr-images/MultiView/Adjuster.exr", // b44a
  "openexr-tests/OpenEXRTest/comp_dwaa_v1.exr", // DWA blocks without channel rules (legacy)
  "openexr-tests/OpenEXRTest/comp_dwab_v1.exr",
];

const CODEC_FIXTURES = [
  "dwa/dwaa_scanline.exr",
  "dwa/dwab_tiled.exr",
  "htj2k/htj2k256_scanline.exr",
  "htj2k/htj2k32_tiled.exr",
  "htj2k/htj2k256_float.exr",
  "htj2k/htj2k32_subsampled.exr",
].map((f) => join(import.meta.dirname, "../fixtures", f));

async function basesOf(name: string, source: ByteSource, limit: number): Promise<Base[]> {
  const plan = await planPixels(source);
  const out: Base[] = [];
  for (const ref of await chunkRefs(source, plan)) {
    const layout = plan.layouts[ref.part]!;
    if (ref.extent > MAX_UNPACKED) continue;
    out.push({
      name: `${name}#${ref.chunk}`,
      layout,
      chunk: ref.chunk,
      bytes: await source.read(ref.offset, ref.extent),
    });
    if (out.length >= limit) break;
  }
  return out;
}

async function prepareBases(): Promise<Base[]> {
  const bases: Base[] = [];
  for (const f of generatedFiles()) bases.push(...(await basesOf(f.name, new BufferSource(f.bytes), 3)));
  for (const path of CODEC_FIXTURES) {
    const source = await FileSource.open(path);
    try {
      bases.push(...(await basesOf(path, source, 4)));
    } finally {
      await source.close();
    }
  }
  const root = corpusRoot();
  if (root) {
    for (const rel of CORPUS_FILES) {
      const source = await FileSource.open(join(root, rel));
      try {
        bases.push(...(await basesOf(rel, source, 3)));
      } finally {
        await source.close();
      }
    }
  }
  return bases;
}

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "overwrite"; at: number; byte: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number }
  | { kind: "size"; field: number; value: number }
  | { kind: "word"; index: number; lo: number; hi: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("flip" as const),
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("overwrite" as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("insert" as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      at: fc.nat(),
      count: fc.integer({ min: 1, max: 16 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("size" as const),
      field: fc.integer({ min: 0, max: 3 }),
      value: fc.oneof(fc.integer(), fc.constantFrom(0, 1, -1, 0x7fffffff, 2 ** 32 - 1)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("word" as const),
      index: fc.integer({ min: 0, max: 10 }),
      lo: fc.oneof(fc.nat(), fc.constantFrom(0, 1, 2, 3, 0xffffffff, 0x7fffffff)),
      hi: fc.oneof(fc.constant(0), fc.constantFrom(1, 0x7fffffff, 0xffffffff), fc.nat()),
    }),
  },
);

function mutate(b: Base, ms: Mutation[]): Uint8Array {
  let bytes: Uint8Array = b.bytes.slice();
  // Pixel data starts after the chunk header; most mutations aim there (header damage is the inspector's fuzz).
  const header = (b.layout.multipart ? 4 : 0) + (b.layout.tiling ? 16 : 4) + (b.layout.deep ? 24 : 4);
  for (const m of ms) {
    const span = Math.max(1, bytes.length - header);
    const at = header + (("at" in m ? m.at : 0) % span);
    if (m.kind === "flip") bytes[at] = (bytes[at] ?? 0) ^ (1 << m.bit);
    else if (m.kind === "overwrite") bytes[at] = m.byte;
    else if (m.kind === "truncate") bytes = bytes.subarray(0, at);
    else if (m.kind === "insert") bytes = concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
    else if (m.kind === "delete") bytes = concat(bytes.subarray(0, at), bytes.subarray(at + m.count));
    else if (m.kind === "word") {
      // A 64-bit little-endian word of the data (in a DWA block: one of its eleven counters).
      const pos = header + 8 * m.index;
      if (pos + 8 <= bytes.length) {
        const view = new DataView(bytes.buffer, bytes.byteOffset);
        view.setUint32(pos, m.lo >>> 0, true);
        view.setUint32(pos + 4, m.hi >>> 0, true);
      }
    } else {
      // The size fields: flat chunks have one int32 before the data, deep ones three uint64 (low words set here).
      const fields = b.layout.deep ? [header - 24, header - 16, header - 8] : [header - 4];
      const pos = fields[m.field % fields.length]!;
      if (pos + 4 <= bytes.length)
        new DataView(bytes.buffer, bytes.byteOffset).setInt32(pos, m.value | 0, true);
    }
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe("decoders under mutated chunks", () => {
  it(`${RUNS} mutations of compressed chunks: coded findings or well-formed pixels, never an exception`, async () => {
    const bases = await prepareBases();
    // A shorter timeout than production: a looping damaged codestream is common enough here to dominate the run.
    const htj2k = (await htj2kDecoder(1_000)) ?? undefined;
    expect(htj2k).toBeDefined();
    expect(bases.length).toBeGreaterThanOrEqual(10);
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, ms) => {
        const base = bases[pick % bases.length]!;
        const bytes = mutate(base, ms);
        const r = base.layout.deep
          ? decodeDeepChunk(base.layout, base.chunk, bytes, 1000, inflate)
          : decodeChunk(base.layout, base.chunk, bytes, 1000, inflate, htj2k);
        if (isChunkFailure(r)) {
          expect(r.findings.length).toBeGreaterThan(0);
          for (const f of r.findings) {
            expect(f.code).toMatch(/^EXR_[A-Z0-9_]+$/);
            expect(f.chunk_index).toBe(base.chunk);
            expect(f.byte_offset).toBe(1000);
          }
        } else if ("planes" in r) {
          for (const p of r.planes) expect(p.data.length).toBe(p.width * p.height);
        } else {
          expect(r.counts.length).toBe(r.width * r.height);
          for (const c of r.channels) expect(c.data.length).toBe(r.totalSamples);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 1_800_000);
});
