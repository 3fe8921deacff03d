import { floatToHalf } from "../codecs/half.js";
import { ByteWriter, byteString } from "./byte-writer.js";
import { CHANNEL_TYPE_CODES, enumCode } from "./enums.js";
import type { ChannelSpec, ChunkInfo } from "./spec.js";

export interface ResolvedChannel {
  name: string;
  typeCode: number;
  xSampling: number;
  ySampling: number;
}

/** Channels in the order the library lays out pixel data: sorted by name bytes. */
export function resolveChannels(channels: ChannelSpec[]): ResolvedChannel[] {
  return channels
    .map((c) => ({
      key: byteString(c.name),
      name: typeof c.name === "string" ? c.name : byteString(c.name),
      typeCode: enumCode(CHANNEL_TYPE_CODES, c.type, "channel type"),
      xSampling: c.xSampling ?? 1,
      ySampling: c.ySampling ?? 1,
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ key: _key, ...c }) => c);
}

function writeSample(w: ByteWriter, typeCode: number, v: number): void {
  if (typeCode === 0) w.u32(v);
  else if (typeCode === 1) w.u16(floatToHalf(v));
  else w.f32(v);
}

/** Uncompressed pixel data of a flat chunk: line by line, channel by channel, honouring subsampling. */
export function flatPixelData(
  chunk: ChunkInfo,
  channels: ResolvedChannel[],
  pixel: ((channel: string, x: number, y: number) => number) | undefined,
): Uint8Array {
  const w = new ByteWriter();
  for (let y = chunk.y0; y < chunk.y0 + chunk.height; y++) {
    for (const c of channels) {
      // JS remainders keep the sign (-3 % 2 is -1), and a negative multiple gives -0, which equals 0
      if (y % c.ySampling !== 0) continue;
      for (let x = chunk.x0; x < chunk.x0 + chunk.width; x++) {
        if (x % c.xSampling !== 0) continue;
        writeSample(w, c.typeCode, pixel ? pixel(c.name, x, y) : 0);
      }
    }
  }
  return w.toBytes();
}

export interface DeepChunkData {
  /** Cumulative sample counts per pixel, restarting on every line. */
  sampleTable: Uint8Array;
  sampleData: Uint8Array;
  maxSamples: number;
}

/** Deep chunk contents: line by line, then channel by channel, then pixel by pixel (scanline blocks and tiles). */
export function deepChunkData(
  chunk: ChunkInfo,
  channels: ResolvedChannel[],
  sampleCount: ((x: number, y: number) => number) | undefined,
  sample: ((channel: string, x: number, y: number, index: number) => number) | undefined,
): DeepChunkData {
  const counts: number[] = [];
  const table = new ByteWriter();
  let maxSamples = 0;
  for (let y = chunk.y0; y < chunk.y0 + chunk.height; y++) {
    let acc = 0;
    for (let x = chunk.x0; x < chunk.x0 + chunk.width; x++) {
      const n = sampleCount ? sampleCount(x, y) : 0;
      counts.push(n);
      maxSamples = Math.max(maxSamples, n);
      acc += n;
      table.i32(acc);
    }
  }
  const data = new ByteWriter(64);
  const put = (c: ResolvedChannel, x: number, y: number) => {
    const n = counts[(y - chunk.y0) * chunk.width + (x - chunk.x0)]!;
    for (let i = 0; i < n; i++) writeSample(data, c.typeCode, sample ? sample(c.name, x, y, i) : 0);
  };
  for (let y = chunk.y0; y < chunk.y0 + chunk.height; y++)
    for (const c of channels) for (let x = chunk.x0; x < chunk.x0 + chunk.width; x++) put(c, x, y);
  return { sampleTable: table.toBytes(), sampleData: data.toBytes(), maxSamples };
}
