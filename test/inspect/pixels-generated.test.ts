import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { halfToFloatTable } from "../../src/core/codecs/half.js";
import type { ChannelPlane } from "../../src/core/pixels/decode-chunk.js";
import { isChunkFailure } from "../../src/core/pixels/decode-chunk.js";
import { writeExr } from "../../src/core/write/index.js";
import type { ExrSpec, PartSpec } from "../../src/core/write/spec.js";
import { pixelReport } from "../../src/inspect/pixel-report.js";
import { planPixels, readChunks } from "../../src/inspect/read-chunks.js";
import { BufferSource } from "../../src/io/buffer-source.js";

const deflate = (d: Uint8Array) => deflateSync(d);

/** Values exactly representable as half, float and uint so every type round-trips. */
const value = (channel: string, x: number, y: number) => ((x * 7 + y * 13 + channel.charCodeAt(0)) % 97) - 10;

function sampleValue(p: ChannelPlane, i: number): number {
  if (p.type === "half") return halfToFloatTable[p.data[i]!]!;
  // A chunk's planes may share one buffer: view this plane's bytes only.
  if (p.type === "float") return new Float32Array(p.data.buffer, p.data.byteOffset, p.data.length)[i]!;
  return p.data[i]!;
}

async function decodeAll(bytes: Uint8Array) {
  const source = new BufferSource(bytes, "memory:gen.exr");
  const plan = await planPixels(source);
  const chunks = [];
  for await (const e of readChunks(source, plan)) chunks.push(e);
  return { plan, chunks };
}

const scanline = (compression: "none" | "zip" | "zips", extra: Partial<PartSpec> = {}): ExrSpec => ({
  deflate,
  parts: [
    {
      type: "scanlineimage",
      dataWindow: { min: [-3, 2], max: [36, 41] },
      compression,
      channels: [
        { name: "R", type: "half" },
        { name: "Z", type: "float" },
        { name: "id", type: "uint" },
        { name: "RY", type: "half", xSampling: 2, ySampling: 2 },
      ],
      pixel: (c, x, y) => (c === "id" ? Math.abs(value(c, x, y)) : value(c, x, y)),
      ...extra,
    },
  ],
});

describe("decoding generated files", () => {
  for (const compression of ["none", "zip", "zips"] as const) {
    it(`${compression}: every sample of half/float/uint and subsampled channels decodes to what was written`, async () => {
      const bytes = writeExr(scanline(compression));
      const { chunks } = await decodeAll(bytes);
      expect(chunks.length).toBeGreaterThan(0);
      let checked = 0;
      for (const { decoded } of chunks) {
        if (isChunkFailure(decoded)) throw new Error(JSON.stringify(decoded.findings));
        if (!("planes" in decoded)) throw new Error("a flat part decoded as deep");
        for (const p of decoded.planes) {
          for (let r = 0; r < p.height; r++) {
            for (let col = 0; col < p.width; col++) {
              // Sampled coordinates: the r-th multiple of ySampling at or after y0, likewise for x.
              const y = Math.ceil(decoded.y0 / p.ySampling) * p.ySampling + r * p.ySampling;
              const x = Math.ceil(decoded.x0 / p.xSampling) * p.xSampling + col * p.xSampling;
              const want = p.name === "id" ? Math.abs(value(p.name, x, y)) : value(p.name, x, y);
              expect(sampleValue(p, r * p.width + col)).toBe(want);
              checked++;
            }
          }
        }
      }
      // 40x40 pixels of three full channels plus a 2x2-subsampled one.
      expect(checked).toBe(40 * 40 * 3 + 20 * 20);
    });
  }

  for (const levelMode of ["ONE_LEVEL", "MIPMAP_LEVELS", "RIPMAP_LEVELS"] as const) {
    it(`tiled ${levelMode}: every level decodes and stats cover every level`, async () => {
      const spec: ExrSpec = {
        deflate,
        parts: [
          {
            type: "tiledimage",
            dataWindow: { min: [0, 0], max: [20, 12] },
            compression: "zip",
            tiles: { x_size: 8, y_size: 4, level_mode: levelMode, rounding_mode: "ROUND_UP" },
            channels: [
              { name: "G", type: "half" },
              { name: "Z", type: "float" },
            ],
            pixel: value,
          },
        ],
      };
      const r = await pixelReport(new BufferSource(writeExr(spec), "memory:t.exr"), { stats: true });
      expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
      const part = r.parts[0]!;
      const levels = part.levels.map((l) => l.level.join(","));
      if (levelMode === "ONE_LEVEL") expect(levels).toEqual(["0,0"]);
      if (levelMode === "MIPMAP_LEVELS") expect(levels).toEqual(["0,0", "1,1", "2,2", "3,3", "4,4", "5,5"]);
      if (levelMode === "RIPMAP_LEVELS") expect(levels.length).toBe(6 * 5);
      for (const l of part.levels) for (const c of l.channels) expect(c.finite_count).toBeGreaterThan(0);
      expect(part.pixel_hash).toMatch(/^[0-9a-f]{64}$/);
    });
  }

  it("the pixel hash does not depend on the compression", async () => {
    const hashes = new Set<string | null>();
    for (const compression of ["none", "zip", "zips"] as const) {
      const r = await pixelReport(new BufferSource(writeExr(scanline(compression))), { stats: true });
      hashes.add(r.parts[0]!.pixel_hash);
    }
    expect(hashes.size).toBe(1);
    const changed = await pixelReport(
      new BufferSource(
        writeExr(scanline("zip", { pixel: (c, x, y) => (x === 5 && y === 9 ? 1 : value(c, x, y)) })),
      ),
      { stats: true },
    );
    expect(hashes.has(changed.parts[0]!.pixel_hash)).toBe(false);
  });

  it("statistics count NaN and Inf apart from the finite values", async () => {
    const spec = scanline("zip", {
      channels: [{ name: "Z", type: "float" }],
      pixel: (_c, x, y) =>
        x === 0 && y === 2 ? Number.NaN : x === 1 && y === 2 ? Number.POSITIVE_INFINITY : x,
    });
    const r = await pixelReport(new BufferSource(writeExr(spec)), { stats: true });
    const z = r.parts[0]!.levels[0]!.channels[0]!;
    expect(z).toMatchObject({
      name: "Z",
      type: "float",
      nan_count: 1,
      inf_count: 1,
      finite_count: 1598,
      min: -3,
      max: 36,
    });
    expect(z.constant).toBe(false);
  });

  it("a damaged zip chunk is found with its part, chunk and byte offset", async () => {
    const bytes = writeExr(scanline("zip"));
    const { chunks } = await decodeAll(bytes);
    const victim = chunks[1]!.ref;
    const damaged = bytes.slice();
    const at = victim.offset + 8 + 10; // inside the zlib stream of chunk 1
    damaged[at] = damaged[at]! ^ 0xff;
    const r = await pixelReport(new BufferSource(damaged), { stats: false });
    const f = r.findings.find((x) => x.code === "EXR_CHUNK_CORRUPT");
    expect(f).toMatchObject({ part_index: 0, chunk_index: victim.chunk, byte_offset: victim.offset });
    expect(r.status).toBe("error");
  });
});

describe("zip/zips inflated on the thread pool (asyncInflate)", () => {
  it("gives the same report as the synchronous inflate, damage and raw-kept chunks included", async () => {
    for (const compression of ["zip", "zips"] as const) {
      const bytes = writeExr(scanline(compression));
      const { chunks } = await decodeAll(bytes);
      const victim = chunks[2]!.ref;
      const damaged = bytes.slice();
      damaged[victim.offset + 8 + 10]! ^= 0xff;
      const cut = bytes.slice(0, chunks[chunks.length - 1]!.ref.offset + 20);
      for (const file of [bytes, damaged, cut]) {
        const sync = await pixelReport(new BufferSource(file), { stats: true });
        const pooled = await pixelReport(new BufferSource(file), { stats: true, asyncInflate: true });
        expect(pooled).toEqual(sync);
      }
      const bad = await pixelReport(new BufferSource(damaged), { stats: true, asyncInflate: true });
      expect(bad.findings.map((f) => f.code)).toContain("EXR_CHUNK_CORRUPT");
      // Every chunk is inflated on the pool: the synchronous inflate handed in is never called.
      const source = new BufferSource(bytes);
      const never = () => {
        throw new Error("synchronous inflate called");
      };
      let decoded = 0;
      for await (const e of readChunks(source, await planPixels(source), {
        asyncInflate: true,
        inflate: never,
      })) {
        expect(isChunkFailure(e.decoded)).toBe(false);
        decoded++;
      }
      expect(decoded).toBe(chunks.length);
    }
  });
});

describe("decoding generated deep files", () => {
  const count = (x: number, y: number) => (x * 3 + y) % 4;
  const sample = (c: string, x: number, y: number, i: number) =>
    c === "Z" ? 10 + x + y + i * 0.5 : x - y + i;
  for (const type of ["deepscanline", "deeptile"] as const) {
    for (const compression of ["none", "zips", "zip"] as const) {
      it(`${type} ${compression}: sample counts, samples and deep statistics`, async () => {
        const spec: ExrSpec = {
          deflate,
          parts: [
            {
              type,
              dataWindow: { min: [2, 1], max: [14, 9] },
              compression,
              ...(type === "deeptile" ? { tiles: { x_size: 4, y_size: 4 } } : {}),
              channels: [
                { name: "A", type: "half" },
                { name: "Z", type: "float" },
              ],
              sampleCount: count,
              sample,
            },
          ],
        };
        const bytes = writeExr(spec);
        const { chunks } = await decodeAll(bytes);
        let samples = 0;
        for (const { decoded } of chunks) {
          if (isChunkFailure(decoded)) throw new Error(JSON.stringify(decoded.findings));
          if (!("counts" in decoded)) throw new Error("a deep part decoded as flat");
          let s = 0;
          for (let p = 0; p < decoded.counts.length; p++) {
            const x = decoded.x0 + (p % decoded.width);
            const y = decoded.y0 + Math.floor(p / decoded.width);
            expect(decoded.counts[p]).toBe(count(x, y));
            const z = new Float32Array(decoded.channels[1]!.data.buffer);
            for (let i = 0; i < count(x, y); i++, s++) {
              expect(halfToFloatTable[decoded.channels[0]!.data[s]!]).toBe(sample("A", x, y, i));
              expect(z[s]).toBe(sample("Z", x, y, i));
            }
          }
          samples += decoded.totalSamples;
        }
        let expected = 0;
        const histogram: Record<string, number> = {};
        for (let y = 1; y <= 9; y++)
          for (let x = 2; x <= 14; x++) {
            expected += count(x, y);
            histogram[count(x, y)] = (histogram[count(x, y)] ?? 0) + 1;
          }
        expect(samples).toBe(expected);
        const r = await pixelReport(new BufferSource(bytes), { stats: true });
        expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
        const deep = r.parts[0]!.deep!;
        expect(deep.total_samples).toBe(expected);
        expect(deep.samples_histogram).toEqual(histogram);
        expect(deep.pixels_without_samples).toBe(histogram[0]);
        expect(deep.pixels_with_samples).toBe(13 * 9 - histogram[0]!);
        // Smallest Z: 10 + x + y at the first pixel, which has 3 samples; largest: the largest last sample.
        expect(deep.min_depth).toMatchObject({ value: 13, x: 2, y: 1, sample: 0 });
        expect(deep.max_depth!.value).toBe(
          Math.max(
            ...[...Array(13)].flatMap((_, i) =>
              [...Array(9)].map((_, j) => {
                const x = 2 + i;
                const y = 1 + j;
                return count(x, y) ? sample("Z", x, y, count(x, y) - 1) : 0;
              }),
            ),
          ),
        );
        expect(r.parts[0]!.pixel_hash).toMatch(/^[0-9a-f]{64}$/);
      });
    }
  }

  it("a deep chunk whose sample counts disagree with its sample data is found", async () => {
    const bytes = writeExr({
      deflate,
      parts: [
        {
          type: "deepscanline",
          dataWindow: { min: [0, 0], max: [7, 3] },
          compression: "none",
          channels: [{ name: "Z", type: "float" }],
          sampleCount: () => 2,
          sample: () => 1,
        },
      ],
    });
    const { chunks } = await decodeAll(bytes);
    const victim = chunks[2]!.ref;
    const damaged = bytes.slice();
    // Chunk layout (single part): y, table size, packed size, unpacked size, then the cumulative counts.
    const table = victim.offset + 4 + 24;
    damaged[table + 4 * 7] = 17; // the line's last cumulative count: 16 → 17 (one sample more than stored)
    const r = await pixelReport(new BufferSource(damaged), { stats: false });
    expect(r.findings.find((f) => f.code === "EXR_DEEP_SAMPLE_COUNTS_INVALID")).toMatchObject({
      part_index: 0,
      chunk_index: victim.chunk,
      byte_offset: victim.offset,
    });
  });
});
