import { ByteReader } from "./byte-reader.js";
import { unpackedChunkBytes } from "./chunk-size.js";
import { finding } from "./findings.js";
import type { ChannelRecord, Finding, PartRecord } from "./model.js";
import { chunkHeaderSize } from "./offset-tables.js";
import type { ChunkRef } from "./table-layout.js";
import { tileOfChunk } from "./tiling.js";

export interface ChunkCheck {
  findings: Finding[];
  /** Total bytes of the chunk (header + data) when its header could be read. */
  chunkBytes: number | null;
  fits: boolean;
}

/**
 * Reads one chunk header (`bytes` starts at the chunk) and checks that it belongs to its part,
 * carries the coordinates its table position implies, and that the whole chunk fits the file.
 */
export function checkChunk(
  bytes: Uint8Array,
  ref: ChunkRef,
  part: PartRecord,
  linesPerChunk: number | null,
  multipart: boolean,
  fileSize: number,
  channels?: readonly ChannelRecord[],
): ChunkCheck {
  const findings: Finding[] = [];
  const loc = { part_index: ref.part, chunk_index: ref.chunk, byte_offset: ref.offset };
  const type = part.type;
  if (!type) return { findings, chunkBytes: null, fits: true };
  const headerSize = chunkHeaderSize(type, multipart);
  const r = new ByteReader(bytes);
  if (!r.has(headerSize)) {
    findings.push(finding("EXR_CHUNK_TRUNCATED", `file ends inside the header of chunk ${ref.chunk}`, loc));
    return { findings, chunkBytes: null, fits: false };
  }
  const invalid = (message: string) => findings.push(finding("EXR_CHUNK_HEADER_INVALID", message, loc));
  if (multipart) {
    const partNumber = r.i32();
    if (partNumber !== ref.part)
      invalid(`chunk ${ref.chunk} says part ${partNumber}, its offset table is part ${ref.part}`);
  }
  if (part.is_tiled) {
    const coords = [r.i32(), r.i32(), r.i32(), r.i32()] as const;
    const expected = part.tiling ? tileOfChunk(part.tiling, ref.chunk) : null;
    if (
      expected &&
      (coords[0] !== expected.tx ||
        coords[1] !== expected.ty ||
        coords[2] !== expected.lx ||
        coords[3] !== expected.ly)
    ) {
      invalid(
        `chunk ${ref.chunk} holds tile (${coords.join(",")}), expected (${expected.tx},${expected.ty},${expected.lx},${expected.ly})`,
      );
    }
  } else {
    const y = r.i32();
    const dw = part.data_window;
    if (dw && linesPerChunk !== null) {
      const expectedY = dw.min[1] + ref.chunk * linesPerChunk;
      if (y !== expectedY) invalid(`chunk ${ref.chunk} starts at y=${y}, expected ${expectedY}`);
    }
  }
  let dataBytes: number;
  if (part.is_deep) {
    const tableSize = r.u64();
    const sampleSize = r.u64();
    r.u64(); // unpacked sample size: not needed to locate the chunk's end
    dataBytes = tableSize + sampleSize;
  } else {
    dataBytes = r.i32();
    if (dataBytes < 0) {
      invalid(`chunk ${ref.chunk} has negative data size ${dataBytes}`);
      return { findings, chunkBytes: null, fits: false };
    }
  }
  if (!part.is_deep && channels) {
    const unpacked = unpackedChunkBytes(part, channels, ref.chunk, linesPerChunk);
    if (
      unpacked !== null &&
      (dataBytes > unpacked || (part.compression === "none" && dataBytes !== unpacked))
    ) {
      invalid(
        `chunk ${ref.chunk} stores ${dataBytes} data bytes; its pixels take ${unpacked} bytes uncompressed` +
          (part.compression === "none"
            ? " (no compression: sizes must match)"
            : " (stored data is never larger)"),
      );
    }
  }
  const chunkBytes = headerSize + dataBytes;
  const fits = ref.offset + chunkBytes <= fileSize;
  if (!fits) {
    findings.push(
      finding(
        "EXR_CHUNK_TRUNCATED",
        `chunk ${ref.chunk} needs ${chunkBytes} bytes from ${ref.offset}; the file ends ${ref.offset + chunkBytes - fileSize} bytes short`,
        loc,
      ),
    );
  }
  return { findings, chunkBytes, fits };
}
