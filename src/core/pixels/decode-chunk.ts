import { decompress } from "../codecs/decompress.js";
import {
  type ChunkGeometry,
  type Htj2kDecode,
  type Inflate,
  isFailure,
  type SampleType,
  sampledLine,
} from "../codecs/types.js";
import { finding } from "../findings.js";
import type { Finding } from "../model.js";
import { chunkHeaderSize } from "../offset-tables.js";
import { type ChunkPlace, chunkPlace, type PartLayout } from "./part-layout.js";

/** One channel's samples inside one chunk, row-major; raw bits (half: 16-bit words, uint/float: 32-bit words). */
export interface ChannelPlane {
  readonly name: string;
  readonly type: SampleType;
  readonly xSampling: number;
  readonly ySampling: number;
  /** Samples per row and rows. */
  readonly width: number;
  readonly height: number;
  /** The planes of one decoded chunk may share one buffer: view float bits with its byteOffset and length. */
  readonly data: Uint16Array | Uint32Array;
}

/** Where a decoded chunk (flat or deep) sits: its part, chunk, level, tile and pixel rectangle. */
export interface ChunkPlacement {
  readonly partIndex: number;
  readonly chunkIndex: number;
  readonly level: readonly [number, number];
  readonly tile: readonly [number, number] | null;
  /** Pixel rectangle in the level's coordinates (data window origin, then level pixels). */
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
}

export interface DecodedChunk extends ChunkPlacement {
  readonly planes: readonly ChannelPlane[];
}

export interface ChunkFailure {
  readonly findings: Finding[];
}

/** What a chunk's header says, read from its first bytes. */
export interface ChunkHeader {
  readonly headerBytes: number;
  /** Bytes after the header that belong to the chunk (deep: table + sample data). */
  readonly dataBytes: number;
  readonly part: number | null;
  readonly coords: readonly number[];
  /** Deep only: packed sample-count table size, packed and unpacked sample data sizes. */
  readonly deep: { tableBytes: number; packedBytes: number; unpackedBytes: number } | null;
}

function i32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

/** Unsigned 64-bit little-endian as a number; values past 2^53 become Infinity (never a real size). */
function u64(b: Uint8Array, i: number): number {
  const lo = (i32(b, i) >>> 0) + (i32(b, i + 4) >>> 0) * 2 ** 32;
  return lo > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : lo;
}

/** Parses the chunk header at the start of `bytes`; null when `bytes` is shorter than the header. */
export function readChunkHeader(layout: PartLayout, bytes: Uint8Array): ChunkHeader | null {
  const type = layout.part.type!;
  const headerBytes = chunkHeaderSize(type, layout.multipart);
  if (bytes.length < headerBytes) return null;
  let at = 0;
  let part: number | null = null;
  if (layout.multipart) {
    part = i32(bytes, 0);
    at = 4;
  }
  const ncoords = layout.tiling ? 4 : 1;
  const coords: number[] = [];
  for (let k = 0; k < ncoords; k++) coords.push(i32(bytes, at + 4 * k));
  at += 4 * ncoords;
  if (layout.deep) {
    const tableBytes = u64(bytes, at);
    const packedBytes = u64(bytes, at + 8);
    const unpackedBytes = u64(bytes, at + 16);
    return {
      headerBytes,
      dataBytes: tableBytes + packedBytes,
      part,
      coords,
      deep: { tableBytes, packedBytes, unpackedBytes },
    };
  }
  return { headerBytes, dataBytes: i32(bytes, at), part, coords, deep: null };
}

/** Disagreements between a chunk's header and its offset-table position, as findings. */
/** Where a chunk sits: part, chunk, level, tile and its pixel rectangle. */
export function placementOf(layout: PartLayout, chunkIndex: number, place: ChunkPlace): ChunkPlacement {
  const g = place.geometry;
  return {
    partIndex: layout.partIndex,
    chunkIndex,
    level: place.level,
    tile: place.tile,
    x0: g.x0,
    y0: g.y0,
    width: g.width,
    height: g.height,
  };
}

export function checkHeader(layout: PartLayout, place: ChunkPlace, h: ChunkHeader, loc: Loc): Finding[] {
  const out: Finding[] = [];
  const bad = (m: string) => out.push(finding("EXR_CHUNK_HEADER_INVALID", m, loc));
  if (h.part !== null && h.part !== layout.partIndex)
    bad(`chunk ${loc.chunk_index} says part ${h.part}, its offset table is part ${layout.partIndex}`);
  if (layout.tiling) {
    const want = [place.tile![0], place.tile![1], place.level[0], place.level[1]];
    if (want.some((v, k) => v !== h.coords[k]))
      bad(`chunk ${loc.chunk_index} holds tile (${h.coords.join(",")}), expected (${want.join(",")})`);
  } else if (h.coords[0] !== place.geometry.y0) {
    bad(`chunk ${loc.chunk_index} starts at y=${h.coords[0]}, expected ${place.geometry.y0}`);
  }
  if (h.dataBytes < 0) bad(`chunk ${loc.chunk_index} has negative data size ${h.dataBytes}`);
  return out;
}

export interface Loc {
  part_index: number;
  chunk_index: number;
  byte_offset: number;
}

/**
 * Splits an unpacked block (lines of channels, little-endian) into one plane per channel. The planes share one
 * buffer (one allocation per chunk); a one-line block already is its planes side by side, so when `owned` (the
 * codec's fresh output, not the caller's bytes) and every plane is aligned, they are views of it (no copy).
 */
export function planesOf(unpacked: Uint8Array, g: ChunkGeometry, owned = false): ChannelPlane[] {
  const cs = g.channels;
  const n = cs.length;
  // Stryker disable next-line ArrayDeclaration: every index is assigned below; an empty array grows the same
  const starts: number[] = new Array(n);
  let size = 0;
  let contiguous = g.height === 1;
  for (let k = 0; k < n; k++) {
    const c = cs[k]!;
    if (size % c.bytes !== 0) {
      // Stryker disable next-line BooleanLiteral: the padding makes size differ from the block's length, so the copy path is taken either way
      contiguous = false;
      size += c.bytes - (size % c.bytes);
    }
    starts[k] = size;
    size += c.width * c.height * c.bytes;
  }
  let buffer: ArrayBuffer;
  let base: number;
  if (contiguous && size === unpacked.length) {
    // A copy when not ours (never Buffer#slice: it returns a view).
    const block = owned && unpacked.byteOffset % 4 === 0 ? unpacked : new Uint8Array(unpacked);
    buffer = block.buffer as ArrayBuffer;
    base = block.byteOffset;
  } else {
    const block = new Uint8Array(size);
    buffer = block.buffer;
    base = 0;
    // Plain Uint8Array views: subarray of a Node Buffer builds a Buffer, measurably slower per line.
    const src = new Uint8Array(unpacked.buffer, unpacked.byteOffset, unpacked.length);
    const row = new Array<number>(n).fill(0);
    let o = 0;
    // Stryker disable next-line EqualityOperator: a line past the block copies nothing (its source range is empty)
    for (let y = g.y0; y < g.y0 + g.height; y++) {
      for (let k = 0; k < n; k++) {
        const c = cs[k]!;
        if (!sampledLine(c, y)) continue;
        const len = c.width * c.bytes;
        block.set(src.subarray(o, o + len), starts[k]! + row[k]! * len);
        row[k]!++;
        o += len;
      }
    }
  }
  // Stryker disable next-line ArrayDeclaration: every index is assigned below; an empty array grows the same
  const planes: ChannelPlane[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const c = cs[k]!;
    const count = c.width * c.height;
    const at = base + starts[k]!;
    planes[k] = {
      name: c.name,
      type: c.type,
      xSampling: c.xSampling,
      ySampling: c.ySampling,
      width: c.width,
      height: c.height,
      data: c.bytes === 2 ? new Uint16Array(buffer, at, count) : new Uint32Array(buffer, at, count),
    };
  }
  return planes;
}

/**
 * Decodes one flat chunk from `bytes` (the chunk from its first header byte; may run past its end) found at
 * `offset` for offset-table entry `chunkIndex`. Never throws: damage comes back as coded findings. `htj2k`
 * decodes HTJ2K codestreams (the core has none).
 */
export function decodeChunk(
  layout: PartLayout,
  chunkIndex: number,
  bytes: Uint8Array,
  offset: number,
  inflate: Inflate | undefined,
  htj2k?: Htj2kDecode,
): DecodedChunk | ChunkFailure {
  const loc: Loc = { part_index: layout.partIndex, chunk_index: chunkIndex, byte_offset: offset };
  const place = chunkPlace(layout, chunkIndex);
  if (!place)
    return {
      findings: [
        finding("EXR_CHUNK_HEADER_INVALID", `chunk ${chunkIndex} lies past the part's last chunk`, loc),
      ],
    };
  const h = readChunkHeader(layout, bytes);
  if (!h)
    return {
      findings: [finding("EXR_CHUNK_TRUNCATED", `file ends inside the header of chunk ${chunkIndex}`, loc)],
    };
  const headerFindings = checkHeader(layout, place, h, loc);
  if (headerFindings.length > 0) return { findings: headerFindings };
  if (h.headerBytes + h.dataBytes > bytes.length)
    return {
      findings: [
        finding(
          "EXR_CHUNK_TRUNCATED",
          `chunk ${chunkIndex} needs ${h.headerBytes + h.dataBytes} bytes; only ${bytes.length} are there`,
          loc,
        ),
      ],
    };
  const packed = bytes.subarray(h.headerBytes, h.headerBytes + h.dataBytes);
  const g = place.geometry;
  if (layout.compression === "none" && packed.length !== g.unpackedBytes)
    return {
      findings: [
        finding(
          "EXR_CHUNK_SIZE_MISMATCH",
          `uncompressed chunk ${chunkIndex} stores ${packed.length} bytes; its pixels take ${g.unpackedBytes}`,
          loc,
        ),
      ],
    };
  const unpacked = decompress(layout.compression, packed, g, inflate, htj2k);
  if (isFailure(unpacked))
    return {
      findings: [
        finding("EXR_CHUNK_CORRUPT", `chunk ${chunkIndex} (${layout.compression}): ${unpacked.failure}`, loc),
      ],
    };
  return {
    ...placementOf(layout, chunkIndex, place),
    planes: planesOf(unpacked, g, unpacked.buffer !== packed.buffer),
  };
}

export function isChunkFailure<T extends object>(r: T | ChunkFailure): r is ChunkFailure {
  return "findings" in r;
}
