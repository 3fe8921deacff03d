import { FindingSink, finding } from "../core/findings.js";
import type { Finding } from "../core/model.js";
import { type ChannelPlane, isChunkFailure } from "../core/pixels/decode-chunk.js";
import { chunkPlace } from "../core/pixels/part-layout.js";
import { levelShapes } from "../core/pixels/part-stats.js";
import type { ByteSource } from "../io/byte-source.js";
import { planPixels, readChunks } from "./read-chunks.js";

export interface ReadPixelsOptions {
  part?: number;
  /** Resolution level [lx, ly] of tiled parts (default [0, 0]). */
  level?: readonly [number, number];
  /** Channel names to return (default all, in stored order). */
  channels?: readonly string[];
}

export interface PixelsResult {
  /** The level's origin (data window min) and size in pixels. */
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** One plane per requested channel, the whole level (subsampled channels at their own resolution). */
  channels: ChannelPlane[];
  /** Header and pixel findings; rows of damaged chunks are left zero. */
  findings: Finding[];
}

function countMultiples(a: number, b: number, s: number): number {
  return b < a ? 0 : Math.floor(b / s) - Math.floor((a - 1) / s);
}

/**
 * Decodes one level of one part into whole-level planes of raw bits (half: Uint16Array, float/uint:
 * Uint32Array; view float bits with `new Float32Array(plane.data.buffer)`). Reads only that level's chunks.
 * Memory: the returned planes plus one read window. Never throws for damaged files (findings instead).
 */
export async function readPixels(source: ByteSource, options: ReadPixelsOptions = {}): Promise<PixelsResult> {
  const partIndex = options.part ?? 0;
  const want = options.level ?? [0, 0];
  const plan = await planPixels(source);
  const sink = new FindingSink();
  for (const f of plan.result.validation.findings) sink.findings.push(f);
  sink.addAll(plan.findings.filter((f) => f.part_index === partIndex));
  const layout = plan.layouts[partIndex];
  const empty = { x0: 0, y0: 0, width: 0, height: 0, channels: [] as ChannelPlane[] };
  if (!layout) {
    if (!plan.result.parts[partIndex]) sink.add(finding("EXR_NO_PARTS", `the file has no part ${partIndex}`));
    return { ...empty, findings: sink.finish() };
  }
  const shape = levelShapes(layout).find((l) => l.level[0] === want[0] && l.level[1] === want[1]);
  const geometry = chunkPlace(layout, 0)?.geometry;
  if (!shape || !geometry) return { ...empty, findings: sink.finish() };
  const selected = geometry.channels
    .map((c, index) => ({ c, index }))
    .filter(({ c }) => !options.channels || options.channels.includes(c.name));
  const planes: ChannelPlane[] = selected.map(({ c }) => {
    const width = countMultiples(shape.x0, shape.x0 + shape.width - 1, c.xSampling);
    const height = countMultiples(shape.y0, shape.y0 + shape.height - 1, c.ySampling);
    const n = width * height;
    const data = c.bytes === 2 ? new Uint16Array(n) : new Uint32Array(n);
    return {
      name: c.name,
      type: c.type,
      xSampling: c.xSampling,
      ySampling: c.ySampling,
      width,
      height,
      data,
    };
  });
  const chunks = readChunks(source, plan, {
    parts: new Set([partIndex]),
    wantChunk: (l, i) => {
      const p = chunkPlace(l, i);
      return p !== null && p.level[0] === want[0] && p.level[1] === want[1];
    },
  });
  for await (const e of chunks) {
    if (isChunkFailure(e.decoded)) {
      sink.addAll(e.decoded.findings);
      continue;
    }
    if ("counts" in e.decoded) continue; // deep parts: use readChunks for their samples
    const d = e.decoded;
    selected.forEach(({ c, index }, k) => {
      const src = d.planes[index]!;
      const dst = planes[k]!;
      const row0 = countMultiples(shape.y0, d.y0 - 1, c.ySampling);
      const col0 = countMultiples(shape.x0, d.x0 - 1, c.xSampling);
      for (let r = 0; r < src.height; r++)
        dst.data.set(src.data.subarray(r * src.width, (r + 1) * src.width), (row0 + r) * dst.width + col0);
    });
  }
  return {
    x0: shape.x0,
    y0: shape.y0,
    width: shape.width,
    height: shape.height,
    channels: planes,
    findings: sink.finish(),
  };
}
