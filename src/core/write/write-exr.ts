import { encodeAttribute } from "./attribute-encoder.js";
import { ByteWriter, byteString, textBytes } from "./byte-writer.js";
import { COMPRESSION_CODES, ExrWriteError, enumCode, LINE_ORDER_CODES } from "./enums.js";
import { enumerateChunks } from "./layout.js";
import { deepChunkData, flatPixelData, resolveChannels } from "./pixel-data.js";
import type { AttributeSpec, ChannelSpec, ChunkInfo, ExrSpec, PartSpec } from "./spec.js";
import { zipEncode } from "./zip-predictor.js";

const MAGIC = 20000630;
const FLAG_TILED = 0x200;
const FLAG_LONG_NAMES = 0x400;
const FLAG_NON_IMAGE = 0x800;
const FLAG_MULTIPART = 0x1000;

/** Where everything landed in a written file (tests use it to damage files at exact positions). */
export interface ExrLayout {
  size: number;
  /** Bytes of magic + version + headers (+ the multi-part terminator): where the first offset table starts. */
  headerBytes: number;
  parts: Array<{
    headerOffset: number;
    offsetTableOffset: number;
    chunkOffsets: number[];
    chunkSizes: number[];
    chunks: ChunkInfo[];
  }>;
}

const isDeep = (p: PartSpec) => p.type === "deepscanline" || p.type === "deeptile";
const isTiled = (p: PartSpec) => p.type === "tiledimage" || p.type === "deeptile";
const nameLength = (s: string | Uint8Array) => textBytes(s).length;

interface PreparedPart {
  spec: PartSpec;
  chunks: ChunkInfo[];
  chunkBytes: Uint8Array[];
  attributes: AttributeSpec[];
}

function preparePart(spec: PartSpec, index: number, multipart: boolean, file: ExrSpec): PreparedPart {
  const deep = isDeep(spec);
  const tiled = isTiled(spec);
  if (tiled && !spec.tiles)
    throw new ExrWriteError("EXR_WRITE_MISSING_TILES", `part ${index} is ${spec.type} but has no tiles`);
  const compressionCode = enumCode(COMPRESSION_CODES, spec.compression ?? "none", "compression");
  const chunks = enumerateChunks(index, spec.dataWindow, compressionCode, tiled ? spec.tiles! : null, deep);
  const channels = resolveChannels(spec.channels);
  let maxSamples = 0;
  const chunkBytes = chunks.map((chunk) => {
    const w = new ByteWriter(256);
    if (multipart) w.i32(index);
    if (tiled) w.i32(chunk.tileX!).i32(chunk.tileY!).i32(chunk.levelX!).i32(chunk.levelY!);
    else w.i32(chunk.y!);
    if (deep) {
      const d = deepChunkData(chunk, channels, spec.sampleCount, spec.sample);
      maxSamples = Math.max(maxSamples, d.maxSamples);
      w.u64(d.sampleTable.length).u64(d.sampleData.length).u64(d.sampleData.length);
      w.bytes(d.sampleTable).bytes(d.sampleData);
    } else {
      let data = spec.chunkData ? spec.chunkData(chunk) : flatPixelData(chunk, channels, spec.pixel);
      if (!spec.chunkData && file.deflate && (compressionCode === 2 || compressionCode === 3))
        data = zipEncode(data, file.deflate) ?? data;
      w.i32(data.length).bytes(data);
    }
    return w.toBytes();
  });
  return {
    spec,
    chunks,
    chunkBytes,
    attributes: partAttributes(spec, index, multipart, chunks.length, maxSamples),
  };
}

function partAttributes(
  spec: PartSpec,
  index: number,
  multipart: boolean,
  chunkCount: number,
  maxSamples: number,
): AttributeSpec[] {
  const deep = isDeep(spec);
  const standard: AttributeSpec[] = [
    { name: "channels", type: "chlist", value: sortedChannels(spec.channels) },
    { name: "compression", type: "compression", value: spec.compression ?? "none" },
    { name: "dataWindow", type: "box2i", value: spec.dataWindow },
    { name: "displayWindow", type: "box2i", value: spec.displayWindow ?? spec.dataWindow },
    { name: "lineOrder", type: "lineOrder", value: spec.lineOrder ?? "INCREASING_Y" },
    { name: "pixelAspectRatio", type: "float", value: spec.pixelAspectRatio ?? 1 },
    { name: "screenWindowCenter", type: "v2f", value: spec.screenWindowCenter ?? [0, 0] },
    { name: "screenWindowWidth", type: "float", value: spec.screenWindowWidth ?? 1 },
  ];
  if (spec.tiles) standard.push({ name: "tiles", type: "tiledesc", value: spec.tiles });
  if (multipart || deep || spec.writeTypeAttributes) {
    standard.push({ name: "name", type: "string", value: spec.name ?? `part${index}` });
    standard.push({ name: "type", type: "string", value: spec.type });
    standard.push({ name: "chunkCount", type: "int", value: chunkCount });
  }
  if (deep) {
    standard.push({ name: "version", type: "int", value: 1 });
    standard.push({ name: "maxSamplesPerPixel", type: "int", value: spec.maxSamplesPerPixel ?? maxSamples });
  }
  const key = (a: AttributeSpec) => byteString(a.name);
  const extras = spec.attributes ?? [];
  const overridden = new Set(extras.map(key));
  const omitted = new Set(spec.omit ?? []);
  const kept = standard.filter((a) => !overridden.has(key(a)) && !omitted.has(key(a)));
  const all = [...kept, ...extras];
  if ((spec.attributeOrder ?? "sorted") === "sorted")
    all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return all;
}

/** The library keeps channel lists sorted by name bytes; an unsorted list must be given as an override. */
function sortedChannels(channels: ChannelSpec[]): ChannelSpec[] {
  const key = (c: ChannelSpec) => byteString(c.name);
  return [...channels].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function versionField(spec: ExrSpec, multipart: boolean): number {
  if (spec.versionField !== undefined) return spec.versionField;
  let flags = 0;
  const only = spec.parts[0];
  if (!multipart && only && only.type === "tiledimage") flags |= FLAG_TILED;
  if (spec.parts.some(isDeep)) flags |= FLAG_NON_IMAGE;
  if (multipart) flags |= FLAG_MULTIPART;
  const long =
    spec.longNames ??
    spec.parts.some(
      (p) =>
        p.channels.some((c) => nameLength(c.name) > 31) ||
        (p.attributes ?? []).some((a) => nameLength(a.name) > 31 || nameLength(a.type) > 31),
    );
  if (long) flags |= FLAG_LONG_NAMES;
  return 2 | flags;
}

/** Builds a complete EXR file (uncompressed pixel data unless `deflate` is given) and reports its layout. */
export function buildExr(spec: ExrSpec): { bytes: Uint8Array; layout: ExrLayout } {
  if (spec.parts.length === 0) throw new ExrWriteError("EXR_WRITE_NO_PARTS", "an EXR file needs a part");
  const multipart = spec.multipart ?? spec.parts.length > 1;
  const parts = spec.parts.map((p, i) => preparePart(p, i, multipart, spec));

  const w = new ByteWriter(4096);
  w.i32(MAGIC).i32(versionField(spec, multipart));
  const headerOffsets: number[] = [];
  for (const part of parts) {
    headerOffsets.push(w.length);
    for (const a of part.attributes) encodeAttribute(w, a);
    w.u8(0);
  }
  if (multipart) w.u8(0);
  const headerBytes = w.length;

  const tableOffsets: number[] = [];
  for (const part of parts) {
    tableOffsets.push(w.length);
    for (let i = 0; i < part.chunks.length; i++) w.u64(0);
  }

  const layout: ExrLayout = { size: 0, headerBytes, parts: [] };
  parts.forEach((part, pi) => {
    const offsets: number[] = new Array(part.chunks.length).fill(0);
    const sizes: number[] = new Array(part.chunks.length).fill(0);
    const order = part.chunks.map((_, i) => i);
    // DECREASING_Y scanline files store their blocks bottom first; the table stays in y order.
    const lineOrder = enumCode(LINE_ORDER_CODES, part.spec.lineOrder ?? 0, "lineOrder");
    if (lineOrder === LINE_ORDER_CODES.DECREASING_Y && !isTiled(part.spec)) order.reverse();
    for (const ci of order) {
      offsets[ci] = w.length;
      sizes[ci] = part.chunkBytes[ci]!.length;
      w.bytes(part.chunkBytes[ci]!);
    }
    offsets.forEach((off, ci) => {
      w.patchU64(tableOffsets[pi]! + 8 * ci, off);
    });
    layout.parts.push({
      headerOffset: headerOffsets[pi]!,
      offsetTableOffset: tableOffsets[pi]!,
      chunkOffsets: offsets,
      chunkSizes: sizes,
      chunks: part.chunks,
    });
  });

  const damage = spec.damage;
  const entryAt = (part: number, chunk: number) => {
    const table = tableOffsets[part];
    if (table === undefined || chunk < 0 || chunk >= parts[part]!.chunks.length)
      throw new ExrWriteError("EXR_WRITE_BAD_DAMAGE", `no offset entry for part ${part} chunk ${chunk}`);
    return table + 8 * chunk;
  };
  for (const z of damage?.zeroOffsets ?? []) w.patchU64(entryAt(z.part, z.chunk), 0);
  for (const s of damage?.setOffsets ?? []) w.patchU64(entryAt(s.part, s.chunk), s.value);

  let bytes = w.toBytes();
  if (damage?.truncateAt !== undefined) bytes = bytes.slice(0, Math.max(0, damage.truncateAt));
  layout.size = bytes.length;
  return { bytes, layout };
}

/** An EXR file as bytes. Pure: no I/O; see `ExrSpec` for the input and its defaults. */
export function writeExr(spec: ExrSpec): Uint8Array {
  return buildExr(spec).bytes;
}
