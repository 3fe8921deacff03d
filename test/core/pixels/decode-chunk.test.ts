import { deflateSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import type { ChunkGeometry } from "../../../src/core/codecs/types.js";
import { inspectBytes } from "../../../src/core/inspection-plan.js";
import {
  type ChunkFailure,
  type DecodedChunk,
  decodeChunk,
  isChunkFailure,
  planesOf,
  readChunkHeader,
} from "../../../src/core/pixels/decode-chunk.js";
import { chunkPlace, type PartLayout, partLayout } from "../../../src/core/pixels/part-layout.js";
import { type ExrSpec, writeExr } from "../../../src/core/write/index.js";
import { zlibInflate } from "../../../src/inspect/options.js";

/**
 * One flat chunk decoded from files the writer makes (scan-line, tiled, multi-part), and each way a chunk can be
 * damaged: the finding's code, text and location (mutation testing, issue 20).
 */

const deflate = (d: Uint8Array) => new Uint8Array(deflateSync(d));
const value = (c: string, x: number, y: number) => ((x * 5 + y * 11 + c.charCodeAt(0)) % 50) - 7;

interface Written {
  bytes: Uint8Array;
  layout: PartLayout;
  offsets: number[];
}

function written(spec: ExrSpec, part = 0): Written {
  const bytes = writeExr(spec);
  const result = inspectBytes(bytes);
  const layout = partLayout(result, part);
  if (typeof layout === "string") throw new Error(layout);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = layout.part.offset_table_offset!;
  const offsets = Array.from({ length: layout.chunkCount }, (_, i) =>
    Number(dv.getBigUint64(at + 8 * i, true)),
  );
  return { bytes, layout, offsets };
}

const decode = (w: Written, i: number, bytes = w.bytes.subarray(w.offsets[i]!)) =>
  decodeChunk(w.layout, i, bytes, w.offsets[i]!, zlibInflate);

function failure(r: DecodedChunk | ChunkFailure) {
  if (!isChunkFailure(r)) throw new Error("decoded");
  return r.findings.map((f) => [f.code, f.message, f.part_index, f.chunk_index, f.byte_offset]);
}

function decoded(r: DecodedChunk | ChunkFailure): DecodedChunk {
  if (isChunkFailure(r)) throw new Error(JSON.stringify(r.findings));
  return r;
}

const channels = [
  { name: "R", type: "half" as const },
  { name: "Z", type: "float" as const },
  { name: "id", type: "uint" as const },
];

/** The samples a plane should hold, as the writer stored them (float bits for float, plain values otherwise). */
function expected(name: string, type: string, x0: number, y0: number, w: number, h: number): number[] {
  const out: number[] = [];
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < x0 + w; x++) {
      const v = name === "id" ? Math.abs(value(name, x, y)) : value(name, x, y);
      if (type === "float") out.push(new Uint32Array(new Float32Array([v]).buffer)[0]!);
      else if (type === "half") out.push(halfBits(v));
      else out.push(v);
    }
  return out;
}

/** Half bits of a small integer (exact in half). */
function halfBits(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

let scan: Written;
let zip: Written;
let tiled: Written;
let multi: Written;

// before each test, not once: code run in beforeAll counts as static for Stryker (every mutant it reaches re-runs all tests)
beforeEach(() => {
  const pixel = (c: string, x: number, y: number) => (c === "id" ? Math.abs(value(c, x, y)) : value(c, x, y));
  scan = written({
    parts: [{ type: "scanlineimage", dataWindow: { min: [-2, 3], max: [4, 6] }, channels, pixel }],
  });
  zip = written({
    deflate,
    parts: [
      {
        type: "scanlineimage",
        compression: "zip",
        dataWindow: { min: [0, 0], max: [9, 20] },
        channels,
        pixel,
      },
    ],
  });
  tiled = written({
    parts: [
      {
        type: "tiledimage",
        dataWindow: { min: [1, 2], max: [10, 8] },
        tiles: { x_size: 4, y_size: 3 },
        channels,
        pixel,
      },
    ],
  });
  multi = written(
    {
      multipart: true,
      parts: [
        { type: "scanlineimage", dataWindow: { min: [0, 0], max: [3, 1] }, channels, pixel },
        { type: "scanlineimage", dataWindow: { min: [0, 0], max: [2, 2] }, channels, pixel },
      ],
    },
    1,
  );
});

describe("decodeChunk on written files", () => {
  it("scan-line, zip, tiled and multi-part chunks decode to the written samples with their placement", () => {
    const check = (w: Written, i: number) => {
      const c = decoded(decode(w, i));
      expect(c.partIndex).toBe(w.layout.partIndex);
      expect(c.chunkIndex).toBe(i);
      const place = chunkPlace(w.layout, i)!;
      expect([c.level, c.tile, c.x0, c.y0, c.width, c.height]).toEqual([
        place.level,
        place.tile,
        place.geometry.x0,
        place.geometry.y0,
        place.geometry.width,
        place.geometry.height,
      ]);
      expect(c.planes.map((p) => [p.name, p.type, p.xSampling, p.ySampling, p.width, p.height])).toEqual(
        channels.map((ch) => [ch.name, ch.type, 1, 1, c.width, c.height]),
      );
      for (const p of c.planes)
        expect([...p.data], `${p.name} chunk ${i}`).toEqual(
          expected(p.name, p.type, c.x0, c.y0, c.width, c.height),
        );
    };
    for (const w of [scan, zip, tiled, multi]) for (let i = 0; i < w.offsets.length; i++) check(w, i);
    expect(multi.layout.partIndex).toBe(1);
    expect(tiled.offsets.length).toBe(9);
  });

  it("a chunk past the part's last one, or a file ending inside the header", () => {
    const n = scan.offsets.length;
    expect(failure(decodeChunk(scan.layout, n, scan.bytes, 100, zlibInflate))).toEqual([
      ["EXR_CHUNK_HEADER_INVALID", `chunk ${n} lies past the part's last chunk`, 0, n, 100],
    ]);
    // scan-line header: y and size (8 bytes)
    const at = scan.offsets[1]!;
    expect(failure(decode(scan, 1, scan.bytes.subarray(at, at + 7)))).toEqual([
      ["EXR_CHUNK_TRUNCATED", "file ends inside the header of chunk 1", 0, 1, at],
    ]);
    expect(failure(decode(scan, 1, scan.bytes.subarray(at, at + 8)))[0]![0]).toBe("EXR_CHUNK_TRUNCATED");
    // multi-part: part number first (12 bytes); tiled: 4 coordinates (20 bytes)
    const m = multi.offsets[0]!;
    expect(failure(decode(multi, 0, multi.bytes.subarray(m, m + 11)))[0]![1]).toBe(
      "file ends inside the header of chunk 0",
    );
    expect(failure(decode(multi, 0, multi.bytes.subarray(m, m + 12)))[0]![1]).toMatch(
      /^chunk 0 needs \d+ bytes/,
    );
    const t = tiled.offsets[0]!;
    expect(failure(decode(tiled, 0, tiled.bytes.subarray(t, t + 19)))[0]![1]).toBe(
      "file ends inside the header of chunk 0",
    );
    expect(failure(decode(tiled, 0, tiled.bytes.subarray(t, t + 20)))[0]![1]).toMatch(
      /^chunk 0 needs \d+ bytes/,
    );
  });

  it("a chunk's data cut off: needs exactly its header and data size", () => {
    const at = scan.offsets[0]!;
    // 7 pixels x (2 + 4 + 4) bytes on one line
    const size = 8 + 7 * 10;
    expect(decoded(decode(scan, 0, scan.bytes.subarray(at, at + size))).planes.length).toBe(3);
    expect(failure(decode(scan, 0, scan.bytes.subarray(at, at + size - 1)))).toEqual([
      ["EXR_CHUNK_TRUNCATED", `chunk 0 needs ${size} bytes; only ${size - 1} are there`, 0, 0, at],
    ]);
  });

  it("headers that disagree with the offset table", () => {
    const damaged = (w: Written, i: number, field: number, v: number) => {
      const b = w.bytes.slice(w.offsets[i]!);
      new DataView(b.buffer).setInt32(field, v, true);
      return failure(decode(w, i, b));
    };
    const s = scan.offsets[2]!;
    expect(damaged(scan, 2, 0, 4)).toEqual([
      ["EXR_CHUNK_HEADER_INVALID", "chunk 2 starts at y=4, expected 5", 0, 2, s],
    ]);
    expect(damaged(scan, 2, 4, -1)).toEqual([
      ["EXR_CHUNK_HEADER_INVALID", "chunk 2 has negative data size -1", 0, 2, s],
    ]);
    const m = multi.offsets[1]!;
    expect(damaged(multi, 1, 0, 0)).toEqual([
      ["EXR_CHUNK_HEADER_INVALID", "chunk 1 says part 0, its offset table is part 1", 1, 1, m],
    ]);
    // tile (1, 2) of level (0, 0) is chunk 7; every coordinate is compared
    const t = tiled.offsets[7]!;
    expect(damaged(tiled, 7, 0, 2)).toEqual([
      ["EXR_CHUNK_HEADER_INVALID", "chunk 7 holds tile (2,2,0,0), expected (1,2,0,0)", 0, 7, t],
    ]);
    expect(damaged(tiled, 7, 4, 1)[0]![1]).toBe("chunk 7 holds tile (1,1,0,0), expected (1,2,0,0)");
    expect(damaged(tiled, 7, 8, 1)[0]![1]).toBe("chunk 7 holds tile (1,2,1,0), expected (1,2,0,0)");
    expect(damaged(tiled, 7, 12, 1)[0]![1]).toBe("chunk 7 holds tile (1,2,0,1), expected (1,2,0,0)");
    // two disagreements at once: both reported
    const b = multi.bytes.slice(m);
    new DataView(b.buffer).setInt32(0, 0, true);
    new DataView(b.buffer).setInt32(4, 9, true);
    expect(failure(decode(multi, 1, b)).map((f) => f[1])).toEqual([
      "chunk 1 says part 0, its offset table is part 1",
      "chunk 1 starts at y=9, expected 1",
    ]);
  });

  it("a compressed chunk storing no bytes is corrupt data, not a negative size", () => {
    const z = zip.bytes.slice(zip.offsets[1]!);
    new DataView(z.buffer).setInt32(4, 0, true);
    expect(failure(decode(zip, 1, z))).toEqual([
      [
        "EXR_CHUNK_CORRUPT",
        "chunk 1 (zip): chunk stores no data; its pixels take 500 bytes",
        0,
        1,
        zip.offsets[1]!,
      ],
    ]);
  });

  it("a raw one-line chunk's planes do not share the file's bytes", () => {
    const bytes = scan.bytes.slice();
    const at = scan.offsets[0]!;
    const c = decoded(decode({ ...scan, bytes }, 0, bytes.subarray(at)));
    const before = c.planes.map((p) => [...p.data]);
    bytes.fill(0xee, at, at + 8 + 70);
    expect(c.planes.map((p) => [...p.data])).toEqual(before);
  });

  it("a raw one-line chunk without padding, 4-aligned in the caller's bytes, is still copied out of them", () => {
    const w = written({
      parts: [
        {
          type: "scanlineimage",
          dataWindow: { min: [0, 0], max: [2, 1] },
          channels: [
            { name: "Z", type: "float" },
            { name: "id", type: "uint" },
          ],
          pixel: (c, x, y) => (c === "id" ? Math.abs(value(c, x, y)) : value(c, x, y)),
        },
      ],
    });
    const size = 8 + 3 * 8;
    const own = w.bytes.slice(w.offsets[1]!, w.offsets[1]! + size);
    expect(own.byteOffset).toBe(0);
    const c = decoded(decodeChunk(w.layout, 1, own, w.offsets[1]!, zlibInflate));
    const before = c.planes.map((p) => [...p.data]);
    expect(before).toEqual([expected("Z", "float", 0, 1, 3, 1), expected("id", "uint", 0, 1, 3, 1)]);
    own.fill(0xee, 8);
    expect(c.planes.map((p) => [...p.data])).toEqual(before);
  });

  it("uncompressed chunks of the wrong size; compressed chunks that do not decode", () => {
    const grow = scan.bytes.slice(scan.offsets[0]!);
    new DataView(grow.buffer).setInt32(4, 69, true);
    expect(failure(decode(scan, 0, grow))).toEqual([
      [
        "EXR_CHUNK_SIZE_MISMATCH",
        "uncompressed chunk 0 stores 69 bytes; its pixels take 70",
        0,
        0,
        scan.offsets[0]!,
      ],
    ]);
    const z = zip.bytes.slice(zip.offsets[1]!);
    z[8 + 2] = z[8 + 2]! ^ 0xff; // inside the zlib stream
    const f = failure(decode(zip, 1, z));
    expect(f.map((x) => [x[0], x[2], x[3], x[4]])).toEqual([["EXR_CHUNK_CORRUPT", 0, 1, zip.offsets[1]!]]);
    expect(f[0]![1]).toMatch(/^chunk 1 \(zip\): zip data /);
  });
});

describe("readChunkHeader", () => {
  it("deep headers: the three 64-bit sizes, past 2^53 as Infinity", () => {
    const layout: PartLayout = {
      ...scan.layout,
      deep: true,
      part: { ...scan.layout.part, type: "deepscanline" },
    };
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    dv.setInt32(0, 5, true);
    dv.setBigUint64(4, 10n, true);
    dv.setBigUint64(12, 2n ** 40n + 3n, true);
    dv.setBigUint64(20, 2n ** 53n - 1n, true);
    expect(readChunkHeader(layout, b.subarray(0, 27))).toBeNull();
    expect(readChunkHeader(layout, b.subarray(0, 28))).toEqual({
      headerBytes: 28,
      dataBytes: 10 + 2 ** 40 + 3,
      part: null,
      coords: [5],
      deep: { tableBytes: 10, packedBytes: 2 ** 40 + 3, unpackedBytes: 2 ** 53 - 1 },
    });
    dv.setBigUint64(20, 2n ** 53n, true);
    expect(readChunkHeader(layout, b)!.deep!.unpackedBytes).toBe(Number.POSITIVE_INFINITY);
    dv.setBigUint64(4, 2n ** 64n - 1n, true);
    expect(readChunkHeader(layout, b)!.dataBytes).toBe(Number.POSITIVE_INFINITY);
  });

  it("flat headers: negative sizes and coordinates read as signed", () => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setInt32(0, -3, true);
    new DataView(b.buffer).setInt32(4, -2, true);
    expect(readChunkHeader(scan.layout, b)).toEqual({
      headerBytes: 8,
      dataBytes: -2,
      part: null,
      coords: [-3],
      deep: null,
    });
  });
});

describe("planesOf", () => {
  const g = (height: number, y0 = 0): ChunkGeometry => ({
    x0: 0,
    y0,
    width: 3,
    height,
    channels: [
      { name: "a", type: "half", bytes: 2, xSampling: 1, ySampling: 1, pLinear: false, width: 3, height },
      { name: "b", type: "float", bytes: 4, xSampling: 1, ySampling: 1, pLinear: false, width: 3, height },
    ],
    unpackedBytes: 18 * height,
  });

  it("a one-line block: planes side by side, aligned after padding, a view only of the codec's own aligned output", () => {
    const line = new Uint8Array(18).map((_, i) => i + 1);
    const own = planesOf(line, g(1), true);
    // a 6-byte half plane puts the float plane at offset 8 (aligned to 4): a copy with padding
    expect([...own[0]!.data]).toEqual([0x0201, 0x0403, 0x0605]);
    expect([...own[1]!.data]).toEqual([0x0a090807, 0x0e0d0c0b, 0x1211100f]);
    expect(own[1]!.data.byteOffset % 4).toBe(0);
    // aligned planes (a float first): views of the codec's output, a copy of anyone else's
    const fl: ChunkGeometry = { ...g(1), channels: [g(1).channels[1]!, g(1).channels[0]!] };
    const ownView = planesOf(line, fl, true);
    expect(ownView[0]!.data.buffer).toBe(line.buffer);
    expect([...ownView[1]!.data]).toEqual([0x0e0d, 0x100f, 0x1211]);
    const copied = planesOf(line, fl, false);
    expect(copied[0]!.data.buffer).not.toBe(line.buffer);
    expect([...copied[0]!.data]).toEqual([...ownView[0]!.data]);
    // owned but at an odd offset: copied
    const shifted = new Uint8Array(19);
    shifted.set(line, 1);
    const odd = planesOf(shifted.subarray(1), fl, true);
    expect(odd[0]!.data.buffer).not.toBe(shifted.buffer);
    expect([...odd[0]!.data]).toEqual([...ownView[0]!.data]);
  });

  it("not owned by default; owned and 4-aligned inside a larger buffer: a view; a short block: zero-filled", () => {
    const line = new Uint8Array(18).map((_, i) => i + 1);
    const fl: ChunkGeometry = { ...g(1), channels: [g(1).channels[1]!, g(1).channels[0]!] };
    expect(planesOf(line, fl)[0]!.data.buffer).not.toBe(line.buffer);
    const big = new Uint8Array(30);
    big.set(line, 4);
    const at4 = planesOf(big.subarray(4, 22), fl, true);
    expect(at4[0]!.data.buffer).toBe(big.buffer);
    expect([...at4[1]!.data]).toEqual([0x0e0d, 0x100f, 0x1211]);
    const short = planesOf(line.subarray(0, 16), fl);
    expect([...short[1]!.data]).toEqual([0x0e0d, 0x100f, 0]);
  });

  it("several lines: each channel's lines gathered; subsampled channels only on their lines", () => {
    const two = new Uint8Array(36).map((_, i) => i);
    const p = planesOf(two, g(2));
    expect([...p[0]!.data]).toEqual([0x0100, 0x0302, 0x0504, 0x1312, 0x1514, 0x1716]);
    expect([...p[1]!.data]).toEqual([0x09080706, 0x0d0c0b0a, 0x11100f0e, 0x1b1a1918, 0x1f1e1d1c, 0x23222120]);
    // a channel sampled every second line, chunk starting at y = 1: lines 2 only of 1..3
    const sub: ChunkGeometry = {
      x0: 0,
      y0: 1,
      width: 1,
      height: 3,
      channels: [
        {
          name: "a",
          type: "half",
          bytes: 2,
          xSampling: 1,
          ySampling: 1,
          pLinear: false,
          width: 1,
          height: 3,
        },
        {
          name: "c",
          type: "half",
          bytes: 2,
          xSampling: 1,
          ySampling: 2,
          pLinear: false,
          width: 1,
          height: 1,
        },
        {
          name: "e",
          type: "half",
          bytes: 2,
          xSampling: 1,
          ySampling: 1,
          pLinear: false,
          width: 0,
          height: 0,
        },
      ],
      unpackedBytes: 8,
    };
    const q = planesOf(Uint8Array.of(1, 0, 2, 0, 9, 0, 3, 0), sub);
    expect(q.map((x) => [...x.data])).toEqual([[1, 2, 3], [9], []]);
  });
});
