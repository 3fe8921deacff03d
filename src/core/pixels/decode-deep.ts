import { undoRle } from "../codecs/rle.js";
import { type CodecResult, fail, type Inflate, isFailure, type SampleType } from "../codecs/types.js";
import { undoZip } from "../codecs/zip.js";
import { finding } from "../findings.js";
import {
  type ChunkFailure,
  type ChunkPlacement,
  checkHeader,
  type Loc,
  placementOf,
  readChunkHeader,
} from "./decode-chunk.js";
import { chunkPlace, type PartLayout } from "./part-layout.js";

/** One channel's samples in one deep chunk: pixels row-major, each pixel's samples together. */
export interface DeepChannelSamples {
  readonly name: string;
  readonly type: SampleType;
  readonly data: Uint16Array | Uint32Array;
}

export interface DecodedDeepChunk extends ChunkPlacement {
  /** Samples per pixel, row-major (width * height). */
  readonly counts: Uint32Array;
  readonly totalSamples: number;
  readonly channels: readonly DeepChannelSamples[];
}

/** Deep blocks use none/rle/zips/zip only; a stored size equal to the unpacked size means kept raw. */
function unpackDeep(
  compression: string,
  packed: Uint8Array,
  size: number,
  inflate: Inflate | undefined,
): CodecResult {
  if (packed.length === size) return packed;
  if (size === 0) return fail(`stores ${packed.length} bytes where none are expected`);
  if (packed.length === 0 || packed.length > size)
    return fail(`stores ${packed.length} bytes for ${size} unpacked bytes`);
  switch (compression) {
    case "rle":
      return undoRle(packed, size);
    case "zips":
    case "zip":
      return inflate ? undoZip(packed, size, inflate) : fail("no zlib inflate supplied");
    default:
      return fail(`${compression} data of ${packed.length} bytes for ${size} unpacked bytes`);
  }
}

/** Decodes one deep chunk (sample-count table and sample data); damage comes back as coded findings. */
export function decodeDeepChunk(
  layout: PartLayout,
  chunkIndex: number,
  bytes: Uint8Array,
  offset: number,
  inflate: Inflate | undefined,
): DecodedDeepChunk | ChunkFailure {
  const loc: Loc = { part_index: layout.partIndex, chunk_index: chunkIndex, byte_offset: offset };
  const one = (code: Parameters<typeof finding>[0], m: string) => ({ findings: [finding(code, m, loc)] });
  const place = chunkPlace(layout, chunkIndex);
  if (!place) return one("EXR_CHUNK_HEADER_INVALID", `chunk ${chunkIndex} lies past the part's last chunk`);
  const h = readChunkHeader(layout, bytes);
  if (!h?.deep) return one("EXR_CHUNK_TRUNCATED", `file ends inside the header of chunk ${chunkIndex}`);
  const bad = checkHeader(layout, place, h, loc);
  if (bad.length > 0) return { findings: bad };
  const { tableBytes, packedBytes, unpackedBytes } = h.deep;
  if (h.headerBytes + tableBytes + packedBytes > bytes.length)
    return one(
      "EXR_CHUNK_TRUNCATED",
      `deep chunk ${chunkIndex} needs ${h.headerBytes + tableBytes + packedBytes} bytes; ${bytes.length} are there before the next chunk or the end of the file`,
    );
  const g = place.geometry;
  const pixels = g.width * g.height;
  const tablePacked = bytes.subarray(h.headerBytes, h.headerBytes + tableBytes);
  const table = unpackDeep(layout.compression, tablePacked, pixels * 4, inflate);
  if (isFailure(table))
    return one("EXR_CHUNK_CORRUPT", `deep chunk ${chunkIndex} sample-count table: ${table.failure}`);
  const counts = new Uint32Array(pixels);
  const dv = new DataView(table.buffer, table.byteOffset, table.byteLength);
  let total = 0;
  for (let y = 0; y < g.height; y++) {
    let prev = 0;
    for (let x = 0; x < g.width; x++) {
      const cum = dv.getInt32(4 * (y * g.width + x), true);
      if (cum < prev)
        return one(
          "EXR_DEEP_SAMPLE_COUNTS_INVALID",
          `deep chunk ${chunkIndex}: cumulative sample count ${cum} at pixel (${g.x0 + x}, ${g.y0 + y}) is below ${prev}`,
        );
      counts[y * g.width + x] = cum - prev;
      prev = cum;
    }
    total += prev;
  }
  const sampleBytes = g.channels.reduce((n, c) => n + c.bytes, 0);
  if (total >= 0x7fffffff || total * sampleBytes !== unpackedBytes)
    return one(
      "EXR_DEEP_SAMPLE_COUNTS_INVALID",
      `deep chunk ${chunkIndex}: ${total} samples of ${sampleBytes} bytes need ${total * sampleBytes} bytes; the chunk says ${unpackedBytes}`,
    );
  const packed = bytes.subarray(h.headerBytes + tableBytes, h.headerBytes + tableBytes + packedBytes);
  const data = unpackDeep(layout.compression, packed, unpackedBytes, inflate);
  if (isFailure(data))
    return one("EXR_CHUNK_CORRUPT", `deep chunk ${chunkIndex} sample data: ${data.failure}`);

  const channels = g.channels.map((c) => ({
    name: c.name,
    type: c.type,
    bytes: c.bytes,
    data: c.bytes === 2 ? new Uint16Array(total) : new Uint32Array(total),
  }));
  const views = channels.map((c) => new Uint8Array(c.data.buffer));
  let o = 0;
  let done = 0;
  for (let y = 0; y < g.height; y++) {
    let line = 0;
    for (let x = 0; x < g.width; x++) line += counts[y * g.width + x]!;
    for (let k = 0; k < channels.length; k++) {
      const n = line * channels[k]!.bytes;
      views[k]!.set(data.subarray(o, o + n), done * channels[k]!.bytes);
      o += n;
    }
    done += line;
  }
  return {
    ...placementOf(layout, chunkIndex, place),
    counts,
    totalSamples: total,
    channels: channels.map(({ name, type, data: d }) => ({ name, type, data: d })),
  };
}
