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
  if (p.type === "float") return new Float32Array(p.data.buffer)[i]!;
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
    damaged[victim.offset + 8 + 10] ^= 0xff; // inside the zlib stream of chunk 1
    const r = await pixelReport(new BufferSource(damaged), { stats: false });
    const f = r.findings.find((x) => x.code === "EXR_CHUNK_CORRUPT");
    expect(f).toMatchObject({ part_index: 0, chunk_index: victim.chunk, byte_offset: victim.offset });
    expect(r.status).toBe("error");
  });
});
