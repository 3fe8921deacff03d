import { promisify } from "node:util";
import { inflate as inflateCallback } from "node:zlib";
import { DECODABLE_COMPRESSIONS, HTJ2K_COMPRESSIONS } from "../core/codecs/decompress.js";
import type { Htj2kDecode, Inflate } from "../core/codecs/types.js";
import { DEEP_COMPRESSIONS } from "../core/compression.js";
import { finding } from "../core/findings.js";
import type { Finding, InspectionResult } from "../core/model.js";
import {
  type ChunkFailure,
  type DecodedChunk,
  decodeChunk,
  readChunkHeader,
} from "../core/pixels/decode-chunk.js";
import { type DecodedDeepChunk, decodeDeepChunk } from "../core/pixels/decode-deep.js";
import { chunkPlace, type PartLayout, partLayout } from "../core/pixels/part-layout.js";
import type { ByteSource } from "../io/byte-source.js";
import { htj2kDecoder } from "./htj2k-decoder.js";
import { inspect } from "./inspect.js";
import { inflateChunkSize, zlibInflate } from "./options.js";

/** Adjacent chunks are fetched together up to this many bytes per read (one chunk may exceed it alone). */
export const READ_WINDOW_BYTES = 4 << 20;

export interface ChunkRef {
  part: number;
  chunk: number;
  offset: number;
  /** Bytes up to the next chunk (or the end of the file): the most this chunk can occupy. */
  extent: number;
}

export interface ChunkReadOptions {
  inflate?: Inflate;
  /** Only these parts (default all). */
  parts?: ReadonlySet<number>;
  /** Only chunks this returns true for (e.g. one level); others are not read at all. */
  wantChunk?: (layout: PartLayout, chunk: number) => boolean;
  windowBytes?: number;
  /**
   * zip/zips chunks of each read window are inflated on libuv's thread pool, all at once, before they are decoded
   * here (the rest of the decode and the statistics stay on this thread). Same results as the synchronous inflate.
   */
  asyncInflate?: boolean;
}

export interface ChunkEvent {
  layout: PartLayout;
  ref: ChunkRef;
  decoded: DecodedChunk | DecodedDeepChunk | ChunkFailure;
}

/** A flat or deep chunk, decoded or not. */
function decodeAny(
  layout: PartLayout,
  chunk: number,
  bytes: Uint8Array,
  offset: number,
  inflate: Inflate,
  htj2k: Htj2kDecode | undefined,
) {
  return layout.deep
    ? decodeDeepChunk(layout, chunk, bytes, offset, inflate)
    : decodeChunk(layout, chunk, bytes, offset, inflate, htj2k);
}

/**
 * The HTJ2K decoder for a chunk of `layout` (asked for per chunk: a fresh one after a failed decode), else
 * undefined without a promise (this runs once per chunk).
 */
function htj2kFor(layout: PartLayout): Promise<Htj2kDecode | undefined> | undefined {
  return HTJ2K_COMPRESSIONS.has(layout.compression) ? htj2kDecoder().then((d) => d ?? undefined) : undefined;
}

/** Why part `l`'s pixels are not decoded, or null when they are. */
async function notDecoded(l: PartLayout): Promise<string | null> {
  const what = `${l.deep ? "deep " : ""}${l.compression} pixels`;
  if (l.deep) return DEEP_COMPRESSIONS.has(l.compression) ? null : `${what} are not decoded by this version`;
  if (DECODABLE_COMPRESSIONS.has(l.compression)) return null;
  if (!HTJ2K_COMPRESSIONS.has(l.compression)) return `${what} are not decoded by this version`;
  return (await htj2kDecoder()) ? null : `${what}: the HTJ2K decoder (WebAssembly) could not be loaded`;
}

/** The file's inspection, its decodable parts, and notes about parts that are not decoded. */
export interface PixelPlan {
  result: InspectionResult;
  layouts: (PartLayout | null)[];
  findings: Finding[];
}

/** Inspects the header and works out which parts can be decoded. */
export async function planPixels(source: ByteSource): Promise<PixelPlan> {
  const result = await inspect(source, { hashes: false });
  const findings: Finding[] = [];
  const layouts: (PartLayout | null)[] = [];
  for (let i = 0; i < result.parts.length; i++) {
    const l = partLayout(result, i);
    const why = typeof l === "string" ? null : await notDecoded(l);
    if (why) findings.push(finding("EXR_UNSUPPORTED_COMPRESSION", `part ${i}: ${why}`, { part_index: i }));
    layouts.push(typeof l === "string" || why ? null : l);
  }
  return { result, layouts, findings };
}

function u64(b: Uint8Array, i: number): number {
  const lo = (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
  const hi = (b[i + 4]! | (b[i + 5]! << 8) | (b[i + 6]! << 16) | (b[i + 7]! << 24)) >>> 0;
  return hi >= 1 << 21 ? Number.POSITIVE_INFINITY : lo + hi * 2 ** 32;
}

/** Every readable chunk of the planned parts, sorted by offset, with its extent. */
export async function chunkRefs(
  source: ByteSource,
  plan: PixelPlan,
  options: ChunkReadOptions = {},
): Promise<ChunkRef[]> {
  const size = await source.size();
  const parts = plan.result.parts;
  const counts = parts.map(
    (p, i) => plan.layouts[i]?.chunkCount ?? p.chunk_count_stored ?? p.chunk_count ?? 0,
  );
  const tablesEnd = parts.reduce(
    (end, p, i) => Math.max(end, (p.offset_table_offset ?? 0) + 8 * counts[i]!),
    plan.result.file.header_bytes ?? 0,
  );
  const selected: { part: number; chunk: number; offset: number }[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const start = parts[i]!.offset_table_offset;
    if (start === null || start >= size) continue;
    const bytes = await source.read(start, Math.min(8 * counts[i]!, size - start));
    const layout = plan.layouts[i];
    const wanted = layout && (!options.parts || options.parts.has(i));
    const n = Math.floor(bytes.length / 8);
    for (let c = 0; c < n; c++) {
      const offset = u64(bytes, 8 * c);
      if (!(offset >= tablesEnd && offset < size)) continue;
      offsets.push(offset);
      if (wanted && (!options.wantChunk || options.wantChunk(layout, c)))
        selected.push({ part: i, chunk: c, offset });
    }
  }
  // Extents come from every table entry of the file, not only the selected ones.
  const sorted = Float64Array.from(offsets).sort();
  const nextAfter = (o: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= o) lo = mid + 1;
      else hi = mid;
    }
    return lo < sorted.length ? sorted[lo]! : size;
  };
  const before = (a: (typeof selected)[0], b: (typeof selected)[0]) =>
    a.offset - b.offset || a.part - b.part || a.chunk - b.chunk;
  // Tables are usually in file order already: one pass checks, the sort runs only when they are not.
  let ordered = true;
  for (let k = 1; k < selected.length && ordered; k++) ordered = before(selected[k - 1]!, selected[k]!) < 0;
  if (!ordered) selected.sort(before);
  const refs: ChunkRef[] = new Array(selected.length);
  for (let k = 0; k < selected.length; k++) {
    const r = selected[k]!;
    refs[k] = { part: r.part, chunk: r.chunk, offset: r.offset, extent: nextAfter(r.offset) - r.offset };
  }
  return refs;
}

/**
 * Reads and decodes chunks in file order: adjacent chunks in one read of at most `windowBytes`, a larger
 * chunk by itself (its header first, then exactly its stated size). Memory is bounded by one window or chunk.
 */
export async function* readChunks(
  source: ByteSource,
  plan: PixelPlan,
  options: ChunkReadOptions = {},
): AsyncGenerator<ChunkEvent> {
  const inflate = options.inflate ?? zlibInflate;
  const window = options.windowBytes ?? READ_WINDOW_BYTES;
  const refs = await chunkRefs(source, plan, options);
  let k = 0;
  while (k < refs.length) {
    const first = refs[k]!;
    if (first.extent > window) {
      const layout = plan.layouts[first.part]!;
      const head = await source.read(first.offset, Math.min(first.extent, 64));
      const h = readChunkHeader(layout, head);
      const want = h && h.dataBytes >= 0 ? Math.min(first.extent, h.headerBytes + h.dataBytes) : head.length;
      const bytes = want <= head.length ? head : await source.read(first.offset, want);
      const ht = htj2kFor(layout);
      yield {
        layout,
        ref: first,
        decoded: decodeAny(layout, first.chunk, bytes, first.offset, inflate, ht && (await ht)),
      };
      k++;
      continue;
    }
    let end = k + 1;
    while (
      end < refs.length &&
      refs[end]!.offset + refs[end]!.extent - first.offset <= window &&
      refs[end]!.extent <= window
    )
      end++;
    const last = refs[end - 1]!;
    const read = await source.read(first.offset, last.offset + last.extent - first.offset);
    // A plain Uint8Array view: subarrays of a Node Buffer are Buffers, costlier to make once per chunk.
    const bytes = new Uint8Array(read.buffer, read.byteOffset, read.length);
    const windowInflate = options.asyncInflate
      ? await inflateWindow(plan, refs.slice(k, end), bytes, first.offset, inflate)
      : inflate;
    for (let j = k; j < end; j++) {
      const r = refs[j]!;
      const layout = plan.layouts[r.part]!;
      const from = r.offset - first.offset;
      const slice = bytes.subarray(from, from + r.extent);
      const ht = htj2kFor(layout);
      yield {
        layout,
        ref: r,
        decoded: decodeAny(layout, r.chunk, slice, r.offset, windowInflate, ht && (await ht)),
      };
    }
    k = end;
  }
}

const inflateAsync = promisify(inflateCallback);

/**
 * Inflates the flat zip/zips chunks of one read window concurrently on the thread pool; returns an `Inflate` that
 * hands the decoder those results (a failure is thrown, as the synchronous inflate throws it) and inflates
 * anything else synchronously.
 */
async function inflateWindow(
  plan: PixelPlan,
  refs: readonly ChunkRef[],
  bytes: Uint8Array,
  start: number,
  fallback: Inflate,
): Promise<Inflate> {
  const done = new Map<number, { value: Uint8Array } | { error: unknown }>();
  const jobs: Promise<void>[] = [];
  for (const r of refs) {
    const layout = plan.layouts[r.part]!;
    if (layout.deep || (layout.compression !== "zip" && layout.compression !== "zips")) continue;
    const from = r.offset - start;
    const slice = bytes.subarray(from, from + r.extent);
    const h = readChunkHeader(layout, slice);
    const size = chunkPlace(layout, r.chunk)?.geometry.unpackedBytes;
    if (!h || size === undefined || h.dataBytes <= 0 || h.headerBytes + h.dataBytes > slice.length) continue;
    const packed = slice.subarray(h.headerBytes, h.headerBytes + h.dataBytes);
    if (packed.length >= size) continue; // kept raw: nothing to inflate
    const max = size + 1; // what the decoder asks for (one byte of room tells "too long")
    jobs.push(
      inflateAsync(packed, { maxOutputLength: max, chunkSize: inflateChunkSize(packed, max) }).then(
        (value) => void done.set(packed.byteOffset, { value }),
        (error: unknown) => void done.set(packed.byteOffset, { error }),
      ),
    );
  }
  await Promise.all(jobs);
  return (compressed, maxLength) => {
    const r = compressed.buffer === bytes.buffer ? done.get(compressed.byteOffset) : undefined;
    if (!r) return fallback(compressed, maxLength);
    if ("error" in r) throw r.error;
    return r.value;
  };
}
